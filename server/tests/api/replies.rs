//! Replies posted together are written together (issue 25: a batch per transaction), each moving
//! its ticket from where the ones before it left it; a reply moves its ticket as the ticket stands
//! when it is written, not as it stood when the reply was checked.

use crate::harness::*;
use app::dto::CommentRequest;
use app::ssr::services::replies::{self, ReplyQueue};
use chrono::Utc;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn said(body: &str) -> CommentRequest {
    CommentRequest { body: body.into(), internal: false, last_seen_comment_id: None }
}

/// The ticket's status changes, oldest first, as `old>new`.
async fn status_lines(app: &TestApp, who: &Person, id: &str) -> Vec<String> {
    let (_, history) = app.get(&format!("/api/v1/tickets/{id}/history"), &who.token).await;
    let lines = history["items"].as_array().unwrap().iter().filter(|h| h["field"] == "status");
    lines.map(|h| format!("{}>{}", h["old_value"].as_str().unwrap(), h["new_value"].as_str().unwrap())).collect()
}

#[tokio::test]
async fn replies_posted_together_on_one_ticket_are_each_written_and_move_it_once() {
    let app = spawn_app().await;
    let acme = app.organization("Acme", &[]).await;
    let customer = app.customer(&acme, false).await;
    let agent = app.staff("agent").await;
    let id = app.raise(&customer, "Many hands").await["id"].as_str().unwrap().to_string();
    let comments = format!("/api/v1/tickets/{id}/comments");
    let posted = futures::future::join_all((0..24).map(|i| {
        let (who, body) =
            if i % 2 == 0 { (&agent, format!("Agent {i}")) } else { (&customer, format!("Customer {i}")) };
        app.post(&comments, Some(&who.token), json!({ "body": body }))
    }))
    .await;
    for (i, (status, body)) in posted.iter().enumerate() {
        assert_eq!(*status, StatusCode::CREATED, "reply {i}: {body}");
        let expected = if i % 2 == 0 { format!("Agent {i}") } else { format!("Customer {i}") };
        assert_eq!(body["comment"]["body"], expected, "each answer is its own reply");
    }

    let (_, seen) = app.get(&format!("/api/v1/tickets/{id}"), &agent.token).await;
    let thread = seen["comments"].as_array().unwrap();
    assert_eq!(thread.len(), 24, "every reply written once");
    assert_eq!(seen["ticket"]["status"], "open", "CyTrack's first reply opened it; the customer's left it open");
    assert_eq!(status_lines(&app, &agent, &id).await, ["new>open"], "one move, by the first of CyTrack's replies");
    let agents: Vec<&Value> =
        thread.iter().filter(|c| c["author_id"] == agent.id.as_str()).map(|c| &c["created_at"]).collect();
    assert!(
        agents.contains(&&seen["ticket"]["first_response_at"]),
        "the first response is the time of one of CyTrack's replies: {} among {agents:?}",
        seen["ticket"]["first_response_at"]
    );

    let (_, notices) = app.get("/api/v1/notifications?per_page=100", &customer.token).await;
    let told = notices["items"].as_array().unwrap().iter().filter(|n| n["kind"] == "ticket_reply").count();
    assert_eq!(told, 12, "the customer is told of each of CyTrack's twelve replies: {notices}");
    let (_, desk) = app.get("/api/v1/reports/desk", &agent.token).await;
    let mine = desk["workload"].as_array().unwrap().iter().find(|r| r["user_id"] == agent.id.as_str()).cloned();
    assert_eq!(mine.map(|r| r["replies"].clone()), Some(json!(12)), "the workload counts twelve: {}", desk["workload"]);
}

#[tokio::test]
async fn a_reply_moves_its_ticket_as_it_stands_when_written_not_as_it_stood_when_checked() {
    let app = spawn_app().await;
    let acme = app.organization("Acme", &[]).await;
    let customer = app.customer(&acme, false).await;
    let agent = app.staff("agent").await;
    let db = app.database().await;
    let queue = ReplyQueue::new(db.clone());
    let (actor, now) = (app.actor(&customer).await, Utc::now());
    let id = app.raise(&customer, "Changed meanwhile").await["id"].as_str().unwrap().to_string();
    let ticket = format!("/api/v1/tickets/{id}");
    let status = |to: &'static str| app.send("PATCH", &ticket, Some(&agent.token), Some(json!({"status": to})));

    // Checked while the ticket waited on the customer (their reply would reopen it); written after
    // an agent put it on hold: it stays on hold.
    assert_eq!(status("awaiting_customer").await.0, StatusCode::OK);
    let reply = replies::check(&db, &actor, &id, said("Here are the logs."), now).await.expect("a reply it takes");
    assert_eq!(status("on_hold").await.0, StatusCode::OK);
    let written = queue.write(reply).await.expect("the reply is written");
    assert_eq!(written.body, "Here are the logs.");
    let (_, seen) = app.get(&format!("/api/v1/tickets/{id}"), &agent.token).await;
    assert_eq!(seen["ticket"]["status"], "on_hold", "the agent's change stands");
    assert_eq!(status_lines(&app, &agent, &id).await, ["new>awaiting_customer", "awaiting_customer>on_hold"]);

    // Checked while resolved (a reply would reopen it); written after it was closed: refused, and
    // nothing of it is kept.
    assert_eq!(status("resolved").await.0, StatusCode::OK);
    let reply = replies::check(&db, &actor, &id, said("One more thing."), now).await.expect("a reply it takes");
    assert_eq!(status("closed").await.0, StatusCode::OK);
    let refused = queue.write(reply).await.expect_err("a closed ticket takes no customer reply");
    assert_eq!((refused.status(), refused.code.as_str()), (422, "ticket_closed"), "{}", refused.message);
    let (_, seen) = app.get(&format!("/api/v1/tickets/{id}"), &agent.token).await;
    assert_eq!(seen["comments"].as_array().unwrap().len(), 1, "only the first reply: {}", seen["comments"]);
    assert_eq!(seen["ticket"]["status"], "closed");
}
