//! Configuration from the environment (API.md, "Configuration of the server binary").

use crate::mailer::MailConfig;
use app::ssr::services::attachments::FileStore;
use leptos::config::LeptosOptions;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: String,
    pub jwt_secret: Vec<u8>,
    pub admin: Option<(String, String)>,
    pub cookie_secure: bool,
    pub leptos: LeptosOptions,
    pub mail: MailConfig,
    /// Where attached files are kept (`PORTAL_STORAGE_URL`: a directory under the data directory
    /// by default; an S3-compatible bucket or the database, shared by several portal processes).
    pub files: FileStore,
    /// Where uploads wait while they are received and checked.
    pub incoming_dir: PathBuf,
    /// Proxies whose `X-Forwarded-For` names the client (`PORTAL_TRUSTED_PROXIES`, addresses
    /// separated by commas): a load balancer in front of several portal processes.
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

pub const DEFAULT_DATA_DIR: &str = "data";

impl Config {
    /// Reads the environment; the SQLite file and the signing key default to `./data/`.
    pub fn from_env() -> Result<Config, String> {
        let data_dir = PathBuf::from(std::env::var("PORTAL_DATA_DIR").unwrap_or_else(|_| DEFAULT_DATA_DIR.into()));
        let database_url = match non_empty("DATABASE_URL") {
            Some(url) => url,
            None => {
                std::fs::create_dir_all(&data_dir)
                    .map_err(|e| format!("cannot create the data directory {}: {e}", data_dir.display()))?;
                format!("sqlite://{}?mode=rwc", data_dir.join("cytrack.db").display())
            }
        };
        let jwt_secret = match non_empty("PORTAL_JWT_SECRET") {
            Some(secret) => secret.into_bytes(),
            None => stored_secret(&data_dir)?,
        };
        let admin = match (non_empty("PORTAL_ADMIN_EMAIL"), non_empty("PORTAL_ADMIN_PASSWORD")) {
            (Some(email), Some(password)) => Some((email, password)),
            _ => None,
        };
        let leptos = leptos_options()?;
        let mail = mail_config(&data_dir, &leptos);
        // Served over https (the public URL says so): Secure, `__Host-` cookies and HSTS.
        let cookie_secure = matches!(non_empty("PORTAL_COOKIE_SECURE").as_deref(), Some("1" | "true" | "yes"))
            || served_over_tls(&mail.public_url);
        let files = FileStore::from_url(non_empty("PORTAL_STORAGE_URL").as_deref(), &data_dir)?;
        let incoming_dir = files.incoming_dir(&data_dir);
        let trusted_proxies = trusted_proxies(non_empty("PORTAL_TRUSTED_PROXIES").as_deref())?;
        Ok(Config {
            database_url,
            jwt_secret,
            admin,
            cookie_secure,
            leptos,
            mail,
            files,
            incoming_dir,
            trusted_proxies,
        })
    }
}

/// `PORTAL_TRUSTED_PROXIES`: addresses separated by commas; one that is not an address stops the
/// start, rather than trusting nobody (or everybody) by mistake.
fn trusted_proxies(list: Option<&str>) -> Result<Vec<std::net::IpAddr>, String> {
    list.unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(|a| a.parse().map_err(|_| format!("PORTAL_TRUSTED_PROXIES: `{a}` is not an IP address")))
        .collect()
}

/// Outgoing mail: `PORTAL_SMTP_URL`, `PORTAL_MAIL_FROM` and `PORTAL_PUBLIC_URL` (API.md).
fn mail_config(data_dir: &Path, leptos: &LeptosOptions) -> MailConfig {
    let public_url = non_empty("PORTAL_PUBLIC_URL").unwrap_or_else(|| format!("http://{}", leptos.site_addr));
    let from = non_empty("PORTAL_MAIL_FROM").unwrap_or_else(|| default_sender(&public_url));
    MailConfig {
        smtp_url: non_empty("PORTAL_SMTP_URL"),
        from,
        public_url,
        outbox_dir: data_dir.join("mail"),
        inbound_secret: non_empty("PORTAL_INBOUND_SECRET"),
        imap_url: non_empty("PORTAL_IMAP_URL"),
    }
}

/// Whether people reach the portal over https.
pub fn served_over_tls(public_url: &str) -> bool {
    public_url.trim().to_ascii_lowercase().starts_with("https://")
}

/// `support@` and the public host; a bare IP address or `localhost` is no mail domain, so the
/// demo sends as `support@cytrack.localhost`.
pub fn default_sender(public_url: &str) -> String {
    let host = public_url.split("://").nth(1).unwrap_or(public_url).split(['/', ':']).next().unwrap_or_default();
    let usable = host.contains('.') && host.parse::<std::net::IpAddr>().is_err();
    format!("CyTrack Support <support@{}>", if usable { host } else { "cytrack.localhost" })
}

fn non_empty(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// cargo-leptos passes `LEPTOS_*` variables; a binary started by hand gets the same defaults.
fn leptos_options() -> Result<LeptosOptions, String> {
    if non_empty("LEPTOS_OUTPUT_NAME").is_some() {
        return leptos::config::get_configuration(None)
            .map(|conf| conf.leptos_options)
            .map_err(|e| format!("invalid LEPTOS_* configuration: {e}"));
    }
    let site_addr: SocketAddr = non_empty("LEPTOS_SITE_ADDR")
        .unwrap_or_else(|| "127.0.0.1:3000".into())
        .parse()
        .map_err(|e| format!("LEPTOS_SITE_ADDR is not an address like 127.0.0.1:3000: {e}"))?;
    Ok(LeptosOptions::builder()
        .output_name("cytrack")
        .site_root(non_empty("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()))
        .site_pkg_dir(non_empty("LEPTOS_SITE_PKG_DIR").unwrap_or_else(|| "pkg".into()))
        .site_addr(site_addr)
        .build())
}

/// The signing key kept in the data directory, created once with mode 0600.
fn stored_secret(data_dir: &Path) -> Result<Vec<u8>, String> {
    use rand::RngCore;
    let path = data_dir.join("jwt-secret");
    if let Ok(existing) = std::fs::read(&path) {
        if existing.len() >= app::ssr::auth::MIN_SECRET_BYTES {
            return Ok(existing);
        }
    }
    std::fs::create_dir_all(data_dir).map_err(|e| format!("cannot create {}: {e}", data_dir.display()))?;
    let mut secret = vec![0u8; 48];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    let secret: Vec<u8> = secret.iter().map(|b| format!("{b:02x}")).collect::<String>().into_bytes();
    write_private(&path, &secret).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(secret)
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(path)?;
    file.write_all(bytes)
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_https_public_url_means_tls() {
        assert!(served_over_tls("https://support.cytrack.example"));
        assert!(served_over_tls("HTTPS://support.cytrack.example"));
        assert!(!served_over_tls("http://127.0.0.1:3000"));
    }

    #[test]
    fn the_sender_defaults_to_support_at_the_public_host() {
        let cases = [
            ("https://support.cytrack.example", "CyTrack Support <support@support.cytrack.example>"),
            ("https://support.cytrack.example:8443/portal", "CyTrack Support <support@support.cytrack.example>"),
            ("http://127.0.0.1:3000", "CyTrack Support <support@cytrack.localhost>"),
            ("http://localhost:3000", "CyTrack Support <support@cytrack.localhost>"),
        ];
        for (url, sender) in cases {
            assert_eq!(default_sender(url), sender, "{url}");
        }
    }

    #[test]
    fn the_stored_secret_is_created_once_and_private() {
        let dir = std::env::temp_dir().join(format!("cytrack-secret-{}", uuid::Uuid::new_v4()));
        let first = stored_secret(&dir).unwrap();
        let second = stored_secret(&dir).unwrap();
        assert_eq!(first, second);
        assert!(first.len() >= app::ssr::auth::MIN_SECRET_BYTES);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.join("jwt-secret")).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::remove_dir_all(dir).ok();
    }
}
