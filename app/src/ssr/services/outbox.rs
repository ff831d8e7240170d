//! The mail outbox: delivery workers claim what is due, then record each message as sent, to
//! try again later, or failed. A claim is a lease (`claimed_until`), so a worker that dies
//! mid-send leaves its messages to another once the lease runs out; on PostgreSQL the claim also
//! skips rows another process is claiming at that instant (`FOR UPDATE SKIP LOCKED`), so several
//! portal processes never take the same message.

use super::notifications::OutboxStatus;
use crate::domain::notifications::retry_after;
use crate::dto::{page_window, OutboxFilter, OutboxMessageDto, Page};
use crate::error::AppError;
use crate::ssr::auth::Actor;
use crate::ssr::entities::mail_outbox::{self, Column};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, LockBehavior, LockType, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

/// How long a worker may hold a claimed message before another may take it.
pub const LEASE: Duration = Duration::minutes(5);

/// Claims up to `limit` messages due at `now` for the worker `claim` (a fresh id per claim),
/// and returns them.
pub async fn claim_due(
    db: &impl ConnectionTrait,
    claim: &str,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<mail_outbox::Model>, AppError> {
    let backend = db.get_database_backend();
    let mut due = Query::select();
    due.column(Column::Id)
        .from(mail_outbox::Entity)
        .and_where(Column::Status.eq(OutboxStatus::Pending.as_str()))
        .and_where(Column::NextAttemptAt.lte(now))
        .and_where(Column::ClaimedUntil.is_null().or(Column::ClaimedUntil.lt(now)))
        .order_by(Column::NextAttemptAt, sea_orm::Order::Asc)
        .limit(limit);
    if backend == DatabaseBackend::Postgres {
        due.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let claim_them = Query::update()
        .table(mail_outbox::Entity)
        .value(Column::ClaimedBy, claim)
        .value(Column::ClaimedUntil, now + LEASE)
        .and_where(Column::Id.in_subquery(due))
        // Checked again by the update itself: on SQLite two claims run one after the other, and
        // the second must not take what the first just took.
        .and_where(Column::ClaimedUntil.is_null().or(Column::ClaimedUntil.lt(now)))
        .to_owned();
    db.execute(backend.build(&claim_them)).await?;
    Ok(mail_outbox::Entity::find()
        .filter(Column::ClaimedBy.eq(claim))
        .filter(Column::Status.eq(OutboxStatus::Pending.as_str()))
        .order_by_asc(Column::NextAttemptAt)
        .all(db)
        .await?)
}

/// The message went out.
pub async fn sent(db: &impl ConnectionTrait, message: &mail_outbox::Model, now: DateTime<Utc>) -> Result<(), AppError> {
    mail_outbox::Entity::update_many()
        .col_expr(Column::Status, Expr::value(OutboxStatus::Sent.as_str()))
        .col_expr(Column::Attempts, Expr::value(message.attempts + 1))
        .col_expr(Column::SentAt, Expr::value(now))
        .col_expr(Column::ClaimedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(Column::LastError, Expr::value(Option::<String>::None))
        .filter(Column::Id.eq(message.id.as_str()))
        .exec(db)
        .await?;
    Ok(())
}

/// The message did not go out: try again after the next wait, or give up when the error is
/// permanent (the server refused the address) or the tries are spent. Answers the new status.
pub async fn not_sent(
    db: &impl ConnectionTrait,
    message: &mail_outbox::Model,
    error: &str,
    permanent: bool,
    now: DateTime<Utc>,
) -> Result<OutboxStatus, AppError> {
    let attempts = message.attempts + 1;
    let wait = if permanent { None } else { retry_after(attempts) };
    let status = if wait.is_some() { OutboxStatus::Pending } else { OutboxStatus::Failed };
    let error: String = error.chars().take(1000).collect();
    mail_outbox::Entity::update_many()
        .col_expr(Column::Status, Expr::value(status.as_str()))
        .col_expr(Column::Attempts, Expr::value(attempts))
        .col_expr(Column::NextAttemptAt, Expr::value(now + wait.unwrap_or_default()))
        .col_expr(Column::ClaimedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(Column::LastError, Expr::value(Some(error)))
        .filter(Column::Id.eq(message.id.as_str()))
        .exec(db)
        .await?;
    Ok(status)
}

/// The outbox, newest first, for admins: who was sent what, and what failed.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: OutboxFilter,
) -> Result<Page<OutboxMessageDto>, AppError> {
    actor.admin()?;
    let mut query = mail_outbox::Entity::find();
    if let Some(status) = filter.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let status = OutboxStatus::parse(status).map_err(|m| super::people::field_error("status", m))?;
        query = query.filter(Column::Status.eq(status.as_str()));
    }
    let total = query.clone().count(db).await?;
    let (offset, limit) = page_window(filter.page, filter.per_page)?;
    let rows =
        query.order_by_desc(Column::CreatedAt).order_by_desc(Column::Id).offset(offset).limit(limit).all(db).await?;
    let items = rows
        .into_iter()
        .map(|m| OutboxMessageDto {
            id: m.id,
            kind: m.kind,
            to_address: m.to_address,
            title: m.title,
            status: m.status,
            attempts: m.attempts,
            last_error: m.last_error,
            created_at: m.created_at,
            next_attempt_at: m.next_attempt_at,
            sent_at: m.sent_at,
        })
        .collect();
    Ok(Page::of(items, total))
}
