//! MACS bought with voucher time (docs/rules.md, "MACS orders"): staff keep the catalogue; a
//! client orders from it, or asks for a quote outside it, and each order is a `macs` ticket;
//! approval reserves the price, completion pays it and cancelling releases it, through the same
//! `vouchers::{reserve, release, settle}` as after-hours bookings.

use super::audit::{self, Entry as AuditEntry};
use super::bookings::role_on;
use super::notifications::{self, Around, Notice};
use super::people::field_error;
use super::tickets::{history_line, organization_names, place, ticket_numbers, write_ticket, NewTicket};
use super::vouchers::{self, Hold};
use super::{looks_like_id, new_id, requests_seen, sees_request, settings};
use crate::domain::audit::AuditKind;
use crate::domain::billing::BillingTag;
use crate::domain::macs::{check_order_transition, due_on, may_move_order, order_charge, parse_lead_days, OrderStatus};
use crate::domain::notifications::Event;
use crate::domain::text::{multi_line, single_line};
use crate::domain::tickets::{Priority, TicketKind};
use crate::domain::vouchers::parse_minutes;
use crate::dto::{page_window, MacsItemDto, MacsItemRequest, MacsOrderDto, MacsOrderFilter, MacsOrderRequest, Page};
use crate::error::{AppError, FieldCheck};
use crate::ssr::auth::{Access, Actor};
use crate::ssr::db::begin;
use crate::ssr::entities::{macs_item, macs_order, ticket};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    Set, TransactionTrait,
};

fn item_dto(i: macs_item::Model) -> MacsItemDto {
    MacsItemDto {
        id: i.id,
        name: i.name,
        description: i.description,
        minutes: i.minutes.into(),
        lead_days: i.lead_days.map(i64::from),
        active: i.active,
    }
}

/// The catalogue: what a client may order (active items, cheapest first); staff also see the
/// retired ones.
pub async fn catalogue(db: &impl ConnectionTrait, actor: &Actor) -> Result<Vec<MacsItemDto>, AppError> {
    let mut query = macs_item::Entity::find();
    if let Access::Customer(_) = actor.access()? {
        query = query.filter(macs_item::Column::Active.eq(true));
    }
    let items = query.order_by_asc(macs_item::Column::Minutes).order_by_asc(macs_item::Column::Name).all(db).await?;
    Ok(items.into_iter().map(item_dto).collect())
}

async fn find_item(db: &impl ConnectionTrait, id: &str) -> Result<macs_item::Model, AppError> {
    let found = match looks_like_id(id) {
        true => macs_item::Entity::find_by_id(id.to_string()).one(db).await?,
        false => None,
    };
    found.ok_or_else(|| AppError::not_found("catalogue item"))
}

/// Account managers add an item to the catalogue, or change one (its price, lead time, or
/// whether it can be ordered); `id` none adds. Every change is in the audit log: it is a price.
pub async fn save_item<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    id: Option<&str>,
    req: MacsItemRequest,
    now: DateTime<Utc>,
) -> Result<MacsItemDto, AppError> {
    actor.account_manager()?;
    let before = match id {
        Some(id) => Some(find_item(db, id).await?),
        None => None,
    };
    let adding = before.is_none();
    let mut check = FieldCheck::default();
    let name = match req.name {
        Some(n) => check.take("name", single_line(&n, "the item's name", 120)),
        None if adding => check.take("name", Err("Name the item.".to_string())),
        None => None,
    };
    let description = match req.description {
        Some(d) if d.trim().is_empty() => Some(String::new()),
        Some(d) => check.take("description", multi_line(&d, "a description", 2000)),
        None => None,
    };
    let minutes = match req.minutes {
        Some(m) => check.take("minutes", parse_minutes(m)),
        None if adding => check.take("minutes", Err("Give the price in voucher minutes.".to_string())),
        None => None,
    };
    let lead_days = match (req.lead_days, req.clear_lead_days) {
        (_, true) => Some(None),
        (Some(d), false) => check.take("lead_days", parse_lead_days(Some(d))),
        (None, false) => None,
    };
    check.finish()?;

    let txn = begin(db).await?;
    let saved = match before.clone() {
        None => {
            macs_item::ActiveModel {
                id: Set(new_id()),
                name: Set(name.unwrap_or_default()),
                description: Set(description.unwrap_or_default()),
                minutes: Set(minutes.unwrap_or_default()),
                lead_days: Set(lead_days.flatten()),
                active: Set(req.active.unwrap_or(true)),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?
        }
        Some(old) => {
            let mut model: macs_item::ActiveModel = old.into();
            if let Some(n) = name {
                model.name = Set(n);
            }
            if let Some(d) = description {
                model.description = Set(d);
            }
            if let Some(m) = minutes {
                model.minutes = Set(m);
            }
            if let Some(l) = lead_days {
                model.lead_days = Set(l);
            }
            if let Some(a) = req.active {
                model.active = Set(a);
            }
            model.updated_at = Set(now);
            model.update(&txn).await?
        }
    };
    let state = |i: &macs_item::Model| serde_json::json!({"name": i.name, "minutes": i.minutes, "lead_days": i.lead_days, "active": i.active});
    let summary = format!("MACS item {}: {} min", saved.name, saved.minutes);
    let change = AuditEntry::new(AuditKind::MacsCatalogueChanged, "macs_item", Some(&saved.id), summary)
        .change(before.as_ref().map(state).unwrap_or(serde_json::Value::Null), state(&saved));
    audit::record(&txn, actor, change, now).await?;
    txn.commit().await?;
    Ok(item_dto(saved))
}

async fn find(db: &impl ConnectionTrait, access: &Access, id: &str) -> Result<macs_order::Model, AppError> {
    let found = match looks_like_id(id) {
        true => macs_order::Entity::find_by_id(id.to_string()).one(db).await?,
        false => None,
    };
    found
        .filter(|o| sees_request(access, &o.organization_id, &o.requester_id))
        .ok_or_else(|| AppError::not_found("order"))
}

async fn to_dtos(db: &impl ConnectionTrait, models: Vec<macs_order::Model>) -> Result<Vec<MacsOrderDto>, AppError> {
    let orgs = organization_names(db, models.iter().map(|o| o.organization_id.clone()).collect()).await?;
    let numbers = ticket_numbers(db, models.iter().map(|o| o.ticket_id.clone()).collect()).await?;
    Ok(models
        .into_iter()
        .map(|o| MacsOrderDto {
            ticket_number: numbers.get(&o.ticket_id).cloned().unwrap_or_default(),
            organization_name: orgs.get(&o.organization_id).cloned().unwrap_or_default(),
            id: o.id,
            status: o.status,
            item_id: o.item_id,
            title: o.title,
            details: o.details,
            quote_minutes: o.quote_minutes.map(i64::from),
            quote_note: o.quote_note,
            charged_minutes: o.charged_minutes.map(i64::from),
            due_on: o.due_on,
            decision_note: o.decision_note,
            ticket_id: o.ticket_id,
            organization_id: o.organization_id,
            requester_id: o.requester_id,
            created_at: o.created_at,
        })
        .collect())
}

async fn one(db: &impl ConnectionTrait, model: macs_order::Model) -> Result<MacsOrderDto, AppError> {
    to_dtos(db, vec![model]).await?.pop().ok_or_else(AppError::internal)
}

fn price(minutes: i64) -> String {
    crate::domain::vouchers::hours(minutes)
}

/// A client orders from the catalogue (priced at once, awaiting their superuser's approval) or
/// asks for a quote outside it. Either way a `macs` ticket carries the work. Until go-live,
/// moves, adds and changes are part of the deployment project, not bought with vouchers: the
/// order is refused and the client raises a ticket instead.
pub async fn order<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    req: MacsOrderRequest,
    now: DateTime<Utc>,
) -> Result<MacsOrderDto, AppError> {
    let access = actor.access()?;
    let Access::Customer(customer) = &access else {
        return Err(AppError::forbidden("MACS work is ordered by the client; staff quote and complete it."));
    };
    let mut check = FieldCheck::default();
    let item = match req.item_id.as_deref().map(str::trim).filter(|i| !i.is_empty()) {
        Some(id) => match find_item(db, id).await {
            Ok(item) if item.active => Some(item),
            Err(e) if e.status() != 404 => return Err(e),
            // Not in the catalogue, or retired: the field is wrong, not the address.
            _ => check.take("item_id", Err("Choose an item from the catalogue.".to_string())),
        },
        None => None,
    };
    let title = match (&item, req.title.as_deref()) {
        (Some(item), _) => Some(item.name.clone()),
        (None, title) => check.take("title", single_line(title.unwrap_or_default(), "what you need", 200)),
    };
    let details = check.take("details", multi_line(&req.details, "the details", 4000));
    check.finish()?;
    let (Some(title), Some(details)) = (title, details) else { return Err(AppError::internal()) };

    let (status, quote, priced) = match &item {
        Some(i) => (
            OrderStatus::Quoted,
            Some(i.minutes),
            format!("Ordered from the catalogue at {} of voucher time.", price(i.minutes.into())),
        ),
        None => (OrderStatus::QuoteRequested, None, "A quote is asked for; CyTrack will reply with a price.".into()),
    };
    let new = NewTicket {
        subject: format!("MACS: {title}").chars().take(200).collect(),
        description: format!("{details}\n\n{priced}"),
        kind: TicketKind::Macs,
        priority: Priority::P3,
        product: None,
        requester_id: None,
    };
    let placed = place(db, &customer.organization_id, &new, settings::support_date(db, now).await?).await?;
    if placed.billing.tag != BillingTag::Billable {
        return Err(AppError::rule(
            "not_billable",
            format!(
                "Moves, adds and changes are not bought with vouchers yet: {} Raise a ticket for it instead.",
                placed.billing.reason
            ),
        ));
    }
    let txn = begin(db).await?;
    let ticket = write_ticket(&txn, actor, &customer.organization_id, new, placed, now).await?;
    let model = macs_order::ActiveModel {
        id: Set(new_id()),
        organization_id: Set(customer.organization_id.clone()),
        ticket_id: Set(ticket.id.clone()),
        requester_id: Set(actor.user_id.clone()),
        item_id: Set(item.as_ref().map(|i| i.id.clone())),
        title: Set(title.clone()),
        details: Set(details),
        status: Set(status.as_str().into()),
        quote_minutes: Set(quote),
        quote_note: Set(None),
        charged_minutes: Set(None),
        due_on: Set(None),
        decision_note: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let line = match quote {
        Some(m) => format!("ordered {title} at {m} min"),
        None => format!("quote requested: {title}"),
    };
    history_line(&ticket.id, Some(&actor.user_id), "macs", None, Some(line), now).insert(&txn).await?;
    if let Some(m) = quote {
        awaiting_approval(&txn, actor, &model, i64::from(m), now).await?;
    }
    txn.commit().await?;
    one(db, model).await
}

/// Tells the organisation's superusers a priced order waits for their approval.
async fn awaiting_approval(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    order: &macs_order::Model,
    minutes: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let notice = Notice {
        event: Event::BookingRequested,
        title: format!("MACS order awaiting your approval: {}", order.title),
        body: format!(
            "{} is priced at {} of voucher time. Approve or decline it in the portal.",
            order.title,
            price(minutes)
        ),
        link: Some("/macs".into()),
        ticket_id: Some(order.ticket_id.clone()),
        organization_id: Some(order.organization_id.clone()),
    };
    let around = Around {
        actor_id: Some(actor.user_id.clone()),
        organization_id: Some(order.organization_id.clone()),
        ..Around::default()
    };
    notifications::notify(txn, notice, around, now).await?;
    Ok(())
}

pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: MacsOrderFilter,
) -> Result<Page<MacsOrderDto>, AppError> {
    let access = actor.access()?;
    let mut query = requests_seen(
        macs_order::Entity::find(),
        &access,
        macs_order::Column::OrganizationId,
        macs_order::Column::RequesterId,
    );
    if let Some(status) = filter.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let status = OrderStatus::parse(status).map_err(|m| field_error("status", m))?;
        query = query.filter(macs_order::Column::Status.eq(status.as_str()));
    }
    let total = query.clone().count(db).await?;
    let (skip, take) = page_window(filter.page, filter.per_page)?;
    let models = query
        .order_by_desc(macs_order::Column::CreatedAt)
        .order_by_asc(macs_order::Column::Id)
        .offset(skip)
        .limit(take)
        .all(db)
        .await?;
    Ok(Page::of(to_dtos(db, models).await?, total))
}

pub async fn get(db: &impl ConnectionTrait, actor: &Actor, id: &str) -> Result<MacsOrderDto, AppError> {
    let access = actor.access()?;
    one(db, find(db, &access, id).await?).await
}

/// What happens to an order.
pub enum Step {
    /// An agent prices work outside the catalogue: minutes, and a note for the client.
    Quote(i64, Option<String>),
    Approve,
    Decline(String),
    /// The minutes to charge (default: the approved price).
    Complete(Option<i64>),
    Cancel,
}

/// Moves an order along its workflow, with the vouchers, the ticket's history and the people
/// around it following.
pub async fn advance<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    id: &str,
    step: Step,
    now: DateTime<Utc>,
) -> Result<MacsOrderDto, AppError> {
    let access = actor.access()?;
    let found = find(db, &access, id).await?;
    let from = OrderStatus::parse(&found.status).unwrap_or(OrderStatus::Cancelled);
    let to = match step {
        Step::Quote(..) => OrderStatus::Quoted,
        Step::Approve => OrderStatus::Approved,
        Step::Decline(_) => OrderStatus::Declined,
        Step::Complete(_) => OrderStatus::Completed,
        Step::Cancel => OrderStatus::Cancelled,
    };
    if !may_move_order(role_on(&access, actor, &found.requester_id), to) {
        return Err(AppError::forbidden(match to {
            OrderStatus::Approved | OrderStatus::Declined => {
                "Your organisation's superuser or your account manager approves spending voucher time."
            }
            OrderStatus::Quoted => "CyTrack quotes MACS work.",
            OrderStatus::Completed => "CyTrack records the work done.",
            _ => "You cannot change this order.",
        }));
    }
    check_order_transition(from, to).map_err(|m| AppError::rule("invalid_transition", m))?;
    let approved = i64::from(found.quote_minutes.unwrap_or(0));
    let mut model: macs_order::ActiveModel = found.clone().into();
    let mut done = None;
    let mut quoted = 0;
    match &step {
        Step::Quote(minutes, note) => {
            let mut check = FieldCheck::default();
            let minutes = check.take("minutes", parse_minutes(*minutes));
            let note = match note.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
                Some(n) => check.take("note", single_line(n, "a note", 500).map(Some)),
                None => Some(None),
            };
            check.finish()?;
            quoted = minutes.map(i64::from).unwrap_or(0);
            model.quote_minutes = Set(minutes);
            model.quote_note = Set(note.flatten());
        }
        Step::Decline(reason) => {
            model.decision_note =
                Set(Some(single_line(reason, "a reason", 500).map_err(|m| field_error("reason", m))?));
        }
        Step::Complete(minutes) => {
            // Whether the work is still chargeable is read inside the transaction below.
            order_charge(true, approved, *minutes).map_err(|m| field_error("minutes", m))?;
            done = Some(*minutes);
        }
        Step::Approve | Step::Cancel => {}
    }

    let txn = begin(db).await?;
    // Compare and set, first thing in the transaction, as for bookings: of two racing steps the
    // second changes nothing, so no minutes are reserved, charged or released twice.
    let moved = macs_order::Entity::update_many()
        .col_expr(macs_order::Column::Status, Expr::value(to.as_str()))
        .col_expr(macs_order::Column::UpdatedAt, Expr::value(now))
        .filter(macs_order::Column::Id.eq(found.id.as_str()))
        .filter(macs_order::Column::Status.eq(from.as_str()))
        .exec(&txn)
        .await?;
    if moved.rows_affected != 1 {
        return Err(AppError::conflict("order_changed", "This order was changed meanwhile; reload it and try again."));
    }
    let hold = Hold::Order(&found.id);
    let org = found.organization_id.as_str();
    let event = match &step {
        Step::Quote(..) => format!("quoted at {quoted} min"),
        Step::Approve => {
            vouchers::reserve(&txn, org, hold, approved, &actor.user_id, now).await?;
            let lead = match &found.item_id {
                Some(id) => macs_item::Entity::find_by_id(id.clone()).one(&txn).await?.and_then(|i| i.lead_days),
                None => None,
            };
            let cal = settings::calendar(&txn).await?;
            let due = due_on(&cal, cal.date_of(now), lead);
            model.due_on = Set(due);
            match due {
                Some(d) => format!("approved: {approved} min reserved, due {}", d.format("%a %-d %b %Y")),
                None => format!("approved: {approved} min reserved"),
            }
        }
        Step::Decline(_) => "declined".to_string(),
        Step::Complete(_) => {
            let ticket = ticket::Entity::find_by_id(found.ticket_id.clone()).one(&txn).await?;
            let billable = ticket.is_some_and(|t| t.billing_tag == BillingTag::Billable.as_str());
            let charge = order_charge(billable, approved, done.flatten()).map_err(|m| field_error("minutes", m))?;
            let note = format!("MACS order completed: {}, {charge} voucher minutes", found.title);
            let paid = vouchers::settle(&txn, org, hold, &found.ticket_id, charge, note, &actor.user_id, now).await?;
            model.charged_minutes = Set(Some(charge as i32));
            let mut line = format!("completed: {} min redeemed, {} min released", paid.redeemed, paid.released);
            if !billable {
                line = format!("{line}; the ticket is not billable, so nothing was charged");
            }
            if paid.invoiced > 0 {
                line = format!("{line}; {} min more than your vouchers held will be invoiced", paid.invoiced);
            }
            line
        }
        Step::Cancel => match from {
            OrderStatus::Approved => {
                let released = vouchers::release(&txn, org, hold, &actor.user_id, now).await?;
                format!("cancelled: {released} min released")
            }
            _ => "cancelled".to_string(),
        },
    };
    model.status = Set(to.as_str().into());
    model.updated_at = Set(now);
    let saved = model.update(&txn).await?;
    history_line(&saved.ticket_id, Some(&actor.user_id), "macs", Some(from.as_str().into()), Some(event.clone()), now)
        .insert(&txn)
        .await?;
    if to == OrderStatus::Quoted {
        awaiting_approval(&txn, actor, &saved, i64::from(saved.quote_minutes.unwrap_or(0)), now).await?;
    }
    let notice = Notice {
        event: Event::BookingUpdated,
        title: format!("Your MACS order is {}", to.label().to_lowercase()),
        body: format!("Your MACS order {} was {event}.", saved.title),
        link: Some("/macs".into()),
        ticket_id: Some(saved.ticket_id.clone()),
        organization_id: Some(saved.organization_id.clone()),
    };
    let around = Around {
        actor_id: Some(actor.user_id.clone()),
        requester_id: Some(saved.requester_id.clone()),
        ..Around::default()
    };
    notifications::notify(&txn, notice, around, now).await?;
    txn.commit().await?;
    one(db, saved).await
}
