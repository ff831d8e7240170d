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

    // Pre-install: the client acknowledges each requirement of the deployed modules and gives the
    // site; CyTrack accepts it before installation starts.
    let (status, body) = advance(&manager, "installation").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("Pre-install form"), "{body}");
    let pre_install = format!("{path}/pre-install");
    let (status, body) = app
        .send("PUT", &format!("{path}/modules"), Some(&manager.token), Some(json!({"modules": ["Teleporter"]})))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "not in the catalogue: {body}");
    assert!(body["error"]["fields"]["modules"].as_str().unwrap().contains("CyChat"), "{body}");
    let (status, body) =
        app.send("PUT", &format!("{path}/modules"), Some(&manager.token), Some(json!({"modules": ["cychat"]}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let required = body["project"]["pre_install"]["modules"][0].clone();
    assert_eq!(required["module"], "CyChat");
    let site = json!({"address": "1 George St, Sydney", "contact_name": "Ivy IT", "contact_phone": "+61 2 9000 0002"});
    let first = required["requirements"][0]["text"].as_str().unwrap();
    let partly = json!({"acknowledged": [{"module": "CyChat", "requirement": first}], "site": site});
    let (status, body) = app.send("PUT", &pre_install, Some(&sam.token), Some(partly)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["error"]["fields"]["acknowledged"].as_str().unwrap().contains("CyChat: "), "{body}");
    let all: Vec<Value> = required["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| json!({"module": "CyChat", "requirement": r["text"]}))
        .collect();
    let no_site = json!({"acknowledged": all, "site": {"address": "", "contact_name": "", "contact_phone": "nope"}});
    let (status, body) = app.send("PUT", &pre_install, Some(&sam.token), Some(no_site)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["site.address", "site.contact_name", "site.contact_phone"] {
        assert!(body["error"]["fields"][field].is_string(), "{field}: {body}");
    }
    let complete = json!({"acknowledged": all, "site": site});
    let (status, _) = app.send("PUT", &pre_install, Some(&manager.token), Some(complete.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the client fills it in");
    let (status, body) = app.send("PUT", &pre_install, Some(&sam.token), Some(complete)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let form = &body["project"]["pre_install"];
    assert_eq!(form["status"], "submitted");
    assert!(form["modules"][0]["requirements"].as_array().unwrap().iter().all(|r| r["acknowledged"] == true));
    assert_eq!(form["site"]["contact_phone"], "+61 2 9000 0002");
    let (status, body) = app.post(&format!("{pre_install}/accept"), Some(&manager.token), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["project"]["pre_install"]["status"], "accepted");
    let (status, _) =
        app.send("PUT", &format!("{path}/modules"), Some(&manager.token), Some(json!({"modules": []}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "the accepted form settles the modules");

    // Installation: what was installed against the agreed inclusions; beyond them is a fee.
    let (status, body) = advance(&manager, "installation").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = advance(&manager, "training").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("installed"), "{body}");
    let installation = format!("{path}/installation");
    let bad = json!({"items": [{"item": "robots", "agreed": 1, "installed": 1}, {"item": "queues", "agreed": -1, "installed": 2}]});
    let (status, body) = app.send("PUT", &installation, Some(&manager.token), Some(bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["items[0].item", "items[1].agreed"] {
        assert!(body["error"]["fields"][field].is_string(), "{field}: {body}");
    }
    let items = json!({"items": [
        {"item": "queues", "agreed": 4, "installed": 6},
        {"item": "reports", "agreed": 3, "installed": 2},
    ]});
    let (status, _) = app.send("PUT", &installation, Some(&sam.token), Some(items.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "CyTrack records the installation");
    let (status, body) = app.send("PUT", &installation, Some(&manager.token), Some(items.clone())).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let rows = body["project"]["installation"].as_array().unwrap().clone();
    assert_eq!(rows[0]["item"], "queues");
    assert_eq!(rows[0]["additional"], 2, "two queues beyond the four agreed");
    assert_eq!(rows[1]["additional"], 0);
    let (status, body) = advance(&manager, "training").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = app.send("PUT", &installation, Some(&manager.token), Some(items)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "settled once installation is done");
    // The month's billing export lists the additional fee.
    let month = app::domain::calendar::BusinessCalendar::sydney_default().date_of(chrono::Utc::now()).format("%Y-%m");
    let (status, export) =
        app.get(&format!("/api/v1/organizations/{org}/billing-export?month={month}"), &manager.token).await;
    assert_eq!(status, StatusCode::OK, "{export}");
    let fees = export["additional_fees"].as_array().unwrap();
    assert_eq!(fees.len(), 1, "{export}");
    assert_eq!((fees[0]["item"].as_str(), fees[0]["additional"].as_u64()), (Some("queues"), Some(2)));
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

    let (status, body) = advance(&manager, "go_live").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["project"]["go_live"]["status"], "issued", "reaching go-live issues the Go-Live form");
    let (status, body) = advance(&manager, "warranty").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("Go-Live form"), "{body}");
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
    assert_eq!(stages(&body["project"])[5], ("go_live".to_string(), "current".to_string()));
    assert!(body["project"]["timeline"].as_array().unwrap()[..6].iter().all(|s| s["entered_at"].is_string()));

    // The superuser was told of each step and of the forms' decisions; the other client of none.
    let (_, told) = app.get("/api/v1/notifications?per_page=200", &sam.token).await;
    let steps = told["items"].as_array().unwrap().iter().filter(|n| n["kind"] == "deployment_milestone").count();
    assert_eq!(
        steps, 12,
        "opened, stakeholders returned and accepted, pre-install accepted, installation recorded, two \
         trainings, then five stages: {told}"
    );
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

#[tokio::test]
async fn admins_keep_the_module_catalogue_the_pre_install_form_lists() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let manager = app.staff("account_manager").await;
    let (status, catalogue) = app.get("/api/v1/settings/modules", &manager.token).await;
    assert_eq!(status, StatusCode::OK);
    assert!(catalogue["modules"].as_array().unwrap().iter().any(|m| m["module"] == "CyChat"), "{catalogue}");
    let mine = json!({"modules": [{"module": "Voice recording", "requirements": ["200 GB of storage per year", " "]}]});
    let path = "/api/v1/settings/modules";
    assert_eq!(app.send("PUT", path, Some(&manager.token), Some(mine.clone())).await.0, StatusCode::FORBIDDEN);
    let twice = json!({"modules": [
        {"module": "Voice recording", "requirements": ["x"]},
        {"module": "voice recording", "requirements": ["y"]},
    ]});
    let (status, body) = app.send("PUT", path, Some(&admin.token), Some(twice)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["modules"].as_str().unwrap().contains("twice"), "{body}");
    let (status, body) = app.send("PUT", path, Some(&admin.token), Some(mine)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["modules"][0]["requirements"], json!(["200 GB of storage per year"]), "blank lines dropped");

    let org = app.organization("Acme", &[]).await;
    let url = format!("/api/v1/organizations/{org}/deployment-projects");
    let (status, body) = app.post(&url, Some(&manager.token), json!({"name": "Level 2", "modules": ["CyChat"]})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "no longer in the catalogue: {body}");
    let (status, body) =
        app.post(&url, Some(&manager.token), json!({"name": "Level 2", "modules": ["Voice recording"]})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let form = &body["project"]["pre_install"];
    assert_eq!(form["status"], "not_submitted");
    assert_eq!(form["modules"][0]["requirements"][0]["text"], "200 GB of storage per year");
    assert_eq!(form["modules"][0]["requirements"][0]["acknowledged"], false);
}

#[tokio::test]
async fn a_page_post_naming_no_known_form_decides_nothing() {
    // Review: an unknown form name fell back to the Stakeholders form and accepted it.
    use leptos::server_fn::ServerFn;
    let app = spawn_app().await;
    let manager = app.staff("account_manager").await;
    let org = app.organization("Acme", &[]).await;
    let sam = app.customer(&org, true).await;
    let (_, body) = app
        .post(&format!("/api/v1/organizations/{org}/deployment-projects"), Some(&manager.token), json!({"name": "L2"}))
        .await;
    let id = body["project"]["id"].as_str().unwrap().to_string();
    let sam_email = email_of(&app, &sam).await;
    let contacts = json!({"contacts": [
        {"role": "project_sponsor", "name": "P", "email": "p@acme.test"},
        {"role": "it_contact", "name": "I", "email": "i@acme.test"},
        {"role": "trainer", "name": "Jo Client", "email": sam_email},
    ]});
    let path = format!("/api/v1/deployment-projects/{id}");
    let (status, _) = app.send("PUT", &format!("{path}/stakeholders"), Some(&sam.token), Some(contacts)).await;
    assert_eq!(status, StatusCode::OK);
    let res = app
        .client
        .post(app.url(<app::api::projects::DecideForm as ServerFn>::PATH))
        .bearer_auth(&manager.token)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("id={id}&form=contract"))
        .send()
        .await
        .unwrap();
    assert!(!res.status().is_success(), "{}", res.status());
    let (_, body) = app.get(&path, &manager.token).await;
    assert_eq!(body["project"]["stakeholders"]["status"], "submitted", "nothing was accepted");
}
