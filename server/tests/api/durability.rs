//! Durability: a server process killed with SIGKILL in the middle of a burst of ticket creations
//! and redemptions loses nothing it answered with success, and its voucher ledger still adds up;
//! a backup taken while the portal runs restores and reads back.

use crate::harness::*;
use crate::vouchers::{balance, billable_world, in_days, issue};
use reqwest::StatusCode;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The real server binary, killed when the test ends however it ends.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

fn scratch_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cytrack-durability-{}", short_id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Starts `server serve` on the database on a port the system chooses, and waits until it says
/// which. (Choosing a free port here and handing it over raced with the tests' own portals, which
/// bind port 0 too: a test could find another portal on "its" port while its server failed.)
async fn start_server(database_url: &str, data_dir: &Path) -> (Process, TestApp) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("PORTAL_DATA_DIR", data_dir)
        .env("PORTAL_JWT_SECRET", "durability-test-secret-of-enough-length")
        .env("PORTAL_ADMIN_EMAIL", ADMIN_EMAIL)
        .env("PORTAL_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .env_remove("LEPTOS_OUTPUT_NAME")
        .env("RUST_LOG", "error,server=info")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the server binary starts");
    let stdout = child.stdout.take().expect("the server's output");
    let process = Process(child);
    let (tx, rx) = std::sync::mpsc::channel::<u16>();
    // Reads the log to its end (so the server never blocks on a full pipe), passing on the port.
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some((_, rest)) = line.split_once("listening on http://") {
                let port: String =
                    rest.rsplit(':').next().unwrap_or_default().chars().take_while(char::is_ascii_digit).collect();
                if let Ok(port) = port.parse() {
                    tx.send(port).ok();
                }
            }
        }
    });
    let port = tokio::task::spawn_blocking(move || rx.recv_timeout(Duration::from_secs(30)))
        .await
        .unwrap()
        .expect("the server says where it listens within 30 s");
    let app = TestApp::at(format!("http://127.0.0.1:{port}"), database_url.to_string());
    for _ in 0..600 {
        if app.client.get(app.url("/api/v1/openapi.json")).send().await.is_ok_and(|r| r.status().is_success()) {
            return (process, app);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not answer within 30 s");
}

#[tokio::test]
async fn a_killed_server_keeps_every_answered_write_and_a_consistent_ledger() {
    let database_url = fresh_database_url().await;
    let data_dir = scratch_dir();
    let (mut process, app) = start_server(&database_url, &data_dir).await;
    let (org, manager, superuser, agent, ticket) = billable_world(&app).await;
    issue(&app, &manager, &org, 5_000, &in_days(90)).await;

    // A burst: 6 clients raising tickets and 6 redeeming one minute each, until the kill.
    let stop = Arc::new(AtomicBool::new(false));
    let created = Arc::new(Mutex::new(Vec::<String>::new()));
    let redeemed = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut clients = Vec::new();
    for i in 0..12 {
        let (stop, created, redeemed) = (stop.clone(), created.clone(), redeemed.clone());
        let (client, base) = (app.client.clone(), app.url(""));
        let (superuser, agent, ticket) = (superuser.token.clone(), agent.token.clone(), ticket.clone());
        clients.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let (req, creating) = if i % 2 == 0 {
                    let body = json!({"subject": format!("Burst {i}-{n}"), "description": "d", "kind": "fault", "priority": "p3"});
                    (client.post(format!("{base}/api/v1/tickets")).bearer_auth(&superuser).json(&body), true)
                } else {
                    let body = json!({"minutes": 1, "idempotency_key": format!("burst-{i}-{n}")});
                    (client.post(format!("{base}/api/v1/tickets/{ticket}/redemptions")).bearer_auth(&agent).json(&body), false)
                };
                let Ok(res) = req.send().await else { continue };
                if res.status() != StatusCode::CREATED {
                    continue;
                }
                let Ok(body) = res.json::<serde_json::Value>().await else { continue };
                match creating {
                    true => created.lock().unwrap().push(body["ticket"]["id"].as_str().unwrap().to_string()),
                    false => redeemed.lock().unwrap().push(body["redemption"]["id"].as_str().unwrap().to_string()),
                }
            }
        }));
    }
    // Kill it mid-burst, once both kinds of write have been answered.
    for _ in 0..600 {
        if created.lock().unwrap().len() >= 20 && redeemed.lock().unwrap().len() >= 20 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    process.0.kill().expect("SIGKILL");
    process.0.wait().ok();
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.await.unwrap();
    }
    let created = created.lock().unwrap().clone();
    let redeemed = redeemed.lock().unwrap().clone();
    assert!(created.len() >= 20 && redeemed.len() >= 20, "the burst got going: {} {}", created.len(), redeemed.len());

    let (_process, app) = start_server(&database_url, &data_dir).await;
    // Sessions are rows in the database: the tokens from before the kill still work.
    for id in &created {
        let (status, _) = app.get(&format!("/api/v1/tickets/{id}"), &superuser.token).await;
        assert_eq!(status, StatusCode::OK, "ticket {id} was answered 201 and must survive");
    }
    // The ledger: every answered redemption has its one entry; entries sum to the balance.
    let mut entries = Vec::new();
    for page in 1.. {
        let (status, body) =
            app.get(&format!("/api/v1/organizations/{org}/ledger?per_page=200&page={page}"), &manager.token).await;
        assert_eq!(status, StatusCode::OK);
        let items = body["items"].as_array().unwrap().clone();
        if items.is_empty() {
            break;
        }
        entries.extend(items);
    }
    let mut per_redemption: BTreeMap<String, i64> = BTreeMap::new();
    let mut sums: BTreeMap<String, i64> = BTreeMap::new();
    for e in &entries {
        *sums.entry(e["kind"].as_str().unwrap().to_string()).or_default() += e["minutes"].as_i64().unwrap();
        if e["kind"] == "redeem" {
            *per_redemption.entry(e["redemption_id"].as_str().unwrap().to_string()).or_default() += 1;
        }
    }
    let stored: BTreeSet<&String> = per_redemption.keys().collect();
    for id in &redeemed {
        assert!(stored.contains(id), "redemption {id} was answered 201 and must be in the ledger");
    }
    assert!(per_redemption.values().all(|n| *n == 1), "one entry per one-minute redemption");
    let available = balance(&app, &manager, &org).await["available_minutes"].as_i64().unwrap();
    assert_eq!(sums["issue"] - sums["redeem"], available, "the ledger sums to the balance: {sums:?}");
    assert_eq!(available, 5_000 - per_redemption.len() as i64);
    std::fs::remove_dir_all(data_dir).ok();
}

#[tokio::test]
async fn a_backup_taken_while_running_restores_and_reads_back() {
    use server::backup::{backup, restore, verify};
    // SQLite's own backup, whatever database the other tests use.
    let dir = scratch_dir();
    let url = |name: &str| format!("sqlite://{}?mode=rwc", dir.join(name).display());
    let app = spawn_app_on(url("live.db")).await;
    let org = app.organization("Backed Up Ltd", &[]).await;
    let customer = app.customer(&org, true).await;
    let kept = app.raise(&customer, "Kept by the backup").await;
    // A file on it goes with the backup.
    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(b"kept log".to_vec()).file_name("kept.log"));
    let res = app
        .client
        .post(app.url(&format!("/api/v1/tickets/{}/attachments", kept["id"].as_str().unwrap())))
        .bearer_auth(&customer.token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let attachment: serde_json::Value = res.json().await.unwrap();
    let file_id = attachment["attachment"]["id"].as_str().unwrap().to_string();

    let copy = dir.join("copy.db");
    let files = app.files_dir();
    backup(&url("live.db"), Some(&files), &copy).await.expect("a backup while the portal runs");
    assert!(verify(&copy).await.unwrap() >= 9, "the copy holds every migration");
    let later = app.raise(&customer, "Raised after the backup").await;
    assert!(backup(&url("live.db"), None, &copy).await.unwrap_err().contains("exists already"));
    let refused = restore(&url("live.db"), None, &copy).await.unwrap_err();
    assert!(refused.contains("stop the portal"), "{refused}");
    let not_a_backup = dir.join("notes.txt");
    std::fs::write(&not_a_backup, "hello").unwrap();
    assert!(restore(&url("elsewhere.db"), None, &not_a_backup).await.is_err());
    assert!(backup("postgres://localhost/cytrack", None, &dir.join("pg.db")).await.unwrap_err().contains("pg_dump"));

    let restored_files = TestApp::at(String::new(), url("restored.db")).files_dir();
    restore(&url("restored.db"), Some(&restored_files), &copy).await.expect("a restore into a stopped portal's place");
    let restored = spawn_app_on(url("restored.db")).await;
    let res = restored
        .client
        .get(restored.url(&format!("/api/v1/attachments/{file_id}")))
        .bearer_auth(&customer.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "the file came back with the database");
    assert_eq!(res.bytes().await.unwrap().as_ref(), b"kept log");
    let (status, body) = restored.get("/api/v1/tickets", &customer.token).await;
    assert_eq!(status, StatusCode::OK);
    let subjects: Vec<&str> =
        body["items"].as_array().unwrap().iter().map(|t| t["subject"].as_str().unwrap()).collect();
    assert_eq!(
        subjects,
        [kept["subject"].as_str().unwrap()],
        "the backup's tickets, not the later one ({})",
        later["id"]
    );
    std::fs::remove_dir_all(dir).ok();
}

/// Issue 25, operations: the real binary answers liveness and readiness, and on SIGTERM (what
/// systemd or a container runtime sends) stops taking connections but answers every request it
/// had taken, then exits 0.
#[tokio::test]
async fn a_terminated_server_answers_the_requests_in_flight_and_exits_cleanly() {
    let database_url = fresh_database_url().await;
    let data_dir = scratch_dir();
    let (mut process, app) = start_server(&database_url, &data_dir).await;
    let res = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!((res.status(), res.text().await.unwrap()), (StatusCode::OK, "ok".to_string()));
    let res = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<serde_json::Value>().await.unwrap(), json!({"status": "ready"}));
    // A page listening on the live channel: a stream never ends by itself, so stopping must end it.
    let admin = app.admin().await;
    let mut listening = app.client.get(app.url("/api/v1/events")).bearer_auth(&admin.token).send().await.unwrap();
    assert_eq!(listening.status(), StatusCode::OK);
    assert!(listening.chunk().await.unwrap().is_some(), "the stream says where it starts");

    // Sign-ins hash a password each (tens of milliseconds of a core), an unknown address too
    // (so the answer's timing tells nothing). A dozen, each for another address (no throttling
    // of one address), are still being answered when the signal arrives.
    let signing_in: Vec<_> = (0..12)
        .map(|i| {
            let (client, url) = (app.client.clone(), app.url("/api/v1/auth/login"));
            tokio::spawn(async move {
                let body = json!({"email": format!("nobody{i}@example.test"), "password": "not the password"});
                client.post(url).json(&body).send().await.map(|r| r.status())
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(30)).await;
    let pid = process.0.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let mut checked = 0;
    for answer in signing_in {
        let status = answer.await.unwrap().expect("a request taken before the signal is answered, not dropped");
        // Refusals are answers too: sign-in throttling (429; a burst from one source is slowed
        // down) or every core busy hashing for over 3 s (503; docs/api.md, sign-in).
        let answers = [StatusCode::UNAUTHORIZED, StatusCode::TOO_MANY_REQUESTS, StatusCode::SERVICE_UNAVAILABLE];
        assert!(answers.contains(&status), "{status}");
        checked += usize::from(status == StatusCode::UNAUTHORIZED);
    }
    assert!(checked > 0, "the sign-ins hashing when the signal came were finished");
    let mut exited = None;
    for _ in 0..300 {
        if let Some(status) = process.0.try_wait().unwrap() {
            exited = Some(status);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let exited = exited.expect("the server exits within 15 s of SIGTERM, an open event stream notwithstanding");
    let ended =
        tokio::time::timeout(Duration::from_secs(5), async { while let Ok(Some(_)) = listening.chunk().await {} });
    assert!(ended.await.is_ok(), "the event stream ended with the server");
    assert!(exited.success(), "a clean exit: {exited:?}");
    assert!(app.client.get(app.url("/healthz")).send().await.is_err(), "and no longer listens");
}
