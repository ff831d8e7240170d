//! The CyTrack support portal: shared by the server (feature `ssr`) and the browser (`hydrate`).

#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod domain;
pub mod dto;
pub mod error;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

use components::layout::{AuthActions, Header};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    ssr::headers::send_page_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let auth = AuthActions::provide();

    view! {
        <Stylesheet id="leptos" href="/pkg/cytrack.css"/>
        <Title formatter=|page: String| format!("{page} · CyTrack Support")/>
        <Router>
            <Header auth/>
            <main class="page">
                // Async: every page waits for its data before the first byte, so a redirect to
                // sign-in or a 404 for someone else's ticket is a real HTTP status.
                <Routes fallback=pages::not_found::NotFound>
                    <Route path=path!("/") view=pages::home::HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/login") view=pages::auth::LoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/register") view=pages::auth::RegisterPage ssr=SsrMode::Async/>
                    <Route path=path!("/awaiting-approval") view=pages::auth::AwaitingApprovalPage ssr=SsrMode::Async/>
                    <Route path=path!("/tickets") view=pages::tickets::TicketsPage ssr=SsrMode::Async/>
                    <Route path=path!("/tickets/new") view=pages::tickets::NewTicketPage ssr=SsrMode::Async/>
                    <Route path=path!("/tickets/:id") view=pages::tickets::TicketPage ssr=SsrMode::Async/>
                    <Route path=path!("/queues") view=pages::queues::QueuesPage ssr=SsrMode::Async/>
                    <Route path=path!("/after-hours") view=pages::afterhours::AfterHoursPage ssr=SsrMode::Async/>
                    <Route path=path!("/settings") view=pages::settings::SettingsPage ssr=SsrMode::Async/>
                    <Route path=path!("/vouchers") view=pages::vouchers::VouchersPage ssr=SsrMode::Async/>
                    <Route path=path!("/accounts") view=pages::accounts::AccountsPage ssr=SsrMode::Async/>
                    <Route path=path!("/accounts/:id") view=pages::accounts::AccountPage ssr=SsrMode::Async/>
                    <Route path=path!("/staff/registrations") view=pages::registrations::RegistrationsPage ssr=SsrMode::Async/>
                </Routes>
            </main>
        </Router>
    }
}
