//! Vouchers: issuing, redemption order and refusals, idempotency, refunds, expiry, and
//! concurrent redemptions that must never spend the same minutes twice.

use crate::harness::*;
use chrono::{Days, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};

pub fn in_days(days: u64) -> String {
    (Utc::now().date_naive() + Days::new(days)).to_string()
}

/// An organisation that is live and past warranty, so change requests are billable.
pub async fn billable_world(app: &TestApp) -> (String, Person, Person, Person, String) {
    billable_world_named(app, "Acme").await
}

pub async fn billable_world_named(app: &TestApp, name: &str) -> (String, Person, Person, Person, String) {
    let org = app.organization(name, &[]).await;
    let manager = app.staff("account_manager").await;
    let go_live = (Utc::now().date_naive() - Days::new(60)).to_string();
    let (status, _) = app
        .send(
            "PUT",
            &format!("/api/v1/organizations/{org}/deployment"),
            Some(&manager.token),
            Some(json!({"go_live_on": go_live, "go_live_basis": "signed"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let superuser = app.customer(&org, true).await;
    let (status, body) = app
        .post(
            "/api/v1/tickets",
            Some(&superuser.token),
            json!({"subject": "Add a queue", "description": "d", "kind": "macs", "priority": "p3"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(body["ticket"]["billing"]["tag"], "billable");
    let agent = app.staff("agent").await;
    (org, manager, superuser, agent, body["ticket"]["id"].as_str().unwrap().to_string())
}

pub async fn issue(app: &TestApp, manager: &Person, org: &str, minutes: i64, expires_on: &str) -> Value {
    let (status, body) = app
        .post(
            &format!("/api/v1/organizations/{org}/vouchers"),
            Some(&manager.token),
            json!({"minutes": minutes, "expires_on": expires_on}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["voucher"].clone()
}

pub async fn balance(app: &TestApp, who: &Person, org: &str) -> Value {
    let (status, body) = app.get(&format!("/api/v1/organizations/{org}/vouchers"), &who.token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["balance"].clone()
}

#[tokio::test]
async fn vouchers_have_unguessable_readable_codes_and_checked_fields() {
    let app = spawn_app().await;
    let (org, manager, superuser, agent, _) = billable_world(&app).await;
    let v = issue(&app, &manager, &org, 600, &in_days(90)).await;
    let code = v["code"].as_str().unwrap();
    assert_eq!(code.len(), 14);
    assert!(!code.contains(['0', 'O', '1', 'I']), "{code}");
    assert_eq!(v["remaining_minutes"], 600);
    let other = issue(&app, &manager, &org, 60, &in_days(90)).await;
    assert_ne!(other["code"], v["code"]);

    let path = format!("/api/v1/organizations/{org}/vouchers");
    for (body, field) in [
        (json!({"minutes": 0, "expires_on": in_days(10)}), "minutes"),
        (json!({"minutes": 10, "expires_on": "2020-01-01"}), "expires_on"),
        (json!({"minutes": 10, "expires_on": "soon"}), "expires_on"),
    ] {
        let (status, answer) = app.post(&path, Some(&manager.token), body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(answer["error"]["fields"][field].is_string(), "{answer}");
    }
    for who in [&superuser, &agent] {
        assert_eq!(
            app.post(&path, Some(&who.token), json!({"minutes": 10, "expires_on": in_days(10)})).await.0,
            StatusCode::FORBIDDEN
        );
    }
    assert_eq!(balance(&app, &superuser, &org).await["available_minutes"], 660);
}

#[tokio::test]
async fn redemption_draws_from_the_voucher_expiring_first_and_refuses_what_is_not_there() {
    let app = spawn_app().await;
    let (org, manager, superuser, agent, ticket) = billable_world(&app).await;
    let late = issue(&app, &manager, &org, 300, &in_days(200)).await;
    let soon = issue(&app, &manager, &org, 60, &in_days(20)).await;
    let path = format!("/api/v1/tickets/{ticket}/redemptions");

    let (status, body) = app.post(&path, Some(&agent.token), json!({"minutes": 90})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["balance"]["available_minutes"], 270);
    let (_, list) = app.get(&format!("/api/v1/organizations/{org}/vouchers"), &superuser.token).await;
    let remaining = |id: &Value| {
        list["vouchers"].as_array().unwrap().iter().find(|v| v["id"] == *id).unwrap()["remaining_minutes"].clone()
    };
    assert_eq!(remaining(&soon["id"]), 0, "the voucher expiring first is used up first");
    assert_eq!(remaining(&late["id"]), 270);

    let (status, body) = app.post(&path, Some(&superuser.token), json!({"minutes": 271})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error_code(&body), "insufficient_balance");
    assert_eq!(balance(&app, &superuser, &org).await["available_minutes"], 270, "nothing changed");

    let (status, _) = app.post(&path, Some(&superuser.token), json!({"minutes": 30})).await;
    assert_eq!(status, StatusCode::CREATED, "the superuser approves spend");
    let plain = app.customer(&org, false).await;
    assert_eq!(app.post(&path, Some(&plain.token), json!({"minutes": 5})).await.0, StatusCode::FORBIDDEN);
    let other = app.organization("Other", &[]).await;
    let stranger = app.customer(&other, true).await;
    assert_eq!(app.post(&path, Some(&stranger.token), json!({"minutes": 5})).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get(&format!("/api/v1/organizations/{org}/vouchers"), &stranger.token).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get(&format!("/api/v1/organizations/{org}/ledger"), &stranger.token).await.0, StatusCode::NOT_FOUND);

    // Only billable tickets: a fault under warranty cannot be charged.
    let (_, fault) = app
        .post(
            "/api/v1/tickets",
            Some(&agent.token),
            json!({"organization_id": org, "subject": "f", "description": "d", "kind": "fault", "priority": "p3"}),
        )
        .await;
    let fid = fault["ticket"]["id"].as_str().unwrap();
    app.post(
        &format!("/api/v1/tickets/{fid}/billing"),
        Some(&agent.token),
        json!({"tag": "warranty", "reason": "Covered."}),
    )
    .await;
    let (status, body) =
        app.post(&format!("/api/v1/tickets/{fid}/redemptions"), Some(&agent.token), json!({"minutes": 5})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_code(&body), "not_billable");
}

#[tokio::test]
async fn the_same_idempotency_key_redeems_once_and_refunds_are_new_entries() {
    let app = spawn_app().await;
    let (org, manager, _superuser, agent, ticket) = billable_world(&app).await;
    issue(&app, &manager, &org, 100, &in_days(60)).await;
    let path = format!("/api/v1/tickets/{ticket}/redemptions");
    let (first, body) =
        app.post(&path, Some(&agent.token), json!({"minutes": 40, "idempotency_key": "call-123"})).await;
    let (again, replay) =
        app.post(&path, Some(&agent.token), json!({"minutes": 40, "idempotency_key": "call-123"})).await;
    assert_eq!((first, again), (StatusCode::CREATED, StatusCode::OK));
    assert_eq!(body["redemption"]["id"], replay["redemption"]["id"]);
    assert_eq!(replay["balance"]["available_minutes"], 60);
    let (status, _) = app.post(&path, Some(&agent.token), json!({"minutes": 10, "idempotency_key": "call-123"})).await;
    assert_eq!(status, StatusCode::CONFLICT, "a key belongs to one redemption");

    let rid = body["redemption"]["id"].as_str().unwrap();
    let refund = format!("/api/v1/redemptions/{rid}/refund");
    let (status, refunded) = app.post(&refund, Some(&agent.token), json!({"reason": "Wrong ticket"})).await;
    assert_eq!(status, StatusCode::CREATED, "{refunded}");
    assert_eq!(refunded["balance"]["available_minutes"], 100);
    let (status, body) = app.post(&refund, Some(&agent.token), json!({"reason": "again"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error_code(&body), "already_refunded");

    let (_, ledger) = app.get(&format!("/api/v1/organizations/{org}/ledger"), &manager.token).await;
    let kinds: Vec<&str> = ledger["items"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["refund", "redeem", "issue"], "newest first; nothing deleted");
    let res = app
        .client
        .get(app.url(&format!("/api/v1/organizations/{org}/ledger.csv")))
        .bearer_auth(&manager.token)
        .send()
        .await
        .unwrap();
    let csv = res.text().await.unwrap();
    assert_eq!(csv.lines().count(), 4, "{csv}");
}

#[tokio::test]
async fn expired_vouchers_never_count_and_the_job_records_expiry() {
    let app = spawn_app().await;
    let (org, manager, superuser, agent, ticket) = billable_world(&app).await;
    issue(&app, &manager, &org, 50, &in_days(400)).await;
    // A voucher that expired yesterday, written as the ledger would have it.
    let expired = issue(&app, &manager, &org, 500, &in_days(1)).await;
    let db = app.database().await;
    {
        use sea_orm::ConnectionTrait;
        let yesterday = (Utc::now().date_naive() - Days::new(3)).to_string();
        let sql =
            format!("UPDATE vouchers SET expires_on = '{yesterday}' WHERE id = '{}'", expired["id"].as_str().unwrap());
        db.execute_unprepared(&sql).await.unwrap();
    }
    assert_eq!(balance(&app, &superuser, &org).await["available_minutes"], 50, "expired minutes never count");
    let (status, _) =
        app.post(&format!("/api/v1/tickets/{ticket}/redemptions"), Some(&agent.token), json!({"minutes": 60})).await;
    assert_eq!(status, StatusCode::CONFLICT, "an expired voucher is never drawn");

    let minutes = app::ssr::services::vouchers::expire_due(&db, Utc::now()).await.unwrap();
    assert_eq!(minutes, 500);
    assert_eq!(app::ssr::services::vouchers::expire_due(&db, Utc::now()).await.unwrap(), 0, "once only");
    let (_, ledger) = app.get(&format!("/api/v1/organizations/{org}/ledger"), &manager.token).await;
    assert_eq!(ledger["items"][0]["kind"], "expire");
    assert_eq!(ledger["items"][0]["minutes"], 500);
}

#[tokio::test]
async fn concurrent_redemptions_never_spend_the_same_minutes() {
    let app = spawn_app().await;
    let (org, manager, _superuser, agent, ticket) = billable_world(&app).await;
    issue(&app, &manager, &org, 100, &in_days(30)).await;
    issue(&app, &manager, &org, 137, &in_days(60)).await;
    let path = format!("/api/v1/tickets/{ticket}/redemptions");
    // 48 requests of 10 minutes against 237 minutes: exactly 23 can succeed.
    let attempts = (0..48).map(|i| {
        let app = &app;
        let path = path.clone();
        let token = agent.token.clone();
        async move { app.post(&path, Some(&token), json!({"minutes": 10, "idempotency_key": format!("k{i}")})).await }
    });
    let results = futures::future::join_all(attempts).await;
    let ok = results.iter().filter(|(s, _)| *s == StatusCode::CREATED).count();
    let refused = results
        .iter()
        .filter(|(s, b)| *s == StatusCode::CONFLICT && b["error"]["code"] == "insufficient_balance")
        .count();
    assert_eq!((ok, refused), (23, 25), "{results:?}");

    let b = balance(&app, &manager, &org).await;
    assert_eq!(b["available_minutes"], 7);
    let (_, ledger) = app.get(&format!("/api/v1/organizations/{org}/ledger?per_page=200"), &manager.token).await;
    let items = ledger["items"].as_array().unwrap();
    let sum =
        |kind: &str| items.iter().filter(|e| e["kind"] == kind).map(|e| e["minutes"].as_i64().unwrap()).sum::<i64>();
    assert_eq!(sum("issue") - sum("redeem"), 7, "the ledger sums to the balance");
    let redemptions: std::collections::BTreeSet<&str> =
        items.iter().filter(|e| e["kind"] == "redeem").map(|e| e["redemption_id"].as_str().unwrap()).collect();
    assert_eq!(redemptions.len(), 23, "every success has its ledger entries, and no failure has any");
}

#[tokio::test]
async fn racing_retries_with_one_idempotency_key_redeem_once() {
    let app = spawn_app().await;
    let (org, manager, _superuser, agent, ticket) = billable_world(&app).await;
    issue(&app, &manager, &org, 25, &in_days(30)).await;
    let path = format!("/api/v1/tickets/{ticket}/redemptions");
    // Ten copies of one request at once (a client retrying on a timeout): one redemption.
    let attempts = (0..10).map(|_| {
        let (app, path, token) = (&app, path.clone(), agent.token.clone());
        async move { app.post(&path, Some(&token), json!({"minutes": 20, "idempotency_key": "retry-me"})).await }
    });
    let results = futures::future::join_all(attempts).await;
    let created = results.iter().filter(|(s, _)| *s == StatusCode::CREATED).count();
    let replayed = results.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    assert_eq!((created, replayed), (1, 9), "{results:?}");
    let ids: std::collections::BTreeSet<&str> =
        results.iter().map(|(_, b)| b["redemption"]["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 1, "every answer names the same redemption");
    assert_eq!(balance(&app, &manager, &org).await["available_minutes"], 5);
}

#[tokio::test]
async fn two_portals_sharing_one_database_never_spend_the_same_minutes() {
    let first = spawn_app().await;
    let (org, manager, _superuser, agent, ticket) = billable_world(&first).await;
    issue(&first, &manager, &org, 95, &in_days(30)).await;
    let second = spawn_app_on(first.database_url()).await;
    let path = format!("/api/v1/tickets/{ticket}/redemptions");
    // 40 requests of 5 minutes split across both portals against 95 minutes: exactly 19 succeed.
    let attempts = (0..40).map(|i| {
        let app = if i % 2 == 0 { &first } else { &second };
        let path = path.clone();
        let token = agent.token.clone();
        async move { app.post(&path, Some(&token), json!({"minutes": 5})).await }
    });
    let results = futures::future::join_all(attempts).await;
    let ok = results.iter().filter(|(s, _)| *s == StatusCode::CREATED).count();
    let refused = results.iter().filter(|(s, _)| *s == StatusCode::CONFLICT).count();
    assert_eq!((ok, refused), (19, 21), "{results:?}");
    assert_eq!(balance(&second, &manager, &org).await["available_minutes"], 0);
}

#[tokio::test]
async fn redemptions_of_two_organisations_with_repeated_keys_at_once_each_keep_their_own_ledger() {
    let app = spawn_app().await;
    let (first, manager, _, agent, first_ticket) = billable_world(&app).await;
    issue(&app, &manager, &first, 50, &in_days(30)).await;
    let (second, _, _, _, second_ticket) = billable_world_named(&app, "Globex").await;
    issue(&app, &manager, &second, 30, &in_days(30)).await;
    // 40 requests at once, alternating organisations; every request is sent twice with its key
    // (a retry racing its first attempt), so 20 distinct redemptions of 5 minutes are asked for.
    let attempts = (0..40).map(|i| {
        let ticket = if (i / 2) % 2 == 0 { &first_ticket } else { &second_ticket };
        let (app, token) = (&app, agent.token.clone());
        let path = format!("/api/v1/tickets/{ticket}/redemptions");
        async move {
            let (status, body) =
                app.post(&path, Some(&token), json!({"minutes": 5, "idempotency_key": format!("k{}", i / 2)})).await;
            (i / 2, status, body)
        }
    });
    let results = futures::future::join_all(attempts).await;
    for org_parity in [0, 1] {
        let mine: Vec<_> = results.iter().filter(|(k, _, _)| k % 2 == org_parity).collect();
        let created = mine.iter().filter(|(_, s, _)| *s == StatusCode::CREATED).count();
        let replayed = mine.iter().filter(|(_, s, _)| *s == StatusCode::OK).count();
        let refused = mine
            .iter()
            .filter(|(_, s, b)| *s == StatusCode::CONFLICT && error_code(b) == "insufficient_balance")
            .count();
        // 10 keys each: the first organisation has 50 minutes (all 10 fit), the second 30 (6 fit).
        let fit = if org_parity == 0 { 10 } else { 6 };
        assert_eq!(created, fit, "one redemption per key that fits: {mine:?}");
        assert_eq!(created + replayed + refused, 20, "{mine:?}");
        for key in (0..20).filter(|k| k % 2 == org_parity) {
            let answers: Vec<_> = mine.iter().filter(|(k, _, _)| *k == key).collect();
            let ids: std::collections::BTreeSet<_> =
                answers.iter().filter_map(|(_, _, b)| b["redemption"]["id"].as_str()).collect();
            assert!(ids.len() <= 1, "both answers to one key name one redemption: {answers:?}");
        }
    }
    for (org, left) in [(&first, 0), (&second, 0)] {
        assert_eq!(balance(&app, &manager, org).await["available_minutes"], left);
        let (_, ledger) = app.get(&format!("/api/v1/organizations/{org}/ledger?per_page=200"), &manager.token).await;
        let items = ledger["items"].as_array().unwrap();
        let sum = |kind: &str| {
            items.iter().filter(|e| e["kind"] == kind).map(|e| e["minutes"].as_i64().unwrap()).sum::<i64>()
        };
        assert_eq!(sum("issue") - sum("redeem"), left, "the ledger sums to the balance");
    }
}

#[tokio::test]
async fn a_plain_customer_sees_the_balance_but_not_the_ledger() {
    // Issue 20, finding 6: the ledger names colleagues' tickets and CyTrack's refund reasons.
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let manager = app.staff("account_manager").await;
    let superuser = app.customer(&org, true).await;
    let plain = app.customer(&org, false).await;
    let expires = (chrono::Utc::now().date_naive() + chrono::Days::new(100)).to_string();
    app.post(
        &format!("/api/v1/organizations/{org}/vouchers"),
        Some(&manager.token),
        json!({"minutes": 600, "expires_on": expires}),
    )
    .await;
    let (status, body) = app.get(&format!("/api/v1/organizations/{org}/vouchers"), &plain.token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["balance"]["available_minutes"], 600);
    for path in ["ledger", "ledger.csv"] {
        let (status, body) = app.get(&format!("/api/v1/organizations/{org}/{path}"), &plain.token).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {body}");
        assert_eq!(app.get(&format!("/api/v1/organizations/{org}/{path}"), &superuser.token).await.0, StatusCode::OK);
    }
    let page = app.page("/vouchers", &plain).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("10:00 h") && !html.contains("data-testid=\"ledger\""), "balance without the ledger");
}

/// The month as the statement takes it: the support time zone's (the default calendar's).
fn this_month() -> String {
    app::domain::calendar::BusinessCalendar::sydney_default().date_of(Utc::now()).format("%Y-%m").to_string()
}

#[tokio::test]
async fn a_monthly_statement_moves_the_opening_balance_to_the_closing_one_and_names_the_invoice() {
    let app = spawn_app().await;
    let (org, manager, superuser, agent, ticket) = billable_world(&app).await;
    issue(&app, &manager, &org, 300, &in_days(200)).await;
    let path = format!("/api/v1/tickets/{ticket}/redemptions");
    let (status, first) = app.post(&path, Some(&agent.token), json!({"minutes": 90})).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let rid = first["redemption"]["id"].as_str().unwrap();
    let refund = format!("/api/v1/redemptions/{rid}/refund");
    assert_eq!(app.post(&refund, Some(&agent.token), json!({"reason": "Wrong ticket"})).await.0, StatusCode::CREATED);
    app.post(&path, Some(&agent.token), json!({"minutes": 30})).await;
    // 100 billable minutes worked: 30 paid by vouchers, 70 to invoice.
    let worked = format!("/api/v1/tickets/{ticket}/time-entries");
    assert_eq!(app.post(&worked, Some(&agent.token), json!({"minutes": 100})).await.0, StatusCode::CREATED);

    let month = this_month();
    let statement = format!("/api/v1/organizations/{org}/statement?month={month}");
    let (status, s) = app.get(&statement, &superuser.token).await;
    assert_eq!(status, StatusCode::OK, "{s}");
    let figures: Vec<i64> = [
        "opening_available_minutes",
        "issued_minutes",
        "redeemed_minutes",
        "refunded_minutes",
        "expired_minutes",
        "closing_available_minutes",
        "total_to_invoice_minutes",
    ]
    .iter()
    .map(|k| s[*k].as_i64().unwrap_or_else(|| panic!("{k}: {s}")))
    .collect();
    assert_eq!(figures, [0, 300, 120, 90, 0, 270, 70], "{s}");
    // The closing balance is the balance the vouchers page shows.
    assert_eq!(balance(&app, &superuser, &org).await["available_minutes"], s["closing_available_minutes"]);
    let row = &s["redemptions"][0];
    assert_eq!(
        (row["ticket_id"].as_str(), row["redeemed_minutes"].as_i64(), row["refunded_minutes"].as_i64()),
        (Some(ticket.as_str()), Some(120), Some(90))
    );
    assert_eq!(s["to_invoice"][0]["paid_by_vouchers_minutes"], 30);
    assert_eq!(s["vouchers_issued"][0]["minutes"], 300);

    // A month before anything: all zero; the next month opens where this one closed.
    let (_, empty) = app.get(&format!("/api/v1/organizations/{org}/statement?month=2020-01"), &manager.token).await;
    assert_eq!(
        (empty["opening_available_minutes"].as_i64(), empty["closing_available_minutes"].as_i64()),
        (Some(0), Some(0))
    );
    let csv = app
        .client
        .get(app.url(&format!("/api/v1/organizations/{org}/statement.csv?month={month}")))
        .bearer_auth(&manager.token)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    let text = csv.text().await.unwrap();
    assert!(text.starts_with("section,item,detail,minutes"), "{text}");
    assert!(text.contains("balance,closing available,,270"), "{text}");
    assert!(text.contains("to invoice,total,,70"), "{text}");

    // Who reads it: account managers any, a superuser their own; a plain customer 403; another
    // organisation 404 (as if it did not exist); agents 403; a wrong month 422.
    let plain = app.customer(&org, false).await;
    assert_eq!(app.get(&statement, &plain.token).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&statement, &agent.token).await.0, StatusCode::FORBIDDEN);
    let other = app.organization("Elsewhere", &[]).await;
    let outsider = app.customer(&other, true).await;
    assert_eq!(app.get(&statement, &outsider.token).await.0, StatusCode::NOT_FOUND);
    let (status, body) = app.get(&format!("/api/v1/organizations/{org}/statement?month=2026-13"), &manager.token).await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_fields"));
}
