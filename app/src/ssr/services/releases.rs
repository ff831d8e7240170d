//! Releases: numbered by the seed's rule (`domain::releases`), tickets slated for them, shipping
//! (which resolves the slated fixes and tells their clients), and what each organisation runs.

use super::people::field_error;
use super::tickets::{self, history_line, insert_ticket, scoped, to_dtos, NewTicket};
use super::{looks_like_id, new_id};
use crate::domain::billing::parse_date;
use crate::domain::releases::{check_new, newer_than, next_numbers, ReleaseNumber, ReleaseState};
use crate::domain::text::multi_line;
use crate::domain::tickets::{is_open, Priority, TicketKind, TicketStatus};
use crate::dto::{
    CreateReleaseRequest, InstalledReleaseDto, InstalledReleaseRequest, NextNumbersDto, OrganizationRef, ReleaseDetail,
    ReleaseDto, ReleaseInUseDto, SlateRequest, SlatedDto, TicketDto, UpdateReleaseRequest, UpdateTicketRequest,
    UpgradeRequest,
};
use crate::error::{AppError, FieldCheck};
use crate::ssr::auth::{Access, Actor};
use crate::ssr::db::{begin, is_unique_violation};
use crate::ssr::entities::{installed_release, organization, release, ticket, ticket_release};
use crate::ssr::markdown::to_safe_html;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect,
    RelationTrait, Set, TransactionTrait,
};
use std::collections::HashMap;

const NOTES_MAX: usize = 50_000;

fn number_of(r: &release::Model) -> ReleaseNumber {
    ReleaseNumber { year: r.year as u8, sequence: r.sequence as u32, point: r.point as u32 }
}

fn state_of(r: &release::Model) -> ReleaseState {
    ReleaseState::parse(&r.state).unwrap_or(ReleaseState::Planned)
}

fn to_dto(r: release::Model, slated_count: u64) -> ReleaseDto {
    ReleaseDto {
        state: state_of(&r),
        notes_html: to_safe_html(&r.notes),
        id: r.id,
        number: r.number,
        planned_on: r.planned_on,
        released_at: r.released_at,
        notes: r.notes,
        slated_count,
    }
}

/// Newest first: by year, version and point.
fn newest_first(query: sea_orm::Select<release::Entity>) -> sea_orm::Select<release::Entity> {
    query
        .order_by_desc(release::Column::Year)
        .order_by_desc(release::Column::Sequence)
        .order_by_desc(release::Column::Point)
}

/// How many tickets the caller may see are slated for each release, in one grouped query scoped
/// as the ticket list is (a client: their organisation's; a plain customer: their own).
async fn slated_counts(db: &impl ConnectionTrait, access: &Access) -> Result<HashMap<String, u64>, AppError> {
    let rows: Vec<(String, i64)> = scoped(ticket::Entity::find(), access)
        .select_only()
        .join(JoinType::InnerJoin, ticket_release::Relation::Ticket.def().rev())
        .column(ticket_release::Column::ReleaseId)
        .column_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), "slated")
        .group_by(ticket_release::Column::ReleaseId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(id, n)| (id, n.max(0) as u64)).collect())
}

/// Every release, newest first; every signed-in person may follow them.
pub async fn list(db: &impl ConnectionTrait, actor: &Actor) -> Result<Vec<ReleaseDto>, AppError> {
    let access = actor.access()?;
    let mut counts = slated_counts(db, &access).await?;
    Ok(newest_first(release::Entity::find())
        .all(db)
        .await?
        .into_iter()
        .map(|r| {
            let n = counts.remove(&r.id).unwrap_or(0);
            to_dto(r, n)
        })
        .collect())
}

async fn found(db: &impl ConnectionTrait, id: &str) -> Result<release::Model, AppError> {
    let found = match looks_like_id(id) {
        true => release::Entity::find_by_id(id.to_string()).one(db).await?,
        false => None,
    };
    found.ok_or_else(|| AppError::not_found("release"))
}

/// A release with the slated tickets the caller may see.
pub async fn get(db: &impl ConnectionTrait, actor: &Actor, id: &str) -> Result<ReleaseDetail, AppError> {
    let access = actor.access()?;
    let r = found(db, id).await?;
    let slated = scoped(ticket::Entity::find(), &access)
        .join(JoinType::InnerJoin, ticket_release::Relation::Ticket.def().rev())
        .filter(ticket_release::Column::ReleaseId.eq(r.id.as_str()))
        .order_by_asc(ticket::Column::Number)
        .all(db)
        .await?;
    let tickets = to_dtos(db, slated).await?;
    Ok(ReleaseDetail { release: to_dto(r, tickets.len() as u64), tickets })
}

async fn all_numbers(db: &impl ConnectionTrait) -> Result<Vec<ReleaseNumber>, AppError> {
    Ok(release::Entity::find().all(db).await?.iter().map(number_of).collect())
}

/// The year the work is defined in, as release numbers write it.
async fn this_year(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u8, AppError> {
    Ok((super::settings::support_date(db, now).await?.year() % 100) as u8)
}

/// The numbers a new release may take (staff).
pub async fn next(db: &impl ConnectionTrait, actor: &Actor, now: DateTime<Utc>) -> Result<NextNumbersDto, AppError> {
    actor.staff()?;
    let next = next_numbers(&all_numbers(db).await?, this_year(db, now).await?);
    let text = |n: Option<ReleaseNumber>| n.map(|n| n.to_string());
    Ok(NextNumbersDto { point: text(next.point), sequence: text(next.sequence), new_year: text(next.new_year) })
}

fn parse_planned(check: &mut FieldCheck, planned_on: &Option<String>) -> Option<NaiveDate> {
    match planned_on.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(day) => check.take("planned_on", parse_date(day)),
        None => None,
    }
}

fn parse_notes(check: &mut FieldCheck, notes: &str) -> String {
    match notes.trim().is_empty() {
        true => String::new(),
        false => check.take("notes", multi_line(notes, "the release notes", NOTES_MAX)).unwrap_or_default(),
    }
}

pub async fn create<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    req: CreateReleaseRequest,
    now: DateTime<Utc>,
) -> Result<ReleaseDto, AppError> {
    let staff = actor.staff()?;
    let mut check = FieldCheck::default();
    let number = check.take("number", ReleaseNumber::parse(&req.number));
    let planned_on = parse_planned(&mut check, &req.planned_on);
    let notes = parse_notes(&mut check, &req.notes);
    check.finish()?;
    let Some(number) = number else { return Err(AppError::internal()) };
    let txn = begin(db).await?;
    check_new(&all_numbers(&txn).await?, number, this_year(&txn, now).await?)
        .map_err(|refusal| AppError::conflict(refusal.code(), refusal.message(number)))?;
    let inserted = release::ActiveModel {
        id: Set(new_id()),
        number: Set(number.to_string()),
        year: Set(i16::from(number.year)),
        sequence: Set(number.sequence as i32),
        point: Set(number.point as i32),
        state: Set(ReleaseState::Planned.as_str().into()),
        planned_on: Set(planned_on),
        notes: Set(notes),
        released_at: Set(None),
        created_by: Set(staff.user_id),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(|e| match is_unique_violation(&e) {
        true => AppError::conflict("release_exists", format!("Release {number} exists already.")),
        false => e.into(),
    })?;
    txn.commit().await?;
    Ok(to_dto(inserted, 0))
}

/// The plan and the notes (staff); the number never changes once given.
pub async fn update(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: &str,
    req: UpdateReleaseRequest,
    now: DateTime<Utc>,
) -> Result<ReleaseDto, AppError> {
    actor.staff()?;
    let mut check = FieldCheck::default();
    let planned_on = parse_planned(&mut check, &req.planned_on);
    let notes = parse_notes(&mut check, &req.notes);
    check.finish()?;
    let r = found(db, id).await?;
    let mut model: release::ActiveModel = r.into();
    model.planned_on = Set(planned_on);
    model.notes = Set(notes);
    model.updated_at = Set(now);
    let updated = model.update(db).await?;
    let access = actor.access()?;
    let n = slated_counts(db, &access).await?.remove(&updated.id).unwrap_or(0);
    Ok(to_dto(updated, n))
}

fn already_shipped(number: &str) -> AppError {
    AppError::conflict("release_shipped", format!("Release {number} has shipped; slate tickets for a planned release."))
}

/// A ticket named by id or by number (`CT-000042`, `42`), of any organisation (staff only).
async fn ticket_named(db: &impl ConnectionTrait, named: &str) -> Result<ticket::Model, AppError> {
    let named = named.trim();
    let found = if looks_like_id(named) {
        ticket::Entity::find_by_id(named.to_string()).one(db).await?
    } else {
        match named.to_ascii_uppercase().trim_start_matches("CT-").parse::<i64>() {
            Ok(number) => ticket::Entity::find().filter(ticket::Column::Number.eq(number)).one(db).await?,
            Err(_) => None,
        }
    };
    found.ok_or_else(|| field_error("ticket", format!("There is no ticket {named}.")))
}

/// Slates a ticket for a planned release (staff); a ticket slated elsewhere moves here.
pub async fn slate<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    release_id: &str,
    req: SlateRequest,
    now: DateTime<Utc>,
) -> Result<SlatedDto, AppError> {
    let staff = actor.staff()?;
    if req.ticket.trim().is_empty() {
        return Err(field_error("ticket", "Name the ticket to slate: its number, such as CT-000042.".into()));
    }
    let r = found(db, release_id).await?;
    if state_of(&r) == ReleaseState::Released {
        return Err(already_shipped(&r.number));
    }
    let t = ticket_named(db, &req.ticket).await?;
    let txn = begin(db).await?;
    let before = slated_for(&txn, &t).await?;
    if before.as_ref().map(|s| s.release_id.as_str()) != Some(r.id.as_str()) {
        ticket_release::Entity::insert(ticket_release::ActiveModel {
            ticket_id: Set(t.id.clone()),
            release_id: Set(r.id.clone()),
            slated_by: Set(staff.user_id.clone()),
            slated_at: Set(now),
        })
        .on_conflict(
            OnConflict::column(ticket_release::Column::TicketId)
                .update_columns([
                    ticket_release::Column::ReleaseId,
                    ticket_release::Column::SlatedBy,
                    ticket_release::Column::SlatedAt,
                ])
                .to_owned(),
        )
        .exec(&txn)
        .await?;
        history_line(&t.id, Some(&staff.user_id), "release", before.map(|s| s.number), Some(r.number.clone()), now)
            .insert(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(slated_dto(&r, &t))
}

/// Takes a ticket off a release (staff).
pub async fn unslate<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    release_id: &str,
    ticket_id: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let staff = actor.staff()?;
    let r = found(db, release_id).await?;
    let slated = match looks_like_id(ticket_id) {
        true => ticket_release::Entity::find_by_id(ticket_id.to_string()).one(db).await?,
        false => None,
    };
    let Some(slated) = slated.filter(|s| s.release_id == r.id) else {
        return Err(AppError::not_found("slated ticket"));
    };
    let txn = begin(db).await?;
    ticket_release::Entity::delete_by_id(slated.ticket_id.clone()).exec(&txn).await?;
    history_line(&slated.ticket_id, Some(&staff.user_id), "release", Some(r.number), None, now).insert(&txn).await?;
    txn.commit().await?;
    Ok(())
}

fn slated_dto(r: &release::Model, t: &ticket::Model) -> SlatedDto {
    SlatedDto {
        release_id: r.id.clone(),
        number: r.number.clone(),
        state: state_of(r),
        upgrade: t.kind == TicketKind::Upgrade.as_str(),
    }
}

/// The release a ticket is slated for, if any (the ticket is already known to be visible).
pub async fn slated_for(db: &impl ConnectionTrait, t: &ticket::Model) -> Result<Option<SlatedDto>, AppError> {
    let Some(slated) = ticket_release::Entity::find_by_id(t.id.clone()).one(db).await? else { return Ok(None) };
    Ok(release::Entity::find_by_id(slated.release_id).one(db).await?.map(|r| slated_dto(&r, t)))
}

/// Ships a planned release (staff): it becomes released, and each fix slated for it that is still
/// open is resolved with it by the workflow's own rule (its client is told, and may reopen it as
/// any resolved ticket). Upgrade tickets stay as they are: the upgrade itself is still to do.
pub async fn ship<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    id: &str,
    now: DateTime<Utc>,
) -> Result<ReleaseDto, AppError> {
    let staff = actor.staff()?;
    let r = found(db, id).await?;
    let txn = begin(db).await?;
    // Compare and set: of two people shipping at once, one ships and one is told it has.
    let shipped = release::Entity::update_many()
        .col_expr(release::Column::State, Expr::value(ReleaseState::Released.as_str()))
        .col_expr(release::Column::ReleasedAt, Expr::value(now))
        .col_expr(release::Column::UpdatedAt, Expr::value(now))
        .filter(release::Column::Id.eq(r.id.as_str()))
        .filter(release::Column::State.eq(ReleaseState::Planned.as_str()))
        .exec(&txn)
        .await?;
    if shipped.rows_affected == 0 {
        return Err(AppError::conflict("release_shipped", format!("Release {} has shipped already.", r.number)));
    }
    let slated = ticket::Entity::find()
        .join(JoinType::InnerJoin, ticket_release::Relation::Ticket.def().rev())
        .filter(ticket_release::Column::ReleaseId.eq(r.id.as_str()))
        .filter(ticket::Column::Kind.ne(TicketKind::Upgrade.as_str()))
        .order_by_asc(ticket::Column::Number)
        .all(&txn)
        .await?;
    let why = format!("The fix is in release {}, released today.", r.number);
    for t in slated {
        let open = TicketStatus::parse(&t.status).map(is_open).unwrap_or(false);
        if !open {
            continue;
        }
        let resolve =
            UpdateTicketRequest { status: Some(TicketStatus::Resolved.as_str().into()), ..Default::default() };
        match tickets::update_in(&txn, actor, &t.id, &resolve, Some(&why), now).await {
            Ok(_) => {}
            // A ticket the workflow will not resolve from where it stands stays for an agent.
            Err(e) if e.status() == 409 || e.status() == 422 => continue,
            Err(e) => return Err(e),
        }
        history_line(&t.id, Some(&staff.user_id), "release", None, Some(format!("{} released", r.number)), now)
            .insert(&txn)
            .await?;
    }
    txn.commit().await?;
    let access = actor.access()?;
    let n = slated_counts(db, &access).await?.remove(&r.id).unwrap_or(0);
    Ok(to_dto(found(db, id).await?, n))
}

/// What an organisation runs and the released versions newer than it.
pub async fn installed(
    db: &impl ConnectionTrait,
    actor: &Actor,
    organization_id: &str,
) -> Result<InstalledReleaseDto, AppError> {
    let access = actor.access()?;
    let org = super::organizations::seen(db, &access, organization_id).await?;
    let recorded = installed_release::Entity::find_by_id(org.id.clone()).one(db).await?;
    let released = newest_first(release::Entity::find())
        .filter(release::Column::State.eq(ReleaseState::Released.as_str()))
        .all(db)
        .await?;
    let mut counts = slated_counts(db, &access).await?;
    let installed = recorded.as_ref().and_then(|i| released.iter().find(|r| r.id == i.release_id)).cloned();
    let newer_numbers =
        newer_than(installed.as_ref().map(number_of), &released.iter().map(number_of).collect::<Vec<_>>());
    let mut newer: Vec<ReleaseDto> = released
        .into_iter()
        .filter(|r| newer_numbers.contains(&number_of(r)))
        .map(|r| {
            let n = counts.get(&r.id).copied().unwrap_or(0);
            to_dto(r, n)
        })
        .collect();
    newer.reverse();
    Ok(InstalledReleaseDto {
        organization_id: org.id,
        installed: installed.map(|r| {
            let n = counts.remove(&r.id).unwrap_or(0);
            to_dto(r, n)
        }),
        recorded_at: recorded.map(|i| i.recorded_at),
        newer,
    })
}

/// Records the release an organisation runs (account managers), or clears it.
pub async fn set_installed(
    db: &impl ConnectionTrait,
    actor: &Actor,
    organization_id: &str,
    req: InstalledReleaseRequest,
    now: DateTime<Utc>,
) -> Result<InstalledReleaseDto, AppError> {
    let manager = actor.account_manager()?;
    let org = super::organizations::visible_to_staff(db, organization_id).await?;
    match req.release.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        None => {
            installed_release::Entity::delete_by_id(org.id.clone()).exec(db).await?;
        }
        Some(typed) => {
            let number = ReleaseNumber::parse(typed).map_err(|m| field_error("release", m))?;
            let r = release::Entity::find()
                .filter(release::Column::Number.eq(number.to_string()))
                .one(db)
                .await?
                .filter(|r| state_of(r) == ReleaseState::Released)
                .ok_or_else(|| field_error("release", format!("{number} is not a released version.")))?;
            installed_release::Entity::insert(installed_release::ActiveModel {
                organization_id: Set(org.id.clone()),
                release_id: Set(r.id),
                recorded_by: Set(manager.user_id),
                recorded_at: Set(now),
            })
            .on_conflict(
                OnConflict::column(installed_release::Column::OrganizationId)
                    .update_columns([
                        installed_release::Column::ReleaseId,
                        installed_release::Column::RecordedBy,
                        installed_release::Column::RecordedAt,
                    ])
                    .to_owned(),
            )
            .exec(db)
            .await?;
        }
    }
    installed(db, actor, &org.id).await
}

/// Which clients run what (account managers): a row per release in use, newest first, then the
/// organisations with nothing recorded.
pub async fn in_use(db: &impl ConnectionTrait, actor: &Actor) -> Result<Vec<ReleaseInUseDto>, AppError> {
    actor.account_manager()?;
    let orgs = organization::Entity::find().order_by_asc(organization::Column::Name).all(db).await?;
    let runs: HashMap<String, String> = installed_release::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.organization_id, i.release_id))
        .collect();
    let mut rows: Vec<ReleaseInUseDto> = newest_first(release::Entity::find())
        .all(db)
        .await?
        .into_iter()
        .map(|r| ReleaseInUseDto {
            organizations: orgs
                .iter()
                .filter(|o| runs.get(&o.id) == Some(&r.id))
                .map(|o| OrganizationRef { id: o.id.clone(), name: o.name.clone() })
                .collect(),
            release: Some(r.number),
        })
        .filter(|row| !row.organizations.is_empty())
        .collect();
    let unknown: Vec<OrganizationRef> = orgs
        .iter()
        .filter(|o| !runs.contains_key(&o.id))
        .map(|o| OrganizationRef { id: o.id.clone(), name: o.name.clone() })
        .collect();
    if !unknown.is_empty() {
        rows.push(ReleaseInUseDto { release: None, organizations: unknown });
    }
    Ok(rows)
}

/// A client asks to be upgraded to a released version: an `upgrade` ticket naming it, raised and
/// slated in one transaction.
pub async fn request_upgrade<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    release_id: &str,
    req: UpgradeRequest,
    now: DateTime<Utc>,
) -> Result<TicketDto, AppError> {
    let Access::Customer(customer) = actor.access()? else {
        return Err(AppError::forbidden("Clients ask for upgrades; staff raise an upgrade ticket for them."));
    };
    let note = match req.note.trim().is_empty() {
        true => None,
        false => Some(multi_line(&req.note, "the note", 5_000).map_err(|m| field_error("note", m))?),
    };
    let r = found(db, release_id).await?;
    if state_of(&r) != ReleaseState::Released {
        return Err(AppError::conflict(
            "release_planned",
            format!("Release {} has not shipped yet; ask for the upgrade once it is released.", r.number),
        ));
    }
    // A release number is at most 16 characters: the subject is always within bounds.
    let subject = format!("Upgrade to release {}", r.number);
    let description = match note {
        Some(note) => format!("Please upgrade us to release {}.\n\n{note}", r.number),
        None => format!("Please upgrade us to release {}.", r.number),
    };
    let new = NewTicket {
        subject,
        description,
        kind: TicketKind::Upgrade,
        priority: Priority::P4,
        product: None,
        requester_id: None,
    };
    let txn = begin(db).await?;
    let t = insert_ticket(&txn, actor, &customer.organization_id, new, now).await?;
    ticket_release::ActiveModel {
        ticket_id: Set(t.id.clone()),
        release_id: Set(r.id.clone()),
        slated_by: Set(actor.user_id.clone()),
        slated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    history_line(&t.id, Some(&actor.user_id), "release", None, Some(r.number.clone()), now).insert(&txn).await?;
    txn.commit().await?;
    Ok(to_dtos(db, vec![t]).await?.remove(0))
}
