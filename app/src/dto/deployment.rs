//! Wire types of deployment projects: a project, its timeline, and the requests that move it.

use crate::domain::deployment::{FormStatus, Stage, StageState, StakeholderRole, UatStatus};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct CreateProjectRequest {
    /// What is being deployed, e.g. "Sydney contact centre" or "Re-deployment 2027".
    pub name: String,
}

/// The stage to move to: the next one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct AdvanceRequest {
    pub to: String,
}

/// One stage on a project's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct StageDto {
    pub stage: Stage,
    pub label: String,
    pub state: StageState,
    pub entered_at: Option<DateTime<Utc>>,
    pub entered_by_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct ProjectDto {
    pub id: String,
    pub organization_id: String,
    pub organization_name: String,
    pub name: String,
    pub stage: Stage,
    /// Every stage in order, with when it was entered and by whom.
    pub timeline: Vec<StageDto>,
    pub stakeholders: StakeholdersFormDto,
    /// Training sessions held, oldest first.
    pub training: Vec<TrainingDto>,
    /// User acceptance test items, in the order they were added.
    pub uat: Vec<UatItemDto>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct ProjectEnvelope {
    pub project: ProjectDto,
}

/// One contact on the Stakeholders form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct StakeholderDto {
    pub role: StakeholderRole,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
}

/// A contact as the client types it (`role` one of the responsibilities).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct StakeholderInput {
    pub role: String,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct StakeholdersRequest {
    pub contacts: Vec<StakeholderInput>,
}

/// The Stakeholders form of a project, as it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct StakeholdersFormDto {
    pub status: FormStatus,
    pub contacts: Vec<StakeholderDto>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub submitted_by_name: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by_name: Option<String>,
    /// Why CyTrack returned it.
    pub decision_note: Option<String>,
}

/// A reason a person will read: why a form was returned, why a test item was waived.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct ReasonRequest {
    pub reason: String,
}

/// A training session as CyTrack records it (seed: Training, "train the trainer").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct TrainingRequest {
    /// `YYYY-MM-DD`.
    pub held_on: String,
    pub trainer: String,
    /// Who attended, one name each.
    pub attendees: Vec<String>,
    /// The organisation's superuser attended and was trained.
    pub superuser_trained: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct TrainingDto {
    pub id: String,
    pub held_on: chrono::NaiveDate,
    pub trainer: String,
    pub attendees: Vec<String>,
    pub superuser_trained: bool,
}

/// A user acceptance test item: what the client tests, and how it went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct UatItemDto {
    pub id: String,
    pub title: String,
    pub status: UatStatus,
    pub ticket_id: Option<String>,
    pub ticket_number: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct UatItemRequest {
    pub title: String,
}

/// The client's result for an item: `passed`, or `failed` with what went wrong.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct UatResultRequest {
    pub result: String,
    pub note: Option<String>,
}
