//! The audit log on the wire.

use crate::domain::audit::AuditKind;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use utoipa::{IntoParams, ToSchema};

/// One recorded action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct AuditEntryDto {
    pub id: String,
    pub at: DateTime<Utc>,
    /// Who acted; none for a sign-in by an address with no account, or the portal itself.
    pub actor_id: Option<String>,
    /// The actor's name when they acted, or the address a failed sign-in named.
    pub actor_name: String,
    pub kind: AuditKind,
    pub organization_id: Option<String>,
    pub organization_name: Option<String>,
    /// What the action was on: `user`, `organization`, `queue`, `settings`, `voucher`,
    /// `redemption`, `ticket`, `deployment_project`.
    pub target_type: String,
    pub target_id: Option<String>,
    pub summary: String,
    /// The fields the action changed, as they were and as they became.
    /// Any JSON: an object of fields, a list, or a value.
    #[cfg_attr(feature = "ssr", schema(value_type = Option<serde_json::Value>))]
    pub before: Option<serde_json::Value>,
    #[cfg_attr(feature = "ssr", schema(value_type = Option<serde_json::Value>))]
    pub after: Option<serde_json::Value>,
}

/// A search of the log: `GET /api/v1/audit-log` and the page's filters (kept in its address).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema, IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct AuditFilter {
    /// Part of the actor's name (or, for a failed sign-in, of the address), or their id.
    pub actor: Option<String>,
    /// One of the kinds of action.
    pub kind: Option<String>,
    /// First day, `YYYY-MM-DD` (in the support time zone).
    pub from: Option<String>,
    /// Last day, included.
    pub to: Option<String>,
    /// Required for account managers: they read one organisation's entries.
    pub organization_id: Option<String>,
    /// `newest` (the default) or `oldest`.
    #[serde(default)]
    pub sort: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}
