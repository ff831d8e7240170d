//! The frame of every page: the signed-in user, the header and its navigation.

use crate::api::auth::{get_me, Login, Logout, LogoutEverywhere, Register, VerifyEmail};
use crate::api::notifications::unread_notifications;
use crate::components::suspend::once_loaded;
use crate::dto::UserDto;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::components::{Redirect, A};

/// The actions that change who is signed in, and the current user, re-read after each of them.
#[derive(Clone, Copy)]
pub struct AuthActions {
    pub login: ServerAction<Login>,
    pub register: ServerAction<Register>,
    pub logout: ServerAction<Logout>,
    pub logout_everywhere: ServerAction<LogoutEverywhere>,
    /// Proving the address may activate the account: `me` is read again after it.
    pub verify: ServerAction<VerifyEmail>,
    pub me: Resource<Result<Option<UserDto>, AppError>>,
    /// Bumped to read the bell's count again (a page that marks notifications read, a timer).
    pub bell: RwSignal<u64>,
    /// Unread notifications of the signed-in person.
    pub unread: Resource<Result<u64, AppError>>,
}

impl AuthActions {
    pub fn provide() -> AuthActions {
        let login = ServerAction::<Login>::new();
        let register = ServerAction::<Register>::new();
        let logout = ServerAction::<Logout>::new();
        let logout_everywhere = ServerAction::<LogoutEverywhere>::new();
        let verify = ServerAction::<VerifyEmail>::new();
        let signed_out = move || logout.version().get() + logout_everywhere.version().get();
        let me = Resource::new(
            move || (login.version().get(), register.version().get(), signed_out(), verify.version().get()),
            |_| get_me(),
        );
        let bell = RwSignal::new(0u64);
        let unread =
            Resource::new(move || (login.version().get(), signed_out(), bell.get()), |_| unread_notifications());
        // In the browser, the count is read again every minute, so a reply shows without a
        // reload. (Never on the server: there the app is also run to list its routes, with no
        // task executor to run a timer on.)
        #[cfg(target_arch = "wasm32")]
        set_interval(move || bell.update(|v| *v += 1), std::time::Duration::from_secs(60));
        let actions = AuthActions { login, register, logout, logout_everywhere, verify, me, bell, unread };
        provide_context(actions);
        actions
    }

    pub fn get() -> AuthActions {
        expect_context::<AuthActions>()
    }
}

#[component]
pub fn Header(auth: AuthActions) -> impl IntoView {
    view! {
        <header class="topbar">
            <a class="brand" href="/">
                <span class="brand-mark">"Cy"</span>
                "CyTrack Support"
            </a>
            <Transition fallback=|| ()>
                {move || once_loaded(async move {
                    match auth.me.await {
                        Ok(Some(user)) => view! { <Nav user auth/> }.into_any(),
                        _ => view! {
                            <nav class="nav">
                                <A href="/login">"Sign in"</A>
                                <A href="/register" attr:class="button small">"Register"</A>
                            </nav>
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </header>
    }
}

#[component]
fn Nav(user: UserDto, auth: AuthActions) -> impl IntoView {
    let active = user.is_active();
    let staff = user.is_staff();
    let manages = user.role.manages_accounts();
    let admin = user.role == crate::domain::people::Role::Admin;
    let superuser = !staff && user.superuser;
    // Whether the live channel is open: journeys wait for it, and a stylesheet may show it.
    let live = crate::components::live::LiveFeed::get().connected;
    view! {
        <nav class="nav" data-live=move || if live.get() { "on" } else { "off" }>
            <Show when=move || staff && active>
                <A href="/queues">"Queues"</A>
            </Show>
            <Show when=move || active>
                <A href="/tickets">{if staff { "Tickets" } else { "My tickets" }}</A>
                <A href="/tickets/new">"New ticket"</A>
            </Show>
            <Show when=move || active && (!staff || manages)>
                <A href="/vouchers">"Vouchers"</A>
            </Show>
            <Show when=move || active && superuser>
                <A href="/deployment-projects">"Deployment"</A>
            </Show>
            <Show when=move || active>
                <A href="/after-hours">"After hours"</A>
                <A href="/macs">"MACS"</A>
                <A href="/releases">"Releases"</A>
                <A href="/insider">"Insider"</A>
            </Show>
            <Show when=move || active && (staff || superuser)>
                <A href="/reports">"Reports"</A>
            </Show>
            <Show when=move || manages>
                <A href="/accounts">"Accounts"</A>
                <A href="/staff/registrations">"Registrations"</A>
            </Show>
            <Show when=move || active && (manages || superuser)>
                <A href="/people">"People"</A>
            </Show>
            <Show when=move || manages>
                <A href="/audit">"Audit log"</A>
            </Show>
            <Show when=move || admin>
                <A href="/settings">"Settings"</A>
            </Show>
            <Bell unread=auth.unread/>
            <A href="/profile" attr:class="who" attr:title=user.email.clone()>
                {user.name.clone()}
                <small>{user.role.label()}</small>
            </A>
            <ActionForm action=auth.logout attr:class="inline">
                <button type="submit" class="link">"Sign out"</button>
            </ActionForm>
        </nav>
    }
}

/// The link to the notifications, with the unread count.
#[component]
fn Bell(unread: Resource<Result<u64, AppError>>) -> impl IntoView {
    // Counted again on every move to another page (a ticket just raised, a reply just sent, is
    // told at once), besides the minute's tick; not on the first page, which comes counted.
    let bell = AuthActions::get().bell;
    let location = leptos_router::hooks::use_location();
    Effect::new(move |seen: Option<String>| {
        let path = location.pathname.get();
        if seen.is_some_and(|seen| seen != path) {
            bell.update(|v| *v += 1);
        }
        path
    });
    view! {
        <A href="/notifications" attr:class="bell" attr:title="Notifications">
            <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
                <path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1z"/>
            </svg>
            <span class="sr-only">"Notifications"</span>
            <Transition fallback=|| ()>
                {move || once_loaded(async move {
                    match unread.await {
                        Ok(n) if n > 0 => Some(view! { <span class="count" aria-label=format!("{n} unread")>{n}</span> }),
                        _ => None,
                    }
                })}
            </Transition>
        </A>
    }
}

/// What a page needs of the signed-in person.
#[derive(Clone, Copy, PartialEq)]
pub enum Need {
    /// Any active account.
    Active,
    /// Any active CyTrack staff member.
    Staff,
    /// An active account manager or admin.
    AccountManager,
    /// An active admin.
    Admin,
}

/// Renders `children` with the current user when they may see the page; otherwise sends them
/// where they belong (sign-in, or the awaiting-approval page).
#[component]
pub fn Guard<F, V>(need: Need, children: F) -> impl IntoView
where
    F: Fn(UserDto) -> V + Send + Sync + Clone + 'static,
    V: IntoView + 'static,
{
    let auth = AuthActions::get();
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {
                let children = children.clone();
                move || {
                    let children = children.clone();
                    once_loaded(async move {
                        match auth.me.await {
                            Ok(Some(user)) if !user.is_active() => view! { <Redirect path="/awaiting-approval"/> }.into_any(),
                            Ok(Some(user))
                                if (need == Need::AccountManager && !user.role.manages_accounts())
                                    || (need == Need::Staff && !user.is_staff())
                                    || (need == Need::Admin && user.role != crate::domain::people::Role::Admin) =>
                            {
                                view! { <crate::pages::not_found::NotFound/> }.into_any()
                            }
                            Ok(Some(user)) => {
                                crate::components::widgets::DisplayZone::set(user.time_zone.as_deref());
                                children(user).into_view().into_any()
                            }
                            Ok(None) => view! { <Redirect path="/login"/> }.into_any(),
                            Err(e) => view! { <crate::components::widgets::ErrorBanner error=e/> }.into_any(),
                        }
                    })
                }
            }
        </Suspense>
    }
}
