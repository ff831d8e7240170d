//! Releases, upgrades and the Insider blog on the wire.

use super::TicketDto;
use crate::domain::releases::{PostState, ReleaseState};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use utoipa::{IntoParams, ToSchema};

/// A release: its number, state and notes. `slated_count` counts the tickets slated for it that
/// the reader may see (a client: their organisation's).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct ReleaseDto {
    pub id: String,
    /// `YY-N.P`.
    pub number: String,
    pub state: ReleaseState,
    pub planned_on: Option<NaiveDate>,
    pub released_at: Option<DateTime<Utc>>,
    /// The release notes as written (Markdown).
    pub notes: String,
    /// The notes rendered to HTML, with anything unsafe removed.
    pub notes_html: String,
    pub slated_count: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct ReleaseEnvelope {
    pub release: ReleaseDto,
}

/// A release with the tickets slated for it that the reader may see.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct ReleaseDetail {
    pub release: ReleaseDto,
    pub tickets: Vec<TicketDto>,
}

/// The numbers a new release may take (staff): each kind the seed names, where it applies.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct NextNumbersDto {
    /// The next point release of the newest version.
    pub point: Option<String>,
    /// The next version in the newest year.
    pub sequence: Option<String>,
    /// The first version of this year, when no release has its number yet.
    pub new_year: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct CreateReleaseRequest {
    /// `YY-N.P`; it must follow the existing numbers (see `/releases/next-numbers`).
    pub number: String,
    /// `YYYY-MM-DD`, optional.
    #[serde(default)]
    pub planned_on: Option<String>,
    #[serde(default)]
    pub notes: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct UpdateReleaseRequest {
    #[serde(default)]
    pub planned_on: Option<String>,
    #[serde(default)]
    pub notes: String,
}

/// A ticket to slate: its id or its number (`CT-000042`), of any organisation (staff).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct SlateRequest {
    pub ticket: String,
}

/// The release a ticket is slated for, as the ticket shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct SlatedDto {
    pub release_id: String,
    pub number: String,
    pub state: ReleaseState,
    /// True for an upgrade ticket: the release is its target, not its fix.
    pub upgrade: bool,
}

/// What an organisation runs, and what an upgrade would bring (released and newer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct InstalledReleaseDto {
    pub organization_id: String,
    pub installed: Option<ReleaseDto>,
    pub recorded_at: Option<DateTime<Utc>>,
    pub newer: Vec<ReleaseDto>,
}

/// Record what an organisation runs: a release's number, or none to clear it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct InstalledReleaseRequest {
    pub release: Option<String>,
}

/// Ask for an upgrade to a release: an `upgrade` ticket naming it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct UpgradeRequest {
    /// Anything CyTrack should know (a preferred window, a site); optional.
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct OrganizationRef {
    pub id: String,
    pub name: String,
}

/// One row of "which clients run what" (account managers): a release, or none recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct ReleaseInUseDto {
    pub release: Option<String>,
    pub organizations: Vec<OrganizationRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct ReleaseRef {
    pub id: String,
    pub number: String,
}

/// An Insider post as the list shows it. `readable` is false for a reader without Software Care:
/// they see the title and an offer to renew.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct PostSummaryDto {
    pub id: String,
    pub title: String,
    pub state: PostState,
    pub tags: Vec<String>,
    pub releases: Vec<ReleaseRef>,
    pub author_name: String,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    pub readable: bool,
}

/// A whole post: the Markdown, its safe HTML, and the questions readers asked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct PostDto {
    pub post: PostSummaryDto,
    pub body: String,
    pub body_html: String,
    pub questions: Vec<QuestionDto>,
}

/// A reader's question with CyTrack's answer. Questions are public to Software Care readers; the
/// asker is named only to their own organisation and to staff.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct QuestionDto {
    pub id: String,
    pub post_id: String,
    pub body: String,
    pub asked_by: String,
    pub mine: bool,
    pub created_at: DateTime<Utc>,
    pub answer: Option<String>,
    pub answered_by: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    /// The ticket it became, for staff and the asker's organisation.
    pub ticket_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct QuestionEnvelope {
    pub question: QuestionDto,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct PostRequest {
    pub title: String,
    /// Markdown.
    pub body: String,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Release numbers the post is about.
    #[serde(default)]
    pub releases: Vec<String>,
    /// Published (readers see it) or a draft (staff only).
    #[serde(default)]
    pub published: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct QuestionRequest {
    pub body: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct AnswerRequest {
    pub answer: String,
}

/// The Insider list's filter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema, IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct PostFilter {
    pub tag: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// A reader's private feed address; shown once, when made (a new one replaces the old).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct FeedTokenDto {
    pub token: String,
    /// The feed's path: `/api/v1/insider/feed.atom?token=…`.
    pub path: String,
    /// The same at the portal's public address, for a feed reader.
    pub url: String,
}

/// The releases page in one answer (server function only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReleasesOverview {
    pub releases: Vec<ReleaseDto>,
    /// Staff: the numbers a new release may take.
    pub next: Option<NextNumbersDto>,
    /// A client: what they run and what is newer.
    pub installed: Option<InstalledReleaseDto>,
    /// Account managers: which clients run what.
    pub in_use: Option<Vec<ReleaseInUseDto>>,
}
