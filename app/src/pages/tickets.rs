//! The ticket list, the new-ticket form with its billing preview, and the ticket page.

use crate::api::billing::{ticket_history, ticket_time, LogTime, ReclassifyTicket};
use crate::api::files::RemoveFile;
use crate::api::tickets::{
    get_ticket, list_tickets, load_queue_board, new_ticket_setup, PreviewContext, RaiseTicket, Reply, TicketFormSetup,
    UpdateTicket,
};
use crate::api::vouchers::{payment_key, PayWithVouchers};
use crate::components::files::{FileDrop, FileList};
use crate::components::layout::{Guard, Need};
use crate::components::live::LiveFeed;
use crate::components::suspend::once_loaded;
use crate::components::widgets::{
    field_message, short_time, ActionError, BillingBadge, ErrorBanner, Pager, PriorityChip, QueryError, StatusChip,
};
use crate::domain::billing::{classify, BillingTag};
use crate::domain::tickets::{Priority, Product, TicketKind, TicketStatus, SUBJECT_MAX};
use crate::dto::{TicketDetail, TicketDto, TicketFilter, UserDto, PER_PAGE_DEFAULT};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn TicketTable(tickets: Vec<TicketDto>) -> impl IntoView {
    if tickets.is_empty() {
        return view! { <p class="empty">"No tickets yet."</p> }.into_any();
    }
    view! {
        <table class="tickets">
            <thead>
                <tr><th>"Number"</th><th>"Subject"</th><th>"Status"</th><th>"Priority"</th><th>"Billing"</th><th>"Updated"</th></tr>
            </thead>
            <tbody>
                {tickets
                    .into_iter()
                    .map(|t| view! {
                        <tr>
                            <td class="mono"><a href=format!("/tickets/{}", t.id)>{t.number.clone()}</a></td>
                            <td>
                                <a href=format!("/tickets/{}", t.id)>{t.subject.clone()}</a>
                                <div class="muted small">{t.organization_name.clone()} " · " {t.requester_name.clone()}</div>
                            </td>
                            <td><StatusChip status=t.status/></td>
                            <td><PriorityChip priority=t.priority/></td>
                            <td><BillingBadge tag=t.billing.tag/></td>
                            <td class="small">{short_time(t.updated_at)}</td>
                        </tr>
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
pub fn TicketsPage() -> impl IntoView {
    view! {
        <Title text="Tickets"/>
        <Guard need=Need::Active children=|user: UserDto| view! { <TicketList user/> }/>
    }
}

#[component]
fn TicketList(user: UserDto) -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        let q = query.read();
        let given = |key: &str| q.get(key).filter(|v| !v.is_empty());
        TicketFilter {
            q: given("q"),
            status: given("status"),
            kind: given("kind"),
            priority: given("priority"),
            billing: given("billing"),
            sort: given("sort"),
            page: q.get("page").and_then(|p| p.parse().ok()),
            ..Default::default()
        }
    };
    let tickets = Resource::new(filter, list_tickets);
    let chosen = move |key: &str, value: &str| query.read_untracked().get(key).unwrap_or_default() == value;
    let heading = if user.is_staff() {
        "All tickets"
    } else if user.superuser {
        "Your organisation's tickets"
    } else {
        "My tickets"
    };
    view! {
        <section class="hero">
            <h1>{heading}</h1>
            <a class="button primary" href="/tickets/new">"Raise a ticket"</a>
        </section>
        <form class="filters" method="get" action="/tickets">
            <input type="search" name="q" placeholder="Search number, subject or description" value=move || query.read().get("q").unwrap_or_default()/>
            <select name="status" aria-label="Status">
                <option value="">"Any status"</option>
                {TicketStatus::ALL
                    .iter()
                    .map(|s| {
                        let selected = move || query.read().get("status").as_deref() == Some(s.as_str());
                        view! { <option value=s.as_str() selected=selected>{s.label()}</option> }
                    })
                    .collect_view()}
            </select>
            <select name="kind" aria-label="Kind">
                <option value="">"Any kind"</option>
                {TicketKind::ALL.iter().map(|k| view! { <option value=k.as_str() selected=chosen("kind", k.as_str())>{k.label()}</option> }).collect_view()}
            </select>
            <select name="priority" aria-label="Priority">
                <option value="">"Any priority"</option>
                {Priority::ALL.iter().map(|p| view! { <option value=p.as_str() selected=chosen("priority", p.as_str())>{p.as_str().to_uppercase()}</option> }).collect_view()}
            </select>
            <select name="billing" aria-label="Billing">
                <option value="">"Any billing"</option>
                {BillingTag::ALL.iter().map(|t| view! { <option value=t.as_str() selected=chosen("billing", t.as_str())>{t.label()}</option> }).collect_view()}
            </select>
            <select name="sort" aria-label="Sort">
                {[("", "Newest first"), ("oldest", "Oldest first"), ("updated", "Recently updated"), ("priority", "Most urgent")]
                    .into_iter()
                    .map(|(v, label)| view! { <option value=v selected=chosen("sort", v)>{label}</option> })
                    .collect_view()}
            </select>
            <button type="submit" class="button">"Filter"</button>
        </form>
        <section class="card">
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || once_loaded(async move {
                    match tickets.await {
                        Ok(page) => {
                            let at = filter().page.unwrap_or(1);
                            let has_next = page.has_next(at, PER_PAGE_DEFAULT);
                            view! {
                                <p class="muted small">{page.total_label("ticket")}</p>
                                <TicketTable tickets=page.items/>
                                <Pager path="/tickets" page=at has_next/>
                            }
                            .into_any()
                        }
                        Err(e) => view! { <ErrorBanner error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
pub fn NewTicketPage() -> impl IntoView {
    view! {
        <Title text="Raise a ticket"/>
        <Guard need=Need::Active children=|_user: UserDto| view! { <NewTicketForm/> }/>
    }
}

#[component]
fn NewTicketForm() -> impl IntoView {
    let raise = ServerAction::<RaiseTicket>::new();
    let value = raise.value();
    let context = Resource::new(|| (), |_| new_ticket_setup());
    let subject = RwSignal::new(String::new());
    let kind = RwSignal::new(TicketKind::Fault);
    view! {
        <section class="card narrow-wide">
            <h1>"Raise a ticket"</h1>
            <QueryError/>
            <ActionError value/>
            <ActionForm action=raise attr:class="form">
                <Suspense fallback=|| ()>
                    {move || once_loaded(async move {
                        match context.await {
                            Ok(TicketFormSetup::Staff(orgs)) => view! {
                                <label>"Organisation"
                                    <select name="organization_id" required>
                                        <option value="">"Choose…"</option>
                                        {orgs.into_iter().map(|o| view! { <option value=o.id>{o.name}</option> }).collect_view()}
                                    </select>
                                </label>
                            }
                            .into_any(),
                            _ => ().into_any(),
                        }
                    })}
                </Suspense>
                {field_message(value, "organization_id")}
                <label>
                    "Subject"
                    <input name="subject" required maxlength=SUBJECT_MAX.to_string()
                        placeholder="For example: Queue 3 plays the wrong announcement"
                        on:input=move |ev| subject.set(event_target_value(&ev))/>
                </label>
                <small class="muted counter" data-testid="subject-counter">
                    {move || format!("{} / {SUBJECT_MAX}", subject.read().chars().count())}
                </small>
                {field_message(value, "subject")}
                <div class="row">
                    <label>
                        "Kind"
                        <select name="kind" on:change=move |ev| {
                            if let Ok(k) = TicketKind::parse(&event_target_value(&ev)) { kind.set(k) }
                        }>
                            {TicketKind::RAISABLE.iter().map(|k| view! { <option value=k.as_str()>{k.label()}</option> }).collect_view()}
                        </select>
                    </label>
                    <label>
                        "Priority"
                        <select name="priority">
                            {Priority::ALL
                                .iter()
                                .map(|p| view! { <option value=p.as_str() selected=*p == Priority::P3>{p.label()}</option> })
                                .collect_view()}
                        </select>
                    </label>
                    <label>
                        "Product"
                        <select name="product">
                            <option value="">"Not sure"</option>
                            {Product::ALL.iter().map(|p| view! { <option value=p.as_str()>{p.label()}</option> }).collect_view()}
                        </select>
                    </label>
                </div>
                {field_message(value, "kind")}
                {field_message(value, "priority")}
                <label>"Description"
                    <textarea name="description" rows="8" required
                        placeholder="What happened, what you expected, and who is affected."></textarea>
                </label>
                {field_message(value, "description")}
                <Suspense fallback=|| ()>
                    {move || once_loaded(async move {
                        match context.await {
                            Ok(TicketFormSetup::Customer(preview)) => view! { <BillingPreview preview kind/> }.into_any(),
                            _ => ().into_any(),
                        }
                    })}
                </Suspense>
                <button type="submit" class="button primary">"Raise ticket"</button>
            </ActionForm>
        </section>
    }
}

/// "This will be billable because…", computed in the browser by the same function the server uses.
#[component]
fn BillingPreview(preview: PreviewContext, kind: RwSignal<TicketKind>) -> impl IntoView {
    let classification = move || classify(&preview.facts(kind.get()));
    view! {
        <div class="preview" data-testid="billing-preview">
            <span class="muted small">"How this ticket will be billed"</span>
            {move || {
                let c = classification();
                view! { <p><BillingBadge tag=c.tag/> " " {c.reason}</p> }
            }}
        </div>
    }
}

#[component]
pub fn TicketPage() -> impl IntoView {
    // Owned by the page, above every view that re-renders when the ticket is read again.
    let draft = ReplyDraft::default();
    view! {
        <Title text="Ticket"/>
        <Guard need=Need::Active children=move |user: UserDto| view! { <TicketView staff=user.is_staff() superuser=user.superuser me=user.id draft/> }/>
    }
}

/// What is being written in the reply form. The form is drawn again each time the ticket is read
/// again (after every change on the page); the text and the "internal note" tick live here so
/// that nothing typed or ticked is lost, and a note never turns into a public reply on its own.
///
/// `seen` is the ticket and the newest reply on it the writer had in front of them when the page
/// opened (or when they last sent, or were told someone else had replied): a reply sent over
/// someone else's newer one is first refused, once, so two people do not answer unknowingly
/// (`domain::live::replied_since`). It names its ticket, so it never speaks for another one.
#[derive(Clone, Copy)]
struct ReplyDraft {
    body: RwSignal<String>,
    internal: RwSignal<bool>,
    seen: RwSignal<Option<(String, String)>>,
    /// The next reading of the ticket moves `seen` to its newest reply.
    catch_up: RwSignal<bool>,
}

impl Default for ReplyDraft {
    fn default() -> Self {
        ReplyDraft {
            body: RwSignal::new(String::new()),
            internal: RwSignal::new(false),
            seen: RwSignal::new(None),
            catch_up: RwSignal::new(false),
        }
    }
}

/// The newest reply or note of a ticket as read, as the reply form sends it ("none" for none:
/// `api::tickets::reply`).
fn newest_reply(detail: &TicketDetail) -> String {
    detail.comments.last().map(|c| c.id.clone()).unwrap_or_else(|| "none".into())
}

#[component]
fn TicketView(staff: bool, superuser: bool, me: String, draft: ReplyDraft) -> impl IntoView {
    let params = use_params_map();
    // Someone else's change to this ticket, heard on the live channel, reads it again; so does a
    // lost connection. The reply being written is the page's own (`ReplyDraft`) and stays.
    let live = LiveFeed::get();
    let heard = live.last_change_to(move || params.read().get("id").unwrap_or_default(), me);
    let reclassify = ServerAction::<ReclassifyTicket>::new();
    let log_time = ServerAction::<LogTime>::new();
    let reply = ServerAction::<Reply>::new();
    let update = ServerAction::<UpdateTicket>::new();
    let pay = ServerAction::<PayWithVouchers>::new();
    let remove = ServerAction::<RemoveFile>::new();
    let changes = move || {
        remove.version().get()
            + reclassify.version().get()
            + log_time.version().get()
            + reply.version().get()
            + update.version().get()
            + pay.version().get()
            + live.resets.get() as usize
            + heard.get().unwrap_or(0) as usize
    };
    let detail =
        Resource::new(move || (params.read().get("id").unwrap_or_default(), changes()), |(id, _)| get_ticket(id));
    // A reply that went through is done with; the tick stays as the writer left it.
    Effect::new(move |_| match reply.value().get() {
        Some(Ok(_)) => {
            draft.body.set(String::new());
            draft.catch_up.set(true);
        }
        // Told someone else replied: the ticket is read again with it, and sending again posts.
        Some(Err(e)) if e.code == "replied_since" => draft.catch_up.set(true),
        _ => {}
    });
    Effect::new(move |_| {
        if let Some(Ok(detail)) = detail.get() {
            let other_ticket = draft.seen.with_untracked(|s| s.as_ref().is_none_or(|(t, _)| *t != detail.ticket.id));
            if other_ticket || draft.catch_up.get_untracked() {
                draft.seen.set(Some((detail.ticket.id.clone(), newest_reply(&detail))));
                draft.catch_up.set(false);
            }
        }
    });
    view! {
        <QueryError/>
        <ActionError value=reclassify.value()/>
        <ActionError value=log_time.value()/>
        <ActionError value=reply.value()/>
        <ActionError value=update.value()/>
        <ActionError value=pay.value()/>
        <ActionError value=remove.value()/>
        {staff.then(|| view! { <OnThisTicket draft/> })}
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || once_loaded(async move {
                match detail.await {
                    Ok(detail) => {
                        let id = detail.ticket.id.clone();
                        let ticket = detail.ticket.clone();
                        let newest = newest_reply(&detail);
                        view! {
                            <TicketDetailView detail remove=staff.then_some(remove)/>
                            {(ticket.billing.tag == BillingTag::Billable && (staff || superuser)).then(|| view! { <PayForm ticket_id=ticket.id.clone() pay/> })}
                            <TicketActions ticket staff reply update draft newest/>
                            <div class="ticket-grid">
                                <History ticket_id=id.clone() changes=Signal::derive(changes)/>
                                <Show when=move || staff>
                                    <StaffBilling ticket_id=id.clone() reclassify log_time/>
                                </Show>
                            </div>
                        }
                        .into_any()
                    }
                    Err(e) if e.status() == 404 => view! { <crate::pages::not_found::NotFound/> }.into_any(),
                    Err(e) => view! { <ErrorBanner error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Files on a ticket or a reply, each a link to its download (a page load of its own: the file
/// comes from the API, never through the page's router).
#[component]
fn TicketDetailView(detail: TicketDetail, remove: Option<ServerAction<RemoveFile>>) -> impl IntoView {
    let t = detail.ticket;
    let back = format!("/tickets/{}", t.id);
    view! {
        // Only our own text in <title>: leptos_meta writes it unescaped during SSR.
        <Title text=t.number.clone()/>
        <section class="ticket-head">
            <div>
                <p class="mono muted">{t.number.clone()} " · " {t.organization_name.clone()}</p>
                <h1>{t.subject.clone()}</h1>
                <p class="chips">
                    <StatusChip status=t.status/>
                    <PriorityChip priority=t.priority/>
                    <span class="chip">{t.kind.label()}</span>
                    {t.product.map(|p| view! { <span class="chip">{p.label()}</span> })}
                    <span class="chip">{t.queue.clone()}</span>
                    {detail.release.clone().map(|r| {
                        let text = match (r.upgrade, r.state) {
                            (true, _) => format!("Upgrade to {}", r.number),
                            (false, crate::domain::releases::ReleaseState::Released) => format!("Fixed in {}", r.number),
                            (false, _) => format!("Fix slated for {}", r.number),
                        };
                        view! { <a class="chip release" data-testid="slated-release" href=format!("/releases/{}", r.release_id)>{text}</a> }
                    })}
                </p>
            </div>
        </section>
        {t.sla.clone().map(|sla| view! { <SlaLine sla/> })}
        <div class="ticket-grid">
            <section class="card">
                <h2>"Description"</h2>
                <p class="prose">{t.description.clone()}</p>
                {(!detail.attachments.is_empty()).then(|| view! {
                    <h2>"Files"</h2>
                    <FileList files=detail.attachments.clone() remove=remove back=back.clone()/>
                })}
                <h2>"Conversation"</h2>
                {if detail.comments.is_empty() {
                    view! { <p class="empty">"No replies yet. CyTrack will answer here."</p> }.into_any()
                } else {
                    detail
                        .comments
                        .into_iter()
                        .map(|c| view! {
                            <article class=if c.internal { "comment internal" } else { "comment" }>
                                <header>
                                    <strong>{c.author_name}</strong>
                                    {c.internal.then(|| view! { <span class="chip">"Internal note"</span> })}
                                    <span class="muted small">{short_time(c.created_at)}</span>
                                </header>
                                <p class="prose">{c.body}</p>
                                {(!c.attachments.is_empty()).then(|| view! { <FileList files=c.attachments.clone() remove=remove back=back.clone()/> })}
                            </article>
                        })
                        .collect_view()
                        .into_any()
                }}
            </section>
            <aside class="card">
                <h2>"Billing"</h2>
                <p><BillingBadge tag=t.billing.tag/></p>
                <p class="small" data-testid="billing-reason">{t.billing.reason.clone()}</p>
                <h2>"Details"</h2>
                <dl>
                    <dt>"Raised by"</dt><dd>{t.requester_name.clone()}</dd>
                    <dt>"Assignee"</dt><dd>{t.assignee_name.clone().unwrap_or_else(|| "Unassigned".into())}</dd>
                    <dt>"Raised"</dt><dd>{short_time(t.created_at)}</dd>
                    <dt>"Updated"</dt><dd>{short_time(t.updated_at)}</dd>
                </dl>
            </aside>
        </div>
    }
}

/// Every change to the ticket: who, when, from, to.
#[component]
fn History(ticket_id: String, changes: Signal<usize>) -> impl IntoView {
    let history = Resource::new(move || (ticket_id.clone(), changes.get()), |(id, _)| ticket_history(id));
    view! {
        <section class="card">
            <h2>"History"</h2>
            <Suspense fallback=|| ()>
                {move || once_loaded(async move {
                    match history.await {
                        Ok(rows) => view! {
                            <ol class="history" data-testid="history">
                                {rows.into_iter().map(|h| view! {
                                    <li>
                                        <span class="muted small">{short_time(h.created_at)} " · " {h.actor_name.unwrap_or_else(|| "CyTrack".into())}</span>
                                        <div><strong>{h.field}</strong>
                                            {h.old_value.map(|o| view! { <span class="old">{o}</span> " → " })}
                                            <span>{h.new_value.unwrap_or_default()}</span>
                                        </div>
                                    </li>
                                }).collect_view()}
                            </ol>
                        }.into_any(),
                        Err(e) => view! { <ErrorBanner error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// Agents reclassify the ticket with a reason the customer reads, and log time worked.
#[component]
fn StaffBilling(
    ticket_id: String,
    reclassify: ServerAction<ReclassifyTicket>,
    log_time: ServerAction<LogTime>,
) -> impl IntoView {
    let id = ticket_id.clone();
    let time = Resource::new(move || (id.clone(), log_time.version().get()), |(id, _)| ticket_time(id));
    let (reclassify_id, time_id) = (ticket_id.clone(), ticket_id);
    view! {
        <aside class="card">
            <h2>"Reclassify"</h2>
            <ActionForm action=reclassify attr:class="form compact">
                <input type="hidden" name="ticket_id" value=reclassify_id/>
                <label>"Tag"
                    <select name="tag">
                        {BillingTag::ALL.iter().map(|t| view! { <option value=t.as_str()>{t.label()}</option> }).collect_view()}
                    </select>
                </label>
                <label>"Reason the customer will read" <textarea name="reason" rows="2" required></textarea></label>
                {field_message(reclassify.value(), "reason")}
                <button type="submit" class="button">"Reclassify"</button>
            </ActionForm>
            <h2>"Time"</h2>
            <Suspense fallback=|| ()>
                {move || once_loaded(async move {
                    match time.await {
                        Ok(entries) => {
                            let total: i32 = entries.iter().map(|e| e.minutes).sum();
                            view! {
                                <ul class="plain small">
                                    {entries.into_iter().map(|e| view! { <li>{e.minutes} " min · " {e.author_name} " · " {e.note}</li> }).collect_view()}
                                </ul>
                                <p class="small"><strong data-testid="time-total">{total}</strong> " minutes in all"</p>
                            }.into_any()
                        }
                        Err(e) => view! { <ErrorBanner error=e/> }.into_any(),
                    }
                })}
            </Suspense>
            <ActionForm action=log_time attr:class="form compact">
                <input type="hidden" name="ticket_id" value=time_id/>
                <div class="row">
                    <label>"Minutes" <input type="number" name="minutes" min="1" max="1440" required/></label>
                    <label>"Note" <input name="note"/></label>
                </div>
                {field_message(log_time.value(), "minutes")}
                <button type="submit" class="button">"Log time"</button>
            </ActionForm>
        </aside>
    }
}

/// Replying, and moving the ticket along: staff set status, priority, assignee and queue; a
/// customer resolves or reopens.
#[component]
fn TicketActions(
    ticket: TicketDto,
    staff: bool,
    reply: ServerAction<Reply>,
    update: ServerAction<UpdateTicket>,
    draft: ReplyDraft,
    /// The ticket's newest reply as this rendering read it: what a reply posted before the page
    /// hydrated says it had seen.
    newest: String,
) -> impl IntoView {
    let closed = ticket.status == TicketStatus::Closed;
    let id = ticket.id.clone();
    let reply_form = (staff || !closed).then(|| {
        let id = id.clone();
        // Only attributes follow the tick: a text node changed while the page hydrates (a tick
        // made as it loads) breaks hydration.
        let class = move || if draft.internal.get() { "form reply internal" } else { "form reply" };
        let placeholder = move || draft.internal.get().then_some("A note for CyTrack staff only");
        // Arriving by the queue's "r" (`#reply`), the cursor waits in the reply box.
        let reply_box: NodeRef<leptos::html::Textarea> = NodeRef::new();
        let location = leptos_router::hooks::use_location();
        Effect::new(move |_| {
            if location.hash.get().trim_start_matches('#') == "reply" {
                if let Some(el) = reply_box.get() {
                    // Once it is in the page: an element not yet attached takes no focus.
                    request_animation_frame(move || {
                        let _ = el.focus();
                    });
                }
            }
        });
        view! {
            <ActionForm action=reply attr:class=class>
                <input type="hidden" name="ticket_id" value=id.clone()/>
                <input type="hidden" name="last_seen_comment_id" value={
                    let ticket = id.clone();
                    move || draft.seen.get().filter(|(t, _)| *t == ticket).map(|(_, reply)| reply).unwrap_or_else(|| newest.clone())
                }/>
                <label>{if staff { "Reply or note" } else { "Reply to CyTrack" }}
                    <textarea id="reply" node_ref=reply_box name="body" rows="4" required bind:value=draft.body placeholder=placeholder></textarea>
                </label>
                {field_message(reply.value(), "body")}
                <div class="row-inline">
                    {staff.then(|| view! { <label class="check"><input type="checkbox" name="internal" value="on" bind:checked=draft.internal/> "Internal note (never shown to the customer)"</label> })}
                    <button type="submit" class="button primary">"Send"</button>
                </div>
            </ActionForm>
        }
    });
    // Files go by the page's own multipart door, with a bar per file once hydrated
    // (components::files); the page reloads with them.
    let file_form = (staff || !closed).then(|| {
        view! {
            <FileDrop
                action=format!("/tickets/{id}/files")
                label="Files (up to 20, 25 MB each)"
            >
                <label>"With a message (optional)" <textarea name="body" rows="2"></textarea></label>
                {staff.then(|| view! { <label class="check"><input type="checkbox" name="internal" value="on"/> "Internal (staff only)"</label> })}
            </FileDrop>
        }
    });
    let controls = if staff {
        view! { <StaffControls ticket=ticket.clone() update/> }.into_any()
    } else {
        let (label, to) = match ticket.status {
            TicketStatus::Resolved | TicketStatus::Closed => ("Reopen ticket", "open"),
            _ => ("Mark as resolved", "resolved"),
        };
        view! {
            <ActionForm action=update attr:class="inline">
                <input type="hidden" name="ticket_id" value=id.clone()/>
                <input type="hidden" name="status" value=to/>
                <button type="submit" class="button">{label}</button>
            </ActionForm>
        }
        .into_any()
    };
    view! {
        <section class="card">
            <h2>"Respond"</h2>
            {reply_form}
            {file_form}
            {controls}
        </section>
    }
}

#[component]
fn StaffControls(ticket: TicketDto, update: ServerAction<UpdateTicket>) -> impl IntoView {
    let board = Resource::new(|| (), |_| load_queue_board());
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let ticket = ticket.clone();
                once_loaded(async move {
                    let Ok(board) = board.await else { return ().into_any() };
                    view! {
                        <ActionForm action=update attr:class="form compact">
                            <input type="hidden" name="ticket_id" value=ticket.id.clone()/>
                            <div class="row">
                                <label>"Status"
                                    <select name="status">
                                        {TicketStatus::ALL.iter().map(|s| view! { <option value=s.as_str() selected=*s == ticket.status>{s.label()}</option> }).collect_view()}
                                    </select>
                                </label>
                                <label>"Priority"
                                    <select name="priority">
                                        {Priority::ALL.iter().map(|p| view! { <option value=p.as_str() selected=*p == ticket.priority>{p.label()}</option> }).collect_view()}
                                    </select>
                                </label>
                                <label>"Assignee"
                                    <select name="assignee_id">
                                        <option value="none" selected=ticket.assignee_id.is_none()>"Unassigned"</option>
                                        {board.staff.iter().map(|(id, name)| view! { <option value=id.clone() selected=ticket.assignee_id.as_deref() == Some(id.as_str())>{name.clone()}</option> }).collect_view()}
                                    </select>
                                </label>
                                <label>"Queue"
                                    <select name="queue">
                                        {board.queues.iter().map(|q| view! { <option value=q.name.clone() selected=q.name == ticket.queue>{q.name.clone()}</option> }).collect_view()}
                                    </select>
                                </label>
                            </div>
                            <button type="submit" class="button">"Update ticket"</button>
                        </ActionForm>
                    }
                    .into_any()
                })
            }}
        </Suspense>
    }
}

/// Time left on the SLA clocks, as people read it.
#[component]
pub fn SlaLine(sla: crate::dto::SlaDto) -> impl IntoView {
    let left = sla.resolution_minutes_left;
    let text = if sla.paused {
        "SLA paused: awaiting the customer".to_string()
    } else if left < 0 {
        format!("Resolution overdue by {}", duration(-left))
    } else {
        format!("{} business time left to resolve", duration(left))
    };
    let class = if sla.resolution_breached || sla.first_response_breached { "sla breached" } else { "sla" };
    view! {
        <p class=class data-testid="sla">
            {text}
            {sla.first_response_breached.then(|| " · first response overdue")}
        </p>
    }
}

/// Minutes as "2 h 05 min" or "35 min".
pub fn duration(minutes: i64) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m:02} min"),
    }
}

/// Pays for billable work with voucher time; a key minted with the page makes a double submit pay once.
#[component]
fn PayForm(ticket_id: String, pay: ServerAction<PayWithVouchers>) -> impl IntoView {
    let key = Resource::new(move || pay.version().get(), |_| payment_key());
    view! {
        <section class="card">
            <h2>"Pay with service vouchers"</h2>
            <Suspense fallback=|| ()>
                {move || {
                    let ticket_id = ticket_id.clone();
                    once_loaded(async move {
                        let key = key.await.unwrap_or_default();
                        view! {
                            <ActionForm action=pay attr:class="form compact">
                                <input type="hidden" name="ticket_id" value=ticket_id/>
                                <input type="hidden" name="idempotency_key" value=key/>
                                <div class="row-inline">
                                    <label>"Minutes to redeem" <input type="number" name="minutes" min="1" required/></label>
                                    <button type="submit" class="button primary">"Redeem"</button>
                                </div>
                                {field_message(pay.value(), "minutes")}
                            </ActionForm>
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}

/// Who else is on this ticket (staff): the page beats every `PRESENCE_BEAT_SECONDS` and whenever
/// its writer starts or stops typing, and asks again when the live channel says someone arrived,
/// left or typed here.
#[component]
fn OnThisTicket(draft: ReplyDraft) -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let live = LiveFeed::get();
    let others_moved = live.presence_on(id);
    let typing = RwSignal::new(false);
    let beats = RwSignal::new(0u64);
    // Typing: the reply changed within the last few seconds.
    let keystrokes = StoredValue::new(0u64);
    Effect::new(move |previous: Option<String>| {
        let body = draft.body.get();
        if previous.is_some_and(|p| p != body) {
            // Set only when it changes: every setting would send a beat.
            if typing.get_untracked() == body.is_empty() {
                typing.set(!body.is_empty());
            }
            keystrokes.update_value(|k| *k += 1);
            let mine = keystrokes.get_value();
            set_timeout(
                move || {
                    if keystrokes.get_value() == mine {
                        typing.set(false);
                    }
                },
                std::time::Duration::from_secs(6),
            );
        }
        body
    });
    #[cfg(target_arch = "wasm32")]
    {
        let every = std::time::Duration::from_secs(crate::domain::live::PRESENCE_BEAT_SECONDS as u64);
        if let Ok(handle) = set_interval_with_handle(move || beats.update(|n| *n += 1), every) {
            on_cleanup(move || handle.clear());
        }
        let left = params.read_untracked().get("id").unwrap_or_default();
        on_cleanup(move || {
            leptos::task::spawn_local(async move {
                let _ = crate::api::live::leave_ticket(left).await;
            })
        });
    }
    // A signal, not a resource: a resource read under the page's `Suspense` would send the whole
    // page back to its fallback at every beat (and take the focus from the reply box).
    let viewers = RwSignal::new(Vec::<crate::dto::ViewerDto>::new());
    Effect::new(move |_| {
        let (ticket_id, typing) = (id(), typing.get());
        beats.track();
        // Read, not only tracked: a memo never read never runs, and so never hears its source.
        let _ = others_moved.get();
        leptos::task::spawn_local(async move {
            if let Ok(presence) = crate::api::live::beat_ticket(ticket_id, typing).await {
                viewers.set(presence.viewers);
            }
        });
    });
    let line = move || {
        let viewers = viewers.get();
        (!viewers.is_empty()).then(|| {
            let names: Vec<String> =
                viewers.into_iter().map(|v| if v.typing { format!("{} (typing…)", v.name) } else { v.name }).collect();
            format!("Also on this ticket: {}", names.join(", "))
        })
    };
    view! { <p class="presence" data-testid="presence" aria-live="polite">{line}</p> }
}
