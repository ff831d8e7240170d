//! `/audit-log`: the audit log, for admins whole and for account managers one organisation's.

use super::{ApiResult, Authenticated, Json, Query};
use app::dto::{AuditEntryDto, AuditFilter, ErrorBody, Page};
use app::ssr::services::audit;
use app::ssr::state::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;

#[utoipa::path(get, path = "/api/v1/audit-log", tag = "people", params(AuditFilter),
    responses((status = 200, body = Page<AuditEntryDto>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Query(filter): Query<AuditFilter>,
) -> ApiResult<Json<Page<AuditEntryDto>>> {
    Ok(Json(audit::list(&state.db, &actor, filter).await?))
}

/// The whole of what the filters select, unpaged (so the document lists the filters alone).
#[utoipa::path(get, path = "/api/v1/audit-log.csv", tag = "people",
    params(
        ("actor" = Option<String>, Query, description = "Part of the actor's name or address, or their id"),
        ("kind" = Option<String>, Query, description = "One of the kinds of action"),
        ("from" = Option<String>, Query, description = "First day, `YYYY-MM-DD`"),
        ("to" = Option<String>, Query, description = "Last day, included"),
        ("organization_id" = Option<String>, Query, description = "Required for account managers"),
        ("sort" = Option<String>, Query, description = "`newest` (the default) or `oldest`"),
    ),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn export_csv(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Query(filter): Query<AuditFilter>,
) -> ApiResult<impl IntoResponse> {
    let csv = audit::csv(&state.db, &actor, filter).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"audit-log.csv\""),
        ],
        csv,
    ))
}
