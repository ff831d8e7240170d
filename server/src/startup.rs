//! Building the application: database, migrations, first admin, routes and layers. `main` and
//! every integration test go through `build`.

use crate::config::Config;
use crate::rest;
use app::ssr::auth::AuthKeys;
use app::ssr::services::redemptions::RedemptionQueue;
use app::ssr::services::replies::ReplyQueue;
use app::ssr::services::tickets::TicketQueue;
use app::ssr::state::AppState;
use app::{shell, App};
use axum::extract::DefaultBodyLimit;
use axum::Router;
use http::header::{self, HeaderValue};
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use migration::{Migrator, MigratorTrait};
use std::sync::{Arc, OnceLock};
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

/// Requests larger than this get 413.
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;

pub struct Built {
    pub router: Router,
    pub state: AppState,
}

/// Has mimalloc (version 3) give freed memory back to the system 10 ms after it was freed, as its
/// version 2 did, rather than a second after. Under a steady load of writes the portal's peak
/// fell from 153 to 121-131 MB (docs/benchmarks.md, session 20); version 2 itself was slower and
/// held more.
fn return_freed_memory_promptly() {
    // `mi_option_purge_delay` in mimalloc 3's `mimalloc.h` (the crate's bindings predate it).
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: sets the default of one of mimalloc's options, a value it reads each time it plans
    // a purge (option 15 is within its range, which it checks); a stale read only delays one
    // purge. A default: `MIMALLOC_PURGE_DELAY` in the environment still decides.
    unsafe { libmimalloc_sys::mi_option_set_default(PURGE_DELAY, 10) }
}

/// Opens the database, migrates it and builds the portal's router and state (`main`, the
/// benchmark's portal and the tests).
pub async fn build(config: Config) -> Result<Built, String> {
    return_freed_memory_promptly();
    let db = app::ssr::db::connect(&config.database_url).await.map_err(|e| format!("cannot open the database: {e}"))?;
    Migrator::up(&db, None).await.map_err(|e| format!("migrations failed: {e}"))?;
    match app::ssr::services::reports::build_once(&db, chrono::Utc::now()).await {
        Ok(0) => {}
        Ok(read) => tracing::info!(tickets = read, "built the reports' daily rollup from the tickets"),
        Err(e) => return Err(format!("cannot build the reports' rollup: {}", e.message)),
    }
    if let Some((email, password)) = &config.admin {
        match app::ssr::services::people::ensure_admin(&db, email, password, chrono::Utc::now()).await {
            Ok(true) => tracing::info!(%email, "created the first admin"),
            Ok(false) => {}
            Err(e) => return Err(format!("cannot create the admin: {}", e.message)),
        }
    }
    let auth = AuthKeys::new(&config.jwt_secret, config.cookie_secure)?;
    let redemptions = RedemptionQueue::new(db.clone());
    let tickets = TicketQueue::new(db.clone());
    let replies = ReplyQueue::new(db.clone());
    let live = app::ssr::services::live::Live::start(db.clone());
    let mailbox = app::ssr::services::mail_in::Mailbox {
        own_address: crate::mailer::address_of(&config.mail.from)?,
        files: Some((config.files.clone(), config.incoming_dir.clone())),
    };
    let state = AppState {
        leptos_options: config.leptos.clone(),
        db,
        live,
        auth: Arc::new(auth),
        redemptions,
        tickets,
        replies,
        mailbox: Arc::new(mailbox),
        inbound_secret: config.mail.inbound_secret.as_deref().map(Arc::from),
        files: config.files.clone(),
        incoming_dir: Arc::new(config.incoming_dir.clone()),
        public_url: Arc::from(config.mail.public_url.trim_end_matches('/')),
        trusted_proxies: Arc::from(config.trusted_proxies.clone()),
    };
    let leptos = &state.leptos_options;
    crate::bundle::precompress_in_background(format!("{}/{}", leptos.site_root, leptos.site_pkg_dir).into());
    Ok(Built { router: router(state.clone()), state })
}

/// The app's routes, listed once per process. Listing runs the app with resource loading
/// suppressed by a process-wide flag (leptos_server's `SuppressResourceLoad`); a page rendering
/// at that moment anywhere in the process gets a resource that never resolves (leptos issue
/// #4773). One listing per process means no page can be rendering while it runs: nothing is
/// served before the first router exists. The integration tests build a portal per test, in
/// parallel, and this was the page stall they saw now and then (docs/architecture.md).
fn routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

pub fn router(state: AppState) -> Router {
    let routes = routes();
    // The bundle is served with conditional requests (ETag-less, by Last-Modified), which
    // leptos_axum's file handler does not answer, and from the `.br` / `.gz` files a release
    // build writes beside each file (`cargo leptos build --release --precompress`: brotli at its
    // highest quality, a sixth smaller than compressing each response on the fly), or a release
    // portal wrote at its start (`bundle`); until then the compression layer compresses as it
    // sends.
    let options = &state.leptos_options;
    let bundle = ServeDir::new(format!("{}/{}", options.site_root, options.site_pkg_dir))
        .precompressed_br()
        .precompressed_gzip();
    let pages = Router::new()
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
        .route_layer(axum::middleware::from_fn(sign_in_first))
        .route_layer(axum::middleware::from_fn(server_fn_status));
    let site = Router::new()
        .nest_service(&format!("/{}", options.site_pkg_dir), bundle)
        .merge(pages)
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(axum::middleware::from_fn(static_cache_headers));

    let api = rest::router().layer(DefaultBodyLimit::max(BODY_LIMIT));
    // Over TLS, browsers are told to come back only over TLS (a year; not subdomains, which may
    // be other people's).
    let hsts = state.auth.cookie_secure.then(|| HeaderValue::from_static("max-age=31536000"));

    // The ticket page's and the project page's upload forms, plain multipart posts
    // (rest::attachments).
    let page_uploads = Router::new()
        .route("/tickets/{id}/files", axum::routing::post(rest::attachments::upload_from_page))
        .route("/deployment-projects/{id}/files", axum::routing::post(rest::attachments::form_upload_from_page))
        .layer(DefaultBodyLimit::max(rest::attachments::UPLOAD_BODY_LIMIT));
    Router::new()
        .route("/healthz", axum::routing::get(healthz))
        .route("/readyz", axum::routing::get(readyz))
        .route("/metrics", axum::routing::get(crate::metrics::render))
        .nest("/api/v1", api)
        .merge(page_uploads)
        .merge(site)
        .layer(axum::middleware::from_fn(crate::metrics::record))
        .layer(axum::middleware::from_fn_with_state(state.live.clone(), poke_live))
        .layer(axum::middleware::from_fn(same_origin_writes))
        .layer(axum::middleware::from_fn_with_state(state.trusted_proxies.clone(), stamp_client_address))
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
            header::STRICT_TRANSPORT_SECURITY,
            move |_: &http::Response<_>| hsts.clone(),
        ))
        // Pages set their own policy with the script nonce of their render (app::ssr::headers);
        // everything else (JSON, files, errors) gets this one.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"),
        ))
        .with_state(state)
}

/// A write in this process may have changed a ticket: the live channel looks now rather than at
/// its next poll (other processes' writes, and background jobs', are found by the poll).
async fn poke_live(
    axum::extract::State(live): axum::extract::State<app::ssr::services::live::Live>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let writes = !matches!(*req.method(), http::Method::GET | http::Method::HEAD | http::Method::OPTIONS);
    let response = next.run(req).await;
    if writes {
        live.poke();
    }
    response
}

/// Liveness, for a supervisor (systemd, a container runtime): the process answers requests.
async fn healthz() -> &'static str {
    "ok"
}

/// Readiness, for a load balancer: the process answers and so does its database. A portal whose
/// database is unreachable answers 503 `unavailable`, and is sent no traffic until it recovers.
async fn readyz(axum::extract::State(state): axum::extract::State<AppState>) -> axum::response::Response {
    use axum::response::IntoResponse;
    match state.db.ping().await {
        Ok(()) => axum::Json(serde_json::json!({"status": "ready"})).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready: the database does not answer");
            rest::ApiError(app::error::AppError::unavailable("The database does not answer.", 5)).into_response()
        }
    }
}

/// Sends a browser without a session straight to sign-in, before any rendering: a real 302 at the
/// cost of one cookie check. It wraps the app's routes only (files and unknown addresses are not
/// pages; the server functions routed beside the pages are posted, so it lets them by: one made
/// GET would need leaving out here), and every page but the ones open to all
/// (`app::SIGNED_OUT_PAGES`) needs a session. (The pages' own guard does the same after rendering,
/// for a session that turns out to be expired or revoked.)
async fn sign_in_first(req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::response::IntoResponse;
    let open = app::SIGNED_OUT_PAGES.contains(&req.uri().path());
    if req.method() == http::Method::GET && !open && app::ssr::auth::token_from_headers(req.headers()).is_none() {
        return (http::StatusCode::FOUND, [(http::header::LOCATION, "/login")]).into_response();
    }
    next.run(req).await
}

/// A server function that fails answers 500 whatever its error (server_fn's fixed status); the
/// error it carries has a status of its own, as in the API (a wrong password 401, a refused rule
/// 422, a form that cannot be read 400). It is set here from the error, once for every server
/// function, so logs, metrics and a browser's network panel tell a person's mistake from the
/// portal's fault. The body, the error the page shows, is sent as it was.
async fn server_fn_status(req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::response::IntoResponse;
    use leptos::server_fn::error::SERVER_FN_ERROR_HEADER;
    let response = next.run(req).await;
    if response.status() != http::StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key(SERVER_FN_ERROR_HEADER)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // An error is a sentence and a few field messages: far under this.
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return (parts, axum::body::Body::empty()).into_response();
    };
    if let Ok(error) = serde_json::from_slice::<app::error::AppError>(&bytes) {
        parts.status = http::StatusCode::from_u16(error.status()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
        if let Some(seconds) = error.retry_after {
            parts.headers.insert(http::header::RETRY_AFTER, HeaderValue::from(seconds));
        }
    }
    (parts, axum::body::Body::from(bytes)).into_response()
}

/// Every page's address as the router lists it (`/tickets/{id}`), for the tests that visit them
/// all.
pub fn page_paths() -> Vec<String> {
    routes().iter().map(|route| route.path().to_string()).collect()
}

/// Stamps each request with where it came from (`ClientAddress`), read the same way by the API
/// and the pages. Without a peer address (a router driven without a socket) nothing is stamped.
async fn stamp_client_address(
    axum::extract::State(trusted): axum::extract::State<Arc<[std::net::IpAddr]>>,
    mut req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::extract::ConnectInfo;
    if let Some(ConnectInfo(peer)) = req.extensions().get::<ConnectInfo<std::net::SocketAddr>>().copied() {
        let forwarded = req.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok());
        let address = app::ssr::auth::client_address(peer.ip(), forwarded, &trusted);
        req.extensions_mut().insert(app::ssr::auth::ClientAddress(address));
    }
    next.run(req).await
}

/// Refuses a state-changing request a browser sent from another site: defence in depth beside
/// the SameSite cookie. A browser names the page's origin in `Origin` on every POST, PUT, PATCH
/// and DELETE; it must be this host. Without `Origin`, `Sec-Fetch-Site: cross-site` is refused.
/// Clients that send neither (curl, integrations with a Bearer token) are not browsers and carry
/// no ambient cookie, so they pass.
async fn same_origin_writes(req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::response::IntoResponse;
    if !req.method().is_safe() && is_cross_site(&req) {
        let refused = app::error::AppError::forbidden(
            "This request came from another site and was refused. Use the portal's own pages, or call the API without a browser.",
        );
        return rest::ApiError(refused).into_response();
    }
    next.run(req).await
}

fn is_cross_site(req: &axum::extract::Request) -> bool {
    let headers = req.headers();
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string)
        .or_else(|| req.uri().authority().map(|a| a.to_string()));
    match headers.get(header::ORIGIN).map(|o| o.to_str().unwrap_or("null")) {
        Some(origin) => {
            let authority = origin.strip_prefix("https://").or_else(|| origin.strip_prefix("http://"));
            match (authority, host) {
                (Some(authority), Some(host)) => !authority.eq_ignore_ascii_case(&host),
                _ => true,
            }
        }
        None => headers.get("sec-fetch-site").is_some_and(|v| v.as_bytes() == b"cross-site"),
    }
}

/// Cache policy by what was served. Files under `/pkg` (the WASM, its JavaScript and the
/// stylesheet) keep their names across releases, so browsers keep them but revalidate before use
/// (a cheap 304 by `Last-Modified`): a new release is never mixed with an old bundle. Images from
/// `public/` may be kept a day. Pages hold people's data: never in a shared cache, always
/// revalidated.
async fn static_cache_headers(req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    let bundle = req.uri().path().starts_with("/pkg/");
    let mut res = next.run(req).await;
    let served = res.status().is_success() || res.status() == http::StatusCode::NOT_MODIFIED;
    let kind = res.headers().get(header::CONTENT_TYPE).map(|t| t.as_bytes().to_vec()).unwrap_or_default();
    let policy = if bundle {
        "no-cache"
    } else if kind.starts_with(b"image/") {
        "public, max-age=86400"
    } else if kind.starts_with(b"text/html") {
        "private, no-cache"
    } else {
        return res;
    };
    if served && !res.headers().contains_key(header::CACHE_CONTROL) {
        res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    res
}
