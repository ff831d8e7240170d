//! `/organizations/{id}/deployment-projects` and `/deployment-projects/{id}`.

use super::{ApiResult, Authenticated, Json};
use app::dto::{
    AdvanceRequest, CreateProjectRequest, ErrorBody, ProjectDto, ProjectEnvelope, ReasonRequest, StakeholdersRequest,
    TrainingRequest, UatItemRequest, UatResultRequest,
};
use app::ssr::services::projects;
use app::ssr::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::Utc;

#[utoipa::path(post, path = "/api/v1/organizations/{id}/deployment-projects", tag = "deployment", request_body = CreateProjectRequest,
    params(("id" = String, Path, description = "The organisation's id")),
    responses((status = 201, body = ProjectEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<CreateProjectRequest>,
) -> ApiResult<(StatusCode, Json<ProjectEnvelope>)> {
    let project = projects::create(&state.db, &actor, &id, req, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(ProjectEnvelope { project })))
}

#[utoipa::path(get, path = "/api/v1/organizations/{id}/deployment-projects", tag = "deployment",
    params(("id" = String, Path, description = "The organisation's id")),
    responses((status = 200, body = Vec<ProjectDto>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<ProjectDto>>> {
    Ok(Json(projects::list(&state.db, &actor, &id).await?))
}

#[utoipa::path(get, path = "/api/v1/deployment-projects/{id}", tag = "deployment",
    params(("id" = String, Path, description = "The project's id")),
    responses((status = 200, body = ProjectEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Json<ProjectEnvelope>> {
    Ok(Json(ProjectEnvelope { project: projects::get(&state.db, &actor, &id).await? }))
}

#[utoipa::path(post, path = "/api/v1/deployment-projects/{id}/advance", tag = "deployment", request_body = AdvanceRequest,
    params(("id" = String, Path, description = "The project's id")),
    responses((status = 200, body = ProjectEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn advance(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<AdvanceRequest>,
) -> ApiResult<Json<ProjectEnvelope>> {
    Ok(Json(ProjectEnvelope { project: projects::advance(&state.db, &actor, &id, req, Utc::now()).await? }))
}

#[utoipa::path(put, path = "/api/v1/deployment-projects/{id}/stakeholders", tag = "deployment", request_body = StakeholdersRequest,
    params(("id" = String, Path, description = "The project's id")),
    responses((status = 200, body = ProjectEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn submit_stakeholders(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<StakeholdersRequest>,
) -> ApiResult<Json<ProjectEnvelope>> {
    Ok(Json(ProjectEnvelope { project: projects::submit_stakeholders(&state.db, &actor, &id, req, Utc::now()).await? }))
}

#[utoipa::path(post, path = "/api/v1/deployment-projects/{id}/stakeholders/accept", tag = "deployment",
    params(("id" = String, Path, description = "The project's id")),
    responses((status = 200, body = ProjectEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn accept_stakeholders(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Json<ProjectEnvelope>> {
    Ok(Json(ProjectEnvelope {
        project: projects::decide_stakeholders(&state.db, &actor, &id, None, Utc::now()).await?,
    }))
}

#[utoipa::path(post, path = "/api/v1/deployment-projects/{id}/stakeholders/return", tag = "deployment", request_body = ReasonRequest,
    params(("id" = String, Path, description = "The project's id")),
    responses((status = 200, body = ProjectEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn return_stakeholders(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<ReasonRequest>,
) -> ApiResult<Json<ProjectEnvelope>> {
    let project = projects::decide_stakeholders(&state.db, &actor, &id, Some(req), Utc::now()).await?;
    Ok(Json(ProjectEnvelope { project }))
}

#[utoipa::path(post, path = "/api/v1/deployment-projects/{id}/training", tag = "deployment", request_body = TrainingRequest,
    params(("id" = String, Path, description = "The project's id")),
    responses((status = 201, body = ProjectEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn record_training(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<TrainingRequest>,
) -> ApiResult<(StatusCode, Json<ProjectEnvelope>)> {
    let project = projects::record_training(&state.db, &actor, &id, req, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(ProjectEnvelope { project })))
}

#[utoipa::path(post, path = "/api/v1/deployment-projects/{id}/uat-items", tag = "deployment", request_body = UatItemRequest,
    params(("id" = String, Path, description = "The project's id")),
    responses((status = 201, body = ProjectEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn add_uat_item(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<UatItemRequest>,
) -> ApiResult<(StatusCode, Json<ProjectEnvelope>)> {
    let project = projects::add_uat_item(&state.db, &actor, &id, req, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(ProjectEnvelope { project })))
}

#[utoipa::path(post, path = "/api/v1/uat-items/{id}/result", tag = "deployment", request_body = UatResultRequest,
    params(("id" = String, Path, description = "The test item's id")),
    responses((status = 200, body = ProjectEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn record_uat_result(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<UatResultRequest>,
) -> ApiResult<Json<ProjectEnvelope>> {
    Ok(Json(ProjectEnvelope { project: projects::record_uat_result(&state.db, &actor, &id, req, Utc::now()).await? }))
}

#[utoipa::path(post, path = "/api/v1/uat-items/{id}/waive", tag = "deployment", request_body = ReasonRequest,
    params(("id" = String, Path, description = "The test item's id")),
    responses((status = 200, body = ProjectEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn waive_uat_item(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<ReasonRequest>,
) -> ApiResult<Json<ProjectEnvelope>> {
    Ok(Json(ProjectEnvelope { project: projects::waive_uat_item(&state.db, &actor, &id, req, Utc::now()).await? }))
}
