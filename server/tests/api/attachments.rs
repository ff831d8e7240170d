//! Files on tickets: uploaded through the API, kept once per content, downloaded only by who may
//! see the ticket (and never an internal note's by a customer), served so that nothing uploaded
//! can run on the portal's origin.

use crate::harness::*;
use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR screenshot bytes";

fn file(name: &str, bytes: &[u8]) -> Part {
    Part::bytes(bytes.to_vec()).file_name(name.to_string())
}

async fn upload(app: &TestApp, who: &Person, ticket: &str, form: Form) -> (StatusCode, Value) {
    let res = app
        .client
        .post(app.url(&format!("/api/v1/tickets/{ticket}/attachments")))
        .bearer_auth(&who.token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn download(app: &TestApp, who: &Person, id: &str) -> reqwest::Response {
    app.client.get(app.url(&format!("/api/v1/attachments/{id}"))).bearer_auth(&who.token).send().await.unwrap()
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn files_are_attached_downloaded_by_who_sees_the_ticket_and_never_run() {
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let other = app.organization("Borealis", &[]).await;
    let casey = app.customer(&org, false).await;
    let blair = app.customer(&other, true).await;
    let agent = app.staff("agent").await;
    let ticket = app.raise(&casey, "Wallboard frozen").await;
    let t = ticket["id"].as_str().unwrap();

    let (status, body) = upload(&app, &casey, t, Form::new().part("file", file("screen.png", PNG))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let shot = body["attachment"].clone();
    assert_eq!(shot["file_name"], "screen.png");
    assert_eq!(shot["content_type"], "image/png");
    assert_eq!(shot["size"], PNG.len());
    assert_eq!(shot["sha256"], sha256(PNG));
    let shot_id = shot["id"].as_str().unwrap();
    let (_, detail) = app.get(&format!("/api/v1/tickets/{t}"), &casey.token).await;
    assert_eq!(detail["attachments"][0]["id"], shot_id, "{detail}");

    for who in [&casey, &agent] {
        let res = download(&app, who, shot_id).await;
        assert_eq!(res.status(), StatusCode::OK);
        let headers = res.headers().clone();
        assert_eq!(headers["content-type"], "image/png");
        assert!(headers["content-disposition"].to_str().unwrap().starts_with("inline;"), "{headers:?}");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert!(headers["content-security-policy"].to_str().unwrap().contains("sandbox"));
        assert_eq!(res.bytes().await.unwrap().as_ref(), PNG);
    }
    // Another organisation: neither the file nor the ticket exists for them.
    let res = download(&app, &blair, shot_id).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let stranger: Value = res.json().await.unwrap();
    assert_eq!(error_code(&stranger), "not_found");
    let (status, _) = upload(&app, &blair, t, Form::new().part("file", file("x.png", PNG))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // What the name and the claimed type say counts for nothing: HTML named .png downloads, a
    // path loses its folders, the same content is kept once.
    let html = b"<html><script>alert(document.cookie)</script></html>";
    let form = Form::new()
        .part("file", file("pretty.png", html).mime_str("image/png").unwrap())
        .part("file", file("../../etc/passwd", b"root:x:0:0"))
        .part("file", file("again.png", PNG));
    let (status, body) = upload(&app, &casey, t, form).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let sent = body["attachments"].as_array().unwrap().clone();
    assert_eq!(sent.len(), 3);
    assert_eq!(sent[0]["content_type"], "application/octet-stream");
    assert_eq!(sent[1]["file_name"], "passwd");
    assert_eq!(sent[2]["sha256"], shot["sha256"], "the same bytes");
    let res = download(&app, &agent, sent[0]["id"].as_str().unwrap()).await;
    assert!(res.headers()["content-disposition"].to_str().unwrap().starts_with("attachment;"));
    assert_eq!(res.headers()["content-type"], "application/octet-stream");
    assert_eq!(app.kept_copies(PNG).await, 1, "one copy of content sent twice");

    // Refusals, each in the API's shape, none leaving a file behind.
    let (status, body) = upload(&app, &casey, t, Form::new().part("file", file("empty.log", b""))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["error"]["fields"]["file"].as_str().unwrap().contains("empty"), "{body}");
    let big = vec![b'x'; 26 * 1024 * 1024];
    let (status, body) = upload(&app, &casey, t, Form::new().part("file", file("big.log", &big))).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(error_code(&body), "file_too_large");
    let many = (0..21).fold(Form::new(), |form, i| form.part("file", file(&format!("{i}.txt"), b"x")));
    let (status, body) = upload(&app, &casey, t, many).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(error_code(&body), "too_many_files");
    let (status, body) = upload(&app, &casey, t, Form::new().text("comment_id", "x")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "no such reply: {body}");
    // A file input left empty, as a browser sends it.
    let (status, body) = upload(&app, &casey, t, Form::new().part("file", file("", b""))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "nothing sent: {body}");
    let (status, body) = app.post(&format!("/api/v1/tickets/{t}/attachments"), Some(&casey.token), json!({})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::BAD_REQUEST, "bad_request"), "JSON is no upload");
    // An upload cut off half way: 400, nothing referenced, nothing left waiting.
    let res = app
        .client
        .post(app.url(&format!("/api/v1/tickets/{t}/attachments")))
        .bearer_auth(&casey.token)
        .header("content-type", "multipart/form-data; boundary=XYZ")
        .body("--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"half.log\"\r\n\r\nhalf a fi")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let (_, detail) = app.get(&format!("/api/v1/tickets/{t}"), &agent.token).await;
    assert_eq!(detail["attachments"].as_array().unwrap().len(), 4, "{detail}");
    assert_eq!(app.files_waiting(), 0, "no upload left half received");

    // An internal note's file is staff's only.
    let (status, note) = app
        .post(
            &format!("/api/v1/tickets/{t}/comments"),
            Some(&agent.token),
            json!({"body": "Config attached.", "internal": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{note}");
    let note_id = note["comment"]["id"].as_str().or(note["id"].as_str()).unwrap().to_string();
    let form = Form::new().text("comment_id", note_id.clone()).part("file", file("config.xml", b"<cfg/>"));
    let (status, body) = upload(&app, &agent, t, form).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let secret = body["attachment"]["id"].as_str().unwrap().to_string();
    assert_eq!(body["attachment"]["internal"], true);
    assert_eq!(download(&app, &casey, &secret).await.status(), StatusCode::NOT_FOUND);
    let (_, seen) = app.get(&format!("/api/v1/tickets/{t}"), &casey.token).await;
    assert!(!seen.to_string().contains("config.xml"), "{seen}");
    let form = Form::new().text("comment_id", note_id).part("file", file("mine.png", PNG));
    assert_eq!(upload(&app, &casey, t, form).await.0, StatusCode::NOT_FOUND, "a customer never reaches a note");

    // Staff delete a file; the history says so, and it is gone for everyone.
    let url = format!("/api/v1/attachments/{}", sent[1]["id"].as_str().unwrap());
    assert_eq!(app.send("DELETE", &url, Some(&casey.token), None).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.send("DELETE", &url, Some(&agent.token), None).await.0, StatusCode::NO_CONTENT);
    assert_eq!(download(&app, &agent, sent[1]["id"].as_str().unwrap()).await.status(), StatusCode::NOT_FOUND);
    let (_, history) = app.get(&format!("/api/v1/tickets/{t}/history"), &agent.token).await;
    assert!(history.to_string().contains("passwd"), "{history}");
}

#[tokio::test]
async fn a_file_sent_through_one_portal_process_is_downloaded_through_another() {
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let casey = app.customer(&org, false).await;
    let agent = app.staff("agent").await;
    let ticket = app.raise(&casey, "Logs").await;
    let t = ticket["id"].as_str().unwrap();
    // A log a little over two chunks of the database store.
    let log: Vec<u8> = (0..(2 * 1024 * 1024 + 4321)).map(|i| b"0123456789abcdef\n"[i % 17]).collect();
    let (status, body) = upload(&app, &casey, t, Form::new().part("file", file("portal.log", &log))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let other = app.second_portal().await;
    let res = download(&other, &agent, body["attachment"]["id"].as_str().unwrap()).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.bytes().await.unwrap().as_ref(), log.as_slice());
}

#[tokio::test]
async fn an_s3_compatible_store_is_shared_by_two_portal_processes() {
    // Issue 24: the store for several portal processes, against a real S3-compatible server.
    let s3 = S3Server::start().await;
    let database = fresh_database_url().await;
    let one = spawn_app_with_files(database.clone(), s3.store()).await;
    let two = spawn_app_with_files(database, s3.store()).await;
    let org = one.organization("Acme", &[]).await;
    let casey = one.customer(&org, false).await;
    let agent = one.staff("agent").await;
    let ticket = one.raise(&casey, "Logs").await;
    let t = ticket["id"].as_str().unwrap();
    // A log larger than one S3 part, the screenshot, and the screenshot again.
    let log: Vec<u8> = (0..(6 * 1024 * 1024 + 777)).map(|i| b"0123456789abcdef\n"[i % 17]).collect();
    let form = Form::new()
        .part("file", file("portal.log", &log))
        .part("file", file("screen.png", PNG))
        .part("file", file("again.png", PNG));
    let (status, body) = upload(&one, &casey, t, form).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(s3.keys().await.len(), 2, "each content kept once");
    for (i, expected) in [(0, log.as_slice()), (2, PNG)] {
        let id = body["attachments"][i]["id"].as_str().unwrap();
        let res = download(&two, &agent, id).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.bytes().await.unwrap().as_ref(), expected, "through the other process");
    }
    assert_eq!(one.files_waiting(), 0);
}

#[tokio::test]
async fn a_deployment_form_carries_scanned_documents_for_who_follows_the_project() {
    // Issue 24: a signed form can carry a scanned document, through both doors.
    let app = spawn_app().await;
    let manager = app.staff("account_manager").await;
    let org = app.organization("Acme", &[]).await;
    let other = app.organization("Borealis", &[]).await;
    let sam = app.customer(&org, true).await;
    let casey = app.customer(&org, false).await;
    let blair = app.customer(&other, true).await;
    let (status, body) = app
        .post(
            &format!("/api/v1/organizations/{org}/deployment-projects"),
            Some(&manager.token),
            json!({"name": "Sydney contact centre"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["project"]["id"].as_str().unwrap().to_string();
    let scan = b"%PDF-1.7 signed go-live form, scanned";
    let send = |who: &Person, form: &str, part: Part| {
        let url = app.url(&format!("/api/v1/deployment-projects/{id}/forms/{form}/attachments"));
        let request = app.client.post(url).bearer_auth(&who.token).multipart(Form::new().part("file", part));
        async move {
            let res = request.send().await.unwrap();
            (res.status(), res.json::<Value>().await.unwrap_or(Value::Null))
        }
    };

    let (status, body) = send(&sam, "go_live", file("go-live signed.pdf", scan)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["attachment"]["form"], "go_live");
    assert_eq!(body["attachment"]["content_type"], "application/pdf");
    let scan_id = body["attachment"]["id"].as_str().unwrap().to_string();
    let (_, project) = app.get(&format!("/api/v1/deployment-projects/{id}"), &manager.token).await;
    assert_eq!(project["project"]["files"][0]["id"], scan_id.as_str(), "{project}");
    assert_eq!(project["project"]["files"][0]["file_name"], "go-live signed.pdf");
    let res = download(&app, &manager, &scan_id).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-disposition"].to_str().unwrap().starts_with("attachment;"));
    assert_eq!(res.bytes().await.unwrap().as_ref(), scan);

    // A plain customer of the organisation is told who follows the project, and gets no file;
    // another organisation finds neither.
    assert_eq!(send(&casey, "go_live", file("x.pdf", scan)).await.0, StatusCode::FORBIDDEN);
    assert_eq!(download(&app, &casey, &scan_id).await.status(), StatusCode::NOT_FOUND);
    let (status, body) = send(&blair, "go_live", file("x.pdf", scan)).await;
    assert_eq!((status, error_code(&body)), (StatusCode::NOT_FOUND, "not_found"), "{body}");
    assert_eq!(download(&app, &blair, &scan_id).await.status(), StatusCode::NOT_FOUND);
    // A form the project has not: 422 naming the forms it has; nothing kept.
    let (status, body) = send(&sam, "invoice", file("x.pdf", scan)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["error"]["fields"]["form"].as_str().unwrap().contains("go_live"), "{body}");
    assert_eq!(app.files_waiting(), 0);

    // The page's door: a plain multipart post naming the form, answered with a redirect.
    let page = |fields: Form| {
        let url = app.url(&format!("/deployment-projects/{id}/files"));
        let request = app.client.post(url).bearer_auth(&sam.token).multipart(fields);
        async move {
            let res = request.send().await.unwrap();
            (res.status(), res.headers().get("location").map(|l| l.to_str().unwrap().to_string()))
        }
    };
    let plan = Form::new().text("form", "pre_install").part("file", file("site plan.png", PNG));
    let (status, location) = page(plan).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location.as_deref(), Some(format!("/deployment-projects/{id}").as_str()));
    let refused = Form::new().text("form", "minutes").part("file", file("x.png", PNG));
    let (_, location) = page(refused).await;
    assert!(location.unwrap().contains("?error="), "the refusal goes back to the page");
    // The hydrated page sends the same form itself and asks for JSON: the API's answers.
    let asked = |fields: Form| {
        let url = app.url(&format!("/deployment-projects/{id}/files"));
        let request =
            app.client.post(url).bearer_auth(&sam.token).header("accept", "application/json").multipart(fields);
        async move {
            let res = request.send().await.unwrap();
            (res.status(), res.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let (status, body) = asked(Form::new().text("form", "completion").part("file", file("", b""))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["error"]["fields"]["file"].is_string(), "{body}");
    let (status, body) =
        asked(Form::new().text("form", "completion").part("file", file("minutes.txt", b"agreed"))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["attachment"]["form"], "completion");
    let (_, project) = app.get(&format!("/api/v1/deployment-projects/{id}"), &sam.token).await;
    let files = project["project"]["files"].as_array().unwrap();
    assert_eq!(files.len(), 3, "{project}");
    assert_eq!(files[1]["form"], "pre_install");
    assert_eq!(files[1]["content_type"], "image/png");

    // Staff remove a file; it is gone for everyone.
    let url = format!("/api/v1/attachments/{scan_id}");
    assert_eq!(app.send("DELETE", &url, Some(&sam.token), None).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.send("DELETE", &url, Some(&manager.token), None).await.0, StatusCode::NO_CONTENT);
    assert_eq!(download(&app, &sam, &scan_id).await.status(), StatusCode::NOT_FOUND);
    let (_, project) = app.get(&format!("/api/v1/deployment-projects/{id}"), &sam.token).await;
    assert_eq!(project["project"]["files"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn files_attached_before_forms_had_files_are_kept_by_the_upgrade() {
    // Migration 22 makes the attachments table anew (a ticket's file may now be a form's): the
    // rows already there come through it whole.
    use migration::MigratorTrait;
    use sea_orm::ConnectionTrait;
    let database_url = fresh_database_url().await;
    let db = app::ssr::db::connect(&database_url).await.unwrap();
    let upto =
        migration::Migrator::migrations().iter().position(|m| m.name() == "m20261129_000021_attachments").unwrap();
    migration::Migrator::up(&db, Some(upto as u32 + 1)).await.unwrap();
    let applied = migration::Migrator::get_applied_migrations(&db).await.unwrap();
    assert_eq!(applied.last().unwrap().name(), "m20261129_000021_attachments");
    db.execute_unprepared(
        "INSERT INTO attachments (id, ticket_id, comment_id, organization_id, file_name, content_type, size, sha256, \
         internal, uploaded_by, created_at, deleted_at) VALUES ('a1', 't1', NULL, 'o1', 'screen.png', 'image/png', 42, \
         'abc', false, 'u1', '2026-11-01T10:00:00Z', NULL)",
    )
    .await
    .unwrap();
    migration::Migrator::up(&db, None).await.unwrap();
    use app::ssr::entities::attachment;
    use sea_orm::EntityTrait;
    let kept = attachment::Entity::find_by_id("a1".to_string()).one(&db).await.unwrap().expect("the row is kept");
    assert_eq!(kept.ticket_id.as_deref(), Some("t1"));
    assert_eq!((kept.file_name.as_str(), kept.size, kept.internal), ("screen.png", 42, false));
    assert_eq!((kept.project_id, kept.form, kept.deleted_by), (None, None, None));
}
