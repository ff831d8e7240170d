//! `/auth/*` and `/me`.

use super::{ApiResult, Authenticated, Json};
use app::dto::{ErrorBody, LoginRequest, LoginResponse, RegisterRequest, UserEnvelope};
use app::ssr::services::people;
use app::ssr::state::AppState;
use axum::extract::State;
use axum::http::{header::SET_COOKIE, StatusCode};
use axum::response::IntoResponse;
use chrono::Utc;

#[utoipa::path(post, path = "/api/v1/auth/register", tag = "auth", request_body = RegisterRequest,
    responses((status = 201, body = UserEnvelope), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn register(State(state): State<AppState>, Json(req): Json<RegisterRequest>) -> ApiResult<impl IntoResponse> {
    let user = people::register(&state.db, req, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(UserEnvelope { user })))
}

#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn login(State(state): State<AppState>, Json(req): Json<LoginRequest>) -> ApiResult<impl IntoResponse> {
    let (token, user) = people::login(&state.db, &state.auth, req, Utc::now()).await?;
    let cookie = state.auth.session_cookie(&token);
    Ok(([(SET_COOKIE, cookie)], Json(LoginResponse { token, user })))
}

#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    responses((status = 204), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
pub async fn logout(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
) -> ApiResult<impl IntoResponse> {
    people::logout(&state.db, &actor, Utc::now()).await?;
    Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, state.auth.clearing_cookie())]))
}

#[utoipa::path(get, path = "/api/v1/me", tag = "auth",
    responses((status = 200, body = UserEnvelope), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
pub async fn me(State(state): State<AppState>, Authenticated(actor): Authenticated) -> ApiResult<Json<UserEnvelope>> {
    Ok(Json(UserEnvelope { user: people::me(&state.db, &actor).await? }))
}
