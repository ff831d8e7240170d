//! The ticket list, the new-ticket form with its billing preview, and the ticket page.

use crate::api::tickets::{get_ticket, list_tickets, new_ticket_setup, PreviewContext, RaiseTicket, TicketFormSetup};
use crate::components::layout::{Guard, Need};
use crate::components::widgets::{
    field_message, short_time, ActionError, BillingBadge, ErrorBanner, PriorityChip, QueryError, StatusChip,
};
use crate::domain::billing::classify;
use crate::domain::tickets::{Priority, Product, TicketKind, TicketStatus, SUBJECT_MAX};
use crate::dto::{TicketDetail, TicketDto, TicketFilter, UserDto};
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
        TicketFilter {
            q: q.get("q"),
            status: q.get("status"),
            page: q.get("page").and_then(|p| p.parse().ok()),
            ..Default::default()
        }
    };
    let tickets = Resource::new(filter, list_tickets);
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
            <input type="search" name="q" placeholder="Search number, subject or description" prop:value=move || query.read().get("q").unwrap_or_default()/>
            <select name="status">
                <option value="">"Any status"</option>
                {TicketStatus::ALL
                    .iter()
                    .map(|s| {
                        let selected = move || query.read().get("status").as_deref() == Some(s.as_str());
                        view! { <option value=s.as_str() selected=selected>{s.label()}</option> }
                    })
                    .collect_view()}
            </select>
            <button type="submit" class="button">"Filter"</button>
        </form>
        <section class="card">
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match tickets.await {
                        Ok(page) => view! {
                            <p class="muted small">{format!("{} ticket{}", page.total, if page.total == 1 { "" } else { "s" })}</p>
                            <TicketTable tickets=page.items/>
                        }
                        .into_any(),
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
                    {move || Suspend::new(async move {
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
                    {move || Suspend::new(async move {
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
    view! {
        <Title text="Ticket"/>
        <Guard need=Need::Active children=|_user: UserDto| view! { <TicketView/> }/>
    }
}

#[component]
fn TicketView() -> impl IntoView {
    let params = use_params_map();
    let detail = Resource::new(move || params.read().get("id").unwrap_or_default(), get_ticket);
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(detail) => view! { <TicketDetailView detail/> }.into_any(),
                    Err(e) if e.status() == 404 => view! { <crate::pages::not_found::NotFound/> }.into_any(),
                    Err(e) => view! { <ErrorBanner error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn TicketDetailView(detail: TicketDetail) -> impl IntoView {
    let t = detail.ticket;
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
                </p>
            </div>
        </section>
        <div class="ticket-grid">
            <section class="card">
                <h2>"Description"</h2>
                <p class="prose">{t.description.clone()}</p>
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
                    <dt>"Raised"</dt><dd>{short_time(t.created_at)}</dd>
                    <dt>"Updated"</dt><dd>{short_time(t.updated_at)}</dd>
                </dl>
            </aside>
        </div>
    }
}
