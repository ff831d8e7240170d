//! Service vouchers: issuing, the append-only ledger, redemptions that cannot double-spend,
//! refunds, reservations (for after-hours work and MACS orders, by the same three functions:
//! `reserve`, `release`, `settle`), and expiry.
//!
//! Every ledger write starts by bumping its organisation's `ledger_version` in the same
//! transaction. On SQLite that first write takes the database's write lock before anything is
//! read (so no transaction ever upgrades from read to write and fails busy); on PostgreSQL it
//! takes the organisation's row lock, which serialises writers across portal processes. Balances
//! are then read and entries written under that lock, so two redemptions can never spend the
//! same minutes.

use super::audit::{self, Entry as AuditEntry};
use super::people::field_error;
use super::redemptions::{Drawn, Redemption, RedemptionQueue};
use super::reports::Work;
use super::tickets::{history_line, support_date, visible};
use super::{looks_like_id, new_id};
use crate::domain::audit::AuditKind;
use crate::domain::billing::{parse_date, BillingTag};
use crate::domain::text::{single_line, spreadsheet_safe};
use crate::domain::vouchers::{
    balance, parse_minutes, pay_completed_work, plan_draw, plan_expiry, plan_release, runs_out_on, voucher_code,
    voucher_states, Balance, Entry, EntryKind, Purpose, VoucherState, CODE_LENGTH,
};
use crate::dto::{
    page_window, BalanceDto, BalanceRow, IssueVoucherRequest, LedgerEntryDto, Page, RedeemRequest, RedemptionDto,
    RedemptionResult, VoucherDto, VouchersDto,
};
use crate::error::AppError;
use crate::ssr::auth::{Access, Actor};
use crate::ssr::db::{begin, is_unique_violation};
use crate::ssr::entities::{ledger_entry, organization, redemption, ticket, time_entry, voucher};
use chrono::{DateTime, Days, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionTrait,
};
use std::collections::HashMap;

pub(super) fn insufficient(available: i64, wanted: i64) -> AppError {
    let mut e = AppError::conflict(
        "insufficient_balance",
        format!("Not enough voucher time: {wanted} minutes asked, {available} available. Nothing was charged."),
    );
    e.fields.insert("minutes".into(), format!("At most {available} minutes are available."));
    e
}

/// Takes the organisation's ledger lock and returns the new ledger version (the entries' `seq`).
async fn lock(txn: &impl ConnectionTrait, organization_id: &str) -> Result<i64, AppError> {
    lock_for(txn, organization_id, 1).await
}

/// Takes the organisation's ledger lock for `writes` ledger writes and returns the last of the
/// versions they take (`last - writes + 1 ..= last`).
pub(super) async fn lock_for(txn: &impl ConnectionTrait, organization_id: &str, writes: i64) -> Result<i64, AppError> {
    let stmt = Query::update()
        .table(organization::Entity)
        .value(organization::Column::LedgerVersion, Expr::col(organization::Column::LedgerVersion).add(writes))
        .and_where(organization::Column::Id.eq(organization_id))
        .returning_col(organization::Column::LedgerVersion)
        .to_owned();
    let row = txn.query_one(txn.get_database_backend().build(&stmt)).await?;
    let row = row.ok_or_else(|| AppError::not_found("organisation"))?;
    Ok(row.try_get::<i64>("", "ledger_version")?)
}

/// The ledger summed per voucher, kind and purpose (whether a MACS order holds it), for one
/// organisation or for all.
async fn sums_by_voucher(
    db: &impl ConnectionTrait,
    organization_ids: Option<&[String]>,
) -> Result<Vec<Entry>, AppError> {
    let total = Expr::col(ledger_entry::Column::Minutes).sum().cast_as(sea_orm::sea_query::Alias::new("BIGINT"));
    // 1 for a line of a MACS order, 0 for any other: written out, without bound values, so the
    // select and the GROUP BY are the same expression to PostgreSQL.
    let macs = || Expr::cust("CASE WHEN order_id IS NULL THEN 0 ELSE 1 END");
    let mut query = ledger_entry::Entity::find()
        .select_only()
        .column(ledger_entry::Column::VoucherId)
        .column(ledger_entry::Column::Kind)
        .column_as(macs(), "macs")
        .column_as(total, "total");
    if let Some(ids) = organization_ids {
        query = query.filter(ledger_entry::Column::OrganizationId.is_in(ids.iter().cloned()));
    }
    let rows: Vec<(String, String, i32, i64)> = query
        .group_by(ledger_entry::Column::VoucherId)
        .group_by(ledger_entry::Column::Kind)
        .group_by(macs())
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(voucher_id, kind, macs, minutes)| {
            let kind = EntryKind::parse(&kind).ok()?;
            let purpose = matches!(kind, EntryKind::Reserve | EntryKind::Release).then_some(if macs == 1 {
                Purpose::Macs
            } else {
                Purpose::AfterHours
            });
            Some(Entry { voucher_id, kind, minutes, purpose })
        })
        .collect())
}

/// Each voucher of the organisation with its standing, from one grouped query over the ledger.
pub(super) async fn states(
    db: &impl ConnectionTrait,
    organization_id: &str,
) -> Result<(Vec<voucher::Model>, Vec<VoucherState>), AppError> {
    let vouchers = voucher::Entity::find()
        .filter(voucher::Column::OrganizationId.eq(organization_id))
        .order_by_asc(voucher::Column::ExpiresOn)
        .all(db)
        .await?;
    let entries = sums_by_voucher(db, Some(&[organization_id.to_string()])).await?;
    let keys: Vec<(String, NaiveDate)> = vouchers.iter().map(|v| (v.id.clone(), v.expires_on)).collect();
    let states = voucher_states(&keys, &entries);
    Ok((vouchers, states))
}

pub(super) fn balance_dto(b: Balance) -> BalanceDto {
    BalanceDto {
        available_minutes: b.available_minutes,
        reserved_minutes: b.reserved_minutes,
        reserved_for: b.reserved_for,
        expiring_soon_minutes: b.expiring_soon_minutes,
        next_expiry_on: b.next_expiry_on,
    }
}

fn voucher_dto(v: &voucher::Model, s: Option<&VoucherState>, today: NaiveDate) -> VoucherDto {
    let expired = v.expires_on < today;
    VoucherDto {
        id: v.id.clone(),
        code: v.code.clone(),
        minutes: v.minutes,
        remaining_minutes: if expired { 0 } else { s.map(|s| s.available).unwrap_or(0) },
        reserved_minutes: s.map(|s| s.reserved).unwrap_or(0),
        issued_on: v.issued_on,
        expires_on: v.expires_on,
        expired,
    }
}

/// What a reservation holds voucher minutes for: after-hours work or a MACS order. Both hold,
/// give back and pay through `reserve`, `release` and `settle`.
#[derive(Debug, Clone, Copy)]
pub enum Hold<'a> {
    Booking(&'a str),
    Order(&'a str),
}

impl Hold<'_> {
    /// How the ledger's notes name it.
    fn what(self) -> &'static str {
        match self {
            Hold::Booking(_) => "after-hours work",
            Hold::Order(_) => "a MACS order",
        }
    }

    /// The ledger lines of this hold.
    fn lines(self) -> sea_orm::sea_query::SimpleExpr {
        match self {
            Hold::Booking(id) => ledger_entry::Column::BookingId.eq(id),
            Hold::Order(id) => ledger_entry::Column::OrderId.eq(id),
        }
    }
}

/// What a ledger line belongs to: its ticket, the reservation's holder, its redemption.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Links<'a> {
    pub ticket: Option<&'a str>,
    pub hold: Option<Hold<'a>>,
    pub redemption: Option<&'a str>,
}

/// A ledger line.
#[allow(clippy::too_many_arguments)]
pub(super) fn entry(
    organization_id: &str,
    seq: i64,
    voucher_id: &str,
    kind: EntryKind,
    minutes: i64,
    links: Links<'_>,
    actor_id: Option<&str>,
    note: &str,
    now: DateTime<Utc>,
) -> ledger_entry::ActiveModel {
    let (ticket_id, redemption_id) = (links.ticket, links.redemption);
    let booking_id = match links.hold {
        Some(Hold::Booking(id)) => Some(id),
        _ => None,
    };
    let order_id = match links.hold {
        Some(Hold::Order(id)) => Some(id),
        _ => None,
    };
    ledger_entry::ActiveModel {
        id: Set(new_id()),
        seq: Set(seq),
        organization_id: Set(organization_id.into()),
        voucher_id: Set(voucher_id.into()),
        kind: Set(kind.as_str().into()),
        minutes: Set(minutes as i32),
        ticket_id: Set(ticket_id.map(str::to_string)),
        booking_id: Set(booking_id.map(str::to_string)),
        order_id: Set(order_id.map(str::to_string)),
        redemption_id: Set(redemption_id.map(str::to_string)),
        actor_id: Set(actor_id.map(str::to_string)),
        note: Set(note.chars().take(500).collect()),
        created_at: Set(now),
    }
}

/// Who may read an organisation's vouchers: its own people and staff; anyone else gets 404.
/// The ledger names colleagues' tickets and CyTrack's refund reasons: staff and the
/// organisation's superusers (who approve spend) read it; a plain customer sees the balance only.
fn may_read_ledger(actor: &Actor, organization_id: &str) -> Result<(), AppError> {
    may_read(actor, organization_id)?;
    match actor.access()? {
        Access::Customer(c) if !c.superuser => {
            Err(AppError::forbidden("Your organisation's superuser reads the ledger; you see the balance."))
        }
        _ => Ok(()),
    }
}

fn may_read(actor: &Actor, organization_id: &str) -> Result<(), AppError> {
    match actor.access()? {
        Access::Staff(_) => Ok(()),
        Access::Customer(c) if c.organization_id == organization_id => Ok(()),
        Access::Customer(_) => Err(AppError::not_found("organisation")),
    }
}

/// Account managers issue a voucher: minutes, an expiry date, and a code nobody can guess.
pub async fn issue<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    organization_id: &str,
    req: IssueVoucherRequest,
    now: DateTime<Utc>,
) -> Result<VoucherDto, AppError> {
    actor.account_manager()?;
    let org = super::organizations::visible_to_staff(db, organization_id).await?;
    let today = support_date(db, now).await?;
    let mut check = crate::error::FieldCheck::default();
    let minutes = check.take("minutes", parse_minutes(req.minutes));
    let expires_on = check.take(
        "expires_on",
        parse_date(&req.expires_on).and_then(|d| {
            if d >= today {
                Ok(d)
            } else {
                Err("A voucher must expire today or later.".into())
            }
        }),
    );
    check.finish()?;
    let (Some(minutes), Some(expires_on)) = (minutes, expires_on) else { return Err(AppError::internal()) };
    for _ in 0..3 {
        let mut random = [0u8; CODE_LENGTH];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut random);
        let model = voucher::Model {
            id: new_id(),
            organization_id: org.id.clone(),
            code: voucher_code(random),
            minutes,
            issued_on: today,
            expires_on,
            issued_by: actor.user_id.clone(),
            created_at: now,
        };
        let txn = begin(db).await?;
        let seq = lock(&txn, &org.id).await?;
        let inserted = voucher::ActiveModel::from(model.clone()).insert(&txn).await;
        match inserted {
            Ok(v) => {
                let note = format!("Voucher {} issued", v.code);
                entry(
                    &org.id,
                    seq,
                    &v.id,
                    EntryKind::Issue,
                    minutes.into(),
                    Links::default(),
                    Some(&actor.user_id),
                    &note,
                    now,
                )
                .insert(&txn)
                .await?;
                let summary = format!("Voucher {} of {minutes} min for {}, expiring {expires_on}.", v.code, org.name);
                let issued = AuditEntry::new(AuditKind::VoucherIssued, "voucher", Some(&v.id), summary)
                    .of_organization(Some(&org.id))
                    .change(
                        serde_json::Value::Null,
                        serde_json::json!({"code": v.code, "minutes": minutes, "expires_on": expires_on}),
                    );
                audit::record(&txn, actor, issued, now).await?;
                txn.commit().await?;
                let state = VoucherState {
                    voucher_id: v.id.clone(),
                    expires_on,
                    available: minutes.into(),
                    reserved: 0,
                    reserved_for: Default::default(),
                };
                return Ok(voucher_dto(&v, Some(&state), today));
            }
            // A code collision (about one in 2^60): draw another.
            Err(e) if is_unique_violation(&e) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::internal())
}

pub async fn vouchers(
    db: &impl ConnectionTrait,
    actor: &Actor,
    organization_id: &str,
) -> Result<VouchersDto, AppError> {
    may_read(actor, organization_id)?;
    super::organizations::visible_to_staff(db, organization_id).await?;
    let today = support_date(db, Utc::now()).await?;
    let (vouchers, states) = states(db, organization_id).await?;
    let by_id: HashMap<&str, &VoucherState> = states.iter().map(|s| (s.voucher_id.as_str(), s)).collect();
    Ok(VouchersDto {
        vouchers: vouchers.iter().map(|v| voucher_dto(v, by_id.get(v.id.as_str()).copied(), today)).collect(),
        balance: balance_dto(balance(&states, today)),
    })
}

pub async fn ledger(
    db: &impl ConnectionTrait,
    actor: &Actor,
    organization_id: &str,
    page: Option<u64>,
    per_page: Option<u64>,
) -> Result<Page<LedgerEntryDto>, AppError> {
    may_read_ledger(actor, organization_id)?;
    super::organizations::visible_to_staff(db, organization_id).await?;
    let total =
        ledger_entry::Entity::find().filter(ledger_entry::Column::OrganizationId.eq(organization_id)).count(db).await?;
    let items = ledger_entries(db, organization_id, Some(page_window(page, per_page)?)).await?;
    Ok(Page::of(items, total))
}

/// An organisation's ledger lines with their voucher codes: newest first, one page of them; or,
/// without a page, all of them oldest first.
async fn ledger_entries(
    db: &impl ConnectionTrait,
    organization_id: &str,
    page: Option<(u64, u64)>,
) -> Result<Vec<LedgerEntryDto>, AppError> {
    let query = ledger_entry::Entity::find().filter(ledger_entry::Column::OrganizationId.eq(organization_id));
    let rows = match page {
        Some((offset, limit)) => {
            query
                .order_by_desc(ledger_entry::Column::Seq)
                .order_by_desc(ledger_entry::Column::CreatedAt)
                .offset(offset)
                .limit(limit)
                .all(db)
                .await?
        }
        None => {
            query.order_by_asc(ledger_entry::Column::Seq).order_by_asc(ledger_entry::Column::CreatedAt).all(db).await?
        }
    };
    let codes: HashMap<String, String> = voucher::Entity::find()
        .filter(voucher::Column::OrganizationId.eq(organization_id))
        .all(db)
        .await?
        .into_iter()
        .map(|v| (v.id, v.code))
        .collect();
    Ok(rows
        .into_iter()
        .map(|e| LedgerEntryDto {
            voucher_code: codes.get(&e.voucher_id).cloned().unwrap_or_default(),
            id: e.id,
            kind: e.kind,
            minutes: e.minutes,
            voucher_id: e.voucher_id,
            ticket_id: e.ticket_id,
            booking_id: e.booking_id,
            order_id: e.order_id,
            redemption_id: e.redemption_id,
            actor_id: e.actor_id,
            note: e.note,
            created_at: e.created_at,
        })
        .collect())
}

/// The whole ledger of an organisation as CSV (oldest first).
pub async fn ledger_csv(db: &impl ConnectionTrait, actor: &Actor, organization_id: &str) -> Result<String, AppError> {
    may_read_ledger(actor, organization_id)?;
    super::organizations::visible_to_staff(db, organization_id).await?;
    let rows = ledger_entries(db, organization_id, None).await?;
    let rows = rows.into_iter().map(|e| {
        [
            e.created_at.to_rfc3339(),
            e.kind,
            e.minutes.to_string(),
            e.voucher_code,
            e.ticket_id.unwrap_or_default(),
            e.booking_id.unwrap_or_default(),
            e.order_id.unwrap_or_default(),
            spreadsheet_safe(&e.note),
        ]
    });
    let header = ["created_at", "kind", "minutes", "voucher", "ticket_id", "booking_id", "order_id", "note"];
    super::csv_document(&header, rows)
}

/// Spends voucher minutes on a billable ticket: staff, or the organisation's superuser.
pub async fn redeem(
    db: &DatabaseConnection,
    queue: &RedemptionQueue,
    actor: &Actor,
    ticket_id: &str,
    req: RedeemRequest,
    now: DateTime<Utc>,
) -> Result<(bool, RedemptionResult), AppError> {
    let access = actor.access()?;
    if let Access::Customer(c) = &access {
        if !c.superuser {
            return Err(AppError::forbidden("Only your organisation's superuser can approve spending voucher time."));
        }
    }
    let minutes = parse_minutes(req.minutes).map_err(|m| field_error("minutes", m))?;
    let key = match req.idempotency_key.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
        Some(k) => Some(single_line(k, "an idempotency key", 100).map_err(|m| field_error("idempotency_key", m))?),
        None => None,
    };
    let ticket = visible(db, &access, ticket_id).await?;
    if ticket.billing_tag != BillingTag::Billable.as_str() {
        return Err(AppError::rule(
            "not_billable",
            "Only billable tickets can be paid with voucher time; this one is not chargeable.",
        ));
    }
    let today = support_date(db, now).await?;
    // A retried request is answered from the first one without queueing for the lock.
    if let Some(key) = &key {
        if let Some(earlier) = replay(db, &ticket, key, minutes, today).await? {
            return Ok((false, earlier));
        }
    }
    let redemption = Redemption {
        organization_id: ticket.organization_id.clone(),
        ticket_id: ticket.id.clone(),
        ticket_number: ticket.number,
        minutes,
        idempotency_key: key.clone(),
        actor_id: actor.user_id.clone(),
        now,
    };
    match queue.write(redemption).await? {
        Drawn::Made(result) => Ok((true, result)),
        Drawn::Short { available } => Err(insufficient(available, minutes.into())),
        // A first attempt with the same key got there first: answer as it was answered.
        Drawn::Spent => {
            let key = key.as_deref().unwrap_or_default();
            replay(db, &ticket, key, minutes, today).await?.map(|r| (false, r)).ok_or_else(AppError::internal)
        }
    }
}

/// The answer to a redemption already made with this idempotency key, if there is one; a key
/// reused for a different redemption is refused.
async fn replay(
    db: &impl ConnectionTrait,
    ticket: &ticket::Model,
    key: &str,
    minutes: i32,
    today: NaiveDate,
) -> Result<Option<RedemptionResult>, AppError> {
    let earlier = redemption::Entity::find()
        .filter(redemption::Column::OrganizationId.eq(ticket.organization_id.as_str()))
        .filter(redemption::Column::IdempotencyKey.eq(key))
        .one(db)
        .await?;
    let Some(earlier) = earlier else { return Ok(None) };
    if earlier.ticket_id != ticket.id || earlier.minutes != minutes {
        return Err(AppError::conflict(
            "idempotency_key_reused",
            "That idempotency key was used for a different redemption.",
        ));
    }
    let (_, states) = states(db, &ticket.organization_id).await?;
    Ok(Some(RedemptionResult { redemption: redemption_dto(&earlier), balance: balance_dto(balance(&states, today)) }))
}

pub(super) fn redemption_dto(r: &redemption::Model) -> RedemptionDto {
    RedemptionDto {
        id: r.id.clone(),
        ticket_id: r.ticket_id.clone(),
        minutes: r.minutes,
        created_at: r.created_at,
        refunded: r.refunded_at.is_some(),
    }
}

/// Gives a redemption's minutes back, as new entries on the vouchers they came from (staff).
pub async fn refund<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    redemption_id: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<RedemptionResult, AppError> {
    actor.staff()?;
    let reason = single_line(reason, "a reason", 300).map_err(|m| field_error("reason", m))?;
    let found = match looks_like_id(redemption_id) {
        true => redemption::Entity::find_by_id(redemption_id.to_string()).one(db).await?,
        false => None,
    };
    let found = found.ok_or_else(|| AppError::not_found("redemption"))?;
    let txn = begin(db).await?;
    let seq = lock(&txn, &found.organization_id).await?;
    // Read again under the lock: a concurrent refund may have won.
    let current = redemption::Entity::find_by_id(found.id.clone()).one(&txn).await?.ok_or_else(AppError::internal)?;
    if current.refunded_at.is_some() {
        return Err(AppError::conflict("already_refunded", "This redemption was refunded already."));
    }
    let drawn = ledger_entry::Entity::find()
        .filter(ledger_entry::Column::RedemptionId.eq(current.id.as_str()))
        .filter(ledger_entry::Column::Kind.eq(EntryKind::Redeem.as_str()))
        .all(&txn)
        .await?;
    for e in &drawn {
        let links = Links { ticket: e.ticket_id.as_deref(), hold: None, redemption: Some(current.id.as_str()) };
        entry(
            &current.organization_id,
            seq,
            &e.voucher_id,
            EntryKind::Refund,
            e.minutes.into(),
            links,
            Some(&actor.user_id),
            &format!("Refund: {reason}"),
            now,
        )
        .insert(&txn)
        .await?;
    }
    let mut model: redemption::ActiveModel = current.into();
    model.refunded_at = Set(Some(now));
    let refunded = model.update(&txn).await?;
    history_line(
        &refunded.ticket_id,
        Some(&actor.user_id),
        "vouchers",
        None,
        Some(format!("{} min refunded", refunded.minutes)),
        now,
    )
    .insert(&txn)
    .await?;
    let (_, after) = states(&txn, &refunded.organization_id).await?;
    let summary = format!("{} min refunded on a ticket: {reason}", refunded.minutes);
    let refund = AuditEntry::new(AuditKind::RedemptionRefunded, "redemption", Some(&refunded.id), summary)
        .of_organization(Some(&refunded.organization_id))
        .change(
            serde_json::json!({"refunded": false, "minutes": refunded.minutes, "ticket_id": refunded.ticket_id}),
            serde_json::json!({"refunded": true, "reason": reason}),
        );
    audit::record(&txn, actor, refund, now).await?;
    txn.commit().await?;
    Ok(RedemptionResult {
        redemption: redemption_dto(&refunded),
        balance: balance_dto(balance(&after, support_date(db, now).await?)),
    })
}

/// Reserves minutes for a booking or an order inside the caller's transaction.
pub async fn reserve(
    txn: &impl ConnectionTrait,
    organization_id: &str,
    hold: Hold<'_>,
    minutes: i64,
    actor_id: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let seq = lock(txn, organization_id).await?;
    let (_, current) = states(txn, organization_id).await?;
    let plan =
        plan_draw(&current, minutes, support_date(txn, now).await?).map_err(|s| insufficient(s.available, minutes))?;
    let note = format!("Reserved for {}", hold.what());
    for (voucher_id, take) in plan {
        let links = Links { hold: Some(hold), ..Links::default() };
        entry(organization_id, seq, &voucher_id, EntryKind::Reserve, take, links, Some(actor_id), &note, now)
            .insert(txn)
            .await?;
    }
    Ok(())
}

/// Releases what a booking or order still holds, returning it to the vouchers it came from.
pub async fn release(
    txn: &impl ConnectionTrait,
    organization_id: &str,
    hold: Hold<'_>,
    actor_id: &str,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let seq = lock(txn, organization_id).await?;
    let entries = ledger_entry::Entity::find()
        .filter(hold.lines())
        .filter(ledger_entry::Column::Kind.is_in([EntryKind::Reserve.as_str(), EntryKind::Release.as_str()]))
        .all(txn)
        .await?;
    let mut held: Vec<(String, i64)> = Vec::new();
    for e in &entries {
        let sign = if e.kind == EntryKind::Reserve.as_str() { 1 } else { -1 };
        match held.iter_mut().find(|(v, _)| *v == e.voucher_id) {
            Some(slot) => slot.1 += sign * i64::from(e.minutes),
            None => held.push((e.voucher_id.clone(), sign * i64::from(e.minutes))),
        }
    }
    let total: i64 = held.iter().map(|(_, m)| m.max(&0)).sum();
    for (voucher_id, take) in plan_release(&held, total) {
        let links = Links { hold: Some(hold), ..Links::default() };
        entry(organization_id, seq, &voucher_id, EntryKind::Release, take, links, Some(actor_id), "Released", now)
            .insert(txn)
            .await?;
    }
    Ok(total)
}

/// What settling a reservation did: minutes released, redeemed, and left to invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settled {
    pub released: i64,
    pub redeemed: i64,
    pub invoiced: i64,
}

/// Pays for finished work inside the caller's transaction: releases what the booking or order
/// held, then redeems the cost as a redemption like any other (so it is listed, refunded and
/// reconciled the same way), at most what the vouchers then hold; the rest is to invoice
/// (`pay_completed_work`). The cost is recorded as the ticket's time, so the billing export
/// splits it into paid by vouchers and to invoice (`split_billable`).
#[allow(clippy::too_many_arguments)]
pub async fn settle(
    txn: &impl ConnectionTrait,
    organization_id: &str,
    hold: Hold<'_>,
    ticket_id: &str,
    cost: i64,
    time_note: String,
    actor_id: &str,
    now: DateTime<Utc>,
) -> Result<Settled, AppError> {
    let released = release(txn, organization_id, hold, actor_id, now).await?;
    let today = support_date(txn, now).await?;
    if cost <= 0 {
        return Ok(Settled { released, redeemed: 0, invoiced: 0 });
    }
    time_entry::ActiveModel {
        id: Set(new_id()),
        ticket_id: Set(ticket_id.into()),
        author_id: Set(actor_id.into()),
        minutes: Set(cost as i32),
        note: Set(time_note),
        worked_on: Set(today),
        created_at: Set(now),
    }
    .insert(txn)
    .await?;
    super::reports::count_work(txn, actor_id, today, Work { replies: 0, minutes: cost }).await?;
    let seq = lock(txn, organization_id).await?;
    let (_, current) = states(txn, organization_id).await?;
    let available = match plan_draw(&current, cost, today) {
        Ok(_) => cost,
        Err(short) => short.available,
    };
    let (redeemed, invoiced) = pay_completed_work(cost, available);
    if redeemed == 0 {
        return Ok(Settled { released, redeemed, invoiced });
    }
    let plan = plan_draw(&current, redeemed, today).map_err(|s| insufficient(s.available, redeemed))?;
    let redemption = redemption::ActiveModel {
        id: Set(new_id()),
        organization_id: Set(organization_id.into()),
        ticket_id: Set(ticket_id.into()),
        minutes: Set(redeemed as i32),
        idempotency_key: Set(None),
        actor_id: Set(actor_id.into()),
        created_at: Set(now),
        refunded_at: Set(None),
    }
    .insert(txn)
    .await?;
    let note = format!("Paid: {} completed", hold.what());
    for (voucher_id, take) in plan {
        let links = Links { ticket: Some(ticket_id), hold: Some(hold), redemption: Some(redemption.id.as_str()) };
        entry(organization_id, seq, &voucher_id, EntryKind::Redeem, take, links, Some(actor_id), &note, now)
            .insert(txn)
            .await?;
    }
    Ok(Settled { released, redeemed, invoiced })
}

/// Writes `expire` entries for what is left on expired vouchers. Returns the minutes expired.
pub async fn expire_due<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let today = support_date(db, now).await?;
    let orgs: Vec<String> = voucher::Entity::find()
        .select_only()
        .column(voucher::Column::OrganizationId)
        .distinct()
        .filter(voucher::Column::ExpiresOn.lt(today))
        .into_tuple()
        .all(db)
        .await?;
    let mut expired = 0;
    for org in orgs {
        let txn = begin(db).await?;
        let seq = lock(&txn, &org).await?;
        let (_, current) = states(&txn, &org).await?;
        for (voucher_id, minutes) in plan_expiry(&current, today) {
            entry(&org, seq, &voucher_id, EntryKind::Expire, minutes, Links::default(), None, "Expired unused", now)
                .insert(&txn)
                .await?;
            expired += minutes;
        }
        txn.commit().await?;
    }
    Ok(expired)
}

/// Every organisation's balance, what expires soon, and the pace of spending (account managers).
pub async fn balances(db: &impl ConnectionTrait, actor: &Actor) -> Result<Vec<BalanceRow>, AppError> {
    actor.account_manager()?;
    balance_rows(db, Utc::now(), None).await
}

/// The organisations that spent minutes (net of refunds) in the 90 days before `now`: the ones
/// whose vouchers can run out at their pace. Reads the ledger's lines of those days
/// (`ledger_entries_created`), not every organisation's vouchers.
pub(crate) async fn recent_spenders(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<Vec<String>, AppError> {
    let spent = spent_since(db, now, None).await?;
    Ok(spent.into_iter().filter(|(_, minutes)| *minutes > 0).map(|(org, _)| org).collect())
}

/// Minutes redeemed less refunded per organisation over the 90 days before `now` (of `only`, when given).
async fn spent_since(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    only: Option<&[String]>,
) -> Result<HashMap<String, i64>, AppError> {
    let since = now - chrono::Duration::days(90);
    let mut query = ledger_entry::Entity::find()
        .select_only()
        .column(ledger_entry::Column::OrganizationId)
        .column(ledger_entry::Column::Kind)
        .column_as(
            Expr::col(ledger_entry::Column::Minutes).sum().cast_as(sea_orm::sea_query::Alias::new("BIGINT")),
            "total",
        )
        .filter(ledger_entry::Column::CreatedAt.gte(since))
        .filter(ledger_entry::Column::Kind.is_in([EntryKind::Redeem.as_str(), EntryKind::Refund.as_str()]));
    if let Some(ids) = only {
        query = query.filter(ledger_entry::Column::OrganizationId.is_in(ids.iter().cloned()));
    }
    let recent: Vec<(String, String, i64)> = query
        .group_by(ledger_entry::Column::OrganizationId)
        .group_by(ledger_entry::Column::Kind)
        .into_tuple()
        .all(db)
        .await?;
    let mut spent: HashMap<String, i64> = HashMap::new();
    for (org, kind, minutes) in recent {
        *spent.entry(org).or_default() += if kind == EntryKind::Redeem.as_str() { minutes } else { -minutes };
    }
    Ok(spent)
}

/// Each organisation's balance row on `now` (of `only`, when given), by name, for whoever may
/// read them all.
pub(crate) async fn balance_rows(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    only: Option<&[String]>,
) -> Result<Vec<BalanceRow>, AppError> {
    let today = support_date(db, now).await?;
    let mut orgs = organization::Entity::find().order_by_asc(organization::Column::Name);
    let mut vouchers = voucher::Entity::find();
    if let Some(ids) = only {
        orgs = orgs.filter(organization::Column::Id.is_in(ids.iter().cloned()));
        vouchers = vouchers.filter(voucher::Column::OrganizationId.is_in(ids.iter().cloned()));
    }
    let orgs = orgs.all(db).await?;
    let vouchers = vouchers.all(db).await?;
    let sums = sums_by_voucher(db, only).await?;
    let spent = spent_since(db, now, only).await?;
    let org_of: HashMap<&str, &str> = vouchers.iter().map(|v| (v.id.as_str(), v.organization_id.as_str())).collect();
    let mut entries_of: HashMap<String, Vec<Entry>> = HashMap::new();
    for e in sums {
        if let Some(org) = org_of.get(e.voucher_id.as_str()) {
            entries_of.entry(org.to_string()).or_default().push(e);
        }
    }
    let mut by_org: HashMap<String, Vec<(String, NaiveDate)>> = HashMap::new();
    for v in &vouchers {
        by_org.entry(v.organization_id.clone()).or_default().push((v.id.clone(), v.expires_on));
    }
    Ok(orgs
        .into_iter()
        .map(|o| {
            let keys = by_org.remove(&o.id).unwrap_or_default();
            let entries = entries_of.remove(&o.id).unwrap_or_default();
            let b = balance(&voucher_states(&keys, &entries), today);
            let redeemed = spent.get(&o.id).copied().unwrap_or(0).max(0);
            BalanceRow {
                organization_id: o.id,
                organization_name: o.name,
                available_minutes: b.available_minutes,
                reserved_minutes: b.reserved_minutes,
                reserved_for: b.reserved_for,
                expiring_soon_minutes: b.expiring_soon_minutes,
                next_expiry_on: b.next_expiry_on,
                redeemed_last_90_days: redeemed,
                runs_out_on: runs_out_on(b.available_minutes, redeemed, today),
            }
        })
        .collect())
}

/// A day far enough ahead for demo and test vouchers.
pub fn in_days(now: DateTime<Utc>, days: u64) -> NaiveDate {
    crate::domain::calendar::BusinessCalendar::sydney_default().date_of(now) + Days::new(days)
}
