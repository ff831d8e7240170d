//! The desk report on the wire (issue 23): volume, SLA, backlog, workload and voucher use over a
//! date range, for staff (the whole desk or one organisation) and a client's superuser (theirs).

use super::BalanceRow;
use crate::domain::reports::{Grouping, Tally};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use utoipa::ToSchema;

/// What a report covers; every field optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct ReportQuery {
    /// First day, `YYYY-MM-DD` (support time zone); 30 days before `to` when left out.
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD`; today when left out. At most 366 days in all.
    pub to: Option<String>,
    /// `day` (the default), `week` or `month`.
    pub grouping: Option<String>,
    /// One organisation's tickets (staff); a client's superuser always reads their own.
    pub organization_id: Option<String>,
}

/// The desk report. Staff-only parts (`by_queue`, `workload`; `forecast` for account managers) are
/// empty for a client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct DeskReportDto {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub grouping: Grouping,
    /// The organisation reported on; None for the whole desk.
    pub organization_id: Option<String>,
    pub organization_name: Option<String>,
    pub totals: TallyRow,
    /// Tickets raised and resolved per period, and raised by billing tag.
    pub volume: Vec<PeriodRow>,
    /// SLA by queue (staff only) and by priority.
    pub by_queue: Vec<TallyRow>,
    pub by_priority: Vec<TallyRow>,
    /// Tickets open now, by age.
    pub backlog: Vec<AgeRow>,
    /// Per agent: open tickets assigned now, public replies and time logged in the range (staff).
    pub workload: Vec<WorkloadRow>,
    /// Voucher minutes redeemed and refunded per period.
    pub vouchers: Vec<VoucherPeriod>,
    /// Every organisation's balance and when it runs out at its pace (account managers).
    pub forecast: Vec<BalanceRow>,
    /// After-hours bookings starting in the range, by status.
    pub after_hours: Vec<StatusCount>,
}

/// A tally under a name (a queue, a priority, or `total`) with its SLA percentages (None of none).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct TallyRow {
    pub name: String,
    pub label: String,
    #[serde(flatten)]
    pub tally: Tally,
    pub response_percent: Option<i64>,
    pub resolution_percent: Option<i64>,
}

impl TallyRow {
    pub fn new(name: &str, label: &str, tally: Tally) -> TallyRow {
        TallyRow {
            name: name.into(),
            label: label.into(),
            response_percent: tally.response_percent(),
            resolution_percent: tally.resolution_percent(),
            tally,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct PeriodRow {
    /// The period's first day.
    pub period: NaiveDate,
    pub label: String,
    pub raised: i64,
    pub resolved: i64,
    /// Raised by billing tag.
    pub deployment: i64,
    pub warranty: i64,
    pub irs: i64,
    pub billable: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct AgeRow {
    pub label: String,
    pub tickets: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct WorkloadRow {
    pub user_id: String,
    pub name: String,
    pub open_assigned: i64,
    pub replies: i64,
    pub minutes_logged: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct VoucherPeriod {
    pub period: NaiveDate,
    pub label: String,
    pub redeemed_minutes: i64,
    pub refunded_minutes: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct StatusCount {
    pub status: String,
    pub label: String,
    pub count: i64,
}
