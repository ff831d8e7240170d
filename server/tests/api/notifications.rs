//! Notifications through the API: who hears of what (docs/rules.md's table), that nobody sees
//! anyone else's, preferences, and that nothing is told of a change that rolled back.

use crate::harness::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// The kinds of `who`'s notifications, sorted.
async fn kinds(app: &TestApp, who: &Person) -> Vec<String> {
    let (status, body) = app.get("/api/v1/notifications?per_page=200", &who.token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mut kinds: Vec<String> =
        body["items"].as_array().unwrap().iter().map(|n| n["kind"].as_str().unwrap().to_string()).collect();
    kinds.sort();
    kinds
}

async fn unread(app: &TestApp, who: &Person) -> u64 {
    let (status, body) = app.get("/api/v1/notifications/unread-count", &who.token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["count"].as_u64().unwrap()
}

/// The outbox as an admin reads it: (recipient, kind) of every message but those of registering
/// (the harness registers each customer it makes: each confirms the address, and the admin
/// hears of each).
async fn outbox(app: &TestApp) -> Vec<(String, String)> {
    let admin = app.admin().await;
    let (status, body) = app.get("/api/v1/mail/outbox?per_page=200", &admin.token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mut rows: Vec<(String, String)> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["to_address"].as_str().unwrap().to_string(), m["kind"].as_str().unwrap().to_string()))
        .filter(|(_, kind)| kind != "registration_received" && kind != "verify_email")
        .collect();
    rows.sort();
    rows
}

async fn email_of(app: &TestApp, who: &Person) -> String {
    let (_, me) = app.get("/api/v1/me", &who.token).await;
    me["user"]["email"].as_str().unwrap().to_string()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[tokio::test]
async fn a_ticket_tells_each_side_what_it_needs_and_never_an_internal_note_to_the_customer() {
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let customer = app.customer(&org, false).await;
    let agent = app.staff("agent").await;
    let manager = app.staff("account_manager").await;
    let ticket = app.raise(&customer, "Wallboard dark").await;
    let id = ticket["id"].as_str().unwrap();
    let number = ticket["number"].as_str().unwrap();

    // The harness approved the customer's registration: that notice came first.
    let (_, list) = app.get("/api/v1/notifications", &customer.token).await;
    assert_eq!(list["total"], 2, "{list}");
    assert_eq!(list["items"][1]["kind"], "registration_decided");
    let ack = &list["items"][0];
    assert_eq!(ack["kind"], "ticket_raised");
    assert!(ack["title"].as_str().unwrap().contains(number), "the acknowledgement names the number: {ack}");
    assert_eq!(ack["ticket_id"], id);
    assert_eq!(ack["link"], format!("/tickets/{id}"));
    assert!(ack["read_at"].is_null());
    assert_eq!(kinds(&app, &agent).await, Vec::<String>::new(), "new tickets are opt-in for staff");

    let patch = |who: &Person, body: Value| {
        let token = who.token.clone();
        let app = &app;
        async move { app.send("PATCH", &format!("/api/v1/tickets/{id}"), Some(&token), Some(body)).await }
    };
    let (status, body) = patch(&manager, json!({"assignee_id": agent.id})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let comments = format!("/api/v1/tickets/{id}/comments");
    let note = json!({"body": "Check the IVR first.", "internal": true});
    assert_eq!(app.post(&comments, Some(&manager.token), note).await.0, StatusCode::CREATED);
    let reply = json!({"body": "We are on it."});
    assert_eq!(app.post(&comments, Some(&agent.token), reply).await.0, StatusCode::CREATED);
    let answer = json!({"body": "Thanks, it is still dark."});
    assert_eq!(app.post(&comments, Some(&customer.token), answer).await.0, StatusCode::CREATED);
    let (status, body) = patch(&agent, json!({"status": "resolved"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    assert_eq!(
        kinds(&app, &customer).await,
        strings(&["registration_decided", "ticket_raised", "ticket_reply", "ticket_status"])
    );
    assert_eq!(kinds(&app, &agent).await, strings(&["internal_note", "ticket_assigned", "ticket_reply"]));
    assert_eq!(kinds(&app, &manager).await, Vec::<String>::new(), "nobody hears of their own action");
    let (_, list) = app.get("/api/v1/notifications", &customer.token).await;
    let text = list.to_string();
    assert!(!text.contains("IVR"), "an internal note never reaches the customer: {text}");
    assert!(text.contains("We are on it."), "the reply is in the notice: {text}");

    let customer_email = email_of(&app, &customer).await;
    let agent_email = email_of(&app, &agent).await;
    let mut expected: Vec<(String, String)> = [
        (&customer_email, "registration_decided"),
        (&customer_email, "ticket_raised"),
        (&customer_email, "ticket_reply"),
        (&customer_email, "ticket_status"),
        (&agent_email, "internal_note"),
        (&agent_email, "ticket_assigned"),
        (&agent_email, "ticket_reply"),
    ]
    .iter()
    .map(|(to, kind)| (to.to_string(), kind.to_string()))
    .collect();
    expected.sort();
    assert_eq!(outbox(&app).await, expected, "each notice is also a mail, by default");
}

#[tokio::test]
async fn reading_clears_the_count_and_nobody_reads_anyone_elses() {
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let other_org = app.organization("Borealis", &[]).await;
    let casey = app.customer(&org, false).await;
    let colleague = app.customer(&org, true).await;
    let stranger = app.customer(&other_org, true).await;
    app.raise(&casey, "Phones down").await;
    app.raise(&casey, "Reports slow").await;
    // Two acknowledgements, and the approval of Casey's registration.
    assert_eq!(unread(&app, &casey).await, 3);

    let (_, list) = app.get("/api/v1/notifications?unread=true", &casey.token).await;
    let first = list["items"][0]["id"].as_str().unwrap().to_string();
    for who in [&colleague, &stranger] {
        let (status, body) =
            app.post(&format!("/api/v1/notifications/{first}/read"), Some(&who.token), json!({})).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "someone else's notification does not exist: {body}");
        assert_eq!(error_code(&body), "not_found");
        assert_eq!(kinds(&app, who).await, strings(&["registration_decided"]), "their own only");
    }
    let (status, body) = app.post("/api/v1/notifications/not-an-id/read", Some(&casey.token), json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, _) = app.send("GET", "/api/v1/notifications/unread-count", None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let (status, _) = app.post(&format!("/api/v1/notifications/{first}/read"), Some(&casey.token), json!({})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app.post(&format!("/api/v1/notifications/{first}/read"), Some(&casey.token), json!({})).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "reading twice is harmless");
    assert_eq!(unread(&app, &casey).await, 2);
    let (_, list) = app.get("/api/v1/notifications?unread=true", &casey.token).await;
    assert_eq!(list["total"], 2);
    assert!(list["items"].as_array().unwrap().iter().all(|n| n["id"] != first.as_str()));

    let (status, body) = app.post("/api/v1/notifications/read-all", Some(&casey.token), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["count"], 2);
    assert_eq!(unread(&app, &casey).await, 0);
    let (_, list) = app.get("/api/v1/notifications", &casey.token).await;
    assert_eq!(list["total"], 3, "read notifications stay listed");
}

#[tokio::test]
async fn preferences_turn_mail_off_but_never_the_essentials() {
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let casey = app.customer(&org, false).await;
    let agent = app.staff("agent").await;
    let prefs = "/api/v1/me/notification-preferences";

    let (status, body) = app.get(prefs, &casey.token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let listed: Vec<&str> = body["items"].as_array().unwrap().iter().map(|p| p["kind"].as_str().unwrap()).collect();
    assert!(listed.contains(&"ticket_reply") && !listed.contains(&"internal_note"), "a customer's kinds only: {body}");
    assert!(body["items"].as_array().unwrap().iter().all(|p| p["mail"] == true), "all on by default: {body}");

    let refusals = [
        (json!({"mail": {"ticket_raised": false}}), "mail.ticket_raised"),
        (json!({"mail": {"internal_note": true}}), "mail.internal_note"),
        (json!({"mail": {"everything": false}}), "mail.everything"),
    ];
    for (req, field) in refusals {
        let (status, body) = app.send("PUT", prefs, Some(&casey.token), Some(req)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body["error"]["fields"][field].is_string(), "{field}: {body}");
    }
    let (status, body) =
        app.send("PUT", prefs, Some(&casey.token), Some(json!({"mail": {"ticket_reply": false}}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let reply = body["items"].as_array().unwrap().iter().find(|p| p["kind"] == "ticket_reply").unwrap().clone();
    assert_eq!(reply["mail"], false);

    let ticket = app.raise(&casey, "Headsets crackle").await;
    let id = ticket["id"].as_str().unwrap();
    app.post(&format!("/api/v1/tickets/{id}/comments"), Some(&agent.token), json!({"body": "Which model?"})).await;
    assert_eq!(
        kinds(&app, &casey).await,
        strings(&["registration_decided", "ticket_raised", "ticket_reply"]),
        "still in the portal"
    );
    let email = email_of(&app, &casey).await;
    let mailed = vec![(email.clone(), "registration_decided".to_string()), (email, "ticket_raised".to_string())];
    assert_eq!(outbox(&app).await, mailed, "but the reply is not mailed");

    // Staff opt into every new ticket.
    let (status, _) = app.send("PUT", prefs, Some(&agent.token), Some(json!({"mail": {"new_ticket": true}}))).await;
    assert_eq!(status, StatusCode::OK);
    app.raise(&casey, "Another one").await;
    assert_eq!(kinds(&app, &agent).await, strings(&["new_ticket"]));
}

#[tokio::test]
async fn a_registration_tells_account_managers_then_the_person_is_told_the_decision() {
    let app = spawn_app().await;
    let manager = app.staff("account_manager").await;
    let agent = app.staff("agent").await;
    let org = app.organization("Newco", &[]).await;
    let email = format!("pat-{}@newclient.test", short_id());
    let id = app.register("Pat New", &email).await;
    assert_eq!(kinds(&app, &manager).await, strings(&["registration_received"]));
    assert_eq!(kinds(&app, &agent).await, Vec::<String>::new(), "agents do not approve registrations");

    let (status, body) = app
        .post(
            &format!("/api/v1/users/{id}/approve"),
            Some(&manager.token),
            json!({"organization_id": org, "superuser": false}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let pat = app.login(&email, PASSWORD).await;
    assert_eq!(kinds(&app, &pat).await, strings(&["registration_decided"]));
    let (_, list) = app.get("/api/v1/notifications", &pat.token).await;
    assert!(list["items"][0]["title"].as_str().unwrap().contains("approved"), "{list}");
}

#[tokio::test]
async fn nothing_is_told_of_a_change_that_rolled_back() {
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let casey = app.customer(&org, false).await;
    let agent = app.staff("agent").await;
    let manager = app.staff("account_manager").await;
    let ticket = app.raise(&casey, "Queue silent").await;
    let before = outbox(&app).await;

    // The first ticket would be assigned (a notice), the second does not exist: all or nothing.
    let (status, body) = app
        .post(
            "/api/v1/tickets/bulk",
            Some(&manager.token),
            json!({"ticket_ids": [ticket["id"], uuid::Uuid::new_v4().to_string()], "changes": {"assignee_id": agent.id}}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(kinds(&app, &agent).await, Vec::<String>::new(), "no notice of an assignment that never happened");
    assert_eq!(outbox(&app).await, before, "and no mail");
}
