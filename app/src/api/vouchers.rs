//! Vouchers from the UI.

use crate::dto::{BalanceRow, LedgerEntryDto, Page, RedemptionResult, VoucherDto, VouchersDto};
use crate::error::AppError;
use leptos::prelude::*;

/// An organisation's vouchers, balance and latest ledger lines (for those who may read the
/// ledger); `None` means the caller's own organisation.
#[server(prefix = "/rpc")]
pub async fn voucher_panel(
    organization_id: Option<String>,
) -> Result<Option<(String, VouchersDto, Option<Page<LedgerEntryDto>>)>, AppError> {
    use super::context::*;
    use crate::ssr::services::vouchers;
    let state = state()?;
    let actor = actor().await?;
    let Some(id) = organization_id.or_else(|| actor.organization_id.clone()) else { return Ok(None) };
    let list = vouchers::vouchers(&state.db, &actor, &id).await?;
    // Not the ledger's reader (a plain customer): the panel shows the balance without it.
    let ledger = match vouchers::ledger(&state.db, &actor, &id, Some(1), Some(50)).await {
        Ok(ledger) => Some(ledger),
        Err(e) if e.status() == 403 => None,
        Err(e) => return Err(e),
    };
    Ok(Some((id, list, ledger)))
}

#[server(prefix = "/rpc")]
pub async fn issue_voucher(
    organization_id: String,
    minutes: String,
    expires_on: String,
) -> Result<VoucherDto, AppError> {
    use super::context::*;
    let state = state()?;
    let back = format!("/accounts/{organization_id}");
    let result = match (actor().await, form_minutes("minutes", &minutes)) {
        (Ok(actor), Ok(minutes)) => {
            let req = crate::dto::IssueVoucherRequest { minutes, expires_on };
            crate::ssr::services::vouchers::issue(&state.db, &actor, &organization_id, req, chrono::Utc::now()).await
        }
        (Err(e), _) => Err(e),
        (_, Err(e)) => Err(e),
    };
    finish_form(result, Some(back))
}

/// Gives a redemption's minutes back (staff), from the account page's ledger.
#[server(prefix = "/rpc")]
pub async fn refund_redemption(
    organization_id: String,
    redemption_id: String,
    reason: String,
) -> Result<RedemptionResult, AppError> {
    use super::context::*;
    let state = state()?;
    let result = match actor().await {
        Ok(actor) => {
            crate::ssr::services::vouchers::refund(&state.db, &actor, &redemption_id, &reason, chrono::Utc::now()).await
        }
        Err(e) => Err(e),
    };
    finish_form(result, Some(format!("/accounts/{organization_id}")))
}

/// A fresh key for a payment form, so a double submit pays once.
#[server(prefix = "/rpc")]
pub async fn payment_key() -> Result<String, AppError> {
    Ok(crate::ssr::services::new_id())
}

#[server(prefix = "/rpc")]
pub async fn pay_with_vouchers(
    ticket_id: String,
    minutes: String,
    idempotency_key: String,
) -> Result<RedemptionResult, AppError> {
    use super::context::*;
    let state = state()?;
    let back = format!("/tickets/{ticket_id}");
    let result = match (actor().await, form_minutes("minutes", &minutes)) {
        (Ok(actor), Ok(minutes)) => {
            let req = crate::dto::RedeemRequest { minutes, idempotency_key: Some(idempotency_key) };
            crate::ssr::services::vouchers::redeem(
                &state.db,
                &state.redemptions,
                &actor,
                &ticket_id,
                req,
                chrono::Utc::now(),
            )
            .await
            .map(|(_, r)| r)
        }
        (Err(e), _) => Err(e),
        (_, Err(e)) => Err(e),
    };
    finish_form(result, Some(back))
}

#[server(prefix = "/rpc")]
pub async fn voucher_balances(page: Option<u64>) -> Result<crate::dto::Page<BalanceRow>, AppError> {
    use super::context::*;
    use crate::dto::{Page, Paging};
    let state = state()?;
    let rows = crate::ssr::services::vouchers::balances(&state.db, &actor().await?).await?;
    Page::window(rows, Paging { page, per_page: None })
}
