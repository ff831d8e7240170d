//! Wire types of notifications: the bell's list, preferences, and the mail outbox admins read.

use crate::domain::notifications::NotificationKind;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct NotificationDto {
    pub id: String,
    pub kind: NotificationKind,
    pub title: String,
    pub body: String,
    /// Where in the portal it points (a ticket, a booking, the registrations), as a path.
    pub link: Option<String>,
    pub ticket_id: Option<String>,
    pub organization_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct NotificationFilter {
    /// `true` for unread notifications only.
    pub unread: Option<bool>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct UnreadCount {
    pub count: u64,
}

/// One kind of notification on a person's preferences page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct PreferenceDto {
    pub kind: NotificationKind,
    pub label: String,
    /// Whether it is also sent by e-mail (the portal's list always has it).
    pub mail: bool,
    /// Essential notices are always mailed.
    pub essential: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct PreferencesDto {
    pub items: Vec<PreferenceDto>,
}

/// E-mail on or off for some kinds; kinds not named keep their setting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct PreferencesRequest {
    pub mail: std::collections::BTreeMap<String, bool>,
}

/// A message in the outbox, as admins see it (never its body: that is the recipient's).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct OutboxMessageDto {
    pub id: String,
    pub kind: String,
    pub to_address: String,
    pub title: String,
    /// `pending`, `sent` or `failed`.
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub next_attempt_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct OutboxFilter {
    /// `pending`, `sent` or `failed`.
    pub status: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// What became of a message sent to the support address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct InboundResult {
    /// `ticket_created`, `comment_added` or `rejected`.
    pub outcome: String,
    pub ticket_id: Option<String>,
    /// Why it was rejected.
    pub reason: Option<String>,
}

/// A message received, as admins see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct InboundMailDto {
    pub id: String,
    pub message_id: Option<String>,
    pub from_address: String,
    pub subject: String,
    pub outcome: String,
    pub reason: Option<String>,
    pub ticket_id: Option<String>,
    /// `endpoint` or `imap`.
    pub source: String,
    pub created_at: DateTime<Utc>,
}

/// A page of a list that has no filters.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct PageQuery {
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}
