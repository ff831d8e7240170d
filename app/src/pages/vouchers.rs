//! Voucher balances: a client's own, and every client's for account managers.

use crate::api::vouchers::{voucher_balances, voucher_panel, IssueVoucher, RefundRedemption};
use crate::components::layout::{Guard, Need};
use crate::components::suspend::once_loaded;
use crate::components::widgets::{field_message, short_time, ActionError, ErrorBanner, QueryError};
use crate::domain::billing::long_date;
use crate::dto::{BalanceRow, LedgerEntryDto, UserDto};
use leptos::prelude::*;
use leptos_meta::Title;

pub use crate::domain::vouchers::hours;

#[component]
pub fn VouchersPage() -> impl IntoView {
    view! {
        <Title text="Vouchers"/>
        <QueryError/>
        <Guard need=Need::Active children=|user: UserDto| {
            if user.role.manages_accounts() {
                view! { <Balances/> }.into_any()
            } else {
                view! { <section class="hero"><h1>"Service vouchers"</h1></section> <VoucherPanel organization_id=None manage=false/> }.into_any()
            }
        }/>
    }
}

/// Balance, vouchers and ledger of one organisation; with `manage`, account managers also issue
/// vouchers and refund redemptions here.
#[component]
pub fn VoucherPanel(organization_id: Option<String>, manage: bool) -> impl IntoView {
    let issue = ServerAction::<IssueVoucher>::new();
    let refund = ServerAction::<RefundRedemption>::new();
    let panel = Resource::new(
        move || (organization_id.clone(), issue.version().get(), refund.version().get()),
        |(id, _, _)| voucher_panel(id),
    );
    view! {
        <ActionError value=issue.value()/>
        <ActionError value=refund.value()/>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || once_loaded(async move {
                match panel.await {
                    Ok(Some((org, list, ledger))) => {
                        let b = list.balance;
                        view! {
                            <section class="card">
                                <h2>"Balance"</h2>
                                <div class="stats">
                                    <div><span class="stat" data-testid="available">{hours(b.available_minutes)}</span><small class="muted">"available"</small></div>
                                    <div>
                                        <span class="stat" data-testid="reserved">{hours(b.reserved_minutes)}</span>
                                        <small class="muted">{reserved_split(b.reserved_for)}</small>
                                    </div>
                                    <div><span class="stat">{hours(b.expiring_soon_minutes)}</span><small class="muted">"expiring within 30 days"</small></div>
                                    <div><span class="stat">{b.next_expiry_on.map(long_date).unwrap_or_else(|| "—".into())}</span><small class="muted">"next expiry"</small></div>
                                </div>
                                <table class="tickets">
                                    <thead><tr><th>"Voucher"</th><th>"Bought"</th><th>"Left"</th><th>"Issued"</th><th>"Expires"</th></tr></thead>
                                    <tbody>
                                        {list.vouchers.into_iter().map(|v| view! {
                                            <tr class:muted=v.expired>
                                                <td class="mono">{v.code}</td>
                                                <td>{hours(v.minutes.into())}</td>
                                                <td>{if v.expired { "expired".to_string() } else { hours(v.remaining_minutes) }}</td>
                                                <td>{long_date(v.issued_on)}</td>
                                                <td>{long_date(v.expires_on)}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                {manage.then(|| {
                                    let org = org.clone();
                                    view! {
                                        <ActionForm action=issue attr:class="form compact">
                                            <input type="hidden" name="organization_id" value=org/>
                                            <div class="row">
                                                <label>"Minutes" <input type="number" name="minutes" min="1" required/></label>
                                                <label>"Expires" <input type="date" name="expires_on" required/></label>
                                            </div>
                                            {field_message(issue.value(), "minutes")}
                                            {field_message(issue.value(), "expires_on")}
                                            <button type="submit" class="button primary">"Issue voucher"</button>
                                        </ActionForm>
                                    }
                                })}
                            </section>
                            // The ledger is the superuser's and CyTrack's; a plain customer sees the balance.
                            {ledger.map(|ledger| view! {
                            <section class="card">
                                <div class="row-inline">
                                    <h2>"Ledger"</h2>
                                    <a class="button small" href=format!("/api/v1/organizations/{org}/ledger.csv")>"Download CSV"</a>
                                    <a class="button small" href=format!("/statements/{org}")>"Monthly statement"</a>
                                </div>
                                <table class="tickets" data-testid="ledger">
                                    <thead><tr><th>"When"</th><th>"Entry"</th><th>"Minutes"</th><th>"Voucher"</th><th>"Note"</th>{manage.then(|| view! { <th></th> })}</tr></thead>
                                    <tbody>
                                        {
                                            let refundable = refundable(&ledger.items);
                                            ledger.items.into_iter().map(|e| {
                                                let offer = manage && refundable.contains(&e.id);
                                                let (org, redemption) = (org.clone(), e.redemption_id.clone().unwrap_or_default());
                                                view! {
                                                    <tr>
                                                        <td class="small">{short_time(e.created_at)}</td>
                                                        <td>{e.kind}</td>
                                                        <td>{e.minutes}</td>
                                                        <td class="mono small">{e.voucher_code}</td>
                                                        <td class="small">{e.note}</td>
                                                        {manage.then(|| view! {
                                                            <td>{offer.then(|| view! {
                                                                <ActionForm action=refund attr:class="inline">
                                                                    <input type="hidden" name="organization_id" value=org/>
                                                                    <input type="hidden" name="redemption_id" value=redemption/>
                                                                    <input name="reason" placeholder="Reason for the refund" required/>
                                                                    <button type="submit" class="button small">"Refund"</button>
                                                                </ActionForm>
                                                            })}</td>
                                                        })}
                                                    </tr>
                                                }
                                            }).collect_view()
                                        }
                                    </tbody>
                                </table>
                            </section>
                            })}
                        }
                        .into_any()
                    }
                    Ok(None) => ().into_any(),
                    Err(e) => view! { <ErrorBanner error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// How long the balance lasts at the recent pace, drawn from today (full) to a year out.
/// The ledger lines that offer a refund: the first line of each redemption on the page that has
/// no refund line yet (a redemption drawn from two vouchers is refunded once, as a whole).
fn refundable(lines: &[LedgerEntryDto]) -> Vec<String> {
    let refunded: Vec<&str> =
        lines.iter().filter(|e| e.kind == "refund").filter_map(|e| e.redemption_id.as_deref()).collect();
    let mut offered: Vec<&str> = Vec::new();
    let mut ids = Vec::new();
    for e in lines.iter().filter(|e| e.kind == "redeem") {
        if let Some(r) = e.redemption_id.as_deref() {
            if !refunded.contains(&r) && !offered.contains(&r) {
                offered.push(r);
                ids.push(e.id.clone());
            }
        }
    }
    ids
}

#[component]
fn Forecast(row: BalanceRow) -> impl IntoView {
    let today = chrono::Utc::now().date_naive();
    let days = row.runs_out_on.map(|d| (d - today).num_days().clamp(0, 365)).unwrap_or(365) as f64;
    let x = 2.0 + days / 365.0 * 116.0;
    view! {
        <svg class="spark" width="120" height="24" viewBox="0 0 120 24" role="img" aria-label="Balance forecast over a year">
            <line x1="2" y1="22" x2="118" y2="22" class="axis"/>
            <polyline points=format!("2,3 {x:.1},22") class="burn"/>
        </svg>
    }
}

#[component]
fn Balances() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let page = move || query.read().get("page").and_then(|p| p.parse::<u64>().ok());
    let rows = Resource::new(page, voucher_balances);
    view! {
        <section class="hero"><h1>"Voucher balances"</h1></section>
        <section class="card">
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || once_loaded(async move {
                    match rows.await {
                        Ok(listed) => {
                            let at = page().unwrap_or(1);
                            let has_next = listed.has_next(at, crate::dto::PER_PAGE_DEFAULT);
                            let total = listed.total_label("organisation");
                            let rows = listed.items;
                            view! {
                            <p class="muted small">{total}</p>
                            <table class="tickets" data-testid="balances">
                                <thead><tr><th>"Organisation"</th><th>"Available"</th><th>"Reserved"</th><th>"Expiring soon"</th><th>"Next expiry"</th><th>"Runs out (90-day pace)"</th></tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|r| {
                                        let low = crate::domain::vouchers::is_running_low(r.available_minutes);
                                        let expiring = r.expiring_soon_minutes > 0;
                                        view! {
                                            <tr>
                                                <td><a href=format!("/accounts/{}", r.organization_id)>{r.organization_name.clone()}</a></td>
                                                <td class:warn=low>{hours(r.available_minutes)}{low.then(|| " · low")}</td>
                                                <td title=reserved_split(r.reserved_for)>
                                                    {hours(r.reserved_minutes)}
                                                    {(r.reserved_minutes > 0).then(|| view! { <small class="muted block">{reserved_split(r.reserved_for)}</small> })}
                                                </td>
                                                <td class:warn=expiring>{hours(r.expiring_soon_minutes)}</td>
                                                <td>{r.next_expiry_on.map(long_date).unwrap_or_else(|| "—".into())}</td>
                                                <td>
                                                    {r.runs_out_on.map(long_date).unwrap_or_else(|| "no recent use".into())}
                                                    <Forecast row=r.clone()/>
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <crate::components::widgets::Pager path="/vouchers" page=at has_next/>
                            }.into_any()
                        }
                        Err(e) => view! { <ErrorBanner error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// What holds the reserved minutes: after-hours bookings and MACS orders.
fn reserved_split(r: crate::dto::ReservedFor) -> String {
    format!("reserved: {} after-hours work, {} MACS orders", hours(r.after_hours), hours(r.macs))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(id: &str, kind: &str, redemption: Option<&str>) -> LedgerEntryDto {
        LedgerEntryDto {
            id: id.into(),
            kind: kind.into(),
            minutes: 10,
            voucher_id: "v".into(),
            voucher_code: "CODE".into(),
            ticket_id: None,
            booking_id: None,
            order_id: None,
            redemption_id: redemption.map(str::to_string),
            actor_id: None,
            note: String::new(),
            created_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn each_unrefunded_redemption_offers_one_refund() {
        // Newest first, as the ledger shows it.
        let lines = [
            line("e6", "refund", Some("r1")),
            line("e5", "redeem", Some("r3")),
            line("e4", "redeem", Some("r2")),
            line("e3", "redeem", Some("r2")),
            line("e2", "redeem", Some("r1")),
            line("e1", "issue", None),
        ];
        assert_eq!(refundable(&lines), ["e5", "e4"]);
    }
}
