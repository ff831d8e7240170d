//! Signing up, in and out, from the UI.

use crate::dto::UserDto;
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/rpc")]
pub async fn get_me() -> Result<Option<UserDto>, AppError> {
    use super::context::*;
    let state = state()?;
    match optional_actor().await? {
        Some(actor) => Ok(Some(crate::ssr::services::people::me(&state.db, &actor).await?)),
        None => Ok(None),
    }
}

#[server(prefix = "/rpc")]
pub async fn login(email: String, password: String) -> Result<UserDto, AppError> {
    use super::context::*;
    use crate::dto::LoginRequest;
    let state = state()?;
    let result = crate::ssr::services::people::login(
        &state.db,
        &state.auth,
        LoginRequest { email, password },
        chrono::Utc::now(),
    )
    .await;
    let result = result.map(|(token, user)| {
        set_cookie(&state.auth.session_cookie(&token));
        user
    });
    let to = result.as_ref().ok().map(|u| home_of(u));
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
    use crate::ssr::services::people;
    let state = state()?;
    let now = chrono::Utc::now();
    let req = RegisterRequest { name, email: email.clone(), password: password.clone(), company, phone };
    let result = match people::register(&state.db, req, now).await {
        // Signed in straight away, so the person sees where their registration stands.
        Ok(_) => {
            people::login(&state.db, &state.auth, LoginRequest { email, password }, now).await.map(|(token, user)| {
                set_cookie(&state.auth.session_cookie(&token));
                user
            })
        }
        Err(e) => Err(e),
    };
    let to = result.as_ref().ok().map(|u| home_of(u));
    finish_form(result, to)
}

#[server(prefix = "/rpc")]
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
