//! Queues: their routing rules (editable by admins) and how many open tickets each holds.

use super::audit::{self, Entry};
use super::people::field_error;
use super::{looks_like_id, new_id};
use crate::domain::audit::AuditKind;
use crate::domain::billing::BillingTag;
use crate::domain::text::single_line;
use crate::domain::tickets::{Product, QueueRule, TicketKind, TicketStatus};
use crate::dto::{QueueDto, QueueRequest};
use crate::error::{AppError, FieldCheck};
use crate::ssr::auth::Actor;
use crate::ssr::db::{begin, is_unique_violation};
use crate::ssr::entities::{queue, ticket, ticket_tally};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};
use serde_json::json;
use std::collections::HashMap;

fn list_of(csv: &str) -> Vec<String> {
    csv.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

fn rule_of(q: &queue::Model) -> QueueRule {
    QueueRule {
        name: q.name.clone(),
        kinds: list_of(&q.match_kinds).iter().filter_map(|k| TicketKind::parse(k).ok()).collect(),
        products: list_of(&q.match_products).iter().filter_map(|p| Product::parse(p).ok()).collect(),
        tags: list_of(&q.match_tags).iter().filter_map(|t| BillingTag::parse(t).ok()).collect(),
    }
}

/// The routing rules, in order.
pub async fn rules(db: &impl ConnectionTrait) -> Result<Vec<QueueRule>, AppError> {
    Ok(queue::Entity::find().order_by_asc(queue::Column::Position).all(db).await?.iter().map(rule_of).collect())
}

/// Statuses that still need work: what queues count.
pub fn open_statuses() -> Vec<&'static str> {
    TicketStatus::ALL.iter().filter(|s| crate::domain::tickets::is_open(**s)).map(|s| s.as_str()).collect()
}

/// Every queue with its count of open tickets, in one grouped query (staff).
pub async fn list(db: &impl ConnectionTrait, actor: &Actor) -> Result<Vec<QueueDto>, AppError> {
    actor.staff()?;
    // The tallies the triggers keep (migration 10): a few rows, however many tickets there are.
    let counts: HashMap<String, i64> = ticket_tally::Entity::find()
        .select_only()
        .column(ticket_tally::Column::Queue)
        .column_as(Expr::cust("CAST(SUM(tickets) AS BIGINT)"), "open_count")
        .filter(ticket_tally::Column::Status.is_in(open_statuses()))
        .group_by(ticket_tally::Column::Queue)
        .into_tuple::<(String, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(queue::Entity::find()
        .order_by_asc(queue::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|q| {
            let open_count = counts.get(&q.name).copied().unwrap_or(0) as u64;
            queue_dto(q, open_count)
        })
        .collect())
}

fn queue_dto(q: queue::Model, open_count: u64) -> QueueDto {
    QueueDto {
        open_count,
        kinds: list_of(&q.match_kinds),
        products: list_of(&q.match_products),
        tags: list_of(&q.match_tags),
        id: q.id,
        name: q.name,
        position: q.position,
    }
}

fn parse_rule(req: &QueueRequest) -> Result<(String, String, String, String), AppError> {
    let mut check = FieldCheck::default();
    let name = check.take("name", single_line(&req.name, "the queue's name", 100));
    let mut joined = |field: &str, values: &[String], parse: &dyn Fn(&str) -> Result<String, String>| {
        let mut out = Vec::new();
        for v in values.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
            if let Some(ok) = check.take(field, parse(v)) {
                out.push(ok);
            }
        }
        out.join(",")
    };
    let kinds = joined("kinds", &req.kinds, &|v| TicketKind::parse(v).map(|k| k.as_str().to_string()));
    let products = joined("products", &req.products, &|v| Product::parse(v).map(|p| p.as_str().to_string()));
    let tags = joined("tags", &req.tags, &|v| BillingTag::parse(v).map(|t| t.as_str().to_string()));
    check.finish()?;
    Ok((name.unwrap_or_default(), kinds, products, tags))
}

fn name_taken() -> AppError {
    AppError::conflict("queue_exists", "A queue with that name exists already.")
}

/// A queue's rule as the audit log keeps it.
fn snapshot(q: &queue::Model) -> serde_json::Value {
    json!({"name": q.name, "position": q.position, "kinds": q.match_kinds, "products": q.match_products, "tags": q.match_tags})
}

pub async fn create<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    req: QueueRequest,
    now: DateTime<Utc>,
) -> Result<QueueDto, AppError> {
    actor.admin()?;
    let (name, kinds, products, tags) = parse_rule(&req)?;
    let model = queue::ActiveModel {
        id: Set(new_id()),
        name: Set(name),
        position: Set(req.position),
        match_kinds: Set(kinds),
        match_products: Set(products),
        match_tags: Set(tags),
    };
    let txn = begin(db).await?;
    let q = match model.insert(&txn).await {
        Ok(q) => q,
        Err(e) if is_unique_violation(&e) => return Err(name_taken()),
        Err(e) => return Err(e.into()),
    };
    let entry = Entry::new(AuditKind::QueueCreated, "queue", Some(&q.id), format!("Queue {} was created.", q.name))
        .change(serde_json::Value::Null, snapshot(&q));
    audit::record(&txn, actor, entry, now).await?;
    txn.commit().await?;
    Ok(queue_dto(q, 0))
}

/// Changes a queue; a rename carries its tickets along.
pub async fn update<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    id: &str,
    req: QueueRequest,
    now: DateTime<Utc>,
) -> Result<QueueDto, AppError> {
    actor.admin()?;
    let (name, kinds, products, tags) = parse_rule(&req)?;
    let found = match looks_like_id(id) {
        true => queue::Entity::find_by_id(id.to_string()).one(db).await?,
        false => None,
    };
    let found = found.ok_or_else(|| AppError::not_found("queue"))?;
    if found.name != name
        && queue::Entity::find().filter(queue::Column::Name.eq(name.as_str())).one(db).await?.is_some()
    {
        return Err(name_taken());
    }
    let before = snapshot(&found);
    let txn = begin(db).await?;
    ticket::Entity::update_many()
        .col_expr(ticket::Column::Queue, Expr::value(name.clone()))
        .filter(ticket::Column::Queue.eq(found.name.as_str()))
        .exec(&txn)
        .await?;
    let mut model: queue::ActiveModel = found.into();
    model.name = Set(name);
    model.position = Set(req.position);
    model.match_kinds = Set(kinds);
    model.match_products = Set(products);
    model.match_tags = Set(tags);
    let q = model.update(&txn).await?;
    let entry = Entry::new(AuditKind::QueueChanged, "queue", Some(&q.id), format!("Queue {} was changed.", q.name))
        .change(before, snapshot(&q));
    audit::record(&txn, actor, entry, now).await?;
    txn.commit().await?;
    let mut all = list(db, actor).await?;
    all.retain(|d| d.id == q.id);
    all.pop().ok_or_else(AppError::internal)
}

/// A queue named in a request, as a field error when unknown.
pub async fn existing_name(db: &impl ConnectionTrait, name: &str) -> Result<String, AppError> {
    queue::Entity::find()
        .filter(queue::Column::Name.eq(name.trim()))
        .one(db)
        .await?
        .map(|q| q.name)
        .ok_or_else(|| field_error("queue", format!("There is no queue called \"{}\".", name.trim())))
}
