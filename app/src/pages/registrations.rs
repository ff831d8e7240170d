//! Staff review of self-registrations: approve into an organisation, or reject with a reason.

use crate::api::registrations::{pending_registrations, ApproveRegistration, RejectRegistration};
use crate::components::layout::{Guard, Need};
use crate::components::suspend::once_loaded;
use crate::components::widgets::{short_time, ActionError, ErrorBanner, QueryError};
use crate::domain::text::same_name;
use crate::dto::{OrganizationDto, UserDto};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn RegistrationsPage() -> impl IntoView {
    view! {
        <Title text="Registrations"/>
        <Guard need=Need::AccountManager children=|_user: UserDto| view! { <PendingList/> }/>
    }
}

#[component]
fn PendingList() -> impl IntoView {
    let approve = ServerAction::<ApproveRegistration>::new();
    let reject = ServerAction::<RejectRegistration>::new();
    let pending = Resource::new(move || (approve.version().get(), reject.version().get()), |_| pending_registrations());
    view! {
        <section class="hero"><h1>"Registrations awaiting approval"</h1></section>
        <QueryError/>
        <ActionError value=approve.value()/>
        <ActionError value=reject.value()/>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || once_loaded(async move {
                match pending.await {
                    Ok((users, _)) if users.is_empty() => view! {
                        <section class="card"><p class="empty">"Nobody is waiting. New registrations appear here."</p></section>
                    }
                    .into_any(),
                    Ok((users, orgs)) => users
                        .into_iter()
                        .map(|user| view! { <Registration user orgs=orgs.clone() approve reject/> })
                        .collect_view()
                        .into_any(),
                    Err(e) => view! { <ErrorBanner error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Registration(
    user: UserDto,
    orgs: Vec<OrganizationDto>,
    approve: ServerAction<ApproveRegistration>,
    reject: ServerAction<RejectRegistration>,
) -> impl IntoView {
    let company = user.company.clone().unwrap_or_default();
    // The organisation is found by name as it is typed (the company the person gave, to begin
    // with, in the page as it is served, so a form posted before hydration carries it); a name
    // no organisation has creates one.
    let typed = RwSignal::new(company.clone());
    let names: Vec<String> = orgs.iter().map(|o| o.name.clone()).collect();
    let known = names.clone();
    let joins = move || {
        let wanted = typed.get();
        match known.iter().find(|n| same_name(n, &wanted)) {
            Some(name) => format!("Joins {name}"),
            None => format!("New organisation: {}", wanted.trim()),
        }
    };
    let list_id = format!("organisations-{}", user.id);
    let (approve_id, reject_id) = (user.id.clone(), user.id.clone());
    view! {
        <article class="card registration" data-email=user.email.clone()>
            <header>
                <h2>{user.name.clone()}</h2>
                <span class="muted small">"Registered " {short_time(user.created_at)}</span>
            </header>
            <dl class="inline">
                <dt>"Company"</dt><dd>{company.clone()}</dd>
                <dt>"E-mail"</dt><dd>{user.email.clone()}</dd>
                <dt>"Phone"</dt><dd>{user.phone.clone().unwrap_or_else(|| "—".into())}</dd>
            </dl>
            <div class="row">
                <ActionForm action=approve attr:class="form compact">
                    <input type="hidden" name="user_id" value=approve_id/>
                    <label>"Organisation"
                        <input name="organization" required maxlength="200" list=list_id.clone() autocomplete="off"
                            value=company.clone() on:input=move |ev| typed.set(event_target_value(&ev))/>
                    </label>
                    <datalist id=list_id>
                        {names.into_iter().map(|n| view! { <option value=n></option> }).collect_view()}
                    </datalist>
                    <small class="muted joins">{joins}</small>
                    <label class="check"><input type="checkbox" name="superuser" value="on"/> "Superuser (the client's nominated trainer)"</label>
                    <button type="submit" class="button primary">"Approve"</button>
                </ActionForm>
                <ActionForm action=reject attr:class="form compact">
                    <input type="hidden" name="user_id" value=reject_id/>
                    <label>"Reason" <input name="reason" required placeholder="Not a CyTrack client"/></label>
                    <button type="submit" class="button danger">"Reject"</button>
                </ActionForm>
            </div>
        </article>
    }
}
