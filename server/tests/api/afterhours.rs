//! After-hours bookings: refusals, quotes, approval reserving vouchers, completion redeeming the
//! actual time, cancellation releasing it; the business-hours settings.

use crate::harness::*;
use app::domain::calendar::BusinessCalendar;
use chrono::{Datelike, Days, TimeZone, Utc, Weekday};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// A Sydney wall-clock time `days_ahead` days from today (Sydney), as RFC 3339.
fn sydney(days_ahead: u64, hour: u32, minute: u32) -> String {
    let tz = BusinessCalendar::sydney_default().time_zone;
    let day = Utc::now().with_timezone(&tz).date_naive() + Days::new(days_ahead);
    tz.with_ymd_and_hms(day.year(), day.month(), day.day(), hour, minute, 0).earliest().unwrap().to_rfc3339()
}

/// Days until the first Saturday at least a week away (Sydney).
fn saturday() -> u64 {
    let tz = BusinessCalendar::sydney_default().time_zone;
    let today = Utc::now().with_timezone(&tz).date_naive();
    (7..14).find(|d| (today + Days::new(*d)).weekday() == Weekday::Sat).unwrap()
}

fn window(starts: String, ends: String) -> Value {
    json!({"starts_at": starts, "ends_at": ends, "description": "Upgrade the IVR", "contact_name": "Sam", "contact_phone": "+61 400 000 000"})
}

async fn world(app: &TestApp, voucher_minutes: i64) -> (String, Person, Person, Person) {
    let org = app.organization("Acme", &[]).await;
    let manager = app.staff("account_manager").await;
    let superuser = app.customer(&org, true).await;
    if voucher_minutes > 0 {
        let expires = (Utc::now().date_naive() + Days::new(200)).to_string();
        let (status, _) = app
            .post(
                &format!("/api/v1/organizations/{org}/vouchers"),
                Some(&manager.token),
                json!({"minutes": voucher_minutes, "expires_on": expires}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    (org, manager, superuser, app.staff("agent").await)
}

async fn book(app: &TestApp, who: &Person, body: Value) -> (StatusCode, Value) {
    app.post("/api/v1/after-hours", Some(&who.token), body).await
}

#[tokio::test]
async fn a_saturday_window_is_quoted_per_segment_and_gets_a_billable_ticket() {
    let app = spawn_app().await;
    let (_, _, superuser, _) = world(&app, 0).await;
    let d = saturday();
    let (status, body) = book(&app, &superuser, window(sydney(d, 9, 0), sydney(d, 12, 0))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let b = &body["booking"];
    assert_eq!(b["status"], "requested");
    assert_eq!(b["quote_minutes"], 360, "three hours at x2");
    assert_eq!(b["segments"].as_array().unwrap().len(), 1);
    assert_eq!(b["segments"][0]["multiplier"], 2.0);
    let (_, ticket) = app.get(&format!("/api/v1/tickets/{}", b["ticket_id"].as_str().unwrap()), &superuser.token).await;
    assert_eq!(ticket["ticket"]["kind"], "after_hours");
    assert_eq!(ticket["ticket"]["billing"]["tag"], "billable", "after-hours work is always billable");
    assert_eq!(ticket["ticket"]["queue"], "After Hours");
}

#[tokio::test]
async fn windows_that_cannot_be_booked_are_refused_with_their_codes() {
    let app = spawn_app().await;
    let (_, _, superuser, agent) = world(&app, 0).await;
    let d = saturday();
    let cases = [
        (window(sydney(d + 2, 10, 0), sydney(d + 2, 11, 0)), "inside_business_hours"),
        (window(sydney(d + 2, 17, 0), sydney(d + 2, 19, 0)), "inside_business_hours"),
        (window(sydney(1, 20, 0), sydney(1, 22, 0)), "too_soon"),
        (window(sydney(d, 12, 0), sydney(d, 9, 0)), "invalid_window"),
        (window(sydney(d, 6, 0), sydney(d, 18, 1)), "invalid_window"),
    ];
    for (body, code) in cases {
        let (status, answer) = book(&app, &superuser, body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert_eq!(error_code(&answer), code);
    }
    let (status, answer) = book(
        &app,
        &superuser,
        json!({"starts_at": "tomorrow", "ends_at": "", "description": "", "contact_name": "", "contact_phone": ""}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["starts_at", "ends_at", "description", "contact_name", "contact_phone"] {
        assert!(answer["error"]["fields"][field].is_string(), "{field}: {answer}");
    }
    assert_eq!(book(&app, &agent, window(sydney(d, 9, 0), sydney(d, 12, 0))).await.0, StatusCode::FORBIDDEN);
    let (_, list) = app.get("/api/v1/after-hours", &superuser.token).await;
    assert_eq!(list["total"], 0, "nothing was stored");
}

#[tokio::test]
async fn approval_reserves_completion_redeems_the_actual_time_and_releases_the_rest() {
    let app = spawn_app().await;
    let (org, manager, superuser, agent) = world(&app, 600).await;
    let d = saturday();
    let (_, body) = book(&app, &superuser, window(sydney(d, 9, 0), sydney(d, 12, 0))).await;
    let id = body["booking"]["id"].as_str().unwrap().to_string();
    let step = |s: &str| format!("/api/v1/after-hours/{id}/{s}");

    let plain = app.customer(&org, false).await;
    assert_eq!(
        app.post(&step("approve"), Some(&plain.token), json!({})).await.0,
        StatusCode::NOT_FOUND,
        "a colleague's booking is not theirs to see"
    );
    let other = app.organization("Other", &[]).await;
    let stranger = app.customer(&other, true).await;
    assert_eq!(app.post(&step("approve"), Some(&stranger.token), json!({})).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        app.post(&step("complete"), Some(&agent.token), json!({"actual_minutes": 60})).await.0,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not scheduled yet"
    );

    let (status, body) = app.post(&step("approve"), Some(&superuser.token), json!({})).await;
    assert_eq!((status, body["booking"]["status"].as_str()), (StatusCode::OK, Some("approved")), "{body}");
    let (_, vouchers) = app.get(&format!("/api/v1/organizations/{org}/vouchers"), &superuser.token).await;
    assert_eq!(vouchers["balance"]["reserved_minutes"], 360);
    assert_eq!(vouchers["balance"]["available_minutes"], 240);
    assert_eq!(
        vouchers["balance"]["reserved_for"],
        json!({"after_hours": 360, "macs": 0}),
        "held for after-hours work"
    );

    let (status, body) = app.post(&step("schedule"), Some(&manager.token), json!({"engineer_id": superuser.id})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "engineers are staff: {body}");
    let (status, body) = app.post(&step("schedule"), Some(&manager.token), json!({"engineer_id": agent.id})).await;
    assert_eq!((status, body["booking"]["engineer_name"].as_str()), (StatusCode::OK, Some("A agent")));

    // Two hours worked at x2: 240 redeemed; the rest of the reservation comes back.
    let (status, body) = app.post(&step("complete"), Some(&agent.token), json!({"actual_minutes": 120})).await;
    assert_eq!((status, body["booking"]["status"].as_str()), (StatusCode::OK, Some("completed")), "{body}");
    let (_, vouchers) = app.get(&format!("/api/v1/organizations/{org}/vouchers"), &superuser.token).await;
    assert_eq!(vouchers["balance"]["reserved_minutes"], 0);
    assert_eq!(vouchers["balance"]["available_minutes"], 360);
    let (_, ledger) = app.get(&format!("/api/v1/organizations/{org}/ledger"), &manager.token).await;
    let kinds: Vec<&str> = ledger["items"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["redeem", "release", "reserve", "issue"]);

    let ticket = body["booking"]["ticket_id"].as_str().unwrap();
    let (_, history) = app.get(&format!("/api/v1/tickets/{ticket}/history"), &superuser.token).await;
    let steps = history["items"].as_array().unwrap().iter().filter(|h| h["field"] == "after_hours").count();
    assert_eq!(steps, 4, "requested, approved, scheduled, completed: {history}");
}

#[tokio::test]
async fn approval_without_enough_vouchers_is_refused_and_cancelling_releases() {
    let app = spawn_app().await;
    let (org, manager, superuser, _) = world(&app, 300).await;
    let d = saturday();
    let (_, body) = book(&app, &superuser, window(sydney(d, 9, 0), sydney(d, 12, 0))).await;
    let id = body["booking"]["id"].as_str().unwrap();
    let (status, answer) =
        app.post(&format!("/api/v1/after-hours/{id}/approve"), Some(&manager.token), json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error_code(&answer), "insufficient_balance");

    let (_, small) = book(&app, &superuser, window(sydney(d, 9, 0), sydney(d, 10, 0))).await;
    let small = small["booking"]["id"].as_str().unwrap();
    let (status, _) = app.post(&format!("/api/v1/after-hours/{small}/approve"), Some(&manager.token), json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) =
        app.post(&format!("/api/v1/after-hours/{small}/cancel"), Some(&superuser.token), json!({})).await;
    assert_eq!((status, body["booking"]["status"].as_str()), (StatusCode::OK, Some("cancelled")));
    let (_, vouchers) = app.get(&format!("/api/v1/organizations/{org}/vouchers"), &superuser.token).await;
    assert_eq!(vouchers["balance"]["reserved_minutes"], 0);
    assert_eq!(vouchers["balance"]["available_minutes"], 300);
    let (status, _) =
        app.post(&format!("/api/v1/after-hours/{id}/decline"), Some(&manager.token), json!({"reason": ""})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a decline needs a reason");
    let (status, _) = app
        .post(&format!("/api/v1/after-hours/{id}/decline"), Some(&manager.token), json!({"reason": "No engineer free"}))
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn admins_set_business_hours_and_quotes_follow() {
    let app = spawn_app().await;
    let (_, _, superuser, agent) = world(&app, 0).await;
    let admin = app.admin().await;
    let (status, hours) = app.get("/api/v1/settings/business-hours", &superuser.token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(hours["time_zone"], "Australia/Sydney");
    assert_eq!(hours["week"]["mon"], json!(["08:30", "17:30"]));
    assert_eq!(hours["multipliers"]["weekend"], 2.0);

    let mut changed = hours.clone();
    changed["multipliers"]["weekend"] = json!(3.0);
    assert_eq!(
        app.send("PUT", "/api/v1/settings/business-hours", Some(&agent.token), Some(changed.clone())).await.0,
        StatusCode::FORBIDDEN
    );
    let mut bad = hours.clone();
    bad["time_zone"] = json!("Mars/Olympus");
    bad["week"]["tue"] = json!(["17:30", "08:30"]);
    let (status, answer) = app.send("PUT", "/api/v1/settings/business-hours", Some(&admin.token), Some(bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer["error"]["fields"]["time_zone"].is_string(), "{answer}");
    let (status, saved) = app.send("PUT", "/api/v1/settings/business-hours", Some(&admin.token), Some(changed)).await;
    assert_eq!(status, StatusCode::OK, "{saved}");

    let d = saturday();
    let (_, body) = book(&app, &superuser, window(sydney(d, 9, 0), sydney(d, 10, 0))).await;
    assert_eq!(body["booking"]["quote_minutes"], 180, "one hour at the new x3");
}

#[tokio::test]
async fn the_support_time_zone_admins_set_dates_the_work_everywhere() {
    // Issue 17: billing dates read "today" in the calendar's time zone, not a fixed Sydney.
    let app = spawn_app().await;
    let (_, _, superuser, agent) = world(&app, 0).await;
    let admin = app.admin().await;
    let raised =
        json!({"subject": "Wallboard", "description": "Blank since noon.", "kind": "question", "priority": "p3"});
    let (_, ticket) = app.post("/api/v1/tickets", Some(&superuser.token), raised).await;
    let id = ticket["ticket"]["id"].as_str().unwrap();
    let (_, hours) = app.get("/api/v1/settings/business-hours", &admin.token).await;
    // Auckland and Los Angeles are 21 hours apart: their dates differ for most of every day.
    for zone in ["Pacific/Auckland", "America/Los_Angeles"] {
        let tz = app::domain::calendar::parse_time_zone(zone).unwrap();
        let mut changed = hours.clone();
        changed["time_zone"] = json!(zone);
        let (status, body) =
            app.send("PUT", "/api/v1/settings/business-hours", Some(&admin.token), Some(changed)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, entry) =
            app.post(&format!("/api/v1/tickets/{id}/time-entries"), Some(&agent.token), json!({"minutes": 15})).await;
        assert_eq!(status, StatusCode::CREATED, "{entry}");
        let worked_on = entry["time_entry"]["worked_on"].as_str().unwrap_or_else(|| panic!("{entry}")).to_string();
        assert_eq!(worked_on, Utc::now().with_timezone(&tz).date_naive().to_string(), "{zone}");
    }
}

#[tokio::test]
async fn racing_steps_on_one_booking_move_it_once_and_charge_once() {
    // Issue 20, finding 3: concurrent completions each charged the vouchers; a double approval
    // reserved twice.
    let app = spawn_app().await;
    let (org, manager, superuser, agent) = world(&app, 3000).await;
    let d = saturday();
    let (_, body) = book(&app, &superuser, window(sydney(d, 9, 0), sydney(d, 11, 0))).await;
    let id = body["booking"]["id"].as_str().unwrap().to_string();
    let step = |s: &str| format!("/api/v1/after-hours/{id}/{s}");
    let at_once = |path: String, who: Person, body: Value, n: usize| {
        let app = &app;
        async move {
            let requests = (0..n).map(|_| app.post(&path, Some(&who.token), body.clone()));
            futures::future::join_all(requests).await.into_iter().map(|(status, _)| status).collect::<Vec<_>>()
        }
    };
    let counts = |statuses: &[StatusCode]| {
        (
            statuses.iter().filter(|s| **s == StatusCode::OK).count(),
            statuses.iter().filter(|s| **s == StatusCode::CONFLICT).count(),
        )
    };

    let approvals = at_once(step("approve"), manager.clone(), json!({}), 6).await;
    let (ok, conflicts) = counts(&approvals);
    assert_eq!(ok, 1, "{approvals:?}");
    assert_eq!(
        ok + conflicts + approvals.iter().filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY).count(),
        6,
        "{approvals:?}"
    );
    let (_, vouchers) = app.get(&format!("/api/v1/organizations/{org}/vouchers"), &manager.token).await;
    assert_eq!(vouchers["balance"]["reserved_minutes"], 240, "reserved once: {vouchers}");

    let (status, _) = app.post(&step("schedule"), Some(&manager.token), json!({"engineer_id": agent.id})).await;
    assert_eq!(status, StatusCode::OK);
    let completions = at_once(step("complete"), agent.clone(), json!({"actual_minutes": 120}), 6).await;
    assert_eq!(counts(&completions).0, 1, "{completions:?}");
    assert!(completions.iter().all(|s| s.as_u16() < 500), "{completions:?}");
    let (_, ledger) = app.get(&format!("/api/v1/organizations/{org}/ledger"), &manager.token).await;
    let kinds: Vec<&str> = ledger["items"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["redeem", "release", "reserve", "issue"], "charged once: {ledger}");
    let (_, vouchers) = app.get(&format!("/api/v1/organizations/{org}/vouchers"), &manager.token).await;
    assert_eq!(vouchers["balance"]["available_minutes"], 3000 - 240);
}

#[tokio::test]
async fn an_overrun_is_completed_what_vouchers_hold_is_redeemed_and_the_rest_invoiced_and_refundable() {
    // Issue 21, findings 2 and 3: an overrun with too little left answered 409 for good, and an
    // after-hours charge wrote no redemption, so it could not be refunded.
    let app = spawn_app().await;
    let (org, manager, superuser, agent) = world(&app, 400).await;
    let d = saturday();
    let (_, body) = book(&app, &superuser, window(sydney(d, 9, 0), sydney(d, 10, 0))).await;
    let id = body["booking"]["id"].as_str().unwrap().to_string();
    let ticket = body["booking"]["ticket_id"].as_str().unwrap().to_string();
    let step = |s: &str| format!("/api/v1/after-hours/{id}/{s}");
    assert_eq!(app.post(&step("approve"), Some(&superuser.token), json!({})).await.0, StatusCode::OK);
    let (status, _) = app.post(&step("schedule"), Some(&manager.token), json!({"engineer_id": agent.id})).await;
    assert_eq!(status, StatusCode::OK);

    // Three hours at x2 cost 360 minutes; the reservation was 120 and 400 are held in all.
    let (status, body) = app.post(&step("complete"), Some(&agent.token), json!({"actual_minutes": 180})).await;
    assert_eq!((status, body["booking"]["status"].as_str()), (StatusCode::OK, Some("completed")), "{body}");
    let (_, vouchers) = app.get(&format!("/api/v1/organizations/{org}/vouchers"), &superuser.token).await;
    assert_eq!(vouchers["balance"]["available_minutes"], 40, "{vouchers}");

    // A second booking overruns what is left: 40 redeemed, the rest invoiced, the superuser told.
    let (_, body) = book(&app, &superuser, window(sydney(d, 13, 0), sydney(d, 13, 15))).await;
    let second = body["booking"]["id"].as_str().unwrap().to_string();
    let second_ticket = body["booking"]["ticket_id"].as_str().unwrap().to_string();
    let step2 = |s: &str| format!("/api/v1/after-hours/{second}/{s}");
    let (status, body) = app.post(&step2("approve"), Some(&superuser.token), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    app.post(&step2("schedule"), Some(&manager.token), json!({"engineer_id": agent.id})).await;
    let (status, body) = app.post(&step2("complete"), Some(&agent.token), json!({"actual_minutes": 60})).await;
    assert_eq!((status, body["booking"]["status"].as_str()), (StatusCode::OK, Some("completed")), "{body}");
    let (_, vouchers) = app.get(&format!("/api/v1/organizations/{org}/vouchers"), &superuser.token).await;
    assert_eq!(
        (vouchers["balance"]["available_minutes"].as_i64(), vouchers["balance"]["reserved_minutes"].as_i64()),
        (Some(0), Some(0))
    );
    let (_, told) = app.get("/api/v1/notifications?per_page=50", &superuser.token).await;
    assert!(told.to_string().contains("80 min more than your vouchers held will be invoiced"), "{told}");
    let month = app::domain::calendar::BusinessCalendar::sydney_default().date_of(chrono::Utc::now()).format("%Y-%m");
    let (_, export) =
        app.get(&format!("/api/v1/organizations/{org}/billing-export?month={month}"), &manager.token).await;
    let row = |t: &str| export["rows"].as_array().unwrap().iter().find(|r| r["ticket_id"] == t).cloned().unwrap();
    assert_eq!(
        (row(&second_ticket)["minutes"].as_i64(), row(&second_ticket)["paid_by_vouchers_minutes"].as_i64()),
        (Some(120), Some(40)),
        "{export}"
    );
    assert_eq!(row(&second_ticket)["to_invoice_minutes"], 80);
    assert_eq!(row(&ticket)["to_invoice_minutes"], 0, "the first was paid in full");

    // The first charge is a redemption like any other: found in the ledger, refunded.
    let (_, ledger) = app.get(&format!("/api/v1/organizations/{org}/ledger"), &manager.token).await;
    let charge = ledger["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "redeem" && e["booking_id"] == id.as_str())
        .cloned()
        .unwrap();
    let redemption = charge["redemption_id"].as_str().expect("an after-hours charge is a redemption");
    let (status, body) = app
        .post(
            &format!("/api/v1/redemptions/{redemption}/refund"),
            Some(&manager.token),
            json!({"reason": "Engineer's error."}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (_, vouchers) = app.get(&format!("/api/v1/organizations/{org}/vouchers"), &superuser.token).await;
    assert_eq!(vouchers["balance"]["available_minutes"], 360);
}

#[tokio::test]
async fn bookings_and_the_organisation_lists_come_a_page_at_a_time() {
    // Issue 19: the lists that returned everything page like the others, with the total.
    let app = spawn_app().await;
    let (org, manager, superuser, _) = world(&app, 600).await;
    let d = saturday();
    let mut ids = Vec::new();
    for hour in [8, 10, 12] {
        let (status, body) = book(&app, &superuser, window(sydney(d, hour, 0), sydney(d, hour + 1, 0))).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        ids.push(body["booking"]["id"].as_str().unwrap().to_string());
    }
    let (status, _) =
        app.post(&format!("/api/v1/after-hours/{}/cancel", ids[1]), Some(&superuser.token), json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let (_, first) = app.get("/api/v1/after-hours?per_page=2", &superuser.token).await;
    assert_eq!((first["total"].as_u64(), first["items"].as_array().unwrap().len()), (Some(3), 2), "{first}");
    assert_eq!(first["items"][0]["id"], ids[0].as_str(), "soonest first");
    let (_, second) = app.get("/api/v1/after-hours?per_page=2&page=2", &superuser.token).await;
    assert_eq!(second["items"].as_array().unwrap().len(), 1);
    assert_eq!(second["items"][0]["id"], ids[2].as_str());
    let (_, cancelled) = app.get("/api/v1/after-hours?status=cancelled", &manager.token).await;
    assert_eq!(cancelled["total"], 1, "{cancelled}");
    assert_eq!(cancelled["items"][0]["id"], ids[1].as_str());
    let (status, body) = app.get("/api/v1/after-hours?status=lost", &manager.token).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["status"].is_string(), "{body}");

    for name in ["Borealis", "Cirrus", "Delta"] {
        app.organization(name, &[]).await;
    }
    for path in ["/api/v1/organizations", "/api/v1/accounts", "/api/v1/vouchers/balances"] {
        let (status, all) = app.get(path, &manager.token).await;
        assert_eq!(status, StatusCode::OK, "{path}: {all}");
        let total = all["total"].as_u64().unwrap();
        assert!(total >= 4, "{path}: {all}");
        let (_, one) = app.get(&format!("{path}?per_page=1&page=2"), &manager.token).await;
        assert_eq!(one["total"].as_u64(), Some(total), "{path}");
        assert_eq!(one["items"].as_array().unwrap().len(), 1, "{path}");
        assert_eq!(one["items"][0], all["items"][1], "{path}: the second of the whole list");
    }
    let (_, contracts) =
        app.get(&format!("/api/v1/organizations/{org}/irs-contracts?per_page=1"), &manager.token).await;
    assert_eq!(contracts["total"], 0);
}
