//! The audit log's vocabulary: which actions are recorded (every security- or money-relevant
//! one), and what a search of the log may ask for.

use super::billing::parse_date;
use super::tickets::vocabulary;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

vocabulary!(
    /// What was done. Security: sign-ins, accounts, roles, settings, queues. Money: vouchers,
    /// redemptions, billing tags, contracts and the deployment record, signed forms.
    AuditKind, "kind of action" {
        SignInFailed = "sign_in_failed", "Sign-in failed";
        SignInThrottled = "sign_in_throttled", "Sign-in throttled";
        PasswordChanged = "password_changed", "Password changed";
        RegistrationApproved = "registration_approved", "Registration approved";
        RegistrationRejected = "registration_rejected", "Registration rejected";
        StaffCreated = "staff_created", "Staff account created";
        PersonInvited = "person_invited", "Person invited";
        AccountDisabled = "account_disabled", "Account disabled";
        AccountEnabled = "account_enabled", "Account re-enabled";
        RoleChanged = "role_changed", "Role changed";
        SuperuserChanged = "superuser_changed", "Superuser changed";
        OrganizationCreated = "organization_created", "Organisation created";
        OrganizationChanged = "organization_changed", "Organisation edited";
        SettingsChanged = "settings_changed", "Settings changed";
        QueueCreated = "queue_created", "Queue created";
        QueueChanged = "queue_changed", "Queue changed";
        VoucherIssued = "voucher_issued", "Voucher issued";
        RedemptionRefunded = "redemption_refunded", "Redemption refunded";
        TicketReclassified = "ticket_reclassified", "Ticket reclassified";
        DeploymentRecorded = "deployment_recorded", "Deployment recorded";
        IrsContractAdded = "irs_contract_added", "IRS contract added";
        FormSigned = "form_signed", "Form signed";
        GoLiveAssessed = "go_live_assessed", "Go-live assessed";
        MacsCatalogueChanged = "macs_catalogue_changed", "MACS catalogue changed";
    }
);

/// A search of the log as typed: every part optional; the dates are whole days, `to` included.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AuditQuery {
    pub actor: Option<String>,
    pub kind: Option<AuditKind>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// Reads a search of the log; an unknown kind or a date that is none, or a range that ends
/// before it starts, says which field is wrong.
pub fn parse_query(
    actor: Option<&str>,
    kind: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<AuditQuery, (&'static str, String)> {
    fn given(v: Option<&str>) -> Option<&str> {
        v.map(str::trim).filter(|v| !v.is_empty())
    }
    let actor = given(actor).map(|a| a.chars().take(100).collect::<String>());
    let kind = given(kind).map(AuditKind::parse).transpose().map_err(|m| ("kind", m))?;
    let from = given(from).map(parse_date).transpose().map_err(|m| ("from", m))?;
    let to = given(to).map(parse_date).transpose().map_err(|m| ("to", m))?;
    if let (Some(from), Some(to)) = (from, to) {
        if to < from {
            return Err(("to", "The range ends before it starts.".into()));
        }
    }
    Ok(AuditQuery { actor, kind, from, to })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_of_the_log_is_read_or_names_the_wrong_field() {
        let day = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
        let cases: [((Option<&str>, Option<&str>, Option<&str>, Option<&str>), Result<AuditQuery, &str>); 7] = [
            ((None, None, None, None), Ok(AuditQuery::default())),
            ((Some("  "), Some(""), Some(" "), None), Ok(AuditQuery::default())),
            (
                (Some(" Ada "), Some("voucher_issued"), Some("2026-11-01"), Some("2026-11-30")),
                Ok(AuditQuery {
                    actor: Some("Ada".into()),
                    kind: Some(AuditKind::VoucherIssued),
                    from: Some(day("2026-11-01")),
                    to: Some(day("2026-11-30")),
                }),
            ),
            (
                (None, None, Some("2026-11-05"), Some("2026-11-05")),
                Ok(AuditQuery { from: Some(day("2026-11-05")), to: Some(day("2026-11-05")), ..AuditQuery::default() }),
            ),
            ((None, Some("deleted_everything"), None, None), Err("kind")),
            ((None, None, Some("05/11/2026"), None), Err("from")),
            ((None, None, Some("2026-11-05"), Some("2026-11-04")), Err("to")),
        ];
        for ((actor, kind, from, to), expected) in cases {
            let got = parse_query(actor, kind, from, to).map_err(|(field, _)| field);
            assert_eq!(got, expected, "{actor:?} {kind:?} {from:?} {to:?}");
        }
    }

    #[test]
    fn every_kind_reads_back_from_its_name() {
        for kind in AuditKind::ALL {
            assert_eq!(AuditKind::parse(kind.as_str()), Ok(*kind));
            assert!(!kind.label().is_empty());
        }
    }
}
