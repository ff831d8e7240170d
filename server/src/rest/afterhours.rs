//! `/after-hours` and `/settings/business-hours`.

use super::{ApiResult, Authenticated, Json, Query};
use app::dto::{
    BookingDto, BookingEnvelope, BookingFilter, BookingRequest, BusinessHoursDto, CompleteRequest, ErrorBody,
    ModuleCatalogueDto, Page, RejectRequest, ScheduleRequest,
};
use app::ssr::services::bookings::{self, Step};
use app::ssr::services::settings;
use app::ssr::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::Utc;

#[utoipa::path(post, path = "/api/v1/after-hours", tag = "after-hours", request_body = BookingRequest,
    responses((status = 201, body = BookingEnvelope), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Json(req): Json<BookingRequest>,
) -> ApiResult<impl IntoResponse> {
    let booking = bookings::create(&state.db, &actor, req, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(BookingEnvelope { booking })))
}

#[utoipa::path(get, path = "/api/v1/after-hours", tag = "after-hours", params(BookingFilter),
    responses((status = 200, body = Page<BookingDto>), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Query(filter): Query<BookingFilter>,
) -> ApiResult<Json<Page<BookingDto>>> {
    Ok(Json(bookings::list(&state.db, &actor, filter).await?))
}

#[utoipa::path(get, path = "/api/v1/after-hours/{id}", tag = "after-hours",
    params(("id" = String, Path, description = "The booking's id")),
    responses((status = 200, body = BookingEnvelope), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Json<BookingEnvelope>> {
    Ok(Json(BookingEnvelope { booking: bookings::get(&state.db, &actor, &id).await? }))
}

async fn advance(
    state: AppState,
    actor: app::ssr::auth::Actor,
    id: String,
    step: Step,
) -> ApiResult<Json<BookingEnvelope>> {
    Ok(Json(BookingEnvelope { booking: bookings::advance(&state.db, &actor, &id, step, Utc::now()).await? }))
}

#[utoipa::path(post, path = "/api/v1/after-hours/{id}/approve", tag = "after-hours",
    params(("id" = String, Path, description = "The booking's id")),
    responses((status = 200, body = BookingEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn approve(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Json<BookingEnvelope>> {
    advance(state, actor, id, Step::Approve).await
}

#[utoipa::path(post, path = "/api/v1/after-hours/{id}/decline", tag = "after-hours", request_body = RejectRequest,
    params(("id" = String, Path, description = "The booking's id")),
    responses((status = 200, body = BookingEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn decline(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<RejectRequest>,
) -> ApiResult<Json<BookingEnvelope>> {
    advance(state, actor, id, Step::Decline(req.reason)).await
}

#[utoipa::path(post, path = "/api/v1/after-hours/{id}/schedule", tag = "after-hours", request_body = ScheduleRequest,
    params(("id" = String, Path, description = "The booking's id")),
    responses((status = 200, body = BookingEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn schedule(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<ScheduleRequest>,
) -> ApiResult<Json<BookingEnvelope>> {
    advance(state, actor, id, Step::Schedule(req.engineer_id)).await
}

#[utoipa::path(post, path = "/api/v1/after-hours/{id}/complete", tag = "after-hours", request_body = CompleteRequest,
    params(("id" = String, Path, description = "The booking's id")),
    responses((status = 200, body = BookingEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn complete(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<CompleteRequest>,
) -> ApiResult<Json<BookingEnvelope>> {
    advance(state, actor, id, Step::Complete(req.actual_minutes)).await
}

#[utoipa::path(post, path = "/api/v1/after-hours/{id}/cancel", tag = "after-hours",
    params(("id" = String, Path, description = "The booking's id")),
    responses((status = 200, body = BookingEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn cancel(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Json<BookingEnvelope>> {
    advance(state, actor, id, Step::Cancel).await
}

#[utoipa::path(get, path = "/api/v1/settings/business-hours", tag = "settings",
    responses((status = 200, body = BusinessHoursDto), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
pub async fn get_business_hours(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
) -> ApiResult<Json<BusinessHoursDto>> {
    actor.access()?;
    Ok(Json(settings::to_wire(&settings::calendar(&state.db).await?)))
}

#[utoipa::path(put, path = "/api/v1/settings/business-hours", tag = "settings", request_body = BusinessHoursDto,
    responses((status = 200, body = BusinessHoursDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn put_business_hours(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Json(req): Json<BusinessHoursDto>,
) -> ApiResult<Json<BusinessHoursDto>> {
    Ok(Json(settings::put_calendar(&state.db, &actor, req, Utc::now()).await?))
}

#[utoipa::path(get, path = "/api/v1/settings/modules", tag = "settings",
    responses((status = 200, body = ModuleCatalogueDto), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
pub async fn get_modules(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
) -> ApiResult<Json<ModuleCatalogueDto>> {
    actor.access()?;
    Ok(Json(ModuleCatalogueDto { modules: settings::modules(&state.db).await? }))
}

/// Admins replace the module catalogue: each module's minimum requirements (Pre-install form).
#[utoipa::path(put, path = "/api/v1/settings/modules", tag = "settings", request_body = ModuleCatalogueDto,
    responses((status = 200, body = ModuleCatalogueDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn put_modules(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Json(req): Json<ModuleCatalogueDto>,
) -> ApiResult<Json<ModuleCatalogueDto>> {
    Ok(Json(settings::put_modules(&state.db, &actor, req, Utc::now()).await?))
}
