//! Wire types of deployment projects: a project, its timeline, and the requests that move it.

use crate::domain::deployment::{
    FormStatus, GoLiveCondition, InclusionItem, ModuleRequirements, SignedFormStatus, Stage, StageState,
    StakeholderRole, UatStatus,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct CreateProjectRequest {
    /// What is being deployed, e.g. "Sydney contact centre" or "Re-deployment 2027".
    pub name: String,
    /// The modules the client bought, by their names in the module catalogue; the Pre-install
    /// form lists their requirements.
    #[serde(default)]
    pub modules: Vec<String>,
}

/// The modules a project deploys (until the Pre-install form is accepted).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct ModulesRequest {
    pub modules: Vec<String>,
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
    /// The modules deployed, by catalogue name.
    pub modules: Vec<String>,
    pub pre_install: PreInstallFormDto,
    /// The agreed inclusions against what was installed, one row per item.
    pub installation: Vec<InclusionDto>,
    pub go_live: GoLiveFormDto,
    pub completion: CompletionFormDto,
    /// Files on the forms (each names its `form`), oldest first.
    pub files: Vec<crate::dto::AttachmentDto>,
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
    #[cfg_attr(feature = "ssr", schema(format = Date))]
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

/// The module catalogue admins keep: each module's minimum requirements.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct ModuleCatalogueDto {
    pub modules: Vec<ModuleRequirements>,
}

/// The site the system is installed at, as the client gives it on the Pre-install form.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct SiteDetails {
    pub address: String,
    pub contact_name: String,
    pub contact_phone: String,
    /// How CyTrack's engineers reach the server (e.g. "TeamViewer ID 123 456 789").
    #[serde(default)]
    pub remote_access: String,
    #[serde(default)]
    pub notes: String,
}

/// One requirement the client acknowledges as met.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct Acknowledgement {
    pub module: String,
    pub requirement: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct PreInstallRequest {
    /// Every requirement of every deployed module, acknowledged.
    pub acknowledged: Vec<Acknowledgement>,
    pub site: SiteDetails,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct RequirementDto {
    pub text: String,
    pub acknowledged: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct PreInstallModuleDto {
    pub module: String,
    pub requirements: Vec<RequirementDto>,
}

/// The Pre-install form: each deployed module's requirements, acknowledged or not, and the site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct PreInstallFormDto {
    pub status: FormStatus,
    pub modules: Vec<PreInstallModuleDto>,
    pub site: SiteDetails,
    pub submitted_at: Option<DateTime<Utc>>,
    pub submitted_by_name: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by_name: Option<String>,
    pub decision_note: Option<String>,
}

/// One item of the installation: agreed, installed, and what is beyond the agreement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct InclusionDto {
    pub item: InclusionItem,
    pub label: String,
    pub agreed: u32,
    pub installed: u32,
    /// Installed beyond the agreed number: billed as an additional fee.
    pub additional: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct InclusionInput {
    pub item: String,
    pub agreed: i64,
    pub installed: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct InstallationRequest {
    pub items: Vec<InclusionInput>,
}

/// Who signed a form, with the full name they typed, and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct SignatureDto {
    pub typed_name: String,
    pub signed_by_name: Option<String>,
    pub signed_at: DateTime<Utc>,
}

/// The Go-Live form: its commercial conditions, and how go-live was approved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct GoLiveFormDto {
    pub status: SignedFormStatus,
    pub conditions: Vec<GoLiveCondition>,
    pub go_live_on: Option<NaiveDate>,
    pub signature: Option<SignatureDto>,
    /// An assessed go-live: why, and which account manager assessed it.
    pub assessed_reason: Option<String>,
    pub assessed_by_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct GoLiveConditionsRequest {
    pub conditions: Vec<GoLiveCondition>,
}

/// A signature as typed: the signer's full name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct SignRequest {
    pub full_name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct AssessGoLiveRequest {
    /// `YYYY-MM-DD`: the day CyTrack assesses the system went live.
    #[cfg_attr(feature = "ssr", schema(format = Date))]
    pub go_live_on: String,
    pub reason: String,
}

/// An issue listed as outstanding on the completion form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct OutstandingDto {
    pub ticket_id: String,
    pub number: String,
    pub subject: String,
}

/// An outstanding issue: an existing ticket of the organisation (`ticket_id`), or a new one
/// raised from the form (`subject` and `description`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct OutstandingRequest {
    pub ticket_id: Option<String>,
    pub subject: Option<String>,
    pub description: Option<String>,
}

/// The Deployment Completion form: issued at go-live + 7, signed by the client or deemed at
/// go-live + 21.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct CompletionFormDto {
    pub status: SignedFormStatus,
    pub issued_on: Option<NaiveDate>,
    pub deemed_on: Option<NaiveDate>,
    pub outstanding: Vec<OutstandingDto>,
    pub signature: Option<SignatureDto>,
}
