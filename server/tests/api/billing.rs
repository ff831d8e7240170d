//! Deployments, IRS contracts, tags and their re-evaluation, reclassification, time, the export.

use crate::harness::*;
use chrono::{Days, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// A date `days` before today (UTC); tests keep clear of the edges where Sydney's date differs.
fn days_ago(days: u64) -> String {
    (Utc::now().date_naive() - Days::new(days)).to_string()
}

fn days_ahead(days: u64) -> String {
    (Utc::now().date_naive() + Days::new(days)).to_string()
}

async fn put_deployment(app: &TestApp, who: &Person, org: &str, body: Value) -> (StatusCode, Value) {
    app.send("PUT", &format!("/api/v1/organizations/{org}/deployment"), Some(&who.token), Some(body)).await
}

async fn raise_kind(app: &TestApp, who: &Person, kind: &str) -> Value {
    app.raise_with(who, &format!("A {kind}"), kind, "p3").await
}

#[tokio::test]
async fn a_deployment_returns_its_derived_dates() {
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let manager = app.staff("account_manager").await;
    let (status, body) =
        put_deployment(&app, &manager, &org, json!({"go_live_on": "2026-03-02", "go_live_basis": "signed"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let d = &body["deployment"];
    assert_eq!(d["completion_form_issued_on"], "2026-03-09");
    assert_eq!(d["completion_on"], "2026-03-23");
    assert_eq!(d["completion_basis"], "deemed");
    assert_eq!(d["warranty_ends_on"], "2026-03-22");

    let (_, body) = put_deployment(
        &app,
        &manager,
        &org,
        json!({"go_live_on": "2026-03-02", "go_live_basis": "assessed", "completion_signed_on": "2026-03-12"}),
    )
    .await;
    assert_eq!(body["deployment"]["completion_on"], "2026-03-12");
    assert_eq!(body["deployment"]["completion_basis"], "signed");
    assert_eq!(body["deployment"]["go_live_basis"], "assessed");
}

#[tokio::test]
async fn bad_deployments_are_refused_and_nothing_is_stored() {
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let other = app.organization("Other", &[]).await;
    let manager = app.staff("account_manager").await;
    let stranger = app.customer(&other, true).await;
    let foreign = app.raise(&stranger, "Other's ticket").await;
    let cases = [
        (
            json!({"go_live_on": "2026-03-02", "go_live_basis": "signed", "completion_signed_on": "2026-03-01"}),
            "completion_signed_on",
        ),
        (json!({"go_live_on": "2026-02-30", "go_live_basis": "signed"}), "go_live_on"),
        (json!({"go_live_on": "2026-03-02", "go_live_basis": "vibes"}), "go_live_basis"),
        (
            json!({"go_live_on": "2026-03-02", "go_live_basis": "signed", "outstanding_ticket_ids": [foreign["id"]]}),
            "outstanding_ticket_ids",
        ),
    ];
    for (body, field) in cases {
        let (status, answer) = put_deployment(&app, &manager, &org, body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert!(answer["error"]["fields"][field].is_string(), "{field}: {answer}");
    }
    let (_, account) = app.get(&format!("/api/v1/organizations/{org}/account"), &manager.token).await;
    assert_eq!(account["deployment"], Value::Null, "nothing was stored");

    let agent = app.staff("agent").await;
    let (status, _) =
        put_deployment(&app, &agent, &org, json!({"go_live_on": "2026-03-02", "go_live_basis": "signed"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) =
        put_deployment(&app, &manager, &uuid::Uuid::new_v4().to_string(), json!({"go_live_basis": "signed"})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn tickets_are_tagged_by_the_rule_table() {
    let app = spawn_app().await;
    let manager = app.staff("account_manager").await;
    // In warranty: went live ten days ago.
    let fresh = app.organization("Fresh", &[]).await;
    put_deployment(&app, &manager, &fresh, json!({"go_live_on": days_ago(10), "go_live_basis": "signed"})).await;
    // Completed long ago, with an IRS contract covering today.
    let settled = app.organization("Settled", &[]).await;
    put_deployment(&app, &manager, &settled, json!({"go_live_on": days_ago(100), "go_live_basis": "signed"})).await;
    let (status, body) = app
        .post(
            &format!("/api/v1/organizations/{settled}/irs-contracts"),
            Some(&manager.token),
            json!({"starts_on": days_ago(79), "ends_on": days_ahead(200)}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // Held back by a commercial condition.
    let held = app.organization("Held", &[]).await;
    put_deployment(
        &app,
        &manager,
        &held,
        json!({"go_live_on": days_ago(10), "go_live_basis": "signed", "go_live_held": true}),
    )
    .await;

    let fresh_customer = app.customer(&fresh, false).await;
    let settled_customer = app.customer(&settled, false).await;
    let held_customer = app.customer(&held, false).await;
    let cases = [
        (&fresh_customer, "fault", "warranty"),
        (&fresh_customer, "change_request", "warranty"),
        (&fresh_customer, "macs", "billable"),
        (&fresh_customer, "question", "billable"),
        (&settled_customer, "fault", "irs"),
        (&settled_customer, "change_request", "billable"),
        (&settled_customer, "upgrade", "billable"),
        (&held_customer, "fault", "deployment"),
    ];
    for (who, kind, tag) in cases {
        let ticket = raise_kind(&app, who, kind).await;
        assert_eq!(ticket["billing"]["tag"], tag, "{kind}: {}", ticket["billing"]["reason"]);
        let reason = ticket["billing"]["reason"].as_str().unwrap();
        assert!(reason.len() > 40 && reason.ends_with('.'), "a sentence: {reason}");
    }
    // Raised all at once, three times over, they share the batches they are placed and written in
    // (`tickets::place_all` reads the organisations' contracts together): each is still tagged by
    // its own organisation's, and answered with its own organisation's name.
    let organizations =
        [(&fresh_customer, &fresh, "Fresh"), (&settled_customer, &settled, "Settled"), (&held_customer, &held, "Held")];
    let at_once = cases.iter().cycle().take(cases.len() * 3).map(|(who, kind, tag)| {
        let app = &app;
        async move { (raise_kind(app, who, kind).await, who.id.clone(), *kind, *tag) }
    });
    for (ticket, requester, kind, tag) in futures::future::join_all(at_once).await {
        assert_eq!(ticket["billing"]["tag"], tag, "{kind} at once: {}", ticket["billing"]["reason"]);
        let (_, org, name) = organizations.iter().find(|(who, _, _)| who.id == requester).expect("a case's customer");
        assert_eq!(ticket["organization_id"].as_str(), Some(org.as_str()), "{kind} at once: {ticket}");
        assert_eq!(ticket["organization_name"], *name, "{kind} at once: {ticket}");
        assert_eq!(ticket["requester_id"].as_str(), Some(requester.as_str()), "{kind} at once: {ticket}");
    }
}

#[tokio::test]
async fn recording_a_go_live_re_evaluates_open_tickets_and_records_history() {
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let customer = app.customer(&org, false).await;
    let ticket = raise_kind(&app, &customer, "change_request").await;
    assert_eq!(ticket["billing"]["tag"], "deployment");
    let manager = app.staff("account_manager").await;
    put_deployment(&app, &manager, &org, json!({"go_live_on": days_ago(10), "go_live_basis": "signed"})).await;
    let id = ticket["id"].as_str().unwrap();
    let (_, detail) = app.get(&format!("/api/v1/tickets/{id}"), &customer.token).await;
    assert_eq!(detail["ticket"]["billing"]["tag"], "warranty");
    let (status, history) = app.get(&format!("/api/v1/tickets/{id}/history"), &customer.token).await;
    assert_eq!(status, StatusCode::OK);
    let fields: Vec<&str> = history["items"].as_array().unwrap().iter().map(|h| h["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["created", "billing"]);
    assert!(history["items"][1]["old_value"].as_str().unwrap().starts_with("deployment"));
    assert!(history["items"][1]["new_value"].as_str().unwrap().starts_with("warranty"));
}

#[tokio::test]
async fn a_ticket_listed_outstanding_becomes_warranty_even_when_worked() {
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let manager = app.staff("account_manager").await;
    put_deployment(&app, &manager, &org, json!({"go_live_on": days_ago(60), "go_live_basis": "signed"})).await;
    let customer = app.customer(&org, false).await;
    let ticket = raise_kind(&app, &customer, "change_request").await;
    assert_eq!(ticket["billing"]["tag"], "billable");
    let id = ticket["id"].as_str().unwrap();
    let agent = app.staff("agent").await;
    let (status, _) = app
        .post(
            &format!("/api/v1/tickets/{id}/time-entries"),
            Some(&agent.token),
            json!({"minutes": 30, "note": "looked"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);

    let (_, body) = put_deployment(
        &app,
        &manager,
        &org,
        json!({"go_live_on": days_ago(60), "go_live_basis": "signed", "completion_signed_on": days_ago(50), "outstanding_ticket_ids": [id]}),
    )
    .await;
    assert_eq!(body["deployment"]["outstanding_ticket_ids"], json!([id]));
    assert_eq!(body["deployment"]["outstanding_ticket_numbers"], json!([ticket["number"]]));
    let (_, detail) = app.get(&format!("/api/v1/tickets/{id}"), &customer.token).await;
    assert_eq!(detail["ticket"]["billing"]["tag"], "warranty");
}

#[tokio::test]
async fn a_worked_ticket_keeps_the_tag_it_was_worked_under() {
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let customer = app.customer(&org, false).await;
    let worked = raise_kind(&app, &customer, "fault").await;
    let untouched = raise_kind(&app, &customer, "fault").await;
    let agent = app.staff("agent").await;
    let worked_id = worked["id"].as_str().unwrap();
    app.post(&format!("/api/v1/tickets/{worked_id}/time-entries"), Some(&agent.token), json!({"minutes": 45})).await;
    let manager = app.staff("account_manager").await;
    put_deployment(&app, &manager, &org, json!({"go_live_on": days_ago(10), "go_live_basis": "signed"})).await;
    let tag = |v: &Value| v["ticket"]["billing"]["tag"].clone();
    assert_eq!(tag(&app.get(&format!("/api/v1/tickets/{worked_id}"), &agent.token).await.1), "deployment");
    let untouched_id = untouched["id"].as_str().unwrap();
    assert_eq!(tag(&app.get(&format!("/api/v1/tickets/{untouched_id}"), &agent.token).await.1), "warranty");
}

#[tokio::test]
async fn agents_reclassify_with_a_reason_and_customers_cannot() {
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let customer = app.customer(&org, true).await;
    let ticket = raise_kind(&app, &customer, "question").await;
    let id = ticket["id"].as_str().unwrap();
    let path = format!("/api/v1/tickets/{id}/billing");

    let (status, body) = app.post(&path, Some(&customer.token), json!({"tag": "warranty", "reason": "please"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    error_code(&body);
    let agent = app.staff("agent").await;
    let (status, body) = app.post(&path, Some(&agent.token), json!({"tag": "billable", "reason": "  "})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["reason"].is_string());
    let (status, body) = app.post(&path, Some(&agent.token), json!({"tag": "free", "reason": "x"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["tag"].is_string());

    let (status, body) = app
        .post(
            &path,
            Some(&agent.token),
            json!({"tag": "billable", "reason": "Training questions are charged under your contract."}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, seen) = app.get(&format!("/api/v1/tickets/{id}"), &customer.token).await;
    assert_eq!(seen["ticket"]["billing"]["tag"], "billable");
    assert_eq!(seen["ticket"]["billing"]["reason"], "Billable: Training questions are charged under your contract.");

    // A tag set by hand is not overridden by a later deployment change.
    let manager = app.staff("account_manager").await;
    put_deployment(&app, &manager, &org, json!({"go_live_on": days_ago(10), "go_live_basis": "signed"})).await;
    let (_, seen) = app.get(&format!("/api/v1/tickets/{id}"), &customer.token).await;
    assert_eq!(seen["ticket"]["billing"]["tag"], "billable");
    let (_, history) = app.get(&format!("/api/v1/tickets/{id}/history"), &customer.token).await;
    assert_eq!(history["total"], 2, "created, then reclassified: {history}");
}

#[tokio::test]
async fn irs_contracts_are_checked_and_renewals_show_as_due() {
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let manager = app.staff("account_manager").await;
    let path = format!("/api/v1/organizations/{org}/irs-contracts");
    let (status, body) =
        app.post(&path, Some(&manager.token), json!({"starts_on": "2026-05-01", "ends_on": "2026-04-30"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["ends_on"].is_string());
    let (status, _) =
        app.post(&path, Some(&manager.token), json!({"starts_on": days_ago(300), "ends_on": days_ahead(20)})).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) =
        app.post(&path, Some(&manager.token), json!({"starts_on": days_ahead(10), "ends_on": days_ahead(400)})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "overlaps: {body}");

    let superuser = app.customer(&org, true).await;
    let (status, account) = app.get(&format!("/api/v1/organizations/{org}/account"), &superuser.token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(account["irs_status"]["state"], "due_for_renewal", "{account}");
    let (_, accounts) = app.get("/api/v1/accounts", &manager.token).await;
    assert_eq!(accounts["items"][0]["irs_status"]["state"], "due_for_renewal");
    assert_eq!(app.get("/api/v1/accounts", &superuser.token).await.0, StatusCode::FORBIDDEN);
    let (status, _) =
        app.post(&path, Some(&superuser.token), json!({"starts_on": days_ahead(21), "ends_on": days_ahead(400)})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The renewal, starting the day after: nothing is due any more.
    let (status, _) =
        app.post(&path, Some(&manager.token), json!({"starts_on": days_ahead(21), "ends_on": days_ahead(385)})).await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, account) = app.get(&format!("/api/v1/organizations/{org}/account"), &superuser.token).await;
    assert_eq!(account["irs_status"]["state"], "active");

    let other = app.organization("Other", &[]).await;
    let stranger = app.customer(&other, true).await;
    assert_eq!(
        app.get(&format!("/api/v1/organizations/{org}/account"), &stranger.token).await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn time_on_billable_tickets_adds_up_in_the_monthly_export() {
    let app = spawn_app().await;
    let org = app.organization("Acme, Inc", &[]).await;
    let manager = app.staff("account_manager").await;
    put_deployment(&app, &manager, &org, json!({"go_live_on": days_ago(60), "go_live_basis": "signed"})).await;
    let customer = app.customer(&org, false).await;
    let billable = raise_kind(&app, &customer, "macs").await;
    let agent = app.staff("agent").await;
    let bid = billable["id"].as_str().unwrap();
    for minutes in [90, 30] {
        let (status, body) = app
            .post(
                &format!("/api/v1/tickets/{bid}/time-entries"),
                Some(&agent.token),
                json!({"minutes": minutes, "note": "=worked"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    // Time on a non-billable ticket is not in the export.
    let (_, covered) = app
        .post(
            "/api/v1/tickets",
            Some(&agent.token),
            json!({"organization_id": org, "subject": "x", "description": "y", "kind": "fault", "priority": "p3"}),
        )
        .await;
    let cid = covered["ticket"]["id"].as_str().unwrap();
    app.post(
        &format!("/api/v1/tickets/{cid}/billing"),
        Some(&agent.token),
        json!({"tag": "warranty", "reason": "Goodwill."}),
    )
    .await;
    app.post(&format!("/api/v1/tickets/{cid}/time-entries"), Some(&agent.token), json!({"minutes": 500})).await;

    let (status, body) =
        app.post(&format!("/api/v1/tickets/{bid}/time-entries"), Some(&agent.token), json!({"minutes": 0})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["minutes"].is_string());
    assert_eq!(
        app.post(&format!("/api/v1/tickets/{bid}/time-entries"), Some(&customer.token), json!({"minutes": 5})).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.get(&format!("/api/v1/tickets/{bid}/time-entries"), &customer.token).await.0, StatusCode::FORBIDDEN);

    let month = Utc::now().format("%Y-%m").to_string();
    // Entries are dated in Sydney; near a month's edge the UTC month may differ, so ask for both.
    let sydney_month = (Utc::now() + chrono::Duration::hours(11)).format("%Y-%m").to_string();
    let mut total = 0;
    for m in [month.clone(), sydney_month.clone()].into_iter().collect::<std::collections::BTreeSet<_>>() {
        let (status, export) =
            app.get(&format!("/api/v1/organizations/{org}/billing-export?month={m}"), &manager.token).await;
        assert_eq!(status, StatusCode::OK, "{export}");
        total += export["total_billable_minutes"].as_i64().unwrap();
    }
    assert_eq!(total, 120);

    let res = app
        .client
        .get(app.url(&format!("/api/v1/organizations/{org}/billing-export.csv?month={sydney_month}")))
        .bearer_auth(&manager.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = res.text().await.unwrap();
    assert!(
        csv.starts_with("organization,month,ticket,subject,minutes,hours,paid_by_vouchers_minutes,to_invoice_minutes,additional_items\n"),
        "{csv}"
    );

    let (status, body) =
        app.get(&format!("/api/v1/organizations/{org}/billing-export?month=13-2026"), &manager.token).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["month"].is_string());
    assert_eq!(
        app.get(&format!("/api/v1/organizations/{org}/billing-export?month={month}"), &agent.token).await.0,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_completion_recorded_after_go_live_reaches_the_next_fault() {
    // Issue 21, finding 0: a second record of the deployment was answered but never stored.
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let manager = app.staff("account_manager").await;
    let customer = app.customer(&org, true).await;
    let (status, _) =
        put_deployment(&app, &manager, &org, json!({"go_live_on": days_ago(3), "go_live_basis": "signed"})).await;
    assert_eq!(status, StatusCode::OK);
    let second = json!({"go_live_on": days_ago(3), "go_live_basis": "signed", "completion_signed_on": days_ago(1)});
    let (status, body) = put_deployment(&app, &manager, &org, second).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["deployment"]["completion_basis"], "signed");

    let (_, account) = app.get(&format!("/api/v1/organizations/{org}/account"), &manager.token).await;
    assert_eq!(account["deployment"]["completion_basis"], "signed", "the record was stored: {account}");
    assert_eq!(account["deployment"]["completion_on"], days_ago(1).as_str());
    let fault = raise_kind(&app, &customer, "fault").await;
    assert_eq!(fault["billing"]["tag"], "billable", "after a signed completion, with no IRS contract: {fault}");
    assert!(!fault["billing"]["reason"].as_str().unwrap().contains("warranty"), "{fault}");
}

#[tokio::test]
async fn an_issue_listed_on_a_completion_form_is_warranty_only_once_the_form_is_signed() {
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let manager = app.staff("account_manager").await;
    let customer = app.customer(&org, true).await;
    let live = json!({"go_live_on": days_ago(10), "go_live_basis": "signed"});
    assert_eq!(put_deployment(&app, &manager, &org, live).await.0, StatusCode::OK);
    let upgrade = raise_kind(&app, &customer, "upgrade").await;
    let id = upgrade["id"].as_str().unwrap();
    assert_eq!(upgrade["billing"]["tag"], "billable");

    let listed = json!({"go_live_on": days_ago(10), "go_live_basis": "signed", "outstanding_ticket_ids": [id]});
    assert_eq!(put_deployment(&app, &manager, &org, listed).await.0, StatusCode::OK);
    let (_, detail) = app.get(&format!("/api/v1/tickets/{id}"), &customer.token).await;
    assert_eq!(detail["ticket"]["billing"]["tag"], "billable", "a list without a signature changes nothing");

    let signed = json!({"go_live_on": days_ago(10), "go_live_basis": "signed", "completion_signed_on": days_ago(1), "outstanding_ticket_ids": [id]});
    assert_eq!(put_deployment(&app, &manager, &org, signed).await.0, StatusCode::OK);
    let (_, detail) = app.get(&format!("/api/v1/tickets/{id}"), &customer.token).await;
    assert_eq!(detail["ticket"]["billing"]["tag"], "warranty", "listed on the signed form: {detail}");
}

#[tokio::test]
async fn the_export_bills_only_what_vouchers_did_not_pay() {
    // Issue 21, finding 1: the export summed all billable time, whatever vouchers had paid.
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let manager = app.staff("account_manager").await;
    put_deployment(&app, &manager, &org, json!({"go_live_on": days_ago(60), "go_live_basis": "signed"})).await;
    let expires = (Utc::now().date_naive() + chrono::Days::new(200)).to_string();
    let (status, body) = app
        .post(
            &format!("/api/v1/organizations/{org}/vouchers"),
            Some(&manager.token),
            json!({"minutes": 600, "expires_on": expires}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let customer = app.customer(&org, false).await;
    let agent = app.staff("agent").await;
    let ticket = raise_kind(&app, &customer, "macs").await;
    let t = ticket["id"].as_str().unwrap();
    app.post(&format!("/api/v1/tickets/{t}/time-entries"), Some(&agent.token), json!({"minutes": 120})).await;
    let mut redemptions = Vec::new();
    for minutes in [45, 30] {
        let (status, body) = app
            .post(&format!("/api/v1/tickets/{t}/redemptions"), Some(&agent.token), json!({"minutes": minutes}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        redemptions.push(body["redemption"]["id"].as_str().unwrap().to_string());
    }
    let (status, body) = app
        .post(
            &format!("/api/v1/redemptions/{}/refund", redemptions[1]),
            Some(&agent.token),
            json!({"reason": "Wrong ticket."}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    let month = app::domain::calendar::BusinessCalendar::sydney_default().date_of(Utc::now()).format("%Y-%m");
    let (status, export) =
        app.get(&format!("/api/v1/organizations/{org}/billing-export?month={month}"), &manager.token).await;
    assert_eq!(status, StatusCode::OK, "{export}");
    let row = &export["rows"][0];
    assert_eq!(row["minutes"], 120);
    assert_eq!(row["paid_by_vouchers_minutes"], 45, "the refunded redemption pays nothing: {export}");
    assert_eq!(row["to_invoice_minutes"], 75);
    assert_eq!(row["redemption_ids"], json!([redemptions[0]]));
    assert_eq!(export["total_paid_by_vouchers_minutes"], 45);
    assert_eq!(export["total_to_invoice_minutes"], 75);
    assert_eq!(
        export["total_paid_by_vouchers_minutes"].as_i64().unwrap()
            + export["total_to_invoice_minutes"].as_i64().unwrap(),
        export["total_billable_minutes"].as_i64().unwrap(),
        "invoice + vouchers = billable time"
    );
}
