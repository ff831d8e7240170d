//! Mail out, against a real SMTP server (aiosmtpd): what a message carries, retries when the
//! server refuses, a permanent refusal, several workers never sending one message twice, and
//! the `.eml` files written when no SMTP server is configured.

use crate::harness::*;
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;

/// Moves every message waiting for a retry to now, as if the wait had passed.
async fn time_passes(app: &TestApp) {
    let db = app.database().await;
    let past = chrono::Utc::now() - chrono::Duration::seconds(1);
    let sql = match db.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => "UPDATE mail_outbox SET next_attempt_at = $1 WHERE status = 'pending'",
        _ => "UPDATE mail_outbox SET next_attempt_at = ? WHERE status = 'pending'",
    };
    db.execute(Statement::from_sql_and_values(db.get_database_backend(), sql, [past.into()])).await.unwrap();
}

async fn outbox(app: &TestApp, status: &str) -> Vec<serde_json::Value> {
    let admin = app.admin().await;
    let (code, body) = app.get(&format!("/api/v1/mail/outbox?status={status}"), &admin.token).await;
    assert_eq!(code, StatusCode::OK, "{body}");
    body["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn mail_reaches_a_real_smtp_server_threaded_escaped_and_marked_automatic() {
    let app = spawn_app().await;
    let sink = SmtpSink::start(0);
    let org = app.organization("Acme", &[]).await;
    let agent = app.staff("agent").await;
    let admin = app.admin().await;
    // A client whose name holds markup.
    let email = format!("jo-{}@client.test", short_id());
    let id = app.register("Jo <b>Bold</b>", &email).await;
    app.post(
        &format!("/api/v1/users/{id}/approve"),
        Some(&admin.token),
        json!({"organization_id": org, "superuser": false}),
    )
    .await;
    let jo = app.login(&email, PASSWORD).await;
    let ticket = app.raise(&jo, "Wallboard dark").await;
    let ticket_id = ticket["id"].as_str().unwrap();
    let number = ticket["number"].as_str().unwrap();
    let comments = format!("/api/v1/tickets/{ticket_id}/comments");
    app.send(
        "PATCH",
        &format!("/api/v1/tickets/{ticket_id}"),
        Some(&admin.token),
        Some(json!({"assignee_id": agent.id})),
    )
    .await;
    app.post(&comments, Some(&agent.token), json!({"body": "Which site?"})).await;
    app.post(&comments, Some(&jo.token), json!({"body": "Sydney."})).await;

    let mailer = mailer(Some(sink.url()), &sink.dir);
    let db = app.database().await;
    let done = mailer.deliver_due(&db).await.unwrap();
    // Jo gets the confirmation link, then hears of the approval, the ticket and the reply; the
    // admin hears of the registration; the agent of the assignment and Jo's answer.
    assert_eq!((done.sent, done.retrying, done.failed), (7, 0, 0), "{done:?}");
    assert_eq!(mailer.deliver_due(&db).await.unwrap().sent, 0, "nothing is sent twice");

    let messages = sink.messages();
    assert_eq!(messages.len(), 7);
    let to_jo: Vec<&Received> = messages.iter().filter(|m| m.to.contains(&email)).collect();
    assert_eq!(to_jo.len(), 4, "{messages:#?}");
    let ack = to_jo.iter().find(|m| m.subject.contains(number)).expect("the acknowledgement");
    let reply = to_jo.iter().find(|m| m.text.contains("Which site?")).expect("the reply");
    let thread = format!("<ticket-{ticket_id}@cytrack.test>");
    for m in [ack, reply] {
        assert_eq!(m.auto_submitted.as_deref(), Some("auto-generated"));
        assert!(m.message_id.ends_with("@cytrack.test>"), "{m:?}");
        assert_eq!(m.in_reply_to.as_deref(), Some(thread.as_str()), "{m:?}");
        assert_eq!(m.references.as_deref(), Some(thread.as_str()), "{m:?}");
        assert!(m.content_type.starts_with("multipart/alternative"), "{m:?}");
        let link = format!("https://support.cytrack.test/tickets/{ticket_id}");
        // The HTML template escapes '/' too (as OWASP advises); a mail program reads it back.
        assert!(m.text.contains(&link) && m.html.replace("&#x2f;", "/").contains(&link), "links to the ticket: {m:?}");
    }
    assert_ne!(ack.message_id, reply.message_id);
    assert_eq!(ack.list_unsubscribe, None, "an acknowledgement is essential");
    assert_eq!(reply.list_unsubscribe.as_deref(), Some("<https://support.cytrack.test/notifications>"));

    let to_agent = messages.iter().find(|m| m.text.contains("Sydney.")).expect("Jo's answer reaches the agent");
    assert!(
        to_agent.html.contains("Jo &lt;b&gt;Bold&lt;&#x2f;b&gt; replied"),
        "the name is escaped in HTML: {to_agent:?}"
    );
    assert!(!to_agent.html.contains("<b>"), "{to_agent:?}");
    assert!(to_agent.subject.contains("Jo <b>Bold</b> replied"), "a subject is text: {to_agent:?}");

    let sent = outbox(&app, "sent").await;
    assert_eq!(sent.len(), 7);
    assert!(sent.iter().all(|m| m["attempts"] == 1 && m["sent_at"].is_string()));
}

#[tokio::test]
async fn a_server_that_refuses_for_a_while_gets_everything_later_once() {
    let app = spawn_app().await;
    let sink = SmtpSink::start(5);
    let org = app.organization("Acme", &[]).await;
    let casey = app.customer(&org, false).await;
    app.raise(&casey, "First").await;
    app.raise(&casey, "Second").await;
    let mailer = mailer(Some(sink.url()), &sink.dir);
    let db = app.database().await;

    // Five messages (Casey's confirmation link, the admin's registration notice, Casey's
    // approval, two acknowledgements), all refused.
    let first = mailer.deliver_due(&db).await.unwrap();
    assert_eq!((first.sent, first.retrying, first.failed), (0, 5, 0), "{first:?}");
    assert!(sink.messages().is_empty());
    let waiting = outbox(&app, "pending").await;
    assert_eq!(waiting.len(), 5);
    assert!(
        waiting.iter().all(|m| m["attempts"] == 1 && m["last_error"].as_str().unwrap().contains("451")),
        "{waiting:?}"
    );
    assert_eq!(mailer.deliver_due(&db).await.unwrap().sent, 0, "nothing is tried again before its wait");

    time_passes(&app).await;
    let second = mailer.deliver_due(&db).await.unwrap();
    assert_eq!((second.sent, second.retrying, second.failed), (5, 0, 0), "{second:?}");
    assert_eq!(sink.messages().len(), 5, "each message once");
    let sent = outbox(&app, "sent").await;
    assert!(sent.iter().all(|m| m["attempts"] == 2 && m["last_error"].is_null()), "{sent:?}");
}

#[tokio::test]
async fn an_address_the_server_refuses_for_good_fails_at_once_for_an_admin_to_see() {
    let app = spawn_app().await;
    let sink = SmtpSink::start(0);
    let org = app.organization("Acme", &[]).await;
    let admin = app.admin().await;
    let email = format!("bounce-{}@client.test", short_id());
    let id = app.register("Bo", &email).await;
    app.post(
        &format!("/api/v1/users/{id}/approve"),
        Some(&admin.token),
        json!({"organization_id": org, "superuser": false}),
    )
    .await;
    let mailer = mailer(Some(sink.url()), &sink.dir);
    let done = mailer.deliver_due(&app.database().await).await.unwrap();
    // Bo's confirmation link and approval are refused; the admin's registration notice goes.
    assert_eq!((done.sent, done.retrying, done.failed), (1, 0, 2), "{done:?}");

    let failed = outbox(&app, "failed").await;
    assert_eq!(failed.len(), 2);
    for mail in &failed {
        assert_eq!(mail["to_address"], email.as_str());
        assert_eq!(mail["attempts"], 1);
        assert!(mail["last_error"].as_str().unwrap().contains("550"), "{failed:?}");
    }
    let (status, body) = app.get("/api/v1/mail/outbox?status=lost", &admin.token).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let casey = app.customer(&org, false).await;
    let (status, _) = app.get("/api/v1/mail/outbox", &casey.token).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn two_workers_on_one_database_never_send_a_message_twice() {
    let app = spawn_app().await;
    let sink = SmtpSink::start(0);
    let org = app.organization("Acme", &[]).await;
    let casey = app.customer(&org, false).await;
    for n in 0..30 {
        app.raise(&casey, &format!("Ticket {n}")).await;
    }
    // Two workers, each with its own pool, as two portal processes would have.
    let (one, two) = (mailer(Some(sink.url()), &sink.dir), mailer(Some(sink.url()), &sink.dir));
    let (db_one, db_two) = (app.database().await, app.database().await);
    let (a, b) = tokio::join!(one.deliver_due(&db_one), two.deliver_due(&db_two));
    let (a, b) = (a.unwrap(), b.unwrap());
    // Casey's confirmation link, the admin's registration notice, Casey's approval, thirty
    // acknowledgements.
    assert_eq!(a.sent + b.sent, 33, "{a:?} {b:?}");
    let messages = sink.messages();
    let mut ids: Vec<&str> = messages.iter().map(|m| m.message_id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!((messages.len(), ids.len()), (33, 33), "each message exactly once");
}

#[tokio::test]
async fn without_an_smtp_server_mail_is_written_as_files() {
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let casey = app.customer(&org, false).await;
    app.raise(&casey, "Printer jammed").await;
    let dir = std::env::temp_dir().join(format!("cytrack-eml-{}", short_id()));
    let done = mailer(None, &dir).deliver_due(&app.database().await).await.unwrap();
    assert_eq!(done.sent, 4, "Casey's confirmation link and approval, the admin's notice, the acknowledgement");
    let files = received_in(&dir);
    assert_eq!(files.len(), 4);
    assert!(files.iter().any(|f| f.subject.contains("Printer jammed")), "{files:?}");
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn a_mail_server_that_does_not_answer_leaves_everything_waiting_for_the_next_try() {
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    app.customer(&org, false).await;
    // A port nobody listens on: the server is down.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let dir = std::env::temp_dir().join(format!("cytrack-down-{}", short_id()));
    let done =
        mailer(Some(format!("smtp://127.0.0.1:{closed}")), &dir).deliver_due(&app.database().await).await.unwrap();
    assert_eq!((done.sent, done.failed), (0, 0), "{done:?}");
    assert!(done.retrying > 0, "{done:?}");
    let waiting = outbox(&app, "pending").await;
    assert_eq!(waiting.len(), done.retrying);
    assert!(waiting.iter().all(|m| m["attempts"] == 1 && m["last_error"].is_string()), "{waiting:?}");
}
