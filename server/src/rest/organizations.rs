//! `/organizations`.

use super::{ApiResult, Authenticated, Json, Query};
use app::dto::{CreateOrganizationRequest, ErrorBody, OrganizationDto, OrganizationEnvelope, Page, Paging};
use app::ssr::services::organizations;
use app::ssr::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::Utc;

#[utoipa::path(post, path = "/api/v1/organizations", tag = "organizations", request_body = CreateOrganizationRequest,
    responses((status = 201, body = OrganizationEnvelope), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Json(req): Json<CreateOrganizationRequest>,
) -> ApiResult<impl IntoResponse> {
    let organization = organizations::create(&state.db, &actor, req, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(OrganizationEnvelope { organization })))
}

#[utoipa::path(get, path = "/api/v1/organizations", tag = "organizations",
    params(Paging),
    responses((status = 200, body = Page<OrganizationDto>), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Page<OrganizationDto>>> {
    let items = organizations::list(&state.db, &actor).await?;
    Ok(Json(Page::window(items, paging)?))
}

#[utoipa::path(get, path = "/api/v1/organizations/{id}", tag = "organizations",
    params(("id" = String, Path, description = "The organisation's id")),
    responses((status = 200, body = OrganizationEnvelope), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Json<OrganizationEnvelope>> {
    Ok(Json(OrganizationEnvelope { organization: organizations::get(&state.db, &actor, &id).await? }))
}

#[utoipa::path(put, path = "/api/v1/organizations/{id}", tag = "organizations", request_body = CreateOrganizationRequest,
    params(("id" = String, Path, description = "The organisation's id")),
    responses((status = 200, body = OrganizationEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<CreateOrganizationRequest>,
) -> ApiResult<Json<OrganizationEnvelope>> {
    Ok(Json(OrganizationEnvelope {
        organization: organizations::update(&state.db, &actor, &id, req, Utc::now()).await?,
    }))
}
