//! Reminders that come with the calendar: told on their day, once, to the organisation's
//! superusers and the account managers, however many portal processes run the job.

use crate::harness::*;
use app::domain::billing::long_date;
use app::domain::calendar::BusinessCalendar;
use app::ssr::services::reminders::send_due;
use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// The titles of `who`'s notifications of this kind.
async fn told(app: &TestApp, who: &Person, kind: &str) -> Vec<String> {
    let (status, body) = app.get("/api/v1/notifications?per_page=200", &who.token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == kind)
        .map(|n| n["title"].as_str().unwrap().to_string())
        .collect()
}

/// A day in the support time zone, `offset` days from today, as the API writes dates.
fn day(offset: i64) -> String {
    today(offset).format("%Y-%m-%d").to_string()
}

fn today(offset: i64) -> chrono::NaiveDate {
    BusinessCalendar::sydney_default().date_of(Utc::now()) + Duration::days(offset)
}

#[tokio::test]
async fn an_irs_renewal_and_low_vouchers_are_told_once_however_many_processes_run_the_job() {
    let app = spawn_app().await;
    let manager = app.staff("account_manager").await;
    let org = app.organization("Acme", &[]).await;
    let sam = app.customer(&org, true).await;
    let casey = app.customer(&org, false).await;
    let contract = json!({"starts_on": day(-300), "ends_on": day(20)});
    let (status, body) =
        app.post(&format!("/api/v1/organizations/{org}/irs-contracts"), Some(&manager.token), contract).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let voucher = json!({"minutes": 120, "expires_on": day(200)});
    let (status, body) =
        app.post(&format!("/api/v1/organizations/{org}/vouchers"), Some(&manager.token), voucher).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    // Two processes' jobs at the same moment, each with its own pool, then a run an hour later.
    let (one, two) = (app.database().await, app.database().await);
    let now = Utc::now();
    let (a, b) = tokio::join!(send_due(&one, now), send_due(&two, now));
    assert_eq!(a.unwrap() + b.unwrap(), 2, "the renewal and the low balance");
    assert_eq!(send_due(&one, now + Duration::hours(1)).await.unwrap(), 0, "nothing twice");

    for who in [&sam, &manager] {
        let irs = told(&app, who, "irs_renewal_due").await;
        assert_eq!(irs.len(), 1, "{irs:?}");
        assert!(irs[0].contains("due for renewal"), "{irs:?}");
        assert_eq!(told(&app, who, "voucher_balance").await, ["Service vouchers running low: 2:00 h left"]);
    }
    assert!(told(&app, &casey, "irs_renewal_due").await.is_empty(), "plain customers are not told of the account");

    // A renewal ends the reminder; a new voucher that still leaves the balance low is told again.
    let renewal = json!({"starts_on": day(21), "ends_on": day(386)});
    app.post(&format!("/api/v1/organizations/{org}/irs-contracts"), Some(&manager.token), renewal).await;
    let voucher = json!({"minutes": 60, "expires_on": day(10)});
    app.post(&format!("/api/v1/organizations/{org}/vouchers"), Some(&manager.token), voucher).await;
    assert_eq!(send_due(&one, now + Duration::hours(2)).await.unwrap(), 2, "low again, and an hour expires soon");
    assert_eq!(told(&app, &sam, "irs_renewal_due").await.len(), 1);
    let vouchers = told(&app, &sam, "voucher_balance").await;
    assert_eq!(vouchers.len(), 3, "{vouchers:?}");
    assert!(vouchers.iter().any(|t| t.starts_with("Service vouchers expire")), "{vouchers:?}");
}

#[tokio::test]
async fn a_deployment_is_told_its_completion_form_on_day_seven_and_deemed_on_day_twenty_one() {
    let app = spawn_app().await;
    let manager = app.staff("account_manager").await;
    let org = app.organization("Borealis", &[]).await;
    let blair = app.customer(&org, true).await;
    let (status, body) = app
        .send(
            "PUT",
            &format!("/api/v1/organizations/{org}/deployment"),
            Some(&manager.token),
            Some(json!({"go_live_on": day(-1), "go_live_basis": "signed"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let db = app.database().await;
    let now = Utc::now();
    assert_eq!(send_due(&db, now).await.unwrap(), 0, "day 1: nothing yet");
    // The clock moves; nobody sleeps.
    assert_eq!(send_due(&db, now + Duration::days(6)).await.unwrap(), 1, "day 7: the form is issued");
    assert_eq!(send_due(&db, now + Duration::days(7)).await.unwrap(), 0);
    let go_live = format!("Go-live recorded: {}", long_date(today(-1)));
    assert_eq!(
        told(&app, &blair, "deployment_milestone").await,
        ["Your Deployment Completion form is issued", &go_live]
    );
    assert_eq!(send_due(&db, now + Duration::days(20)).await.unwrap(), 1, "day 21: deemed complete");
    assert_eq!(send_due(&db, now + Duration::days(25)).await.unwrap(), 0);
    let told_blair = told(&app, &blair, "deployment_milestone").await;
    assert_eq!(told_blair[0], "Your deployment is deemed complete", "newest first: {told_blair:?}");
    assert_eq!(told(&app, &manager, "deployment_milestone").await.len(), 3, "the recording manager hears too");
}

#[tokio::test]
async fn a_signed_completion_form_is_told_and_its_reminders_stop() {
    let app = spawn_app().await;
    let manager = app.staff("account_manager").await;
    let org = app.organization("Borealis", &[]).await;
    let blair = app.customer(&org, true).await;
    let path = format!("/api/v1/organizations/{org}/deployment");
    let put = |body: Value| app.send("PUT", &path, Some(&manager.token), Some(body));
    let held = json!({"go_live_on": day(-8), "go_live_basis": "assessed", "go_live_held": true});
    assert_eq!(put(held).await.0, StatusCode::OK);
    assert!(told(&app, &blair, "deployment_milestone").await.is_empty(), "a held go-live is not told");
    let live = json!({"go_live_on": day(-8), "go_live_basis": "assessed"});
    assert_eq!(put(live.clone()).await.0, StatusCode::OK);
    assert_eq!(put(live).await.0, StatusCode::OK, "the same record again tells nothing");
    let signed = json!({"go_live_on": day(-8), "go_live_basis": "assessed", "completion_signed_on": day(0)});
    assert_eq!(put(signed).await.0, StatusCode::OK);
    let db = app.database().await;
    assert_eq!(send_due(&db, Utc::now() + Duration::days(20)).await.unwrap(), 0, "no reminder of a signed form");
    let titles = told(&app, &blair, "deployment_milestone").await;
    assert_eq!(titles.len(), 2, "{titles:?}");
    assert!(titles[0].starts_with("Deployment Completion form signed on"), "{titles:?}");
    assert!(titles[1].starts_with("Go-live recorded"), "{titles:?}");
}
