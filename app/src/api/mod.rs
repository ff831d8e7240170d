//! Server functions: the UI's door to the services. Each one authenticates, calls one service and
//! shapes the answer; no rule lives here.

pub mod afterhours;
pub mod auth;
pub mod billing;
pub mod codec;
pub mod files;
pub mod live;
pub mod macs;
pub mod notifications;
pub mod people;
pub mod projects;
pub mod registrations;
pub mod releases;
pub mod reports;
pub mod tickets;
pub mod vouchers;

#[cfg(feature = "ssr")]
pub(crate) mod context {
    use crate::error::AppError;
    use crate::ssr::auth::{token_from_headers, Actor};
    use crate::ssr::services::people;
    use crate::ssr::state::AppState;
    use http::header::{HeaderValue, ACCEPT, REFERER, SET_COOKIE};
    use leptos::prelude::*;
    use leptos_axum::ResponseOptions;

    pub fn state() -> Result<AppState, AppError> {
        use_context::<AppState>().ok_or_else(AppError::internal)
    }

    fn parts() -> Result<http::request::Parts, AppError> {
        use_context::<http::request::Parts>().ok_or_else(AppError::internal)
    }

    /// The signed-in actor, if the request carries a live session.
    pub async fn optional_actor() -> Result<Option<Actor>, AppError> {
        let state = state()?;
        let Some(token) = token_from_headers(&parts()?.headers) else { return Ok(None) };
        match people::authenticate(&state.db, &state.auth, &token, chrono::Utc::now()).await {
            Ok(actor) => Ok(Some(actor)),
            Err(e) if e.status() == 401 => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The browser the request came from, as it says (shown to the account's owner only).
    pub fn device() -> Option<String> {
        let parts = parts().ok()?;
        parts.headers.get(http::header::USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_string)
    }

    /// Where the request came from, as the server stamped it (`ClientAddress`).
    pub fn client_address() -> Option<std::net::IpAddr> {
        parts().ok()?.extensions.get::<crate::ssr::auth::ClientAddress>().map(|a| a.0)
    }

    pub async fn actor() -> Result<Actor, AppError> {
        optional_actor().await?.ok_or_else(AppError::unauthenticated)
    }

    /// Minutes typed into a form field: a whole number, or a 422 naming the field.
    pub fn form_minutes(field: &str, typed: &str) -> Result<i64, AppError> {
        typed.trim().parse::<i64>().map_err(|_| {
            crate::ssr::services::people::field_error(field, "Enter the minutes as a whole number.".into())
        })
    }

    pub fn set_cookie(value: &str) {
        if let (Some(response), Ok(value)) = (use_context::<ResponseOptions>(), HeaderValue::from_str(value)) {
            response.append_header(SET_COOKIE, value);
        }
    }

    /// Ends a form's server function. A plain HTML form (no WASM yet) follows redirects, so
    /// success goes to `success_to` and a refusal goes back to the form with its code in
    /// `?error=` and its sentence in a flash cookie (`widgets::QueryError` shows it); the hydrated form gets the result itself and shows messages in place.
    pub fn finish_form<T>(result: Result<T, AppError>, success_to: Option<String>) -> Result<T, AppError> {
        let plain_form = parts()
            .ok()
            .and_then(|p| p.headers.get(ACCEPT).and_then(|v| v.to_str().ok()).map(|v| v.contains("text/html")))
            .unwrap_or(false);
        match &result {
            Ok(_) => {
                if let Some(to) = success_to {
                    leptos_axum::redirect(&to);
                }
            }
            Err(e) if plain_form => {
                let back = parts()
                    .ok()
                    .and_then(|p| p.headers.get(REFERER).and_then(|v| v.to_str().ok()).map(str::to_string))
                    .and_then(|r| http::Uri::try_from(r).ok());
                let path = back.as_ref().map(|u| u.path().to_string()).unwrap_or_else(|| "/".into());
                // The form's own query stays (a reset link's token, a list's filters); only an
                // earlier error goes.
                let kept: String = back
                    .as_ref()
                    .and_then(|u| u.query())
                    .map(|q| {
                        q.split('&')
                            .filter(|p| !p.is_empty() && !p.starts_with("error="))
                            .map(|p| format!("{p}&"))
                            .collect()
                    })
                    .unwrap_or_default();
                if let Ok(state) = state() {
                    set_cookie(&state.auth.flash_cookie(e));
                }
                leptos_axum::redirect(&format!("{path}?{kept}error={}", e.code_for_address()));
            }
            Err(_) => {}
        }
        result
    }
}
