//! Deployment projects: opened by account managers, moved one stage at a time, followed by the
//! client's superusers (their own organisation's only).

use crate::harness::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn stages(project: &Value) -> Vec<(String, String)> {
    project["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["stage"].as_str().unwrap().to_string(), s["state"].as_str().unwrap().to_string()))
        .collect()
}

#[tokio::test]
async fn a_project_moves_through_its_stages_in_order_and_both_sides_follow_it() {
    let app = spawn_app().await;
    let manager = app.staff("account_manager").await;
    let org = app.organization("Acme", &[]).await;
    let other = app.organization("Borealis", &[]).await;
    let sam = app.customer(&org, true).await;
    let casey = app.customer(&org, false).await;
    let blair = app.customer(&other, true).await;

    let (status, body) = app
        .post(
            &format!("/api/v1/organizations/{org}/deployment-projects"),
            Some(&manager.token),
            json!({"name": "Sydney contact centre"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let project = body["project"].clone();
    let id = project["id"].as_str().unwrap().to_string();
    assert_eq!(project["stage"], "stakeholders");
    assert_eq!(stages(&project)[0], ("stakeholders".to_string(), "current".to_string()));
    assert_eq!(project["timeline"][0]["entered_by_name"], "A account_manager");
    assert_eq!(stages(&project).len(), 8);

    let path = format!("/api/v1/deployment-projects/{id}");
    assert_eq!(app.get(&path, &sam.token).await.0, StatusCode::OK, "the superuser follows it");
    let (status, body) = app.get(&path, &casey.token).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = app.get(&path, &blair.token).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another organisation's project does not exist: {body}");
    let (_, missing) = app.get(&format!("/api/v1/deployment-projects/{}", uuid::Uuid::new_v4()), &blair.token).await;
    assert_eq!(body, missing);
    let (status, _) = app.get(&format!("/api/v1/organizations/{org}/deployment-projects"), &blair.token).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let advance = |who: &Person, to: &str| {
        let (token, body) = (who.token.clone(), json!({"to": to}));
        let (app, path) = (&app, format!("{path}/advance"));
        async move { app.post(&path, Some(&token), body).await }
    };
    let (status, body) = advance(&manager, "pre_install").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        stages(&body["project"])[..2],
        [("stakeholders".to_string(), "done".to_string()), ("pre_install".to_string(), "current".to_string())]
    );
    let refusals =
        [("training", "Finish Installation first"), ("stakeholders", "never move back"), ("pre_install", "already")];
    for (to, words) in refusals {
        let (status, body) = advance(&manager, to).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{to}: {body}");
        assert_eq!(error_code(&body), "invalid_stage");
        assert!(body["error"]["message"].as_str().unwrap().contains(words), "{to}: {body}");
    }
    let (status, body) = advance(&manager, "nowhere").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["to"].is_string(), "{body}");
    let (status, _) = advance(&sam, "installation").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "CyTrack moves the project");

    for to in ["installation", "training", "testing", "go_live", "warranty", "completed"] {
        let (status, body) = advance(&manager, to).await;
        assert_eq!(status, StatusCode::OK, "{to}: {body}");
    }
    let (_, body) = app.get(&path, &sam.token).await;
    assert!(stages(&body["project"]).iter().all(|(_, state)| state == "done"), "{body}");
    assert!(body["project"]["timeline"].as_array().unwrap().iter().all(|s| s["entered_at"].is_string()));
    let (status, body) = advance(&manager, "completed").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["message"].as_str().unwrap().contains("complete"), "{body}");

    // The superuser was told of each step; the plain customer and the other client of none.
    let (_, told) = app.get("/api/v1/notifications?per_page=200", &sam.token).await;
    let steps = told["items"].as_array().unwrap().iter().filter(|n| n["kind"] == "deployment_milestone").count();
    assert_eq!(steps, 8, "opened, then seven stages: {told}");
    for who in [&casey, &blair] {
        let (_, told) = app.get("/api/v1/notifications", &who.token).await;
        assert!(!told.to_string().contains("deployment_milestone"), "{told}");
    }
    let (_, list) = app.get(&format!("/api/v1/organizations/{org}/deployment-projects"), &sam.token).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
}
