//! The frame of every page: the signed-in user, the header and its navigation.

use crate::api::auth::{get_me, Login, Logout};
use crate::api::notifications::unread_notifications;
use crate::components::suspend::once_loaded;
use crate::dto::UserDto;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::components::{Redirect, A};

/// Who is signed in, and the two actions every page can reach (signing in, and out from the
/// header). Pages with an action of their own that changes who is signed in (registering,
/// confirming the address, signing out everywhere) keep it to themselves, so the first page's
/// WASM does not carry it, and call `read_again_after` with it.
#[derive(Clone, Copy)]
pub struct AuthActions {
    pub login: ServerAction<Login>,
    pub logout: ServerAction<Logout>,
    pub me: Resource<Result<Option<UserDto>, AppError>>,
    /// Bumped to read the bell's count again (a page that marks notifications read, a timer).
    pub bell: RwSignal<u64>,
    /// Unread notifications of the signed-in person.
    pub unread: Resource<Result<u64, AppError>>,
}

impl AuthActions {
    pub fn provide() -> AuthActions {
        let login = ServerAction::<Login>::new();
        let logout = ServerAction::<Logout>::new();
        let me = Resource::new(move || (login.version().get(), logout.version().get()), |_| get_me());
        let bell = RwSignal::new(0u64);
        let unread = Resource::new(
            move || (login.version().get(), logout.version().get(), bell.get()),
            |_| unread_notifications(),
        );
        // In the browser, the count is read again every minute, so a reply shows without a
        // reload. (Never on the server: there the app is also run to list its routes, with no
        // task executor to run a timer on.)
        #[cfg(target_arch = "wasm32")]
        set_interval(move || bell.update(|v| *v += 1), std::time::Duration::from_secs(60));
        let actions = AuthActions { login, logout, me, bell, unread };
        provide_context(actions);
        actions
    }

    pub fn get() -> AuthActions {
        expect_context::<AuthActions>()
    }

    /// Reads who is signed in, and their unread count, again each time a page's own action has
    /// run (its `version()`).
    pub fn read_again_after(self, version: RwSignal<usize>) {
        Effect::watch(
            move || version.get(),
            move |_, _, _| {
                self.me.refetch();
                self.unread.refetch();
            },
            false,
        );
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
    // Whether the live channel is open: journeys wait for it, and a stylesheet may show it.
    let live = crate::components::live::LiveFeed::get().connected;
    // The menu is fixed for the person it is built for (it is built again when `me` changes): a
    // plain list, not a reactive block per link, keeps it small in the first page's WASM.
    let links = menu(&user).into_iter().map(|(href, label)| view! { <A href=href>{label}</A> }).collect_view();
    let sign_out = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        auth.logout.dispatch(Logout {});
    };
    view! {
        <nav class="nav" data-live=move || if live.get() { "on" } else { "off" }>
            {links}
            <Bell unread=auth.unread/>
            <A href="/profile" attr:class="who" attr:title=user.email.clone()>
                {user.name.clone()}
                <small>{user.role.label()}</small>
            </A>
            // A plain form, as sign-in's is (`api::codec`).
            <form method="post" action=Logout::url() class="inline" on:submit=sign_out>
                <button type="submit" class="link">"Sign out"</button>
            </form>
        </nav>
    }
}

/// The pages the header links to for this person, in order: (address, label). Who may open each
/// page is decided again by the page itself (`Guard`, and the service behind it); this only keeps
/// the menu to what the person can use.
fn menu(user: &UserDto) -> Vec<(&'static str, &'static str)> {
    let active = user.is_active();
    let staff = user.is_staff();
    let manages = user.role.manages_accounts();
    let admin = user.role == crate::domain::people::Role::Admin;
    let superuser = !staff && user.superuser;
    let mut links = Vec::new();
    if staff && active {
        links.push(("/queues", "Queues"));
    }
    if active {
        links.push(("/tickets", if staff { "Tickets" } else { "My tickets" }));
        links.push(("/tickets/new", "New ticket"));
    }
    if active && (!staff || manages) {
        links.push(("/vouchers", "Vouchers"));
    }
    if active && superuser {
        links.push(("/deployment-projects", "Deployment"));
    }
    if active {
        links.extend([
            ("/after-hours", "After hours"),
            ("/macs", "MACS"),
            ("/releases", "Releases"),
            ("/insider", "Insider"),
        ]);
    }
    if active && (staff || superuser) {
        links.push(("/reports", "Reports"));
    }
    if manages {
        links.extend([("/accounts", "Accounts"), ("/staff/registrations", "Registrations")]);
    }
    if active && (manages || superuser) {
        links.push(("/people", "People"));
    }
    if manages {
        links.push(("/audit", "Audit log"));
    }
    if admin {
        links.push(("/settings", "Settings"));
    }
    links
}

/// The link to the notifications, with the unread count.
#[component]
fn Bell(unread: Resource<Result<u64, AppError>>) -> impl IntoView {
    // Counted again on every move to another page (a ticket just raised, a reply just sent, is
    // told at once), besides the minute's tick; not on the first page, which comes counted.
    let bell = AuthActions::get().bell;
    let location = leptos_router::hooks::use_location();
    Effect::watch(move || location.pathname.get(), move |_, _, _| bell.update(|v| *v += 1), false);
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

#[cfg(test)]
mod tests {
    use super::menu;
    use crate::domain::people::{Role, UserStatus};
    use crate::dto::UserDto;

    fn person(role: Role, status: UserStatus, superuser: bool) -> UserDto {
        UserDto {
            id: "u".into(),
            name: "Pat".into(),
            email: "pat@example.com".into(),
            role,
            status,
            organization_id: None,
            superuser,
            phone: None,
            company: None,
            created_at: chrono::DateTime::UNIX_EPOCH,
            email_verified: true,
            time_zone: None,
        }
    }

    #[test]
    fn the_menu_holds_what_each_person_can_use() {
        use Role::*;
        use UserStatus::*;
        let everyone = ["/after-hours", "/macs", "/releases", "/insider"];
        let customer = ["/tickets", "/tickets/new", "/vouchers"];
        let staff = ["/queues", "/tickets", "/tickets/new"];
        let managing = ["/vouchers", "/reports", "/accounts", "/staff/registrations", "/people", "/audit"];
        let manager = [&staff[..], &managing[..]].concat();
        let cases: [(Role, UserStatus, bool, Vec<&str>); 7] = [
            (Customer, Active, false, customer.to_vec()),
            (Customer, Active, true, [&customer[..], &["/deployment-projects", "/reports", "/people"]].concat()),
            (Customer, Pending, true, vec![]),
            (Agent, Active, false, [&staff[..], &["/reports"]].concat()),
            (AccountManager, Active, false, manager.clone()),
            (Admin, Active, false, [&manager[..], &["/settings"]].concat()),
            (Admin, Disabled, false, vec!["/accounts", "/staff/registrations", "/audit", "/settings"]),
        ];
        for (role, status, superuser, mut expected) in cases {
            let mut got: Vec<&str> = menu(&person(role, status, superuser)).into_iter().map(|(href, _)| href).collect();
            if status == Active {
                expected.extend(everyone);
            }
            got.sort_unstable();
            expected.sort_unstable();
            assert_eq!(got, expected, "{role:?} {status:?} superuser={superuser}");
        }
        let labels: Vec<&str> =
            menu(&person(Customer, Active, false)).into_iter().map(|(_, label)| label).take(2).collect();
        assert_eq!(labels, ["My tickets", "New ticket"]);
        assert_eq!(menu(&person(Agent, Active, false))[1], ("/tickets", "Tickets"));
    }
}
