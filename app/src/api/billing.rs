//! Deployments, IRS contracts, reclassification, time and the billing export, from the UI.

use crate::dto::{AccountDto, BillingExport, HistoryDto, TicketDto, TimeEntryDto};
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/rpc")]
pub async fn list_accounts(page: Option<u64>) -> Result<crate::dto::Page<AccountDto>, AppError> {
    use super::context::*;
    use crate::dto::{Page, Paging};
    let state = state()?;
    let accounts = crate::ssr::services::billing::accounts(&state.db, &actor().await?).await?;
    Page::window(accounts, Paging { page, per_page: None })
}

/// An organisation's account; `None` asks for the caller's own organisation.
#[server(prefix = "/rpc")]
pub async fn get_account(organization_id: Option<String>) -> Result<Option<AccountDto>, AppError> {
    use super::context::*;
    let state = state()?;
    let actor = actor().await?;
    let Some(id) = organization_id.or_else(|| actor.organization_id.clone()) else { return Ok(None) };
    crate::ssr::services::billing::account(&state.db, &actor, &id).await.map(Some)
}

#[server(prefix = "/rpc")]
pub async fn save_deployment(
    organization_id: String,
    go_live_on: Option<String>,
    go_live_basis: String,
    go_live_held: Option<String>,
    completion_signed_on: Option<String>,
    outstanding: Option<String>,
) -> Result<(), AppError> {
    use super::context::*;
    use crate::ssr::services::{billing, tickets};
    let state = state()?;
    let back = format!("/accounts/{organization_id}");
    let result = async {
        let actor = actor().await?;
        actor.account_manager()?;
        let outstanding_ticket_ids = tickets::ids_for_numbers(
            &state.db,
            &organization_id,
            "outstanding_ticket_ids",
            outstanding.as_deref().unwrap_or_default(),
        )
        .await?;
        let req = crate::dto::DeploymentRequest {
            go_live_on,
            go_live_basis,
            go_live_held: go_live_held.is_some(),
            completion_signed_on,
            outstanding_ticket_ids,
        };
        billing::put_deployment(&state.db, &actor, &organization_id, req, chrono::Utc::now()).await.map(|_| ())
    }
    .await;
    finish_form(result, Some(back))
}

#[server(prefix = "/rpc")]
pub async fn add_irs_contract(organization_id: String, starts_on: String, ends_on: String) -> Result<(), AppError> {
    use super::context::*;
    let state = state()?;
    let back = format!("/accounts/{organization_id}");
    let result = match actor().await {
        Ok(actor) => {
            let req = crate::dto::IrsContractRequest { starts_on, ends_on };
            crate::ssr::services::billing::add_irs_contract(
                &state.db,
                &actor,
                &organization_id,
                req,
                chrono::Utc::now(),
            )
            .await
            .map(|_| ())
        }
        Err(e) => Err(e),
    };
    finish_form(result, Some(back))
}

#[server(prefix = "/rpc")]
pub async fn monthly_billing(organization_id: String, month: String) -> Result<BillingExport, AppError> {
    use super::context::*;
    let state = state()?;
    crate::ssr::services::billing::export(&state.db, &actor().await?, &organization_id, &month, chrono::Utc::now())
        .await
}

#[server(prefix = "/rpc")]
pub async fn ticket_history(ticket_id: String) -> Result<Vec<HistoryDto>, AppError> {
    use super::context::*;
    let state = state()?;
    crate::ssr::services::billing::history(&state.db, &actor().await?, &ticket_id).await
}

#[server(prefix = "/rpc")]
pub async fn ticket_time(ticket_id: String) -> Result<Vec<TimeEntryDto>, AppError> {
    use super::context::*;
    let state = state()?;
    crate::ssr::services::billing::time_entries(&state.db, &actor().await?, &ticket_id).await
}

#[server(prefix = "/rpc")]
pub async fn reclassify_ticket(ticket_id: String, tag: String, reason: String) -> Result<TicketDto, AppError> {
    use super::context::*;
    let state = state()?;
    let back = format!("/tickets/{ticket_id}");
    let result = match actor().await {
        Ok(actor) => {
            let req = crate::dto::ReclassifyRequest { tag, reason };
            crate::ssr::services::billing::reclassify(&state.db, &actor, &ticket_id, req, chrono::Utc::now()).await
        }
        Err(e) => Err(e),
    };
    finish_form(result, Some(back))
}

#[server(prefix = "/rpc")]
pub async fn log_time(ticket_id: String, minutes: String, note: String) -> Result<TimeEntryDto, AppError> {
    use super::context::*;
    let state = state()?;
    let back = format!("/tickets/{ticket_id}");
    let result = match (actor().await, form_minutes("minutes", &minutes)) {
        (Ok(actor), Ok(minutes)) => {
            let req = crate::dto::TimeEntryRequest { minutes, note };
            crate::ssr::services::billing::add_time_entry(&state.db, &actor, &ticket_id, req, chrono::Utc::now()).await
        }
        (Err(e), _) => Err(e),
        (_, Err(e)) => Err(e),
    };
    finish_form(result, Some(back))
}

/// One month's statement of an organisation (account managers; a client's superuser their own).
#[server(prefix = "/rpc")]
pub async fn monthly_statement(organization_id: String, month: String) -> Result<crate::dto::StatementDto, AppError> {
    use super::context::*;
    let state = state()?;
    crate::ssr::services::statements::statement(
        &state.db,
        &actor().await?,
        &organization_id,
        &month,
        chrono::Utc::now(),
    )
    .await
}
