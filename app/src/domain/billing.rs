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

/// Everything the classification needs to know about a ticket and its organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingFacts {
    pub kind: TicketKind,
    /// The day the ticket was raised, in the support time zone.
    pub raised_on: NaiveDate,
    pub deployment: Option<Deployment>,
    pub irs_periods: Vec<IrsPeriod>,
    /// The ticket is listed as outstanding on the signed Deployment Completion form.
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

    if facts.listed_outstanding {
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

#[cfg(test)]
mod tests {
    use super::*;
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
            ("fault on day 20", facts(Fault, "2026-03-22", live(g, None)), Warranty),
            ("fault on day 21, deemed completion, no IRS", facts(Fault, "2026-03-23", live(g, None)), Billable),
            ("fault on day 21 with IRS", BillingFacts { irs_periods: irs_year.clone(), ..facts(Fault, "2026-03-23", live(g, None)) }, Irs),
            ("change request after completion with IRS", BillingFacts { irs_periods: irs_year.clone(), ..facts(ChangeRequest, "2026-06-01", live(g, None)) }, Billable),
            ("fault after completion signed early", facts(Fault, "2026-03-10", live(g, Some("2026-03-09"))), Billable),
            ("fault the day before an early signature", facts(Fault, "2026-03-08", live(g, Some("2026-03-09"))), Warranty),
            ("form signed after day 21 does not extend warranty", facts(Fault, "2026-03-25", live(g, Some("2026-04-30"))), Billable),
            ("IRS period ended the day before", BillingFacts { irs_periods: vec![irs("2026-03-23", "2026-05-31")], ..facts(Fault, "2026-06-01", live(g, None)) }, Billable),
            ("IRS renewal covers the date", BillingFacts { irs_periods: vec![irs("2026-03-23", "2026-05-31"), irs("2026-06-01", "2027-05-31")], ..facts(Fault, "2026-06-01", live(g, None)) }, Irs),
            ("listed outstanding, raised after completion", BillingFacts { listed_outstanding: true, ..facts(Upgrade, "2026-06-01", live(g, None)) }, Warranty),
            ("listed outstanding, raised before go-live", BillingFacts { listed_outstanding: true, ..facts(Macs, "2026-01-01", live(g, None)) }, Warranty),
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
    fn long_dates() {
        assert_eq!(long_date(day("2026-03-02")), "2 March 2026");
        assert_eq!(long_date(day("2027-12-31")), "31 December 2027");
    }
}
