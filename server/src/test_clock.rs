//! A door for the browser journeys only: runs the hourly reminders job as of a later day, so a
//! journey sees what the calendar brings (the completion form at go-live + 7, the project deemed
//! at + 21) without waiting days. Mounted only when `PORTAL_TEST_CLOCK=1`, which the Playwright
//! configuration sets; a portal started without it has no such route (404). Never set it in
//! production: anyone could bring a milestone forward.

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use sea_orm::DatabaseConnection;
use serde::Deserialize;

#[derive(Deserialize)]
struct RunJobs {
    /// How many days ahead of now the job runs, 0 to 366.
    days_ahead: u16,
}

pub fn router(db: DatabaseConnection) -> Router {
    Router::new().route("/api/v1/test/run-jobs", post(run_jobs)).with_state(db)
}

async fn run_jobs(State(db): State<DatabaseConnection>, Json(req): Json<RunJobs>) -> Json<serde_json::Value> {
    let at = chrono::Utc::now() + chrono::Duration::days(i64::from(req.days_ahead.min(366)));
    match app::ssr::services::reminders::send_due(&db, at).await {
        Ok(told) => Json(serde_json::json!({ "told": told })),
        Err(e) => Json(serde_json::json!({ "error": e.message })),
    }
}
