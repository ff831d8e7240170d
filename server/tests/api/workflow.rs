//! The agents' side of tickets: conversation, internal notes, the state machine, assignment,
//! queues, bulk changes, SLA clocks.

use crate::harness::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn patch(app: &TestApp, who: &Person, id: &str, body: Value) -> (StatusCode, Value) {
    app.send("PATCH", &format!("/api/v1/tickets/{id}"), Some(&who.token), Some(body)).await
}

#[tokio::test]
async fn a_conversation_with_internal_notes_the_customer_never_sees() {
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let customer = app.customer(&org, false).await;
    let agent = app.staff("agent").await;
    let ticket = app.raise(&customer, "Queue silent").await;
    let id = ticket["id"].as_str().unwrap();
    let comments = format!("/api/v1/tickets/{id}/comments");

    let (status, body) = app.post(&comments, Some(&customer.token), json!({"body": "sneaky", "internal": true})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    error_code(&body);
    let (status, _) = app
        .post(
            &comments,
            Some(&agent.token),
            json!({"body": "Customer sounds annoyed; check the IVR.", "internal": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = app.post(&comments, Some(&agent.token), json!({"body": "We are looking at it now."})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, _) = app.post(&comments, Some(&customer.token), json!({"body": "Thanks!"})).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = app.post(&comments, Some(&customer.token), json!({"body": "   "})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["body"].is_string());

    let (_, seen) = app.get(&format!("/api/v1/tickets/{id}"), &customer.token).await;
    let bodies: Vec<&str> = seen["comments"].as_array().unwrap().iter().map(|c| c["body"].as_str().unwrap()).collect();
    assert_eq!(bodies, ["We are looking at it now.", "Thanks!"]);
    assert_eq!(seen["ticket"]["status"], "open", "the first public reply opens a new ticket");
    assert!(seen["ticket"]["first_response_at"].is_string());
    let (_, history) = app.get(&format!("/api/v1/tickets/{id}/history"), &customer.token).await;
    assert!(!history.to_string().contains("note"), "not even the event of a note: {history}");

    let (_, staff_view) = app.get(&format!("/api/v1/tickets/{id}"), &agent.token).await;
    assert_eq!(staff_view["comments"].as_array().unwrap().len(), 3);
    assert_eq!(staff_view["comments"][0]["internal"], true);
}

#[tokio::test]
async fn status_changes_follow_the_state_machine() {
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let customer = app.customer(&org, false).await;
    let agent = app.staff("agent").await;
    let ticket = app.raise(&customer, "Reports slow").await;
    let id = ticket["id"].as_str().unwrap();

    let (status, body) = patch(&app, &agent, id, json!({"status": "closed"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_code(&body), "invalid_transition");
    let (status, body) = patch(&app, &customer, id, json!({"status": "on_hold"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, _) = patch(&app, &customer, id, json!({"priority": "p1"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "customers do not set priority");

    let (status, body) = patch(&app, &agent, id, json!({"status": "awaiting_customer"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["ticket"]["sla"]["paused"], true);
    // The customer's reply brings it back.
    app.post(&format!("/api/v1/tickets/{id}/comments"), Some(&customer.token), json!({"body": "Here are the logs."}))
        .await;
    let (_, seen) = app.get(&format!("/api/v1/tickets/{id}"), &customer.token).await;
    assert_eq!(seen["ticket"]["status"], "open");
    assert_eq!(seen["ticket"]["sla"]["paused"], false);

    let (status, body) = patch(&app, &customer, id, json!({"status": "resolved"})).await;
    assert_eq!((status, body["ticket"]["status"].as_str()), (StatusCode::OK, Some("resolved")));
    assert!(body["ticket"]["sla"].is_null(), "no clocks once resolved");
    let (status, body) = patch(&app, &customer, id, json!({"status": "open"})).await;
    assert_eq!((status, body["ticket"]["status"].as_str()), (StatusCode::OK, Some("open")));
    patch(&app, &agent, id, json!({"status": "resolved"})).await;
    let (status, _) = patch(&app, &agent, id, json!({"status": "closed"})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = app
        .post(&format!("/api/v1/tickets/{id}/comments"), Some(&customer.token), json!({"body": "one more thing"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_code(&body), "ticket_closed");

    let (_, history) = app.get(&format!("/api/v1/tickets/{id}/history"), &customer.token).await;
    let statuses: Vec<String> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["field"] == "status")
        .map(|h| format!("{}>{}", h["old_value"].as_str().unwrap(), h["new_value"].as_str().unwrap()))
        .collect();
    assert_eq!(
        statuses,
        [
            "new>awaiting_customer",
            "awaiting_customer>open",
            "open>resolved",
            "resolved>open",
            "open>resolved",
            "resolved>closed"
        ]
    );
}

#[tokio::test]
async fn agents_claim_assign_and_move_tickets_between_queues() {
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let customer = app.customer(&org, false).await;
    let agent = app.staff("agent").await;
    let ticket = app.raise(&customer, "Chat widget broken").await;
    let id = ticket["id"].as_str().unwrap();
    assert_eq!(ticket["queue"], "Deployments", "not live yet: the deployment team's queue");

    let (status, body) =
        patch(&app, &agent, id, json!({"assignee_id": agent.id, "queue": "Service Desk", "priority": "p1"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["ticket"]["assignee_id"], agent.id.as_str());
    assert_eq!(body["ticket"]["queue"], "Service Desk");
    assert_eq!(body["ticket"]["priority"], "p1");
    let (status, body) = patch(&app, &agent, id, json!({"assignee_id": customer.id})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "customers cannot be assignees");
    assert!(body["error"]["fields"]["assignee_id"].is_string());
    let (status, body) = patch(&app, &agent, id, json!({"queue": "Nowhere"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["queue"].is_string());

    let (_, mine) = app.get("/api/v1/tickets?assignee_id=me&status=open", &agent.token).await;
    assert_eq!(mine["total"], 1);
    let (_, unassigned) = app.get("/api/v1/tickets?assignee_id=none", &agent.token).await;
    assert_eq!(unassigned["total"], 0);
    let (_, body) = patch(&app, &agent, id, json!({"assignee_id": ""})).await;
    assert!(body["ticket"]["assignee_id"].is_null());

    let (status, queues) = app.get("/api/v1/queues", &agent.token).await;
    assert_eq!(status, StatusCode::OK);
    let desk = queues["items"].as_array().unwrap().iter().find(|q| q["name"] == "Service Desk").unwrap().clone();
    assert_eq!(desk["open_count"], 1);
    assert_eq!(app.get("/api/v1/queues", &customer.token).await.0, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn bulk_changes_are_all_or_nothing() {
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let customer = app.customer(&org, false).await;
    let agent = app.staff("agent").await;
    let a = app.raise(&customer, "One").await;
    let b = app.raise(&customer, "Two").await;
    let ids = json!([a["id"], b["id"]]);
    let (status, body) = app
        .post(
            "/api/v1/tickets/bulk",
            Some(&agent.token),
            json!({"ticket_ids": ids, "assignee_id": agent.id, "status": "open"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["updated"], 2);
    let (_, list) = app.get("/api/v1/tickets?assignee_id=me&status=open", &agent.token).await;
    assert_eq!(list["total"], 2);

    // One ticket cannot go back to new: nothing changes at all.
    let (status, body) =
        app.post("/api/v1/tickets/bulk", Some(&agent.token), json!({"ticket_ids": ids, "status": "new"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["message"].as_str().unwrap().contains("Nothing was changed"));
    let (status, _) =
        app.post("/api/v1/tickets/bulk", Some(&customer.token), json!({"ticket_ids": ids, "status": "resolved"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) =
        app.post("/api/v1/tickets/bulk", Some(&agent.token), json!({"ticket_ids": [], "status": "open"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn lists_sort_by_priority_and_carry_sla_clocks() {
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let customer = app.customer(&org, false).await;
    let agent = app.staff("agent").await;
    for (subject, priority) in [("low", "p4"), ("urgent", "p1"), ("normal", "p3")] {
        app.post(
            "/api/v1/tickets",
            Some(&customer.token),
            json!({"subject": subject, "description": "d", "kind": "question", "priority": priority}),
        )
        .await;
    }
    let (_, list) = app.get("/api/v1/tickets?sort=priority&status=open", &agent.token).await;
    let subjects: Vec<&str> =
        list["items"].as_array().unwrap().iter().map(|t| t["subject"].as_str().unwrap()).collect();
    assert_eq!(subjects, ["urgent", "normal", "low"]);
    let sla = &list["items"][0]["sla"];
    assert!(sla["resolution_due_at"].is_string() && sla["first_response_due_at"].is_string(), "{sla}");
    assert!(sla["resolution_minutes_left"].as_i64().unwrap() <= 240);
    let (status, _) = app.get("/api/v1/tickets?sort=sideways", &agent.token).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn admins_edit_queues_and_routing() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let agent = app.staff("agent").await;
    let rule = json!({"name": "CyChat", "position": 0, "kinds": ["fault"], "products": ["cychat"]});
    assert_eq!(app.post("/api/v1/queues", Some(&agent.token), rule.clone()).await.0, StatusCode::FORBIDDEN);
    let (status, body) = app.post("/api/v1/queues", Some(&admin.token), rule.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, _) = app.post("/api/v1/queues", Some(&admin.token), rule).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, body) = app
        .post("/api/v1/queues", Some(&admin.token), json!({"name": "Bad", "position": 9, "kinds": ["nonsense"]}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["kinds"].is_string());

    let org = app.organization("Acme", &[]).await;
    let customer = app.customer(&org, false).await;
    let (_, created) = app
        .post(
            "/api/v1/tickets",
            Some(&customer.token),
            json!({"subject": "chat", "description": "d", "kind": "fault", "priority": "p3", "product": "cychat"}),
        )
        .await;
    assert_eq!(created["ticket"]["queue"], "CyChat");

    let id = body_id(&app, &admin, "CyChat").await;
    let (status, renamed) = app
        .send(
            "PUT",
            &format!("/api/v1/queues/{id}"),
            Some(&admin.token),
            Some(json!({"name": "Chat", "position": 0, "kinds": ["fault"], "products": ["cychat"]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{renamed}");
    assert_eq!(renamed["queue"]["open_count"], 1, "the ticket moved with the rename");
}

async fn body_id(app: &TestApp, admin: &Person, name: &str) -> String {
    let (_, queues) = app.get("/api/v1/queues", &admin.token).await;
    queues["items"].as_array().unwrap().iter().find(|q| q["name"] == name).unwrap()["id"].as_str().unwrap().to_string()
}

/// Rows of (queue, status, priority, tickets), sorted, from raw SQL on the portal's database.
async fn tally_rows(app: &TestApp, sql: &str) -> Vec<(String, String, String, i64)> {
    use sea_orm::ConnectionTrait;
    let db = app.database().await;
    let rows = db.query_all(sea_orm::Statement::from_string(db.get_database_backend(), sql)).await.unwrap();
    rows.iter()
        .map(|r| {
            (
                r.try_get_by_index(0).unwrap(),
                r.try_get_by_index(1).unwrap(),
                r.try_get_by_index(2).unwrap(),
                r.try_get_by_index(3).unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn queue_totals_kept_by_tallies_agree_with_the_tickets_through_every_change() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let agent = app.staff("agent").await;
    let org = app.organization("Acme", &[]).await;
    let boss = app.customer(&org, true).await;
    let mut ids = Vec::new();
    for (kind, priority, product) in [
        ("fault", "p1", "queues"),
        ("fault", "p3", "cychat"),
        ("question", "p3", "reports"),
        ("change_request", "p2", "dashboards"),
        ("macs", "p4", "queues"),
        ("upgrade", "p3", "other"),
    ] {
        let (status, body) = app
            .post(
                "/api/v1/tickets",
                Some(&boss.token),
                json!({"subject": kind, "description": "d", "kind": kind, "priority": priority, "product": product}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        ids.push(body["ticket"]["id"].as_str().unwrap().to_string());
    }
    // Every kind of change a ticket's queue, status or priority sees.
    assert_eq!(patch(&app, &agent, &ids[0], json!({"status": "open", "priority": "p2"})).await.0, StatusCode::OK);
    assert_eq!(patch(&app, &agent, &ids[1], json!({"queue": "After Hours"})).await.0, StatusCode::OK);
    assert_eq!(patch(&app, &agent, &ids[2], json!({"status": "resolved"})).await.0, StatusCode::OK);
    let bulk = json!({"ticket_ids": [ids[3], ids[4]], "status": "awaiting_customer", "priority": "p1"});
    assert_eq!(app.post("/api/v1/tickets/bulk", Some(&agent.token), bulk).await.0, StatusCode::OK);
    let id = body_id(&app, &admin, "MACS and Changes").await;
    let renamed = json!({"name": "Changes", "position": 3, "kinds": ["change_request", "macs", "upgrade"]});
    let (status, body) = app.send("PUT", &format!("/api/v1/queues/{id}"), Some(&admin.token), Some(renamed)).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // The tallies are exactly the tickets grouped (a tally emptied by moves stays at zero).
    let tallies = tally_rows(
        &app,
        "SELECT queue, status, priority, tickets FROM ticket_tallies WHERE tickets <> 0 ORDER BY queue, status, priority",
    )
    .await;
    let grouped = tally_rows(
        &app,
        "SELECT queue, status, priority, COUNT(*) FROM tickets GROUP BY queue, status, priority \
         ORDER BY queue, status, priority",
    )
    .await;
    assert_eq!(tallies, grouped);
    assert_eq!(tallies.iter().map(|t| t.3).sum::<i64>(), 6);

    // The agent's totals (from the tallies) equal the superuser's (counted ticket by ticket) and
    // the items listed, for every combination of the three filters.
    let (_, queues) = app.get("/api/v1/queues", &agent.token).await;
    let mut names: Vec<String> =
        queues["items"].as_array().unwrap().iter().map(|q| q["name"].as_str().unwrap().to_string()).collect();
    names.push(String::new());
    assert!(names.iter().any(|n| n == "Changes"));
    for queue in &names {
        for status in ["", "open", "new", "resolved,closed", "awaiting_customer"] {
            for priority in ["", "p1", "p2", "p3"] {
                let path = format!(
                    "/api/v1/tickets?queue={}&status={status}&priority={priority}&per_page=200",
                    queue.replace(' ', "%20")
                );
                let (_, staff) = app.get(&path, &agent.token).await;
                let (_, customer) = app.get(&path, &boss.token).await;
                assert_eq!(staff["total"], customer["total"], "{path}");
                assert_eq!(staff["total"], staff["items"].as_array().unwrap().len(), "{path}");
            }
        }
    }
    let open: u64 = queues["items"].as_array().unwrap().iter().map(|q| q["open_count"].as_u64().unwrap()).sum();
    let (_, all_open) = app.get("/api/v1/tickets?status=open", &boss.token).await;
    assert_eq!(all_open["total"], open);
}
