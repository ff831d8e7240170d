//! MACS on the wire: the catalogue and clients' orders (docs/api.md, "MACS").

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use utoipa::ToSchema;

/// A standard move, add or change, priced in voucher minutes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct MacsItemDto {
    pub id: String,
    pub name: String,
    pub description: String,
    /// The price in voucher minutes.
    pub minutes: i64,
    /// Business days from approval to the work being done; none: no promise.
    pub lead_days: Option<i64>,
    /// Retired items cannot be ordered (staff still see them).
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct MacsCatalogueDto {
    pub items: Vec<MacsItemDto>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct MacsItemEnvelope {
    pub item: MacsItemDto,
}

/// A catalogue item as staff write it; on `PATCH` every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct MacsItemRequest {
    pub name: Option<String>,
    pub description: Option<String>,
    pub minutes: Option<i64>,
    /// Business days, 0 to 60; `null` on `PATCH` keeps it (send `clear_lead_days` to remove it).
    pub lead_days: Option<i64>,
    #[serde(default)]
    pub clear_lead_days: bool,
    pub active: Option<bool>,
}

/// A client's order: a catalogue item, or (without `item_id`) a quote asked for, with a title.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct MacsOrderRequest {
    pub item_id: Option<String>,
    /// What is wanted, for a quote outside the catalogue.
    pub title: Option<String>,
    /// Details for the engineer: which queue, which announcement, who needs the seat.
    pub details: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct MacsOrderDto {
    pub id: String,
    /// `quote_requested`, `quoted` (awaiting approval), `approved`, `declined`, `completed` or
    /// `cancelled`.
    pub status: String,
    pub item_id: Option<String>,
    pub title: String,
    pub details: String,
    /// The price in voucher minutes: the item's, or the agent's quote (none until quoted).
    pub quote_minutes: Option<i64>,
    pub quote_note: Option<String>,
    /// What completion redeemed from the vouchers (or invoiced, where they fell short).
    pub charged_minutes: Option<i64>,
    /// When approved work is due, from the item's lead time.
    pub due_on: Option<NaiveDate>,
    pub decision_note: Option<String>,
    pub ticket_id: String,
    pub ticket_number: String,
    pub organization_id: String,
    pub organization_name: String,
    pub requester_id: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct MacsOrderEnvelope {
    pub order: MacsOrderDto,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct MacsOrderFilter {
    /// One of the order statuses.
    pub status: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// An agent's quote for work outside the catalogue.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct QuoteRequest {
    pub minutes: i64,
    pub note: Option<String>,
}

/// Completing an order: the minutes to charge, at most the approved price (default: all of it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct CompleteOrderRequest {
    pub minutes: Option<i64>,
}
