//! `/organizations/{id}/deployment-projects` and `/deployment-projects/{id}`.

use super::{ApiResult, Authenticated, Json};
use app::dto::{
    AdvanceRequest, AssessGoLiveRequest, CreateProjectRequest, ErrorBody, GoLiveConditionsRequest, InstallationRequest,
    ModulesRequest, OutstandingRequest, PreInstallRequest, ProjectDto, ProjectEnvelope, ReasonRequest, SignRequest,
    StakeholdersRequest, TrainingRequest, UatItemRequest, UatResultRequest,
};
use app::ssr::services::projects::{self, Reviewed};
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
        project: projects::decide(&state.db, &actor, &id, Reviewed::Stakeholders, None, Utc::now()).await?,
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
    let project = projects::decide(&state.db, &actor, &id, Reviewed::Stakeholders, Some(req), Utc::now()).await?;
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

/// The modules the project deploys (account managers, until the Pre-install form is accepted).
#[utoipa::path(put, path = "/api/v1/deployment-projects/{id}/modules", tag = "deployment", request_body = ModulesRequest,
    params(("id" = String, Path, description = "The project's id")),
    responses((status = 200, body = ProjectEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_modules(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<ModulesRequest>,
) -> ApiResult<Json<ProjectEnvelope>> {
    Ok(Json(ProjectEnvelope { project: projects::set_modules(&state.db, &actor, &id, req, Utc::now()).await? }))
}

/// The client's superuser submits the Pre-install form.
#[utoipa::path(put, path = "/api/v1/deployment-projects/{id}/pre-install", tag = "deployment", request_body = PreInstallRequest,
    params(("id" = String, Path, description = "The project's id")),
    responses((status = 200, body = ProjectEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn submit_pre_install(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<PreInstallRequest>,
) -> ApiResult<Json<ProjectEnvelope>> {
    Ok(Json(ProjectEnvelope { project: projects::submit_pre_install(&state.db, &actor, &id, req, Utc::now()).await? }))
}

/// An account manager accepts the Pre-install form.
#[utoipa::path(post, path = "/api/v1/deployment-projects/{id}/pre-install/accept", tag = "deployment",
    params(("id" = String, Path, description = "The project's id")),
    responses((status = 200, body = ProjectEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn accept_pre_install(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Json<ProjectEnvelope>> {
    Ok(Json(ProjectEnvelope {
        project: projects::decide(&state.db, &actor, &id, Reviewed::PreInstall, None, Utc::now()).await?,
    }))
}

/// An account manager returns the Pre-install form with what to mend.
#[utoipa::path(post, path = "/api/v1/deployment-projects/{id}/pre-install/return", tag = "deployment", request_body = ReasonRequest,
    params(("id" = String, Path, description = "The project's id")),
    responses((status = 200, body = ProjectEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn return_pre_install(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<ReasonRequest>,
) -> ApiResult<Json<ProjectEnvelope>> {
    Ok(Json(ProjectEnvelope {
        project: projects::decide(&state.db, &actor, &id, Reviewed::PreInstall, Some(req), Utc::now()).await?,
    }))
}

/// Agreed and installed numbers per item; beyond the agreement is an additional fee.
#[utoipa::path(put, path = "/api/v1/deployment-projects/{id}/installation", tag = "deployment", request_body = InstallationRequest,
    params(("id" = String, Path, description = "The project's id")),
    responses((status = 200, body = ProjectEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn put_installation(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<InstallationRequest>,
) -> ApiResult<Json<ProjectEnvelope>> {
    Ok(Json(ProjectEnvelope { project: projects::put_installation(&state.db, &actor, &id, req, Utc::now()).await? }))
}

/// The Go-Live form's commercial conditions, each fulfilled or not (account managers).
#[utoipa::path(put, path = "/api/v1/deployment-projects/{id}/go-live/conditions", tag = "deployment", request_body = GoLiveConditionsRequest,
    params(("id" = String, Path, description = "The project's id")),
    responses((status = 200, body = ProjectEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn put_go_live_conditions(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<GoLiveConditionsRequest>,
) -> ApiResult<Json<ProjectEnvelope>> {
    Ok(Json(ProjectEnvelope {
        project: projects::put_go_live_conditions(&state.db, &actor, &id, req, Utc::now()).await?,
    }))
}

/// The client's superuser signs the Go-Live form with their full name; 409 once signed.
#[utoipa::path(post, path = "/api/v1/deployment-projects/{id}/go-live/sign", tag = "deployment", request_body = SignRequest,
    params(("id" = String, Path, description = "The project's id")),
    responses((status = 200, body = ProjectEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn sign_go_live(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<SignRequest>,
) -> ApiResult<Json<ProjectEnvelope>> {
    Ok(Json(ProjectEnvelope { project: projects::sign_go_live(&state.db, &actor, &id, req, Utc::now()).await? }))
}

/// An account manager records an assessed go-live, with the reason.
#[utoipa::path(post, path = "/api/v1/deployment-projects/{id}/go-live/assess", tag = "deployment", request_body = AssessGoLiveRequest,
    params(("id" = String, Path, description = "The project's id")),
    responses((status = 200, body = ProjectEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn assess_go_live(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<AssessGoLiveRequest>,
) -> ApiResult<Json<ProjectEnvelope>> {
    Ok(Json(ProjectEnvelope { project: projects::assess_go_live(&state.db, &actor, &id, req, Utc::now()).await? }))
}

/// An outstanding issue on the completion form: a ticket of the organisation, or a new one.
#[utoipa::path(post, path = "/api/v1/deployment-projects/{id}/completion/outstanding", tag = "deployment", request_body = OutstandingRequest,
    params(("id" = String, Path, description = "The project's id")),
    responses((status = 200, body = ProjectEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn add_outstanding(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<OutstandingRequest>,
) -> ApiResult<Json<ProjectEnvelope>> {
    Ok(Json(ProjectEnvelope { project: projects::add_outstanding(&state.db, &actor, &id, req, Utc::now()).await? }))
}

/// Takes an issue off the completion form before it is signed.
#[utoipa::path(delete, path = "/api/v1/deployment-projects/{id}/completion/outstanding/{ticket_id}", tag = "deployment",
    params(("id" = String, Path, description = "The project's id"), ("ticket_id" = String, Path, description = "The ticket's id")),
    responses((status = 200, body = ProjectEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn remove_outstanding(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path((id, ticket_id)): Path<(String, String)>,
) -> ApiResult<Json<ProjectEnvelope>> {
    Ok(Json(ProjectEnvelope {
        project: projects::remove_outstanding(&state.db, &actor, &id, &ticket_id, Utc::now()).await?,
    }))
}

/// The client's superuser signs the Deployment Completion form; 409 once signed or deemed.
#[utoipa::path(post, path = "/api/v1/deployment-projects/{id}/completion/sign", tag = "deployment", request_body = SignRequest,
    params(("id" = String, Path, description = "The project's id")),
    responses((status = 200, body = ProjectEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn sign_completion(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<SignRequest>,
) -> ApiResult<Json<ProjectEnvelope>> {
    Ok(Json(ProjectEnvelope { project: projects::sign_completion(&state.db, &actor, &id, req, Utc::now()).await? }))
}
