//! `/mail/inbound`: e-mail in as mail providers' inbound webhooks and an MTA pipe deliver it (the
//! raw message as the body, a shared bearer secret), and the record of what was received.

use super::{ApiError, ApiResult, Authenticated, Json, Query};
use app::domain::mail::MAX_MESSAGE_BYTES;
use app::dto::{ErrorBody, InboundMailDto, InboundResult, Page, PageQuery};
use app::error::{AppError, ErrorKind};
use app::ssr::services::mail_in::{self, Source};
use app::ssr::state::AppState;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::Utc;

#[utoipa::path(post, path = "/api/v1/mail/inbound", tag = "mail",
    request_body(content = String, content_type = "message/rfc822", description = "The raw message"),
    responses((status = 202, body = InboundResult), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 413, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn inbound(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<(StatusCode, Json<InboundResult>)> {
    // Without a configured secret the endpoint does not exist (API.md).
    let Some(secret) = state.inbound_secret.as_deref() else {
        return Err(ApiError(AppError::new(
            ErrorKind::NotFound,
            "not_found",
            "E-mail in is not configured on this portal.",
        )));
    };
    let given =
        headers.get(http::header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    if !given.is_some_and(|given| same_secret(given.trim(), secret)) {
        return Err(ApiError(AppError::new(
            ErrorKind::Unauthenticated,
            "unauthenticated",
            "Send the inbound secret as Authorization: Bearer.",
        )));
    }
    let Ok(raw) = axum::body::to_bytes(body, MAX_MESSAGE_BYTES).await else {
        mail_in::refuse_oversized(&state.db, Source::Endpoint, Utc::now()).await?;
        let mut e = AppError::too_large();
        e.message = "The message is larger than 25 MB; it was not taken.".into();
        return Err(ApiError(e));
    };
    let result = mail_in::receive(&state.tickets, &state.mailbox, &raw, Source::Endpoint, Utc::now()).await?;
    Ok((StatusCode::ACCEPTED, Json(result)))
}

#[utoipa::path(get, path = "/api/v1/mail/inbound", tag = "mail", params(PageQuery),
    responses((status = 200, body = Page<InboundMailDto>), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
pub async fn received(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Query(filter): Query<PageQuery>,
) -> ApiResult<Json<Page<InboundMailDto>>> {
    Ok(Json(mail_in::list(&state.db, &actor, filter.page, filter.per_page).await?))
}

/// Compares in time independent of where the strings differ.
fn same_secret(given: &str, secret: &str) -> bool {
    given.len() == secret.len() && given.bytes().zip(secret.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}
