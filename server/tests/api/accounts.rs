//! Proving an address, resetting a forgotten password, changing one's password: the links travel
//! by mail (read here from the outbox), are single use, and expire.

use crate::harness::*;
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;

async fn sign_up(app: &TestApp, email: &str) -> String {
    let (status, body) = app
        .post(
            "/api/v1/auth/register",
            None,
            json!({"name": "Pat", "email": email, "password": PASSWORD, "company": "NewCo"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["user"]["email_verified"], false);
    body["user"]["id"].as_str().unwrap().to_string()
}

/// How many mails of this kind went to `email`.
async fn mails(app: &TestApp, email: &str, kind: &str) -> i64 {
    let db = app.database().await;
    let sql = match db.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => {
            "SELECT COUNT(*) AS n FROM mail_outbox WHERE to_address = $1 AND kind = $2"
        }
        _ => "SELECT COUNT(*) AS n FROM mail_outbox WHERE to_address = ? AND kind = ?",
    };
    let row = db
        .query_one(Statement::from_sql_and_values(db.get_database_backend(), sql, [email.into(), kind.into()]))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

/// Every token issued so far was issued three days ago, and has expired.
async fn tokens_expire(app: &TestApp) {
    let db = app.database().await;
    let issued = chrono::Utc::now() - chrono::Duration::days(3);
    let expired = chrono::Utc::now() - chrono::Duration::seconds(1);
    let sql = match db.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => "UPDATE account_tokens SET created_at = $1, expires_at = $2",
        _ => "UPDATE account_tokens SET created_at = ?, expires_at = ?",
    };
    let values = [issued.into(), expired.into()];
    db.execute(Statement::from_sql_and_values(db.get_database_backend(), sql, values)).await.unwrap();
}

/// A customer signed in on two devices, and their address.
async fn signed_in_twice(app: &TestApp) -> (Person, Person, String) {
    let org = app.organization("Acme", &[]).await;
    let casey = app.customer(&org, false).await;
    let (_, me) = app.get("/api/v1/me", &casey.token).await;
    let email = me["user"]["email"].as_str().unwrap().to_string();
    let other_device = app.login(&email, PASSWORD).await;
    (casey, other_device, email)
}

fn assert_invalid_token(status: StatusCode, body: &serde_json::Value) {
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(error_code(body), "invalid_token");
    assert!(body["error"]["fields"]["token"].is_string(), "{body}");
}

#[tokio::test]
async fn a_registration_waits_for_its_address_before_anyone_approves_it() {
    let app = spawn_app().await;
    let manager = app.staff("account_manager").await;
    let org = app.organization("NewCo", &[]).await;
    let pat = sign_up(&app, "pat@newco.test").await;
    assert_eq!(mails(&app, "pat@newco.test", "verify_email").await, 1);

    let (_, pending) = app.get("/api/v1/users?status=pending", &manager.token).await;
    assert_eq!(pending["total"], 0, "an unproven address is never shown for approval: {pending}");
    let approve = format!("/api/v1/users/{pat}/approve");
    let (status, _) = app.post(&approve, Some(&manager.token), json!({"organization_id": org})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, notified) = app.get("/api/v1/notifications", &manager.token).await;
    assert_eq!(notified["total"], 0, "account managers hear of it only once it is proven");

    let (status, body) = app.post("/api/v1/auth/verify-email", None, json!({"token": "0".repeat(64)})).await;
    assert_invalid_token(status, &body);
    let token = app.mailed_token("pat@newco.test", "verify_email").await;
    let (status, body) = app.post("/api/v1/auth/verify-email", None, json!({"token": token})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["user"]["status"].as_str(), body["user"]["email_verified"].as_bool()),
        (Some("pending"), Some(true))
    );
    let (status, body) = app.post("/api/v1/auth/verify-email", None, json!({"token": token})).await;
    assert_invalid_token(status, &body);

    let (_, pending) = app.get("/api/v1/users?status=pending", &manager.token).await;
    assert_eq!(pending["items"][0]["id"], pat.as_str());
    let (_, notified) = app.get("/api/v1/notifications", &manager.token).await;
    assert_eq!(notified["items"][0]["kind"], "registration_received");
    let (status, body) = app.post(&approve, Some(&manager.token), json!({"organization_id": org})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn a_confirmation_link_expires_and_another_can_be_asked_for() {
    let app = spawn_app().await;
    sign_up(&app, "pat@newco.test").await;
    let first = app.mailed_token("pat@newco.test", "verify_email").await;
    tokens_expire(&app).await;
    let (status, body) = app.post("/api/v1/auth/verify-email", None, json!({"token": first})).await;
    assert_invalid_token(status, &body);

    let pat = app.login("pat@newco.test", PASSWORD).await;
    let resend = "/api/v1/auth/resend-verification";
    assert_eq!(app.post(resend, Some(&pat.token), json!({})).await.0, StatusCode::ACCEPTED);
    assert_eq!(app.post(resend, Some(&pat.token), json!({})).await.0, StatusCode::ACCEPTED);
    assert_eq!(mails(&app, "pat@newco.test", "verify_email").await, 2, "one more link, not one per click");
    let second = app.mailed_token("pat@newco.test", "verify_email").await;
    assert_ne!(first, second);
    let (status, body) = app.post("/api/v1/auth/verify-email", None, json!({"token": second})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(app.send("POST", resend, None, None).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_forgotten_password_is_reset_once_by_the_mailed_link_and_every_session_ends() {
    let app = spawn_app().await;
    let (casey, other_device, email) = signed_in_twice(&app).await;
    let forgot = "/api/v1/auth/forgot-password";

    let (unknown, unknown_body) = app.post(forgot, None, json!({"email": "nobody@nowhere.test"})).await;
    let (known, known_body) = app.post(forgot, None, json!({"email": email.to_uppercase()})).await;
    assert_eq!((unknown, known), (StatusCode::ACCEPTED, StatusCode::ACCEPTED));
    assert_eq!(unknown_body, known_body, "the same answer whether or not the address has an account");
    let (status, _) = app.post(forgot, None, json!({"email": "not an address"})).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(mails(&app, "nobody@nowhere.test", "reset_password").await, 0);
    app.post(forgot, None, json!({"email": email})).await;
    assert_eq!(mails(&app, &email, "reset_password").await, 1, "asking twice in a minute sends one mail");

    let token = app.mailed_token(&email, "reset_password").await;
    let reset = "/api/v1/auth/reset-password";
    let (status, body) = app.post(reset, None, json!({"token": token, "password": "short"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["error"]["fields"]["password"].is_string(), "{body}");
    let (status, body) = app.post(reset, None, json!({"token": token, "password": "a brand new passphrase"})).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "a refused password does not spend the link: {body}");
    for session in [&casey, &other_device] {
        assert_eq!(app.get("/api/v1/me", &session.token).await.0, StatusCode::UNAUTHORIZED, "every session ends");
    }
    let (status, _) = app.post("/api/v1/auth/login", None, json!({"email": email, "password": PASSWORD})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the old password is gone");
    app.login(&email, "a brand new passphrase").await;
    let (status, body) = app.post(reset, None, json!({"token": token, "password": "yet another passphrase"})).await;
    assert_invalid_token(status, &body);
}

#[tokio::test]
async fn a_password_change_needs_the_current_one_and_signs_out_the_other_devices() {
    let app = spawn_app().await;
    let (casey, other_device, email) = signed_in_twice(&app).await;
    let change = |body| app.send("PUT", "/api/v1/me/password", Some(&casey.token), Some(body));

    let (status, body) =
        change(json!({"current_password": "not my password", "new_password": "a brand new passphrase"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["error"]["fields"]["current_password"].is_string(), "{body}");
    let (status, body) = change(json!({"current_password": PASSWORD, "new_password": "short"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["error"]["fields"]["new_password"].is_string(), "{body}");
    let (status, body) = change(json!({"current_password": PASSWORD, "new_password": "a brand new passphrase"})).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");

    assert_eq!(app.get("/api/v1/me", &casey.token).await.0, StatusCode::OK, "this device stays signed in");
    assert_eq!(app.get("/api/v1/me", &other_device.token).await.0, StatusCode::UNAUTHORIZED);
    app.login(&email, "a brand new passphrase").await;
    let (status, _) =
        app.send("PUT", "/api/v1/me/password", None, Some(json!({"current_password": "x", "new_password": "y"}))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_form_refused_before_the_page_hydrated_comes_back_with_its_link_intact() {
    use leptos::server_fn::ServerFn;
    let app = spawn_app().await;
    let path = <app::api::auth::ResetPassword as ServerFn>::PATH;
    let form = app.base.clone() + "/reset-password?token=abc123&error=an+earlier+one";
    let res = app
        .client
        .post(app.url(path))
        .header("accept", "text/html")
        .header("referer", &form)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("token=abc123&password=another+long+password")
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    let to = res.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(to, "/reset-password?token=abc123&error=invalid_token", "the code, never a sentence");
    // The server's own sentence rides in a cookie only it sets, for the page to show.
    let flash = res.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    assert!(flash.starts_with("cytrack_flash=invalid_token."), "{flash}");
    let page = app.client.get(app.url(&to)).header("cookie", &flash).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(app::domain::accounts::TOKEN_UNUSABLE), "{page}");
    // Without it (a link someone sent), the code reads as our own sentence for it.
    let page = app.client.get(app.url(&to)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(app::error::sentence_for_code("invalid_token")), "{page}");
}

#[tokio::test]
async fn text_in_the_address_never_shows_on_a_page() {
    // Issue 20, finding 8: `?error=` was shown as it came, so a link could put any sentence on
    // the portal's own pages.
    let app = spawn_app().await;
    let page = app
        .client
        .get(app.url("/login?error=Account%20locked%2C%20call%20%2B1%20555%200100"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("call +1 555"), "the address's words are not shown");
    assert!(page.contains("That did not go through. Check the form and try again."), "{page}");
}

#[tokio::test]
async fn signing_out_everywhere_ends_every_session_and_ended_sessions_are_pruned() {
    let app = spawn_app().await;
    let (casey, other_device, email) = signed_in_twice(&app).await;
    let (status, _) = app.post("/api/v1/auth/logout-everywhere", Some(&casey.token), json!(null)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    for session in [&casey, &other_device] {
        assert_eq!(app.get("/api/v1/me", &session.token).await.0, StatusCode::UNAUTHORIZED);
    }
    let fresh = app.login(&email, PASSWORD).await;
    let (status, _) =
        app.post("/api/v1/auth/login", None, json!({"email": email, "password": "wrong password!"})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // A day on, the ended sessions and the failure are gone; the live session stays.
    let db = app.database().await;
    let pruned = app::ssr::services::people::prune(
        &db,
        chrono::Utc::now() + chrono::Duration::days(1) + chrono::Duration::minutes(1),
    )
    .await
    .unwrap();
    assert!(pruned >= 3, "two revoked sessions and a failure (and the harness's own): {pruned}");
    assert_eq!(app.get("/api/v1/me", &fresh.token).await.0, StatusCode::OK);
    assert_eq!(app::ssr::services::people::prune(&db, chrono::Utc::now()).await.unwrap(), 0, "nothing twice");
}

#[tokio::test]
async fn a_superuser_invites_a_colleague_who_chooses_a_password_from_the_link() {
    // Issue 19: onboarding from the organisation's side.
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let other = app.organization("Borealis", &[]).await;
    let sam = app.customer(&org, true).await;
    let casey = app.customer(&org, false).await;
    let manager = app.staff("account_manager").await;
    let invite = |who: &Person, org: &str, email: &str| {
        let (app, token, path) = (&app, who.token.clone(), format!("/api/v1/organizations/{org}/invitations"));
        let body = json!({"name": "Robin Newhire", "email": email});
        async move { app.post(&path, Some(&token), body).await }
    };

    let (status, body) = invite(&sam, &org, "Robin@Acme.test").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["user"]["status"], "active");
    assert_eq!(body["user"]["organization_id"], org.as_str());
    assert_eq!(body["user"]["superuser"], false);
    assert_eq!(body["user"]["email_verified"], false, "not until the link is used");
    // Nobody signs in as Robin before Robin chooses the password.
    let (status, _) =
        app.post("/api/v1/auth/login", None, json!({"email": "robin@acme.test", "password": PASSWORD})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Refusals: a taken address, a plain customer, another organisation, bad fields.
    let (status, body) = invite(&sam, &org, "robin@acme.test").await;
    assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, "email_taken"), "{body}");
    assert_eq!(invite(&casey, &org, "x@acme.test").await.0, StatusCode::FORBIDDEN);
    assert_eq!(invite(&sam, &other, "x@borealis.test").await.0, StatusCode::NOT_FOUND);
    let (status, body) = app
        .post(
            &format!("/api/v1/organizations/{org}/invitations"),
            Some(&sam.token),
            json!({"name": " ", "email": "nope"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["name"].is_string() && body["error"]["fields"]["email"].is_string(), "{body}");
    // An account manager invites into any organisation.
    assert_eq!(invite(&manager, &other, "kim@borealis.test").await.0, StatusCode::CREATED);

    // The link: a weak password is refused (and the link still works), then accepted once.
    let token = app.mailed_token("robin@acme.test", "invitation").await;
    let accept = |password: &str| {
        let body = json!({"token": token, "password": password});
        let app = &app;
        async move { app.post("/api/v1/auth/accept-invitation", None, body).await }
    };
    let (status, body) = accept("short").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["error"]["fields"]["password"].is_string());
    assert_eq!(accept("robin's own passphrase").await.0, StatusCode::NO_CONTENT);
    let (status, body) = accept("another passphrase here").await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_token"), "used twice: {body}");
    let robin = app.login("robin@acme.test", "robin's own passphrase").await;
    let (_, me) = app.get("/api/v1/me", &robin.token).await;
    assert_eq!(me["user"]["email_verified"], true);
    assert_eq!(me["user"]["organization_id"], org.as_str());
    let (status, _) = app
        .post("/api/v1/auth/accept-invitation", None, json!({"token": "made-up", "password": "whatever you like"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Staff created without a first password are invited the same way.
    let admin = app.admin().await;
    let (status, body) = app
        .post(
            "/api/v1/staff",
            Some(&admin.token),
            json!({"name": "Ari Agent", "email": "ari@cytrack.test", "role": "agent"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let token = app.mailed_token("ari@cytrack.test", "invitation").await;
    let (status, _) = app
        .post("/api/v1/auth/accept-invitation", None, json!({"token": token, "password": "ari chose this one"}))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    app.login("ari@cytrack.test", "ari chose this one").await;
    // Each invitation is in the audit log.
    let (_, log) = app.get("/api/v1/audit-log?kind=person_invited", &admin.token).await;
    assert_eq!(log["total"], 2, "{log}");
}

#[tokio::test]
async fn a_person_edits_their_details_and_signs_out_a_device_of_theirs() {
    // Issue 19: the profile.
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let casey = app.customer(&org, false).await;
    let email = {
        let (_, me) = app.get("/api/v1/me", &casey.token).await;
        me["user"]["email"].as_str().unwrap().to_string()
    };
    let (status, body) = app
        .send(
            "PUT",
            "/api/v1/me",
            Some(&casey.token),
            Some(json!({"name": "Casey Jones", "phone": "+61 2 9000 1234", "time_zone": "Australia/Perth"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["user"]["name"].as_str(), body["user"]["time_zone"].as_str()),
        (Some("Casey Jones"), Some("Australia/Perth"))
    );
    let (status, body) = app
        .send(
            "PUT",
            "/api/v1/me",
            Some(&casey.token),
            Some(json!({"name": "", "phone": "call me", "time_zone": "Mars/Olympus"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["name", "phone", "time_zone"] {
        assert!(body["error"]["fields"][field].is_string(), "{field}: {body}");
    }

    // Two more devices: the list names them, marks this one, and signs one out.
    let laptop = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("user-agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0")
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let phone = app.login(&email, PASSWORD).await;
    let (status, listed) = app.get("/api/v1/me/sessions", &laptop).await;
    assert_eq!(status, StatusCode::OK);
    let sessions = listed["sessions"].as_array().unwrap().clone();
    assert_eq!(sessions.len(), 3, "{listed}");
    assert_eq!(sessions[0]["current"], true, "this device first");
    assert_eq!(sessions[0]["device"], "Firefox on Windows");
    assert_eq!(sessions.iter().filter(|s| s["current"] == true).count(), 1);
    let phone_session = sessions
        .iter()
        .filter(|s| s["current"] == false)
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect::<Vec<_>>();
    // Another person's session is not there for them.
    let blair = app.customer(&org, false).await;
    for id in &phone_session {
        assert_eq!(
            app.send("DELETE", &format!("/api/v1/me/sessions/{id}"), Some(&blair.token), None).await.0,
            StatusCode::NOT_FOUND
        );
    }
    assert_eq!(
        app.send("DELETE", &format!("/api/v1/me/sessions/{}", phone_session[0]), Some(&laptop), None).await.0,
        StatusCode::NO_CONTENT
    );
    let (_, listed) = app.get("/api/v1/me/sessions", &laptop).await;
    assert_eq!(listed["sessions"].as_array().unwrap().len(), 2);
    // Every other device: only this one stays signed in.
    assert_eq!(app.post("/api/v1/me/sessions/end-others", Some(&laptop), json!({})).await.0, StatusCode::NO_CONTENT);
    assert_eq!(app.get("/api/v1/me", &phone.token).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(app.get("/api/v1/me", &casey.token).await.0, StatusCode::UNAUTHORIZED);
    let (status, listed) = app.get("/api/v1/me/sessions", &laptop).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listed["sessions"].as_array().unwrap().len(), 1);
}
