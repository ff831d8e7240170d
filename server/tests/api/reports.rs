//! Reports (issue 23): the desk report counts what happened to tickets, scoped as the tickets are;
//! the rollup kept as tickets change agrees with one rebuilt from the tickets; bad ranges are
//! refused naming the field.

use crate::harness::*;
use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// The named row of a report's list (a priority, a queue, an agent).
fn row<'a>(list: &'a Value, key: &str, name: &str) -> &'a Value {
    list.as_array().unwrap().iter().find(|r| r[key] == name).unwrap_or_else(|| panic!("no {name} in {list}"))
}

#[tokio::test]
async fn the_desk_report_counts_what_happened_to_tickets_scoped_as_they_are() {
    let app = spawn_app().await;
    let acme = app.organization("Acme", &[]).await;
    let other = app.organization("Other", &[]).await;
    let sam = app.customer(&acme, true).await;
    let casey = app.customer(&acme, false).await;
    let olly = app.customer(&other, true).await;
    let agent = app.staff("agent").await;

    let first = app.raise_with(&sam, "Queue 3 is silent", "fault", "p2").await;
    app.raise_with(&casey, "Wallboard stale", "question", "p3").await;
    app.raise_with(&olly, "Another client's fault", "fault", "p3").await;
    let id = first["id"].as_str().unwrap();
    let (status, body) =
        app.post(&format!("/api/v1/tickets/{id}/comments"), Some(&agent.token), json!({"body": "On it."})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // An internal note is not a response.
    let (status, _) = app
        .post(&format!("/api/v1/tickets/{id}/comments"), Some(&agent.token), json!({"body": "n", "internal": true}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = app
        .send("PATCH", &format!("/api/v1/tickets/{id}"), Some(&agent.token), Some(json!({"status": "resolved"})))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // The whole desk, as staff.
    let (status, desk) = app.get("/api/v1/reports/desk", &agent.token).await;
    assert_eq!(status, StatusCode::OK, "{desk}");
    let t = &desk["totals"];
    assert_eq!((t["raised"].as_i64(), t["resolved"].as_i64(), t["responded"].as_i64()), (Some(3), Some(1), Some(1)));
    assert_eq!((t["response_percent"].as_i64(), t["resolution_percent"].as_i64()), (Some(100), Some(100)));
    assert_eq!(desk["volume"].as_array().unwrap().len(), 30, "the last 30 days, day by day");
    let today = desk["volume"].as_array().unwrap().last().unwrap();
    assert_eq!((today["raised"].as_i64(), today["resolved"].as_i64()), (Some(3), Some(1)));
    let tagged: i64 = ["deployment", "warranty", "irs", "billable"].iter().map(|k| today[k].as_i64().unwrap()).sum();
    assert_eq!(tagged, 3, "every ticket raised is counted under its billing tag: {today}");
    assert_eq!(row(&desk["by_priority"], "name", "p2")["raised"], 1);
    assert_eq!(row(&desk["by_priority"], "name", "p3")["raised"], 2);
    assert_eq!(
        row(&desk["by_priority"], "name", "p1")["response_percent"],
        Value::Null,
        "none responded: no percentage"
    );
    assert!(!desk["by_queue"].as_array().unwrap().is_empty());
    assert_eq!(desk["backlog"][0]["tickets"], 2, "two open tickets, both raised today: {}", desk["backlog"]);
    let me = row(&desk["workload"], "user_id", &agent.id);
    assert_eq!((me["replies"].as_i64(), me["open_assigned"].as_i64()), (Some(1), Some(0)), "{me}");
    assert!(desk["forecast"].as_array().unwrap().is_empty(), "balances are for account managers");

    // A client's superuser reads their own organisation, and nothing staff-only.
    let (status, own) = app.get("/api/v1/reports/desk?grouping=week", &sam.token).await;
    assert_eq!(status, StatusCode::OK, "{own}");
    assert_eq!(own["organization_id"], acme.as_str());
    assert_eq!((own["totals"]["raised"].as_i64(), own["grouping"].as_str()), (Some(2), Some("week")));
    assert!(own["by_queue"].as_array().unwrap().is_empty() && own["workload"].as_array().unwrap().is_empty());
    let (status, body) = app.get(&format!("/api/v1/reports/desk?organization_id={other}"), &sam.token).await;
    assert_eq!((status, error_code(&body)), (StatusCode::NOT_FOUND, "not_found"), "another client's does not exist");
    let (status, _) = app.get("/api/v1/reports/desk", &casey.token).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "reports are for the organisation's superusers");

    // Staff narrow to one client; its numbers are that client's.
    let (_, theirs) = app.get(&format!("/api/v1/reports/desk?organization_id={other}"), &agent.token).await;
    assert_eq!((theirs["totals"]["raised"].as_i64(), theirs["totals"]["resolved"].as_i64()), (Some(1), Some(0)));
    assert_eq!(theirs["backlog"][0]["tickets"], 1);

    // The same report as CSV: one long table with every section.
    let response = app.client.get(app.url("/api/v1/reports/desk.csv")).bearer_auth(&agent.token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = response.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "report,item,period,measure,value");
    for section in
        ["volume,", "sla_by_queue,", "sla_by_priority,p2,", "totals,total,", "backlog,", "workload,", "after_hours,"]
    {
        assert!(lines.iter().any(|l| l.starts_with(section)), "{section} in\n{csv}");
    }
    assert!(lines.contains(&"totals,total,,raised,3"), "{csv}");
}

#[tokio::test]
async fn a_late_answer_is_counted_late_and_a_rebuilt_rollup_agrees() {
    let app = spawn_app().await;
    let acme = app.organization("Acme", &[]).await;
    let sam = app.customer(&acme, true).await;
    let agent = app.staff("agent").await;
    let db = app.database().await;
    let late = app.raise_with(&sam, "Answered a week later", "fault", "p1").await;
    let quick = app.raise_with(&sam, "Answered at once", "fault", "p4").await;
    let (agent_actor, now) = (app.actor(&agent).await, Utc::now());
    for (ticket, at) in [(&late, now + Duration::days(7)), (&quick, now)] {
        let req = app::dto::CommentRequest {
            body: "Here is what we found.".into(),
            internal: false,
            last_seen_comment_id: None,
        };
        let id = ticket["id"].as_str().unwrap();
        app::ssr::services::replies::comment_in(&db, &agent_actor, id, req, at).await.expect("the reply posts");
    }
    let (status, body) = app.get("/api/v1/reports/desk?from=2000-01-01", &agent.token).await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_fields"), "{body}");
    assert!(body["error"]["fields"]["to"].is_string(), "a range over a year names `to`: {body}");

    let to = (now + Duration::days(8)).format("%Y-%m-%d").to_string();
    let path = format!("/api/v1/reports/desk?to={to}&grouping=month");
    let (status, kept) = app.get(&path, &agent.token).await;
    assert_eq!(status, StatusCode::OK, "{kept}");
    assert_eq!(
        (kept["totals"]["responded"].as_i64(), kept["totals"]["responded_in_time"].as_i64()),
        (Some(2), Some(1))
    );
    assert_eq!(row(&kept["by_priority"], "name", "p1")["response_percent"], 0);
    assert_eq!(row(&kept["by_priority"], "name", "p4")["response_percent"], 100);

    // Counting again from the tickets' recorded times gives the same report.
    assert_eq!(app::ssr::services::reports::rebuild(&db).await.expect("the rollup rebuilds"), 2);
    let (_, rebuilt) = app.get(&path, &agent.token).await;
    assert_eq!(rebuilt, kept);
}

#[tokio::test]
async fn bad_report_parameters_are_refused_naming_the_field() {
    let app = spawn_app().await;
    let agent = app.staff("agent").await;
    let cases = [
        ("from=2026-12-01&to=2026-11-01", StatusCode::UNPROCESSABLE_ENTITY, Some("from")),
        ("from=1%2F12%2F2026", StatusCode::UNPROCESSABLE_ENTITY, Some("from")),
        ("to=2026-13-01", StatusCode::UNPROCESSABLE_ENTITY, Some("to")),
        ("from=2025-01-01&to=2026-06-30", StatusCode::UNPROCESSABLE_ENTITY, Some("to")),
        ("grouping=year", StatusCode::UNPROCESSABLE_ENTITY, Some("grouping")),
        ("organization_id=not-an-id", StatusCode::NOT_FOUND, None),
        ("from=2025-07-01&to=2026-06-30&grouping=month", StatusCode::OK, None),
    ];
    for (query, want, field) in cases {
        let (status, body) = app.get(&format!("/api/v1/reports/desk?{query}"), &agent.token).await;
        assert_eq!(status, want, "{query}: {body}");
        if let Some(field) = field {
            assert!(body["error"]["fields"][field].is_string(), "{query} names {field}: {body}");
        }
    }
    let (_, year) = app.get("/api/v1/reports/desk?from=2025-07-01&to=2026-06-30&grouping=month", &agent.token).await;
    assert_eq!(year["volume"].as_array().unwrap().len(), 12, "{year}");
}

#[tokio::test]
async fn the_forecast_lists_the_clients_spending_soonest_out_first_and_the_workload_counts_time() {
    use crate::vouchers::{billable_world_named, issue};
    let app = spawn_app().await;
    let in_a_year = (Utc::now().date_naive() + Duration::days(365)).to_string();
    // Two clients spend at different paces; a third holds minutes and spends none.
    let (fast, manager, _, agent, fast_ticket) = billable_world_named(&app, "Fast Freight").await;
    let (slow, _, _, _, slow_ticket) = billable_world_named(&app, "Slow Lane").await;
    let (idle, _, _, _, _) = billable_world_named(&app, "Idle Imports").await;
    for (org, ticket, spent) in [(&fast, &fast_ticket, 300), (&slow, &slow_ticket, 30)] {
        issue(&app, &manager, org, 600, &in_a_year).await;
        let path = format!("/api/v1/tickets/{ticket}/redemptions");
        let (status, body) = app.post(&path, Some(&agent.token), json!({"minutes": spent})).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    issue(&app, &manager, &idle, 600, &in_a_year).await;
    let (status, body) = app
        .post(&format!("/api/v1/tickets/{fast_ticket}/time-entries"), Some(&agent.token), json!({"minutes": 45}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    let (status, desk) = app.get("/api/v1/reports/desk", &manager.token).await;
    assert_eq!(status, StatusCode::OK, "{desk}");
    let listed: Vec<&str> =
        desk["forecast"].as_array().unwrap().iter().map(|r| r["organization_name"].as_str().unwrap()).collect();
    assert_eq!(listed, ["Fast Freight", "Slow Lane"], "spenders only, the one running out first first");
    assert_eq!(desk["forecast"][0]["available_minutes"], 300);
    let (_, theirs) = app.get(&format!("/api/v1/reports/desk?organization_id={idle}"), &manager.token).await;
    assert_eq!(theirs["forecast"][0]["organization_name"], "Idle Imports", "one client's report shows its balance");
    let me = row(&desk["workload"], "user_id", &agent.id);
    assert_eq!((me["minutes_logged"].as_i64(), me["open_assigned"].as_i64()), (Some(45), Some(0)), "{me}");

    // Open tickets assigned now follow the tickets: assigned, moved on, resolved, unassigned.
    let open_assigned = |changes: Value| {
        let (app, agent, manager, ticket) = (&app, &agent, &manager, &slow_ticket);
        async move {
            let path = format!("/api/v1/tickets/{ticket}");
            let (status, body) = app.send("PATCH", &path, Some(&agent.token), Some(changes)).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            let (_, desk) = app.get("/api/v1/reports/desk", &manager.token).await;
            row(&desk["workload"], "user_id", &agent.id)["open_assigned"].as_i64().unwrap()
        }
    };
    assert_eq!(open_assigned(json!({"assignee_id": agent.id})).await, 1);
    assert_eq!(open_assigned(json!({"status": "on_hold"})).await, 1, "on hold is still open");
    assert_eq!(open_assigned(json!({"status": "resolved"})).await, 0);
    assert_eq!(open_assigned(json!({"status": "open"})).await, 1, "reopened");
    assert_eq!(open_assigned(json!({"assignee_id": ""})).await, 0);
    let (_, desk) = app.get("/api/v1/reports/desk", &manager.token).await;

    // Counting the staff days again from the replies and time entries gives the same workload.
    // (Not the same resolutions: the ticket was resolved and reopened, which a rebuild cannot see.)
    let db = app.database().await;
    app::ssr::services::reports::rebuild(&db).await.expect("the rollups rebuild");
    let (_, rebuilt) = app.get("/api/v1/reports/desk", &manager.token).await;
    assert_eq!((&rebuilt["workload"], &rebuilt["forecast"]), (&desk["workload"], &desk["forecast"]));
}
