//! Wire types of deployment projects: a project, its timeline, and the requests that move it.

use crate::domain::deployment::{Stage, StageState};
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
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct ProjectEnvelope {
    pub project: ProjectDto,
}
