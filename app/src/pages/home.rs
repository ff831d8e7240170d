//! The start page after signing in.

use crate::api::tickets::list_tickets;
use crate::components::layout::{Guard, Need};
use crate::components::widgets::QueryError;
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
        <section class="card">
            <h2>"Recent tickets"</h2>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match recent.await {
                        Ok(page) => view! { <TicketTable tickets=page.items/> <a href="/tickets">"All tickets →"</a> }.into_any(),
                        Err(e) => view! { <crate::components::widgets::ErrorBanner error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
