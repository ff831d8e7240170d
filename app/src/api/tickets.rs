//! Tickets from the UI.

use crate::domain::billing::{BillingFacts, Deployment, IrsPeriod};
use crate::dto::{OrganizationDto, Page, TicketDetail, TicketDto, TicketFilter};
use crate::error::AppError;
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

#[server(prefix = "/rpc", input = Json)]
pub async fn list_tickets(filter: TicketFilter) -> Result<Page<TicketDto>, AppError> {
    use super::context::*;
    let state = state()?;
    crate::ssr::services::tickets::list(&state.db, &actor().await?, filter).await
}

#[server(prefix = "/rpc")]
pub async fn get_ticket(id: String) -> Result<TicketDetail, AppError> {
    use super::context::*;
    let state = state()?;
    crate::ssr::services::tickets::get(&state.db, &actor().await?, &id).await
}

#[server(prefix = "/rpc")]
pub async fn raise_ticket(
    subject: String,
    description: String,
    kind: String,
    priority: String,
    product: Option<String>,
    organization_id: Option<String>,
) -> Result<TicketDto, AppError> {
    use super::context::*;
    let state = state()?;
    let req = crate::dto::CreateTicketRequest { subject, description, kind, priority, product, organization_id };
    let result = match actor().await {
        Ok(actor) => crate::ssr::services::tickets::create(&state.tickets, &actor, req, chrono::Utc::now()).await,
        Err(e) => Err(e),
    };
    let to = result.as_ref().ok().map(|t| format!("/tickets/{}", t.id));
    finish_form(result, to)
}

/// What the new-ticket form needs to preview the billing tag in the browser, with the same
/// `classify` the server will apply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreviewContext {
    pub today: NaiveDate,
    pub deployment: Option<Deployment>,
    pub irs_periods: Vec<IrsPeriod>,
}

impl PreviewContext {
    pub fn facts(&self, kind: crate::domain::tickets::TicketKind) -> BillingFacts {
        BillingFacts {
            kind,
            raised_on: self.today,
            deployment: self.deployment.clone(),
            irs_periods: self.irs_periods.clone(),
            listed_outstanding: false,
        }
    }
}

/// For customers: their organisation's billing context. For staff: the organisations they can
/// raise tickets for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum TicketFormSetup {
    Customer(PreviewContext),
    Staff(Vec<OrganizationDto>),
}

#[server(prefix = "/rpc")]
pub async fn new_ticket_setup() -> Result<TicketFormSetup, AppError> {
    use super::context::*;
    use crate::domain::tickets::TicketKind;
    use crate::ssr::auth::Access;
    use crate::ssr::services::{organizations, tickets};
    let state = state()?;
    let actor = actor().await?;
    match actor.access()? {
        Access::Customer(c) => {
            let today = tickets::support_date(&state.db, chrono::Utc::now()).await?;
            let facts = tickets::billing_facts(&state.db, &c.organization_id, TicketKind::Fault, today, false).await?;
            Ok(TicketFormSetup::Customer(PreviewContext {
                today,
                deployment: facts.deployment,
                irs_periods: facts.irs_periods,
            }))
        }
        Access::Staff(_) => Ok(TicketFormSetup::Staff(organizations::list(&state.db, &actor).await?)),
    }
}

#[server(prefix = "/rpc")]
pub async fn reply(
    ticket_id: String,
    body: String,
    internal: Option<String>,
    last_seen_comment_id: Option<String>,
) -> Result<crate::dto::CommentDto, AppError> {
    use super::context::*;
    let state = state()?;
    let back = format!("/tickets/{ticket_id}");
    // A form field left empty arrives as no field at all, so the page says "none" for "no reply
    // yet" (`pages::tickets::newest_reply`); the API's own word for it is "".
    let last_seen_comment_id = last_seen_comment_id.map(|id| if id == "none" { String::new() } else { id });
    let req = crate::dto::CommentRequest { body, internal: internal.is_some(), last_seen_comment_id };
    let result = match actor().await {
        Ok(actor) => {
            crate::ssr::services::replies::comment(&state.replies, &actor, &ticket_id, req, chrono::Utc::now()).await
        }
        Err(e) => Err(e),
    };
    finish_form(result, Some(back))
}

/// Changes from the ticket page; empty fields stay as they are (`assignee_id` "none" unassigns).
#[server(prefix = "/rpc")]
pub async fn update_ticket(
    ticket_id: String,
    status: Option<String>,
    priority: Option<String>,
    assignee_id: Option<String>,
    queue: Option<String>,
) -> Result<TicketDto, AppError> {
    use super::context::*;
    let state = state()?;
    let back = format!("/tickets/{ticket_id}");
    let keep = |v: Option<String>| v.filter(|s| !s.is_empty());
    let req = crate::dto::UpdateTicketRequest {
        status: keep(status),
        priority: keep(priority),
        assignee_id: keep(assignee_id).map(|a| if a == "none" { String::new() } else { a }),
        queue: keep(queue),
    };
    let result = match actor().await {
        Ok(actor) => {
            crate::ssr::services::tickets::update(&state.db, &actor, &ticket_id, req, chrono::Utc::now()).await
        }
        Err(e) => Err(e),
    };
    finish_form(result, Some(back))
}

/// The same change to several tickets from the queue view (needs the hydrated page).
#[server(prefix = "/rpc", input = Json)]
pub async fn bulk_update(req: crate::dto::BulkUpdateRequest) -> Result<u64, AppError> {
    use super::context::*;
    let state = state()?;
    crate::ssr::services::tickets::bulk_update(&state.db, &actor().await?, req, chrono::Utc::now()).await
}

/// Everything the queue view shows around the list: queues with counts, and staff to assign to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueBoard {
    pub queues: Vec<crate::dto::QueueDto>,
    pub staff: Vec<(String, String)>,
    pub organizations: Vec<(String, String)>,
    pub me: String,
}

/// The queues and their routing rules, in routing order (the settings page; admins edit them).
#[server(prefix = "/rpc")]
pub async fn queue_rules() -> Result<Vec<crate::dto::QueueDto>, AppError> {
    use super::context::*;
    let state = state()?;
    let actor = actor().await?;
    actor.admin()?;
    crate::ssr::services::queues::list(&state.db, &actor).await
}

/// Creates a queue (no `queue_id`) or changes one: its name, routing position and what it takes
/// (kinds, products, billing tags; none of a kind means any).
#[server(prefix = "/rpc")]
pub async fn save_queue(
    queue_id: Option<String>,
    name: String,
    position: String,
    kinds: Option<Vec<String>>,
    products: Option<Vec<String>>,
    tags: Option<Vec<String>>,
) -> Result<crate::dto::QueueDto, AppError> {
    use super::context::*;
    use crate::dto::QueueRequest;
    use crate::ssr::services::queues;
    let state = state()?;
    let now = chrono::Utc::now();
    let result = async {
        let actor = actor().await?;
        let position = position.trim().parse::<i32>().map_err(|_| {
            crate::ssr::services::people::field_error(
                "position",
                "Enter the routing position as a whole number.".into(),
            )
        })?;
        let req = QueueRequest {
            name,
            position,
            kinds: kinds.unwrap_or_default(),
            products: products.unwrap_or_default(),
            tags: tags.unwrap_or_default(),
        };
        match queue_id.filter(|id| !id.is_empty()) {
            Some(id) => queues::update(&state.db, &actor, &id, req, now).await,
            None => queues::create(&state.db, &actor, req, now).await,
        }
    }
    .await;
    finish_form(result, Some("/settings#queues".into()))
}

#[server(prefix = "/rpc")]
pub async fn load_queue_board() -> Result<QueueBoard, AppError> {
    use super::context::*;
    use crate::ssr::services::{organizations, queues, tickets};
    let state = state()?;
    let actor = actor().await?;
    Ok(QueueBoard {
        queues: queues::list(&state.db, &actor).await?,
        staff: tickets::staff_members(&state.db, &actor).await?,
        organizations: organizations::list(&state.db, &actor).await?.into_iter().map(|o| (o.id, o.name)).collect(),
        me: actor.user_id.clone(),
    })
}
