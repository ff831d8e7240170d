//! `/releases`, `/organizations/{id}/installed-release` and the Insider blog (`/insider/...`).

use super::{ApiError, ApiResult, Authenticated, Json, Query};
use app::dto::{
    AnswerRequest, CreateReleaseRequest, ErrorBody, FeedTokenDto, InstalledReleaseDto, InstalledReleaseRequest,
    NextNumbersDto, Page, PostDto, PostFilter, PostRequest, PostSummaryDto, QuestionEnvelope, QuestionRequest,
    ReleaseDetail, ReleaseDto, ReleaseEnvelope, ReleaseInUseDto, SlateRequest, SlatedDto, TicketEnvelope,
    UpdateReleaseRequest, UpgradeRequest,
};
use app::ssr::services::{insider, releases};
use app::ssr::state::AppState;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use chrono::Utc;
use serde::Deserialize;

#[utoipa::path(get, path = "/api/v1/releases", tag = "releases",
    responses((status = 200, body = Page<ReleaseDto>), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
) -> ApiResult<Json<Page<ReleaseDto>>> {
    Ok(Json(Page::whole(releases::list(&state.db, &actor).await?)))
}

#[utoipa::path(post, path = "/api/v1/releases", tag = "releases", request_body = CreateReleaseRequest,
    responses((status = 201, body = ReleaseEnvelope), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Json(req): Json<CreateReleaseRequest>,
) -> ApiResult<impl IntoResponse> {
    let release = releases::create(&state.db, &actor, req, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(ReleaseEnvelope { release })))
}

#[utoipa::path(get, path = "/api/v1/releases/next-numbers", tag = "releases",
    responses((status = 200, body = NextNumbersDto), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
pub async fn next_numbers(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
) -> ApiResult<Json<NextNumbersDto>> {
    Ok(Json(releases::next(&state.db, &actor, Utc::now()).await?))
}

#[utoipa::path(get, path = "/api/v1/releases/in-use", tag = "releases",
    responses((status = 200, body = Vec<ReleaseInUseDto>), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
pub async fn in_use(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
) -> ApiResult<Json<Vec<ReleaseInUseDto>>> {
    Ok(Json(releases::in_use(&state.db, &actor).await?))
}

#[utoipa::path(get, path = "/api/v1/releases/{id}", tag = "releases",
    params(("id" = String, Path, description = "The release's id")),
    responses((status = 200, body = ReleaseDetail), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Json<ReleaseDetail>> {
    Ok(Json(releases::get(&state.db, &actor, &id).await?))
}

#[utoipa::path(put, path = "/api/v1/releases/{id}", tag = "releases", request_body = UpdateReleaseRequest,
    params(("id" = String, Path, description = "The release's id")),
    responses((status = 200, body = ReleaseEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<UpdateReleaseRequest>,
) -> ApiResult<Json<ReleaseEnvelope>> {
    Ok(Json(ReleaseEnvelope { release: releases::update(&state.db, &actor, &id, req, Utc::now()).await? }))
}

#[utoipa::path(post, path = "/api/v1/releases/{id}/ship", tag = "releases",
    params(("id" = String, Path, description = "The release's id")),
    responses((status = 200, body = ReleaseEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn ship(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Json<ReleaseEnvelope>> {
    Ok(Json(ReleaseEnvelope { release: releases::ship(&state.db, &actor, &id, Utc::now()).await? }))
}

#[utoipa::path(post, path = "/api/v1/releases/{id}/tickets", tag = "releases", request_body = SlateRequest,
    params(("id" = String, Path, description = "The release's id")),
    responses((status = 200, body = SlatedDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn slate(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<SlateRequest>,
) -> ApiResult<Json<SlatedDto>> {
    Ok(Json(releases::slate(&state.db, &actor, &id, req, Utc::now()).await?))
}

#[utoipa::path(delete, path = "/api/v1/releases/{id}/tickets/{ticket_id}", tag = "releases",
    params(("id" = String, Path, description = "The release's id"), ("ticket_id" = String, Path, description = "The ticket's id")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn unslate(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path((id, ticket_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    releases::unslate(&state.db, &actor, &id, &ticket_id, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/releases/{id}/upgrade", tag = "releases", request_body = UpgradeRequest,
    params(("id" = String, Path, description = "The release to upgrade to")),
    responses((status = 201, body = TicketEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn request_upgrade(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<UpgradeRequest>,
) -> ApiResult<impl IntoResponse> {
    let ticket = releases::request_upgrade(&state.db, &actor, &id, req, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(TicketEnvelope { ticket })))
}

#[utoipa::path(get, path = "/api/v1/organizations/{id}/installed-release", tag = "releases",
    params(("id" = String, Path, description = "The organisation's id")),
    responses((status = 200, body = InstalledReleaseDto), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn installed(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Json<InstalledReleaseDto>> {
    Ok(Json(releases::installed(&state.db, &actor, &id).await?))
}

#[utoipa::path(put, path = "/api/v1/organizations/{id}/installed-release", tag = "releases",
    request_body = InstalledReleaseRequest, params(("id" = String, Path, description = "The organisation's id")),
    responses((status = 200, body = InstalledReleaseDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_installed(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<InstalledReleaseRequest>,
) -> ApiResult<Json<InstalledReleaseDto>> {
    Ok(Json(releases::set_installed(&state.db, &actor, &id, req, Utc::now()).await?))
}

#[utoipa::path(get, path = "/api/v1/insider/posts", tag = "insider", params(PostFilter),
    responses((status = 200, body = Page<PostSummaryDto>), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn posts(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Query(filter): Query<PostFilter>,
) -> ApiResult<Json<Page<PostSummaryDto>>> {
    Ok(Json(insider::list(&state.db, &actor, filter, Utc::now()).await?))
}

#[utoipa::path(post, path = "/api/v1/insider/posts", tag = "insider", request_body = PostRequest,
    responses((status = 201, body = PostDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_post(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Json(req): Json<PostRequest>,
) -> ApiResult<impl IntoResponse> {
    let post = insider::create(&state.db, &actor, req, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(post)))
}

#[utoipa::path(get, path = "/api/v1/insider/posts/{id}", tag = "insider",
    params(("id" = String, Path, description = "The post's id")),
    responses((status = 200, body = PostDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn post(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Json<PostDto>> {
    Ok(Json(insider::get(&state.db, &actor, &id, Utc::now()).await?))
}

#[utoipa::path(put, path = "/api/v1/insider/posts/{id}", tag = "insider", request_body = PostRequest,
    params(("id" = String, Path, description = "The post's id")),
    responses((status = 200, body = PostDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update_post(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<PostRequest>,
) -> ApiResult<Json<PostDto>> {
    Ok(Json(insider::update(&state.db, &actor, &id, req, Utc::now()).await?))
}

#[utoipa::path(post, path = "/api/v1/insider/posts/{id}/questions", tag = "insider", request_body = QuestionRequest,
    params(("id" = String, Path, description = "The post's id")),
    responses((status = 201, body = QuestionEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn ask(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<QuestionRequest>,
) -> ApiResult<impl IntoResponse> {
    let question = insider::ask(&state.db, &actor, &id, req, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(QuestionEnvelope { question })))
}

#[utoipa::path(post, path = "/api/v1/insider/questions/{id}/answer", tag = "insider", request_body = AnswerRequest,
    params(("id" = String, Path, description = "The question's id")),
    responses((status = 200, body = QuestionEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn answer(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<AnswerRequest>,
) -> ApiResult<Json<QuestionEnvelope>> {
    Ok(Json(QuestionEnvelope { question: insider::answer(&state.db, &actor, &id, req, Utc::now()).await? }))
}

#[utoipa::path(post, path = "/api/v1/insider/questions/{id}/ticket", tag = "insider",
    params(("id" = String, Path, description = "The question's id")),
    responses((status = 201, body = TicketEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn question_to_ticket(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    let ticket = insider::to_ticket(&state.db, &actor, &id, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(TicketEnvelope { ticket })))
}

#[utoipa::path(post, path = "/api/v1/insider/feed-token", tag = "insider",
    responses((status = 200, body = FeedTokenDto), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
pub async fn feed_token(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
) -> ApiResult<Json<FeedTokenDto>> {
    Ok(Json(insider::new_feed_token(&state.db, &actor, &state.public_url, Utc::now()).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedQuery {
    /// The reader's private feed token (`POST /api/v1/insider/feed-token`).
    #[serde(default)]
    pub token: String,
}

#[utoipa::path(get, path = "/api/v1/insider/feed.atom", tag = "insider", params(FeedQuery),
    responses((status = 200, content_type = "application/atom+xml", body = String), (status = 401, body = ErrorBody)))]
pub async fn feed(
    State(state): State<AppState>,
    Query(query): Query<FeedQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let xml = insider::feed(&state.db, &query.token, &state.public_url, Utc::now()).await?;
    Ok(([(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")], xml))
}
