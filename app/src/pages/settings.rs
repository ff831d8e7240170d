//! Admins' settings: the business calendar that SLA clocks and after-hours quotes use (its time
//! zone is the support time zone), the queues and the rules that route tickets to them, and the
//! module catalogue the Pre-install form lists.

use crate::api::afterhours::{load_business_hours, SaveBusinessHours};
use crate::api::projects::{module_catalogue_text, SaveModuleCatalogue};
use crate::api::tickets::{queue_rules, SaveQueue};
use crate::components::layout::{Guard, Need};
use crate::components::suspend::once_loaded;
use crate::components::widgets::{ActionError, ErrorBanner, QueryError};
use crate::domain::billing::BillingTag;
use crate::domain::calendar::TIME_ZONES;
use crate::domain::tickets::{routing_preview, Product, QueueRule, TicketKind};
use crate::dto::{BusinessHoursDto, MultipliersDto, QueueDto, UserDto};
use leptos::prelude::*;
use leptos_meta::Title;

const DAYS: [(&str, &str); 7] = [
    ("mon", "Monday"),
    ("tue", "Tuesday"),
    ("wed", "Wednesday"),
    ("thu", "Thursday"),
    ("fri", "Friday"),
    ("sat", "Saturday"),
    ("sun", "Sunday"),
];

#[component]
pub fn SettingsPage() -> impl IntoView {
    view! {
        <Title text="Settings"/>
        <QueryError/>
        <Guard need=Need::Admin children=|_user: UserDto| view! { <BusinessHoursForm/> <QueueRules/> <ModuleCatalogue/> }/>
    }
}

#[component]
fn BusinessHoursForm() -> impl IntoView {
    let save = ServerAction::<SaveBusinessHours>::new();
    let current = Resource::new(move || save.version().get(), |_| load_business_hours());
    view! {
        <section class="hero"><h1>"Business hours"</h1></section>
        <ActionError value=save.value()/>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || once_loaded(async move {
                match current.await {
                    Ok(hours) => view! { <HoursEditor hours save/> }.into_any(),
                    Err(e) => view! { <ErrorBanner error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Edits a copy of the calendar in signals and sends it whole (needs the hydrated page).
#[component]
fn HoursEditor(hours: BusinessHoursDto, save: ServerAction<SaveBusinessHours>) -> impl IntoView {
    let time_zone = RwSignal::new(hours.time_zone.clone());
    let days: Vec<(&'static str, &'static str, RwSignal<String>, RwSignal<String>)> = DAYS
        .iter()
        .map(|(key, label)| {
            let (open, close) = hours.week.get(*key).cloned().flatten().unwrap_or_default();
            (*key, *label, RwSignal::new(open), RwSignal::new(close))
        })
        .collect();
    let holidays = RwSignal::new(hours.holidays.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n"));
    let evening = RwSignal::new(hours.multipliers.weekday_evening.to_string());
    let weekend = RwSignal::new(hours.multipliers.weekend.to_string());
    let holiday = RwSignal::new(hours.multipliers.holiday.to_string());
    let days_for_submit = days.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let week = days_for_submit
            .iter()
            .map(|(key, _, open, close)| {
                let (o, c) = (open.get(), close.get());
                (key.to_string(), (!o.is_empty() && !c.is_empty()).then_some((o, c)))
            })
            .collect();
        let number = |s: RwSignal<String>| s.get().trim().parse::<f64>().unwrap_or(0.0);
        let holidays = holidays
            .get()
            .lines()
            .filter_map(|l| chrono::NaiveDate::parse_from_str(l.trim(), "%Y-%m-%d").ok())
            .collect();
        save.dispatch(SaveBusinessHours {
            hours: BusinessHoursDto {
                time_zone: time_zone.get(),
                week,
                holidays,
                multipliers: MultipliersDto {
                    weekday_evening: number(evening),
                    weekend: number(weekend),
                    holiday: number(holiday),
                },
            },
        });
    };
    view! {
        <form class="card form" on:submit=submit>
            <label>"Time zone"
                <select bind:value=time_zone>
                    {TIME_ZONES
                        .iter()
                        .map(|zone| {
                            // Marked for the server-rendered page too (a select ignores `value`).
                            let chosen = hours.time_zone == *zone;
                            view! { <option value=*zone selected=chosen>{zone.replace('_', " ")}</option> }
                        })
                        .collect_view()}
                </select>
            </label>
            <table class="tickets">
                <thead><tr><th>"Day"</th><th>"Opens"</th><th>"Closes"</th></tr></thead>
                <tbody>
                    {days.into_iter().map(|(_, label, open, close)| view! {
                        <tr>
                            <td>{label}</td>
                            <td><input type="time" aria-label=format!("{label} opens") bind:value=open/></td>
                            <td><input type="time" aria-label=format!("{label} closes") bind:value=close/></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <small class="muted">"Leave both times empty for a closed day."</small>
            <label>"Public holidays " <small class="muted">"(one YYYY-MM-DD per line)"</small>
                <textarea rows="4" bind:value=holidays></textarea>
            </label>
            <div class="row">
                <label>"Weekday evening rate" <input type="number" step="0.05" bind:value=evening/></label>
                <label>"Weekend rate" <input type="number" step="0.05" bind:value=weekend/></label>
                <label>"Public holiday rate" <input type="number" step="0.05" bind:value=holiday/></label>
            </div>
            <button type="submit" class="button primary">"Save business hours"</button>
            {move || save.value().get().and_then(|r| r.ok()).map(|_| view! { <p class="small" role="status">"Saved."</p> })}
        </form>
    }
}

/// The modules a client may buy and their minimum requirements, as text: a module's name on a
/// line, each requirement on a line of its own starting with "-".
#[component]
fn ModuleCatalogue() -> impl IntoView {
    let save = ServerAction::<SaveModuleCatalogue>::new();
    let current = Resource::new(move || save.version().get(), |_| module_catalogue_text());
    view! {
        <section class="card" id="modules">
            <h2>"Modules and their minimum requirements"</h2>
            <p class="muted small">"The Pre-install form asks the client to acknowledge each requirement of the modules a project deploys. A module's name on a line, then its requirements, one per line starting with “-”."</p>
            <ActionError value=save.value()/>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || once_loaded(async move {
                    match current.await {
                        Ok(text) => view! {
                            <ActionForm action=save attr:class="form">
                                <label>"Module catalogue" <textarea name="text" rows="16">{text}</textarea></label>
                                <button type="submit" class="button primary">"Save the catalogue"</button>
                            </ActionForm>
                        }
                        .into_any(),
                        Err(e) => view! { <ErrorBanner error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The queues in routing order, each editable, a new one, and the routing table they make.
#[component]
fn QueueRules() -> impl IntoView {
    let save = ServerAction::<SaveQueue>::new();
    let queues = Resource::new(move || save.version().get(), |_| queue_rules());
    view! {
        <section class="card" id="queues">
            <h2>"Queues and routing"</h2>
            <p class="muted">"A new ticket goes to the first queue, in routing order, whose rule takes it; a rule with nothing chosen in a list takes any. The last queue takes what no rule does."</p>
            <ActionError value=save.value()/>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || once_loaded(async move {
                    match queues.await {
                        Ok(queues) => view! {
                            {queues.iter().cloned().map(|q| view! { <QueueForm queue=Some(q) save/> }).collect_view()}
                            <h3>"New queue"</h3>
                            <QueueForm queue=None save/>
                            <RoutingPreview queues/>
                        }
                        .into_any(),
                        Err(e) => view! { <ErrorBanner error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// One queue's rule as a form (a plain post works before hydration).
#[component]
fn QueueForm(queue: Option<QueueDto>, save: ServerAction<SaveQueue>) -> impl IntoView {
    let q = queue.clone().unwrap_or_default();
    let has = |list: &[String], value: &str| list.iter().any(|v| v == value);
    let (kinds, products, tags) = (q.kinds.clone(), q.products.clone(), q.tags.clone());
    let label = if queue.is_some() { "Save queue" } else { "Add queue" };
    let (marker, name, id) = (q.name.clone(), q.name.clone(), q.id.clone());
    view! {
        <ActionForm action=save attr:class="form queue-rule" attr:data-queue=marker>
            <input type="hidden" name="queue_id" value=id/>
            <div class="row">
                <label>"Name" <input name="name" required maxlength="100" value=name/></label>
                <label>"Position" <input type="number" name="position" required value=q.position.to_string()/></label>
                {queue.as_ref().map(|q| view! { <span class="muted small">{format!("{} open", q.open_count)}</span> })}
            </div>
            <div class="row">
                <label>"Kinds"
                    <select name="kinds[]" multiple size="4">
                        {TicketKind::ALL.iter().map(|k| view! { <option value=k.as_str() selected=has(&kinds, k.as_str())>{k.label()}</option> }).collect_view()}
                    </select>
                </label>
                <label>"Products"
                    <select name="products[]" multiple size="4">
                        {Product::ALL.iter().map(|p| view! { <option value=p.as_str() selected=has(&products, p.as_str())>{p.label()}</option> }).collect_view()}
                    </select>
                </label>
                <label>"Billing tags"
                    <select name="tags[]" multiple size="4">
                        {BillingTag::ALL.iter().map(|t| view! { <option value=t.as_str() selected=has(&tags, t.as_str())>{t.label()}</option> }).collect_view()}
                    </select>
                </label>
            </div>
            <button type="submit" class="button">{label}</button>
        </ActionForm>
    }
}

/// Where every kind and billing tag lands with the rules as saved, for a product or none
/// (`domain::tickets::routing_preview`, computed in the browser as the product changes).
#[component]
fn RoutingPreview(queues: Vec<QueueDto>) -> impl IntoView {
    let rules: Vec<QueueRule> = queues
        .iter()
        .map(|q| QueueRule {
            name: q.name.clone(),
            kinds: q.kinds.iter().filter_map(|k| TicketKind::parse(k).ok()).collect(),
            products: q.products.iter().filter_map(|p| Product::parse(p).ok()).collect(),
            tags: q.tags.iter().filter_map(|t| BillingTag::parse(t).ok()).collect(),
        })
        .collect();
    let product = RwSignal::new(String::new());
    view! {
        <h3>"Where tickets land"</h3>
        <label>"For tickets about "
            <select on:change=move |ev| product.set(event_target_value(&ev)) aria-label="Product">
                <option value="">"no product"</option>
                {Product::ALL.iter().map(|p| view! { <option value=p.as_str()>{p.label()}</option> }).collect_view()}
            </select>
        </label>
        <table class="tickets routing" data-testid="routing">
            <thead><tr><th>"Kind"</th>{BillingTag::ALL.iter().map(|t| view! { <th>{t.label()}</th> }).collect_view()}</tr></thead>
            <tbody>
                {move || {
                    let chosen = Product::parse(&product.get()).ok();
                    routing_preview(&rules, chosen).into_iter().map(|(kind, row)| view! {
                        <tr data-kind=kind.as_str()>
                            <td>{kind.label()}</td>
                            {row.into_iter().map(|(tag, queue)| view! {
                                <td data-tag=tag.as_str()>{queue.unwrap_or_else(|| "—".into())}</td>
                            }).collect_view()}
                        </tr>
                    }).collect_view()
                }}
            </tbody>
        </table>
    }
}
