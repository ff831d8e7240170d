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
use leptos_router::components::{FlatRoutes, Route, Router};
use leptos_router::{lazy_route, path, Lazy, LazyRoute, SsrMode};

/// A page whose code the browser loads from a WASM chunk of its own the first time it is shown
/// (cargo-leptos `--split`), so a first visit downloads the framework, the header and sign-in
/// only. `$route` names the route; `$page` is the page component.
macro_rules! lazy_page {
    ($($route:ident => $page:path),* $(,)?) => {$(
        struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(this: Self) -> AnyView {
                let _ = this;
                $page().into_any()
            }
        }
    )*};
}

lazy_page! {
    HomeRoute => pages::home::HomePage,
    RegisterRoute => pages::auth::RegisterPage,
    AwaitingApprovalRoute => pages::auth::AwaitingApprovalPage,
    TicketsRoute => pages::tickets::TicketsPage,
    NewTicketRoute => pages::tickets::NewTicketPage,
    TicketRoute => pages::tickets::TicketPage,
    QueuesRoute => pages::queues::QueuesPage,
    AfterHoursRoute => pages::afterhours::AfterHoursPage,
    MacsRoute => pages::macs::MacsPage,
    SettingsRoute => pages::settings::SettingsPage,
    VouchersRoute => pages::vouchers::VouchersPage,
    AccountsRoute => pages::accounts::AccountsPage,
    AccountRoute => pages::accounts::AccountPage,
    RegistrationsRoute => pages::registrations::RegistrationsPage,
    NotificationsRoute => pages::notifications::NotificationsPage,
    ProfileRoute => pages::profile::ProfilePage,
    VerifyEmailRoute => pages::auth::VerifyEmailPage,
    ForgotPasswordRoute => pages::auth::ForgotPasswordPage,
    ResetPasswordRoute => pages::auth::ResetPasswordPage,
    ProjectsRoute => pages::projects::ProjectsPage,
    ProjectRoute => pages::projects::ProjectPage,
    ProjectFormRoute => pages::project_forms::ProjectFormPage,
    PeopleRoute => pages::people::PeoplePage,
    AuditRoute => pages::audit::AuditPage,
    AcceptInvitationRoute => pages::auth::AcceptInvitationPage,
    ReleasesRoute => pages::releases::ReleasesPage,
    ReleaseRoute => pages::releases::ReleasePage,
    InsiderRoute => pages::insider::InsiderPage,
    PostRoute => pages::insider::PostPage,
    PostEditorRoute => pages::insider::PostEditorPage,
    StatementRoute => pages::statements::StatementPage,
    ReportsRoute => pages::reports::ReportsPage,
}

/// The pages anyone may open without signing in; every other page needs a session, and the
/// server sends a browser without one to sign-in before rendering (a real 302). A page added to
/// the routes below is therefore guarded unless it is named here.
pub const SIGNED_OUT_PAGES: [&str; 6] =
    ["/login", "/register", "/verify-email", "/forgot-password", "/reset-password", "/accept-invitation"];

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
    crate::components::widgets::DisplayZone::provide();
    let auth = AuthActions::provide();
    // The live channel is open while someone active is signed in (effects run in the browser only).
    let live = crate::components::live::LiveFeed::provide();
    Effect::new(move |_| match auth.me.get() {
        Some(Ok(Some(user))) if user.is_active() => live.connect(),
        Some(_) => live.disconnect(),
        None => {}
    });

    view! {
        <Stylesheet id="leptos" href="/pkg/cytrack.css"/>
        <Title formatter=|page: String| format!("{page} · CyTrack Support")/>
        <Router>
            <Header auth/>
            <main class="page">
                // Async: every page waits for its data before the first byte, so a redirect to
                // sign-in or a 404 for someone else's ticket is a real HTTP status. Flat: no page
                // nests in another, and the nested router's outlets put 23 KB of code (before
                // wasm-opt) in the first page's WASM (docs/benchmarks.md, session 28).
                <FlatRoutes fallback=pages::not_found::NotFound>
                    <Route path=path!("/") view={Lazy::<HomeRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/login") view=pages::auth::LoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/register") view={Lazy::<RegisterRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/awaiting-approval") view={Lazy::<AwaitingApprovalRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/tickets") view={Lazy::<TicketsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/tickets/new") view={Lazy::<NewTicketRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/tickets/:id") view={Lazy::<TicketRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/queues") view={Lazy::<QueuesRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/after-hours") view={Lazy::<AfterHoursRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/macs") view={Lazy::<MacsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/settings") view={Lazy::<SettingsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/vouchers") view={Lazy::<VouchersRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/accounts") view={Lazy::<AccountsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/accounts/:id") view={Lazy::<AccountRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/staff/registrations") view={Lazy::<RegistrationsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/notifications") view={Lazy::<NotificationsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/profile") view={Lazy::<ProfileRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/verify-email") view={Lazy::<VerifyEmailRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/forgot-password") view={Lazy::<ForgotPasswordRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/reset-password") view={Lazy::<ResetPasswordRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/deployment-projects") view={Lazy::<ProjectsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/deployment-projects/:id") view={Lazy::<ProjectRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/deployment-projects/:id/forms/:form") view={Lazy::<ProjectFormRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/people") view={Lazy::<PeopleRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/audit") view={Lazy::<AuditRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/accept-invitation") view={Lazy::<AcceptInvitationRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/releases") view={Lazy::<ReleasesRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/releases/:id") view={Lazy::<ReleaseRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/insider") view={Lazy::<InsiderRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/insider/new") view={Lazy::<PostEditorRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/insider/:id") view={Lazy::<PostRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/insider/:id/edit") view={Lazy::<PostEditorRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/statements/:id") view={Lazy::<StatementRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/reports") view={Lazy::<ReportsRoute>::new()} ssr=SsrMode::Async/>
                </FlatRoutes>
            </main>
        </Router>
    }
}
