//! Billing classification (DOMAIN.md, "Billing classification"; seed: Go Live, Deployment Warranty
//! Period, Deployment Project Completion). One pure function decides the tag of every ticket; the
//! server stores its answer and the browser previews it before a ticket is raised.

use super::tickets::{vocabulary, TicketKind};
use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};

vocabulary!(
    BillingTag, "billing tag" {
        Deployment = "deployment", "Deployment";
        Warranty = "warranty", "Warranty";
        Irs = "irs", "Issue Resolution Service";
        Billable = "billable", "Billable";
    }
);

impl BillingTag {
    /// Only billable work consumes voucher minutes or is invoiced.
    pub fn is_chargeable(self) -> bool {
        matches!(self, BillingTag::Billable)
    }
}

vocabulary!(
    GoLiveBasis, "go-live basis" {
        Signed = "signed", "Go-Live form signed";
        Assessed = "assessed", "Assessed by CyTrack";
    }
);

vocabulary!(
    CompletionBasis, "completion basis" {
        Signed = "signed", "Completion form signed";
        Deemed = "deemed", "Deemed complete";
    }
);

/// Days after go-live at which the Deployment Completion form is issued.
pub const COMPLETION_FORM_AFTER_DAYS: u64 = 7;
/// Days after go-live at which an unreturned completion form counts as accepted.
pub const DEEMED_COMPLETION_AFTER_DAYS: u64 = 21;

/// What is known of an organisation's deployment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deployment {
    /// The date the system went live, signed or assessed; None while not yet live.
    pub go_live_on: Option<NaiveDate>,
    pub go_live_basis: GoLiveBasis,
    /// A commercial condition attached to go-live is unfulfilled, so go-live is not approved.
    pub go_live_held: bool,
    pub completion_signed_on: Option<NaiveDate>,
}

/// The dates that follow from a go-live (seed: Deployment Project Completion).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeploymentDates {
    pub go_live_on: NaiveDate,
    pub completion_form_issued_on: NaiveDate,
    pub completion_on: NaiveDate,
    pub completion_basis: CompletionBasis,
    /// The last day of the warranty period; completion day itself is outside it.
    pub warranty_ends_on: NaiveDate,
}

impl Deployment {
    /// The derived dates, once go-live is recorded and approved.
    pub fn dates(&self) -> Option<DeploymentDates> {
        let go_live_on = self.go_live_on.filter(|_| !self.go_live_held)?;
        let deemed = go_live_on + Days::new(DEEMED_COMPLETION_AFTER_DAYS);
        // A form signed after day 21 changes nothing: the project was already deemed complete.
        let (completion_on, completion_basis) = match self.completion_signed_on {
            Some(signed) if signed < deemed => (signed, CompletionBasis::Signed),
            _ => (deemed, CompletionBasis::Deemed),
        };
        Some(DeploymentDates {
            go_live_on,
            completion_form_issued_on: go_live_on + Days::new(COMPLETION_FORM_AFTER_DAYS),
            completion_on,
            completion_basis,
            warranty_ends_on: completion_on.pred_opt().unwrap_or(completion_on),
        })
    }

    /// Whether the Deployment Completion form was signed in time (before the project was deemed
    /// complete): only then do the issues listed on it count as outstanding.
    pub fn completion_signed(&self) -> bool {
        self.dates().is_some_and(|d| d.completion_basis == CompletionBasis::Signed)
    }

    /// Checks what a person entered; the messages name the field at fault.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        if let (Some(go_live), Some(signed)) = (self.go_live_on, self.completion_signed_on) {
            if signed < go_live {
                return Err((
                    "completion_signed_on",
                    "The completion form cannot be signed before the go-live date.".into(),
                ));
            }
        }
        if self.go_live_on.is_none() && self.completion_signed_on.is_some() {
            return Err(("completion_signed_on", "Record the go-live date before the completion.".into()));
        }
        Ok(())
    }
}

/// One Issue Resolution Service contract period, both ends inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct IrsPeriod {
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

impl IrsPeriod {
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.starts_on <= day && day <= self.ends_on
    }
}

/// Days before an IRS contract ends at which it shows as due for renewal.
pub const RENEWAL_NOTICE_DAYS: i64 = 30;

impl IrsPeriod {
    /// A new period must end on or after its start and must not overlap an existing one (a renewal
    /// is a new period that starts after the last one ends).
    pub fn check_new(&self, existing: &[IrsPeriod]) -> Result<(), (&'static str, String)> {
        if self.ends_on < self.starts_on {
            return Err(("ends_on", "The contract cannot end before it starts.".into()));
        }
        if let Some(clash) = existing.iter().find(|p| p.starts_on <= self.ends_on && self.starts_on <= p.ends_on) {
            return Err((
                "starts_on",
                format!(
                    "This overlaps the contract from {} to {}; a renewal starts after the previous contract ends.",
                    long_date(clash.starts_on),
                    long_date(clash.ends_on)
                ),
            ));
        }
        Ok(())
    }
}

/// Where an organisation stands with the Issue Resolution Service on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum IrsStatus {
    /// No contract, now or ever.
    None,
    /// Covered, and not ending within the notice period (or already renewed).
    Active { ends_on: NaiveDate },
    /// Covered, but the cover ends within 30 days and no renewal follows it.
    DueForRenewal { ends_on: NaiveDate, days_left: i64 },
    /// Contracts exist but none covers today, and none starts later.
    Lapsed { ended_on: NaiveDate },
    /// Not covered today; the next contract starts later.
    Upcoming { starts_on: NaiveDate },
}

impl IrsStatus {
    pub fn label(&self) -> String {
        match self {
            IrsStatus::None => "No IRS contract".into(),
            IrsStatus::Active { ends_on } => format!("Covered until {}", long_date(*ends_on)),
            IrsStatus::DueForRenewal { ends_on, days_left } => {
                format!("Due for renewal: ends {} ({days_left} days)", long_date(*ends_on))
            }
            IrsStatus::Lapsed { ended_on } => format!("Lapsed on {}", long_date(*ended_on)),
            IrsStatus::Upcoming { starts_on } => format!("Starts {}", long_date(*starts_on)),
        }
    }

    pub fn is_due_for_renewal(&self) -> bool {
        matches!(self, IrsStatus::DueForRenewal { .. })
    }
}

/// The IRS status on `today`: contiguous periods count as one cover (a renewal that starts the day
/// after the last one ends means nothing is due).
pub fn irs_status(periods: &[IrsPeriod], today: NaiveDate) -> IrsStatus {
    let mut sorted: Vec<IrsPeriod> = periods.to_vec();
    sorted.sort_by_key(|p| p.starts_on);
    let Some(current) = sorted.iter().find(|p| p.covers(today)) else {
        if let Some(next) = sorted.iter().find(|p| p.starts_on > today) {
            return IrsStatus::Upcoming { starts_on: next.starts_on };
        }
        return match sorted.last() {
            Some(last) => IrsStatus::Lapsed { ended_on: last.ends_on },
            None => IrsStatus::None,
        };
    };
    // Follow renewals that start the day after the cover ends.
    let mut cover_ends = current.ends_on;
    while let Some(next) = sorted.iter().find(|p| Some(p.starts_on) == cover_ends.succ_opt()) {
        cover_ends = next.ends_on;
    }
    let days_left = (cover_ends - today).num_days();
    if days_left <= RENEWAL_NOTICE_DAYS {
        IrsStatus::DueForRenewal { ends_on: cover_ends, days_left }
    } else {
        IrsStatus::Active { ends_on: cover_ends }
    }
}

/// A calendar date as typed: `YYYY-MM-DD`.
pub fn parse_date(input: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(input.trim(), "%Y-%m-%d").map_err(|_| "Enter a date as YYYY-MM-DD.".to_string())
}

/// A billing month as typed: `YYYY-MM`; returns its first and last day.
pub fn parse_month(input: &str) -> Result<(NaiveDate, NaiveDate), String> {
    let first = NaiveDate::parse_from_str(&format!("{}-01", input.trim()), "%Y-%m-%d")
        .map_err(|_| "Enter a month as YYYY-MM.".to_string())?;
    let next = first.checked_add_months(chrono::Months::new(1)).ok_or("That month is out of range.")?;
    Ok((first, next.pred_opt().unwrap_or(first)))
}

/// The billing month asked for, or, when none was (blank), the month of `today`: the support
/// calendar's date, whose days statements and exports count (not UTC's, which on a month's last
/// day in Sydney is still the month before).
pub fn month_or_this(input: &str, today: NaiveDate) -> Result<(NaiveDate, NaiveDate), String> {
    match input.trim() {
        "" => parse_month(&today.format("%Y-%m").to_string()),
        given => parse_month(given),
    }
}

/// Minutes of work on one time entry: whole, positive, at most one day.
pub fn parse_work_minutes(minutes: i64) -> Result<i32, String> {
    if (1..=24 * 60).contains(&minutes) {
        Ok(minutes as i32)
    } else {
        Err("Enter whole minutes between 1 and 1440 (one day).".into())
    }
}

/// Whether a ticket's tag follows a change to its organisation's deployment or IRS contracts.
/// A tag an agent set by hand stays; a ticket already worked (time recorded) keeps the tag it was
/// worked under, except that being listed outstanding on the completion form always makes it
/// warranty (DOMAIN.md: "`warranty`, whenever it is worked").
pub fn follows_reevaluation(manual: bool, worked: bool, listed_outstanding: bool) -> bool {
    !manual && (!worked || listed_outstanding)
}

/// Everything the classification needs to know about a ticket and its organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingFacts {
    pub kind: TicketKind,
    /// The day the ticket was raised, in the support time zone.
    pub raised_on: NaiveDate,
    pub deployment: Option<Deployment>,
    pub irs_periods: Vec<IrsPeriod>,
    /// The ticket is listed as outstanding on the Deployment Completion form (which counts only
    /// once the form is signed).
    pub listed_outstanding: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Classification {
    pub tag: BillingTag,
    pub reason: String,
}

/// DOMAIN.md's table, row by row.
pub fn classify(facts: &BillingFacts) -> Classification {
    let raised = facts.raised_on;
    let done = |tag, reason: String| Classification { tag, reason };
    // A list of outstanding issues counts only on a signed form: a list the client never signed
    // (or signed after the project was deemed complete) makes nothing warranty.
    let outstanding = facts.listed_outstanding && facts.deployment.as_ref().is_some_and(Deployment::completion_signed);

    // DOMAIN.md: "After-hours work is always billable", whatever the deployment stage.
    if facts.kind == TicketKind::AfterHours && !outstanding {
        return done(
            BillingTag::Billable,
            "Billable: after-hours work is always chargeable, paid from your service vouchers.".into(),
        );
    }

    if outstanding {
        return done(
            BillingTag::Warranty,
            "Warranty: this issue is listed as outstanding on your Deployment Completion form, so it is worked without charge.".into(),
        );
    }

    let Some(deployment) = &facts.deployment else {
        return done(
            BillingTag::Deployment,
            "Deployment: your system has not gone live yet, so this is part of the deployment project and not chargeable.".into(),
        );
    };
    let Some(dates) = deployment.dates() else {
        let reason = if deployment.go_live_held {
            "Deployment: go-live is waiting for a commercial condition to be fulfilled, so this is part of the deployment project and not chargeable."
        } else {
            "Deployment: your system has not gone live yet, so this is part of the deployment project and not chargeable."
        };
        return done(BillingTag::Deployment, reason.into());
    };

    if raised < dates.go_live_on {
        return done(
            BillingTag::Deployment,
            format!(
                "Deployment: raised before your go-live on {}, so this is part of the deployment project and not chargeable.",
                long_date(dates.go_live_on)
            ),
        );
    }

    if raised < dates.completion_on {
        let period = format!("{} to {}", long_date(dates.go_live_on), long_date(dates.warranty_ends_on));
        return match facts.kind {
            TicketKind::Fault | TicketKind::ChangeRequest => done(
                BillingTag::Warranty,
                format!(
                    "Warranty: raised in your deployment warranty period ({period}), which covers faults and change requests without charge."
                ),
            ),
            kind => done(
                BillingTag::Billable,
                format!(
                    "Billable: the deployment warranty period ({period}) covers faults and change requests, not {}.",
                    kind.plural()
                ),
            ),
        };
    }

    let completed = long_date(dates.completion_on);
    if facts.kind == TicketKind::Fault {
        if let Some(period) = facts.irs_periods.iter().find(|p| p.covers(raised)) {
            return done(
                BillingTag::Irs,
                format!(
                    "Issue Resolution Service: your IRS contract (until {}) covers faults, so this is not chargeable.",
                    long_date(period.ends_on)
                ),
            );
        }
        return done(
            BillingTag::Billable,
            format!(
                "Billable: your deployment was completed on {completed} and no Issue Resolution Service contract covers {}.",
                long_date(raised)
            ),
        );
    }
    done(
        BillingTag::Billable,
        format!(
            "Billable: your deployment was completed on {completed} and {} are not covered by the Issue Resolution Service.",
            facts.kind.plural()
        ),
    )
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A date as people read it: "2 March 2026".
pub fn long_date(day: NaiveDate) -> String {
    format!("{} {} {}", day.day(), MONTHS[day.month0() as usize], day.year())
}

/// A deployment milestone the client is told of when its day comes (seed: Deployment Project
/// Completion): the completion form issued at go-live + 7, the project deemed complete at
/// go-live + 21 when the form never came back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompletionMilestone {
    FormIssued,
    Deemed,
}

/// How long after its day a milestone is still worth telling: a portal that was down on the day
/// tells it when it is back, but one started for the first time on old records does not announce
/// last year's deployments.
pub const MILESTONE_NOTICE_DAYS: i64 = 14;

/// The milestone of `deployment` to tell on `today`, with its day; none while go-live is held,
/// once the form was signed (the client knows), or when the day is long past.
pub fn completion_milestone(deployment: &Deployment, today: NaiveDate) -> Option<(CompletionMilestone, NaiveDate)> {
    let dates = deployment.dates()?;
    let recent = |day: NaiveDate| day <= today && (today - day).num_days() <= MILESTONE_NOTICE_DAYS;
    if dates.completion_basis == CompletionBasis::Deemed && recent(dates.completion_on) {
        return Some((CompletionMilestone::Deemed, dates.completion_on));
    }
    let open = deployment.completion_signed_on.is_none() && today < dates.completion_on;
    (open && recent(dates.completion_form_issued_on))
        .then_some((CompletionMilestone::FormIssued, dates.completion_form_issued_on))
}

/// What a new record of a deployment tells the client: go-live recorded (or moved), the
/// completion form signed. Holding go-live back, or a record that changed neither, tells nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeploymentChange {
    GoLive { on: NaiveDate, basis: GoLiveBasis },
    CompletionSigned { on: NaiveDate },
}

pub fn deployment_changes(before: Option<&Deployment>, after: &Deployment) -> Vec<DeploymentChange> {
    let mut changes = Vec::new();
    let live = |d: &Deployment| d.go_live_on.filter(|_| !d.go_live_held).map(|on| (on, d.go_live_basis));
    if let Some((on, basis)) = live(after).filter(|now| before.and_then(live) != Some(*now)) {
        changes.push(DeploymentChange::GoLive { on, basis });
    }
    if let Some(on) = after.completion_signed_on.filter(|on| before.and_then(|b| b.completion_signed_on) != Some(*on)) {
        changes.push(DeploymentChange::CompletionSigned { on });
    }
    changes
}

/// Where a client's deployment stands on a day, as the account pages show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeploymentStage {
    /// Not live yet (no go-live recorded).
    Deployment,
    /// Go-live recorded but held by an unfulfilled commercial condition.
    GoLiveHeld,
    /// Go-live recorded for a day still to come.
    GoLiveScheduled,
    /// From go-live until the day before completion.
    Warranty,
    Completed,
}

impl DeploymentStage {
    pub fn label(self) -> &'static str {
        match self {
            DeploymentStage::Deployment => "Deployment",
            DeploymentStage::GoLiveHeld => "Go-live held",
            DeploymentStage::GoLiveScheduled => "Go-live scheduled",
            DeploymentStage::Warranty => "Warranty",
            DeploymentStage::Completed => "Completed",
        }
    }
}

/// The stage from the recorded go-live and the completion date derived from it.
pub fn deployment_stage(
    go_live_on: Option<NaiveDate>,
    go_live_held: bool,
    completion_on: Option<NaiveDate>,
    today: NaiveDate,
) -> DeploymentStage {
    match (go_live_on, completion_on) {
        _ if go_live_held => DeploymentStage::GoLiveHeld,
        (None, _) => DeploymentStage::Deployment,
        (Some(go_live), _) if today < go_live => DeploymentStage::GoLiveScheduled,
        (_, Some(completion)) if today < completion => DeploymentStage::Warranty,
        _ => DeploymentStage::Completed,
    }
}

/// How a ticket's billable time in one month is paid (issue 21, finding 1). Voucher minutes
/// redeemed on the ticket (and not refunded) pay its billable time in the order it was worked,
/// earliest month first; what they do not cover is invoiced. So for every month,
/// `vouchers + invoice = billable_in`, and across months no minute is paid twice. Minutes
/// redeemed beyond all the billable time pay nothing more (they are a refund to ask for).
/// Answers (paid by vouchers, to invoice).
pub fn split_billable(billable_before: i64, billable_in: i64, redeemed: i64) -> (i64, i64) {
    let paid = (redeemed - billable_before.max(0)).clamp(0, billable_in.max(0));
    (paid, billable_in.max(0) - paid)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Issue 21, finding 6: whatever the months worked and the redemptions and refunds, the
        /// export reconciles: each month's vouchers + invoice is its billable time, no minute is
        /// paid twice, and vouchers pay exactly what was redeemed, up to the billable time.
        #[test]
        fn the_export_always_reconciles(
            months in proptest::collection::vec(0i64..600, 1..12),
            redemptions in proptest::collection::vec((1i64..300, proptest::bool::ANY), 0..20),
        ) {
            let redeemed: i64 = redemptions.iter().filter(|(_, refunded)| !refunded).map(|(m, _)| m).sum();
            let (mut before, mut paid_total) = (0, 0);
            for &worked in &months {
                let (paid, invoice) = split_billable(before, worked, redeemed);
                proptest::prop_assert!(paid >= 0 && invoice >= 0);
                proptest::prop_assert_eq!(paid + invoice, worked);
                paid_total += paid;
                before += worked;
            }
            proptest::prop_assert_eq!(paid_total, redeemed.min(before));
        }

        /// Completed after-hours work: vouchers pay what they hold, never more; nothing is lost.
        #[test]
        fn completed_work_is_paid_or_invoiced_never_both_or_neither(charge in 0i64..2000, available in 0i64..2000) {
            let (redeemed, invoiced) = crate::domain::vouchers::pay_completed_work(charge, available);
            proptest::prop_assert!(redeemed <= available && redeemed >= 0 && invoiced >= 0);
            proptest::prop_assert_eq!(redeemed + invoiced, charge);
            proptest::prop_assert!(invoiced == 0 || redeemed == available);
        }
    }

    #[test]
    fn vouchers_pay_billable_time_in_the_order_it_was_worked() {
        // (worked before the month, worked in it, redeemed) -> (vouchers, invoice)
        let cases = [
            ((0, 90, 0), (0, 90)),
            ((0, 90, 60), (60, 30)),
            ((0, 90, 90), (90, 0)),
            ((0, 90, 200), (90, 0)),
            ((60, 90, 60), (0, 90)),
            ((60, 90, 100), (40, 50)),
            ((0, 0, 30), (0, 0)),
        ];
        for ((before, during, redeemed), expected) in cases {
            let split = split_billable(before, during, redeemed);
            assert_eq!(split, expected, "{before} before, {during} in the month, {redeemed} redeemed");
            assert_eq!(split.0 + split.1, during, "invoice + vouchers = billable time");
        }
    }

    #[test]
    fn completion_milestones_come_on_their_day_once_and_not_for_old_projects() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let live = |signed: Option<&str>, held: bool| Deployment {
            go_live_on: Some(d("2026-03-01")),
            go_live_basis: GoLiveBasis::Signed,
            go_live_held: held,
            completion_signed_on: signed.map(d),
        };
        let issued = Some((CompletionMilestone::FormIssued, d("2026-03-08")));
        let deemed = Some((CompletionMilestone::Deemed, d("2026-03-22")));
        let cases = [
            (live(None, false), "2026-03-07", None),
            (live(None, false), "2026-03-08", issued),
            (live(None, false), "2026-03-21", issued),
            (live(None, false), "2026-03-22", deemed),
            (live(None, false), "2026-04-05", deemed),
            (live(None, false), "2026-04-06", None),
            (live(Some("2026-03-10"), false), "2026-03-12", None),
            (live(Some("2026-03-10"), false), "2026-03-22", None),
            (live(Some("2026-03-25"), false), "2026-03-25", deemed),
            (live(None, true), "2026-03-22", None),
            (Deployment { go_live_on: None, ..live(None, false) }, "2026-03-22", None),
        ];
        for (deployment, today, expected) in cases {
            assert_eq!(completion_milestone(&deployment, d(today)), expected, "{deployment:?} on {today}");
        }
    }

    #[test]
    fn a_deployment_record_tells_what_changed() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let record = |go_live: Option<&str>, basis, held, signed: Option<&str>| Deployment {
            go_live_on: go_live.map(d),
            go_live_basis: basis,
            go_live_held: held,
            completion_signed_on: signed.map(d),
        };
        let (signed, assessed) = (GoLiveBasis::Signed, GoLiveBasis::Assessed);
        let first = record(Some("2026-03-01"), signed, false, None);
        let go_live = DeploymentChange::GoLive { on: d("2026-03-01"), basis: signed };
        let cases = [
            (None, first.clone(), vec![go_live]),
            (Some(first.clone()), first.clone(), vec![]),
            (None, record(Some("2026-03-01"), signed, true, None), vec![]),
            (Some(record(Some("2026-03-01"), signed, true, None)), first.clone(), vec![go_live]),
            (
                Some(first.clone()),
                record(Some("2026-03-01"), assessed, false, None),
                vec![DeploymentChange::GoLive { on: d("2026-03-01"), basis: assessed }],
            ),
            (
                Some(first.clone()),
                record(Some("2026-03-01"), signed, false, Some("2026-03-10")),
                vec![DeploymentChange::CompletionSigned { on: d("2026-03-10") }],
            ),
            (None, record(None, signed, false, None), vec![]),
        ];
        for (before, after, expected) in cases {
            assert_eq!(deployment_changes(before.as_ref(), &after), expected, "{before:?} -> {after:?}");
        }
    }

    #[test]
    fn deployment_stages() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let (go_live, completion) = (Some(d("2026-03-01")), Some(d("2026-03-22")));
        // (go-live, held, completion, today) -> stage
        let cases = [
            (None, false, None, "2026-03-01", DeploymentStage::Deployment),
            (go_live, true, None, "2026-03-05", DeploymentStage::GoLiveHeld),
            (go_live, false, completion, "2026-02-28", DeploymentStage::GoLiveScheduled),
            (go_live, false, completion, "2026-03-01", DeploymentStage::Warranty),
            (go_live, false, completion, "2026-03-21", DeploymentStage::Warranty),
            (go_live, false, completion, "2026-03-22", DeploymentStage::Completed),
        ];
        for (go_live, held, completion, today, expected) in cases {
            assert_eq!(deployment_stage(go_live, held, completion, d(today)), expected, "{today}");
        }
    }
    use BillingTag::{Billable, Irs, Warranty};
    use TicketKind::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn live(go_live: &str, signed: Option<&str>) -> Option<Deployment> {
        Some(Deployment {
            go_live_on: Some(day(go_live)),
            go_live_basis: GoLiveBasis::Signed,
            go_live_held: false,
            completion_signed_on: signed.map(day),
        })
    }

    fn facts(kind: TicketKind, raised: &str, deployment: Option<Deployment>) -> BillingFacts {
        BillingFacts { kind, raised_on: day(raised), deployment, irs_periods: vec![], listed_outstanding: false }
    }

    fn irs(starts: &str, ends: &str) -> IrsPeriod {
        IrsPeriod { starts_on: day(starts), ends_on: day(ends) }
    }

    #[test]
    fn the_rule_table() {
        // go-live 2 March 2026; deemed completion 23 March; IRS covers 2026-03-23 .. 2027-03-22.
        let g = "2026-03-02";
        let irs_year = vec![irs("2026-03-23", "2027-03-22")];
        #[rustfmt::skip]
        let rows: Vec<(&str, BillingFacts, BillingTag)> = vec![
            ("no deployment recorded", facts(Fault, "2026-01-10", None), BillingTag::Deployment),
            ("no go-live yet", facts(Macs, "2026-01-10", Some(super::Deployment { go_live_on: None, go_live_basis: GoLiveBasis::Signed, go_live_held: false, completion_signed_on: None })), BillingTag::Deployment),
            ("go-live held by a commercial condition", facts(Fault, "2026-03-05", Some(super::Deployment { go_live_on: Some(day(g)), go_live_basis: GoLiveBasis::Signed, go_live_held: true, completion_signed_on: None })), BillingTag::Deployment),
            ("the day before go-live", facts(ChangeRequest, "2026-03-01", live(g, None)), BillingTag::Deployment),
            ("fault on the go-live day itself", facts(Fault, g, live(g, None)), Warranty),
            ("change request in warranty", facts(ChangeRequest, "2026-03-10", live(g, None)), Warranty),
            ("macs in warranty", facts(Macs, "2026-03-10", live(g, None)), Billable),
            ("upgrade in warranty", facts(Upgrade, "2026-03-10", live(g, None)), Billable),
            ("question in warranty", facts(Question, "2026-03-10", live(g, None)), Billable),
            ("after-hours in warranty", facts(AfterHours, "2026-03-10", live(g, None)), Billable),
            ("after-hours before go-live", facts(AfterHours, "2026-01-10", None), Billable),
            ("fault on day 20", facts(Fault, "2026-03-22", live(g, None)), Warranty),
            ("fault on day 21, deemed completion, no IRS", facts(Fault, "2026-03-23", live(g, None)), Billable),
            ("fault on day 21 with IRS", BillingFacts { irs_periods: irs_year.clone(), ..facts(Fault, "2026-03-23", live(g, None)) }, Irs),
            ("change request after completion with IRS", BillingFacts { irs_periods: irs_year.clone(), ..facts(ChangeRequest, "2026-06-01", live(g, None)) }, Billable),
            ("fault after completion signed early", facts(Fault, "2026-03-10", live(g, Some("2026-03-09"))), Billable),
            ("fault the day before an early signature", facts(Fault, "2026-03-08", live(g, Some("2026-03-09"))), Warranty),
            ("form signed after day 21 does not extend warranty", facts(Fault, "2026-03-25", live(g, Some("2026-04-30"))), Billable),
            ("IRS period ended the day before", BillingFacts { irs_periods: vec![irs("2026-03-23", "2026-05-31")], ..facts(Fault, "2026-06-01", live(g, None)) }, Billable),
            ("IRS renewal covers the date", BillingFacts { irs_periods: vec![irs("2026-03-23", "2026-05-31"), irs("2026-06-01", "2027-05-31")], ..facts(Fault, "2026-06-01", live(g, None)) }, Irs),
            ("listed outstanding on the signed form, raised after completion", BillingFacts { listed_outstanding: true, ..facts(Upgrade, "2026-06-01", live(g, Some("2026-03-20"))) }, Warranty),
            ("listed outstanding on the signed form, raised before go-live", BillingFacts { listed_outstanding: true, ..facts(Macs, "2026-01-01", live(g, Some("2026-03-20"))) }, Warranty),
            ("listed on a form never signed: no warranty", BillingFacts { listed_outstanding: true, ..facts(Upgrade, "2026-06-01", live(g, None)) }, Billable),
            ("listed on a form signed after day 21: no warranty", BillingFacts { listed_outstanding: true, ..facts(Upgrade, "2026-06-01", live(g, Some("2026-04-30"))) }, Billable),
        ];
        for (name, facts, tag) in rows {
            let got = classify(&facts);
            assert_eq!(got.tag, tag, "{name}: {}", got.reason);
            assert!(
                got.reason.starts_with(tag.label().split(' ').next().unwrap()),
                "{name}: reason {:?} names its tag",
                got.reason
            );
        }
    }

    #[test]
    fn reasons_read_as_sentences() {
        let got = classify(&facts(ChangeRequest, "2026-04-01", live("2026-02-09", Some("2026-03-02"))));
        assert_eq!(
            got.reason,
            "Billable: your deployment was completed on 2 March 2026 and change requests are not covered by the Issue Resolution Service."
        );
        let got = classify(&facts(Fault, "2026-03-03", live("2026-03-02", None)));
        assert_eq!(
            got.reason,
            "Warranty: raised in your deployment warranty period (2 March 2026 to 22 March 2026), which covers faults and change requests without charge."
        );
    }

    #[test]
    fn derived_dates() {
        let d = live("2026-03-02", None).unwrap().dates().unwrap();
        assert_eq!(d.completion_form_issued_on, day("2026-03-09"));
        assert_eq!(d.completion_on, day("2026-03-23"));
        assert_eq!(d.completion_basis, CompletionBasis::Deemed);
        assert_eq!(d.warranty_ends_on, day("2026-03-22"));

        let d = live("2026-03-02", Some("2026-03-12")).unwrap().dates().unwrap();
        assert_eq!((d.completion_on, d.completion_basis), (day("2026-03-12"), CompletionBasis::Signed));
        assert_eq!(d.warranty_ends_on, day("2026-03-11"));
    }

    #[test]
    fn deployment_checks() {
        assert!(live("2026-03-02", Some("2026-03-01")).unwrap().check().is_err());
        assert!(live("2026-03-02", Some("2026-03-02")).unwrap().check().is_ok());
        let no_go_live = super::Deployment {
            go_live_on: None,
            go_live_basis: GoLiveBasis::Assessed,
            go_live_held: false,
            completion_signed_on: Some(day("2026-03-02")),
        };
        assert_eq!(no_go_live.check().unwrap_err().0, "completion_signed_on");
    }

    #[test]
    fn irs_periods_must_not_overlap_or_run_backwards() {
        let existing = [irs("2026-01-01", "2026-12-31")];
        let cases = [
            (irs("2027-01-01", "2027-12-31"), None),
            (irs("2026-12-31", "2027-06-30"), Some("starts_on")),
            (irs("2025-06-01", "2026-01-01"), Some("starts_on")),
            (irs("2027-05-01", "2027-04-30"), Some("ends_on")),
            (irs("2027-05-01", "2027-05-01"), None),
        ];
        for (period, field) in cases {
            assert_eq!(period.check_new(&existing).err().map(|e| e.0), field, "{period:?}");
        }
    }

    #[test]
    fn irs_status_on_a_day() {
        let year = vec![irs("2026-01-01", "2026-12-31")];
        let renewed = vec![irs("2026-01-01", "2026-12-31"), irs("2027-01-01", "2027-12-31")];
        let cases = [
            (vec![], "2026-06-01", IrsStatus::None),
            (year.clone(), "2026-06-01", IrsStatus::Active { ends_on: day("2026-12-31") }),
            (year.clone(), "2026-12-01", IrsStatus::DueForRenewal { ends_on: day("2026-12-31"), days_left: 30 }),
            (year.clone(), "2026-11-30", IrsStatus::Active { ends_on: day("2026-12-31") }),
            (year.clone(), "2026-12-31", IrsStatus::DueForRenewal { ends_on: day("2026-12-31"), days_left: 0 }),
            (renewed.clone(), "2026-12-15", IrsStatus::Active { ends_on: day("2027-12-31") }),
            (year.clone(), "2027-01-01", IrsStatus::Lapsed { ended_on: day("2026-12-31") }),
            (year.clone(), "2025-12-01", IrsStatus::Upcoming { starts_on: day("2026-01-01") }),
        ];
        for (periods, today, expected) in cases {
            assert_eq!(irs_status(&periods, day(today)), expected, "{today}");
        }
        assert!(irs_status(&year, day("2026-12-01")).is_due_for_renewal());
    }

    #[test]
    fn dates_months_and_minutes_as_typed() {
        assert_eq!(parse_date(" 2026-03-02 "), Ok(day("2026-03-02")));
        assert!(parse_date("02/03/2026").is_err());
        assert!(parse_date("2026-02-30").is_err());
        assert_eq!(parse_month("2026-02"), Ok((day("2026-02-01"), day("2026-02-28"))));
        assert_eq!(parse_month("2028-02"), Ok((day("2028-02-01"), day("2028-02-29"))));
        assert_eq!(parse_month("2026-12"), Ok((day("2026-12-01"), day("2026-12-31"))));
        assert!(parse_month("2026-13").is_err());
        let today = day("2026-12-01");
        let asked = [
            ("", Ok((day("2026-12-01"), day("2026-12-31")))),
            ("  ", Ok((day("2026-12-01"), day("2026-12-31")))),
            ("2026-11", Ok((day("2026-11-01"), day("2026-11-30")))),
            ("November", Err("Enter a month as YYYY-MM.".to_string())),
        ];
        for (input, expected) in asked {
            assert_eq!(month_or_this(input, today), expected, "{input:?}");
        }
        let minutes = [(0, false), (1, true), (90, true), (1440, true), (1441, false), (-5, false)];
        for (m, ok) in minutes {
            assert_eq!(parse_work_minutes(m).is_ok(), ok, "{m}");
        }
    }

    #[test]
    fn which_tickets_follow_a_change() {
        // (manual, worked, listed outstanding) -> follows
        let table = [
            ((false, false, false), true),
            ((false, true, false), false),
            ((false, true, true), true),
            ((true, false, false), false),
            ((true, true, true), false),
        ];
        for ((manual, worked, listed), expected) in table {
            assert_eq!(follows_reevaluation(manual, worked, listed), expected, "{manual} {worked} {listed}");
        }
    }

    #[test]
    fn a_ticket_added_to_the_outstanding_list_becomes_warranty() {
        let raised = facts(ChangeRequest, "2026-06-01", live("2026-03-02", Some("2026-03-20")));
        assert_eq!(classify(&raised).tag, Billable);
        assert_eq!(classify(&BillingFacts { listed_outstanding: true, ..raised }).tag, Warranty);
    }

    #[test]
    fn long_dates() {
        assert_eq!(long_date(day("2026-03-02")), "2 March 2026");
        assert_eq!(long_date(day("2027-12-31")), "31 December 2027");
    }
}
