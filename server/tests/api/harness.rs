//! A portal of the test's own: fresh database, random port, a client, and helpers to act as people.

use leptos::config::LeptosOptions;
use reqwest::StatusCode;
use serde_json::{json, Value};
use server::config::Config;
use std::net::SocketAddr;

pub const ADMIN_EMAIL: &str = "admin@cytrack.test";
pub const ADMIN_PASSWORD: &str = "admin-password-for-tests";
pub const PASSWORD: &str = "a perfectly good password";
pub const INBOUND_SECRET: &str = "inbound-secret-for-the-tests";

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    database_url: String,
    /// Stops the portal this TestApp started when dropped (None for a portal started elsewhere).
    _stop: Option<tokio::sync::oneshot::Sender<()>>,
}

/// Portals on one database share its directory of files too, as processes on one host would.
fn files_dir_for(database_url: &str) -> std::path::PathBuf {
    let tail: String = database_url.chars().rev().take(48).filter(|c| c.is_ascii_alphanumeric()).collect();
    std::env::temp_dir().join(format!("cytrack-files-{tail}"))
}

/// A database nobody else uses: a new SQLite file, or a new PostgreSQL database.
pub async fn fresh_database_url() -> String {
    let name = format!("cytrack_test_{}", uuid::Uuid::new_v4().simple());
    match std::env::var("TEST_DATABASE_URL").ok().filter(|u| !u.is_empty()) {
        Some(server) => {
            use sea_orm::ConnectionTrait;
            let admin = sea_orm::Database::connect(format!("{}/postgres", server.trim_end_matches('/')))
                .await
                .expect("TEST_DATABASE_URL must reach a PostgreSQL server");
            admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await.expect("create the test database");
            admin.close().await.ok();
            format!("{}/{name}", server.trim_end_matches('/'))
        }
        None => {
            let dir = std::env::temp_dir().join("cytrack-tests");
            std::fs::create_dir_all(&dir).expect("temp dir");
            format!("sqlite://{}?mode=rwc", dir.join(format!("{name}.db")).display())
        }
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_on(fresh_database_url().await).await
}

/// Another portal on an existing database: its own pool and port, as a second process would be.
pub async fn spawn_app_on(database_url: String) -> TestApp {
    spawn(database_url, "target/site", false).await
}

/// A portal serving its static files from `site_root` (a directory the test made).
pub async fn spawn_app_serving(site_root: &str) -> TestApp {
    spawn(fresh_database_url().await, site_root, false).await
}

/// A portal configured as served over https (its public URL is https://…).
pub async fn spawn_app_over_tls() -> TestApp {
    spawn(fresh_database_url().await, "target/site", true).await
}

/// A portal on `database_url` keeping its files in `files` (an S3-compatible store, say).
pub async fn spawn_app_with_files(database_url: String, files: app::ssr::services::attachments::FileStore) -> TestApp {
    spawn_with(database_url, "target/site", false, Some(files)).await
}

async fn spawn(database_url: String, site_root: &str, over_tls: bool) -> TestApp {
    spawn_with(database_url, site_root, over_tls, None).await
}

async fn spawn_with(
    database_url: String,
    site_root: &str,
    over_tls: bool,
    files: Option<app::ssr::services::attachments::FileStore>,
) -> TestApp {
    // Logs appear with a failing test's output only.
    let _ = tracing_subscriber::fmt().with_test_writer().with_env_filter("warn").try_init();
    // The portal runs on a multi-threaded runtime of its own, as the server binary does, not on
    // the test's single thread, so client and server never share one. (The stalls once blamed on
    // that had another cause: see `startup::routes`.)
    // Dropping the TestApp stops it, so its pool's connections close with the test.
    let (started, start) = tokio::sync::oneshot::channel();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let url = database_url.clone();
    let site_root = site_root.to_string();
    let files_dir = files_dir_for(&database_url);
    let database_url_is_postgres = database_url.starts_with("postgres");
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind a free port");
            let addr: SocketAddr = listener.local_addr().unwrap();
            let config = Config {
                database_url: url,
                jwt_secret: b"integration-tests-secret-of-enough-length".to_vec(),
                admin: Some((ADMIN_EMAIL.into(), ADMIN_PASSWORD.into())),
                cookie_secure: over_tls,
                leptos: LeptosOptions::builder().output_name("cytrack").site_root(site_root).site_addr(addr).build(),
                mail: server::mailer::MailConfig {
                    smtp_url: None,
                    from: "CyTrack Support <support@cytrack.test>".into(),
                    public_url: format!("http://{addr}"),
                    outbox_dir: std::env::temp_dir().join("cytrack-tests-mail"),
                    inbound_secret: Some(INBOUND_SECRET.into()),
                    imap_url: None,
                },
                // PostgreSQL runs keep files in the shared database, as several processes do;
                // SQLite runs in a directory of the test's own.
                files: match (files, database_url_is_postgres) {
                    (Some(files), _) => files,
                    (None, true) => app::ssr::services::attachments::FileStore::Database,
                    (None, false) => app::ssr::services::attachments::FileStore::Directory(files_dir.join("files")),
                },
                incoming_dir: files_dir.join("incoming"),
                trusted_proxies: Vec::new(),
            };
            let built = server::startup::build(config).await.expect("the portal starts");
            let _ = started.send(addr);
            let service = built.router.into_make_service_with_connect_info::<SocketAddr>();
            let stopped = async move {
                let _ = stopped.await;
            };
            axum::serve(listener, service).with_graceful_shutdown(stopped).await.ok();
        });
    });
    let addr = start.await.expect("the portal starts");
    TestApp { base: format!("http://{addr}"), client: client(), database_url, _stop: Some(stop) }
}

/// A request that hangs fails its test instead of stalling the run.
fn client() -> reqwest::Client {
    client_builder().build().unwrap()
}

fn client_builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).timeout(std::time::Duration::from_secs(30))
}

/// A client on another machine, as the portal sees it: its requests leave from `address`, one of
/// the loopback network's (127.0.0.0/8), so the portal's peer address is that one.
pub fn client_from(address: &str) -> reqwest::Client {
    client_builder().local_address(address.parse::<std::net::IpAddr>().expect("an address")).build().unwrap()
}

/// A person signed in through the API.
#[derive(Clone, Debug)]
pub struct Person {
    pub token: String,
    pub id: String,
}

impl TestApp {
    /// Another portal process on this one's database (and file store).
    pub async fn second_portal(&self) -> TestApp {
        spawn_app_on(self.database_url.clone()).await
    }

    /// How many copies of `bytes` the file store keeps.
    pub async fn kept_copies(&self, bytes: &[u8]) -> usize {
        use sea_orm::{ConnectionTrait, Statement};
        let sha: String = <sha2::Sha256 as sha2::Digest>::digest(bytes).iter().map(|b| format!("{b:02x}")).collect();
        if self.database_url.starts_with("postgres") {
            let db = self.database().await;
            let sql = format!("SELECT COUNT(*) AS n FROM file_chunks WHERE sha256 = '{sha}' AND seq = 0");
            let row = db.query_one(Statement::from_string(db.get_database_backend(), sql)).await.unwrap().unwrap();
            return row.try_get::<i64>("", "n").unwrap() as usize;
        }
        let dir = files_dir_for(&self.database_url).join("files").join(&sha[..2]);
        std::fs::read_dir(dir)
            .map(|d| d.filter(|e| e.as_ref().is_ok_and(|e| e.file_name() == sha.as_str())).count())
            .unwrap_or(0)
    }

    /// The directory store of this portal's files (SQLite runs).
    pub fn files_dir(&self) -> std::path::PathBuf {
        files_dir_for(&self.database_url).join("files")
    }

    /// Uploads received but neither kept nor removed.
    pub fn files_waiting(&self) -> usize {
        std::fs::read_dir(files_dir_for(&self.database_url).join("incoming")).map(|d| d.count()).unwrap_or(0)
    }

    /// A portal already running at `base` (a server process the test started).
    pub fn at(base: String, database_url: String) -> TestApp {
        TestApp { base, client: client(), database_url, _stop: None }
    }

    pub fn database_url(&self) -> String {
        self.database_url.clone()
    }

    /// A connection of the test's own to the portal's database, for what no endpoint does (time passing).
    pub async fn database(&self) -> sea_orm::DatabaseConnection {
        app::ssr::db::connect(&self.database_url).await.expect("the test database")
    }

    /// The person as the services know them, for calling a service directly.
    pub async fn actor(&self, who: &Person) -> app::ssr::auth::Actor {
        use sea_orm::EntityTrait;
        let found = app::ssr::entities::user::Entity::find_by_id(who.id.clone()).one(&self.database().await).await;
        let u = found.expect("the people table").expect("the person");
        app::ssr::auth::Actor {
            user_id: u.id,
            session_id: String::new(),
            name: u.name,
            role: app::domain::people::Role::parse(&u.role).expect("a role"),
            status: app::domain::people::UserStatus::Active,
            organization_id: u.organization_id,
            superuser: u.superuser,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self.client.request(method, self.url(path));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        let res = req.send().await.expect("request reaches the portal");
        let status = res.status();
        let text = res.text().await.unwrap_or_default();
        let json =
            if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
        (status, json)
    }

    /// Hands a raw message to the inbound endpoint, as a mail provider's webhook would.
    pub async fn deliver(&self, raw: &str) -> (StatusCode, Value) {
        let res = self
            .client
            .post(self.url("/api/v1/mail/inbound"))
            .bearer_auth(INBOUND_SECRET)
            .header("content-type", "message/rfc822")
            .body(raw.replace('\n', "\r\n"))
            .send()
            .await
            .expect("request reaches the portal");
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// A page as a browser signed in as `who` asks for it (session cookie, HTML).
    pub fn page(&self, path: &str, who: &Person) -> reqwest::RequestBuilder {
        self.client
            .get(self.url(path))
            .header("cookie", format!("cytrack_session={}", who.token))
            .header("accept", "text/html")
    }

    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.send("GET", path, Some(token), None).await
    }

    /// Every item of a paged list, read page by page until an empty one (`path` holds its query
    /// but no `page`), each page answered 200; and the `total` the last page reported.
    pub async fn every_page(&self, path: &str, token: &str) -> (Vec<Value>, Value) {
        let mut items = Vec::new();
        for page in 1.. {
            let paged = format!("{path}&page={page}");
            let (status, body) = self.get(&paged, token).await;
            assert_eq!(status, StatusCode::OK, "{paged}: {body}");
            match body["items"].as_array() {
                Some(found) if !found.is_empty() => items.extend(found.iter().cloned()),
                _ => return (items, body["total"].clone()),
            }
        }
        unreachable!("the pages end")
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        self.send("POST", path, token, Some(body)).await
    }

    pub async fn login(&self, email: &str, password: &str) -> Person {
        let (status, body) = self.post("/api/v1/auth/login", None, json!({"email": email, "password": password})).await;
        assert_eq!(status, StatusCode::OK, "login of {email}: {body}");
        Person {
            token: body["token"].as_str().unwrap().to_string(),
            id: body["user"]["id"].as_str().unwrap().to_string(),
        }
    }

    pub async fn admin(&self) -> Person {
        self.login(ADMIN_EMAIL, ADMIN_PASSWORD).await
    }

    pub async fn staff(&self, role: &str) -> Person {
        let admin = self.admin().await;
        let email = format!("{role}-{}@cytrack.test", short_id());
        let (status, body) = self
            .post(
                "/api/v1/staff",
                Some(&admin.token),
                json!({"name": format!("A {role}"), "email": email, "password": PASSWORD, "role": role}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        self.login(&email, PASSWORD).await
    }

    pub async fn organization(&self, name: &str, domains: &[&str]) -> String {
        let admin = self.admin().await;
        let (status, body) = self
            .post("/api/v1/organizations", Some(&admin.token), json!({"name": name, "email_domains": domains}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["organization"]["id"].as_str().unwrap().to_string()
    }

    /// Registers a person and confirms their address with the link mailed to them; their id.
    pub async fn register(&self, name: &str, email: &str) -> String {
        let (status, body) = self
            .post(
                "/api/v1/auth/register",
                None,
                json!({"name": name, "email": email, "password": PASSWORD, "company": "Client"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let token = self.mailed_token(email, "verify_email").await;
        let (status, body) = self.post("/api/v1/auth/verify-email", None, json!({"token": token})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["user"]["id"].as_str().unwrap().to_string()
    }

    /// The token in the latest link of this kind mailed to `email`, read from the outbox as the
    /// mail carries it.
    pub async fn mailed_token(&self, email: &str, kind: &str) -> String {
        use app::ssr::entities::mail_outbox;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
        let mail = mail_outbox::Entity::find()
            .filter(mail_outbox::Column::ToAddress.eq(email.to_lowercase()))
            .filter(mail_outbox::Column::Kind.eq(kind))
            .order_by_desc(mail_outbox::Column::CreatedAt)
            .one(&self.database().await)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no {kind} mail to {email}"));
        let link = mail.link.expect("the mail carries a link");
        link.split("token=").nth(1).expect("a token in the link").to_string()
    }

    /// Registers a person and has an admin approve them into `organization_id`.
    pub async fn customer(&self, organization_id: &str, superuser: bool) -> Person {
        let email = format!("person-{}@client.test", short_id());
        let id = self.register("Jo Client", &email).await;
        let admin = self.admin().await;
        let (status, body) = self
            .post(
                &format!("/api/v1/users/{id}/approve"),
                Some(&admin.token),
                json!({"organization_id": organization_id, "superuser": superuser}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        self.login(&email, PASSWORD).await
    }

    /// Asserts that `who` searching for `q` finds `expected` tickets, all counted and all listed.
    /// Searches as `who`, asserts the search found exactly `expected` tickets, and returns the page.
    pub async fn assert_search(&self, who: &Person, q: &str, expected: usize) -> Value {
        let encoded: String = q
            .bytes()
            .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
            .collect();
        let (status, body) = self.get(&format!("/api/v1/tickets?q={encoded}"), &who.token).await;
        assert_eq!(status, StatusCode::OK, "search {q:?}: {body}");
        assert_eq!(body["total"], expected, "search {q:?}: {body}");
        assert_eq!(body["total_exact"], true, "search {q:?}: {body}");
        assert_eq!(body["items"].as_array().unwrap().len(), expected, "search {q:?}: {body}");
        body
    }

    pub async fn raise(&self, who: &Person, subject: &str) -> Value {
        self.raise_with(who, subject, "fault", "p3").await
    }

    /// Raises a ticket of this kind and priority; returns it.
    pub async fn raise_with(&self, who: &Person, subject: &str, kind: &str, priority: &str) -> Value {
        let (status, body) = self
            .post(
                "/api/v1/tickets",
                Some(&who.token),
                json!({"subject": subject, "description": "It broke.", "kind": kind, "priority": priority}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["ticket"].clone()
    }
}

pub fn short_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..10].to_string()
}

/// Asserts the API's error shape and returns the code.
pub fn error_code(body: &Value) -> &str {
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(!message.is_empty(), "an error carries a sentence: {body}");
    assert!(!message.contains("sqlx") && !message.contains("panicked"), "no internals leak: {body}");
    body["error"]["code"].as_str().expect("an error carries a code")
}

/// A real SMTP server of the test's own (`tests/smtp_sink.py` on aiosmtpd), on a free port; it
/// keeps each message it accepts as a file, and stops when dropped.
pub struct SmtpSink {
    pub port: u16,
    pub dir: std::path::PathBuf,
    child: std::process::Child,
}

impl SmtpSink {
    /// A sink that refuses the first `refuse` messages with a temporary error.
    pub fn start(refuse: usize) -> SmtpSink {
        use std::io::BufRead;
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let dir = std::env::temp_dir().join(format!("cytrack-smtp-{}", short_id()));
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp_sink.py");
        // Debian's Python, where python3-aiosmtpd installs (scripts/test installs it).
        let mut child = std::process::Command::new("/usr/bin/python3")
            .args([script, &port.to_string(), &dir.display().to_string(), &refuse.to_string()])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("the SMTP sink starts (Debian's python3-aiosmtpd)");
        let mut ready = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut ready).unwrap();
        assert_eq!(ready.trim(), "ready", "the SMTP sink did not start: is python3-aiosmtpd installed?");
        SmtpSink { port, dir, child }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received, in order of arrival.
    pub fn messages(&self) -> Vec<Received> {
        received_in(&self.dir)
    }
}

/// A message as a mail program reads it.
#[derive(Debug, Clone)]
pub struct Received {
    pub to: String,
    pub subject: String,
    pub message_id: String,
    pub in_reply_to: Option<String>,
    pub references: Option<String>,
    pub auto_submitted: Option<String>,
    pub list_unsubscribe: Option<String>,
    pub reply_to: Option<String>,
    pub content_type: String,
    pub text: String,
    pub html: String,
}

/// The `.eml` files in `dir`, in name order, read with mail-parser.
pub fn received_in(dir: &std::path::Path) -> Vec<Received> {
    use mail_parser::MessageParser;
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "eml")).collect()
        })
        .unwrap_or_default();
    files.sort();
    files
        .iter()
        .map(|path| {
            let raw = std::fs::read(path).unwrap();
            let m = MessageParser::default().parse(&raw[..]).expect("a message mail-parser reads");
            let raw_header = |name: &str| m.header_raw(name).map(|v| v.trim().to_string());
            Received {
                to: raw_header("To").unwrap_or_default(),
                subject: m.subject().unwrap_or_default().to_string(),
                message_id: raw_header("Message-ID").unwrap_or_default(),
                in_reply_to: raw_header("In-Reply-To"),
                references: raw_header("References"),
                auto_submitted: raw_header("Auto-Submitted"),
                list_unsubscribe: raw_header("List-Unsubscribe"),
                reply_to: m.reply_to().and_then(|a| a.first()).and_then(|a| a.address()).map(str::to_string),
                content_type: raw_header("Content-Type").unwrap_or_default(),
                text: m.body_text(0).map(|t| t.to_string()).unwrap_or_default(),
                html: m.body_html(0).map(|t| t.to_string()).unwrap_or_default(),
            }
        })
        .collect()
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A delivery worker sending to `smtp_url`, or writing files to `dir` when `None`.
pub fn mailer(smtp_url: Option<String>, dir: &std::path::Path) -> server::mailer::Mailer {
    server::mailer::Mailer::new(&server::mailer::MailConfig {
        smtp_url,
        from: "CyTrack Support <support@cytrack.test>".into(),
        public_url: "https://support.cytrack.test".into(),
        outbox_dir: dir.to_path_buf(),
        inbound_secret: None,
        imap_url: None,
    })
    .expect("a mailer")
}

/// A real IMAP server of the test's own (Debian's dovecot-imapd) on a free port, with one
/// mailbox; stopped and removed when dropped.
pub struct ImapServer {
    pub port: u16,
    dir: std::path::PathBuf,
    child: std::process::Child,
}

pub const IMAP_USER: &str = "support";
pub const IMAP_PASSWORD: &str = "imap-password-for-tests";

impl ImapServer {
    pub fn start() -> ImapServer {
        use std::os::unix::fs::PermissionsExt;
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let dir = std::env::temp_dir().join(format!("cytrack-imap-{}", short_id()));
        std::fs::create_dir_all(dir.join("mail")).unwrap();
        // Dovecot reads and writes the mail as its own user.
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        let owner = std::process::Command::new("chown").args(["dovecot:dovecot"]).arg(dir.join("mail")).status();
        assert!(owner.is_ok_and(|s| s.success()), "dovecot-imapd is installed (scripts/tools.sh)");
        std::fs::write(dir.join("users"), format!("{IMAP_USER}:{{PLAIN}}{IMAP_PASSWORD}::::::\n")).unwrap();
        let d = dir.display();
        let config = format!(
            "protocols = imap\nlisten = 127.0.0.1\nbase_dir = {d}/run\nstate_dir = {d}/state\nlog_path = {d}/dovecot.log\n\
             ssl = no\ndisable_plaintext_auth = no\nauth_mechanisms = plain login\nfirst_valid_uid = 1\n\
             mail_location = maildir:{d}/mail/%u\n\
             passdb {{\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u {d}/users\n}}\n\
             userdb {{\n  driver = static\n  args = uid=dovecot gid=dovecot home={d}/mail/%u\n}}\n\
             service imap-login {{\n  inet_listener imap {{\n    address = 127.0.0.1\n    port = {port}\n  }}\n  inet_listener imaps {{\n    port = 0\n  }}\n}}\n\
             service pop3-login {{\n  inet_listener pop3 {{\n    port = 0\n  }}\n  inet_listener pop3s {{\n    port = 0\n  }}\n}}\n"
        );
        std::fs::write(dir.join("dovecot.conf"), config).unwrap();
        let child = std::process::Command::new("/usr/sbin/dovecot")
            .args(["-F", "-c"])
            .arg(dir.join("dovecot.conf"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("dovecot starts (Debian's dovecot-imapd)");
        // It listens once its master has started the login service: ask until it answers.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(std::time::Instant::now() < deadline, "dovecot did not listen on {port}");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        ImapServer { port, dir, child }
    }

    pub fn url(&self) -> String {
        format!("imap://{IMAP_USER}:{IMAP_PASSWORD}@127.0.0.1:{}/INBOX", self.port)
    }

    /// Delivers a raw message into the mailbox, as the mail system would (IMAP APPEND).
    pub async fn deliver(&self, raw: &str) {
        let tcp = tokio::net::TcpStream::connect(("127.0.0.1", self.port)).await.unwrap();
        let mut client = async_imap::Client::new(tcp);
        client.read_response().await.unwrap();
        let mut session = client.login(IMAP_USER, IMAP_PASSWORD).await.map_err(|(e, _)| e).unwrap();
        session.append("INBOX", None, None, raw.replace('\n', "\r\n")).await.unwrap();
        session.logout().await.unwrap();
    }

    /// How many messages of the mailbox are not yet seen.
    pub async fn unseen(&self) -> usize {
        let tcp = tokio::net::TcpStream::connect(("127.0.0.1", self.port)).await.unwrap();
        let mut client = async_imap::Client::new(tcp);
        client.read_response().await.unwrap();
        let mut session = client.login(IMAP_USER, IMAP_PASSWORD).await.map_err(|(e, _)| e).unwrap();
        session.select("INBOX").await.unwrap();
        let unseen = session.search("UNSEEN").await.unwrap().len();
        session.logout().await.unwrap();
        unseen
    }
}

impl Drop for ImapServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A real S3-compatible server (moto, from PyPI, installed by scripts/tools.sh) on a free port,
/// with one empty bucket; stopped when dropped.
pub struct S3Server {
    pub endpoint: String,
    pub bucket: String,
    child: std::process::Child,
}

impl S3Server {
    pub async fn start() -> S3Server {
        let moto = std::env::var("CYTRACK_MOTO").unwrap_or_else(|_| {
            let cache = std::env::var("CYTRACK_CACHE")
                .unwrap_or_else(|_| format!("{}/.cache/cytrack", std::env::var("HOME").unwrap_or_default()));
            format!("{cache}/moto/bin/moto_server")
        });
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = std::process::Command::new(&moto)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("the S3 server starts ({moto}, scripts/tools.sh installs it): {e}"));
        let endpoint = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        for _ in 0..100 {
            if client.get(&endpoint).send().await.is_ok() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let bucket = format!("cytrack-{}", short_id().to_lowercase());
        let made = client.put(format!("{endpoint}/{bucket}")).send().await.expect("the S3 server answers");
        assert!(made.status().is_success(), "bucket made: {}", made.status());
        S3Server { endpoint, bucket, child }
    }

    pub fn store(&self) -> app::ssr::services::attachments::FileStore {
        app::ssr::services::attachments::FileStore::s3_at(&self.endpoint, &self.bucket, "testing", "testing").unwrap()
    }

    /// The keys in the bucket.
    pub async fn keys(&self) -> Vec<String> {
        let listing = reqwest::get(format!("{}/{}", self.endpoint, self.bucket)).await.unwrap().text().await.unwrap();
        listing.split("<Key>").skip(1).filter_map(|k| k.split("</Key>").next()).map(str::to_string).collect()
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
