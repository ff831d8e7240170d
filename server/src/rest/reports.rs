//! The desk report (issue 23): volume, SLA, backlog, workload and voucher use over a date range,
//! as JSON and as CSV.

use super::{ApiError, ApiResult, Authenticated, Json, Query};
use app::dto::{DeskReportDto, ErrorBody, ReportQuery};
use app::ssr::services::reports;
use app::ssr::state::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use chrono::Utc;

#[utoipa::path(get, path = "/api/v1/reports/desk", tag = "reports", params(ReportQuery),
    responses((status = 200, body = DeskReportDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn desk(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Query(query): Query<ReportQuery>,
) -> ApiResult<Json<DeskReportDto>> {
    Ok(Json(reports::desk(&state.db, &actor, &query, Utc::now()).await?))
}

#[utoipa::path(get, path = "/api/v1/reports/desk.csv", tag = "reports", params(ReportQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn desk_csv(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Query(query): Query<ReportQuery>,
) -> ApiResult<impl IntoResponse> {
    let report = reports::desk(&state.db, &actor, &query, Utc::now()).await?;
    let csv = reports::csv(&report).map_err(ApiError)?;
    let filename = format!("attachment; filename=\"report-{}-{}.csv\"", report.from, report.to);
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()), (header::CONTENT_DISPOSITION, filename)], csv))
}
