//! `/tickets`.

use super::{ApiResult, Authenticated, Json, Query};
use app::dto::{
    BulkUpdateRequest, BulkUpdateResult, CommentEnvelope, CommentRequest, CreateTicketRequest, ErrorBody, Page,
    TicketDetail, TicketDto, TicketEnvelope, TicketFilter, UpdateTicketRequest,
};
use app::ssr::services::{replies, tickets};
use app::ssr::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::Utc;

#[utoipa::path(post, path = "/api/v1/tickets", tag = "tickets", request_body = CreateTicketRequest,
    responses((status = 201, body = TicketEnvelope), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Json(req): Json<CreateTicketRequest>,
) -> ApiResult<impl IntoResponse> {
    let ticket = tickets::create(&state.tickets, &actor, req, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(TicketEnvelope { ticket })))
}

#[utoipa::path(get, path = "/api/v1/tickets", tag = "tickets", params(TicketFilter),
    responses((status = 200, body = Page<TicketDto>), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Query(filter): Query<TicketFilter>,
) -> ApiResult<Json<Page<TicketDto>>> {
    Ok(Json(tickets::list(&state.db, &actor, filter).await?))
}

#[utoipa::path(get, path = "/api/v1/tickets/{id}", tag = "tickets",
    params(("id" = String, Path, description = "The ticket's id")),
    responses((status = 200, body = TicketDetail), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Json<TicketDetail>> {
    Ok(Json(tickets::get(&state.db, &actor, &id).await?))
}

#[utoipa::path(patch, path = "/api/v1/tickets/{id}", tag = "tickets", request_body = UpdateTicketRequest,
    params(("id" = String, Path, description = "The ticket's id")),
    responses((status = 200, body = TicketEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<UpdateTicketRequest>,
) -> ApiResult<Json<TicketEnvelope>> {
    Ok(Json(TicketEnvelope { ticket: tickets::update(&state.db, &actor, &id, req, Utc::now()).await? }))
}

#[utoipa::path(post, path = "/api/v1/tickets/bulk", tag = "tickets", request_body = BulkUpdateRequest,
    responses((status = 200, body = BulkUpdateResult), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn bulk_update(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Json(req): Json<BulkUpdateRequest>,
) -> ApiResult<Json<BulkUpdateResult>> {
    Ok(Json(BulkUpdateResult { updated: tickets::bulk_update(&state.db, &actor, req, Utc::now()).await? }))
}

#[utoipa::path(post, path = "/api/v1/tickets/{id}/comments", tag = "tickets", request_body = CommentRequest,
    params(("id" = String, Path, description = "The ticket's id")),
    responses((status = 201, body = CommentEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn comment(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<CommentRequest>,
) -> ApiResult<impl IntoResponse> {
    let comment = replies::comment(&state.replies, &actor, &id, req, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(CommentEnvelope { comment })))
}
