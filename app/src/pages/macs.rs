//! MACS: the catalogue of standard moves, adds and changes priced in voucher time, a client's
//! order or request for a quote, and each order with what each person may do next.

use crate::api::macs::{load_macs, MacsStep, OrderMacs, SaveMacsItem};
use crate::components::layout::{Guard, Need};
use crate::components::suspend::once_loaded;
use crate::components::widgets::{field_message, ActionError, ErrorBanner, Pager, QueryError};
use crate::domain::afterhours::BookingRole;
use crate::domain::billing::long_date;
use crate::domain::macs::{order_steps, OrderStatus};
use crate::domain::vouchers::hours;
use crate::dto::{MacsItemDto, MacsOrderDto, MacsOrderFilter, UserDto, PER_PAGE_DEFAULT};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn MacsPage() -> impl IntoView {
    view! {
        <Title text="MACS"/>
        <QueryError/>
        <Guard need=Need::Active children=|user: UserDto| view! { <Macs user/> }/>
    }
}

#[component]
fn Macs(user: UserDto) -> impl IntoView {
    let order = ServerAction::<OrderMacs>::new();
    let save = ServerAction::<SaveMacsItem>::new();
    let step = ServerAction::<MacsStep>::new();
    let query = use_query_map();
    let filter = move || {
        let q = query.read();
        MacsOrderFilter {
            status: q.get("status").filter(|s| !s.is_empty()),
            page: q.get("page").and_then(|p| p.parse().ok()),
            per_page: None,
        }
    };
    let data = Resource::new(
        move || (filter(), order.version().get() + save.version().get() + step.version().get()),
        |(filter, _)| load_macs(filter),
    );
    let customer = !user.is_staff();
    let manages = user.role.manages_accounts();
    view! {
        <section class="hero">
            <h1>"Moves, adds and changes"</h1>
            <p class="muted">
                "Standard changes to your contact centre, priced in service-voucher time. "
                "Your superuser approves the spend, which is reserved from your vouchers until the work is done."
            </p>
        </section>
        <ActionError value=order.value()/>
        <ActionError value=save.value()/>
        <ActionError value=step.value()/>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {
                let user = user.clone();
                move || {
                    let user = user.clone();
                    once_loaded(async move {
                        let (items, orders) = match data.await {
                            Ok(loaded) => loaded,
                            Err(e) => return view! { <ErrorBanner error=e/> }.into_any(),
                        };
                        let at = filter().page.unwrap_or(1);
                        let has_next = orders.has_next(at, PER_PAGE_DEFAULT);
                        view! {
                            <Catalogue items=items.clone() manages save/>
                            {customer.then(|| view! { <OrderForms items=items.clone() order/> })}
                            {manages.then(|| view! { <ItemForm item=None save/> })}
                            <section class="card">
                                <h2>{if customer { "Your orders" } else { "Orders" }}</h2>
                                <form class="filters" method="get" action="/macs">
                                    <label>"Status"
                                        <select name="status">
                                            <option value="">"Any status"</option>
                                            {OrderStatus::ALL.iter().map(|s| {
                                                let selected = query.read_untracked().get("status").as_deref() == Some(s.as_str());
                                                view! { <option value=s.as_str() selected=selected>{s.label()}</option> }
                                            }).collect_view()}
                                        </select>
                                    </label>
                                    <button type="submit" class="button">"Filter"</button>
                                </form>
                                <p class="muted small">{orders.total_label("order")}</p>
                                {if orders.items.is_empty() {
                                    view! { <p class="empty">"No MACS orders."</p> }.into_any()
                                } else {
                                    view! {
                                        <div class="bookings" data-testid="orders">
                                            {orders.items.into_iter().map(|o| view! { <Order order=o user=user.clone() step/> }).collect_view()}
                                        </div>
                                    }.into_any()
                                }}
                                <Pager path="/macs" page=at has_next/>
                            </section>
                        }
                        .into_any()
                    })
                }
            }
        </Suspense>
    }
}

fn lead(days: Option<i64>) -> String {
    match days {
        Some(0) => "same business day".into(),
        Some(1) => "1 business day".into(),
        Some(d) => format!("{d} business days"),
        None => "—".into(),
    }
}

/// The catalogue; account managers edit each item in place.
#[component]
fn Catalogue(items: Vec<MacsItemDto>, manages: bool, save: ServerAction<SaveMacsItem>) -> impl IntoView {
    view! {
        <section class="card">
            <h2>"Catalogue"</h2>
            {if items.is_empty() {
                view! { <p class="empty">"The catalogue is empty."</p> }.into_any()
            } else {
                view! {
                    <table class="tickets" data-testid="catalogue">
                        <thead><tr><th>"Item"</th><th>"Price"</th><th>"Lead time"</th>{manages.then(|| view! { <th>"Change"</th> })}</tr></thead>
                        <tbody>
                            {items.into_iter().map(|i| view! {
                                <tr class:muted=!i.active>
                                    <td><strong>{i.name.clone()}</strong>{(!i.active).then(|| " · retired")}<br/><small class="muted">{i.description.clone()}</small></td>
                                    <td>{hours(i.minutes)}</td>
                                    <td>{lead(i.lead_days)}</td>
                                    {manages.then(|| view! { <td><ItemForm item=Some(i.clone()) save/></td> })}
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}

/// Adds an item (none given) or changes one.
#[component]
fn ItemForm(item: Option<MacsItemDto>, save: ServerAction<SaveMacsItem>) -> impl IntoView {
    let adding = item.is_none();
    let i = item.unwrap_or(MacsItemDto {
        id: String::new(),
        name: String::new(),
        description: String::new(),
        minutes: 60,
        lead_days: None,
        active: true,
    });
    let form = view! {
        <ActionForm action=save attr:class=if adding { "form" } else { "inline" }>
            <input type="hidden" name="item_id" value=i.id.clone()/>
            <label>"Name" <input name="name" value=i.name.clone() required/></label>
            <label>"Price (minutes)" <input type="number" name="minutes" min="1" max="60000" value=i.minutes required/></label>
            <label>"Lead time (business days)" <input type="number" name="lead_days" min="0" max="60" value=i.lead_days.map(|d| d.to_string()).unwrap_or_default()/></label>
            <label>"Description" <input name="description" value=i.description.clone()/></label>
            <label class="check"><input type="checkbox" name="active" value="on" checked=i.active/>" Can be ordered"</label>
            <button type="submit" class="button small">{if adding { "Add to the catalogue" } else { "Save" }}</button>
        </ActionForm>
    };
    if adding {
        view! {
            <section class="card">
                <h2>"Add an item"</h2>
                {form}
                {field_message(save.value(), "name")}
                {field_message(save.value(), "minutes")}
                {field_message(save.value(), "lead_days")}
            </section>
        }
        .into_any()
    } else {
        view! { <details><summary>"Edit"</summary>{form}</details> }.into_any()
    }
}

/// A client orders from the catalogue, or asks for a quote for anything else.
#[component]
fn OrderForms(items: Vec<MacsItemDto>, order: ServerAction<OrderMacs>) -> impl IntoView {
    view! {
        <section class="card">
            <h2>"Order"</h2>
            <ActionForm action=order attr:class="form">
                <label>"Item"
                    <select name="item_id" required>
                        {items.iter().filter(|i| i.active).map(|i| view! {
                            <option value=i.id.clone()>{format!("{} · {}", i.name, hours(i.minutes))}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label>"Details for the engineer" <textarea name="details" rows="3" required placeholder="Which queue, which announcement, who needs the seat"></textarea></label>
                {field_message(order.value(), "details")}
                <button type="submit" class="button primary">"Order"</button>
            </ActionForm>
        </section>
        <section class="card">
            <h2>"Ask for a quote"</h2>
            <p class="muted small">"For a change that is not in the catalogue: CyTrack replies with a price in voucher time for your superuser to approve."</p>
            <ActionForm action=order attr:class="form">
                <label>"What you need" <input name="title" required/></label>
                {field_message(order.value(), "title")}
                <label>"Details" <textarea name="details" rows="3" required></textarea></label>
                <button type="submit" class="button">"Ask for a quote"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn Order(order: MacsOrderDto, user: UserDto, step: ServerAction<MacsStep>) -> impl IntoView {
    let o = order;
    let status = o.status.clone();
    let who = BookingRole {
        manager: user.role.manages_accounts(),
        staff: user.is_staff(),
        superuser: user.superuser,
        requester: user.id == o.requester_id,
    };
    let steps = OrderStatus::parse(&status).map(|from| order_steps(who, from)).unwrap_or_default();
    let label = OrderStatus::parse(&status).map(|s| s.label()).unwrap_or("unknown");
    view! {
        <article class="booking" data-status=status.clone() data-testid="order">
            <header>
                <strong>{o.title.clone()}</strong>
                <span class=format!("chip booking-{status}")>{label}</span>
            </header>
            <p class="small">
                <a href=format!("/tickets/{}", o.ticket_id)>{o.ticket_number.clone()}</a> " · " {o.organization_name.clone()}
                {o.quote_minutes.map(|m| view! { " · price " <strong data-testid="price">{hours(m)}</strong> })}
                {o.due_on.map(|d| format!(" · due {}", long_date(d)))}
                {o.charged_minutes.map(|m| format!(" · {} charged", hours(m)))}
            </p>
            <p class="small muted">{o.details.clone()}</p>
            {o.quote_note.clone().map(|n| view! { <p class="small">"Quote: " {n}</p> })}
            {o.decision_note.clone().map(|n| view! { <p class="small">"Declined: " {n}</p> })}
            <div class="actions">
                {steps.into_iter().map(|to| {
                    let id = o.id.clone();
                    let (name, text, class) = match to {
                        OrderStatus::Quoted => ("quote", "Send quote", "button primary small"),
                        OrderStatus::Approved => ("approve", "Approve", "button primary small"),
                        OrderStatus::Declined => ("decline", "Decline", "button small"),
                        OrderStatus::Completed => ("complete", "Complete", "button small"),
                        _ => ("cancel", "Cancel order", "button small danger"),
                    };
                    let details = match to {
                        OrderStatus::Quoted => view! {
                            <input type="number" name="minutes" min="1" max="60000" placeholder="Minutes" aria-label="Quoted minutes" required/>
                            <input name="note" placeholder="Note for the client" aria-label="Note for the client"/>
                        }.into_any(),
                        OrderStatus::Declined => view! { <input name="note" placeholder="Reason to decline" aria-label="Reason to decline" required/> }.into_any(),
                        OrderStatus::Completed => view! {
                            <input type="number" name="minutes" min="0" max=o.quote_minutes.unwrap_or(0) placeholder=format!("{} (the price)", o.quote_minutes.unwrap_or(0)) aria-label="Minutes to charge"/>
                        }.into_any(),
                        _ => ().into_any(),
                    };
                    view! {
                        <ActionForm action=step attr:class="inline">
                            <input type="hidden" name="order_id" value=id/>
                            <input type="hidden" name="step" value=name/>
                            {details}
                            <button type="submit" class=class>{text}</button>
                        </ActionForm>
                    }
                }).collect_view()}
            </div>
        </article>
    }
}
