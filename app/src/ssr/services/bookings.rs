//! After-hours bookings: checked against the business calendar, quoted in voucher minutes,
//! approved (reserving the quote), scheduled, completed (redeeming the actual time) or cancelled.

use super::notifications::{self, Around, Notice};
use super::people::field_error;
use super::tickets::{
    history_line, insert_ticket, organization_names, staff_member, ticket_numbers, user_names, visible, NewTicket,
};
use super::vouchers::{self, Hold};
use super::{looks_like_id, new_id, requests_seen, sees_request, settings};
use crate::domain::afterhours::{
    charge_for_actual, check_booking_transition, may_move_booking, quote_window, BookingRole, BookingStatus,
};
use crate::domain::calendar::Segment;
use crate::domain::notifications::Event;
use crate::domain::people::parse_phone;
use crate::domain::text::{multi_line, single_line};
use crate::domain::tickets::{Priority, TicketKind};
use crate::dto::{BookingDto, BookingFilter, BookingRequest, Page, SegmentDto};
use crate::error::{AppError, FieldCheck};
use crate::ssr::auth::{Access, Actor};
use crate::ssr::db::begin;
use crate::ssr::entities::booking;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    Set, TransactionTrait,
};

fn when(at: DateTime<Utc>, tz: chrono_tz::Tz) -> String {
    at.with_timezone(&tz).format("%a %-d %b %Y %H:%M").to_string()
}

async fn find(db: &impl ConnectionTrait, access: &Access, id: &str) -> Result<booking::Model, AppError> {
    let found = match looks_like_id(id) {
        true => booking::Entity::find_by_id(id.to_string()).one(db).await?,
        false => None,
    };
    found
        .filter(|b| sees_request(access, &b.organization_id, &b.requester_id))
        .ok_or_else(|| AppError::not_found("booking"))
}

async fn to_dtos(db: &impl ConnectionTrait, models: Vec<booking::Model>) -> Result<Vec<BookingDto>, AppError> {
    let orgs = organization_names(db, models.iter().map(|b| b.organization_id.clone()).collect()).await?;
    let numbers = ticket_numbers(db, models.iter().map(|b| b.ticket_id.clone()).collect()).await?;
    let engineers = user_names(db, models.iter().filter_map(|b| b.engineer_id.clone()).collect()).await?;
    Ok(models
        .into_iter()
        .map(|b| {
            let segments: Vec<Segment> = serde_json::from_str(&b.segments).unwrap_or_default();
            BookingDto {
                segments: segments
                    .iter()
                    .map(|s| SegmentDto {
                        starts_at: s.starts_at,
                        ends_at: s.ends_at,
                        multiplier: f64::from(s.multiplier) / 100.0,
                    })
                    .collect(),
                ticket_number: numbers.get(&b.ticket_id).cloned().unwrap_or_default(),
                organization_name: orgs.get(&b.organization_id).cloned().unwrap_or_default(),
                engineer_name: b.engineer_id.as_ref().and_then(|e| engineers.get(e).cloned()),
                id: b.id,
                status: b.status,
                starts_at: b.starts_at,
                ends_at: b.ends_at,
                quote_minutes: b.quote_minutes,
                ticket_id: b.ticket_id,
                organization_id: b.organization_id,
                requester_id: b.requester_id,
                description: b.description,
                contact_name: b.contact_name,
                contact_phone: b.contact_phone,
                engineer_id: b.engineer_id,
                actual_minutes: b.actual_minutes,
                decision_note: b.decision_note,
                created_at: b.created_at,
            }
        })
        .collect())
}

async fn one(db: &impl ConnectionTrait, model: booking::Model) -> Result<BookingDto, AppError> {
    to_dtos(db, vec![model]).await?.pop().ok_or_else(AppError::internal)
}

fn instant(field: &str, input: &str, check: &mut FieldCheck) -> Option<DateTime<Utc>> {
    check.take(
        field,
        DateTime::parse_from_rfc3339(input.trim())
            .map(|d| d.with_timezone(&Utc))
            .map_err(|_| "Give a date and time like 2026-12-05T22:00:00+11:00.".to_string()),
    )
}

/// A customer books a window of after-hours work; it gets a quote and waits for approval.
pub async fn create<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    req: BookingRequest,
    now: DateTime<Utc>,
) -> Result<BookingDto, AppError> {
    let access = actor.access()?;
    let Access::Customer(customer) = &access else {
        return Err(AppError::forbidden("After-hours work is booked by the client; staff schedule it once approved."));
    };
    let mut check = FieldCheck::default();
    let starts_at = instant("starts_at", &req.starts_at, &mut check);
    let ends_at = instant("ends_at", &req.ends_at, &mut check);
    let description = check.take("description", multi_line(&req.description, "what is to be done", 4000));
    let contact_name = check.take("contact_name", single_line(&req.contact_name, "a contact for the night", 100));
    let contact_phone = check.take(
        "contact_phone",
        parse_phone(&req.contact_phone).and_then(|p| p.ok_or_else(|| "Give a phone number for the night.".to_string())),
    );
    check.finish()?;
    let (Some(starts_at), Some(ends_at), Some(description), Some(contact_name), Some(contact_phone)) =
        (starts_at, ends_at, description, contact_name, contact_phone)
    else {
        return Err(AppError::internal());
    };
    let cal = settings::calendar(db).await?;
    let (segments, quote) =
        quote_window(&cal, now, starts_at, ends_at).map_err(|r| AppError::rule(r.code, r.message))?;
    let window = format!("{} to {}", when(starts_at, cal.time_zone), when(ends_at, cal.time_zone));

    let ticket_id = match req.ticket_id.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(id) => {
            visible(db, &access, id)
                .await
                .map_err(|_| field_error("ticket_id", "Choose one of your tickets.".into()))?
                .id
        }
        None => {
            let new = NewTicket {
                subject: format!("After-hours work: {window}").chars().take(200).collect(),
                description: description.clone(),
                kind: TicketKind::AfterHours,
                priority: Priority::P3,
                product: None,
                requester_id: None,
            };
            insert_ticket(db, actor, &customer.organization_id, new, now).await?.id
        }
    };
    let txn = begin(db).await?;
    let model = booking::ActiveModel {
        id: Set(new_id()),
        organization_id: Set(customer.organization_id.clone()),
        ticket_id: Set(ticket_id.clone()),
        requester_id: Set(actor.user_id.clone()),
        starts_at: Set(starts_at),
        ends_at: Set(ends_at),
        description: Set(description),
        contact_name: Set(contact_name),
        contact_phone: Set(contact_phone),
        status: Set(BookingStatus::Requested.as_str().into()),
        quote_minutes: Set(quote),
        segments: Set(serde_json::to_string(&segments).map_err(|_| AppError::internal())?),
        engineer_id: Set(None),
        actual_minutes: Set(None),
        decision_note: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    history_line(
        &ticket_id,
        Some(&actor.user_id),
        "after_hours",
        None,
        Some(format!("requested {window}, quoted {quote} min")),
        now,
    )
    .insert(&txn)
    .await?;
    let notice = Notice {
        event: Event::BookingRequested,
        title: format!("After-hours work awaiting your approval: {window}"),
        body: format!(
            "{} booked after-hours work for {window}, quoted at {quote} voucher minutes. Approve or decline it in the portal.",
            actor.name
        ),
        link: Some("/after-hours".into()),
        ticket_id: Some(ticket_id.clone()),
        organization_id: Some(customer.organization_id.clone()),
    };
    let around = Around {
        actor_id: Some(actor.user_id.clone()),
        organization_id: Some(customer.organization_id.clone()),
        ..Around::default()
    };
    notifications::notify(&txn, notice, around, now).await?;
    txn.commit().await?;
    one(db, model).await
}

pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: BookingFilter,
) -> Result<Page<BookingDto>, AppError> {
    let access = actor.access()?;
    let mut query =
        requests_seen(booking::Entity::find(), &access, booking::Column::OrganizationId, booking::Column::RequesterId);
    if let Some(status) = filter.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let status = BookingStatus::parse(status).map_err(|m| field_error("status", m))?;
        query = query.filter(booking::Column::Status.eq(status.as_str()));
    }
    let total = query.clone().count(db).await?;
    let (skip, take) = crate::dto::page_window(filter.page, filter.per_page)?;
    let query = match filter.sort.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None | Some("soonest") => query.order_by_asc(booking::Column::StartsAt),
        Some("latest") => query.order_by_desc(booking::Column::StartsAt),
        Some(_) => return Err(field_error("sort", "Sort by soonest or latest.".into())),
    };
    let models = query.order_by_asc(booking::Column::Id).offset(skip).limit(take).all(db).await?;
    Ok(Page::of(to_dtos(db, models).await?, total))
}

pub async fn get(db: &impl ConnectionTrait, actor: &Actor, id: &str) -> Result<BookingDto, AppError> {
    let access = actor.access()?;
    one(db, find(db, &access, id).await?).await
}

/// What happens to a booking; `Approve` reserves, `Complete` redeems, `Cancel` releases.
pub enum Step {
    Approve,
    Decline(String),
    Schedule(String),
    Complete(i64),
    Cancel,
}

/// Moves a booking along its workflow, with the vouchers and the ticket history following.
/// The actor's part in a booking's workflow.
pub fn role_on(access: &Access, actor: &Actor, requester_id: &str) -> BookingRole {
    BookingRole {
        manager: matches!(access, Access::Staff(s) if s.role.manages_accounts()),
        staff: matches!(access, Access::Staff(_)),
        superuser: matches!(access, Access::Customer(c) if c.superuser),
        requester: actor.user_id == requester_id,
    }
}

pub async fn advance<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    id: &str,
    step: Step,
    now: DateTime<Utc>,
) -> Result<BookingDto, AppError> {
    let access = actor.access()?;
    let found = find(db, &access, id).await?;
    let from = BookingStatus::parse(&found.status).unwrap_or(BookingStatus::Cancelled);
    let to = match step {
        Step::Approve => BookingStatus::Approved,
        Step::Decline(_) => BookingStatus::Declined,
        Step::Schedule(_) => BookingStatus::Scheduled,
        Step::Complete(_) => BookingStatus::Completed,
        Step::Cancel => BookingStatus::Cancelled,
    };
    if !may_move_booking(role_on(&access, actor, &found.requester_id), to) {
        return Err(AppError::forbidden(match to {
            BookingStatus::Approved | BookingStatus::Declined => {
                "Your organisation's superuser or your account manager approves after-hours work."
            }
            BookingStatus::Scheduled => "Account managers schedule engineers.",
            BookingStatus::Completed => "CyTrack records the time worked.",
            _ => "You cannot change this booking.",
        }));
    }
    check_booking_transition(from, to).map_err(|m| AppError::rule("invalid_transition", m))?;

    let mut note = None;
    let mut engineer = None;
    let mut actual = None;
    match &step {
        Step::Decline(reason) => {
            note = Some(single_line(reason, "a reason", 500).map_err(|m| field_error("reason", m))?);
        }
        Step::Schedule(engineer_id) => {
            engineer = Some(
                staff_member(db, engineer_id.trim())
                    .await
                    .map_err(|_| field_error("engineer_id", "Choose an active CyTrack engineer.".into()))?,
            )
        }
        Step::Complete(minutes) => {
            if !(1..=24 * 60).contains(minutes) {
                return Err(field_error("actual_minutes", "Enter the minutes worked, from 1 to 1440.".into()));
            }
            actual = Some(*minutes);
        }
        _ => {}
    }

    let txn = begin(db).await?;
    // Compare and set, first thing in the transaction: the booking moves only from the status it
    // was read at. Of two requests racing (two completions, an approval and a cancellation), the
    // second finds the status changed (PostgreSQL re-checks the row once the first commits;
    // SQLite has them one after the other) and changes nothing, so no minutes are charged,
    // reserved or released twice.
    let moved = booking::Entity::update_many()
        .col_expr(booking::Column::Status, Expr::value(to.as_str()))
        .col_expr(booking::Column::UpdatedAt, Expr::value(now))
        .filter(booking::Column::Id.eq(found.id.as_str()))
        .filter(booking::Column::Status.eq(from.as_str()))
        .exec(&txn)
        .await?;
    if moved.rows_affected != 1 {
        return Err(AppError::conflict(
            "booking_changed",
            "This booking was changed meanwhile; reload it and try again.",
        ));
    }
    let mut event = to.as_str().to_string();
    let hold = Hold::Booking(&found.id);
    match to {
        BookingStatus::Approved => {
            vouchers::reserve(&txn, &found.organization_id, hold, found.quote_minutes, &actor.user_id, now).await?;
            event = format!("approved: {} min reserved", found.quote_minutes);
        }
        BookingStatus::Completed => {
            let segments: Vec<Segment> = serde_json::from_str(&found.segments).unwrap_or_default();
            let worked = actual.unwrap_or(0);
            let charge = charge_for_actual(&segments, worked);
            let note =
                format!("After-hours work: {worked} min worked, {charge} voucher minutes at the after-hours rates");
            let paid = vouchers::settle(
                &txn,
                &found.organization_id,
                hold,
                &found.ticket_id,
                charge,
                note,
                &actor.user_id,
                now,
            )
            .await?;
            event = format!(
                "completed: {worked} min worked, {} min redeemed, {} min reservation released",
                paid.redeemed, paid.released
            );
            if paid.invoiced > 0 {
                event = format!(
                    "{event}; {} min more than your vouchers held will be invoiced as billable time",
                    paid.invoiced
                );
            }
        }
        BookingStatus::Cancelled if matches!(from, BookingStatus::Approved | BookingStatus::Scheduled) => {
            let released = vouchers::release(&txn, &found.organization_id, hold, &actor.user_id, now).await?;
            event = format!("cancelled: {released} min released");
        }
        BookingStatus::Scheduled => {
            event = format!("scheduled: {}", engineer.as_ref().map(|(_, name)| name.as_str()).unwrap_or_default());
        }
        _ => {}
    }
    let ticket_id = found.ticket_id.clone();
    let mut model: booking::ActiveModel = found.into();
    model.status = Set(to.as_str().into());
    if let Some(n) = note {
        event = format!("declined: {n}");
        model.decision_note = Set(Some(n));
    }
    if let Some((id, _)) = engineer {
        model.engineer_id = Set(Some(id));
    }
    if actual.is_some() {
        model.actual_minutes = Set(actual);
    }
    model.updated_at = Set(now);
    let saved = model.update(&txn).await?;
    let notice = Notice {
        event: Event::BookingUpdated,
        title: format!("Your after-hours booking is {}", to.as_str()),
        body: format!(
            "Your after-hours booking of {} was {event}.",
            when(saved.starts_at, settings::calendar(&txn).await?.time_zone)
        ),
        link: Some("/after-hours".into()),
        ticket_id: Some(ticket_id.clone()),
        organization_id: Some(saved.organization_id.clone()),
    };
    let around = Around {
        actor_id: Some(actor.user_id.clone()),
        requester_id: Some(saved.requester_id.clone()),
        ..Around::default()
    };
    notifications::notify(&txn, notice, around, now).await?;
    history_line(&ticket_id, Some(&actor.user_id), "after_hours", Some(from.as_str().into()), Some(event), now)
        .insert(&txn)
        .await?;
    txn.commit().await?;
    one(db, saved).await
}
