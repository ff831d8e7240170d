//! MACS from the UI: the catalogue, orders and quotes, and each order's steps.

use crate::dto::{MacsItemDto, MacsOrderDto, MacsOrderFilter, Page};
use crate::error::AppError;
use leptos::prelude::*;

/// The catalogue and a page of the orders the caller may see.
#[server(prefix = "/rpc", input = leptos::server_fn::codec::Json)]
pub async fn load_macs(filter: MacsOrderFilter) -> Result<(Vec<MacsItemDto>, Page<MacsOrderDto>), AppError> {
    use super::context::*;
    use crate::ssr::services::macs;
    let state = state()?;
    let actor = actor().await?;
    Ok((macs::catalogue(&state.db, &actor).await?, macs::list(&state.db, &actor, filter).await?))
}

/// A client orders an item (`item_id`) or asks for a quote (`title`).
#[server(prefix = "/rpc")]
pub async fn order_macs(
    item_id: Option<String>,
    title: Option<String>,
    details: String,
) -> Result<MacsOrderDto, AppError> {
    use super::context::*;
    let state = state()?;
    let result = async {
        let actor = actor().await?;
        let req = crate::dto::MacsOrderRequest { item_id, title, details };
        crate::ssr::services::macs::order(&state.db, &actor, req, chrono::Utc::now()).await
    }
    .await;
    finish_form(result, Some("/macs".into()))
}

/// Account managers add an item (`item_id` empty) or change one; `lead_days` empty keeps none.
#[server(prefix = "/rpc")]
pub async fn save_macs_item(
    item_id: Option<String>,
    name: String,
    description: String,
    minutes: String,
    lead_days: String,
    active: Option<String>,
) -> Result<MacsItemDto, AppError> {
    use super::context::*;
    let state = state()?;
    let result = async {
        let actor = actor().await?;
        let lead = lead_days.trim();
        let req = crate::dto::MacsItemRequest {
            name: Some(name),
            description: Some(description),
            minutes: Some(form_minutes("minutes", &minutes)?),
            lead_days: if lead.is_empty() { None } else { Some(form_minutes("lead_days", lead)?) },
            clear_lead_days: lead.is_empty(),
            active: Some(active.is_some()),
        };
        let id = item_id.filter(|i| !i.trim().is_empty());
        crate::ssr::services::macs::save_item(&state.db, &actor, id.as_deref(), req, chrono::Utc::now()).await
    }
    .await;
    finish_form(result, Some("/macs".into()))
}

/// One step of an order: quote, approve, decline, complete or cancel.
#[server(prefix = "/rpc")]
pub async fn macs_step(
    order_id: String,
    step: String,
    minutes: Option<String>,
    note: Option<String>,
) -> Result<MacsOrderDto, AppError> {
    use super::context::*;
    use crate::ssr::services::macs::{advance, Step};
    let state = state()?;
    let result = async {
        let actor = actor().await?;
        let typed = minutes.as_deref().map(str::trim).filter(|m| !m.is_empty());
        let step = match step.as_str() {
            "quote" => Step::Quote(form_minutes("minutes", typed.unwrap_or_default())?, note),
            "approve" => Step::Approve,
            "decline" => Step::Decline(note.unwrap_or_default()),
            "complete" => Step::Complete(typed.map(|m| form_minutes("minutes", m)).transpose()?),
            "cancel" => Step::Cancel,
            _ => return Err(AppError::bad_request("Unknown step.")),
        };
        advance(&state.db, &actor, &order_id, step, chrono::Utc::now()).await
    }
    .await;
    finish_form(result, Some("/macs".into()))
}
