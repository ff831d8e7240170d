//! The monthly statement of an organisation's vouchers and billable time on the wire.

use super::BillingExportRow;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use utoipa::ToSchema;

/// One month of an organisation's account: the vouchers' opening and closing standing and what
/// moved between (from the ledger), and the billable time left to invoice (from time entries).
/// `closing = opening + issued − reserved + released − redeemed + refunded − expired` for the
/// available minutes, and `opening + reserved − released` for the reserved ones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct StatementDto {
    pub organization_id: String,
    pub organization_name: String,
    /// `YYYY-MM`, months in the support time zone.
    pub month: String,
    pub opening_available_minutes: i64,
    pub opening_reserved_minutes: i64,
    pub issued_minutes: i64,
    pub reserved_minutes: i64,
    pub released_minutes: i64,
    pub redeemed_minutes: i64,
    pub refunded_minutes: i64,
    pub expired_minutes: i64,
    pub closing_available_minutes: i64,
    pub closing_reserved_minutes: i64,
    pub vouchers_issued: Vec<StatementVoucher>,
    pub vouchers_expired: Vec<StatementVoucher>,
    /// Redeemed and refunded minutes in the month, by ticket (or after-hours booking).
    pub redemptions: Vec<StatementRedemption>,
    /// Billable tickets with time left to invoice after vouchers (the billing export's split).
    pub to_invoice: Vec<BillingExportRow>,
    pub total_to_invoice_minutes: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct StatementVoucher {
    pub voucher_id: String,
    pub code: String,
    pub minutes: i64,
    pub expires_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct StatementRedemption {
    pub ticket_id: Option<String>,
    /// `CT-000042`, or empty for work paid without a ticket.
    pub number: String,
    pub subject: String,
    pub booking_id: Option<String>,
    pub redeemed_minutes: i64,
    pub refunded_minutes: i64,
}
