//! Signing up, in and out, from the UI.

use crate::dto::UserDto;
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/rpc", input = leptos::server_fn::codec::Json)]
pub async fn get_me() -> Result<Option<UserDto>, AppError> {
    use super::context::*;
    let state = state()?;
    match optional_actor().await? {
        Some(actor) => Ok(Some(crate::ssr::services::people::me(&state.db, &actor).await?)),
        None => Ok(None),
    }
}

#[server(prefix = "/rpc", input = super::codec::FormOrJson)]
pub async fn login(email: String, password: String) -> Result<UserDto, AppError> {
    use super::context::*;
    use crate::dto::LoginRequest;
    use crate::ssr::auth::Client;
    let state = state()?;
    let device = device();
    let client = Client { user_agent: device.as_deref(), address: client_address() };
    let result = crate::ssr::services::people::login(
        &state.db,
        &state.auth,
        LoginRequest { email, password },
        client,
        chrono::Utc::now(),
    )
    .await;
    let result = result.map(|(token, user)| {
        set_cookie(&state.auth.session_cookie(&token));
        user
    });
    let to = result.as_ref().ok().map(home_of);
    finish_form(result, to)
}

#[server(prefix = "/rpc")]
pub async fn register(
    name: String,
    email: String,
    password: String,
    company: String,
    phone: Option<String>,
) -> Result<UserDto, AppError> {
    use super::context::*;
    use crate::dto::{LoginRequest, RegisterRequest};
    use crate::ssr::auth::Client;
    use crate::ssr::services::people;
    let state = state()?;
    let now = chrono::Utc::now();
    let req = RegisterRequest { name, email: email.clone(), password: password.clone(), company, phone };
    let device = device();
    let client = Client { user_agent: device.as_deref(), address: client_address() };
    let result = match people::register(&state.db, req, now).await {
        // Signed in straight away, so the person sees where their registration stands.
        Ok(_) => people::login(&state.db, &state.auth, LoginRequest { email, password }, client, now).await.map(
            |(token, user)| {
                set_cookie(&state.auth.session_cookie(&token));
                user
            },
        ),
        Err(e) => Err(e),
    };
    let to = result.as_ref().ok().map(home_of);
    finish_form(result, to)
}

#[server(prefix = "/rpc", input = super::codec::FormOrJson)]
pub async fn logout() -> Result<(), AppError> {
    use super::context::*;
    let state = state()?;
    if let Some(actor) = optional_actor().await? {
        crate::ssr::services::people::logout(&state.db, &actor, chrono::Utc::now()).await?;
    }
    set_cookie(&state.auth.clearing_cookie());
    finish_form(Ok(()), Some("/login".into()))
}

/// Where a person lands after signing in.
pub fn home_of(user: &UserDto) -> String {
    if user.is_active() {
        "/".into()
    } else {
        "/awaiting-approval".into()
    }
}

/// The link from the confirmation mail; then wherever the account now belongs.
#[server(prefix = "/rpc")]
pub async fn verify_email(token: String) -> Result<UserDto, AppError> {
    use super::context::*;
    use crate::dto::VerifyEmailRequest;
    let state = state()?;
    let result =
        crate::ssr::services::accounts::verify_email(&state.db, VerifyEmailRequest { token }, chrono::Utc::now()).await;
    let to = result.as_ref().ok().map(home_of);
    finish_form(result, to)
}

#[server(prefix = "/rpc")]
pub async fn resend_verification() -> Result<(), AppError> {
    use super::context::*;
    let state = state()?;
    let result = match actor().await {
        Ok(actor) => crate::ssr::services::accounts::resend_verification(&state.db, &actor, chrono::Utc::now()).await,
        Err(e) => Err(e),
    };
    finish_form(result, Some("/awaiting-approval?sent=1".into()))
}

/// Always the same answer, whether or not an account uses the address.
#[server(prefix = "/rpc")]
pub async fn forgot_password(email: String) -> Result<(), AppError> {
    use super::context::*;
    let state = state()?;
    let result = crate::ssr::services::accounts::forgot_password(&state.db, &email, chrono::Utc::now()).await;
    finish_form(result, Some("/forgot-password?sent=1".into()))
}

#[server(prefix = "/rpc")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    use super::context::*;
    use crate::dto::ResetPasswordRequest;
    let state = state()?;
    let req = ResetPasswordRequest { token, password };
    let result = crate::ssr::services::accounts::reset_password(&state.db, req, chrono::Utc::now()).await;
    finish_form(result, Some("/login?reset=1".into()))
}

/// The signed-in person's name, phone and time zone.
#[server(prefix = "/rpc")]
pub async fn save_profile(name: String, phone: String, time_zone: String) -> Result<UserDto, AppError> {
    use super::context::*;
    use crate::dto::ProfileRequest;
    let state = state()?;
    let result = match actor().await {
        Ok(actor) => {
            let req = ProfileRequest { name, phone: Some(phone), time_zone: Some(time_zone) };
            crate::ssr::services::people::update_profile(&state.db, &actor, req, chrono::Utc::now()).await
        }
        Err(e) => Err(e),
    };
    finish_form(result, Some("/profile?saved=1".into()))
}

/// The devices signed in to the caller's account.
#[server(prefix = "/rpc")]
pub async fn my_sessions() -> Result<Vec<crate::dto::SessionDto>, AppError> {
    use super::context::*;
    let state = state()?;
    crate::ssr::services::people::sessions(&state.db, &actor().await?, chrono::Utc::now()).await
}

/// Signs one device out, or (no `session_id`) every device but this one.
#[server(prefix = "/rpc")]
pub async fn end_session(session_id: Option<String>) -> Result<(), AppError> {
    use super::context::*;
    use crate::ssr::services::people;
    let state = state()?;
    let now = chrono::Utc::now();
    let result = match (actor().await, session_id.filter(|s| !s.is_empty())) {
        (Ok(actor), Some(id)) => people::end_session(&state.db, &actor, &id, now).await,
        (Ok(actor), None) => people::end_other_sessions(&state.db, &actor, now).await,
        (Err(e), _) => Err(e),
    };
    finish_form(result, Some("/profile".into()))
}

/// The invitation's link, with the password the invitee chooses; then they sign in.
#[server(prefix = "/rpc")]
pub async fn accept_invitation(token: String, password: String) -> Result<(), AppError> {
    use super::context::*;
    use crate::dto::AcceptInvitationRequest;
    let state = state()?;
    let req = AcceptInvitationRequest { token, password };
    let result = crate::ssr::services::accounts::accept_invitation(&state.db, req, chrono::Utc::now()).await;
    finish_form(result, Some("/login?welcome=1".into()))
}

#[server(prefix = "/rpc")]
pub async fn change_password(current_password: String, new_password: String) -> Result<(), AppError> {
    use super::context::*;
    use crate::dto::ChangePasswordRequest;
    let state = state()?;
    let result = match actor().await {
        Ok(actor) => {
            let req = ChangePasswordRequest { current_password, new_password };
            crate::ssr::services::accounts::change_password(&state.db, &actor, req, chrono::Utc::now()).await
        }
        Err(e) => Err(e),
    };
    finish_form(result, Some("/profile?changed=1".into()))
}

/// Signs out on every device, this one included.
#[server(prefix = "/rpc")]
pub async fn logout_everywhere() -> Result<(), AppError> {
    use super::context::*;
    let state = state()?;
    if let Some(actor) = optional_actor().await? {
        crate::ssr::services::people::logout_everywhere(&state.db, &actor, chrono::Utc::now()).await?;
    }
    set_cookie(&state.auth.clearing_cookie());
    finish_form(Ok(()), Some("/login".into()))
}
