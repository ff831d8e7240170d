//! Deployments, IRS contracts, accounts, reclassification, time entries, history, the export.

use super::{ApiError, ApiResult, Authenticated, Json, Query};
use app::dto::{
    AccountDto, BillingExport, DeploymentEnvelope, DeploymentRequest, ErrorBody, HistoryDto, IrsContractDto,
    IrsContractEnvelope, IrsContractRequest, MonthQuery, Page, Paging, ReclassifyRequest, TicketEnvelope, TimeEntryDto,
    TimeEntryEnvelope, TimeEntryRequest,
};
use app::ssr::services::billing;
use app::ssr::state::AppState;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use chrono::Utc;

#[utoipa::path(put, path = "/api/v1/organizations/{id}/deployment", tag = "billing", request_body = DeploymentRequest,
    params(("id" = String, Path, description = "The organisation's id")),
    responses((status = 200, body = DeploymentEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn put_deployment(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<DeploymentRequest>,
) -> ApiResult<Json<DeploymentEnvelope>> {
    let deployment = billing::put_deployment(&state.db, &actor, &id, req, Utc::now()).await?;
    Ok(Json(DeploymentEnvelope { deployment }))
}

#[utoipa::path(post, path = "/api/v1/organizations/{id}/irs-contracts", tag = "billing", request_body = IrsContractRequest,
    params(("id" = String, Path, description = "The organisation's id")),
    responses((status = 201, body = IrsContractEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn add_irs_contract(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<IrsContractRequest>,
) -> ApiResult<impl IntoResponse> {
    let irs_contract = billing::add_irs_contract(&state.db, &actor, &id, req, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(IrsContractEnvelope { irs_contract })))
}

#[utoipa::path(get, path = "/api/v1/organizations/{id}/irs-contracts", tag = "billing",
    params(("id" = String, Path, description = "The organisation's id"), Paging),
    responses((status = 200, body = Page<IrsContractDto>), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn irs_contracts(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Page<IrsContractDto>>> {
    let items = billing::account(&state.db, &actor, &id).await?.irs_contracts;
    Ok(Json(Page::window(items, paging)?))
}

#[utoipa::path(get, path = "/api/v1/organizations/{id}/account", tag = "billing",
    params(("id" = String, Path, description = "The organisation's id")),
    responses((status = 200, body = AccountDto), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn account(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Json<AccountDto>> {
    Ok(Json(billing::account(&state.db, &actor, &id).await?))
}

#[utoipa::path(get, path = "/api/v1/accounts", tag = "billing",
    params(Paging),
    responses((status = 200, body = Page<AccountDto>), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
pub async fn accounts(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Page<AccountDto>>> {
    let items = billing::accounts(&state.db, &actor).await?;
    Ok(Json(Page::window(items, paging)?))
}

#[utoipa::path(post, path = "/api/v1/tickets/{id}/billing", tag = "billing", request_body = ReclassifyRequest,
    params(("id" = String, Path, description = "The ticket's id")),
    responses((status = 200, body = TicketEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn reclassify(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<ReclassifyRequest>,
) -> ApiResult<Json<TicketEnvelope>> {
    let ticket = billing::reclassify(&state.db, &actor, &id, req, Utc::now()).await?;
    Ok(Json(TicketEnvelope { ticket }))
}

#[utoipa::path(post, path = "/api/v1/tickets/{id}/time-entries", tag = "billing", request_body = TimeEntryRequest,
    params(("id" = String, Path, description = "The ticket's id")),
    responses((status = 201, body = TimeEntryEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn add_time_entry(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<TimeEntryRequest>,
) -> ApiResult<impl IntoResponse> {
    let time_entry = billing::add_time_entry(&state.db, &actor, &id, req, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(TimeEntryEnvelope { time_entry })))
}

#[utoipa::path(get, path = "/api/v1/tickets/{id}/time-entries", tag = "billing",
    params(("id" = String, Path, description = "The ticket's id")),
    responses((status = 200, body = Page<TimeEntryDto>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn time_entries(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Page<TimeEntryDto>>> {
    let items = billing::time_entries(&state.db, &actor, &id).await?;
    Ok(Json(Page::window(items, paging)?))
}

#[utoipa::path(get, path = "/api/v1/tickets/{id}/history", tag = "tickets",
    params(("id" = String, Path, description = "The ticket's id"), Paging),
    responses((status = 200, body = Page<HistoryDto>), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn history(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Page<HistoryDto>>> {
    let items = billing::history(&state.db, &actor, &id).await?;
    Ok(Json(Page::window(items, paging)?))
}

/// The month asked for, or none (blank): the services then take the month it is in the support
/// calendar (`domain::billing::month_or_this`).
fn month_of(query: &MonthQuery) -> &str {
    query.month.as_deref().unwrap_or_default()
}

#[utoipa::path(get, path = "/api/v1/organizations/{id}/billing-export", tag = "billing", params(("id" = String, Path, description = "The organisation's id"), MonthQuery),
    responses((status = 200, body = BillingExport), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn export(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Query(query): Query<MonthQuery>,
) -> ApiResult<Json<BillingExport>> {
    Ok(Json(billing::export(&state.db, &actor, &id, month_of(&query), Utc::now()).await?))
}

#[utoipa::path(get, path = "/api/v1/organizations/{id}/billing-export.csv", tag = "billing", params(("id" = String, Path, description = "The organisation's id"), MonthQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn export_csv(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Query(query): Query<MonthQuery>,
) -> ApiResult<impl IntoResponse> {
    let export = billing::export(&state.db, &actor, &id, month_of(&query), Utc::now()).await?;
    let csv = billing::export_csv(&export).map_err(ApiError)?;
    let filename = format!("attachment; filename=\"billing-{}.csv\"", export.month);
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()), (header::CONTENT_DISPOSITION, filename)], csv))
}

#[utoipa::path(get, path = "/api/v1/organizations/{id}/statement", tag = "billing", params(("id" = String, Path, description = "The organisation's id"), MonthQuery),
    responses((status = 200, body = app::dto::StatementDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn statement(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Query(query): Query<MonthQuery>,
) -> ApiResult<Json<app::dto::StatementDto>> {
    Ok(Json(app::ssr::services::statements::statement(&state.db, &actor, &id, month_of(&query), Utc::now()).await?))
}

#[utoipa::path(get, path = "/api/v1/organizations/{id}/statement.csv", tag = "billing", params(("id" = String, Path, description = "The organisation's id"), MonthQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn statement_csv(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Query(query): Query<MonthQuery>,
) -> ApiResult<impl IntoResponse> {
    use app::ssr::services::statements;
    let statement = statements::statement(&state.db, &actor, &id, month_of(&query), Utc::now()).await?;
    let csv = statements::csv(&statement).map_err(ApiError)?;
    let filename = format!("attachment; filename=\"statement-{}.csv\"", statement.month);
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()), (header::CONTENT_DISPOSITION, filename)], csv))
}
