//! The audit log: every security- or money-relevant action (`domain::audit::AuditKind`) is
//! recorded by the service that does it, on the same connection or transaction as the action,
//! so an action and its entry are kept or lost together. Entries are never changed: the
//! database refuses it (migration 23). Admins read the whole log; account managers one
//! organisation's; nobody else any of it.

use super::people::field_error;
use super::{new_id, organizations, settings};
use crate::domain::audit::{parse_query, AuditKind};
use crate::domain::text::spreadsheet_safe;
use crate::dto::{AuditEntryDto, AuditFilter, Page};
use crate::error::AppError;
use crate::ssr::auth::Actor;
use crate::ssr::entities::{audit_entry, organization};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Condition, Expr, Func};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};
use serde_json::Value;
use std::collections::HashMap;

/// An action to record: what, on what, and what changed.
#[derive(Debug, Clone)]
pub struct Entry {
    kind: AuditKind,
    target_type: &'static str,
    target_id: Option<String>,
    organization_id: Option<String>,
    summary: String,
    before: Option<Value>,
    after: Option<Value>,
}

impl Entry {
    pub fn new(
        kind: AuditKind,
        target_type: &'static str,
        target_id: Option<&str>,
        summary: impl Into<String>,
    ) -> Entry {
        Entry {
            kind,
            target_type,
            target_id: target_id.map(str::to_string),
            organization_id: None,
            summary: summary.into(),
            before: None,
            after: None,
        }
    }

    /// The organisation the action concerns (its account managers read the entry).
    pub fn of_organization(mut self, organization_id: Option<&str>) -> Entry {
        self.organization_id = organization_id.map(str::to_string);
        self
    }

    /// The fields as they were and as they became.
    pub fn change(mut self, before: Value, after: Value) -> Entry {
        self.before = Some(before).filter(|v| !v.is_null());
        self.after = Some(after).filter(|v| !v.is_null());
        self
    }
}

/// Records what `actor` did.
pub async fn record(
    db: &impl ConnectionTrait,
    actor: &Actor,
    entry: Entry,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    write(db, Some(&actor.user_id), &actor.name, entry, now).await
}

/// Records a sign-in that went wrong, under the address it named (and the account, when there
/// is one).
pub async fn record_sign_in(
    db: &impl ConnectionTrait,
    email: &str,
    account: Option<(&str, Option<&str>)>,
    kind: AuditKind,
    summary: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let entry =
        Entry::new(kind, "user", account.map(|(id, _)| id), summary).of_organization(account.and_then(|(_, org)| org));
    write(db, None, email, entry, now).await
}

/// Records what someone did with no session: the account a mailed link stands for.
pub async fn record_by(
    db: &impl ConnectionTrait,
    actor_id: Option<&str>,
    actor_name: &str,
    entry: Entry,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    write(db, actor_id, actor_name, entry, now).await
}

async fn write(
    db: &impl ConnectionTrait,
    actor_id: Option<&str>,
    actor_name: &str,
    entry: Entry,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let text = |v: Option<Value>| v.map(|v| v.to_string());
    let row = audit_entry::ActiveModel {
        id: sea_orm::Set(new_id()),
        at: sea_orm::Set(now),
        actor_id: sea_orm::Set(actor_id.map(str::to_string)),
        actor_name: sea_orm::Set(actor_name.chars().take(320).collect()),
        kind: sea_orm::Set(entry.kind.as_str().into()),
        organization_id: sea_orm::Set(entry.organization_id),
        target_type: sea_orm::Set(entry.target_type.into()),
        target_id: sea_orm::Set(entry.target_id),
        summary: sea_orm::Set(entry.summary),
        before: sea_orm::Set(text(entry.before)),
        after: sea_orm::Set(text(entry.after)),
    };
    audit_entry::Entity::insert(row).exec_without_returning(db).await?;
    Ok(())
}

/// The entries a search asks for, newest first: admins any, account managers those of the
/// organisation they name (422 without one).
async fn search(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &AuditFilter,
) -> Result<Select<audit_entry::Entity>, AppError> {
    let staff = actor.account_manager()?;
    let organization = filter.organization_id.as_deref().map(str::trim).filter(|o| !o.is_empty());
    let organization = match organization {
        Some(id) => Some(organizations::visible_to_staff(db, id).await?.id),
        None if staff.role == crate::domain::people::Role::Admin => None,
        None => {
            return Err(field_error(
                "organization_id",
                "Choose an organisation: account managers read one organisation's entries.".into(),
            ))
        }
    };
    let query =
        parse_query(filter.actor.as_deref(), filter.kind.as_deref(), filter.from.as_deref(), filter.to.as_deref())
            .map_err(|(field, message)| field_error(field, message))?;
    let mut select = audit_entry::Entity::find();
    if let Some(id) = organization {
        select = select.filter(audit_entry::Column::OrganizationId.eq(id));
    }
    if let Some(kind) = query.kind {
        select = select.filter(audit_entry::Column::Kind.eq(kind.as_str()));
    }
    if let Some(actor) = query.actor {
        let pattern = format!("%{}%", actor.to_lowercase().replace(['%', '_'], ""));
        select = select.filter(
            Condition::any()
                .add(audit_entry::Column::ActorId.eq(actor.as_str()))
                .add(Expr::expr(Func::lower(Expr::col(audit_entry::Column::ActorName))).like(pattern)),
        );
    }
    if query.from.is_some() || query.to.is_some() {
        let calendar = settings::calendar(db).await?;
        if let Some(from) = query.from {
            select = select.filter(audit_entry::Column::At.gte(calendar.day_starts(from)));
        }
        if let Some(to) = query.to {
            let next = to.succ_opt().map(|d| calendar.day_starts(d)).unwrap_or_else(|| Utc::now() + Duration::days(1));
            select = select.filter(audit_entry::Column::At.lt(next));
        }
    }
    Ok(match filter.sort.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None | Some("newest") => select.order_by_desc(audit_entry::Column::At).order_by_desc(audit_entry::Column::Id),
        Some("oldest") => select.order_by_asc(audit_entry::Column::At).order_by_asc(audit_entry::Column::Id),
        Some(_) => return Err(field_error("sort", "Sort by newest or oldest.".into())),
    })
}

/// A page of the log.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: AuditFilter,
) -> Result<Page<AuditEntryDto>, AppError> {
    let select = search(db, actor, &filter).await?;
    let (offset, per_page) = crate::dto::page_window(filter.page, filter.per_page)?;
    let total = select.clone().count(db).await?;
    let rows = select.offset(offset).limit(per_page).all(db).await?;
    Ok(Page::of(dtos(db, rows).await?, total))
}

/// The most rows one export holds; past it, narrow the search.
pub const EXPORT_MAX: u64 = 100_000;

/// The search as CSV, for a spreadsheet (every cell safe to open in one).
pub async fn csv(db: &impl ConnectionTrait, actor: &Actor, filter: AuditFilter) -> Result<String, AppError> {
    let rows = search(db, actor, &filter).await?.limit(EXPORT_MAX).all(db).await?;
    let entries = dtos(db, rows).await?;
    let json = |v: &Option<Value>| v.as_ref().map(Value::to_string).unwrap_or_default();
    let rows = entries.into_iter().map(|e| {
        [
            e.at.to_rfc3339(),
            spreadsheet_safe(&e.actor_name),
            e.kind.as_str().to_string(),
            spreadsheet_safe(&e.organization_name.unwrap_or_default()),
            e.target_type,
            e.target_id.unwrap_or_default(),
            spreadsheet_safe(&e.summary),
            spreadsheet_safe(&json(&e.before)),
            spreadsheet_safe(&json(&e.after)),
        ]
    });
    let header = ["at", "actor", "kind", "organisation", "target_type", "target_id", "summary", "before", "after"];
    super::csv_document(&header, rows)
}

async fn dtos(db: &impl ConnectionTrait, rows: Vec<audit_entry::Model>) -> Result<Vec<AuditEntryDto>, AppError> {
    let ids: Vec<String> = rows.iter().filter_map(|r| r.organization_id.clone()).collect();
    let names: HashMap<String, String> = match ids.is_empty() {
        true => HashMap::new(),
        false => organization::Entity::find()
            .filter(organization::Column::Id.is_in(ids))
            .select_only()
            .column(organization::Column::Id)
            .column(organization::Column::Name)
            .into_tuple::<(String, String)>()
            .all(db)
            .await?
            .into_iter()
            .collect(),
    };
    let parse = |text: Option<String>| text.and_then(|t| serde_json::from_str(&t).ok());
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            // A kind this build does not know (written by a newer one) is left out, not guessed.
            let kind = AuditKind::parse(&r.kind).ok()?;
            Some(AuditEntryDto {
                organization_name: r.organization_id.as_ref().and_then(|id| names.get(id).cloned()),
                id: r.id,
                at: r.at,
                actor_id: r.actor_id,
                actor_name: r.actor_name,
                kind,
                organization_id: r.organization_id,
                target_type: r.target_type,
                target_id: r.target_id,
                summary: r.summary,
                before: parse(r.before),
                after: parse(r.after),
            })
        })
        .collect())
}
