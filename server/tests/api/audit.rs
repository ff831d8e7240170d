//! The audit log (issue 19): every security- or money-relevant action is recorded with who,
//! when, what and before/after, in the action's own transaction; admins read all of it,
//! account managers one organisation's, nobody else any; and no door can change an entry.

use crate::harness::*;
use crate::vouchers::{billable_world, in_days, issue};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn entries(app: &TestApp, who: &Person, query: &str) -> Vec<Value> {
    let (status, body) = app.get(&format!("/api/v1/audit-log?per_page=200&{query}"), &who.token).await;
    assert_eq!(status, StatusCode::OK, "{query}: {body}");
    assert_eq!(body["total"].as_u64().unwrap() as usize, body["items"].as_array().unwrap().len(), "{body}");
    body["items"].as_array().unwrap().clone()
}

fn of_kind<'a>(log: &'a [Value], kind: &str) -> Vec<&'a Value> {
    log.iter().filter(|e| e["kind"] == kind).collect()
}

#[tokio::test]
async fn every_security_and_money_action_is_in_the_audit_log() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    // Staff created, an organisation, a deployment recorded, registrations approved, a voucher.
    let (org, manager, sam, agent, ticket) = billable_world(&app).await;
    let casey = app.customer(&org, false).await;
    let casey_email = {
        let (_, me) = app.get("/api/v1/me", &casey.token).await;
        me["user"]["email"].as_str().unwrap().to_string()
    };
    let declined = app.register("Mallory Guess", "mallory@elsewhere.test").await;
    let (status, body) = app
        .post(&format!("/api/v1/users/{declined}/reject"), Some(&manager.token), json!({"reason": "Not a client"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Accounts: disabled and re-enabled, a deputy superuser made, roles changed.
    for step in ["disable", "enable"] {
        let (status, body) =
            app.post(&format!("/api/v1/users/{}/{step}", casey.id), Some(&manager.token), json!({})).await;
        assert_eq!(status, StatusCode::OK, "{step}: {body}");
    }
    // Disabling ended Casey's sessions; re-enabled, Casey signs in again.
    let casey = app.login(&casey_email, PASSWORD).await;
    let (status, body) = app
        .send(
            "PUT",
            &format!("/api/v1/users/{}/superuser", casey.id),
            Some(&sam.token),
            Some(json!({"superuser": true})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "the superuser makes a deputy: {body}");
    let (status, body) = app
        .send(
            "PUT",
            &format!("/api/v1/users/{}/role", agent.id),
            Some(&admin.token),
            Some(json!({"role": "account_manager"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["user"]["role"], "account_manager");

    // Settings and queues.
    let (_, hours) = app.get("/api/v1/settings/business-hours", &admin.token).await;
    let mut changed = hours.clone();
    changed["multipliers"]["weekend"] = json!(3.0);
    let (status, body) = app.send("PUT", "/api/v1/settings/business-hours", Some(&admin.token), Some(changed)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let queue = json!({"name": "Recorders", "position": 5, "kinds": ["fault"], "products": [], "tags": []});
    let (status, body) = app.post("/api/v1/queues", Some(&admin.token), queue.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let queue_id = body["queue"]["id"].as_str().unwrap().to_string();
    let renamed = json!({"name": "Call recording", "position": 5, "kinds": ["fault"], "products": [], "tags": []});
    let (status, body) =
        app.send("PUT", &format!("/api/v1/queues/{queue_id}"), Some(&admin.token), Some(renamed)).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Money: a voucher issued, minutes spent and refunded, a ticket reclassified, a contract.
    issue(&app, &manager, &org, 120, &in_days(90)).await;
    let (status, spent) =
        app.post(&format!("/api/v1/tickets/{ticket}/redemptions"), Some(&manager.token), json!({"minutes": 30})).await;
    assert_eq!(status, StatusCode::CREATED, "{spent}");
    let refund = format!("/api/v1/redemptions/{}/refund", spent["redemption"]["id"].as_str().unwrap());
    let (status, body) =
        app.post(&refund, Some(&manager.token), json!({"reason": "Logged against the wrong ticket"})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = app
        .post(
            &format!("/api/v1/tickets/{ticket}/billing"),
            Some(&manager.token),
            json!({"tag": "warranty", "reason": "A fault of ours"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app
        .post(
            &format!("/api/v1/organizations/{org}/irs-contracts"),
            Some(&manager.token),
            json!({"starts_on": in_days(0), "ends_on": in_days(365)}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // Casey changes their password.
    let (status, body) = app
        .send(
            "PUT",
            "/api/v1/me/password",
            Some(&casey.token),
            Some(json!({"current_password": PASSWORD, "new_password": "a-new-long-passphrase"})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");

    // Sign-ins gone wrong: each wrong password, and the lockout once.
    for _ in 0..7 {
        let (status, _) =
            app.post("/api/v1/auth/login", None, json!({"email": casey_email, "password": "not-the-password"})).await;
        assert!(matches!(status, StatusCode::UNAUTHORIZED | StatusCode::TOO_MANY_REQUESTS));
    }
    app.post("/api/v1/auth/login", None, json!({"email": "nobody@nowhere.test", "password": "guess"})).await;

    let log = entries(&app, &admin, "").await;
    for kind in [
        "staff_created",
        "organization_created",
        "deployment_recorded",
        "registration_approved",
        "registration_rejected",
        "sign_in_failed",
        "sign_in_throttled",
        "account_disabled",
        "account_enabled",
        "superuser_changed",
        "role_changed",
        "settings_changed",
        "queue_created",
        "queue_changed",
        "voucher_issued",
        "redemption_refunded",
        "ticket_reclassified",
        "irs_contract_added",
        "password_changed",
    ] {
        assert!(!of_kind(&log, kind).is_empty(), "{kind} is recorded: {log:#?}");
    }
    // Newest first, every entry with who and when.
    let times: Vec<&str> = log.iter().map(|e| e["at"].as_str().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "{times:?}");
    // Each says who did what to what, and what it was and became.
    let issued = of_kind(&log, "voucher_issued")[0];
    assert_eq!(issued["actor_id"], manager.id.as_str());
    assert_eq!(issued["actor_name"], "A account_manager");
    assert_eq!(issued["organization_id"], org.as_str());
    assert_eq!(issued["organization_name"], "Acme");
    assert_eq!(issued["target_type"], "voucher");
    assert_eq!(issued["after"]["minutes"], 120);
    let failed = of_kind(&log, "sign_in_failed");
    assert_eq!(
        failed.iter().filter(|e| e["actor_name"] == casey_email.as_str()).count(),
        5,
        "five wrong passwords checked"
    );
    assert!(failed.iter().all(|e| e["actor_id"].is_null()));
    assert!(failed.iter().any(|e| e["actor_name"] == "nobody@nowhere.test" && e["target_id"].is_null()));
    assert_eq!(of_kind(&log, "sign_in_throttled").len(), 1, "the lockout is recorded once, not per attempt");
    let role = of_kind(&log, "role_changed")[0];
    assert_eq!(
        (role["before"]["role"].as_str(), role["after"]["role"].as_str()),
        (Some("agent"), Some("account_manager"))
    );
    let reclassified = of_kind(&log, "ticket_reclassified")[0];
    assert_eq!(reclassified["before"]["tag"], "billable");
    assert_eq!(reclassified["after"]["tag"], "warranty");
    let settings = of_kind(&log, "settings_changed")[0];
    assert_eq!(settings["before"]["multipliers"]["weekend"], 200);
    assert_eq!(settings["after"]["multipliers"]["weekend"], 300);
    let renamed = of_kind(&log, "queue_changed")[0];
    assert_eq!(
        (renamed["before"]["name"].as_str(), renamed["after"]["name"].as_str()),
        (Some("Recorders"), Some("Call recording"))
    );
    assert!(!log.iter().any(|e| e.to_string().contains("a-new-long-passphrase")), "never a password");

    // Searches: by kind, by actor, by day, by organisation; refusals name the field.
    let refunds = entries(&app, &admin, "kind=redemption_refunded").await;
    assert_eq!(refunds.len(), 1);
    assert!(refunds[0]["summary"].as_str().unwrap().contains("Logged against the wrong ticket"));
    let by_sam = entries(&app, &admin, "actor=jo%20client").await;
    assert!(
        by_sam.iter().all(|e| e["actor_name"].as_str().unwrap().to_lowercase().contains("jo client")),
        "{by_sam:?}"
    );
    assert!(by_sam.iter().any(|e| e["kind"] == "superuser_changed"));
    assert_eq!(
        entries(&app, &admin, &format!("actor={}", manager.id))
            .await
            .iter()
            .filter(|e| e["actor_id"] != manager.id.as_str())
            .count(),
        0
    );
    // Days are the support time zone's (in UTC's afternoon, Sydney's is already tomorrow).
    let calendar = app::ssr::services::settings::calendar(&app.database().await).await.unwrap();
    let today = calendar.date_of(chrono::Utc::now());
    assert_eq!(entries(&app, &admin, &format!("from={today}&to={today}")).await.len(), log.len(), "all of it today");
    let later = today + chrono::Days::new(2);
    assert!(entries(&app, &admin, &format!("from={later}")).await.is_empty());
    for (query, field) in [
        ("kind=erased", "kind"),
        ("from=yesterday", "from"),
        (&format!("from={}&to={}", in_days(3), in_days(1)) as &str, "to"),
    ] {
        let (status, body) = app.get(&format!("/api/v1/audit-log?{query}"), &admin.token).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
        assert!(body["error"]["fields"][field].is_string(), "{query}: {body}");
    }

    // Account managers read one organisation's entries; agents and customers none.
    let (status, body) = app.get("/api/v1/audit-log", &manager.token).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["error"]["fields"]["organization_id"].is_string());
    let acme = entries(&app, &manager, &format!("organization_id={org}")).await;
    assert!(acme.len() >= 8, "{acme:?}");
    assert!(acme.iter().all(|e| e["organization_id"] == org.as_str()));
    let other = app.staff("agent").await;
    for who in [&other, &sam, &casey] {
        let (status, _) = app.get(&format!("/api/v1/audit-log?organization_id={org}"), &who.token).await;
        assert!(matches!(status, StatusCode::FORBIDDEN | StatusCode::UNAUTHORIZED), "{status}");
    }

    // The CSV holds the same search, a header and a row per entry.
    let res = app
        .client
        .get(app.url(&format!("/api/v1/audit-log.csv?organization_id={org}")))
        .bearer_auth(&manager.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = res.text().await.unwrap();
    assert!(csv.starts_with("at,actor,kind,organisation,"), "{csv}");
    assert_eq!(csv.lines().count(), acme.len() + 1, "{csv}");
}

#[tokio::test]
async fn an_audit_entry_can_never_be_changed_or_removed() {
    use sea_orm::ConnectionTrait;
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.organization("Acme", &[]).await;
    let before = entries(&app, &admin, "").await;
    assert!(!before.is_empty());
    // No door of the API writes the log.
    for method in ["POST", "PUT", "PATCH", "DELETE"] {
        let (status, _) = app.send(method, "/api/v1/audit-log", Some(&admin.token), Some(json!({}))).await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{method}");
    }
    // Nor does anything with the database's own connection: the database refuses.
    let db = app.database().await;
    for sql in ["UPDATE audit_entries SET summary = 'nothing happened'", "DELETE FROM audit_entries"] {
        let refused = db.execute_unprepared(sql).await;
        assert!(refused.is_err(), "{sql} was allowed");
        assert!(refused.unwrap_err().to_string().contains("append only"));
    }
    assert_eq!(entries(&app, &admin, "").await, before);
}

#[tokio::test]
async fn nobody_is_left_without_an_admin_or_an_organisation_without_a_superuser() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let org = app.organization("Acme", &[]).await;
    let other = app.organization("Borealis", &[]).await;
    let sam = app.customer(&org, true).await;
    let casey = app.customer(&org, false).await;
    let blair = app.customer(&other, true).await;

    // The only admin keeps the role; with a second one, either may step down.
    let path = |id: &str, what: &str| format!("/api/v1/users/{id}/{what}");
    let (status, body) =
        app.send("PUT", &path(&admin.id, "role"), Some(&admin.token), Some(json!({"role": "agent"}))).await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "last_admin"), "{body}");
    let second = app.staff("admin").await;
    let (status, body) =
        app.send("PUT", &path(&admin.id, "role"), Some(&second.token), Some(json!({"role": "agent"}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app.post(&path(&second.id, "disable"), Some(&second.token), json!({})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "never oneself: {body}");
    let (status, body) =
        app.send("PUT", &path(&casey.id, "role"), Some(&second.token), Some(json!({"role": "admin"}))).await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "not_staff"), "{body}");
    let (status, body) =
        app.send("PUT", &path(&admin.id, "role"), Some(&second.token), Some(json!({"role": "customer"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["error"]["fields"]["role"].is_string());

    // An organisation keeps a superuser; its superuser manages its own people only.
    let (status, body) =
        app.send("PUT", &path(&sam.id, "superuser"), Some(&sam.token), Some(json!({"superuser": false}))).await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "last_superuser"), "{body}");
    let (status, _) =
        app.send("PUT", &path(&blair.id, "superuser"), Some(&sam.token), Some(json!({"superuser": false}))).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another organisation's person does not exist");
    let (status, _) = app.post(&path(&blair.id, "disable"), Some(&sam.token), json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app.post(&path(&second.id, "disable"), Some(&sam.token), json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "staff are not the organisation's people");
    let (status, _) =
        app.send("PUT", &path(&sam.id, "superuser"), Some(&casey.token), Some(json!({"superuser": false}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a plain customer manages nobody");
    let (status, body) = app.post(&path(&sam.id, "disable"), Some(&second.token), json!({})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "last_superuser"), "{body}");
    // With a deputy, the first may step down, be disabled, and come back.
    let (status, _) =
        app.send("PUT", &path(&casey.id, "superuser"), Some(&sam.token), Some(json!({"superuser": true}))).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = app.post(&path(&sam.id, "disable"), Some(&casey.token), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["user"]["status"], "disabled");
    let (status, body) = app.post(&path(&sam.id, "disable"), Some(&casey.token), json!({})).await;
    assert_eq!(status, StatusCode::OK, "disabling twice changes nothing: {body}");
    let (status, body) = app.post(&path(&sam.id, "enable"), Some(&casey.token), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["user"]["status"], "active");
    let (status, body) = app.post(&path(&sam.id, "enable"), Some(&casey.token), json!({})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, "not_disabled"), "{body}");
}

#[tokio::test]
async fn an_account_manager_renames_an_organisation_and_changes_its_domains() {
    let app = spawn_app().await;
    let manager = app.staff("account_manager").await;
    let org = app.organization("Acme", &["acme.test"]).await;
    let other = app.organization("Borealis", &["borealis.test"]).await;
    let sam = app.customer(&org, true).await;
    let path = format!("/api/v1/organizations/{org}");
    let body = json!({"name": "Acme Contact Centres", "email_domains": ["acme.test", "Acme.Com.AU", "acme.com.au"]});
    let (status, saved) = app.send("PUT", &path, Some(&manager.token), Some(body.clone())).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["organization"]["name"], "Acme Contact Centres");
    assert_eq!(saved["organization"]["email_domains"], json!(["acme.com.au", "acme.test"]));
    // A domain another organisation holds: 409, nothing changed.
    let (status, refused) = app
        .send("PUT", &path, Some(&manager.token), Some(json!({"name": "Acme", "email_domains": ["borealis.test"]})))
        .await;
    assert_eq!((status, error_code(&refused)), (StatusCode::CONFLICT, "domain_taken"), "{refused}");
    let (_, kept) = app.get(&path, &manager.token).await;
    assert_eq!(kept["organization"], saved["organization"]);
    // A domain dropped is free for another organisation.
    let (status, _) = app
        .send(
            "PUT",
            &path,
            Some(&manager.token),
            Some(json!({"name": "Acme Contact Centres", "email_domains": ["acme.test"]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = app
        .send(
            "PUT",
            &format!("/api/v1/organizations/{other}"),
            Some(&manager.token),
            Some(json!({"name": "Borealis", "email_domains": ["borealis.test", "acme.com.au"]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Nobody else edits; a bad name names the field; the log says what changed.
    let hijack = json!({"name": "Hijacked", "email_domains": []});
    assert_eq!(app.send("PUT", &path, Some(&sam.token), Some(hijack)).await.0, StatusCode::FORBIDDEN);
    let (status, body) =
        app.send("PUT", &path, Some(&manager.token), Some(json!({"name": "", "email_domains": []}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["name"].is_string());
    let (status, _) = app
        .send(
            "PUT",
            &format!("/api/v1/organizations/{}", uuid::Uuid::new_v4()),
            Some(&manager.token),
            Some(json!({"name": "X", "email_domains": []})),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let edits = entries(&app, &manager, &format!("organization_id={org}&kind=organization_changed")).await;
    assert_eq!(edits.len(), 2);
    assert_eq!(edits[1]["before"]["name"], "Acme");
    assert_eq!(edits[1]["after"]["email_domains"], json!(["acme.test", "acme.com.au"]));
}

#[tokio::test]
async fn people_and_the_audit_log_sort_as_asked() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let org = app.organization("Acme", &[]).await;
    for name in ["Zed Last", "Abe First"] {
        let email = format!("{}@acme.test", name.split(' ').next().unwrap().to_lowercase());
        let (status, body) = app
            .post(
                &format!("/api/v1/organizations/{org}/invitations"),
                Some(&admin.token),
                json!({"name": name, "email": email}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let names = |body: &Value| -> Vec<String> {
        body["items"].as_array().unwrap().iter().map(|u| u["name"].as_str().unwrap().to_string()).collect()
    };
    let (_, newest) = app.get(&format!("/api/v1/users?organization_id={org}"), &admin.token).await;
    assert_eq!(names(&newest), ["Abe First", "Zed Last"], "newest first");
    let (_, oldest) = app.get(&format!("/api/v1/users?organization_id={org}&sort=oldest"), &admin.token).await;
    assert_eq!(names(&oldest), ["Zed Last", "Abe First"]);
    let (_, by_name) = app.get(&format!("/api/v1/users?organization_id={org}&sort=name"), &admin.token).await;
    assert_eq!(names(&by_name), ["Abe First", "Zed Last"]);
    let (status, body) = app.get("/api/v1/users?sort=shoe_size", &admin.token).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["sort"].is_string());

    let newest = entries(&app, &admin, "").await;
    let oldest = entries(&app, &admin, "sort=oldest").await;
    assert_eq!(newest.iter().rev().cloned().collect::<Vec<_>>(), oldest);
    let (status, _) = app.get("/api/v1/audit-log?sort=sideways", &admin.token).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}
