//! `/queues`.

use super::{ApiResult, Authenticated, Json};
use app::dto::{ErrorBody, Page, QueueDto, QueueEnvelope, QueueRequest};
use app::ssr::services::queues;
use app::ssr::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::Utc;

#[utoipa::path(get, path = "/api/v1/queues", tag = "queues",
    responses((status = 200, body = Page<QueueDto>), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
) -> ApiResult<Json<Page<QueueDto>>> {
    let items = queues::list(&state.db, &actor).await?;
    Ok(Json(Page::whole(items)))
}

#[utoipa::path(post, path = "/api/v1/queues", tag = "queues", request_body = QueueRequest,
    responses((status = 201, body = QueueEnvelope), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Json(req): Json<QueueRequest>,
) -> ApiResult<impl IntoResponse> {
    let queue = queues::create(&state.db, &actor, req, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(QueueEnvelope { queue })))
}

#[utoipa::path(put, path = "/api/v1/queues/{id}", tag = "queues", request_body = QueueRequest,
    params(("id" = String, Path, description = "The queue's id")),
    responses((status = 200, body = QueueEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<QueueRequest>,
) -> ApiResult<Json<QueueEnvelope>> {
    Ok(Json(QueueEnvelope { queue: queues::update(&state.db, &actor, &id, req, Utc::now()).await? }))
}
