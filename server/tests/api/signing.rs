//! The forms the client signs: the Go-Live form (conditions first, then the superuser's
//! signature, or an assessed go-live) and the Deployment Completion form (issued at go-live + 7
//! by the hourly job, signed with the outstanding issues, or deemed at go-live + 21), each once,
//! however many portal processes run the job.

use crate::harness::*;
use app::domain::calendar::BusinessCalendar;
use app::ssr::services::reminders::send_due;
use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// A project of `org` driven through every stage to go-live, its trainer `superuser`.
async fn project_at_go_live(app: &TestApp, manager: &Person, org: &str, superuser: &Person) -> String {
    let (status, body) = app
        .post(
            &format!("/api/v1/organizations/{org}/deployment-projects"),
            Some(&manager.token),
            json!({"name": "Sydney contact centre", "modules": ["CyChat"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["project"]["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/deployment-projects/{id}");
    let (_, me) = app.get("/api/v1/me", &superuser.token).await;
    let contacts = json!({"contacts": [
        {"role": "project_sponsor", "name": "Pat Sponsor", "email": "pat@client.test"},
        {"role": "it_contact", "name": "Ivy IT", "email": "ivy@client.test"},
        {"role": "trainer", "name": "Jo Client", "email": me["user"]["email"]},
    ]});
    let requirements = body["project"]["pre_install"]["modules"][0]["requirements"].as_array().unwrap().clone();
    let acknowledged: Vec<Value> =
        requirements.iter().map(|r| json!({"module": "CyChat", "requirement": r["text"]})).collect();
    let pre_install = json!({"acknowledged": acknowledged, "site": {
        "address": "1 George St, Sydney", "contact_name": "Ivy IT", "contact_phone": "+61 2 9000 0002"}});
    let installation = json!({"items": [{"item": "queues", "agreed": 4, "installed": 4}]});
    let training =
        json!({"held_on": "2026-12-01", "trainer": "Tess", "attendees": ["Jo Client"], "superuser_trained": true});
    let steps: [(&str, &str, &Person, Value); 13] = [
        ("PUT", "/stakeholders", superuser, contacts),
        ("POST", "/stakeholders/accept", manager, json!({})),
        ("POST", "/advance", manager, json!({"to": "pre_install"})),
        ("PUT", "/pre-install", superuser, pre_install),
        ("POST", "/pre-install/accept", manager, json!({})),
        ("POST", "/advance", manager, json!({"to": "installation"})),
        ("PUT", "/installation", manager, installation),
        ("POST", "/advance", manager, json!({"to": "training"})),
        ("POST", "/training", manager, training),
        ("POST", "/advance", manager, json!({"to": "testing"})),
        ("POST", "/uat-items", manager, json!({"title": "Calls reach queue 1"})),
        ("", "", superuser, json!({})),
        ("POST", "/advance", manager, json!({"to": "go_live"})),
    ];
    for (method, step, who, body) in steps {
        if method.is_empty() {
            let (_, project) = app.get(&path, &who.token).await;
            let item = project["project"]["uat"][0]["id"].as_str().unwrap().to_string();
            let (status, body) = app
                .post(&format!("/api/v1/uat-items/{item}/result"), Some(&who.token), json!({"result": "passed"}))
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
            continue;
        }
        let (status, answer) = app.send(method, &format!("{path}{step}"), Some(&who.token), Some(body)).await;
        assert!(status.is_success(), "{step}: {answer}");
    }
    id
}

fn today(offset: i64) -> chrono::NaiveDate {
    BusinessCalendar::sydney_default().date_of(Utc::now()) + Duration::days(offset)
}

#[tokio::test]
async fn the_client_signs_go_live_then_completion_with_its_outstanding_issues() {
    let app = spawn_app().await;
    let manager = app.staff("account_manager").await;
    let org = app.organization("Acme", &[]).await;
    let other = app.organization("Borealis", &[]).await;
    let sam = app.customer(&org, true).await;
    let casey = app.customer(&org, false).await;
    let blair = app.customer(&other, true).await;
    let id = project_at_go_live(&app, &manager, &org, &sam).await;
    let path = format!("/api/v1/deployment-projects/{id}");
    let sign = |who: &Person, form: &str, name: &str| {
        let (app, token, url) = (&app, who.token.clone(), format!("{path}/{form}/sign"));
        let body = json!({"full_name": name});
        async move { app.post(&url, Some(&token), body).await }
    };

    // Go-live waits for its commercial conditions; CyTrack sets them, the client signs.
    let conditions = format!("{path}/go-live/conditions");
    let unmet = json!({"conditions": [{"text": "Deposit invoice paid", "fulfilled": false}]});
    assert_eq!(app.send("PUT", &conditions, Some(&sam.token), Some(unmet.clone())).await.0, StatusCode::FORBIDDEN);
    let (status, body) = app.send("PUT", &conditions, Some(&manager.token), Some(unmet)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = sign(&sam, "go-live", "Jo Client").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(error_code(&body), "conditions_unfulfilled");
    assert!(body["error"]["message"].as_str().unwrap().contains("Deposit invoice paid"), "{body}");
    let met = json!({"conditions": [{"text": "Deposit invoice paid", "fulfilled": true}]});
    assert_eq!(app.send("PUT", &conditions, Some(&manager.token), Some(met)).await.0, StatusCode::OK);
    assert_eq!(sign(&casey, "go-live", "Jo Client").await.0, StatusCode::FORBIDDEN, "a plain customer");
    assert_eq!(sign(&manager, "go-live", "A account_manager").await.0, StatusCode::FORBIDDEN, "the client signs");
    assert_eq!(sign(&blair, "go-live", "Jo Client").await.0, StatusCode::NOT_FOUND, "another organisation's form");
    let (status, body) = sign(&sam, "go-live", "Someone Else").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["full_name"].as_str().unwrap().contains("Jo Client"), "{body}");
    let (status, body) = sign(&sam, "go-live", " jo  client ").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let go_live = &body["project"]["go_live"];
    assert_eq!(go_live["status"], "signed");
    assert_eq!(go_live["go_live_on"], today(0).to_string());
    assert_eq!(go_live["signature"]["typed_name"], "jo client");
    assert_eq!(go_live["signature"]["signed_by_name"], "Jo Client");
    assert_eq!(body["project"]["stage"], "warranty");
    let (status, body) = sign(&sam, "go-live", "Jo Client").await;
    assert_eq!(status, StatusCode::CONFLICT, "signed once: {body}");
    assert_eq!(error_code(&body), "already_signed");
    let assessed = json!({"go_live_on": today(0).to_string(), "reason": "x"});
    assert_eq!(
        app.post(&format!("{path}/go-live/assess"), Some(&manager.token), assessed).await.0,
        StatusCode::CONFLICT
    );
    let (_, account) = app.get(&format!("/api/v1/organizations/{org}/account"), &sam.token).await;
    assert_eq!(account["deployment"]["go_live_on"], today(0).to_string(), "{account}");
    assert_eq!(account["deployment"]["go_live_basis"], "signed");

    // A fault in the warranty period; the completion form is not issued until go-live + 7.
    let fault = json!({"subject": "Queue 2 overflows", "description": "Calls overflow too early.", "kind": "fault", "priority": "p3"});
    let (status, body) = app.post("/api/v1/tickets", Some(&sam.token), fault.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["ticket"]["billing"]["tag"], "warranty");
    let warranty_fault = body["ticket"]["id"].as_str().unwrap().to_string();
    let (status, body) = sign(&sam, "completion", "Jo Client").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(error_code(&body), "not_issued");
    let db = app.database().await;
    assert_eq!(send_due(&db, Utc::now() + Duration::days(7)).await.unwrap(), 1, "the form is issued on day 7");
    let (_, body) = app.get(&path, &sam.token).await;
    let completion = &body["project"]["completion"];
    assert_eq!(completion["status"], "issued");
    assert_eq!(completion["issued_on"], today(7).to_string());
    assert_eq!(completion["deemed_on"], today(21).to_string());
    let (_, told) = app.get("/api/v1/notifications?per_page=200", &sam.token).await;
    let issued =
        told["items"].as_array().unwrap().iter().find(|n| n["title"] == "Your Deployment Completion form is issued");
    assert!(issued.is_some(), "{told}");

    // Outstanding issues: a ticket of the client's (another organisation's is not found), or one
    // raised from the form.
    let outstanding = format!("{path}/completion/outstanding");
    let (_, foreign) = app.post("/api/v1/tickets", Some(&blair.token), fault.clone()).await;
    let foreign = foreign["ticket"]["id"].as_str().unwrap();
    let (status, body) = app.post(&outstanding, Some(&sam.token), json!({"ticket_id": foreign})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, body) = app.post(&outstanding, Some(&sam.token), json!({"ticket_id": warranty_fault})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app.post(&outstanding, Some(&sam.token), json!({"subject": "", "description": ""})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["subject"].is_string(), "{body}");
    let raised = json!({"subject": "Wallboard colours", "description": "Queue 3 shows red when idle."});
    let (status, body) = app.post(&outstanding, Some(&sam.token), raised).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let listed = body["project"]["completion"]["outstanding"].as_array().unwrap().clone();
    assert_eq!(listed.len(), 2, "{body}");
    assert_eq!(listed[1]["subject"], "Wallboard colours");
    let new_ticket = listed[1]["ticket_id"].as_str().unwrap().to_string();
    let (status, body) = app.send("DELETE", &format!("{outstanding}/{new_ticket}"), Some(&sam.token), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["project"]["completion"]["outstanding"].as_array().unwrap().len(), 1);
    let (status, _) = app.post(&outstanding, Some(&manager.token), json!({"ticket_id": new_ticket})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the client lists its issues");

    let (status, body) = sign(&sam, "completion", "Jo Client").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let project = &body["project"];
    assert_eq!(project["stage"], "completed");
    assert_eq!(project["completion"]["status"], "signed");
    assert_eq!(project["timeline"][7]["entered_by_name"], "Jo Client");
    let (status, body) = sign(&sam, "completion", "Jo Client").await;
    assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, "already_signed"), "the first signature stands");
    let (status, _) = app.post(&outstanding, Some(&sam.token), json!({"ticket_id": new_ticket})).await;
    assert_eq!(status, StatusCode::CONFLICT, "the signed form is closed");

    // The record the classification reads: completed today, the listed fault warranty for good,
    // a new fault billable.
    let (_, account) = app.get(&format!("/api/v1/organizations/{org}/account"), &sam.token).await;
    let deployment = &account["deployment"];
    assert_eq!(deployment["completion_basis"], "signed", "{account}");
    assert_eq!(deployment["completion_signed_on"], today(0).to_string());
    assert_eq!(deployment["outstanding_ticket_ids"], json!([warranty_fault]));
    let (_, listed) = app.get(&format!("/api/v1/tickets/{warranty_fault}"), &sam.token).await;
    assert_eq!(listed["ticket"]["billing"]["tag"], "warranty", "{listed}");
    let (_, after) = app.post("/api/v1/tickets", Some(&sam.token), fault).await;
    assert_eq!(after["ticket"]["billing"]["tag"], "billable", "{after}");
    assert_eq!(send_due(&db, Utc::now() + Duration::days(21)).await.unwrap(), 0, "a signed form is never deemed");

    // Both signatures are in the audit log, as the signer typed them, on the organisation.
    let (status, log) =
        app.get(&format!("/api/v1/audit-log?kind=form_signed&organization_id={org}"), &manager.token).await;
    assert_eq!(status, StatusCode::OK, "{log}");
    let signed: Vec<(&str, &str)> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["before"]["form"].as_str().unwrap(), e["after"]["signed_name"].as_str().unwrap()))
        .collect();
    assert_eq!(signed, [("completion", "Jo Client"), ("go_live", "jo client")], "as typed: {log}");
    assert!(log["items"].as_array().unwrap().iter().all(|e| e["actor_id"] == sam.id.as_str()));
}

#[tokio::test]
async fn an_assessed_go_live_is_deemed_complete_once_across_two_processes() {
    let app = spawn_app().await;
    let manager = app.staff("account_manager").await;
    let org = app.organization("Borealis", &[]).await;
    let blair = app.customer(&org, true).await;
    let id = project_at_go_live(&app, &manager, &org, &blair).await;
    let path = format!("/api/v1/deployment-projects/{id}");
    let assess = format!("{path}/go-live/assess");
    let cases = [
        (json!({"go_live_on": today(-1).to_string(), "reason": "Client unreachable"}), "go_live_on", "before testing"),
        (json!({"go_live_on": today(2).to_string(), "reason": "Client unreachable"}), "go_live_on", "has come"),
        (json!({"go_live_on": "soon", "reason": ""}), "reason", ""),
    ];
    for (body, field, words) in cases {
        let (status, answer) = app.post(&assess, Some(&manager.token), body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert!(answer["error"]["fields"][field].as_str().unwrap().contains(words), "{field}: {answer}");
    }
    let assessed = json!({"go_live_on": today(0).to_string(), "reason": "The client did not return the form."});
    assert_eq!(app.post(&assess, Some(&blair.token), assessed.clone()).await.0, StatusCode::FORBIDDEN);
    let (status, body) = app.post(&assess, Some(&manager.token), assessed).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["project"]["go_live"]["status"], "assessed");
    assert_eq!(body["project"]["go_live"]["assessed_by_name"], "A account_manager");
    assert_eq!(body["project"]["go_live"]["assessed_reason"], "The client did not return the form.");
    let (_, log) =
        app.get(&format!("/api/v1/audit-log?kind=go_live_assessed&organization_id={org}"), &manager.token).await;
    assert_eq!(log["total"], 1, "{log}");
    assert!(log["items"][0]["summary"].as_str().unwrap().contains("The client did not return the form."));

    // Two portal processes run the hourly job at the same moments: each step happens once.
    let (one, two) = (app.database().await, app.database().await);
    let week = Utc::now() + Duration::days(7);
    let (a, b) = tokio::join!(send_due(&one, week), send_due(&two, week));
    assert_eq!(a.unwrap() + b.unwrap(), 1, "issued once");
    let (_, body) = app.get(&path, &blair.token).await;
    assert_eq!(body["project"]["completion"]["status"], "issued");
    let deemed = Utc::now() + Duration::days(21);
    let (a, b) = tokio::join!(send_due(&one, deemed), send_due(&two, deemed));
    assert_eq!(a.unwrap() + b.unwrap(), 1, "deemed once");
    let (_, body) = app.get(&path, &blair.token).await;
    let project = &body["project"];
    assert_eq!(project["stage"], "completed");
    assert_eq!(project["completion"]["status"], "deemed");
    assert_eq!(project["timeline"][7]["entered_by_name"], "the portal");
    let (status, body) =
        app.post(&format!("{path}/completion/sign"), Some(&blair.token), json!({"full_name": "Jo Client"})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, "already_signed"), "deemed: {body}");

    let (_, told) = app.get("/api/v1/notifications?per_page=200", &blair.token).await;
    let deemed: Vec<&Value> = told["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["title"] == "Your deployment is deemed complete")
        .collect();
    assert_eq!(deemed.len(), 1, "{told}");
}
