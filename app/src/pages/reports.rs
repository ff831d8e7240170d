//! Reports (issue 23): ticket volume, billing tags, SLA compliance, backlog, agent workload,
//! voucher use and after-hours work over a date range kept in the address, each chart with its
//! numbers beside it and the whole report as CSV. Staff read the desk or one client; a client's
//! superuser reads their own organisation.

use crate::api::reports::desk_report;
use crate::components::charts::{BarChart, Series};
use crate::components::layout::{Guard, Need};
use crate::components::suspend::once_loaded;
use crate::components::widgets::ErrorBanner;
use crate::domain::billing::long_date;
use crate::domain::reports::Grouping;
use crate::domain::vouchers::hours;
use crate::dto::{DeskReportDto, OrganizationDto, ReportQuery, TallyRow, UserDto};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ReportsPage() -> impl IntoView {
    view! {
        <Title text="Reports"/>
        <Guard need=Need::Active children=|_user: UserDto| view! { <ReportsView/> }/>
    }
}

#[component]
fn ReportsView() -> impl IntoView {
    let query = use_query_map();
    let asked = move || {
        let q = query.read();
        let get = |k: &str| q.get(k).filter(|v| !v.is_empty());
        ReportQuery {
            from: get("from"),
            to: get("to"),
            grouping: get("grouping"),
            organization_id: get("organization_id"),
        }
    };
    let report = Resource::new(asked, desk_report);
    view! {
        <section class="hero"><h1>"Reports"</h1></section>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || once_loaded(async move {
                match report.await {
                    Ok((r, orgs)) => view! { <Filters r=r.clone() orgs=orgs/> <Report r=r/> }.into_any(),
                    Err(e) => view! {
                        <ErrorBanner error=e/>
                        <p><a class="button" href="/reports">"Show the last 30 days"</a></p>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

/// The range, grouping and organisation, as a plain GET form: the address carries the report.
#[component]
fn Filters(r: DeskReportDto, orgs: Vec<OrganizationDto>) -> impl IntoView {
    let mut csv = format!("/api/v1/reports/desk.csv?from={}&to={}&grouping={}", r.from, r.to, r.grouping);
    if let Some(id) = &r.organization_id {
        csv.push_str(&format!("&organization_id={id}"));
    }
    let chosen = r.organization_id.clone().unwrap_or_default();
    let grouping = r.grouping;
    view! {
        <form method="get" class="filters" data-testid="report-filters">
            <label>"From" <input type="date" name="from" value=r.from.to_string()/></label>
            <label>"To" <input type="date" name="to" value=r.to.to_string()/></label>
            <label>"By"
                <select name="grouping">
                    {Grouping::ALL.iter().map(|g| view! {
                        <option value=g.as_str() selected={*g == grouping}>{g.label()}</option>
                    }).collect_view()}
                </select>
            </label>
            {(!orgs.is_empty()).then(|| view! {
                <label>"Client"
                    <select name="organization_id">
                        <option value="" selected={chosen.is_empty()}>"Whole desk"</option>
                        {orgs.into_iter().map(|o| {
                            let selected = o.id == chosen;
                            view! { <option value=o.id selected=selected>{o.name}</option> }
                        }).collect_view()}
                    </select>
                </label>
            })}
            <button type="submit" class="button">"Show"</button>
            <a class="button" href=csv>"Download CSV"</a>
        </form>
    }
}

fn percent(p: Option<i64>) -> String {
    p.map(|p| format!("{p}%")).unwrap_or_else(|| "—".into())
}

#[component]
fn Report(r: DeskReportDto) -> impl IntoView {
    let who = r.organization_name.clone().unwrap_or_else(|| "Whole desk".into());
    let labels: Vec<String> = r.volume.iter().map(|p| p.label.clone()).collect();
    let of = |f: fn(&crate::dto::PeriodRow) -> i64| r.volume.iter().map(f).collect::<Vec<_>>();
    let open_now: i64 = r.backlog.iter().map(|a| a.tickets).sum();
    let t = r.totals.clone();
    let sections: Vec<AnyView> = vec![
        view! {
        <p class="muted" data-testid="report-scope">
            {format!("{who} · {} to {} · days in the support time zone", long_date(r.from), long_date(r.to))}
        </p>
        }.into_any(),
        view! {
        <section class="card">
            <div class="stats">
                <div><span class="stat" data-testid="total-raised">{t.tally.raised}</span><small class="muted">"tickets raised"</small></div>
                <div><span class="stat" data-testid="total-resolved">{t.tally.resolved}</span><small class="muted">"resolved"</small></div>
                <div><span class="stat" data-testid="total-response">{percent(t.response_percent)}</span><small class="muted">"first responses within target"</small></div>
                <div><span class="stat" data-testid="total-resolution">{percent(t.resolution_percent)}</span><small class="muted">"resolved within target"</small></div>
            </div>
        </section>
        }.into_any(),
        view! {
        <section class="card" data-testid="report-volume">
            <h2>"Tickets raised and resolved"</h2>
            <BarChart title="Tickets raised and resolved" category="Period" categories=labels.clone() series=vec![
                Series { name: "Raised", class: "s1", values: of(|p| p.raised) },
                Series { name: "Resolved", class: "s2", values: of(|p| p.resolved) },
            ]/>
        </section>
        }.into_any(),
        view! {
        <section class="card" data-testid="report-tags">
            <h2>"Tickets raised by billing tag"</h2>
            <BarChart title="Tickets raised by billing tag" category="Period" categories=labels.clone() stacked=true series=vec![
                Series { name: "Deployment", class: "s3", values: of(|p| p.deployment) },
                Series { name: "Warranty", class: "s2", values: of(|p| p.warranty) },
                Series { name: "IRS", class: "s1", values: of(|p| p.irs) },
                Series { name: "Billable", class: "s4", values: of(|p| p.billable) },
            ]/>
        </section>
        }.into_any(),
        view! {
        <section class="card" data-testid="report-sla">
            <h2>"SLA compliance"</h2>
            <p class="muted">"First responses and resolutions in the range, and how many came within their target (business time, pauses while awaiting the client excluded)."</p>
            <SlaTable title="By priority" what="Priority" rows=r.by_priority.clone()/>
            {(!r.by_queue.is_empty()).then(|| view! { <SlaTable title="By queue" what="Queue" rows=r.by_queue.clone()/> })}
        </section>
        }.into_any(),
        view! {
        <section class="card" data-testid="report-backlog">
            <h2>{format!("Open now: {open_now}, by age")}</h2>
            <BarChart title="Open tickets by age" category="Age"
                categories=r.backlog.iter().map(|a| a.label.clone()).collect()
                series=vec![Series { name: "Open tickets", class: "s1", values: r.backlog.iter().map(|a| a.tickets).collect() }]/>
        </section>
        }.into_any(),
        (!r.workload.is_empty()).then(|| view! {
            <section class="card" data-testid="report-workload">
                <h2>"Agent workload"</h2>
                <table class="tickets">
                    <thead><tr><th scope="col">"Agent"</th><th scope="col" class="num">"Open, assigned now"</th><th scope="col" class="num">"Replies in range"</th><th scope="col" class="num">"Time logged"</th></tr></thead>
                    <tbody>
                        {r.workload.iter().map(|w| view! {
                            <tr><th scope="row">{w.name.clone()}</th><td class="num">{w.open_assigned}</td><td class="num">{w.replies}</td><td class="num">{hours(w.minutes_logged)}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        }.into_any()).unwrap_or_else(|| ().into_any()),
        view! {
        <section class="card" data-testid="report-vouchers">
            <h2>"Voucher minutes used"</h2>
            <BarChart title="Voucher time redeemed and refunded" category="Period" format=hours unit=60
                categories=r.vouchers.iter().map(|v| v.label.clone()).collect()
                series=vec![
                    Series { name: "Redeemed", class: "s1", values: r.vouchers.iter().map(|v| v.redeemed_minutes).collect() },
                    Series { name: "Refunded", class: "s2", values: r.vouchers.iter().map(|v| v.refunded_minutes).collect() },
                ]/>
            {(!r.forecast.is_empty()).then(|| view! {
                <h3>"Balances and forecast"</h3>
                {r.organization_id.is_none().then(|| view! {
                    <p class="muted small">
                        "The clients that used voucher time in the last 90 days, soonest to run out first (at most 20). Every client's balance is on the "
                        <a href="/vouchers">"Vouchers"</a> " page."
                    </p>
                })}
                <table class="tickets" data-testid="report-forecast">
                    <thead><tr><th scope="col">"Client"</th><th scope="col" class="num">"Available"</th><th scope="col" class="num">"Used, last 90 days"</th><th scope="col">"Runs out at that pace"</th></tr></thead>
                    <tbody>
                        {r.forecast.iter().map(|b| view! {
                            <tr>
                                <th scope="row">{b.organization_name.clone()}</th>
                                <td class="num">{hours(b.available_minutes)}</td>
                                <td class="num">{hours(b.redeemed_last_90_days)}</td>
                                <td>{b.runs_out_on.map(long_date).unwrap_or_else(|| "—".into())}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
        </section>
        }.into_any(),
        view! {
        <section class="card" data-testid="report-after-hours">
            <h2>"After-hours work starting in the range"</h2>
            <table class="tickets">
                <thead><tr><th scope="col">"Status"</th><th scope="col" class="num">"Bookings"</th></tr></thead>
                <tbody>
                    {r.after_hours.iter().map(|s| view! { <tr><th scope="row">{s.label.clone()}</th><td class="num">{s.count}</td></tr> }).collect_view()}
                </tbody>
            </table>
        </section>
        }.into_any(),
    ];
    sections
}

/// SLA met per row, with a bar for the share within target.
#[component]
fn SlaTable(title: &'static str, what: &'static str, rows: Vec<TallyRow>) -> impl IntoView {
    let bar = |p: Option<i64>| {
        view! {
            <svg class="meter" viewBox="0 0 100 8" aria-hidden="true">
                <rect class="meter-track" width="100" height="8"/>
                <rect class="meter-fill" width=p.unwrap_or(0).clamp(0, 100).to_string() height="8"/>
            </svg>
            " " {percent(p)}
        }
    };
    view! {
        <table class="tickets">
            <caption>{title}</caption>
            <thead><tr>
                <th scope="col">{what}</th><th scope="col" class="num">"Raised"</th><th scope="col" class="num">"First responses"</th>
                <th scope="col">"Within target"</th><th scope="col" class="num">"Resolved"</th><th scope="col">"Within target"</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|t| view! {
                    <tr data-name=t.name.clone()>
                        <th scope="row">{t.label.clone()}</th>
                        <td class="num">{t.tally.raised}</td>
                        <td class="num">{t.tally.responded}</td>
                        <td>{bar(t.response_percent)}</td>
                        <td class="num">{t.tally.resolved}</td>
                        <td>{bar(t.resolution_percent)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
