//! What an operator reads (issue 25): Prometheus metrics by route template, the pool, the outbox
//! and the group commits' batch sizes, for the machine itself.

use crate::harness::*;
use reqwest::StatusCode;

#[tokio::test]
async fn metrics_time_requests_by_route_template_and_show_the_pool_and_the_outbox() {
    let app = spawn_app().await;
    let customer = app.customer(&app.organization("Acme", &[]).await, false).await;
    let ids: Vec<String> = (0..3).map(|_| uuid::Uuid::new_v4().to_string()).collect();
    for id in &ids {
        let (status, _) = app.get(&format!("/api/v1/tickets/{id}"), &customer.token).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let raised = app.raise(&customer, "Counted in a batch").await;
    let replied = format!("/api/v1/tickets/{}/comments", raised["id"].as_str().unwrap());
    let (status, body) = app.post(&replied, Some(&customer.token), serde_json::json!({"body": "Counted too"})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let res = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()[reqwest::header::CONTENT_TYPE].to_str().unwrap().starts_with("application/openmetrics-text"));
    let text = res.text().await.unwrap();
    let series =
        r#"cytrack_http_request_duration_seconds_count{method="GET",route="/api/v1/tickets/{id}",status="4xx"}"#;
    let line = text.lines().find(|l| l.starts_with(series)).unwrap_or_else(|| panic!("no {series} in\n{text}"));
    let count: u64 = line.rsplit(' ').next().unwrap().parse().unwrap();
    assert!(count >= 3, "the three requests, under one series: {line}");
    assert!(ids.iter().all(|id| !text.contains(id.as_str())), "paths asked for never become labels");
    for gauge in [
        "cytrack_db_pool_connections ",
        "cytrack_db_pool_idle_connections ",
        r#"cytrack_mail_outbox_messages{status="pending"} "#,
        // The ticket and the reply were written by their group commits (tests share the
        // process's metrics, so other tests' batches may be counted too).
        r#"cytrack_batch_size_count{queue="tickets"} "#,
        r#"cytrack_batch_size_count{queue="replies"} "#,
    ] {
        assert!(text.lines().any(|l| l.starts_with(gauge)), "{gauge} in\n{text}");
    }
}
