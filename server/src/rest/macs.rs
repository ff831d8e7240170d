//! `/macs`: the MACS catalogue and clients' orders.

use super::{ApiResult, Authenticated, Json, Query};
use app::dto::{
    CompleteOrderRequest, ErrorBody, MacsCatalogueDto, MacsItemEnvelope, MacsItemRequest, MacsOrderDto,
    MacsOrderEnvelope, MacsOrderFilter, MacsOrderRequest, Page, QuoteRequest, RejectRequest,
};
use app::ssr::auth::Actor;
use app::ssr::services::macs::{self, Step};
use app::ssr::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::Utc;

#[utoipa::path(get, path = "/api/v1/macs/catalogue", tag = "macs",
    responses((status = 200, body = MacsCatalogueDto), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
pub async fn catalogue(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
) -> ApiResult<Json<MacsCatalogueDto>> {
    Ok(Json(MacsCatalogueDto { items: macs::catalogue(&state.db, &actor).await? }))
}

#[utoipa::path(post, path = "/api/v1/macs/catalogue", tag = "macs", request_body = MacsItemRequest,
    responses((status = 201, body = MacsItemEnvelope), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn add_item(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Json(req): Json<MacsItemRequest>,
) -> ApiResult<impl IntoResponse> {
    let item = macs::save_item(&state.db, &actor, None, req, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(MacsItemEnvelope { item })))
}

#[utoipa::path(patch, path = "/api/v1/macs/catalogue/{id}", tag = "macs", request_body = MacsItemRequest,
    params(("id" = String, Path, description = "The item's id")),
    responses((status = 200, body = MacsItemEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update_item(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<MacsItemRequest>,
) -> ApiResult<Json<MacsItemEnvelope>> {
    Ok(Json(MacsItemEnvelope { item: macs::save_item(&state.db, &actor, Some(&id), req, Utc::now()).await? }))
}

#[utoipa::path(post, path = "/api/v1/macs/orders", tag = "macs", request_body = MacsOrderRequest,
    responses((status = 201, body = MacsOrderEnvelope), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn order(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Json(req): Json<MacsOrderRequest>,
) -> ApiResult<impl IntoResponse> {
    let order = macs::order(&state.db, &actor, req, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(MacsOrderEnvelope { order })))
}

#[utoipa::path(get, path = "/api/v1/macs/orders", tag = "macs", params(MacsOrderFilter),
    responses((status = 200, body = Page<MacsOrderDto>), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Query(filter): Query<MacsOrderFilter>,
) -> ApiResult<Json<Page<MacsOrderDto>>> {
    Ok(Json(macs::list(&state.db, &actor, filter).await?))
}

#[utoipa::path(get, path = "/api/v1/macs/orders/{id}", tag = "macs",
    params(("id" = String, Path, description = "The order's id")),
    responses((status = 200, body = MacsOrderEnvelope), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Json<MacsOrderEnvelope>> {
    Ok(Json(MacsOrderEnvelope { order: macs::get(&state.db, &actor, &id).await? }))
}

async fn advance(state: AppState, actor: Actor, id: String, step: Step) -> ApiResult<Json<MacsOrderEnvelope>> {
    Ok(Json(MacsOrderEnvelope { order: macs::advance(&state.db, &actor, &id, step, Utc::now()).await? }))
}

#[utoipa::path(post, path = "/api/v1/macs/orders/{id}/quote", tag = "macs", request_body = QuoteRequest,
    params(("id" = String, Path, description = "The order's id")),
    responses((status = 200, body = MacsOrderEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn quote(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<QuoteRequest>,
) -> ApiResult<Json<MacsOrderEnvelope>> {
    advance(state, actor, id, Step::Quote(req.minutes, req.note)).await
}

#[utoipa::path(post, path = "/api/v1/macs/orders/{id}/approve", tag = "macs",
    params(("id" = String, Path, description = "The order's id")),
    responses((status = 200, body = MacsOrderEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn approve(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Json<MacsOrderEnvelope>> {
    advance(state, actor, id, Step::Approve).await
}

#[utoipa::path(post, path = "/api/v1/macs/orders/{id}/decline", tag = "macs", request_body = RejectRequest,
    params(("id" = String, Path, description = "The order's id")),
    responses((status = 200, body = MacsOrderEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn decline(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<RejectRequest>,
) -> ApiResult<Json<MacsOrderEnvelope>> {
    advance(state, actor, id, Step::Decline(req.reason)).await
}

#[utoipa::path(post, path = "/api/v1/macs/orders/{id}/complete", tag = "macs", request_body = CompleteOrderRequest,
    params(("id" = String, Path, description = "The order's id")),
    responses((status = 200, body = MacsOrderEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn complete(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<CompleteOrderRequest>,
) -> ApiResult<Json<MacsOrderEnvelope>> {
    advance(state, actor, id, Step::Complete(req.minutes)).await
}

#[utoipa::path(post, path = "/api/v1/macs/orders/{id}/cancel", tag = "macs",
    params(("id" = String, Path, description = "The order's id")),
    responses((status = 200, body = MacsOrderEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn cancel(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Json<MacsOrderEnvelope>> {
    advance(state, actor, id, Step::Cancel).await
}
