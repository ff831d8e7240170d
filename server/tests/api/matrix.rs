//! Every role against every endpoint: a table of who may do what, checked against the OpenAPI
//! document so that a new endpoint without a row fails here.

use crate::harness::*;
use reqwest::StatusCode;
use serde_json::json;
use std::collections::BTreeSet;

#[derive(Clone, Copy, Debug)]
enum Who {
    Anonymous,
    Customer,
    Stranger,
    Agent,
    Manager,
    Admin,
}

#[tokio::test]
async fn every_role_against_every_endpoint() {
    use Who::*;
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let customer = app.customer(&org, true).await;
    let other = app.organization("Other", &[]).await;
    let stranger = app.customer(&other, true).await;
    let agent = app.staff("agent").await;
    let manager = app.staff("account_manager").await;
    let admin = app.admin().await;
    let ticket = app.raise(&customer, "Matrix").await;
    let t = ticket["id"].as_str().unwrap().to_string();
    let p = app.register("P", "p@pending.test").await;
    let (_, queues) = app.get("/api/v1/queues", &admin.token).await;
    let q = queues["items"][0]["id"].as_str().unwrap().to_string();
    let queue_body = json!({"name": queues["items"][0]["name"], "position": 1, "kinds": ["after_hours"]});

    // (method, path template, concrete path, body, who -> expected status)
    let o = org.as_str();
    let (_, project) = app
        .post(&format!("/api/v1/organizations/{o}/deployment-projects"), Some(&manager.token), json!({"name": "M"}))
        .await;
    let pp = format!("/api/v1/deployment-projects/{}", project["project"]["id"].as_str().unwrap());
    let site = json!({"address": "", "contact_name": "", "contact_phone": ""});
    let number = format!("{:02}-1.1", chrono::Datelike::year(&chrono::Utc::now().date_naive()) % 100);
    let (_, release) = app.post("/api/v1/releases", Some(&agent.token), json!({"number": number})).await;
    let rel = format!("/api/v1/releases/{}", release["release"]["id"].as_str().unwrap());
    let (_, post) = app
        .post("/api/v1/insider/posts", Some(&agent.token), json!({"title": "M", "body": "M", "published": true}))
        .await;
    let post = format!("/api/v1/insider/posts/{}", post["post"]["id"].as_str().unwrap());
    let nobody = uuid::Uuid::new_v4();
    #[rustfmt::skip]
    let rows: Vec<(&str, &str, String, serde_json::Value, Vec<(Who, u16)>)> = vec![
        ("GET", "/api/v1/me", "/api/v1/me".into(), json!(null), vec![(Anonymous, 401), (Customer, 200), (Agent, 200)]),
        ("PUT", "/api/v1/me", "/api/v1/me".into(), json!({"name": ""}), vec![(Anonymous, 401), (Customer, 422), (Agent, 422)]),
        ("GET", "/api/v1/me/sessions", "/api/v1/me/sessions".into(), json!(null), vec![(Anonymous, 401), (Customer, 200), (Admin, 200)]),
        ("DELETE", "/api/v1/me/sessions/{id}", format!("/api/v1/me/sessions/{}", uuid::Uuid::new_v4()), json!(null), vec![(Anonymous, 401), (Customer, 404), (Agent, 404)]),
        // A client's superuser lists their own organisation's people (issue 19).
        ("GET", "/api/v1/users", "/api/v1/users".into(), json!(null), vec![(Anonymous, 401), (Customer, 200), (Agent, 200), (Manager, 200)]),
        ("POST", "/api/v1/users/{id}/reject", format!("/api/v1/users/{p}/reject"), json!({"reason": ""}), vec![(Customer, 403), (Agent, 403), (Manager, 422)]),
        ("POST", "/api/v1/users/{id}/approve", format!("/api/v1/users/{p}/approve"), json!({"organization_id": "x"}), vec![(Customer, 403), (Agent, 403), (Manager, 422)]),
        ("POST", "/api/v1/users/{id}/disable", format!("/api/v1/users/{}/disable", uuid::Uuid::new_v4()), json!({}), vec![(Customer, 404), (Agent, 403), (Manager, 404)]),
        ("POST", "/api/v1/users/{id}/enable", format!("/api/v1/users/{}/enable", uuid::Uuid::new_v4()), json!({}), vec![(Anonymous, 401), (Customer, 404), (Agent, 403), (Manager, 404)]),
        ("PUT", "/api/v1/users/{id}/role", format!("/api/v1/users/{}/role", uuid::Uuid::new_v4()), json!({"role": "agent"}), vec![(Customer, 403), (Manager, 403), (Admin, 404)]),
        ("POST", "/api/v1/organizations/{id}/invitations", format!("/api/v1/organizations/{o}/invitations"), json!({"name": "", "email": ""}), vec![(Anonymous, 401), (Customer, 422), (Stranger, 404), (Agent, 403), (Manager, 422)]),
        ("POST", "/api/v1/auth/accept-invitation", "/api/v1/auth/accept-invitation".into(), json!({"token": "x", "password": "long enough password"}), vec![(Anonymous, 422), (Customer, 422)]),
        ("PUT", "/api/v1/users/{id}/superuser", format!("/api/v1/users/{}/superuser", uuid::Uuid::new_v4()), json!({"superuser": true}), vec![(Customer, 404), (Agent, 403), (Manager, 404)]),
        ("GET", "/api/v1/audit-log", "/api/v1/audit-log".into(), json!(null), vec![(Anonymous, 401), (Customer, 403), (Agent, 403), (Manager, 422), (Admin, 200)]),
        ("GET", "/api/v1/audit-log.csv", format!("/api/v1/audit-log.csv?organization_id={o}"), json!(null), vec![(Anonymous, 401), (Customer, 403), (Agent, 403), (Manager, 200)]),
        ("POST", "/api/v1/staff", "/api/v1/staff".into(), json!({}), vec![(Anonymous, 401), (Customer, 422), (Admin, 422)]),
        ("GET", "/api/v1/organizations", "/api/v1/organizations".into(), json!(null), vec![(Customer, 403), (Agent, 200)]),
        ("POST", "/api/v1/organizations", "/api/v1/organizations".into(), json!({"name": ""}), vec![(Customer, 403), (Agent, 403), (Manager, 422)]),
        ("GET", "/api/v1/organizations/{id}", format!("/api/v1/organizations/{o}"), json!(null), vec![(Customer, 200), (Stranger, 404), (Agent, 200)]),
        ("PUT", "/api/v1/organizations/{id}", format!("/api/v1/organizations/{o}"), json!({"name": "", "email_domains": []}), vec![(Anonymous, 401), (Customer, 403), (Agent, 403), (Manager, 422)]),
        ("PUT", "/api/v1/organizations/{id}/deployment", format!("/api/v1/organizations/{o}/deployment"), json!({"go_live_basis": "nope"}), vec![(Customer, 403), (Stranger, 403), (Agent, 403), (Manager, 422)]),
        ("POST", "/api/v1/organizations/{id}/deployment-projects", format!("/api/v1/organizations/{o}/deployment-projects"), json!({"name": ""}), vec![(Customer, 403), (Stranger, 403), (Agent, 403), (Manager, 422)]),
        ("GET", "/api/v1/organizations/{id}/deployment-projects", format!("/api/v1/organizations/{o}/deployment-projects"), json!(null), vec![(Anonymous, 401), (Customer, 200), (Stranger, 404), (Agent, 200)]),
        ("GET", "/api/v1/deployment-projects/{id}", format!("/api/v1/deployment-projects/{}", uuid::Uuid::new_v4()), json!(null), vec![(Customer, 404), (Manager, 404)]),
        ("POST", "/api/v1/deployment-projects/{id}/advance", format!("/api/v1/deployment-projects/{}/advance", uuid::Uuid::new_v4()), json!({"to": "pre_install"}), vec![(Customer, 404), (Manager, 404)]),
        ("PUT", "/api/v1/deployment-projects/{id}/stakeholders", format!("/api/v1/deployment-projects/{}/stakeholders", uuid::Uuid::new_v4()), json!({"contacts": []}), vec![(Anonymous, 401), (Customer, 404), (Manager, 404)]),
        ("POST", "/api/v1/deployment-projects/{id}/stakeholders/accept", format!("/api/v1/deployment-projects/{}/stakeholders/accept", uuid::Uuid::new_v4()), json!({}), vec![(Customer, 404), (Manager, 404)]),
        ("POST", "/api/v1/deployment-projects/{id}/stakeholders/return", format!("/api/v1/deployment-projects/{}/stakeholders/return", uuid::Uuid::new_v4()), json!({"reason": "x"}), vec![(Customer, 404), (Manager, 404)]),
        ("POST", "/api/v1/deployment-projects/{id}/training", format!("/api/v1/deployment-projects/{}/training", uuid::Uuid::new_v4()), json!({"held_on": "2026-12-01", "trainer": "T", "attendees": [], "superuser_trained": true}), vec![(Anonymous, 401), (Customer, 404), (Manager, 404)]),
        ("POST", "/api/v1/deployment-projects/{id}/uat-items", format!("/api/v1/deployment-projects/{}/uat-items", uuid::Uuid::new_v4()), json!({"title": "x"}), vec![(Anonymous, 401), (Customer, 404), (Manager, 404)]),
        ("POST", "/api/v1/uat-items/{id}/result", format!("/api/v1/uat-items/{}/result", uuid::Uuid::new_v4()), json!({"result": "passed"}), vec![(Anonymous, 401), (Customer, 404), (Manager, 404)]),
        ("PUT", "/api/v1/deployment-projects/{id}/modules", format!("{pp}/modules"), json!({"modules": []}), vec![(Anonymous, 401), (Customer, 403), (Stranger, 404), (Manager, 200)]),
        ("PUT", "/api/v1/deployment-projects/{id}/pre-install", format!("{pp}/pre-install"), json!({"acknowledged": [], "site": site}), vec![(Customer, 422), (Stranger, 404), (Manager, 403)]),
        ("POST", "/api/v1/deployment-projects/{id}/pre-install/accept", format!("{pp}/pre-install/accept"), json!({}), vec![(Customer, 403), (Stranger, 404), (Manager, 422)]),
        ("POST", "/api/v1/deployment-projects/{id}/pre-install/return", format!("{pp}/pre-install/return"), json!({"reason": "x"}), vec![(Customer, 403), (Manager, 422)]),
        ("PUT", "/api/v1/deployment-projects/{id}/installation", format!("{pp}/installation"), json!({"items": []}), vec![(Customer, 403), (Stranger, 404), (Agent, 403), (Manager, 422)]),
        ("PUT", "/api/v1/deployment-projects/{id}/go-live/conditions", format!("{pp}/go-live/conditions"), json!({"conditions": []}), vec![(Customer, 403), (Stranger, 404), (Manager, 422)]),
        ("POST", "/api/v1/deployment-projects/{id}/go-live/sign", format!("{pp}/go-live/sign"), json!({"full_name": "Jo Client"}), vec![(Anonymous, 401), (Customer, 422), (Stranger, 404), (Manager, 403)]),
        ("POST", "/api/v1/deployment-projects/{id}/go-live/assess", format!("{pp}/go-live/assess"), json!({"go_live_on": "2026-01-01", "reason": "x"}), vec![(Customer, 403), (Manager, 422)]),
        ("POST", "/api/v1/deployment-projects/{id}/completion/outstanding", format!("{pp}/completion/outstanding"), json!({"ticket_id": t}), vec![(Customer, 422), (Stranger, 404), (Manager, 403)]),
        ("DELETE", "/api/v1/deployment-projects/{id}/completion/outstanding/{ticket_id}", format!("{pp}/completion/outstanding/{t}"), json!(null), vec![(Customer, 422), (Stranger, 404), (Manager, 403)]),
        ("POST", "/api/v1/deployment-projects/{id}/completion/sign", format!("{pp}/completion/sign"), json!({"full_name": "Jo Client"}), vec![(Customer, 422), (Stranger, 404), (Manager, 403)]),
        ("POST", "/api/v1/uat-items/{id}/waive", format!("/api/v1/uat-items/{}/waive", uuid::Uuid::new_v4()), json!({"reason": "x"}), vec![(Customer, 404), (Manager, 404)]),
        ("GET", "/api/v1/organizations/{id}/irs-contracts", format!("/api/v1/organizations/{o}/irs-contracts"), json!(null), vec![(Customer, 200), (Stranger, 404), (Agent, 200)]),
        ("POST", "/api/v1/organizations/{id}/irs-contracts", format!("/api/v1/organizations/{o}/irs-contracts"), json!({"starts_on": "x", "ends_on": "y"}), vec![(Customer, 403), (Agent, 403), (Manager, 422)]),
        ("GET", "/api/v1/organizations/{id}/account", format!("/api/v1/organizations/{o}/account"), json!(null), vec![(Customer, 200), (Stranger, 404), (Manager, 200)]),
        ("GET", "/api/v1/organizations/{id}/billing-export", format!("/api/v1/organizations/{o}/billing-export"), json!(null), vec![(Customer, 403), (Agent, 403), (Manager, 200)]),
        ("GET", "/api/v1/organizations/{id}/billing-export.csv", format!("/api/v1/organizations/{o}/billing-export.csv"), json!(null), vec![(Customer, 403), (Manager, 200)]),
        ("GET", "/api/v1/accounts", "/api/v1/accounts".into(), json!(null), vec![(Customer, 403), (Agent, 403), (Manager, 200)]),
        ("POST", "/api/v1/tickets", "/api/v1/tickets".into(), json!({}), vec![(Anonymous, 401), (Customer, 422), (Agent, 422)]),
        ("GET", "/api/v1/tickets", "/api/v1/tickets".into(), json!(null), vec![(Anonymous, 401), (Customer, 200), (Agent, 200)]),
        ("GET", "/api/v1/tickets/{id}", format!("/api/v1/tickets/{t}"), json!(null), vec![(Customer, 200), (Stranger, 404), (Agent, 200)]),
        ("PATCH", "/api/v1/tickets/{id}", format!("/api/v1/tickets/{t}"), json!({"status": "new"}), vec![(Customer, 200), (Stranger, 404), (Agent, 200)]),
        ("POST", "/api/v1/tickets/bulk", "/api/v1/tickets/bulk".into(), json!({"ticket_ids": []}), vec![(Customer, 403), (Agent, 422)]),
        ("POST", "/api/v1/tickets/{id}/comments", format!("/api/v1/tickets/{t}/comments"), json!({"body": ""}), vec![(Customer, 422), (Stranger, 422), (Agent, 422)]),
        // The event stream itself stays open (live.rs reads it); a cursor it never sent is refused first.
        ("GET", "/api/v1/events", "/api/v1/events?after=x".into(), json!(null), vec![(Anonymous, 401), (Customer, 422), (Agent, 422)]),
        ("GET", "/api/v1/tickets/{id}/presence", format!("/api/v1/tickets/{t}/presence"), json!(null), vec![(Anonymous, 401), (Customer, 403), (Stranger, 403), (Agent, 200)]),
        ("PUT", "/api/v1/tickets/{id}/presence", format!("/api/v1/tickets/{t}/presence"), json!({"typing": true}), vec![(Customer, 403), (Agent, 200), (Manager, 200)]),
        ("DELETE", "/api/v1/tickets/{id}/presence", format!("/api/v1/tickets/{nobody}/presence"), json!(null), vec![(Customer, 403), (Agent, 404)]),
        // Reports (issue 23): staff the desk or any client; a client's superuser their own (another's is 404).
        ("GET", "/api/v1/reports/desk", format!("/api/v1/reports/desk?organization_id={other}"), json!(null), vec![(Anonymous, 401), (Customer, 404), (Stranger, 200), (Agent, 200), (Manager, 200)]),
        ("GET", "/api/v1/reports/desk.csv", "/api/v1/reports/desk.csv?grouping=week".into(), json!(null), vec![(Anonymous, 401), (Customer, 200), (Agent, 200), (Admin, 200)]),
        ("POST", "/api/v1/tickets/{id}/billing", format!("/api/v1/tickets/{t}/billing"), json!({"tag": "x", "reason": ""}), vec![(Customer, 403), (Stranger, 403), (Agent, 422)]),
        ("POST", "/api/v1/tickets/{id}/time-entries", format!("/api/v1/tickets/{t}/time-entries"), json!({"minutes": 0}), vec![(Customer, 403), (Agent, 422)]),
        ("GET", "/api/v1/tickets/{id}/time-entries", format!("/api/v1/tickets/{t}/time-entries"), json!(null), vec![(Customer, 403), (Agent, 200)]),
        ("GET", "/api/v1/tickets/{id}/history", format!("/api/v1/tickets/{t}/history"), json!(null), vec![(Customer, 200), (Stranger, 404), (Agent, 200)]),
        ("GET", "/api/v1/queues", "/api/v1/queues".into(), json!(null), vec![(Customer, 403), (Agent, 200)]),
        ("POST", "/api/v1/queues", "/api/v1/queues".into(), json!({"name": ""}), vec![(Customer, 403), (Agent, 403), (Admin, 422)]),
        ("PUT", "/api/v1/queues/{id}", format!("/api/v1/queues/{q}"), queue_body, vec![(Customer, 403), (Manager, 403), (Admin, 200)]),
        ("POST", "/api/v1/organizations/{id}/vouchers", format!("/api/v1/organizations/{o}/vouchers"), json!({"minutes": 0, "expires_on": "x"}), vec![(Customer, 403), (Agent, 403), (Manager, 422)]),
        ("GET", "/api/v1/organizations/{id}/vouchers", format!("/api/v1/organizations/{o}/vouchers"), json!(null), vec![(Customer, 200), (Stranger, 404), (Agent, 200)]),
        ("GET", "/api/v1/organizations/{id}/ledger", format!("/api/v1/organizations/{o}/ledger"), json!(null), vec![(Customer, 200), (Stranger, 404), (Manager, 200)]),
        ("GET", "/api/v1/organizations/{id}/ledger.csv", format!("/api/v1/organizations/{o}/ledger.csv"), json!(null), vec![(Customer, 200), (Stranger, 404), (Manager, 200)]),
        ("POST", "/api/v1/tickets/{id}/redemptions", format!("/api/v1/tickets/{t}/redemptions"), json!({"minutes": 0}), vec![(Customer, 422), (Stranger, 422), (Agent, 422)]),
        ("POST", "/api/v1/redemptions/{id}/refund", format!("/api/v1/redemptions/{}/refund", uuid::Uuid::new_v4()), json!({"reason": "x"}), vec![(Customer, 403), (Agent, 404)]),
        ("GET", "/api/v1/vouchers/balances", "/api/v1/vouchers/balances".into(), json!(null), vec![(Customer, 403), (Agent, 403), (Manager, 200)]),
        ("POST", "/api/v1/after-hours", "/api/v1/after-hours".into(), json!({"starts_at": "", "ends_at": "", "description": "", "contact_name": "", "contact_phone": ""}), vec![(Anonymous, 401), (Customer, 422), (Agent, 403)]),
        ("GET", "/api/v1/after-hours", "/api/v1/after-hours".into(), json!(null), vec![(Customer, 200), (Agent, 200)]),
        ("GET", "/api/v1/after-hours/{id}", format!("/api/v1/after-hours/{}", uuid::Uuid::new_v4()), json!(null), vec![(Customer, 404), (Agent, 404)]),
        ("POST", "/api/v1/after-hours/{id}/approve", format!("/api/v1/after-hours/{}/approve", uuid::Uuid::new_v4()), json!({}), vec![(Customer, 404), (Manager, 404)]),
        ("POST", "/api/v1/after-hours/{id}/decline", format!("/api/v1/after-hours/{}/decline", uuid::Uuid::new_v4()), json!({"reason": "x"}), vec![(Customer, 404), (Manager, 404)]),
        ("POST", "/api/v1/after-hours/{id}/schedule", format!("/api/v1/after-hours/{}/schedule", uuid::Uuid::new_v4()), json!({"engineer_id": "x"}), vec![(Customer, 404), (Manager, 404)]),
        ("POST", "/api/v1/after-hours/{id}/complete", format!("/api/v1/after-hours/{}/complete", uuid::Uuid::new_v4()), json!({"actual_minutes": 1}), vec![(Customer, 404), (Agent, 404)]),
        ("POST", "/api/v1/after-hours/{id}/cancel", format!("/api/v1/after-hours/{}/cancel", uuid::Uuid::new_v4()), json!({}), vec![(Customer, 404), (Manager, 404)]),
        ("GET", "/api/v1/macs/catalogue", "/api/v1/macs/catalogue".into(), json!(null), vec![(Anonymous, 401), (Customer, 200), (Agent, 200)]),
        ("POST", "/api/v1/macs/catalogue", "/api/v1/macs/catalogue".into(), json!({"name": "", "minutes": 0}), vec![(Anonymous, 401), (Customer, 403), (Agent, 403), (Manager, 422)]),
        ("PATCH", "/api/v1/macs/catalogue/{id}", format!("/api/v1/macs/catalogue/{nobody}"), json!({}), vec![(Customer, 403), (Agent, 403), (Manager, 404)]),
        ("POST", "/api/v1/macs/orders", "/api/v1/macs/orders".into(), json!({"title": "", "details": ""}), vec![(Anonymous, 401), (Customer, 422), (Agent, 403)]),
        ("GET", "/api/v1/macs/orders", "/api/v1/macs/orders".into(), json!(null), vec![(Anonymous, 401), (Customer, 200), (Agent, 200)]),
        ("GET", "/api/v1/macs/orders/{id}", format!("/api/v1/macs/orders/{nobody}"), json!(null), vec![(Customer, 404), (Agent, 404)]),
        ("POST", "/api/v1/macs/orders/{id}/quote", format!("/api/v1/macs/orders/{nobody}/quote"), json!({"minutes": 1}), vec![(Customer, 404), (Agent, 404)]),
        ("POST", "/api/v1/macs/orders/{id}/approve", format!("/api/v1/macs/orders/{nobody}/approve"), json!({}), vec![(Customer, 404), (Manager, 404)]),
        ("POST", "/api/v1/macs/orders/{id}/decline", format!("/api/v1/macs/orders/{nobody}/decline"), json!({"reason": "x"}), vec![(Customer, 404), (Manager, 404)]),
        ("POST", "/api/v1/macs/orders/{id}/complete", format!("/api/v1/macs/orders/{nobody}/complete"), json!({}), vec![(Customer, 404), (Agent, 404)]),
        ("POST", "/api/v1/macs/orders/{id}/cancel", format!("/api/v1/macs/orders/{nobody}/cancel"), json!({}), vec![(Customer, 404), (Manager, 404)]),
        ("GET", "/api/v1/settings/business-hours", "/api/v1/settings/business-hours".into(), json!(null), vec![(Anonymous, 401), (Customer, 200), (Agent, 200)]),
        ("POST", "/api/v1/deployment-projects/{id}/forms/{form}/attachments", format!("{pp}/forms/go_live/attachments"), json!({}), vec![(Anonymous, 401), (Customer, 400), (Stranger, 404), (Agent, 400)]),
        ("POST", "/api/v1/tickets/{id}/attachments", format!("/api/v1/tickets/{t}/attachments"), json!({}), vec![(Anonymous, 401), (Customer, 400), (Stranger, 404), (Agent, 400)]),
        ("GET", "/api/v1/attachments/{id}", format!("/api/v1/attachments/{}", uuid::Uuid::new_v4()), json!(null), vec![(Anonymous, 401), (Customer, 404), (Admin, 404)]),
        ("DELETE", "/api/v1/attachments/{id}", format!("/api/v1/attachments/{}", uuid::Uuid::new_v4()), json!(null), vec![(Anonymous, 401), (Customer, 404), (Agent, 404)]),
        ("GET", "/api/v1/settings/modules", "/api/v1/settings/modules".into(), json!(null), vec![(Anonymous, 401), (Customer, 200), (Manager, 200)]),
        ("PUT", "/api/v1/settings/modules", "/api/v1/settings/modules".into(), json!({"modules": [{"module": "", "requirements": []}]}), vec![(Customer, 403), (Manager, 403), (Admin, 422)]),
        ("PUT", "/api/v1/settings/business-hours", "/api/v1/settings/business-hours".into(), json!({"time_zone": "x", "week": {}, "multipliers": {"weekday_evening": 1.5, "weekend": 2.0, "holiday": 2.0}}), vec![(Customer, 403), (Manager, 403), (Admin, 422)]),
        ("GET", "/api/v1/notifications", "/api/v1/notifications".into(), json!(null), vec![(Anonymous, 401), (Customer, 200), (Agent, 200)]),
        ("GET", "/api/v1/notifications/unread-count", "/api/v1/notifications/unread-count".into(), json!(null), vec![(Anonymous, 401), (Customer, 200), (Admin, 200)]),
        ("POST", "/api/v1/notifications/{id}/read", format!("/api/v1/notifications/{}/read", uuid::Uuid::new_v4()), json!({}), vec![(Anonymous, 401), (Customer, 404), (Admin, 404)]),
        ("POST", "/api/v1/notifications/read-all", "/api/v1/notifications/read-all".into(), json!({}), vec![(Anonymous, 401), (Customer, 200), (Agent, 200)]),
        ("GET", "/api/v1/me/notification-preferences", "/api/v1/me/notification-preferences".into(), json!(null), vec![(Anonymous, 401), (Customer, 200), (Manager, 200)]),
        ("PUT", "/api/v1/me/notification-preferences", "/api/v1/me/notification-preferences".into(), json!({"mail": {"ticket_raised": false}}), vec![(Anonymous, 401), (Customer, 422), (Agent, 422)]),
        ("POST", "/api/v1/mail/inbound", "/api/v1/mail/inbound".into(), json!(null), vec![(Anonymous, 401), (Customer, 401)]),
        ("GET", "/api/v1/mail/inbound", "/api/v1/mail/inbound".into(), json!(null), vec![(Anonymous, 401), (Customer, 403), (Manager, 403), (Admin, 200)]),
        ("GET", "/api/v1/mail/outbox", "/api/v1/mail/outbox".into(), json!(null), vec![(Anonymous, 401), (Customer, 403), (Agent, 403), (Manager, 403), (Admin, 200)]),
        ("POST", "/api/v1/auth/register", "/api/v1/auth/register".into(), json!({}), vec![(Anonymous, 422)]),
        ("POST", "/api/v1/auth/verify-email", "/api/v1/auth/verify-email".into(), json!({"token": "x"}), vec![(Anonymous, 422), (Customer, 422)]),
        ("POST", "/api/v1/auth/resend-verification", "/api/v1/auth/resend-verification".into(), json!({}), vec![(Anonymous, 401), (Customer, 202)]),
        ("POST", "/api/v1/auth/forgot-password", "/api/v1/auth/forgot-password".into(), json!({"email": "x@y.test"}), vec![(Anonymous, 202)]),
        ("POST", "/api/v1/auth/reset-password", "/api/v1/auth/reset-password".into(), json!({"token": "x", "password": "y"}), vec![(Anonymous, 422)]),
        ("PUT", "/api/v1/me/password", "/api/v1/me/password".into(), json!({"current_password": "x", "new_password": "y"}), vec![(Anonymous, 401), (Customer, 422)]),
        ("POST", "/api/v1/auth/login", "/api/v1/auth/login".into(), json!({}), vec![(Anonymous, 422)]),
        ("POST", "/api/v1/auth/logout", "/api/v1/auth/logout".into(), json!(null), vec![(Anonymous, 401)]),
        ("POST", "/api/v1/auth/logout-everywhere", "/api/v1/auth/logout-everywhere".into(), json!(null), vec![(Anonymous, 401)]),
        ("POST", "/api/v1/me/sessions/end-others", "/api/v1/me/sessions/end-others".into(), json!(null), vec![(Anonymous, 401)]),
        ("GET", "/api/v1/organizations/{id}/statement", format!("/api/v1/organizations/{o}/statement"), json!(null), vec![(Anonymous, 401), (Customer, 200), (Stranger, 404), (Agent, 403), (Manager, 200)]),
        ("GET", "/api/v1/organizations/{id}/statement.csv", format!("/api/v1/organizations/{o}/statement.csv"), json!(null), vec![(Anonymous, 401), (Customer, 200), (Stranger, 404), (Agent, 403), (Manager, 200)]),
        // Releases are followed by every signed-in person; staff make and ship them (issue 22).
        ("GET", "/api/v1/releases", "/api/v1/releases".into(), json!(null), vec![(Anonymous, 401), (Customer, 200), (Agent, 200)]),
        ("POST", "/api/v1/releases", "/api/v1/releases".into(), json!({"number": "x"}), vec![(Anonymous, 401), (Customer, 403), (Agent, 422)]),
        ("GET", "/api/v1/releases/next-numbers", "/api/v1/releases/next-numbers".into(), json!(null), vec![(Anonymous, 401), (Customer, 403), (Agent, 200)]),
        ("GET", "/api/v1/releases/in-use", "/api/v1/releases/in-use".into(), json!(null), vec![(Anonymous, 401), (Customer, 403), (Agent, 403), (Manager, 200)]),
        ("GET", "/api/v1/releases/{id}", rel.clone(), json!(null), vec![(Anonymous, 401), (Customer, 200), (Stranger, 200), (Agent, 200)]),
        ("PUT", "/api/v1/releases/{id}", rel.clone(), json!({"planned_on": "x"}), vec![(Anonymous, 401), (Customer, 403), (Agent, 422)]),
        ("POST", "/api/v1/releases/{id}/ship", format!("/api/v1/releases/{nobody}/ship"), json!({}), vec![(Anonymous, 401), (Customer, 403), (Agent, 404)]),
        ("POST", "/api/v1/releases/{id}/tickets", format!("{rel}/tickets"), json!({"ticket": ""}), vec![(Anonymous, 401), (Customer, 403), (Agent, 422)]),
        ("DELETE", "/api/v1/releases/{id}/tickets/{ticket_id}", format!("{rel}/tickets/{t}"), json!(null), vec![(Anonymous, 401), (Customer, 403), (Agent, 404)]),
        ("POST", "/api/v1/releases/{id}/upgrade", format!("{rel}/upgrade"), json!({}), vec![(Anonymous, 401), (Customer, 409), (Agent, 403)]),
        ("GET", "/api/v1/organizations/{id}/installed-release", format!("/api/v1/organizations/{o}/installed-release"), json!(null), vec![(Anonymous, 401), (Customer, 200), (Stranger, 404), (Agent, 200)]),
        ("PUT", "/api/v1/organizations/{id}/installed-release", format!("/api/v1/organizations/{o}/installed-release"), json!({"release": "x"}), vec![(Anonymous, 401), (Customer, 403), (Agent, 403), (Manager, 422)]),
        ("GET", "/api/v1/insider/posts", "/api/v1/insider/posts".into(), json!(null), vec![(Anonymous, 401), (Customer, 200), (Agent, 200)]),
        ("POST", "/api/v1/insider/posts", "/api/v1/insider/posts".into(), json!({"title": "", "body": ""}), vec![(Anonymous, 401), (Customer, 403), (Agent, 422)]),
        // The matrix's client has no IRS contract: the Insider's titles only.
        ("GET", "/api/v1/insider/posts/{id}", post.clone(), json!(null), vec![(Anonymous, 401), (Customer, 403), (Agent, 200)]),
        ("PUT", "/api/v1/insider/posts/{id}", post.clone(), json!({"title": "", "body": ""}), vec![(Anonymous, 401), (Customer, 403), (Agent, 422)]),
        ("POST", "/api/v1/insider/posts/{id}/questions", format!("{post}/questions"), json!({"body": "Q"}), vec![(Anonymous, 401), (Customer, 403), (Agent, 403)]),
        ("POST", "/api/v1/insider/questions/{id}/answer", format!("/api/v1/insider/questions/{nobody}/answer"), json!({"answer": "A"}), vec![(Anonymous, 401), (Customer, 403), (Agent, 404)]),
        ("POST", "/api/v1/insider/questions/{id}/ticket", format!("/api/v1/insider/questions/{nobody}/ticket"), json!({}), vec![(Anonymous, 401), (Customer, 403), (Agent, 404)]),
        ("POST", "/api/v1/insider/feed-token", "/api/v1/insider/feed-token".into(), json!({}), vec![(Anonymous, 401), (Customer, 200)]),
        ("GET", "/api/v1/insider/feed.atom", "/api/v1/insider/feed.atom".into(), json!(null), vec![(Anonymous, 401), (Customer, 401)]),
    ];

    let res = app.client.get(app.url("/api/v1/openapi.json")).send().await.unwrap();
    let doc: serde_json::Value = res.json().await.unwrap();
    let mut documented = BTreeSet::new();
    for (path, methods) in doc["paths"].as_object().unwrap() {
        for method in methods.as_object().unwrap().keys() {
            documented.insert(format!("{} {path}", method.to_uppercase()));
        }
    }
    let covered: BTreeSet<String> = rows.iter().map(|(m, p, ..)| format!("{m} {p}")).collect();
    let missing: Vec<&String> = documented.difference(&covered).collect();
    assert!(missing.is_empty(), "endpoints without a row in the matrix: {missing:?}");

    for (method, template, path, body, expectations) in rows {
        for (who, expected) in expectations {
            let token = match who {
                Anonymous => None,
                Customer => Some(customer.token.as_str()),
                Stranger => Some(stranger.token.as_str()),
                Agent => Some(agent.token.as_str()),
                Manager => Some(manager.token.as_str()),
                Admin => Some(admin.token.as_str()),
            };
            let body = (!body.is_null()).then(|| body.clone());
            let (status, answer) = app.send(method, &path, token, body).await;
            assert_eq!(status.as_u16(), expected, "{method} {template} as {who:?}: {answer}");
            assert_ne!(status, StatusCode::INTERNAL_SERVER_ERROR);
        }
    }
}
