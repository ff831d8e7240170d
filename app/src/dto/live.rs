//! Live updates: the changes the event stream carries, and who is on a ticket.

use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use utoipa::ToSchema;

/// A change to a ticket, as `GET /api/v1/events` sends it (`event: ticket`): a line of the
/// ticket's history. The event's SSE id is `id`; reconnecting with `Last-Event-ID` resumes after it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct TicketEventDto {
    pub id: i64,
    pub ticket_id: String,
    /// What changed: `created`, `reply`, `note` (staff only), `status`, `priority`, `assignee`,
    /// `queue`, `billing`, `time` (staff only), `release`...
    pub field: String,
    /// Who changed it; none for the portal itself (a reminder, mail in).
    pub actor_id: Option<String>,
}

/// Someone else on a ticket's page now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct ViewerDto {
    pub user_id: String,
    pub name: String,
    /// Typing a reply or a note.
    pub typing: bool,
}

/// Who else is on a ticket (staff only; the caller is left out).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct PresenceDto {
    pub viewers: Vec<ViewerDto>,
}

/// A ticket page's beat: still here, and typing or not.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct PresenceRequest {
    #[serde(default)]
    pub typing: bool,
}
