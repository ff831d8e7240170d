//! MACS bought with voucher time (issue 21): the catalogue, orders and quotes through the API;
//! approval reserving, completion redeeming and releasing through the same reservations as
//! after-hours work; refusals with their codes; nothing of another organisation.

use crate::harness::*;
use chrono::{Days, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};

struct World {
    org: String,
    manager: Person,
    superuser: Person,
    customer: Person,
    agent: Person,
}

/// An organisation live for 60 days (so MACS work is billable), with `voucher_minutes` on a
/// voucher, its superuser and a plain customer, an account manager and an agent.
async fn world(app: &TestApp, voucher_minutes: i64) -> World {
    let org = app.organization("Acme", &[]).await;
    let manager = app.staff("account_manager").await;
    let go_live = (Utc::now().date_naive() - Days::new(60)).to_string();
    let (status, body) = app
        .send(
            "PUT",
            &format!("/api/v1/organizations/{org}/deployment"),
            Some(&manager.token),
            Some(json!({"go_live_on": go_live, "go_live_basis": "signed"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    if voucher_minutes > 0 {
        let expires = (Utc::now().date_naive() + Days::new(200)).to_string();
        let (status, body) = app
            .post(
                &format!("/api/v1/organizations/{org}/vouchers"),
                Some(&manager.token),
                json!({"minutes": voucher_minutes, "expires_on": expires}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    World {
        superuser: app.customer(&org, true).await,
        customer: app.customer(&org, false).await,
        agent: app.staff("agent").await,
        org,
        manager,
    }
}

async fn add_item(app: &TestApp, manager: &Person, name: &str, minutes: i64, lead_days: Option<i64>) -> String {
    let (status, body) = app
        .post(
            "/api/v1/macs/catalogue",
            Some(&manager.token),
            json!({"name": name, "description": "Standard work", "minutes": minutes, "lead_days": lead_days}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["item"]["id"].as_str().unwrap().to_string()
}

async fn order(app: &TestApp, who: &Person, body: Value) -> (StatusCode, Value) {
    app.post("/api/v1/macs/orders", Some(&who.token), body).await
}

async fn step(app: &TestApp, who: &Person, id: &str, step: &str, body: Value) -> (StatusCode, Value) {
    app.post(&format!("/api/v1/macs/orders/{id}/{step}"), Some(&who.token), body).await
}

async fn balance(app: &TestApp, org: &str, who: &Person) -> Value {
    let (status, body) = app.get(&format!("/api/v1/organizations/{org}/vouchers"), &who.token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["balance"].clone()
}

#[tokio::test]
async fn a_catalogue_order_reserves_on_approval_and_completion_redeems_and_releases() {
    let app = spawn_app().await;
    let w = world(&app, 600).await;
    let item = add_item(&app, &w.manager, "Add a queue", 120, Some(3)).await;
    let (status, catalogue) = app.get("/api/v1/macs/catalogue", &w.customer.token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(catalogue["items"][0]["name"], "Add a queue");
    assert_eq!(catalogue["items"][0]["minutes"], 120);
    assert_eq!(catalogue["items"][0]["lead_days"], 3);

    let (status, body) =
        order(&app, &w.customer, json!({"item_id": item, "details": "Queue for the winter campaign"})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let o = &body["order"];
    assert_eq!((o["status"].as_str(), o["quote_minutes"].as_i64()), (Some("quoted"), Some(120)));
    let id = o["id"].as_str().unwrap().to_string();
    let (_, ticket) =
        app.get(&format!("/api/v1/tickets/{}", o["ticket_id"].as_str().unwrap()), &w.customer.token).await;
    assert_eq!(ticket["ticket"]["kind"], "macs");
    assert_eq!(ticket["ticket"]["billing"]["tag"], "billable", "{ticket}");

    // Only the superuser (or an account manager) approves the spend; nobody outside sees it.
    assert_eq!(step(&app, &w.customer, &id, "approve", json!({})).await.0, StatusCode::FORBIDDEN);
    assert_eq!(step(&app, &w.agent, &id, "approve", json!({})).await.0, StatusCode::FORBIDDEN);
    let other = app.organization("Other", &[]).await;
    let stranger = app.customer(&other, true).await;
    assert_eq!(step(&app, &stranger, &id, "approve", json!({})).await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("/api/v1/macs/orders/{id}"), &stranger.token).await.0, StatusCode::NOT_FOUND);
    let (_, theirs) = app.get("/api/v1/macs/orders", &stranger.token).await;
    assert_eq!(theirs["total"], 0);
    let colleague = app.customer(&w.org, false).await;
    assert_eq!(app.get(&format!("/api/v1/macs/orders/{id}"), &colleague.token).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        step(&app, &w.agent, &id, "complete", json!({})).await.0,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not approved yet"
    );

    let (status, body) = step(&app, &w.superuser, &id, "approve", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["order"]["status"], "approved");
    assert!(body["order"]["due_on"].is_string(), "the lead time gives a due date: {body}");
    let b = balance(&app, &w.org, &w.superuser).await;
    assert_eq!((b["available_minutes"].as_i64(), b["reserved_minutes"].as_i64()), (Some(480), Some(120)));
    assert_eq!(b["reserved_for"], json!({"after_hours": 0, "macs": 120}));
    let (_, rows) = app.get("/api/v1/vouchers/balances", &w.manager.token).await;
    let row = rows["items"].as_array().unwrap().iter().find(|r| r["organization_id"] == w.org.as_str()).cloned();
    assert_eq!(row.unwrap()["reserved_for"]["macs"], 120, "the balances page shows what holds the minutes");
    let (status, body) = step(&app, &w.superuser, &id, "approve", json!({})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "approved once: {body}");

    assert_eq!(
        step(&app, &w.agent, &id, "complete", json!({"minutes": 121})).await.0,
        StatusCode::UNPROCESSABLE_ENTITY,
        "never more than the approved price"
    );
    let (status, body) = step(&app, &w.agent, &id, "complete", json!({"minutes": 90})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["order"]["status"].as_str(), body["order"]["charged_minutes"].as_i64()),
        (Some("completed"), Some(90))
    );
    let b = balance(&app, &w.org, &w.superuser).await;
    assert_eq!((b["available_minutes"].as_i64(), b["reserved_minutes"].as_i64()), (Some(510), Some(0)), "{b}");

    // The payment is a redemption like any other: on the ledger with its order, and refundable.
    let (_, ledger) = app.get(&format!("/api/v1/organizations/{}/ledger", w.org), &w.manager.token).await;
    let lines = ledger["items"].as_array().unwrap();
    let of_order: Vec<&str> =
        lines.iter().filter(|e| e["order_id"] == id.as_str()).map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(of_order, ["redeem", "release", "reserve"], "newest first: {ledger}");
    let redemption = lines.iter().find(|e| e["kind"] == "redeem").unwrap()["redemption_id"].as_str().unwrap();
    let (status, body) = app
        .post(&format!("/api/v1/redemptions/{redemption}/refund"), Some(&w.agent.token), json!({"reason": "Goodwill"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["balance"]["available_minutes"], 600);

    // The month's export reconciles: the work is billable time, paid by vouchers until refunded.
    let month = app::domain::calendar::BusinessCalendar::sydney_default().date_of(Utc::now()).format("%Y-%m");
    let (_, export) =
        app.get(&format!("/api/v1/organizations/{}/billing-export?month={month}", w.org), &w.manager.token).await;
    assert_eq!(export["total_billable_minutes"], 90, "{export}");
    assert_eq!(export["total_to_invoice_minutes"], 90, "refunded, so invoiced: {export}");
    assert_eq!(export["total_paid_by_vouchers_minutes"], 0);
}

#[tokio::test]
async fn a_quote_outside_the_catalogue_is_given_by_an_agent_and_decided_by_the_superuser() {
    let app = spawn_app().await;
    let w = world(&app, 600).await;
    let ask = json!({"title": "Outbound campaign list import", "details": "Import 5,000 numbers weekly"});
    let (status, body) = order(&app, &w.customer, ask.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["order"]["status"], "quote_requested");
    assert_eq!(body["order"]["quote_minutes"], Value::Null);
    let id = body["order"]["id"].as_str().unwrap().to_string();

    let (status, body) = step(&app, &w.superuser, &id, "approve", json!({})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_transition"), "no price yet");
    assert_eq!(step(&app, &w.customer, &id, "quote", json!({"minutes": 10})).await.0, StatusCode::FORBIDDEN);
    let (status, body) = step(&app, &w.agent, &id, "quote", json!({"minutes": 0})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["minutes"].is_string(), "{body}");

    let (status, body) =
        step(&app, &w.agent, &id, "quote", json!({"minutes": 300, "note": "Includes a test import"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["order"]["status"].as_str(), body["order"]["quote_minutes"].as_i64()),
        (Some("quoted"), Some(300))
    );
    assert_eq!(body["order"]["quote_note"], "Includes a test import");
    // The superuser hears the price waits for them; the customer who asked hears it was quoted.
    let (_, told) = app.get("/api/v1/notifications", &w.superuser.token).await;
    assert!(
        told["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["title"].as_str().unwrap().starts_with("MACS order awaiting")),
        "{told}"
    );
    let (_, told) = app.get("/api/v1/notifications", &w.customer.token).await;
    assert!(told["items"].as_array().unwrap().iter().any(|n| n["kind"] == "booking_updated"), "{told}");

    let (status, body) = step(&app, &w.superuser, &id, "decline", json!({"reason": " "})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = step(&app, &w.superuser, &id, "decline", json!({"reason": "Too dear this quarter"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["order"]["status"].as_str(), body["order"]["decision_note"].as_str()),
        (Some("declined"), Some("Too dear this quarter"))
    );
    assert_eq!(balance(&app, &w.org, &w.superuser).await["available_minutes"], 600, "nothing was spent");

    // Asked again, quoted, and this time the one who asked cancels it.
    let (_, body) = order(&app, &w.customer, ask).await;
    let again = body["order"]["id"].as_str().unwrap().to_string();
    step(&app, &w.agent, &again, "quote", json!({"minutes": 200})).await;
    let (status, body) = step(&app, &w.customer, &again, "cancel", json!({})).await;
    assert_eq!((status, body["order"]["status"].as_str()), (StatusCode::OK, Some("cancelled")), "{body}");
    let (_, listed) = app.get("/api/v1/macs/orders?status=cancelled", &w.superuser.token).await;
    assert_eq!(listed["total"], 1);
    let (status, body) = app.get("/api/v1/macs/orders?status=lost", &w.superuser.token).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["status"].is_string());
}

#[tokio::test]
async fn approval_needs_the_minutes_and_cancelling_an_approved_order_releases_them() {
    let app = spawn_app().await;
    let w = world(&app, 100).await;
    let item = add_item(&app, &w.manager, "New report", 120, None).await;
    let (_, body) = order(&app, &w.superuser, json!({"item_id": item, "details": "Abandoned calls by hour"})).await;
    let id = body["order"]["id"].as_str().unwrap().to_string();
    let (status, body) = step(&app, &w.superuser, &id, "approve", json!({})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, "insufficient_balance"), "{body}");
    let (_, now) = app.get(&format!("/api/v1/macs/orders/{id}"), &w.superuser.token).await;
    assert_eq!(now["order"]["status"], "quoted", "a refused approval changes nothing");

    let expires = (Utc::now().date_naive() + Days::new(100)).to_string();
    app.post(
        &format!("/api/v1/organizations/{}/vouchers", w.org),
        Some(&w.manager.token),
        json!({"minutes": 60, "expires_on": expires}),
    )
    .await;
    let (status, body) = step(&app, &w.manager, &id, "approve", json!({})).await;
    assert_eq!(status, StatusCode::OK, "an account manager may approve too: {body}");
    assert_eq!(body["order"]["due_on"], Value::Null, "no lead time, no promise");
    let b = balance(&app, &w.org, &w.superuser).await;
    assert_eq!((b["available_minutes"].as_i64(), b["reserved_for"]["macs"].as_i64()), (Some(40), Some(120)));
    let (status, body) = step(&app, &w.superuser, &id, "cancel", json!({})).await;
    assert_eq!((status, body["order"]["status"].as_str()), (StatusCode::OK, Some("cancelled")), "{body}");
    let b = balance(&app, &w.org, &w.superuser).await;
    assert_eq!((b["available_minutes"].as_i64(), b["reserved_minutes"].as_i64()), (Some(160), Some(0)));
    assert_eq!(step(&app, &w.agent, &id, "complete", json!({})).await.0, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn an_order_reclassified_as_not_billable_is_completed_without_charge() {
    let app = spawn_app().await;
    let w = world(&app, 600).await;
    let item = add_item(&app, &w.manager, "Change a recorded announcement", 30, Some(1)).await;
    let (_, body) = order(&app, &w.superuser, json!({"item_id": item, "details": "New holiday greeting"})).await;
    let (id, ticket) =
        (body["order"]["id"].as_str().unwrap().to_string(), body["order"]["ticket_id"].as_str().unwrap().to_string());
    step(&app, &w.superuser, &id, "approve", json!({})).await;
    let (status, body) = app
        .post(
            &format!("/api/v1/tickets/{ticket}/billing"),
            Some(&w.agent.token),
            json!({"tag": "warranty", "reason": "The greeting was lost by our upgrade."}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = step(&app, &w.agent, &id, "complete", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["order"]["charged_minutes"], 0, "only billable work consumes voucher time");
    let b = balance(&app, &w.org, &w.superuser).await;
    assert_eq!((b["available_minutes"].as_i64(), b["reserved_minutes"].as_i64()), (Some(600), Some(0)));
}

#[tokio::test]
async fn orders_before_go_live_and_bad_input_are_refused_and_nothing_is_stored() {
    let app = spawn_app().await;
    let w = world(&app, 600).await;
    let item = add_item(&app, &w.manager, "Add a CyDesk web seat", 45, Some(2)).await;

    // The catalogue is account managers' to keep, with prices checked.
    let (status, _) =
        app.post("/api/v1/macs/catalogue", Some(&w.agent.token), json!({"name": "x", "minutes": 5})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) =
        app.post("/api/v1/macs/catalogue", Some(&w.manager.token), json!({"minutes": 0, "lead_days": 61})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["name", "minutes", "lead_days"] {
        assert!(body["error"]["fields"][field].is_string(), "{field}: {body}");
    }
    let (status, body) = app
        .send(
            "PATCH",
            &format!("/api/v1/macs/catalogue/{item}"),
            Some(&w.manager.token),
            Some(json!({"active": false, "minutes": 50})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!((body["item"]["active"].as_bool(), body["item"]["minutes"].as_i64()), (Some(false), Some(50)));
    let (_, listed) = app.get("/api/v1/macs/catalogue", &w.customer.token).await;
    assert_eq!(listed["items"], json!([]), "a retired item is not offered");
    let (_, listed) = app.get("/api/v1/macs/catalogue", &w.agent.token).await;
    assert_eq!(listed["items"][0]["active"], false, "staff still see it");
    let admin = app.admin().await;
    let (_, audit) = app.get("/api/v1/audit-log?kind=macs_catalogue_changed", &admin.token).await;
    assert_eq!(audit["total"], 2, "a price is money: added and changed are in the audit log: {audit}");
    let missing = app.send("PATCH", "/api/v1/macs/catalogue/not-an-id", Some(&w.manager.token), Some(json!({}))).await;
    assert_eq!(missing.0, StatusCode::NOT_FOUND);

    let (status, body) = order(&app, &w.customer, json!({"item_id": item, "details": "For Jo"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "retired");
    assert!(body["error"]["fields"]["item_id"].is_string());
    let (status, body) = order(&app, &w.customer, json!({"details": " "})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["title"].is_string() && body["error"]["fields"]["details"].is_string(), "{body}");
    let (status, _) = order(&app, &w.agent, json!({"title": "x", "details": "y"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "staff quote; clients order");

    // Before go-live, moves, adds and changes belong to the deployment project.
    let fresh = app.organization("Newco", &[]).await;
    let newcomer = app.customer(&fresh, true).await;
    let (status, body) = order(&app, &newcomer, json!({"title": "Add a queue", "details": "Sales"})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "not_billable"), "{body}");
    let (_, listed) = app.get("/api/v1/macs/orders", &newcomer.token).await;
    assert_eq!(listed["total"], 0);
    let (_, tickets) = app.get("/api/v1/tickets", &newcomer.token).await;
    assert_eq!(tickets["total"], 0, "no ticket was left behind");
}
