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

    /// The code as an address carries it back to a page (`?error=`, read by `sentence_for_code`):
    /// codes are lower-case words and underscores; anything else reads as no code.
    pub fn code_for_address(&self) -> &str {
        match self.code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
            true => &self.code,
            false => "error",
        }
    }

    /// The message for one field, for forms that show errors next to inputs.
    pub fn field(&self, name: &str) -> Option<String> {
        self.fields.get(name).cloned()
    }
}

/// The sentence a page shows for an error that reached it by code, in the address (`?error=`):
/// a plain form post refused before the page hydrated. The address carries the code only, never a
/// sentence, so a link cannot put words of its own on the portal's pages (issue 20, finding 8):
/// what shows is ours, from this table, and anything else reads as the generic sentence.
pub fn sentence_for_code(code: &str) -> &'static str {
    match code {
        "invalid_credentials" => "That e-mail address and password do not match an account.",
        "too_many_attempts" => "Too many failed sign-ins; wait a few minutes and try again.",
        "account_inactive" => "This account cannot sign in. Contact your CyTrack account manager.",
        "awaiting_approval" => "Your registration is waiting for approval; we will e-mail you when it is decided.",
        "invalid_token" => {
            "This link has expired or was already used, or your session ended. Ask for a new link, or sign in again."
        }
        "unauthenticated" => "Please sign in to continue.",
        "email_taken" => "An account with this e-mail address already exists. Sign in, or reset your password.",
        "domain_taken" => "That e-mail domain already belongs to another organisation.",
        "invalid_fields" => "Some fields need attention: check the form and send it again.",
        "forbidden" | "not_staff" | "not_a_client" => "You do not have permission to do that.",
        "software_care_required" => "The Insider is for clients with a current Software Care (IRS) contract.",
        "not_found" => "That no longer exists, or is not yours to see.",
        "insufficient_balance" => "There are not enough voucher minutes for this.",
        "inside_business_hours" => "After-hours work must be booked outside business hours.",
        "invalid_window" | "too_soon" => "Choose a start and end for the booking that the rules allow.",
        "booking_changed" | "stage_changed" => "Someone changed this meanwhile; reload the page and try again.",
        "invalid_transition" | "invalid_stage" => "That step is not possible from where this stands now.",
        "already_decided" | "already_accepted" | "already_signed" | "already_refunded" => "That was already done.",
        "ticket_closed" => "This ticket is closed.",
        "replied_since" => "Someone replied since you opened this ticket; read it, then send yours again.",
        "conditions_unfulfilled" => "The conditions for this step are not all met yet.",
        "last_admin" => "The portal must keep at least one active administrator.",
        "last_superuser" => "An organisation must keep at least one active superuser.",
        "cannot_disable_self" => "You cannot disable your own account.",
        "queue_exists" => "A queue with that name already exists.",
        "release_exists" | "release_out_of_order" => "That release number cannot be used; choose one of those offered.",
        "release_shipped" | "release_planned" => "That is not possible for this release as it stands.",
        "question_ticketed" => "That question is already a ticket.",
        "too_large" | "too_many_files" => "That was too large to accept; send less, or fewer files at once.",
        "too_many_searches" => "Your other searches are still running; try again in a moment.",
        "unavailable" => "The portal is busy; try again in a moment.",
        _ => "That did not go through. Check the form and try again.",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_in_the_address_reads_only_as_our_own_sentence() {
        let cases = [
            ("invalid_credentials", "That e-mail address and password do not match an account."),
            ("last_superuser", "An organisation must keep at least one active superuser."),
            ("Account locked, call +1 555 0100", "That did not go through. Check the form and try again."),
            ("", "That did not go through. Check the form and try again."),
        ];
        for (code, sentence) in cases {
            assert_eq!(sentence_for_code(code), sentence, "{code}");
        }
    }
}
