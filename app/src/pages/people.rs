//! People: staff see every account (account managers disable and re-enable them and choose a
//! client's superusers; admins also add staff and change their roles); a client's superuser
//! manages their own organisation's people the same way. Filters and the page live in the
//! address, so a view can be bookmarked.

use crate::api::people::{
    people_page, AddStaff, ChangeRole, ChangeSuperuser, DisablePerson, EnablePerson, InvitePerson,
};
use crate::components::layout::{Guard, Need};
use crate::components::suspend::once_loaded;
use crate::components::widgets::{field_message, ActionError, ErrorBanner, Pager, QueryError, QueryNote, QuerySelect};
use crate::domain::people::{PeopleOrder, Role, UserStatus};
use crate::dto::{OrganizationDto, UserDto, UserFilter, PER_PAGE_DEFAULT};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn PeoplePage() -> impl IntoView {
    view! {
        <Title text="People"/>
        <Guard need=Need::Active children=|user: UserDto| view! { <People user/> }/>
    }
}

/// The actions on people, shared by every row.
#[derive(Clone, Copy)]
struct PersonActions {
    disable: ServerAction<DisablePerson>,
    enable: ServerAction<EnablePerson>,
    role: ServerAction<ChangeRole>,
    superuser: ServerAction<ChangeSuperuser>,
}

#[component]
fn People(user: UserDto) -> impl IntoView {
    let query = use_query_map();
    let actions = PersonActions {
        disable: ServerAction::new(),
        enable: ServerAction::new(),
        role: ServerAction::new(),
        superuser: ServerAction::new(),
    };
    let add = ServerAction::<AddStaff>::new();
    let invite = ServerAction::<InvitePerson>::new();
    let filter = move || {
        let q = query.read();
        UserFilter {
            status: q.get("status").filter(|s| !s.is_empty()),
            organization_id: q.get("organization_id").filter(|s| !s.is_empty()),
            sort: q.get("sort").filter(|s| !s.is_empty()),
            page: q.get("page").and_then(|p| p.parse().ok()),
            per_page: None,
        }
    };
    let changes = move || {
        actions.disable.version().get()
            + actions.enable.version().get()
            + actions.role.version().get()
            + actions.superuser.version().get()
            + add.version().get()
            + invite.version().get()
    };
    let listed = Resource::new(move || (filter(), changes()), |(f, _)| people_page(f));
    let (staff, admin, me) = (user.is_staff(), user.role == Role::Admin, user.id.clone());
    let (superuser, own) = (user.superuser, user.organization_id.clone().unwrap_or_default());
    view! {
        <section class="hero"><h1>{if staff { "People" } else { "Your organisation's people" }}</h1></section>
        <QueryError/>
        <QueryNote key="invited" text="Invitation sent: they choose their password from the link in it."/>
        <ActionError value=actions.disable.value()/>
        <ActionError value=actions.enable.value()/>
        <ActionError value=actions.role.value()/>
        <ActionError value=actions.superuser.value()/>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || {
                let (me, own) = (me.clone(), own.clone());
                once_loaded(async move {
                    match listed.await {
                        Ok((page, orgs)) => {
                            let at = filter().page.unwrap_or(1);
                            let has_next = page.has_next(at, PER_PAGE_DEFAULT);
                            let invite_into = match staff {
                                true => orgs.clone(),
                                false => vec![],
                            };
                            view! {
                                <Filters orgs=orgs.clone() staff/>
                                <section class="card">
                                    <p class="muted small">{page.total_label("person")}</p>
                                    <PeopleTable people=page.items orgs me admin actions/>
                                    <Pager path="/people" page=at has_next/>
                                </section>
                                {(staff || superuser).then(|| view! { <InviteCard invite orgs=invite_into own=own.clone()/> })}
                            }
                            .into_any()
                        }
                        Err(e) => view! { <ErrorBanner error=e/> }.into_any(),
                    }
                })
            }}
        </Transition>
        {admin.then(|| view! { <AddStaffCard add/> })}
    }
}

#[component]
fn Filters(orgs: Vec<OrganizationDto>, staff: bool) -> impl IntoView {
    let statuses = [UserStatus::Active, UserStatus::Disabled, UserStatus::Pending, UserStatus::Rejected]
        .into_iter()
        .map(|s| (s.as_str().to_string(), s.as_str().to_string()))
        .collect();
    let orders = PeopleOrder::ALL.iter().map(|o| (o.as_str().to_string(), o.label().to_string())).collect();
    let organisations = orgs.into_iter().map(|o| (o.id, o.name)).collect();
    view! {
        <form class="filters" method="get" action="/people">
            <QuerySelect label="Status" name="status" any="Any status" options=statuses/>
            {staff.then(|| view! { <QuerySelect label="Organisation" name="organization_id" any="Everyone" options=organisations/> })}
            <QuerySelect label="Sort" name="sort" options=orders/>
            <button type="submit" class="button">"Filter"</button>
        </form>
    }
}

#[component]
fn PeopleTable(
    people: Vec<UserDto>,
    orgs: Vec<OrganizationDto>,
    me: String,
    admin: bool,
    actions: PersonActions,
) -> impl IntoView {
    if people.is_empty() {
        return view! { <p class="empty">"Nobody matches."</p> }.into_any();
    }
    let org_name =
        move |id: &Option<String>| id.as_ref().and_then(|id| orgs.iter().find(|o| &o.id == id)).map(|o| o.name.clone());
    view! {
        <table class="tickets people">
            <thead><tr><th>"Name"</th><th>"E-mail"</th><th>"Role"</th><th>"Organisation"</th><th>"Status"</th><th>""</th></tr></thead>
            <tbody>
                {people.into_iter().map(|p| {
                    let organisation = org_name(&p.organization_id).unwrap_or_else(|| if p.is_staff() { "CyTrack".into() } else { "—".into() });
                    let role = match (p.role, p.superuser) {
                        (Role::Customer, true) => "Superuser".to_string(),
                        (role, _) => role.label().to_string(),
                    };
                    let is_me = p.id == me;
                    // Made for someone who has not chosen a password yet.
                    let status = match (p.status, p.email_verified) {
                        (UserStatus::Active, false) => "invited",
                        (status, _) => status.as_str(),
                    };
                    view! {
                        <tr data-email=p.email.clone()>
                            <td>{p.name.clone()}</td>
                            <td>{p.email.clone()}</td>
                            <td>{role}</td>
                            <td>{organisation}</td>
                            <td><span class=format!("chip account-{status}")>{status}</span></td>
                            <td class="actions">{(!is_me).then(|| view! { <PersonButtons person=p.clone() admin actions/> })}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
fn PersonButtons(person: UserDto, admin: bool, actions: PersonActions) -> impl IntoView {
    let (status_id, duty_id) = (person.id.clone(), person.id.clone());
    let status = match person.status {
        UserStatus::Active => Some(
            view! {
                <ActionForm action=actions.disable attr:class="inline">
                    <input type="hidden" name="user_id" value=status_id.clone()/>
                    <button type="submit" class="button small danger">"Disable"</button>
                </ActionForm>
            }
            .into_any(),
        ),
        UserStatus::Disabled => Some(
            view! {
                <ActionForm action=actions.enable attr:class="inline">
                    <input type="hidden" name="user_id" value=status_id.clone()/>
                    <button type="submit" class="button small">"Re-enable"</button>
                </ActionForm>
            }
            .into_any(),
        ),
        _ => None,
    };
    let duty = match (person.role, person.status) {
        (Role::Customer, UserStatus::Active) if person.organization_id.is_some() => Some(view! {
            <ActionForm action=actions.superuser attr:class="inline">
                <input type="hidden" name="user_id" value=duty_id.clone()/>
                <input type="hidden" name="superuser" value=if person.superuser { "false" } else { "true" }/>
                <button type="submit" class="button small">{if person.superuser { "Remove superuser" } else { "Make superuser" }}</button>
            </ActionForm>
        }.into_any()),
        (role, _) if admin && role.is_staff() => Some(view! {
            <ActionForm action=actions.role attr:class="inline">
                <input type="hidden" name="user_id" value=duty_id.clone()/>
                <select name="role" aria-label=format!("Role of {}", person.name)>
                    {[Role::Agent, Role::AccountManager, Role::Admin].into_iter().map(|r| view! {
                        <option value=r.as_str() selected=r == role>{r.label()}</option>
                    }).collect_view()}
                </select>
                <button type="submit" class="button small">"Change role"</button>
            </ActionForm>
        }.into_any()),
        _ => None,
    };
    view! { {status} {duty} }
}

/// Invites someone: a client's superuser into their own organisation, staff into the one they
/// choose.
#[component]
fn InviteCard(invite: ServerAction<InvitePerson>, orgs: Vec<OrganizationDto>, own: String) -> impl IntoView {
    let value = invite.value();
    let choose = !orgs.is_empty();
    view! {
        <section class="card narrow" id="invite">
            <h2>"Invite someone"</h2>
            <p class="muted">"They are mailed a link to choose their password, and join as a customer of the organisation."</p>
            <ActionForm action=invite attr:class="form">
                {if choose {
                    view! {
                        <label>"Organisation"
                            <select name="organization_id" required>
                                {orgs.into_iter().map(|o| view! { <option value=o.id>{o.name}</option> }).collect_view()}
                            </select>
                        </label>
                    }
                    .into_any()
                } else {
                    view! { <input type="hidden" name="organization_id" value=own/> }.into_any()
                }}
                <label>"Name" <input name="name" required maxlength="100"/></label>
                {field_message(value, "name")}
                <label>"E-mail" <input type="email" name="email" required/></label>
                {field_message(value, "email")}
                <button type="submit" class="button primary">"Send the invitation"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn AddStaffCard(add: ServerAction<AddStaff>) -> impl IntoView {
    let value = add.value();
    view! {
        <section class="card narrow" id="add-staff">
            <h2>"Add a CyTrack staff member"</h2>
            <ActionForm action=add attr:class="form">
                <label>"Name" <input name="name" required maxlength="100"/></label>
                {field_message(value, "name")}
                <label>"E-mail" <input type="email" name="email" required/></label>
                {field_message(value, "email")}
                <label>"Role"
                    <select name="role">
                        <option value="agent">"Support agent"</option>
                        <option value="account_manager">"Account manager"</option>
                        <option value="admin">"Administrator"</option>
                    </select>
                </label>
                <label>"First password (leave empty to mail them a link to choose one)" <input type="password" name="password" minlength="10" autocomplete="new-password"/></label>
                {field_message(value, "password")}
                <button type="submit" class="button primary">"Add staff member"</button>
            </ActionForm>
        </section>
    }
}
