//! `/auth/*` and `/me`.

use super::{ApiResult, Authenticated, Json};
use app::dto::{
    AcceptInvitationRequest, ChangePasswordRequest, ErrorBody, ForgotPasswordRequest, LoginRequest, LoginResponse,
    ProfileRequest, RegisterRequest, ResetPasswordRequest, SessionsEnvelope, UserEnvelope, VerifyEmailRequest,
};
use app::ssr::auth::{Client, ClientAddress};
use app::ssr::services::{accounts, people};
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
    responses((status = 200, body = LoginResponse), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody),
        (status = 503, body = ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    address: Option<axum::Extension<ClientAddress>>,
    Json(req): Json<LoginRequest>,
) -> ApiResult<impl IntoResponse> {
    let user_agent = headers.get(axum::http::header::USER_AGENT).and_then(|v| v.to_str().ok());
    let client = Client { user_agent, address: address.map(|a| a.0 .0) };
    let (token, user) = people::login(&state.db, &state.auth, req, client, Utc::now()).await?;
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

#[utoipa::path(post, path = "/api/v1/auth/verify-email", tag = "auth", request_body = VerifyEmailRequest,
    responses((status = 200, body = UserEnvelope), (status = 422, body = ErrorBody)))]
pub async fn verify_email(
    State(state): State<AppState>,
    Json(req): Json<VerifyEmailRequest>,
) -> ApiResult<Json<UserEnvelope>> {
    Ok(Json(UserEnvelope { user: accounts::verify_email(&state.db, req, Utc::now()).await? }))
}

#[utoipa::path(post, path = "/api/v1/auth/resend-verification", tag = "auth",
    responses((status = 202), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
pub async fn resend_verification(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
) -> ApiResult<StatusCode> {
    accounts::resend_verification(&state.db, &actor, Utc::now()).await?;
    Ok(StatusCode::ACCEPTED)
}

#[utoipa::path(post, path = "/api/v1/auth/forgot-password", tag = "auth", request_body = ForgotPasswordRequest,
    responses((status = 202, description = "The same whether or not an account uses the address")))]
pub async fn forgot_password(
    State(state): State<AppState>,
    Json(req): Json<ForgotPasswordRequest>,
) -> ApiResult<StatusCode> {
    accounts::forgot_password(&state.db, &req.email, Utc::now()).await?;
    Ok(StatusCode::ACCEPTED)
}

#[utoipa::path(post, path = "/api/v1/auth/reset-password", tag = "auth", request_body = ResetPasswordRequest,
    responses((status = 204), (status = 422, body = ErrorBody)))]
pub async fn reset_password(
    State(state): State<AppState>,
    Json(req): Json<ResetPasswordRequest>,
) -> ApiResult<StatusCode> {
    accounts::reset_password(&state.db, req, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/auth/accept-invitation", tag = "auth", request_body = AcceptInvitationRequest,
    responses((status = 204), (status = 422, body = ErrorBody)))]
pub async fn accept_invitation(
    State(state): State<AppState>,
    Json(req): Json<AcceptInvitationRequest>,
) -> ApiResult<StatusCode> {
    accounts::accept_invitation(&state.db, req, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(put, path = "/api/v1/me", tag = "auth", request_body = ProfileRequest,
    responses((status = 200, body = UserEnvelope), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update_profile(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Json(req): Json<ProfileRequest>,
) -> ApiResult<Json<UserEnvelope>> {
    Ok(Json(UserEnvelope { user: people::update_profile(&state.db, &actor, req, Utc::now()).await? }))
}

#[utoipa::path(get, path = "/api/v1/me/sessions", tag = "auth",
    responses((status = 200, body = SessionsEnvelope), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
pub async fn sessions(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
) -> ApiResult<Json<SessionsEnvelope>> {
    Ok(Json(SessionsEnvelope { sessions: people::sessions(&state.db, &actor, Utc::now()).await? }))
}

#[utoipa::path(delete, path = "/api/v1/me/sessions/{id}", tag = "auth",
    params(("id" = String, Path, description = "The session's id")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn end_session(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> ApiResult<StatusCode> {
    people::end_session(&state.db, &actor, &id, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/me/sessions/end-others", tag = "auth",
    responses((status = 204), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
pub async fn end_other_sessions(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
) -> ApiResult<StatusCode> {
    people::end_other_sessions(&state.db, &actor, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(put, path = "/api/v1/me/password", tag = "auth", request_body = ChangePasswordRequest,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn change_password(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Json(req): Json<ChangePasswordRequest>,
) -> ApiResult<StatusCode> {
    accounts::change_password(&state.db, &actor, req, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/auth/logout-everywhere", tag = "auth",
    responses((status = 204), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
pub async fn logout_everywhere(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
) -> ApiResult<impl IntoResponse> {
    people::logout_everywhere(&state.db, &actor, Utc::now()).await?;
    Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, state.auth.clearing_cookie())]))
}
