//! The agents' queue view: queues with their counts, filters, SLA time left, claim and bulk changes.

use crate::api::tickets::{list_tickets, load_queue_board, BulkUpdate, QueueBoard, UpdateTicket};
use crate::components::layout::{Guard, Need};
use crate::components::live::LiveFeed;
use crate::components::suspend::once_loaded;
use crate::components::widgets::{BillingBadge, ErrorBanner, PriorityChip, QueryError, StatusChip};
use crate::domain::billing::BillingTag;
use crate::domain::tickets::{Priority, TicketStatus};
use crate::dto::{BulkUpdateRequest, TicketDto, TicketFilter, UpdateTicketRequest, UserDto};
use crate::pages::tickets::duration;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use std::collections::BTreeSet;

const PER_PAGE: u64 = 50;

#[component]
pub fn QueuesPage() -> impl IntoView {
    view! {
        <Title text="Queues"/>
        <Guard need=Need::Staff children=|user: UserDto| view! { <QueueView me=user.id/> }/>
    }
}

/// The query string of the current view with one parameter replaced.
fn link_with(current: &[(String, String)], key: &str, value: Option<&str>) -> String {
    let mut pairs: Vec<(String, String)> = current.iter().filter(|(k, _)| k != key && k != "page").cloned().collect();
    if let Some(v) = value {
        pairs.push((key.to_string(), v.to_string()));
    }
    let query: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={}", v.replace(' ', "+"))).collect();
    format!("/queues?{}", query.join("&"))
}

/// The view moves by itself: every change heard on the live channel reads the list and the counts
/// again (at most twice a second), and rows someone else changed since the page opened are marked.
#[component]
fn QueueView(me: String) -> impl IntoView {
    let query = use_query_map();
    let bulk = ServerAction::<BulkUpdate>::new();
    let claim = ServerAction::<UpdateTicket>::new();
    let live = LiveFeed::get();
    let heard = move || (live.ticks.get(), live.resets.get());
    let changed = live.changed_by_others(me);
    // Kept above the views drawn again with each reading: the bulk choices and the keyboard's row.
    let bulk_choice = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let cursor = RwSignal::new(0usize);
    let filter = move || {
        let q = query.read();
        TicketFilter {
            queue: q.get("queue"),
            status: Some(q.get("status").unwrap_or_else(|| "open".into())),
            priority: q.get("priority"),
            billing: q.get("billing"),
            organization_id: q.get("organization_id"),
            assignee_id: q.get("assignee"),
            q: q.get("q"),
            sort: Some(q.get("sort").unwrap_or_else(|| "priority".into())),
            page: q.get("page").and_then(|p| p.parse().ok()),
            per_page: Some(PER_PAGE),
            ..Default::default()
        }
    };
    let tickets = Resource::new(
        move || (filter(), bulk.version().get(), claim.version().get(), heard()),
        |(f, ..)| list_tickets(f),
    );
    let board = Resource::new(move || (bulk.version().get(), claim.version().get(), heard()), |_| load_queue_board());
    let selected = RwSignal::new(BTreeSet::<String>::new());
    let pairs = move || -> Vec<(String, String)> {
        query.read().clone().into_iter().map(|(k, v)| (k.to_string(), v)).collect()
    };

    view! {
        <section class="hero"><h1>"Queues"</h1></section>
        <QueryError/>
        <div class="layout-queues">
            <aside class="card">
                <Transition fallback=|| ()>
                    {move || once_loaded(async move {
                        let Ok(board) = board.await else { return ().into_any() };
                        let current = query.read().get("queue");
                        let assignee = query.read().get("assignee");
                        let p = pairs();
                        view! {
                            <ul class="queue-list" data-testid="queue-list">
                                <li><a href=link_with(&p, "queue", None) class:current=current.is_none() && assignee.is_none()>"All open"</a></li>
                                <li><a href=link_with(&[], "assignee", Some("me")) class:current=assignee.as_deref() == Some("me")>"Mine"</a></li>
                                <li><a href=link_with(&[], "assignee", Some("none")) class:current=assignee.as_deref() == Some("none")>"Unassigned"</a></li>
                                {board.queues.iter().map(|q| view! {
                                    <li>
                                        <a href=link_with(&p, "queue", Some(&q.name)) class:current=current.as_deref() == Some(q.name.as_str())>
                                            <span>{q.name.clone()}</span>
                                            <span class="count">{q.open_count}</span>
                                        </a>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }
                        .into_any()
                    })}
                </Transition>
            </aside>
            <div>
                <Transition fallback=|| ()>
                    {move || once_loaded(async move {
                        let organizations = board.await.map(|b| b.organizations).unwrap_or_default();
                        view! { <Filters organizations/> }.into_any()
                    })}
                </Transition>
                <section class="card">
                    <Transition fallback=|| ()>
                        {move || once_loaded(async move {
                            let Ok(board) = board.await else { return ().into_any() };
                            view! { <BulkBar board selected bulk choice=bulk_choice/> }.into_any()
                        })}
                    </Transition>
                    <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                        {move || once_loaded(async move {
                            let me = board.await.map(|b| b.me).unwrap_or_default();
                            match tickets.await {
                                Ok(page) => {
                                    let current_page = filter().page.unwrap_or(1);
                                    let has_next = page.has_next(current_page, PER_PAGE);
                                    let position = if page.total_exact {
                                        format!("Page {current_page} of {}", page.total.div_ceil(PER_PAGE).max(1))
                                    } else {
                                        format!("Page {current_page}")
                                    };
                                    let p = pairs();
                                    view! {
                                        <p class="muted small" data-testid="queue-total">{page.total_label("ticket")}</p>
                                        <QueueTable tickets=page.items selected claim me cursor changed/>
                                        <nav class="pager">
                                            {(current_page > 1).then(|| view! { <a href=format!("{}&page={}", link_with(&p, "page", None), current_page - 1)>"← Previous"</a> })}
                                            <span class="muted small">{position}</span>
                                            {has_next.then(|| view! { <a href=format!("{}&page={}", link_with(&p, "page", None), current_page + 1)>"Next →"</a> })}
                                        </nav>
                                    }
                                    .into_any()
                                }
                                Err(e) => view! { <ErrorBanner error=e/> }.into_any(),
                            }
                        })}
                    </Transition>
                </section>
            </div>
        </div>
    }
}

#[component]
fn Filters(organizations: Vec<(String, String)>) -> impl IntoView {
    let query = use_query_map();
    let get = move |k: &str| query.read().get(k).unwrap_or_default();
    let options = |values: Vec<(&'static str, &'static str)>, key: &'static str| {
        values
            .into_iter()
            .map(move |(v, label)| view! { <option value=v selected=move || query.read().get(key).as_deref() == Some(v)>{label}</option> })
            .collect_view()
    };
    view! {
        <form class="filters" method="get" action="/queues">
            {move || query.read().get("queue").map(|q| view! { <input type="hidden" name="queue" value=q/> })}
            {move || query.read().get("assignee").map(|a| view! { <input type="hidden" name="assignee" value=a/> })}
            <input type="search" name="q" placeholder="Search" value=move || get("q")/>
            <select name="status" aria-label="Status">
                <option value="open">"Open (all)"</option>
                {options(TicketStatus::ALL.iter().map(|s| (s.as_str(), s.label())).collect(), "status")}
            </select>
            <select name="priority" aria-label="Priority">
                <option value="">"Any priority"</option>
                {options(Priority::ALL.iter().map(|p| (p.as_str(), p.label())).collect(), "priority")}
            </select>
            <select name="billing" aria-label="Billing">
                <option value="">"Any billing"</option>
                {options(BillingTag::ALL.iter().map(|t| (t.as_str(), t.label())).collect(), "billing")}
            </select>
            <select name="organization_id" aria-label="Organisation">
                <option value="">"Any organisation"</option>
                {organizations.into_iter().map(|(id, name)| {
                    let selected = { let id = id.clone(); move || query.read().get("organization_id").as_deref() == Some(id.as_str()) };
                    view! { <option value=id selected=selected>{name}</option> }
                }).collect_view()}
            </select>
            <select name="sort" aria-label="Sort">
                {options(vec![("priority", "Most urgent"), ("oldest", "Oldest"), ("newest", "Newest"), ("updated", "Recently updated")], "sort")}
            </select>
            <button type="submit" class="button">"Apply"</button>
        </form>
    }
}

/// Bulk assign and bulk status for the ticked rows (needs the hydrated page).
#[component]
fn BulkBar(
    board: QueueBoard,
    selected: RwSignal<BTreeSet<String>>,
    bulk: ServerAction<BulkUpdate>,
    choice: (RwSignal<String>, RwSignal<String>),
) -> impl IntoView {
    let (assignee, status) = choice;
    let apply = move |_| {
        let keep = |s: String| (!s.is_empty()).then_some(s);
        let changes = UpdateTicketRequest {
            status: keep(status.get()),
            assignee_id: keep(assignee.get()).map(|a| if a == "none" { String::new() } else { a }),
            ..Default::default()
        };
        let ticket_ids: Vec<String> = selected.get().into_iter().collect();
        bulk.dispatch(BulkUpdate { req: BulkUpdateRequest { ticket_ids, changes } });
        selected.set(BTreeSet::new());
    };
    view! {
        <div class="bulk" data-testid="bulk">
            <span class="muted small">{move || format!("{} selected", selected.read().len())}</span>
            <select aria-label="Assign selected to" on:change=move |ev| assignee.set(event_target_value(&ev))>
                <option value="">"Assign to…"</option>
                <option value="none">"Unassigned"</option>
                {board.staff.iter().map(|(id, name)| view! { <option value=id.clone()>{name.clone()}</option> }).collect_view()}
            </select>
            <select aria-label="Set status of selected" on:change=move |ev| status.set(event_target_value(&ev))>
                <option value="">"Set status…"</option>
                {TicketStatus::ALL.iter().filter(|s| **s != TicketStatus::New).map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
            </select>
            <button class="button" on:click=apply disabled=move || selected.read().is_empty()>"Apply to selected"</button>
            {move || match bulk.value().get() {
                Some(Ok(n)) => Some(view! { <span class="small">{format!("Updated {n}.")}</span> }.into_any()),
                Some(Err(e)) => Some(view! { <span class="field-error">{e.message}</span> }.into_any()),
                None => None,
            }}
        </div>
    }
}

#[component]
fn QueueTable(
    tickets: Vec<TicketDto>,
    selected: RwSignal<BTreeSet<String>>,
    claim: ServerAction<UpdateTicket>,
    me: String,
    /// The keyboard's current row (`queue_key`), kept while the list is read again.
    cursor: RwSignal<usize>,
    /// Tickets someone else changed since the page opened.
    changed: Memo<BTreeSet<String>>,
) -> impl IntoView {
    if tickets.is_empty() {
        return view! { <p class="empty">"Nothing here. Well done."</p> }.into_any();
    }
    let rows: Vec<(String, bool)> = tickets.iter().map(|t| (t.id.clone(), t.assignee_name.is_none())).collect();
    let navigate = leptos_router::hooks::use_navigate();
    let (me_for_keys, count) = (me.clone(), rows.len());
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() || typing(&ev) {
            return;
        }
        let Some(action) = queue_key(&ev.key(), cursor.get_untracked(), count) else { return };
        ev.prevent_default();
        let (id, unassigned) = rows[cursor.get_untracked().min(count - 1)].clone();
        match action {
            QueueKey::Move(to) => cursor.set(to),
            QueueKey::Open => navigate(&format!("/tickets/{id}"), Default::default()),
            QueueKey::Reply => navigate(&format!("/tickets/{id}#reply"), Default::default()),
            QueueKey::AssignToMe if unassigned => {
                claim.dispatch(UpdateTicket {
                    ticket_id: id,
                    status: None,
                    priority: None,
                    assignee_id: Some(me_for_keys.clone()),
                    queue: None,
                });
            }
            QueueKey::AssignToMe => {}
            QueueKey::Select => selected.update(|s| {
                if !s.remove(&id) {
                    s.insert(id);
                }
            }),
        }
    });
    on_cleanup(move || handle.remove());
    view! {
        <p class="muted small shortcuts" data-testid="shortcuts">
            "Keyboard: " <kbd>"j"</kbd> " / " <kbd>"k"</kbd> " next and previous · " <kbd>"o"</kbd> " open · "
            <kbd>"r"</kbd> " reply · " <kbd>"a"</kbd> " assign to me · " <kbd>"x"</kbd> " select"
        </p>
        <table class="tickets queue">
            <thead>
                <tr><th></th><th>"Ticket"</th><th>"Status"</th><th>"Priority"</th><th>"Billing"</th><th>"Assignee"</th><th>"SLA"</th></tr>
            </thead>
            <tbody>
                {tickets.into_iter().enumerate().map(|(index, t)| {
                    let id = t.id.clone();
                    let toggle_id = t.id.clone();
                    let me = me.clone();
                    let checked = move || selected.read().contains(&id);
                    let touched = { let id = t.id.clone(); move || changed.read().contains(&id) };
                    let (touched_row, row_id) = (touched.clone(), t.id.clone());
                    let sla = t.sla.clone();
                    let breached = sla.as_ref().is_some_and(|s| s.resolution_breached || s.first_response_breached);
                    view! {
                        <tr class:breached=breached class:current=move || cursor.get() == index class:changed=touched_row
                            data-ticket=row_id>
                            <td><input type="checkbox" aria-label=format!("Select {}", t.number) prop:checked=checked
                                on:change=move |ev| {
                                    // Follow the box itself, so a tick made before hydration cannot invert.
                                    let ticked = event_target_checked(&ev);
                                    selected.update(|s| if ticked { s.insert(toggle_id.clone()); } else { s.remove(&toggle_id); })
                                }/></td>
                            <td>
                                <a class="mono" href=format!("/tickets/{}", t.id)>{t.number.clone()}</a> " "
                                <a href=format!("/tickets/{}", t.id)>{t.subject.clone()}</a>
                                {move || touched().then(|| view! { " " <span class="live-mark">"updated"</span> })}
                                <div class="muted small">{t.organization_name.clone()} " · " {t.queue.clone()}</div>
                            </td>
                            <td><StatusChip status=t.status/></td>
                            <td><PriorityChip priority=t.priority/></td>
                            <td><BillingBadge tag=t.billing.tag/></td>
                            <td>
                                {match t.assignee_name.clone() {
                                    Some(name) => view! { <span>{name}</span> }.into_any(),
                                    None => view! {
                                        <ActionForm action=claim attr:class="inline">
                                            <input type="hidden" name="ticket_id" value=t.id.clone()/>
                                            <input type="hidden" name="assignee_id" value=me.clone()/>
                                            <button type="submit" class="button small">"Claim"</button>
                                        </ActionForm>
                                    }.into_any(),
                                }}
                            </td>
                            <td class="small">
                                {sla.map(|s| if s.paused { "paused".to_string() } else if s.resolution_minutes_left < 0 { format!("overdue {}", duration(-s.resolution_minutes_left)) } else { duration(s.resolution_minutes_left) })}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// What a key does in the queue view, given the current row and how many there are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum QueueKey {
    Move(usize),
    Open,
    Reply,
    AssignToMe,
    Select,
}

fn queue_key(key: &str, current: usize, rows: usize) -> Option<QueueKey> {
    if rows == 0 {
        return None;
    }
    match key {
        "j" | "ArrowDown" => Some(QueueKey::Move((current + 1).min(rows - 1))),
        "k" | "ArrowUp" => Some(QueueKey::Move(current.saturating_sub(1))),
        "o" | "Enter" => Some(QueueKey::Open),
        "r" => Some(QueueKey::Reply),
        "a" => Some(QueueKey::AssignToMe),
        "x" => Some(QueueKey::Select),
        _ => None,
    }
}

/// Whether a key goes to a field being typed in (never a shortcut then).
fn typing(ev: &leptos::ev::KeyboardEvent) -> bool {
    use leptos::wasm_bindgen::JsCast;
    ev.target()
        .and_then(|t| t.dyn_into::<leptos::web_sys::Element>().ok())
        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
}

#[cfg(test)]
mod tests {
    use super::{queue_key, QueueKey};

    #[test]
    fn keys_move_through_the_queue_and_act_on_the_current_ticket() {
        let cases = [
            ("j", 0, 3, Some(QueueKey::Move(1))),
            ("ArrowDown", 2, 3, Some(QueueKey::Move(2))),
            ("k", 0, 3, Some(QueueKey::Move(0))),
            ("ArrowUp", 2, 3, Some(QueueKey::Move(1))),
            ("o", 1, 3, Some(QueueKey::Open)),
            ("Enter", 1, 3, Some(QueueKey::Open)),
            ("r", 1, 3, Some(QueueKey::Reply)),
            ("a", 1, 3, Some(QueueKey::AssignToMe)),
            ("x", 1, 3, Some(QueueKey::Select)),
            ("q", 1, 3, None),
            ("j", 0, 0, None),
        ];
        for (key, current, rows, expected) in cases {
            assert_eq!(queue_key(key, current, rows), expected, "{key} at {current} of {rows}");
        }
    }
}
