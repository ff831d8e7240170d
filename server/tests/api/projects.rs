//! Deployment projects: opened by account managers, moved one stage at a time, followed by the
//! client's superusers (their own organisation's only).

use crate::harness::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn email_of(app: &TestApp, who: &Person) -> String {
    let (_, me) = app.get("/api/v1/me", &who.token).await;
    me["user"]["email"].as_str().unwrap().to_string()
}

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
    assert_eq!(status, StatusCode::FORBIDDEN, "a plain customer: {body}");
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
    // The Stakeholders stage waits for its form: submitted by the superuser, accepted by CyTrack.
    let (status, body) = advance(&manager, "pre_install").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("Stakeholders form"), "{body}");
    let form = format!("{path}/stakeholders");
    let casey_email = email_of(&app, &casey).await;
    let contacts = json!({"contacts": [
        {"role": "project_sponsor", "name": "Pat Sponsor", "email": "pat@acme.test", "phone": "+61 2 9000 0001"},
        {"role": "it_contact", "name": "Ivy IT", "email": "ivy@acme.test"},
        {"role": "trainer", "name": "Casey Customer", "email": casey_email},
    ]});
    let (status, body) = app.send("PUT", &form, Some(&sam.token), Some(contacts.clone())).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["project"]["stakeholders"]["status"], "submitted");
    assert_eq!(body["project"]["stakeholders"]["contacts"].as_array().unwrap().len(), 3);
    let (status, _) = app.send("PUT", &form, Some(&manager.token), Some(contacts.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the client fills it in");
    let (status, body) =
        app.post(&format!("{form}/return"), Some(&manager.token), json!({"reason": "Add a billing contact."})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["project"]["stakeholders"]["decision_note"], "Add a billing contact.");
    let (status, body) = app.post(&format!("{form}/accept"), Some(&manager.token), json!({})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a returned form waits for the client: {body}");
    let (status, _) = app.send("PUT", &form, Some(&sam.token), Some(contacts.clone())).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app.post(&format!("{form}/accept"), Some(&sam.token), json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "CyTrack accepts it");
    let (status, body) = app.post(&format!("{form}/accept"), Some(&manager.token), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["project"]["stakeholders"]["status"], "accepted");
    let (status, body) = app.post(&format!("{form}/accept"), Some(&manager.token), json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "accepted once: {body}");
    let (status, _) = app.send("PUT", &form, Some(&sam.token), Some(contacts)).await;
    assert_eq!(status, StatusCode::CONFLICT, "the accepted form stands");
    let (_, me) = app.get("/api/v1/me", &casey.token).await;
    assert_eq!(me["user"]["superuser"], true, "the nominated trainer is the organisation's superuser");

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

    for to in ["installation", "training"] {
        let (status, body) = advance(&manager, to).await;
        assert_eq!(status, StatusCode::OK, "{to}: {body}");
    }
    // Testing waits for the superuser's training ("train the trainer").
    let training = format!("{path}/training");
    let (status, body) = advance(&manager, "testing").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("superuser's training"), "{body}");
    let session = |trained: bool| json!({"held_on": "2026-12-01", "trainer": "Tess Trainer", "attendees": ["Casey Customer", "Ivy IT"], "superuser_trained": trained});
    let (status, _) = app.post(&training, Some(&sam.token), session(true)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "CyTrack records training");
    let (status, body) = app
        .post(
            &training,
            Some(&manager.token),
            json!({"held_on": "someday", "trainer": "", "attendees": [], "superuser_trained": true}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["held_on", "trainer", "attendees"] {
        assert!(body["error"]["fields"][field].is_string(), "{field}: {body}");
    }
    let (status, body) = app.post(&training, Some(&manager.token), session(false)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(
        advance(&manager, "testing").await.0,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the superuser was not trained yet"
    );
    let (status, body) = app.post(&training, Some(&manager.token), session(true)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["project"]["training"].as_array().unwrap().len(), 2);
    assert_eq!(body["project"]["training"][1]["attendees"], json!(["Casey Customer", "Ivy IT"]));

    let (status, body) = advance(&manager, "testing").await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // UAT: the client tests what CyTrack lists; a failure raises a ticket; go-live waits until
    // every item passed or was waived.
    let items = format!("{path}/uat-items");
    let (status, body) = advance(&manager, "go_live").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "nothing tested yet: {body}");
    for title in ["Calls reach queue 1", "Wallboard shows queue 1", "After-hours message plays"] {
        let (status, body) = app.post(&items, Some(&manager.token), json!({"title": title})).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let (_, body) = app.get(&path, &sam.token).await;
    let uat = body["project"]["uat"].as_array().unwrap().clone();
    let item = |i: usize| uat[i]["id"].as_str().unwrap().to_string();
    let result = |who: &Person, i: usize, body: Value| {
        let (app, token, url) = (&app, who.token.clone(), format!("/api/v1/uat-items/{}/result", item(i)));
        async move { app.post(&url, Some(&token), body).await }
    };
    assert_eq!(result(&manager, 0, json!({"result": "passed"})).await.0, StatusCode::FORBIDDEN, "the client tests");
    let (status, body) = result(&sam, 0, json!({"result": "failed"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["note"].is_string(), "a failure says what went wrong: {body}");
    let (status, body) = result(&sam, 0, json!({"result": "failed", "note": "Calls drop after the greeting."})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let failed = body["project"]["uat"][0].clone();
    assert_eq!(failed["status"], "failed");
    let ticket = failed["ticket_id"].as_str().unwrap().to_string();
    let (_, raised) = app.get(&format!("/api/v1/tickets/{ticket}"), &sam.token).await;
    assert_eq!(raised["ticket"]["subject"], "UAT: Calls reach queue 1");
    assert_eq!(raised["ticket"]["billing"]["tag"], "deployment", "before go-live: deployment work");
    let (status, body) = result(&sam, 0, json!({"result": "failed", "note": "Still dropping."})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["project"]["uat"][0]["ticket_id"], ticket.as_str(), "one ticket per item");
    let (_, raised) = app.get(&format!("/api/v1/tickets/{ticket}"), &sam.token).await;
    assert!(raised["comments"].to_string().contains("Still dropping."), "{raised}");

    assert_eq!(result(&sam, 0, json!({"result": "passed"})).await.0, StatusCode::OK);
    assert_eq!(result(&sam, 1, json!({"result": "passed"})).await.0, StatusCode::OK);
    let waive = format!("/api/v1/uat-items/{}/waive", item(2));
    let (status, _) = app.post(&waive, Some(&sam.token), json!({"reason": "x"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "CyTrack waives");
    let (status, _) = app.post(&waive, Some(&manager.token), json!({"reason": ""})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a waiver has a reason");
    let (status, body) =
        app.post(&waive, Some(&manager.token), json!({"reason": "No after-hours service until March."})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let passed_waive = format!("/api/v1/uat-items/{}/waive", item(1));
    assert_eq!(app.post(&passed_waive, Some(&manager.token), json!({"reason": "x"})).await.0, StatusCode::CONFLICT);

    for to in ["go_live", "warranty", "completed"] {
        let (status, body) = advance(&manager, to).await;
        assert_eq!(status, StatusCode::OK, "{to}: {body}");
    }
    assert_eq!(
        result(&sam, 1, json!({"result": "failed", "note": "late"})).await.0,
        StatusCode::UNPROCESSABLE_ENTITY,
        "after testing"
    );
    let late_waive = format!("/api/v1/uat-items/{}/waive", item(0));
    let (status, _) = app.post(&late_waive, Some(&manager.token), json!({"reason": "too late"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "waived before go-live only");
    let (status, _) = app.post(&training, Some(&manager.token), session(true)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "training is recorded at its stage");
    let (_, body) = app.get(&path, &sam.token).await;
    assert!(stages(&body["project"]).iter().all(|(_, state)| state == "done"), "{body}");
    assert!(body["project"]["timeline"].as_array().unwrap().iter().all(|s| s["entered_at"].is_string()));
    let (status, body) = advance(&manager, "completed").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["message"].as_str().unwrap().contains("complete"), "{body}");

    // The superuser was told of each step and of the form's decisions; the other client of none.
    let (_, told) = app.get("/api/v1/notifications?per_page=200", &sam.token).await;
    let steps = told["items"].as_array().unwrap().iter().filter(|n| n["kind"] == "deployment_milestone").count();
    assert_eq!(steps, 12, "opened, returned, accepted, two trainings, then seven stages: {told}");
    let (_, told) = app.get("/api/v1/notifications", &blair.token).await;
    assert!(!told.to_string().contains("deployment_milestone"), "{told}");
    let (_, list) = app.get(&format!("/api/v1/organizations/{org}/deployment-projects"), &sam.token).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_stakeholders_form_names_the_people_the_seed_asks_for() {
    let app = spawn_app().await;
    let manager = app.staff("account_manager").await;
    let org = app.organization("Acme", &[]).await;
    let other = app.organization("Borealis", &[]).await;
    let sam = app.customer(&org, true).await;
    let outsider = app.customer(&other, false).await;
    let (_, body) = app
        .post(
            &format!("/api/v1/organizations/{org}/deployment-projects"),
            Some(&manager.token),
            json!({"name": "Level 2"}),
        )
        .await;
    let form = format!("/api/v1/deployment-projects/{}/stakeholders", body["project"]["id"].as_str().unwrap());
    let outsider_email = email_of(&app, &outsider).await;
    let cases = [
        (json!({"contacts": []}), "contacts"),
        (json!({"contacts": [{"role": "captain", "name": "X", "email": "x@acme.test"}]}), "contacts[0].role"),
        (json!({"contacts": [{"role": "trainer", "name": "X", "email": "not an address"}]}), "contacts[0].email"),
        (
            json!({"contacts": [
                {"role": "project_sponsor", "name": "P", "email": "p@acme.test"},
                {"role": "it_contact", "name": "I", "email": "i@acme.test"},
                {"role": "trainer", "name": "O", "email": outsider_email},
            ]}),
            "contacts",
        ),
    ];
    for (body, field) in cases {
        let (status, answer) = app.send("PUT", &form, Some(&sam.token), Some(body)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert!(answer["error"]["fields"][field].is_string(), "{field}: {answer}");
    }
    let (status, body) = app.send("PUT", &form, Some(&outsider.token), Some(json!({"contacts": []}))).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another organisation's form does not exist: {body}");
}
