//! `/organizations/{id}/vouchers`, `/organizations/{id}/ledger`, redemptions, refunds, balances.

use super::{ApiError, ApiResult, Authenticated, Json, Query};
use app::dto::{
    BalanceRow, ErrorBody, IssueVoucherRequest, LedgerEntryDto, Page, Paging, RedeemRequest, RedemptionResult,
    RefundRequest, UserFilter, VoucherEnvelope, VouchersDto,
};
use app::ssr::services::vouchers;
use app::ssr::state::AppState;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use chrono::Utc;

#[utoipa::path(post, path = "/api/v1/organizations/{id}/vouchers", tag = "vouchers", request_body = IssueVoucherRequest,
    params(("id" = String, Path, description = "The organisation's id")),
    responses((status = 201, body = VoucherEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn issue(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<IssueVoucherRequest>,
) -> ApiResult<impl IntoResponse> {
    let voucher = vouchers::issue(&state.db, &actor, &id, req, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(VoucherEnvelope { voucher })))
}

#[utoipa::path(get, path = "/api/v1/organizations/{id}/vouchers", tag = "vouchers",
    params(("id" = String, Path, description = "The organisation's id")),
    responses((status = 200, body = VouchersDto), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Json<VouchersDto>> {
    Ok(Json(vouchers::vouchers(&state.db, &actor, &id).await?))
}

#[utoipa::path(get, path = "/api/v1/organizations/{id}/ledger", tag = "vouchers",
    params(("id" = String, Path, description = "The organisation's id"), UserFilter),
    responses((status = 200, body = Page<LedgerEntryDto>), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn ledger(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Query(paging): Query<UserFilter>,
) -> ApiResult<Json<Page<LedgerEntryDto>>> {
    Ok(Json(vouchers::ledger(&state.db, &actor, &id, paging.page, paging.per_page).await?))
}

#[utoipa::path(get, path = "/api/v1/organizations/{id}/ledger.csv", tag = "vouchers",
    params(("id" = String, Path, description = "The organisation's id")),
    responses((status = 200, content_type = "text/csv", body = String), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn ledger_csv(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    let csv = vouchers::ledger_csv(&state.db, &actor, &id).await.map_err(ApiError)?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"voucher-ledger.csv\""),
        ],
        csv,
    ))
}

#[utoipa::path(post, path = "/api/v1/tickets/{id}/redemptions", tag = "vouchers", request_body = RedeemRequest,
    params(("id" = String, Path, description = "The ticket's id")),
    responses((status = 201, body = RedemptionResult), (status = 200, description = "A retry with the same idempotency key: the earlier redemption", body = RedemptionResult),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn redeem(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<RedeemRequest>,
) -> ApiResult<impl IntoResponse> {
    let (created, result) = vouchers::redeem(&state.db, &state.redemptions, &actor, &id, req, Utc::now()).await?;
    Ok((if created { StatusCode::CREATED } else { StatusCode::OK }, Json(result)))
}

#[utoipa::path(post, path = "/api/v1/redemptions/{id}/refund", tag = "vouchers", request_body = RefundRequest,
    params(("id" = String, Path, description = "The redemption's id")),
    responses((status = 201, body = RedemptionResult), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn refund(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<RefundRequest>,
) -> ApiResult<impl IntoResponse> {
    let result = vouchers::refund(&state.db, &actor, &id, &req.reason, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(result)))
}

#[utoipa::path(get, path = "/api/v1/vouchers/balances", tag = "vouchers",
    params(Paging),
    responses((status = 200, body = Page<BalanceRow>), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
pub async fn balances(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Page<BalanceRow>>> {
    let items = vouchers::balances(&state.db, &actor).await?;
    Ok(Json(Page::window(items, paging)?))
}
