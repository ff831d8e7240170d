//! Sessions and tokens: JWTs (HS256, issuer and audience checked, expiring) that name a session
//! row, so logout and disabling a user revoke a token at once, in every portal process. An
//! authenticated `Actor` hands out narrowed capabilities (`Access`) instead of booleans.

use crate::domain::people::{Role, UserStatus};
use crate::error::{AppError, ErrorKind};
use chrono::{DateTime, Duration, Utc};
use http::HeaderMap;
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

pub const COOKIE_NAME: &str = "cytrack_session";
/// The cookie's name over TLS: browsers take a `__Host-` cookie only from a secure origin, for
/// the whole host and no other, so a sibling subdomain can neither set nor shadow it.
pub const SECURE_COOKIE_NAME: &str = "__Host-cytrack_session";
/// The cookie a plain form post's refusal travels in, back to the form (`flash_cookie`).
pub const FLASH_COOKIE_NAME: &str = "cytrack_flash";
pub const SECURE_FLASH_COOKIE_NAME: &str = "__Host-cytrack_flash";
/// How long a refusal waits for its page: the redirect follows at once.
const FLASH_SECONDS: i64 = 60;
pub const ISSUER: &str = "cytrack-portal";
pub const AUDIENCE: &str = "cytrack-portal";
pub const MIN_SECRET_BYTES: usize = 32;

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    /// The user's public id.
    pub sub: String,
    /// The session's id; revoking the session revokes the token.
    pub jti: String,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
}

pub struct AuthKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    pub session_length: Duration,
    /// Mark the cookie `Secure` (set when the portal is served over TLS).
    pub cookie_secure: bool,
}

impl AuthKeys {
    pub fn new(secret: &[u8], cookie_secure: bool) -> Result<AuthKeys, String> {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(format!("PORTAL_JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes long"));
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 5;
        Ok(AuthKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            session_length: Duration::hours(12),
            cookie_secure,
        })
    }

    pub fn issue(&self, user_id: &str, session_id: &str, now: DateTime<Utc>) -> Result<String, AppError> {
        let claims = Claims {
            sub: user_id.to_string(),
            jti: session_id.to_string(),
            iat: now.timestamp(),
            exp: (now + self.session_length).timestamp(),
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).map_err(|e| {
            tracing::error!(error = %e, "could not sign a token");
            AppError::internal()
        })
    }

    /// Checks signature, algorithm, issuer, audience and expiry. Every failure reads the same to
    /// the client: sign in again.
    pub fn verify(&self, token: &str) -> Result<Claims, AppError> {
        decode::<Claims>(token, &self.decoding, &self.validation).map(|data| data.claims).map_err(|_| invalid_session())
    }

    /// The `Set-Cookie` value that carries a fresh token to the browser.
    pub fn session_cookie(&self, token: &str) -> String {
        self.cookie(token, self.session_length.num_seconds())
    }

    /// The `Set-Cookie` value that removes the session cookie.
    pub fn clearing_cookie(&self) -> String {
        self.cookie("", 0)
    }

    /// The `Set-Cookie` value that carries a plain form post's refusal, its code and the server's
    /// own sentence, to the page the post goes back to (issue 20, finding 8: the address carries
    /// only the code, since anyone can write an address; only this server sets this cookie).
    /// The sentence travels hex-encoded: a cookie value cannot hold spaces or semicolons.
    pub fn flash_cookie(&self, error: &AppError) -> String {
        let sentence: String = error.message.chars().take(500).collect();
        let hex: String = sentence.bytes().map(|b| format!("{b:02x}")).collect();
        let value = format!("{}.{hex}", error.code_for_address());
        match self.cookie_secure {
            true => format!(
                "{SECURE_FLASH_COOKIE_NAME}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={FLASH_SECONDS}; Secure"
            ),
            false => format!("{FLASH_COOKIE_NAME}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={FLASH_SECONDS}"),
        }
    }

    fn cookie(&self, value: &str, max_age: i64) -> String {
        match self.cookie_secure {
            true => format!("{SECURE_COOKIE_NAME}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}; Secure"),
            false => format!("{COOKIE_NAME}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}"),
        }
    }
}

pub fn invalid_session() -> AppError {
    AppError::new(
        ErrorKind::Unauthenticated,
        "invalid_token",
        "Your session is not valid or has expired; please sign in again.",
    )
}

/// The token a request carries: `Authorization: Bearer` for API clients, else the cookie.
pub fn token_from_headers(headers: &HeaderMap) -> Option<String> {
    if let Some(value) = headers.get(http::header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
        if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() {
            return Some(token.trim().to_string());
        }
    }
    cookie(headers, [COOKIE_NAME, SECURE_COOKIE_NAME]).map(str::to_string)
}

/// The first non-empty value of a cookie under either of its names (plain, or `__Host-`).
fn cookie<'a>(headers: &'a HeaderMap, names: [&str; 2]) -> Option<&'a str> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| names.contains(name) && !value.is_empty())
        .map(|(_, value)| value)
}

/// The address a request came from: the peer, or, when the peer is a proxy the operator trusts
/// (`PORTAL_TRUSTED_PROXIES`), the client its `X-Forwarded-For` names. Stamped on every request
/// by the server, read by sign-in throttling (per source) for both doors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddress(pub std::net::IpAddr);

/// The client behind `peer`: walking `X-Forwarded-For` from the right (the hop nearest us) past
/// the trusted proxies, the first address no trusted proxy claims. A header from an untrusted
/// peer is ignored (anyone can write one); an unreadable entry stops the walk at the last trusted
/// hop, which is then what the request is counted as.
pub fn client_address(
    peer: std::net::IpAddr,
    forwarded_for: Option<&str>,
    trusted: &[std::net::IpAddr],
) -> std::net::IpAddr {
    let mut client = peer;
    if !trusted.contains(&peer) {
        return client;
    }
    for hop in forwarded_for.unwrap_or("").rsplit(',').map(str::trim).filter(|h| !h.is_empty()) {
        let Ok(address) = hop.parse::<std::net::IpAddr>() else { break };
        client = address;
        if !trusted.contains(&address) {
            break;
        }
    }
    client
}

/// What sign-in records about where an attempt came from.
#[derive(Clone, Copy, Debug, Default)]
pub struct Client<'a> {
    /// The browser, as it names itself (shown to the account's owner with their sessions).
    pub user_agent: Option<&'a str>,
    /// Where it came from (counted by sign-in throttling).
    pub address: Option<std::net::IpAddr>,
}

/// The refusal a flash cookie carries (`AuthKeys::flash_cookie`): its code and sentence.
pub fn flash_from_headers(headers: &HeaderMap) -> Option<(String, String)> {
    let (code, hex) = cookie(headers, [FLASH_COOKIE_NAME, SECURE_FLASH_COOKIE_NAME])?.split_once('.')?;
    let bytes: Option<Vec<u8>> = (0..hex.len())
        .step_by(2)
        .map(|i| hex.get(i..i + 2).and_then(|pair| u8::from_str_radix(pair, 16).ok()))
        .collect();
    Some((code.to_string(), String::from_utf8(bytes?).ok()?))
}

/// Who is making the request, as established by a valid session.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: String,
    pub session_id: String,
    pub name: String,
    pub role: Role,
    pub status: UserStatus,
    pub organization_id: Option<String>,
    pub superuser: bool,
}

/// What an active account may reach. A customer's access always carries their organisation, so
/// queries scoped by it are scoped by construction.
#[derive(Debug, Clone)]
pub enum Access {
    Customer(CustomerAccess),
    Staff(StaffAccess),
}

#[derive(Debug, Clone)]
pub struct CustomerAccess {
    pub user_id: String,
    pub organization_id: String,
    pub superuser: bool,
}

#[derive(Debug, Clone)]
pub struct StaffAccess {
    pub user_id: String,
    pub role: Role,
}

impl Actor {
    /// The access of an active account; a pending account may only see that it awaits approval.
    pub fn access(&self) -> Result<Access, AppError> {
        if self.status != UserStatus::Active {
            return Err(AppError::new(
                ErrorKind::Forbidden,
                "awaiting_approval",
                "Your registration is awaiting approval by CyTrack; you will be able to raise tickets once it is approved.",
            ));
        }
        if self.role.is_staff() {
            return Ok(Access::Staff(StaffAccess { user_id: self.user_id.clone(), role: self.role }));
        }
        match &self.organization_id {
            Some(org) => Ok(Access::Customer(CustomerAccess {
                user_id: self.user_id.clone(),
                organization_id: org.clone(),
                superuser: self.superuser,
            })),
            None => Err(AppError::forbidden("Your account is not attached to an organisation yet.")),
        }
    }

    /// CyTrack staff of any role.
    pub fn staff(&self) -> Result<StaffAccess, AppError> {
        match self.access()? {
            Access::Staff(staff) => Ok(staff),
            Access::Customer(_) => Err(AppError::forbidden("Only CyTrack staff can do this.")),
        }
    }

    /// Account managers and admins: organisations, registrations, contracts, vouchers.
    pub fn account_manager(&self) -> Result<StaffAccess, AppError> {
        let staff = self.staff()?;
        if staff.role.manages_accounts() {
            Ok(staff)
        } else {
            Err(AppError::forbidden("Only account managers and administrators can do this."))
        }
    }

    pub fn admin(&self) -> Result<StaffAccess, AppError> {
        let staff = self.staff()?;
        if staff.role == Role::Admin {
            Ok(staff)
        } else {
            Err(AppError::forbidden("Only administrators can do this."))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> AuthKeys {
        AuthKeys::new(&[7u8; 32], false).unwrap()
    }

    #[test]
    fn short_secrets_are_refused() {
        assert!(AuthKeys::new(b"too short", false).is_err());
    }

    #[test]
    fn a_token_round_trips() {
        let now = Utc::now();
        let token = keys().issue("user-1", "session-1", now).unwrap();
        let claims = keys().verify(&token).unwrap();
        assert_eq!((claims.sub.as_str(), claims.jti.as_str()), ("user-1", "session-1"));
    }

    #[test]
    fn tampered_expired_foreign_and_unsigned_tokens_are_refused() {
        let now = Utc::now();
        let token = keys().issue("user-1", "session-1", now).unwrap();
        let mut tampered = token.clone();
        tampered.pop();
        tampered.push(if token.ends_with('A') { 'B' } else { 'A' });
        let expired = keys().issue("user-1", "s", now - Duration::hours(13)).unwrap();
        let other_key = AuthKeys::new(&[9u8; 32], false).unwrap().issue("user-1", "s", now).unwrap();
        // {"alg":"none"} with the same claims and no signature.
        let payload = token.split('.').nth(1).unwrap();
        let unsigned = format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{payload}.");
        for bad in [tampered, expired, other_key, unsigned, "garbage".to_string()] {
            assert_eq!(keys().verify(&bad).unwrap_err().code, "invalid_token", "{bad}");
        }
    }

    #[test]
    fn the_client_is_the_first_hop_no_trusted_proxy_claims() {
        let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
        let proxies = [ip("10.0.0.1"), ip("10.0.0.2")];
        let cases = [
            ("a peer nobody trusts writes what it likes", "203.0.113.9", Some("198.51.100.1"), "203.0.113.9"),
            ("a trusted proxy names its client", "10.0.0.1", Some("198.51.100.1"), "198.51.100.1"),
            ("entries the client wrote are not believed", "10.0.0.1", Some("1.1.1.1, 198.51.100.1"), "198.51.100.1"),
            ("proxies in a chain are walked past", "10.0.0.1", Some("198.51.100.1, 10.0.0.2"), "198.51.100.1"),
            ("a proxy without the header is the client", "10.0.0.1", None, "10.0.0.1"),
            ("an unreadable hop stops the walk", "10.0.0.1", Some("198.51.100.1, junk, 10.0.0.2"), "10.0.0.2"),
            ("IPv6 too", "10.0.0.1", Some("2001:db8::7"), "2001:db8::7"),
        ];
        for (case, peer, header, expected) in cases {
            assert_eq!(client_address(ip(peer), header, &proxies), ip(expected), "{case}");
        }
    }

    #[test]
    fn a_refusal_travels_to_its_page_in_a_cookie_and_back() {
        let refusal = AppError::rule("conditions_unfulfilled", "The Stakeholders form is not accepted yet; café ☕.");
        let cookie = keys().flash_cookie(&refusal);
        assert!(cookie.contains("HttpOnly") && cookie.contains("Max-Age=60"), "{cookie}");
        let value = cookie.split(';').next().unwrap();
        assert!(!value.contains(' '), "no space in a cookie value: {value}");
        let mut headers = HeaderMap::new();
        headers.insert(http::header::COOKIE, format!("theme=dark; {value}").parse().unwrap());
        let read = flash_from_headers(&headers).unwrap();
        assert_eq!(read, ("conditions_unfulfilled".to_string(), refusal.message.clone()));
        headers.insert(http::header::COOKIE, "cytrack_flash=code.zz".parse().unwrap());
        assert_eq!(flash_from_headers(&headers), None, "unreadable: none");
        assert!(AuthKeys::new(&[1u8; 32], true).unwrap().flash_cookie(&refusal).starts_with("__Host-cytrack_flash="));
    }

    #[test]
    fn tokens_come_from_bearer_or_cookie() {
        let mut headers = HeaderMap::new();
        headers.insert(http::header::COOKIE, "theme=dark; cytrack_session=abc".parse().unwrap());
        assert_eq!(token_from_headers(&headers).as_deref(), Some("abc"));
        headers.insert(http::header::AUTHORIZATION, "Bearer xyz".parse().unwrap());
        assert_eq!(token_from_headers(&headers).as_deref(), Some("xyz"));
        assert_eq!(token_from_headers(&HeaderMap::new()), None);
    }

    #[test]
    fn cookies_are_http_only_and_same_site() {
        let cookie = keys().session_cookie("t");
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && !cookie.contains("Secure"));
        assert!(AuthKeys::new(&[1u8; 32], true).unwrap().session_cookie("t").ends_with("; Secure"));
    }

    fn actor(role: Role, status: UserStatus, org: Option<&str>) -> Actor {
        Actor {
            user_id: "u".into(),
            session_id: "s".into(),
            name: "n".into(),
            role,
            status,
            organization_id: org.map(str::to_string),
            superuser: false,
        }
    }

    #[test]
    fn capabilities_by_role() {
        use Role::*;
        // (role, status, org) -> (access, staff, account manager, admin)
        let table = [
            (Customer, UserStatus::Pending, None, [false, false, false, false]),
            (Customer, UserStatus::Active, Some("o"), [true, false, false, false]),
            (Customer, UserStatus::Active, None, [false, false, false, false]),
            (Agent, UserStatus::Active, None, [true, true, false, false]),
            (AccountManager, UserStatus::Active, None, [true, true, true, false]),
            (Admin, UserStatus::Active, None, [true, true, true, true]),
            (Admin, UserStatus::Disabled, None, [false, false, false, false]),
        ];
        for (role, status, org, expected) in table {
            let a = actor(role, status, org);
            let got = [a.access().is_ok(), a.staff().is_ok(), a.account_manager().is_ok(), a.admin().is_ok()];
            assert_eq!(got, expected, "{role:?} {status:?}");
        }
    }
}

#[cfg(test)]
mod cookie_tests {
    use super::*;

    #[test]
    fn over_tls_the_cookie_is_secure_and_host_only_and_both_names_are_read() {
        let secret = [7u8; 40];
        let plain = AuthKeys::new(&secret, false).unwrap().session_cookie("t");
        let secure = AuthKeys::new(&secret, true).unwrap().session_cookie("t");
        assert!(plain.starts_with("cytrack_session=t;") && !plain.contains("Secure"), "{plain}");
        assert!(secure.starts_with("__Host-cytrack_session=t;") && secure.ends_with("; Secure"), "{secure}");
        assert!(secure.contains("Path=/") && !secure.contains("Domain"), "a __Host- cookie: {secure}");
        for cookie in ["cytrack_session=abc", "__Host-cytrack_session=abc", "other=1; __Host-cytrack_session=abc"] {
            let mut headers = HeaderMap::new();
            headers.insert(http::header::COOKIE, cookie.parse().unwrap());
            assert_eq!(token_from_headers(&headers).as_deref(), Some("abc"), "{cookie}");
        }
    }
}
