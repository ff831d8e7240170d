//! `/users` and `/staff`: registrations and staff accounts.

use super::{ApiResult, Authenticated, Json, Query};
use app::dto::{
    ApproveRequest, CreateStaffRequest, ErrorBody, InviteRequest, Page, RejectRequest, RoleRequest, SuperuserRequest,
    UserDto, UserEnvelope, UserFilter,
};
use app::ssr::services::people;
use app::ssr::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::Utc;

#[utoipa::path(get, path = "/api/v1/users", tag = "people", params(UserFilter),
    responses((status = 200, body = Page<UserDto>), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Query(filter): Query<UserFilter>,
) -> ApiResult<Json<Page<UserDto>>> {
    Ok(Json(people::list(&state.db, &actor, filter).await?))
}

#[utoipa::path(post, path = "/api/v1/users/{id}/approve", tag = "people", request_body = ApproveRequest,
    params(("id" = String, Path, description = "The user's id")),
    responses((status = 200, body = UserEnvelope), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn approve(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<ApproveRequest>,
) -> ApiResult<Json<UserEnvelope>> {
    let user = people::approve(&state.db, &actor, &id, &req.organization_id, req.superuser, Utc::now()).await?;
    Ok(Json(UserEnvelope { user }))
}

#[utoipa::path(post, path = "/api/v1/users/{id}/reject", tag = "people", request_body = RejectRequest,
    params(("id" = String, Path, description = "The user's id")),
    responses((status = 200, body = UserEnvelope), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn reject(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<RejectRequest>,
) -> ApiResult<Json<UserEnvelope>> {
    let user = people::reject(&state.db, &actor, &id, &req.reason, Utc::now()).await?;
    Ok(Json(UserEnvelope { user }))
}

#[utoipa::path(post, path = "/api/v1/users/{id}/disable", tag = "people",
    params(("id" = String, Path, description = "The user's id")),
    responses((status = 200, body = UserEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn disable(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Json<UserEnvelope>> {
    Ok(Json(UserEnvelope { user: people::disable(&state.db, &actor, &id, Utc::now()).await? }))
}

#[utoipa::path(post, path = "/api/v1/staff", tag = "people", request_body = CreateStaffRequest,
    responses((status = 201, body = UserEnvelope), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_staff(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Json(req): Json<CreateStaffRequest>,
) -> ApiResult<impl IntoResponse> {
    let user = people::create_staff(&state.db, &actor, req, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(UserEnvelope { user })))
}

#[utoipa::path(post, path = "/api/v1/users/{id}/enable", tag = "people",
    params(("id" = String, Path, description = "The user's id")),
    responses((status = 200, body = UserEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn enable(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Json<UserEnvelope>> {
    Ok(Json(UserEnvelope { user: people::enable(&state.db, &actor, &id, Utc::now()).await? }))
}

#[utoipa::path(put, path = "/api/v1/users/{id}/role", tag = "people", request_body = RoleRequest,
    params(("id" = String, Path, description = "The user's id")),
    responses((status = 200, body = UserEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_role(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<RoleRequest>,
) -> ApiResult<Json<UserEnvelope>> {
    Ok(Json(UserEnvelope { user: people::set_role(&state.db, &actor, &id, &req.role, Utc::now()).await? }))
}

#[utoipa::path(put, path = "/api/v1/users/{id}/superuser", tag = "people", request_body = SuperuserRequest,
    params(("id" = String, Path, description = "The user's id")),
    responses((status = 200, body = UserEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_superuser(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<SuperuserRequest>,
) -> ApiResult<Json<UserEnvelope>> {
    Ok(Json(UserEnvelope { user: people::set_superuser(&state.db, &actor, &id, req.superuser, Utc::now()).await? }))
}

#[utoipa::path(post, path = "/api/v1/organizations/{id}/invitations", tag = "people", request_body = InviteRequest,
    params(("id" = String, Path, description = "The organisation's id")),
    responses((status = 201, body = UserEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn invite(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<InviteRequest>,
) -> ApiResult<(StatusCode, Json<UserEnvelope>)> {
    let user = app::ssr::services::accounts::invite(&state.db, &actor, &id, req, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(UserEnvelope { user })))
}
