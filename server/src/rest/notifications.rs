//! `/notifications` (each person's own), `/me/notification-preferences`, and `/mail/outbox`
//! (admins).

use super::{ApiResult, Authenticated, Json, Query};
use app::dto::{
    ErrorBody, NotificationDto, NotificationFilter, OutboxFilter, OutboxMessageDto, Page, PreferencesDto,
    PreferencesRequest, UnreadCount,
};
use app::ssr::services::{notifications, outbox};
use app::ssr::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::Utc;

#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications", params(NotificationFilter),
    responses((status = 200, body = Page<NotificationDto>), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Query(filter): Query<NotificationFilter>,
) -> ApiResult<Json<Page<NotificationDto>>> {
    Ok(Json(notifications::list(&state.db, &actor, filter).await?))
}

#[utoipa::path(get, path = "/api/v1/notifications/unread-count", tag = "notifications",
    responses((status = 200, body = UnreadCount), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
pub async fn unread_count(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
) -> ApiResult<Json<UnreadCount>> {
    Ok(Json(notifications::unread_count(&state.db, &actor).await?))
}

#[utoipa::path(post, path = "/api/v1/notifications/{id}/read", tag = "notifications",
    params(("id" = String, Path, description = "The notification's id")),
    responses((status = 204), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn read(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    notifications::mark_read(&state.db, &actor, &id, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/notifications/read-all", tag = "notifications",
    responses((status = 200, body = UnreadCount, description = "How many were unread"), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn read_all(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
) -> ApiResult<Json<UnreadCount>> {
    let count = notifications::mark_all_read(&state.db, &actor, Utc::now()).await?;
    Ok(Json(UnreadCount { count }))
}

#[utoipa::path(get, path = "/api/v1/me/notification-preferences", tag = "notifications",
    responses((status = 200, body = PreferencesDto), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
pub async fn preferences(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
) -> ApiResult<Json<PreferencesDto>> {
    Ok(Json(notifications::preferences(&state.db, &actor).await?))
}

#[utoipa::path(put, path = "/api/v1/me/notification-preferences", tag = "notifications", request_body = PreferencesRequest,
    responses((status = 200, body = PreferencesDto), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn set_preferences(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Json(req): Json<PreferencesRequest>,
) -> ApiResult<Json<PreferencesDto>> {
    Ok(Json(notifications::set_preferences(&state.db, &actor, req).await?))
}

#[utoipa::path(get, path = "/api/v1/mail/outbox", tag = "notifications", params(OutboxFilter),
    responses((status = 200, body = Page<OutboxMessageDto>), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
pub async fn outbox(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Query(filter): Query<OutboxFilter>,
) -> ApiResult<Json<Page<OutboxMessageDto>>> {
    Ok(Json(outbox::list(&state.db, &actor, filter).await?))
}
