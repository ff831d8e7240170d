//! People: e-mail addresses, passwords, roles and account statuses.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An e-mail address, normalised to lower case. Only ASCII is accepted: an internationalised domain
/// is written in its `xn--` form, so a look-alike address in another script can never collide
/// with, or impersonate, an existing account.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Email, String> {
        let value = input.trim().to_ascii_lowercase();
        if value.is_empty() {
            return Err("Enter your e-mail address.".into());
        }
        if value.len() > 254 {
            return Err("That e-mail address is too long.".into());
        }
        if !value.is_ascii() {
            return Err(
                "Write the e-mail address in plain ASCII letters (use the xn-- form for international domains).".into(),
            );
        }
        let invalid = || "Enter an e-mail address like name@company.com.".to_string();
        let (local, domain) = value.rsplit_once('@').ok_or_else(invalid)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local.chars().all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        if local_ok && domain_ok {
            Ok(Email(value))
        } else {
            Err(invalid())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map(|(_, d)| d).unwrap_or_default()
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An organisation's verified e-mail domain, such as `acme.com.au`.
pub fn parse_email_domain(input: &str) -> Result<String, String> {
    let domain = input.trim().trim_start_matches('@').to_ascii_lowercase();
    Email::parse(&format!("x@{domain}"))
        .map(|e| e.domain().to_string())
        .map_err(|_| format!("\"{}\" is not a domain like company.com.", input.trim()))
}

const COMMON_PASSWORDS: &[&str] = &[
    "password",
    "password1",
    "password123",
    "123456789",
    "1234567890",
    "qwertyuiop",
    "letmein123",
    "iloveyou12",
    "welcome123",
    "changeme123",
    "administrator",
    "passw0rd12",
];

pub const PASSWORD_MIN: usize = 10;
pub const PASSWORD_MAX: usize = 128;

/// A password good enough to store: long enough, not a well-known one, not the e-mail address.
/// Following NIST SP 800-63B, length matters and composition rules do not.
pub fn check_password(password: &str, email: Option<&Email>) -> Result<(), String> {
    let length = password.chars().count();
    if length < PASSWORD_MIN {
        return Err(format!("Use at least {PASSWORD_MIN} characters for your password."));
    }
    if length > PASSWORD_MAX {
        return Err(format!("Use at most {PASSWORD_MAX} characters for your password."));
    }
    let lower = password.to_lowercase();
    if COMMON_PASSWORDS.contains(&lower.as_str()) || password.chars().all(|c| Some(c) == password.chars().next()) {
        return Err("That password is too easy to guess; choose another.".into());
    }
    if email.is_some_and(|e| lower == e.as_str() || lower == e.as_str().split('@').next().unwrap_or_default()) {
        return Err("Your password must not be your e-mail address.".into());
    }
    Ok(())
}

/// A phone number as people write it: digits with spaces, dashes, dots, brackets, a leading +.
pub fn parse_phone(input: &str) -> Result<Option<String>, String> {
    let value = input.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let allowed =
        value.chars().enumerate().all(|(i, c)| c.is_ascii_digit() || " -.()".contains(c) || (c == '+' && i == 0));
    if !allowed || !(6..=15).contains(&digits) {
        return Err("Enter a phone number like +61 2 9000 1234.".into());
    }
    Ok(Some(value.to_string()))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Customer,
    Agent,
    AccountManager,
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Customer, Role::Agent, Role::AccountManager, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Agent => "agent",
            Role::AccountManager => "account_manager",
            Role::Admin => "admin",
        }
    }

    pub fn parse(input: &str) -> Result<Role, String> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == input)
            .ok_or_else(|| "Choose a role: customer, agent, account_manager or admin.".to_string())
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Customer => "Customer",
            Role::Agent => "Support agent",
            Role::AccountManager => "Account manager",
            Role::Admin => "Administrator",
        }
    }

    /// CyTrack's own people, as opposed to client staff.
    pub fn is_staff(self) -> bool {
        !matches!(self, Role::Customer)
    }

    /// Who may approve registrations and manage organisations (DOMAIN.md: account manager or admin).
    pub fn manages_accounts(self) -> bool {
        matches!(self, Role::AccountManager | Role::Admin)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UserStatus {
    Pending,
    Active,
    Rejected,
    Disabled,
}

impl UserStatus {
    pub const ALL: [UserStatus; 4] =
        [UserStatus::Pending, UserStatus::Active, UserStatus::Rejected, UserStatus::Disabled];

    pub fn as_str(self) -> &'static str {
        match self {
            UserStatus::Pending => "pending",
            UserStatus::Active => "active",
            UserStatus::Rejected => "rejected",
            UserStatus::Disabled => "disabled",
        }
    }

    pub fn parse(input: &str) -> Result<UserStatus, String> {
        UserStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == input)
            .ok_or_else(|| "Choose a status: pending, active, rejected or disabled.".to_string())
    }

    /// Whether an account in this status may hold a session at all. Pending accounts may sign in,
    /// but only to see that they await approval.
    pub fn may_sign_in(self) -> bool {
        matches!(self, UserStatus::Pending | UserStatus::Active)
    }
}

/// A device as its owner recognises it in their list of sessions, from the user agent its
/// browser sent at sign-in: the browser and the system ("Firefox on Windows"). A program (a
/// script, an integration) is "An API client"; nothing said is "An unknown device".
pub fn device_name(user_agent: Option<&str>) -> String {
    let Some(agent) = user_agent.map(str::trim).filter(|a| !a.is_empty()) else {
        return "An unknown device".into();
    };
    let has = |needle: &str| agent.contains(needle);
    // Order matters: Edge and Opera say Chrome too, Chrome says Safari too.
    let browser = if has("Edg/") {
        "Edge"
    } else if has("OPR/") {
        "Opera"
    } else if has("Firefox/") {
        "Firefox"
    } else if has("Chrome/") || has("Chromium/") || has("HeadlessChrome/") {
        "Chrome"
    } else if has("Safari/") {
        "Safari"
    } else {
        return "An API client".into();
    };
    let system = if has("iPhone") || has("iPad") {
        "iOS"
    } else if has("Android") {
        "Android"
    } else if has("Windows") {
        "Windows"
    } else if has("Mac OS X") || has("Macintosh") {
        "macOS"
    } else if has("CrOS") {
        "ChromeOS"
    } else if has("Linux") {
        "Linux"
    } else {
        return browser.to_string();
    };
    format!("{browser} on {system}")
}

super::tickets::vocabulary!(
    /// The orders the people list comes in.
    PeopleOrder, "sort order" {
        Newest = "newest", "Newest first";
        Oldest = "oldest", "Oldest first";
        Name = "name", "By name";
    }
);

/// Someone who holds a duty the portal cannot run without: an active administrator (of the
/// portal), an active superuser (of an organisation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duty {
    Admin,
    Superuser,
}

/// Whether a change may take `Duty` from someone (demoting, disabling): only while another
/// active holder remains. `holders` counts the active holders now, the person changed included.
pub fn keeps_one(duty: Duty, holders: u64) -> Result<(), String> {
    match (duty, holders) {
        (_, 2..) => Ok(()),
        (Duty::Admin, _) => Err("The portal keeps at least one active administrator; make another one first.".into()),
        (Duty::Superuser, _) => {
            Err("The organisation keeps at least one active superuser; make another one first.".into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_device_is_named_by_its_browser_and_system() {
        let cases = [
            (None, "An unknown device"),
            (Some("  "), "An unknown device"),
            (Some("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"), "Firefox on Windows"),
            (Some("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15"), "Safari on macOS"),
            (Some("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36"), "Chrome on Linux"),
            (Some("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"), "Edge on Windows"),
            (Some("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"), "Safari on iOS"),
            (Some("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36"), "Chrome on Android"),
            (Some("curl/8.5.0"), "An API client"),
            (Some("reqwest/0.12"), "An API client"),
        ];
        for (agent, expected) in cases {
            assert_eq!(device_name(agent), expected, "{agent:?}");
        }
    }

    #[test]
    fn a_duty_is_never_left_without_a_holder() {
        let cases = [
            (Duty::Admin, 0, false),
            (Duty::Admin, 1, false),
            (Duty::Admin, 2, true),
            (Duty::Superuser, 1, false),
            (Duty::Superuser, 2, true),
            (Duty::Superuser, 40, true),
        ];
        for (duty, holders, allowed) in cases {
            assert_eq!(keeps_one(duty, holders).is_ok(), allowed, "{duty:?} with {holders}");
        }
    }

    #[test]
    fn email_parsing() {
        let cases: &[(&str, Option<&str>)] = &[
            ("Jo.Smith@Acme.COM.au", Some("jo.smith@acme.com.au")),
            ("  a@b.co ", Some("a@b.co")),
            ("jo+tickets@acme.com", Some("jo+tickets@acme.com")),
            ("", None),
            ("no-at-sign", None),
            ("@acme.com", None),
            ("jo@", None),
            ("jo@localhost", None),
            ("jo..smith@acme.com", None),
            ("jo@-acme.com", None),
            ("jo@acme..com", None),
            // Cyrillic "а" looks like Latin "a": refused rather than stored as a look-alike.
            ("\u{430}dmin@cytrack.com", None),
            ("admin@cytr\u{430}ck.com", None),
            ("jo@xn--80ak6aa92e.com", Some("jo@xn--80ak6aa92e.com")),
            ("jo smith@acme.com", None),
            ("jo@acme.com\r\nBcc: x@y.com", None),
        ];
        for (input, expected) in cases {
            let got = Email::parse(input).ok();
            assert_eq!(got.as_ref().map(Email::as_str), *expected, "input {input:?}");
        }
    }

    #[test]
    fn email_domain() {
        assert_eq!(Email::parse("a@Acme.com").unwrap().domain(), "acme.com");
        assert_eq!(parse_email_domain(" @Acme.com.au "), Ok("acme.com.au".to_string()));
        assert!(parse_email_domain("not a domain").is_err());
    }

    #[test]
    fn password_policy() {
        let email = Email::parse("jo.smith.long@acme.com").unwrap();
        let cases: &[(&str, bool)] = &[
            ("correct horse battery", true),
            ("short", false),
            ("Password123", false),
            ("aaaaaaaaaaaa", false),
            ("jo.smith.long@acme.com", false),
            ("JO.SMITH.LONG", false),
            (&"x".repeat(129), false),
        ];
        for (password, ok) in cases {
            assert_eq!(check_password(password, Some(&email)).is_ok(), *ok, "password {password:?}");
        }
    }

    #[test]
    fn phone_parsing() {
        let cases: &[(&str, Result<Option<&str>, ()>)] = &[
            ("", Ok(None)),
            ("+61 2 9000 1234", Ok(Some("+61 2 9000 1234"))),
            ("(02) 9000-1234", Ok(Some("(02) 9000-1234"))),
            ("12", Err(())),
            ("call me", Err(())),
            ("61+2900", Err(())),
        ];
        for (input, expected) in cases {
            let got = parse_phone(input).map_err(|_| ());
            assert_eq!(got.as_ref().map(|o| o.as_deref()), expected.as_ref().map(|o| *o), "input {input:?}");
        }
    }

    #[test]
    fn roles_and_statuses_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Ok(role));
        }
        for status in UserStatus::ALL {
            assert_eq!(UserStatus::parse(status.as_str()), Ok(status));
        }
        assert!(Role::parse("root").is_err());
        assert!(Role::Agent.is_staff() && !Role::Customer.is_staff());
        assert!(Role::AccountManager.manages_accounts() && !Role::Agent.manages_accounts());
        assert!(UserStatus::Pending.may_sign_in() && !UserStatus::Disabled.may_sign_in());
    }
}
