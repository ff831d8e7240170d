//! The monthly statement: an organisation's vouchers from the ledger (opening, what moved, closing)
//! and the billable time left to invoice, for account managers and the client's superusers. Every
//! number is summed from ledger entries and time entries as they are; nothing stored is a total.

use super::billing::export_of;
use super::people::field_error;
use crate::domain::billing::month_or_this;
use crate::domain::text::spreadsheet_safe;
use crate::domain::tickets::ticket_number;
use crate::domain::vouchers::{movements, standing, EntryKind};
use crate::dto::{StatementDto, StatementRedemption, StatementVoucher};
use crate::error::AppError;
use crate::ssr::auth::{Access, Actor};
use crate::ssr::entities::{ledger_entry, ticket, voucher};
use chrono::Days;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::{BTreeMap, HashMap};

/// One organisation's statement for `month` (`YYYY-MM`; empty: the month it is now in the support
/// calendar's zone, whose days the statement counts, not UTC's).
pub async fn statement(
    db: &impl ConnectionTrait,
    actor: &Actor,
    organization_id: &str,
    month: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<StatementDto, AppError> {
    let access = actor.access()?;
    match &access {
        Access::Staff(_) => {
            actor.account_manager()?;
        }
        Access::Customer(c) if c.organization_id == organization_id && !c.superuser => {
            return Err(AppError::forbidden("Your organisation's superuser reads its statements."));
        }
        Access::Customer(_) => {}
    }
    let org = super::organizations::seen(db, &access, organization_id).await?;
    let calendar = super::settings::calendar(db).await?;
    let (first, last) = month_or_this(month, calendar.date_of(now)).map_err(|m| field_error("month", m))?;
    let (starts, ends) = (calendar.day_starts(first), calendar.day_starts(last + Days::new(1)));
    let entries = ledger_entry::Entity::find()
        .filter(ledger_entry::Column::OrganizationId.eq(org.id.as_str()))
        .filter(ledger_entry::Column::CreatedAt.lt(ends))
        .order_by_asc(ledger_entry::Column::Seq)
        .all(db)
        .await?;
    let kind_of = |e: &ledger_entry::Model| EntryKind::parse(&e.kind).ok().map(|k| (k, i64::from(e.minutes)));
    let before: Vec<(EntryKind, i64)> = entries.iter().filter(|e| e.created_at < starts).filter_map(kind_of).collect();
    let during: Vec<&ledger_entry::Model> = entries.iter().filter(|e| e.created_at >= starts).collect();
    let opening = standing(&before);
    let moved = movements(&during.iter().filter_map(|e| kind_of(e)).collect::<Vec<_>>());
    let closing = moved.after(opening);

    let vouchers: HashMap<String, voucher::Model> = voucher::Entity::find()
        .filter(voucher::Column::OrganizationId.eq(org.id.as_str()))
        .all(db)
        .await?
        .into_iter()
        .map(|v| (v.id.clone(), v))
        .collect();
    let listed = |kind: EntryKind| -> Vec<StatementVoucher> {
        let mut by_voucher: BTreeMap<&str, i64> = BTreeMap::new();
        for e in during.iter().filter(|e| e.kind == kind.as_str()) {
            *by_voucher.entry(e.voucher_id.as_str()).or_default() += i64::from(e.minutes);
        }
        by_voucher
            .into_iter()
            .filter_map(|(id, minutes)| {
                vouchers.get(id).map(|v| StatementVoucher {
                    voucher_id: v.id.clone(),
                    code: v.code.clone(),
                    minutes,
                    expires_on: v.expires_on,
                })
            })
            .collect()
    };
    let (vouchers_issued, vouchers_expired) = (listed(EntryKind::Issue), listed(EntryKind::Expire));

    // Redeemed and refunded minutes, by what they paid for.
    let mut paid: BTreeMap<(Option<String>, Option<String>), (i64, i64)> = BTreeMap::new();
    for e in &during {
        let sums = paid.entry((e.ticket_id.clone(), e.booking_id.clone())).or_default();
        match EntryKind::parse(&e.kind) {
            Ok(EntryKind::Redeem) => sums.0 += i64::from(e.minutes),
            Ok(EntryKind::Refund) => sums.1 += i64::from(e.minutes),
            _ => {}
        }
    }
    paid.retain(|_, (redeemed, refunded)| *redeemed != 0 || *refunded != 0);
    let ticket_ids: Vec<String> = paid.keys().filter_map(|(t, _)| t.clone()).collect();
    let tickets: HashMap<String, ticket::Model> = ticket::Entity::find()
        .filter(ticket::Column::Id.is_in(ticket_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id.clone(), t))
        .collect();
    let mut redemptions: Vec<StatementRedemption> = paid
        .into_iter()
        .map(|((ticket_id, booking_id), (redeemed, refunded))| {
            let t = ticket_id.as_ref().and_then(|id| tickets.get(id));
            StatementRedemption {
                number: t.map(|t| ticket_number(t.number)).unwrap_or_default(),
                subject: t.map(|t| t.subject.clone()).unwrap_or_default(),
                ticket_id,
                booking_id,
                redeemed_minutes: redeemed,
                refunded_minutes: refunded,
            }
        })
        .collect();
    redemptions.sort_by(|a, b| a.number.cmp(&b.number));

    let export = export_of(db, org.clone(), first, last).await?;
    let to_invoice: Vec<_> = export.rows.into_iter().filter(|r| r.to_invoice_minutes > 0).collect();
    Ok(StatementDto {
        organization_id: org.id,
        organization_name: org.name,
        month: first.format("%Y-%m").to_string(),
        opening_available_minutes: opening.available,
        opening_reserved_minutes: opening.reserved,
        issued_minutes: moved.issued,
        reserved_minutes: moved.reserved,
        released_minutes: moved.released,
        redeemed_minutes: moved.redeemed,
        refunded_minutes: moved.refunded,
        expired_minutes: moved.expired,
        closing_available_minutes: closing.available,
        closing_reserved_minutes: closing.reserved,
        vouchers_issued,
        vouchers_expired,
        redemptions,
        total_to_invoice_minutes: to_invoice.iter().map(|r| r.to_invoice_minutes).sum(),
        to_invoice,
    })
}

/// The statement as CSV: one line per figure, `section, item, detail, minutes`.
pub fn csv(s: &StatementDto) -> Result<String, AppError> {
    let mut rows: Vec<(&str, String, String, i64)> = vec![
        ("balance", "opening available".into(), String::new(), s.opening_available_minutes),
        ("balance", "opening reserved".into(), String::new(), s.opening_reserved_minutes),
    ];
    rows.extend(
        s.vouchers_issued.iter().map(|v| ("issued", v.code.clone(), format!("expires {}", v.expires_on), v.minutes)),
    );
    for r in &s.redemptions {
        let what = if r.number.is_empty() { "after-hours work".to_string() } else { r.number.clone() };
        if r.redeemed_minutes != 0 {
            rows.push(("redeemed", what.clone(), r.subject.clone(), r.redeemed_minutes));
        }
        if r.refunded_minutes != 0 {
            rows.push(("refunded", what, r.subject.clone(), r.refunded_minutes));
        }
    }
    rows.extend(s.vouchers_expired.iter().map(|v| ("expired", v.code.clone(), String::new(), v.minutes)));
    rows.push(("balance", "reserved".into(), String::new(), s.reserved_minutes));
    rows.push(("balance", "released".into(), String::new(), s.released_minutes));
    rows.push(("balance", "closing available".into(), String::new(), s.closing_available_minutes));
    rows.push(("balance", "closing reserved".into(), String::new(), s.closing_reserved_minutes));
    rows.extend(s.to_invoice.iter().map(|r| ("to invoice", r.number.clone(), r.subject.clone(), r.to_invoice_minutes)));
    rows.push(("to invoice", "total".into(), String::new(), s.total_to_invoice_minutes));
    let rows = rows.into_iter().map(|(section, item, detail, minutes)| {
        [section.to_string(), spreadsheet_safe(&item), spreadsheet_safe(&detail), minutes.to_string()]
    });
    super::csv_document(&["section", "item", "detail", "minutes"], rows)
}
