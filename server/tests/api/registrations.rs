//! Approving and rejecting registrations.

use crate::harness::*;
use reqwest::StatusCode;
use serde_json::json;

/// A registration whose address is proven: it waits for approval.
async fn register(app: &TestApp, email: &str) -> String {
    app.register("Pat", email).await
}

#[tokio::test]
async fn staff_list_pending_registrations_and_approve_one_as_superuser() {
    let app = spawn_app().await;
    let pat = register(&app, "pat@newco.test").await;
    let manager = app.staff("account_manager").await;
    let (status, list) = app.get("/api/v1/users?status=pending", &manager.token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["id"], pat.as_str());

    let org = app.organization("NewCo", &[]).await;
    let (status, body) = app
        .post(
            &format!("/api/v1/users/{pat}/approve"),
            Some(&manager.token),
            json!({"organization_id": org, "superuser": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["user"]["status"], "active");
    assert_eq!(body["user"]["superuser"], true);

    let (status, body) =
        app.post(&format!("/api/v1/users/{pat}/approve"), Some(&manager.token), json!({"organization_id": org})).await;
    assert_eq!(status, StatusCode::CONFLICT, "a decided registration stays decided");
    assert_eq!(error_code(&body), "already_decided");
}

#[tokio::test]
async fn agents_and_customers_cannot_approve() {
    let app = spawn_app().await;
    let pat = register(&app, "pat@newco.test").await;
    let org = app.organization("NewCo", &[]).await;
    let agent = app.staff("agent").await;
    let customer = app.customer(&org, true).await;
    for who in [&agent, &customer] {
        let (status, body) =
            app.post(&format!("/api/v1/users/{pat}/approve"), Some(&who.token), json!({"organization_id": org})).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        error_code(&body);
    }
    // A superuser lists their own organisation's people, never a pending registration.
    let (status, listed) = app.get("/api/v1/users?status=pending", &customer.token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listed["total"], 0, "{listed}");
    let (_, everyone) = app.get("/api/v1/users", &customer.token).await;
    assert!(everyone["items"].as_array().unwrap().iter().all(|u| u["organization_id"] == org.as_str()), "{everyone}");
    let plain = app.customer(&org, false).await;
    assert_eq!(app.get("/api/v1/users", &plain.token).await.0, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn approving_into_an_unknown_organisation_names_the_field() {
    let app = spawn_app().await;
    let pat = register(&app, "pat@newco.test").await;
    let admin = app.admin().await;
    let (status, body) = app
        .post(
            &format!("/api/v1/users/{pat}/approve"),
            Some(&admin.token),
            json!({"organization_id": uuid::Uuid::new_v4().to_string()}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["organization_id"].is_string());
    let (status, _) = app
        .post(
            &format!("/api/v1/users/{}/approve", uuid::Uuid::new_v4()),
            Some(&admin.token),
            json!({"organization_id": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_rejected_registration_cannot_sign_in_and_its_session_ends() {
    let app = spawn_app().await;
    let pat = register(&app, "pat@newco.test").await;
    let session = app.login("pat@newco.test", PASSWORD).await;
    let admin = app.admin().await;
    let (status, body) =
        app.post(&format!("/api/v1/users/{pat}/reject"), Some(&admin.token), json!({"reason": ""})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a rejection needs a reason");
    assert!(body["error"]["fields"]["reason"].is_string());
    let (status, body) =
        app.post(&format!("/api/v1/users/{pat}/reject"), Some(&admin.token), json!({"reason": "Not a client"})).await;
    assert_eq!((status, body["user"]["status"].as_str()), (StatusCode::OK, Some("rejected")));
    assert_eq!(app.get("/api/v1/me", &session.token).await.0, StatusCode::UNAUTHORIZED);
    let (status, body) =
        app.post("/api/v1/auth/login", None, json!({"email": "pat@newco.test", "password": PASSWORD})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(error_code(&body), "account_inactive");
}

#[tokio::test]
async fn organisations_keep_their_domains_unique() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.organization("Acme", &["acme.test"]).await;
    let (status, body) = app
        .post("/api/v1/organizations", Some(&admin.token), json!({"name": "Acme Two", "email_domains": ["ACME.test"]}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error_code(&body), "domain_taken");
    let (status, body) = app
        .post("/api/v1/organizations", Some(&admin.token), json!({"name": "Bad", "email_domains": ["not a domain"]}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["email_domains"].is_string());
}

#[tokio::test]
async fn a_customer_sees_their_own_organisation_and_no_other() {
    let app = spawn_app().await;
    let acme = app.organization("Acme", &["acme.test"]).await;
    let other = app.organization("Other", &[]).await;
    let jo = app.customer(&acme, false).await;
    let (status, body) = app.get(&format!("/api/v1/organizations/{acme}"), &jo.token).await;
    assert_eq!((status, body["organization"]["email_domains"][0].as_str()), (StatusCode::OK, Some("acme.test")));
    let (status, body) = app.get(&format!("/api/v1/organizations/{other}"), &jo.token).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, missing) = app.get(&format!("/api/v1/organizations/{}", uuid::Uuid::new_v4()), &jo.token).await;
    assert_eq!(body, missing, "another organisation reads exactly like one that does not exist");
}
