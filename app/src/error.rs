//! The one error type of the portal: a kind (which fixes the HTTP status), a stable code, a
//! sentence a person can act on, and optional per-field messages.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The request itself is malformed (bad JSON, wrong content type).
    BadRequest,
    /// Not signed in, or the token is not valid.
    Unauthenticated,
    /// Signed in, but this role may not do this.
    Forbidden,
    /// Does not exist, or is not yours (the two are indistinguishable on purpose).
    NotFound,
    /// Conflicts with what is stored (an email already taken, not enough balance).
    Conflict,
    /// The body is larger than the portal accepts.
    TooLarge,
    /// Well-formed, but a business rule or a field check refused it.
    Rule,
    /// Too many attempts in a short time.
    TooManyAttempts,
    /// Too busy to take this now; try again shortly.
    Unavailable,
    /// Our fault; the detail went to the log, never to the client.
    Internal,
}

impl ErrorKind {
    pub fn status(self) -> u16 {
        match self {
            ErrorKind::BadRequest => 400,
            ErrorKind::Unauthenticated => 401,
            ErrorKind::Forbidden => 403,
            ErrorKind::NotFound => 404,
            ErrorKind::Conflict => 409,
            ErrorKind::TooLarge => 413,
            ErrorKind::Rule => 422,
            ErrorKind::TooManyAttempts => 429,
            ErrorKind::Internal => 500,
            ErrorKind::Unavailable => 503,
        }
    }
}

pub type FieldErrors = BTreeMap<String, String>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppError {
    pub kind: ErrorKind,
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: FieldErrors,
    /// When to try again, in seconds (sent as `Retry-After` with a 429 or a 503).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u32>,
}

impl AppError {
    pub fn new(kind: ErrorKind, code: impl Into<String>, message: impl Into<String>) -> Self {
        Self { kind, code: code.into(), message: message.into(), fields: FieldErrors::new(), retry_after: None }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::BadRequest, "bad_request", message)
    }

    pub fn unauthenticated() -> Self {
        Self::new(ErrorKind::Unauthenticated, "unauthenticated", "Please sign in to continue.")
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Forbidden, "forbidden", message)
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(ErrorKind::NotFound, "not_found", format!("No {what} with that id exists."))
    }

    pub fn conflict(code: &str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Conflict, code, message)
    }

    pub fn rule(code: &str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Rule, code, message)
    }

    pub fn too_large() -> Self {
        Self::new(ErrorKind::TooLarge, "too_large", "The request is larger than 2 MB; send less text or split it up.")
    }

    pub fn internal() -> Self {
        Self::new(
            ErrorKind::Internal,
            "internal",
            "Something went wrong on our side; nothing was changed. Please try again.",
        )
    }

    /// A 422 naming the fields at fault.
    pub fn invalid_fields(fields: FieldErrors) -> Self {
        let message = match fields.len() {
            1 => fields.values().next().cloned().unwrap_or_default(),
            _ => "Some fields need attention; see the messages next to them.".to_string(),
        };
        Self { kind: ErrorKind::Rule, code: "invalid_fields".into(), message, fields, retry_after: None }
    }

    /// The same error, telling the caller when to try again.
    pub fn retry_after(mut self, seconds: u32) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// The server is too busy for this now (503 with `Retry-After`).
    pub fn unavailable(message: impl Into<String>, seconds: u32) -> Self {
        Self::new(ErrorKind::Unavailable, "unavailable", message).retry_after(seconds)
    }

    /// The same error under a more precise code.
    pub fn with_code(mut self, code: &str) -> Self {
        self.code = code.into();
        self
    }

    pub fn status(&self) -> u16 {
        self.kind.status()
    }

    /// The message for one field, for forms that show errors next to inputs.
    pub fn field(&self, name: &str) -> Option<String> {
        self.fields.get(name).cloned()
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for AppError {}

/// Collects field errors while a request is parsed, so a form gets every message at once.
#[derive(Default)]
pub struct FieldCheck {
    errors: FieldErrors,
}

impl FieldCheck {
    /// Whether nothing was refused so far.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// Keeps the value when it parsed, records the message under `field` when it did not.
    pub fn take<T>(&mut self, field: &str, parsed: Result<T, String>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(message) => {
                self.errors.insert(field.to_string(), message);
                None
            }
        }
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.errors.insert(field.to_string(), message.into());
    }

    /// Ok when every field parsed; otherwise the 422 with all messages.
    pub fn finish(self) -> Result<(), AppError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::invalid_fields(self.errors))
        }
    }
}

impl leptos::server_fn::error::FromServerFnError for AppError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        use leptos::server_fn::error::ServerFnErrorErr as E;
        match value {
            E::Request(_) => AppError::new(
                ErrorKind::Internal,
                "network",
                "The portal could not be reached; check your connection and try again.",
            ),
            E::Args(m) | E::MissingArg(m) | E::Deserialization(m) => {
                AppError::bad_request(format!("The form could not be read: {m}"))
            }
            _ => AppError::internal(),
        }
    }
}
