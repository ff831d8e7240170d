//! Wire types of proving an address, of passwords, and of changing who holds which duty (API.md,
//! "Auth and people").

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use utoipa::ToSchema;

/// The token from the link mailed at registration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct VerifyEmailRequest {
    pub token: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct ForgotPasswordRequest {
    pub email: String,
}

/// The token from the reset mail and the new password.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct ResetPasswordRequest {
    pub token: String,
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

/// A staff account's new role: `agent`, `account_manager` or `admin`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct RoleRequest {
    pub role: String,
}

/// Whether a client's person is a superuser of their organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct SuperuserRequest {
    pub superuser: bool,
}

/// Someone to invite into an organisation: they choose their password from the mailed link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct InviteRequest {
    pub name: String,
    pub email: String,
}

/// The token from an invitation's link, with the password the invitee chooses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct AcceptInvitationRequest {
    pub token: String,
    pub password: String,
}

/// What a person changes about themselves on their profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct ProfileRequest {
    pub name: String,
    #[serde(default)]
    pub phone: Option<String>,
    /// One of the portal's time zones, or empty for the support time zone.
    #[serde(default)]
    pub time_zone: Option<String>,
}

/// A device signed in to one's account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct SessionDto {
    pub id: String,
    pub signed_in_at: DateTime<Utc>,
    /// When it was last used (to within five minutes).
    pub last_seen_at: DateTime<Utc>,
    /// The browser, as it said at sign-in.
    pub device: String,
    /// The session this request came with.
    pub current: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct SessionsEnvelope {
    pub sessions: Vec<SessionDto>,
}
