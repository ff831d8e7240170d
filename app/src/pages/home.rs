//! The start page after signing in.

use crate::api::billing::get_account;
use crate::api::tickets::list_tickets;
use crate::components::layout::{Guard, Need};
use crate::components::suspend::once_loaded;
use crate::components::widgets::QueryError;
use crate::domain::billing::{long_date, CompletionBasis, IrsStatus};
use crate::dto::{TicketFilter, UserDto};
use crate::pages::tickets::TicketTable;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text="Home"/>
        <QueryError/>
        <Guard need=Need::Active children=|user: UserDto| view! { <Dashboard user/> }/>
    }
}

#[component]
fn Dashboard(user: UserDto) -> impl IntoView {
    let recent = Resource::new(|| (), |_| list_tickets(TicketFilter { per_page: Some(5), ..Default::default() }));
    let manages = user.role.manages_accounts();
    let staff = user.is_staff();
    let superuser = user.superuser;
    view! {
        <section class="hero">
            <div>
                <h1>"Hello, " {user.name.clone()}</h1>
                <p class="muted">{if user.is_staff() { "Here is what is waiting for CyTrack." } else { "Raise a ticket, or follow the ones you have open." }}</p>
            </div>
            <div class="actions">
                <a class="button primary" href="/tickets/new">"Raise a ticket"</a>
                <Show when=move || manages>
                    <a class="button" href="/staff/registrations">"Review registrations"</a>
                </Show>
            </div>
        </section>
        <Show when=move || !staff>
            <AccountNotices superuser/>
        </Show>
        <section class="card">
            <h2>"Recent tickets"</h2>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || once_loaded(async move {
                    match recent.await {
                        Ok(page) => view! { <TicketTable tickets=page.items/> <a href="/tickets">"All tickets →"</a> }.into_any(),
                        Err(e) => view! { <crate::components::widgets::ErrorBanner error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// What a client should know about their account: a deemed completion, an IRS renewal due.
#[component]
fn AccountNotices(superuser: bool) -> impl IntoView {
    let account = Resource::new(|| (), |_| get_account(None));
    view! {
        <Suspense fallback=|| ()>
            {move || once_loaded(async move {
                let Ok(Some(account)) = account.await else { return ().into_any() };
                let today = chrono::Utc::now().date_naive();
                let deemed = account.deployment.as_ref().and_then(|d| match (d.completion_basis, d.completion_on) {
                    (Some(CompletionBasis::Deemed), Some(on)) if on <= today => Some(on),
                    _ => None,
                });
                let renewal = match account.irs_status {
                    IrsStatus::DueForRenewal { ends_on, days_left } if superuser => Some((ends_on, days_left)),
                    _ => None,
                };
                view! {
                    {deemed.map(|on| view! {
                        <div class="notice" role="status">
                            "Your deployment project was deemed complete on " {long_date(on)}
                            ": the Deployment Completion form was not returned within 21 days of go-live. "
                            "Tickets raised since then are billable unless covered by the Issue Resolution Service."
                        </div>
                    })}
                    {renewal.map(|(ends_on, days_left)| view! {
                        <div class="notice" role="status" data-testid="irs-renewal">
                            "Your Issue Resolution Service contract ends on " {long_date(ends_on)} " (in " {days_left} " days). "
                            "Talk to your CyTrack account manager about renewing it."
                        </div>
                    })}
                }
                .into_any()
            })}
        </Suspense>
    }
}
