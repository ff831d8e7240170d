//! Building the application: database, migrations, first admin, routes and layers. `main` and
//! every integration test go through `build`.

use crate::config::Config;
use crate::rest;
use app::ssr::auth::AuthKeys;
use app::ssr::state::AppState;
use app::{shell, App};
use axum::extract::DefaultBodyLimit;
use axum::Router;
use http::header::{self, HeaderValue};
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use migration::{Migrator, MigratorTrait};
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

/// Requests larger than this get 413.
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;

pub struct Built {
    pub router: Router,
    pub state: AppState,
}

pub async fn build(config: Config) -> Result<Built, String> {
    let db = app::ssr::db::connect(&config.database_url).await.map_err(|e| format!("cannot open the database: {e}"))?;
    Migrator::up(&db, None).await.map_err(|e| format!("migrations failed: {e}"))?;
    if let Some((email, password)) = &config.admin {
        match app::ssr::services::people::ensure_admin(&db, email, password, chrono::Utc::now()).await {
            Ok(true) => tracing::info!(%email, "created the first admin"),
            Ok(false) => {}
            Err(e) => return Err(format!("cannot create the admin: {}", e.message)),
        }
    }
    let auth = AuthKeys::new(&config.jwt_secret, config.cookie_secure)?;
    let state = AppState { leptos_options: config.leptos.clone(), db, auth: Arc::new(auth) };
    Ok(Built { router: router(state.clone()), state })
}

pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let site = Router::new()
        .leptos_routes_with_context(
            &state,
            routes,
            {
                let state = state.clone();
                move || provide_context(state.clone())
            },
            {
                let options = state.leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(axum::middleware::from_fn(sign_in_first));

    let api = rest::router().layer(DefaultBodyLimit::max(BODY_LIMIT));

    Router::new()
        .nest("/api/v1", api)
        .merge(site)
        .layer(CompressionLayer::new())
        // Nothing may hang a connection forever, whatever happens below.
        .layer(TimeoutLayer::with_status_code(http::StatusCode::REQUEST_TIMEOUT, std::time::Duration::from_secs(30)))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"),
        ))
        .with_state(state)
}

/// Pages that need a signed-in person.
const SIGNED_IN_PAGES: [&str; 8] =
    ["/awaiting-approval", "/tickets", "/queues", "/accounts", "/after-hours", "/settings", "/vouchers", "/staff"];

/// Sends a browser without a session straight to sign-in, before any rendering. (The pages'
/// own guard does the same after rendering, but a redirect raised during leptos_axum's async
/// rendering was seen to stall the response now and then; this keeps the common case out of it.)
async fn sign_in_first(req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::response::IntoResponse;
    let path = req.uri().path();
    let protected = path == "/" || SIGNED_IN_PAGES.iter().any(|p| path == *p || path.starts_with(&format!("{p}/")));
    if req.method() == http::Method::GET && protected && app::ssr::auth::token_from_headers(req.headers()).is_none() {
        return (http::StatusCode::FOUND, [(http::header::LOCATION, "/login")]).into_response();
    }
    next.run(req).await
}
