//! Proving an e-mail address, resetting a password, accepting an invitation: what each token is for, how long it
//! lasts, whether it may still be used, and what proving an address does to a registration.

use crate::domain::people::UserStatus;
use chrono::{DateTime, Duration, Utc};

/// What a single-use token mailed to someone lets them do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    VerifyEmail,
    ResetPassword,
    /// An account made for someone (a colleague a superuser invites, a new staff member): they
    /// choose their password from the link, which proves the address too.
    Invitation,
}

impl TokenPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::VerifyEmail => "verify_email",
            TokenPurpose::ResetPassword => "reset_password",
            TokenPurpose::Invitation => "invitation",
        }
    }

    /// A reset link is a key to the account: it lasts an hour. A confirmation link proves only
    /// that the mail arrived: two days, so a registration on Friday can be confirmed on Sunday.
    pub fn lifetime(self) -> Duration {
        match self {
            TokenPurpose::VerifyEmail => Duration::hours(48),
            TokenPurpose::ResetPassword => Duration::hours(1),
            // An invitation waits for someone who may be away for the week.
            TokenPurpose::Invitation => Duration::days(7),
        }
    }
}

/// No second mail of the same kind to the same person within this: asking again and again
/// cannot flood a mailbox (or the outbox).
pub const RESEND_AFTER: Duration = Duration::minutes(1);

/// Why a token cannot be used, in words for the person holding the link.
pub const TOKEN_UNUSABLE: &str = "This link has expired or was already used. Ask for a new one.";

/// Whether a token found by its hash may be used now: once, before it expires.
pub fn usable(expires_at: DateTime<Utc>, used_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    used_at.is_none() && now < expires_at
}

/// What proving the address does to an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterProof {
    /// A pending registration from an organisation's e-mail domain joins it, active, as a plain
    /// customer (DOMAIN.md, Registration).
    JoinsOrganization,
    /// Any other pending registration now waits for an account manager, who is told of it.
    AwaitsApproval,
    /// An account that is already active (or was decided) only records the proof.
    Recorded,
}

pub fn after_proof(status: UserStatus, domain_belongs_to_an_organization: bool) -> AfterProof {
    match (status, domain_belongs_to_an_organization) {
        (UserStatus::Pending, true) => AfterProof::JoinsOrganization,
        (UserStatus::Pending, false) => AfterProof::AwaitsApproval,
        _ => AfterProof::Recorded,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_token_is_used_once_before_it_expires() {
        let issued = Utc.with_ymd_and_hms(2026, 11, 29, 9, 0, 0).unwrap();
        let expires = issued + TokenPurpose::ResetPassword.lifetime();
        let cases = [
            (issued, None, true),
            (expires - Duration::seconds(1), None, true),
            (expires, None, false),
            (issued + Duration::minutes(5), Some(issued + Duration::minutes(1)), false),
        ];
        for (now, used_at, ok) in cases {
            assert_eq!(usable(expires, used_at, now), ok, "at {now}, used {used_at:?}");
        }
    }

    #[test]
    fn a_reset_link_lasts_an_hour_and_a_confirmation_two_days() {
        assert_eq!(TokenPurpose::ResetPassword.lifetime(), Duration::hours(1));
        assert_eq!(TokenPurpose::Invitation.lifetime(), Duration::days(7));
        assert_eq!(TokenPurpose::VerifyEmail.lifetime(), Duration::hours(48));
    }

    #[test]
    fn proving_an_address_moves_only_a_pending_registration() {
        use UserStatus::*;
        let cases = [
            (Pending, true, AfterProof::JoinsOrganization),
            (Pending, false, AfterProof::AwaitsApproval),
            (Active, true, AfterProof::Recorded),
            (Active, false, AfterProof::Recorded),
            (Rejected, true, AfterProof::Recorded),
            (Disabled, true, AfterProof::Recorded),
        ];
        for (status, domain, outcome) in cases {
            assert_eq!(after_proof(status, domain), outcome, "{status:?}, domain listed: {domain}");
        }
    }
}
