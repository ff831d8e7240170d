//! E-mail in through the inbound endpoint: a customer's mail raises a ticket, a reply to a
//! ticket's mail lands in its conversation (by the reply token in the address, never by the
//! subject), and everything that must not land does not: forged senders, expired tokens, disabled
//! accounts, machines, our own mail, strangers (answered once), unreadable or oversized messages.

use crate::harness::*;
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{json, Value};

async fn email_of(app: &TestApp, who: &Person) -> String {
    let (_, me) = app.get("/api/v1/me", &who.token).await;
    me["user"]["email"].as_str().unwrap().to_string()
}

fn mail(from: &str, to: &str, id: &str, subject: &str, body: &str) -> String {
    format!("From: {from}\nTo: {to}\nSubject: {subject}\nMessage-ID: <{id}@client.test>\nDate: Mon, 30 Nov 2026 09:00:00 +1100\n\n{body}\n")
}

/// The reply address of the newest mail to `email`, as the portal sent it.
async fn reply_address(app: &TestApp, email: &str) -> String {
    let dir = std::env::temp_dir().join(format!("cytrack-mail-in-{}", short_id()));
    mailer(None, &dir).deliver_due(&app.database().await).await.unwrap();
    let sent = received_in(&dir);
    std::fs::remove_dir_all(&dir).ok();
    let last = sent.iter().rev().find(|m| m.to.contains(email) && m.subject.contains("replied")).expect("a reply mail");
    last.reply_to.clone().expect("a reply address")
}

async fn comments(app: &TestApp, who: &Person, ticket: &str) -> Vec<String> {
    let (_, detail) = app.get(&format!("/api/v1/tickets/{ticket}"), &who.token).await;
    detail["comments"].as_array().unwrap().iter().map(|c| c["body"].as_str().unwrap().to_string()).collect()
}

fn outcome(status: StatusCode, body: &Value) -> (&str, Option<&str>) {
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    (body["outcome"].as_str().unwrap(), body["reason"].as_str())
}

#[tokio::test]
async fn a_mail_raises_a_ticket_and_a_reply_to_its_notification_joins_the_conversation() {
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let casey = app.customer(&org, false).await;
    let agent = app.staff("agent").await;
    let email = email_of(&app, &casey).await;

    let raised = mail(
        &format!("Casey <{email}>"),
        "support@cytrack.test",
        "m1",
        "Phones dead on level 2",
        "All handsets show no service.\n-- \nCasey, Acme",
    );
    let (status, body) = app.deliver(&raised).await;
    assert_eq!(outcome(status, &body), ("ticket_created", None));
    let ticket = body["ticket_id"].as_str().unwrap().to_string();
    let (_, detail) = app.get(&format!("/api/v1/tickets/{ticket}"), &casey.token).await;
    assert_eq!(detail["ticket"]["subject"], "Phones dead on level 2");
    assert_eq!(detail["ticket"]["description"], "All handsets show no service.", "the signature is cut");
    assert_eq!(detail["ticket"]["requester_id"], casey.id.as_str());

    app.post(&format!("/api/v1/tickets/{ticket}/comments"), Some(&agent.token), json!({"body": "Which site?"})).await;
    let reply_to = reply_address(&app, &email).await;
    assert!(reply_to.starts_with("support+") && reply_to.ends_with("@cytrack.test"), "{reply_to}");
    let answer = mail(
        &email,
        &reply_to,
        "m2",
        "Re: CT-000001: CyTrack replied",
        "Level 2, Sydney.\n\nOn Mon, 30 Nov 2026 at 09:00, CyTrack Support <support@cytrack.test> wrote:\n> Which site?",
    );
    let (status, body) = app.deliver(&answer).await;
    assert_eq!(outcome(status, &body), ("comment_added", None));
    assert_eq!(body["ticket_id"], ticket.as_str());
    assert_eq!(comments(&app, &casey, &ticket).await, ["Which site?", "Level 2, Sydney."]);

    // The same message delivered again (a webhook retried) is taken once.
    let (status, body) = app.deliver(&answer).await;
    assert_eq!(outcome(status, &body), ("comment_added", None));
    assert_eq!(comments(&app, &casey, &ticket).await.len(), 2);

    // An HTML-only mail is read as text; a subject cannot carry a line break into the ticket.
    let html = format!(
        "From: {email}\nTo: support@cytrack.test\nSubject: =?utf-8?q?Wallboard=0D=0ABcc=3A_x?=\nMessage-ID: <m3@client.test>\nContent-Type: text/html; charset=utf-8\n\n<p>The <b>wallboard</b> is blank.</p>\n"
    );
    let (status, body) = app.deliver(&html).await;
    assert_eq!(outcome(status, &body), ("ticket_created", None));
    let (_, detail) = app.get(&format!("/api/v1/tickets/{}", body["ticket_id"].as_str().unwrap()), &casey.token).await;
    assert_eq!(detail["ticket"]["subject"], "Wallboard  Bcc: x");
    assert!(detail["ticket"]["description"].as_str().unwrap().contains("wallboard is blank"), "{detail}");
}

#[tokio::test]
async fn what_must_not_land_does_not() {
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let casey = app.customer(&org, false).await;
    let agent = app.staff("agent").await;
    let admin = app.admin().await;
    let email = email_of(&app, &casey).await;
    let ticket = app.raise(&casey, "Queue silent").await["id"].as_str().unwrap().to_string();
    app.post(&format!("/api/v1/tickets/{ticket}/comments"), Some(&agent.token), json!({"body": "Which queue?"})).await;
    let reply_to = reply_address(&app, &email).await;
    let rejected = |raw: String, reason: &'static str| {
        let app = &app;
        async move {
            let (status, body) = app.deliver(&raw).await;
            assert_eq!(outcome(status, &body), ("rejected", Some(reason)), "{raw}");
        }
    };

    rejected(
        mail("mallory@evil.test", &reply_to, "f1", "Re: x", "Close it."),
        "the sender does not own the reply address",
    )
    .await;
    rejected(
        format!("Auto-Submitted: auto-replied\n{}", mail(&email, &reply_to, "f2", "Out of office", "Away.")),
        "sent automatically (Auto-Submitted)",
    )
    .await;
    rejected(mail("support@cytrack.test", &reply_to, "f3", "Re: x", "Loop."), "our own mail came back").await;
    rejected(
        mail("MAILER-DAEMON@mx.client.test", "support@cytrack.test", "f4", "Undeliverable", "Bounce."),
        "a delivery report or bounce",
    )
    .await;
    assert_eq!(comments(&app, &casey, &ticket).await, ["Which queue?"], "nothing landed");

    // A stranger is refused and told how to reach CyTrack, once a day however often they write.
    rejected(
        mail("stranger@else.test", "support@cytrack.test", "f5", "Help", "Hi."),
        "the sender is not an active client contact",
    )
    .await;
    rejected(
        mail("stranger@else.test", "support@cytrack.test", "f6", "Help!", "Hi?"),
        "the sender is not an active client contact",
    )
    .await;
    let (_, outbox) = app.get("/api/v1/mail/outbox?per_page=200", &admin.token).await;
    let answers: Vec<&Value> =
        outbox["items"].as_array().unwrap().iter().filter(|m| m["to_address"] == "stranger@else.test").collect();
    assert_eq!(answers.len(), 1, "{outbox}");
    assert!(!outbox.to_string().contains("MAILER-DAEMON"), "a machine is never answered");

    // An expired reply address, then a disabled account.
    let db = app.database().await;
    let past = chrono::Utc::now() - chrono::Duration::days(1);
    let sql = match db.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => "UPDATE reply_tokens SET expires_at = $1",
        _ => "UPDATE reply_tokens SET expires_at = ?",
    };
    db.execute(Statement::from_sql_and_values(db.get_database_backend(), sql, [past.into()])).await.unwrap();
    rejected(mail(&email, &reply_to, "f7", "Re: x", "Late."), "reply address unknown or expired").await;
    let (status, _) = app.post(&format!("/api/v1/users/{}/disable", casey.id), Some(&admin.token), json!({})).await;
    assert_eq!(status, StatusCode::OK);
    rejected(mail(&email, "support@cytrack.test", "f8", "New", "Hello."), "the sender is not an active client contact")
        .await;
    assert_eq!(comments(&app, &agent, &ticket).await, ["Which queue?"]);

    // Every message is on record for admins, with why it was refused.
    let (status, received) = app.get("/api/v1/mail/inbound", &admin.token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(received["total"], 8, "{received}");
    assert_eq!(app.get("/api/v1/mail/inbound", &casey.token).await.0, StatusCode::UNAUTHORIZED, "disabled");
    assert_eq!(app.get("/api/v1/mail/inbound", &agent.token).await.0, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_endpoint_takes_only_the_secret_holder_and_readable_messages_of_bounded_size() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    // A client of its own: the portal closes the connection after refusing the oversized body.
    let client = reqwest::Client::new();
    let post = |secret: Option<&str>, body: Vec<u8>| {
        let mut req = client.post(app.url("/api/v1/mail/inbound")).header("content-type", "message/rfc822").body(body);
        if let Some(secret) = secret {
            req = req.bearer_auth(secret);
        }
        req.send()
    };
    for secret in [None, Some("not-the-secret")] {
        let res = post(secret, b"From: a@b.test\r\n\r\nx".to_vec()).await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        error_code(&res.json::<Value>().await.unwrap());
    }
    let res = post(Some(INBOUND_SECRET), b"\x00\x01 not a message at all".to_vec()).await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    error_code(&res.json::<Value>().await.unwrap());
    let mut huge = b"From: a@b.test\r\nSubject: big\r\n\r\n".to_vec();
    huge.resize(30 * 1024 * 1024, b'x');
    let res = post(Some(INBOUND_SECRET), huge).await.unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(error_code(&res.json::<Value>().await.unwrap()), "too_large");

    let (_, received) = app.get("/api/v1/mail/inbound", &admin.token).await;
    let reasons: Vec<&str> =
        received["items"].as_array().unwrap().iter().map(|m| m["reason"].as_str().unwrap()).collect();
    assert_eq!(reasons.len(), 2, "both are on record: {received}");
    assert!(reasons.contains(&"not a readable message") && reasons.contains(&"larger than 25 MB"), "{reasons:?}");
}

#[tokio::test]
async fn a_polled_imap_mailbox_raises_tickets_once_and_marks_what_it_took_seen() {
    let app = spawn_app().await;
    let imap = ImapServer::start();
    let org = app.organization("Acme", &[]).await;
    let casey = app.customer(&org, false).await;
    let email = email_of(&app, &casey).await;
    imap.deliver(&mail(&email, "support@cytrack.test", "i1", "Printer offline", "The level 3 printer is offline."))
        .await;
    imap.deliver(&mail("stranger@else.test", "support@cytrack.test", "i2", "Hello", "Who are you?")).await;
    assert_eq!(imap.unseen().await, 2);

    let mailbox = server::imap::ImapMailbox::parse(&imap.url()).unwrap();
    let own = app::ssr::services::mail_in::Mailbox { own_address: "support@cytrack.test".into(), files: None };
    let tickets = app::ssr::services::tickets::TicketQueue::new(app.database().await);
    assert_eq!(mailbox.poll(&tickets, &own).await.unwrap(), 2);
    assert_eq!(imap.unseen().await, 0, "what was taken is marked seen");
    assert_eq!(mailbox.poll(&tickets, &own).await.unwrap(), 0, "and not taken again");

    let (_, list) = app.get("/api/v1/tickets", &casey.token).await;
    let subjects: Vec<&str> =
        list["items"].as_array().unwrap().iter().map(|t| t["subject"].as_str().unwrap()).collect();
    assert_eq!(subjects, ["Printer offline"]);
    let admin = app.admin().await;
    let (_, received) = app.get("/api/v1/mail/inbound", &admin.token).await;
    let outcomes: Vec<(&str, &str)> = received["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["source"].as_str().unwrap(), m["outcome"].as_str().unwrap()))
        .collect();
    assert_eq!(outcomes.len(), 2);
    assert!(outcomes.contains(&("imap", "ticket_created")) && outcomes.contains(&("imap", "rejected")), "{outcomes:?}");

    let wrong = server::imap::ImapMailbox::parse(&imap.url().replace(IMAP_PASSWORD, "wrong")).unwrap();
    assert!(wrong.poll(&tickets, &own).await.is_err(), "a refused sign-in is an error to log, not a panic");
}

#[tokio::test]
async fn a_mailed_screenshot_comes_with_the_ticket_and_a_mailed_log_with_the_reply() {
    // Issue 24: attachments from e-mail in.
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let casey = app.customer(&org, false).await;
    let agent = app.staff("agent").await;
    let email = email_of(&app, &casey).await;
    let png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
    let with_file = |id: &str, to: &str, subject: &str, name: &str, kind: &str, encoded: &str| {
        format!(
            "From: Casey <{email}>\nTo: {to}\nSubject: {subject}\nMessage-ID: <{id}@client.test>\n\
             Date: Mon, 30 Nov 2026 09:00:00 +1100\nMIME-Version: 1.0\n\
             Content-Type: multipart/mixed; boundary=\"b1\"\n\n\
             --b1\nContent-Type: text/plain; charset=utf-8\n\nSee the file.\n\
             --b1\nContent-Type: {kind}; name=\"{name}\"\nContent-Disposition: attachment; filename=\"{name}\"\n\
             Content-Transfer-Encoding: base64\n\n{encoded}\n--b1--\n"
        )
    };
    let (status, body) =
        app.deliver(&with_file("f1", "support@cytrack.test", "Wallboard red", "screen.png", "image/png", png)).await;
    assert_eq!(outcome(status, &body), ("ticket_created", None));
    let ticket = body["ticket_id"].as_str().unwrap().to_string();
    let (_, detail) = app.get(&format!("/api/v1/tickets/{ticket}"), &casey.token).await;
    let files = detail["attachments"].as_array().unwrap();
    assert_eq!(files.len(), 1, "{detail}");
    assert_eq!(
        (files[0]["file_name"].as_str(), files[0]["content_type"].as_str()),
        (Some("screen.png"), Some("image/png"))
    );

    // The agent answers; Casey's reply by mail brings a log, which lands on that reply.
    let (status, _) = app
        .post(
            &format!("/api/v1/tickets/{ticket}/comments"),
            Some(&agent.token),
            json!({"body": "Send the log?", "internal": false}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let to = reply_address(&app, &email).await;
    let log = "MDk6MDAgcXVldWUgMyBvdmVyZmxvdwo="; // "09:00 queue 3 overflow\n"
    let (status, body) = app.deliver(&with_file("f2", &to, "Re: Wallboard red", "portal.log", "text/plain", log)).await;
    assert_eq!(outcome(status, &body), ("comment_added", None));
    let (_, detail) = app.get(&format!("/api/v1/tickets/{ticket}"), &agent.token).await;
    let reply = detail["comments"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(reply["attachments"][0]["file_name"], "portal.log", "{detail}");
    let id = reply["attachments"][0]["id"].as_str().unwrap();
    let res =
        app.client.get(app.url(&format!("/api/v1/attachments/{id}"))).bearer_auth(&agent.token).send().await.unwrap();
    assert_eq!(res.bytes().await.unwrap().as_ref(), b"09:00 queue 3 overflow\n");
}
