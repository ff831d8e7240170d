//! A monthly statement, on screen and printable: an organisation's vouchers from opening to
//! closing and the time left to invoice (account managers; a client's superuser their own).

use crate::api::billing::monthly_statement;
use crate::components::layout::{Guard, Need};
use crate::components::suspend::once_loaded;
use crate::components::widgets::ErrorBanner;
use crate::domain::billing::long_date;
use crate::domain::vouchers::hours;
use crate::dto::{StatementDto, UserDto};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn StatementPage() -> impl IntoView {
    view! {
        <Title text="Monthly statement"/>
        <Guard need=Need::Active children=|_user: UserDto| view! { <StatementView/> }/>
    }
}

#[component]
fn StatementView() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.read().get("id").unwrap_or_default();
    // None asked for: the server takes the month it is now in the support calendar's zone, and
    // the form then shows the month it took.
    let month = move || query.read().get("month").unwrap_or_default();
    let statement = Resource::new(move || (id(), month()), |(id, month)| monthly_statement(id, month));
    let filters = move |shown: String| {
        view! {
            <form method="get" class="filters no-print">
                <label>"Month" <input type="month" name="month" value=shown.clone()/></label>
                <button type="submit" class="button">"Show"</button>
                <a class="button" href=format!("/api/v1/organizations/{}/statement.csv?month={shown}", id())>"Download CSV"</a>
                <button type="button" class="button" onclick="window.print()">"Print"</button>
            </form>
        }
    };
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || once_loaded(async move {
                match statement.await {
                    Ok(s) => view! { {filters(s.month.clone())} <Statement s=s/> }.into_any(),
                    Err(e) => view! { {filters(month())} <ErrorBanner error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Statement(s: StatementDto) -> impl IntoView {
    let line = |label: &'static str, minutes: i64, id: &'static str| {
        view! { <tr><td>{label}</td><td class="num" data-testid=id>{hours(minutes)}</td></tr> }
    };
    view! {
        <article class="card form-document" data-testid="statement">
            <h1>"Statement · " {s.organization_name.clone()}</h1>
            <p class="muted">{format!("Month {} · service vouchers in hours:minutes; months in the support time zone", s.month)}</p>
            <h2>"Service vouchers"</h2>
            <table class="tickets">
                <tbody>
                    {line("Opening balance (available)", s.opening_available_minutes, "opening")}
                    {line("Vouchers issued", s.issued_minutes, "issued")}
                    {line("Redeemed", s.redeemed_minutes, "redeemed")}
                    {line("Refunded", s.refunded_minutes, "refunded")}
                    {line("Expired", s.expired_minutes, "expired")}
                    {line("Reserved for booked work", s.reserved_minutes, "reserved")}
                    {line("Released from reservations", s.released_minutes, "released")}
                    <tr class="total"><th>"Closing balance (available)"</th><th class="num" data-testid="closing">{hours(s.closing_available_minutes)}</th></tr>
                    {line("Still reserved at the close", s.closing_reserved_minutes, "closing-reserved")}
                </tbody>
            </table>
            {(!s.vouchers_issued.is_empty()).then(|| view! {
                <h3>"Issued"</h3>
                <ul>{s.vouchers_issued.iter().map(|v| view! { <li><span class="mono">{v.code.clone()}</span> " · " {hours(v.minutes)} " · expires " {long_date(v.expires_on)}</li> }).collect_view()}</ul>
            })}
            {(!s.vouchers_expired.is_empty()).then(|| view! {
                <h3>"Expired"</h3>
                <ul>{s.vouchers_expired.iter().map(|v| view! { <li><span class="mono">{v.code.clone()}</span> " · " {hours(v.minutes)}</li> }).collect_view()}</ul>
            })}
            <h2>"Redemptions by ticket"</h2>
            {if s.redemptions.is_empty() {
                view! { <p class="empty">"None this month."</p> }.into_any()
            } else {
                view! {
                    <table class="tickets" data-testid="statement-redemptions">
                        <thead><tr><th>"Ticket"</th><th>"Subject"</th><th>"Redeemed"</th><th>"Refunded"</th></tr></thead>
                        <tbody>
                            {s.redemptions.iter().map(|r| view! {
                                <tr>
                                    <td class="mono">{if r.number.is_empty() { "after hours".to_string() } else { r.number.clone() }}</td>
                                    <td>{r.subject.clone()}</td>
                                    <td class="num">{hours(r.redeemed_minutes)}</td>
                                    <td class="num">{hours(r.refunded_minutes)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            }}
            <h2>"Time to invoice"</h2>
            {if s.to_invoice.is_empty() {
                view! { <p class="empty">"Nothing to invoice: billable time this month was paid by vouchers, or there was none."</p> }.into_any()
            } else {
                view! {
                    <table class="tickets">
                        <thead><tr><th>"Ticket"</th><th>"Subject"</th><th>"Billable"</th><th>"Paid by vouchers"</th><th>"To invoice"</th></tr></thead>
                        <tbody>
                            {s.to_invoice.iter().map(|r| view! {
                                <tr>
                                    <td class="mono">{r.number.clone()}</td>
                                    <td>{r.subject.clone()}</td>
                                    <td class="num">{hours(r.minutes)}</td>
                                    <td class="num">{hours(r.paid_by_vouchers_minutes)}</td>
                                    <td class="num">{hours(r.to_invoice_minutes)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                        <tfoot><tr><th colspan="4">"Total to invoice"</th><th class="num" data-testid="statement-invoice">{hours(s.total_to_invoice_minutes)}</th></tr></tfoot>
                    </table>
                }
                .into_any()
            }}
        </article>
    }
}
