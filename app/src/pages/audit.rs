//! The audit log: admins search all of it, account managers one organisation's at a time; the
//! search lives in the address (bookmarkable) and downloads as CSV.

use crate::api::people::audit_page;
use crate::components::layout::{Guard, Need};
use crate::components::suspend::once_loaded;
use crate::components::widgets::{short_time, ErrorBanner, Pager, QuerySelect};
use crate::domain::audit::AuditKind;
use crate::dto::{AuditEntryDto, AuditFilter, OrganizationDto, UserDto, PER_PAGE_DEFAULT};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AuditPage() -> impl IntoView {
    view! {
        <Title text="Audit log"/>
        <Guard need=Need::AccountManager children=|_user: UserDto| view! { <AuditLog/> }/>
    }
}

#[component]
fn AuditLog() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        let q = query.read();
        let given = |key: &str| q.get(key).filter(|v| !v.trim().is_empty());
        AuditFilter {
            actor: given("actor"),
            kind: given("kind"),
            from: given("from"),
            to: given("to"),
            organization_id: given("organization_id"),
            sort: given("sort"),
            page: q.get("page").and_then(|p| p.parse().ok()),
            per_page: None,
        }
    };
    let entries = Resource::new(filter, audit_page);
    let csv = move || {
        let mut q = query.get();
        q.remove("page");
        q.remove("error");
        format!("/api/v1/audit-log.csv{}", q.to_query_string())
    };
    view! {
        <section class="hero">
            <h1>"Audit log"</h1>
            <a class="button" rel="external" href=csv>"Download CSV"</a>
        </section>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || once_loaded(async move {
                match entries.await {
                    Ok((found, orgs)) => {
                        let at = filter().page.unwrap_or(1);
                        let listed = match found {
                            Ok(page) => {
                                let has_next = page.has_next(at, PER_PAGE_DEFAULT);
                                view! {
                                    <section class="card">
                                        <p class="muted small">{page.total_label("entry")}</p>
                                        <Entries entries=page.items/>
                                        <Pager path="/audit" page=at has_next/>
                                    </section>
                                }
                                .into_any()
                            }
                            Err(e) => view! { <ErrorBanner error=e/> }.into_any(),
                        };
                        view! { <Search orgs/> {listed} }.into_any()
                    }
                    Err(e) => view! { <ErrorBanner error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Search(orgs: Vec<OrganizationDto>) -> impl IntoView {
    let query = use_query_map();
    let value = move |key: &str| query.read_untracked().get(key).unwrap_or_default();
    let kinds = AuditKind::ALL.iter().map(|k| (k.as_str().to_string(), k.label().to_string())).collect();
    let organisations = orgs.into_iter().map(|o| (o.id, o.name)).collect();
    let orders = vec![(String::new(), "Newest first".to_string()), ("oldest".to_string(), "Oldest first".to_string())];
    view! {
        <form class="filters" method="get" action="/audit">
            <label>"Who" <input type="search" name="actor" value=value("actor") placeholder="Name or address"/></label>
            <QuerySelect label="What" name="kind" any="Every kind" options=kinds/>
            <label>"From" <input type="date" name="from" value=value("from")/></label>
            <label>"To" <input type="date" name="to" value=value("to")/></label>
            <QuerySelect label="Organisation" name="organization_id" any="Every organisation" options=organisations/>
            <QuerySelect label="Order" name="sort" options=orders/>
            <button type="submit" class="button">"Search"</button>
        </form>
    }
}

#[component]
fn Entries(entries: Vec<AuditEntryDto>) -> impl IntoView {
    if entries.is_empty() {
        return view! { <p class="empty">"Nothing recorded matches."</p> }.into_any();
    }
    view! {
        <table class="tickets audit">
            <thead><tr><th>"When"</th><th>"Who"</th><th>"What"</th><th>"Organisation"</th><th>"Details"</th></tr></thead>
            <tbody>
                {entries.into_iter().map(|e| {
                    let change = match (&e.before, &e.after) {
                        (None, None) => None,
                        (before, after) => Some(format!(
                            "{} → {}",
                            before.as_ref().map(|b| b.to_string()).unwrap_or_else(|| "—".into()),
                            after.as_ref().map(|a| a.to_string()).unwrap_or_else(|| "—".into()),
                        )),
                    };
                    view! {
                        <tr data-kind=e.kind.as_str()>
                            <td class="small">{short_time(e.at)}</td>
                            <td>{e.actor_name.clone()}</td>
                            <td>{e.kind.label()}</td>
                            <td>{e.organization_name.clone().unwrap_or_else(|| "—".into())}</td>
                            <td>
                                {e.summary.clone()}
                                {change.map(|c| view! { <details><summary class="small">"Before and after"</summary><code class="small">{c}</code></details> })}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
