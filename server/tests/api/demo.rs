//! The demo data a newcomer opens (issue 21): every organisation's statement for this month
//! closes on the balance its vouchers show, each export reconciles (invoice + vouchers = billable
//! time), and the MACS catalogue and orders are there in their several states.

use crate::harness::*;
use chrono::Utc;
use reqwest::StatusCode;
use serde_json::Value;

fn minutes(v: &Value) -> i64 {
    v.as_i64().unwrap_or_else(|| panic!("not a number of minutes: {v}"))
}

#[tokio::test]
async fn every_demo_organisation_reconciles_and_the_macs_desk_is_stocked() {
    let app = spawn_app().await;
    assert!(server::demo::seed(&app.database().await).await.expect("the demo seeds"));
    assert!(!server::demo::seed(&app.database().await).await.unwrap(), "a second run changes nothing");
    let manager = app.login("manager@cytrack.test", server::demo::DEMO_PASSWORD).await;
    let month = app::domain::calendar::BusinessCalendar::sydney_default().date_of(Utc::now()).format("%Y-%m");
    let (status, orgs) = app.get("/api/v1/organizations?per_page=200", &manager.token).await;
    assert_eq!(status, StatusCode::OK, "{orgs}");
    let orgs = orgs["items"].as_array().unwrap().clone();
    assert!(orgs.len() >= 2, "{orgs:?}");
    let mut redeemed = 0;
    for org in &orgs {
        let id = org["id"].as_str().unwrap();
        let (status, s) = app.get(&format!("/api/v1/organizations/{id}/statement?month={month}"), &manager.token).await;
        assert_eq!(status, StatusCode::OK, "{s}");
        let (_, v) = app.get(&format!("/api/v1/organizations/{id}/vouchers"), &manager.token).await;
        let b = &v["balance"];
        assert_eq!(minutes(&s["closing_available_minutes"]), minutes(&b["available_minutes"]), "{}: {s}", org["name"]);
        assert_eq!(minutes(&s["closing_reserved_minutes"]), minutes(&b["reserved_minutes"]), "{}", org["name"]);
        assert_eq!(
            minutes(&b["reserved_for"]["after_hours"]) + minutes(&b["reserved_for"]["macs"]),
            minutes(&b["reserved_minutes"])
        );
        let (status, e) =
            app.get(&format!("/api/v1/organizations/{id}/billing-export?month={month}"), &manager.token).await;
        assert_eq!(status, StatusCode::OK, "{e}");
        assert_eq!(
            minutes(&e["total_paid_by_vouchers_minutes"]) + minutes(&e["total_to_invoice_minutes"]),
            minutes(&e["total_billable_minutes"]),
            "{}: {e}",
            org["name"]
        );
        assert_eq!(minutes(&s["total_to_invoice_minutes"]), minutes(&e["total_to_invoice_minutes"]));
        redeemed += minutes(&s["redeemed_minutes"]);
    }
    assert!(redeemed > 0, "the demo spends vouchers, so the statements show something");

    let sam = app.login("sam@acme.test", server::demo::DEMO_PASSWORD).await;
    let (_, catalogue) = app.get("/api/v1/macs/catalogue", &sam.token).await;
    assert!(catalogue["items"].as_array().unwrap().len() >= 5, "{catalogue}");
    let (_, orders) = app.get("/api/v1/macs/orders", &sam.token).await;
    let mut states: Vec<&str> =
        orders["items"].as_array().unwrap().iter().map(|o| o["status"].as_str().unwrap()).collect();
    states.sort();
    assert_eq!(states, ["completed", "quote_requested", "quoted"], "{orders}");
}
