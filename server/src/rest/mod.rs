//! The JSON API under `/api/v1` (API.md). Handlers authenticate, parse, call one service and shape
//! the answer; errors are mapped to the API's shape in exactly one place, `ApiError`.

pub mod afterhours;
pub mod attachments;
pub mod audit;
pub mod auth;
pub mod billing;
mod body;
pub mod live;
pub mod macs;
pub mod mail;
pub mod notifications;
pub mod organizations;
pub mod projects;
pub mod queues;
pub mod releases;
pub mod reports;
pub mod tickets;
pub mod users;
pub mod vouchers;

pub use body::Json;

use app::dto::ErrorBody;
use app::error::AppError;
use app::ssr::auth::{token_from_headers, Actor};
use app::ssr::state::AppState;
use axum::extract::rejection::QueryRejection;
use axum::extract::FromRequestParts;
use axum::http::{request::Parts, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/register", post(auth::register))
        .route("/auth/login", post(auth::login))
        .route("/auth/logout", post(auth::logout))
        .route("/auth/logout-everywhere", post(auth::logout_everywhere))
        .route("/auth/verify-email", post(auth::verify_email))
        .route("/auth/resend-verification", post(auth::resend_verification))
        .route("/auth/forgot-password", post(auth::forgot_password))
        .route("/auth/reset-password", post(auth::reset_password))
        .route("/auth/accept-invitation", post(auth::accept_invitation))
        .route("/me", get(auth::me).put(auth::update_profile))
        .route("/me/sessions", get(auth::sessions))
        .route("/me/sessions/end-others", post(auth::end_other_sessions))
        .route("/me/sessions/{id}", axum::routing::delete(auth::end_session))
        .route("/me/password", put(auth::change_password))
        .route("/users", get(users::list))
        .route("/users/{id}/approve", post(users::approve))
        .route("/users/{id}/reject", post(users::reject))
        .route("/users/{id}/disable", post(users::disable))
        .route("/users/{id}/enable", post(users::enable))
        .route("/organizations/{id}/invitations", post(users::invite))
        .route("/users/{id}/role", put(users::set_role))
        .route("/users/{id}/superuser", put(users::set_superuser))
        .route("/audit-log", get(audit::list))
        .route("/audit-log.csv", get(audit::export_csv))
        .route("/staff", post(users::create_staff))
        .route("/organizations", post(organizations::create).get(organizations::list))
        .route("/organizations/{id}", get(organizations::get).put(organizations::update))
        .route("/organizations/{id}/deployment", put(billing::put_deployment))
        .route("/organizations/{id}/deployment-projects", post(projects::create).get(projects::list))
        .route("/deployment-projects/{id}", get(projects::get))
        .route("/deployment-projects/{id}/advance", post(projects::advance))
        .route("/deployment-projects/{id}/stakeholders", put(projects::submit_stakeholders))
        .route("/deployment-projects/{id}/stakeholders/accept", post(projects::accept_stakeholders))
        .route("/deployment-projects/{id}/stakeholders/return", post(projects::return_stakeholders))
        .route("/deployment-projects/{id}/modules", put(projects::set_modules))
        .route("/deployment-projects/{id}/pre-install", put(projects::submit_pre_install))
        .route("/deployment-projects/{id}/pre-install/accept", post(projects::accept_pre_install))
        .route("/deployment-projects/{id}/pre-install/return", post(projects::return_pre_install))
        .route("/deployment-projects/{id}/installation", put(projects::put_installation))
        .route("/deployment-projects/{id}/go-live/conditions", put(projects::put_go_live_conditions))
        .route("/deployment-projects/{id}/go-live/sign", post(projects::sign_go_live))
        .route("/deployment-projects/{id}/go-live/assess", post(projects::assess_go_live))
        .route("/deployment-projects/{id}/completion/outstanding", post(projects::add_outstanding))
        .route(
            "/deployment-projects/{id}/completion/outstanding/{ticket_id}",
            axum::routing::delete(projects::remove_outstanding),
        )
        .route("/deployment-projects/{id}/completion/sign", post(projects::sign_completion))
        .route("/deployment-projects/{id}/training", post(projects::record_training))
        .route("/deployment-projects/{id}/uat-items", post(projects::add_uat_item))
        .route("/uat-items/{id}/result", post(projects::record_uat_result))
        .route("/uat-items/{id}/waive", post(projects::waive_uat_item))
        .route("/organizations/{id}/irs-contracts", post(billing::add_irs_contract).get(billing::irs_contracts))
        .route("/organizations/{id}/account", get(billing::account))
        .route("/organizations/{id}/billing-export", get(billing::export))
        .route("/organizations/{id}/billing-export.csv", get(billing::export_csv))
        .route("/organizations/{id}/statement", get(billing::statement))
        .route("/organizations/{id}/statement.csv", get(billing::statement_csv))
        .route("/accounts", get(billing::accounts))
        .route("/organizations/{id}/vouchers", post(vouchers::issue).get(vouchers::list))
        .route("/organizations/{id}/ledger", get(vouchers::ledger))
        .route("/organizations/{id}/ledger.csv", get(vouchers::ledger_csv))
        .route("/tickets/{id}/redemptions", post(vouchers::redeem))
        .route("/redemptions/{id}/refund", post(vouchers::refund))
        .route("/vouchers/balances", get(vouchers::balances))
        .route("/tickets", post(tickets::create).get(tickets::list))
        .route("/tickets/bulk", post(tickets::bulk_update))
        .route("/tickets/{id}", get(tickets::get).patch(tickets::update))
        .route(
            "/tickets/{id}/attachments",
            post(attachments::upload).layer(axum::extract::DefaultBodyLimit::max(attachments::UPLOAD_BODY_LIMIT)),
        )
        .route("/attachments/{id}", get(attachments::download).delete(attachments::delete))
        .route(
            "/deployment-projects/{id}/forms/{form}/attachments",
            post(attachments::upload_to_form)
                .layer(axum::extract::DefaultBodyLimit::max(attachments::UPLOAD_BODY_LIMIT)),
        )
        .route("/tickets/{id}/comments", post(tickets::comment))
        .route("/tickets/{id}/presence", get(live::presence).put(live::beat).delete(live::leave))
        .route("/events", get(live::events))
        .route("/reports/desk", get(reports::desk))
        .route("/reports/desk.csv", get(reports::desk_csv))
        .route("/queues", get(queues::list).post(queues::create))
        .route("/queues/{id}", put(queues::update))
        .route("/tickets/{id}/billing", post(billing::reclassify))
        .route("/tickets/{id}/time-entries", post(billing::add_time_entry).get(billing::time_entries))
        .route("/tickets/{id}/history", get(billing::history))
        .route("/after-hours", post(afterhours::create).get(afterhours::list))
        .route("/after-hours/{id}", get(afterhours::get))
        .route("/after-hours/{id}/approve", post(afterhours::approve))
        .route("/after-hours/{id}/decline", post(afterhours::decline))
        .route("/after-hours/{id}/schedule", post(afterhours::schedule))
        .route("/after-hours/{id}/complete", post(afterhours::complete))
        .route("/after-hours/{id}/cancel", post(afterhours::cancel))
        .route("/macs/catalogue", get(macs::catalogue).post(macs::add_item))
        .route("/macs/catalogue/{id}", axum::routing::patch(macs::update_item))
        .route("/macs/orders", post(macs::order).get(macs::list))
        .route("/macs/orders/{id}", get(macs::get))
        .route("/macs/orders/{id}/quote", post(macs::quote))
        .route("/macs/orders/{id}/approve", post(macs::approve))
        .route("/macs/orders/{id}/decline", post(macs::decline))
        .route("/macs/orders/{id}/complete", post(macs::complete))
        .route("/macs/orders/{id}/cancel", post(macs::cancel))
        .route("/settings/business-hours", get(afterhours::get_business_hours).put(afterhours::put_business_hours))
        .route("/settings/modules", get(afterhours::get_modules).put(afterhours::put_modules))
        .route("/notifications", get(notifications::list))
        .route("/notifications/unread-count", get(notifications::unread_count))
        .route("/notifications/read-all", post(notifications::read_all))
        .route("/notifications/{id}/read", post(notifications::read))
        .route("/me/notification-preferences", get(notifications::preferences).put(notifications::set_preferences))
        .route("/mail/outbox", get(notifications::outbox))
        .route("/mail/inbound", post(mail::inbound).get(mail::received))
        .route("/releases", get(releases::list).post(releases::create))
        .route("/releases/next-numbers", get(releases::next_numbers))
        .route("/releases/in-use", get(releases::in_use))
        .route("/releases/{id}", get(releases::get).put(releases::update))
        .route("/releases/{id}/ship", post(releases::ship))
        .route("/releases/{id}/tickets", post(releases::slate))
        .route("/releases/{id}/tickets/{ticket_id}", axum::routing::delete(releases::unslate))
        .route("/releases/{id}/upgrade", post(releases::request_upgrade))
        .route("/organizations/{id}/installed-release", get(releases::installed).put(releases::set_installed))
        .route("/insider/posts", get(releases::posts).post(releases::create_post))
        .route("/insider/posts/{id}", get(releases::post).put(releases::update_post))
        .route("/insider/posts/{id}/questions", post(releases::ask))
        .route("/insider/questions/{id}/answer", post(releases::answer))
        .route("/insider/questions/{id}/ticket", post(releases::question_to_ticket))
        .route("/insider/feed-token", post(releases::feed_token))
        .route("/insider/feed.atom", get(releases::feed))
        .route("/openapi.json", get(crate::openapi::document))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
}

/// An `AppError` on its way out as `{"error": {...}}` with its status.
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, axum::Json(ErrorBody::from(&self.0))).into_response();
        if let Some(seconds) = self.0.retry_after {
            response.headers_mut().insert(http::header::RETRY_AFTER, http::HeaderValue::from(seconds));
        }
        response
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError(AppError::bad_request(format!("The query string does not fit: {}", rejection.body_text())))
    }
}

#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct Query<T>(pub T);

/// The caller, from `Authorization: Bearer` or the session cookie; 401 without a live session.
pub struct Authenticated(pub Actor);

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = token_from_headers(&parts.headers).ok_or_else(AppError::unauthenticated)?;
        let actor =
            app::ssr::services::people::authenticate(&state.db, &state.auth, &token, chrono::Utc::now()).await?;
        Ok(Authenticated(actor))
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

async fn not_found() -> ApiError {
    ApiError(AppError::new(
        app::error::ErrorKind::NotFound,
        "not_found",
        "There is no such API endpoint; see /api/v1/openapi.json.",
    ))
}

async fn method_not_allowed() -> Response {
    let body = ErrorBody::from(&AppError::bad_request(
        "This endpoint does not accept that HTTP method; see /api/v1/openapi.json.",
    ));
    (StatusCode::METHOD_NOT_ALLOWED, axum::Json(body)).into_response()
}
