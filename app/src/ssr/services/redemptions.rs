//! Writing redemptions in batches (`ssr::batch`, group commit): every redemption waiting in this
//! process is written in one transaction, so 32 clients spending one organisation's minutes pay
//! for one lock, one read of the balance and one commit between them instead of one each.
//!
//! Each redemption in a batch is still decided alone and in arrival order, against the balance
//! the ones before it left (`plan_draw`, then `states_after`), under the organisation's ledger
//! lock; a redemption that finds too little changes nothing and does not stop the others.

use super::new_id;
use super::tickets::history_line;
use super::vouchers::{balance_dto, entry, lock_for, redemption_dto, states, Links};
use crate::domain::tickets::ticket_number;
use crate::domain::vouchers::{balance, plan_draw, states_after, EntryKind};
use crate::dto::RedemptionResult;
use crate::error::AppError;
use crate::ssr::batch::{Batched, GroupCommit};
use crate::ssr::db::begin;
use crate::ssr::entities::{ledger_entry, redemption, ticket_history};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter, QuerySelect};
use std::collections::{BTreeMap, HashSet};

/// A redemption the service has checked (who, which ticket, how much), waiting to be written.
pub struct Redemption {
    pub organization_id: String,
    pub ticket_id: String,
    pub ticket_number: i64,
    pub minutes: i32,
    pub idempotency_key: Option<String>,
    pub actor_id: String,
    pub now: DateTime<Utc>,
}

/// What became of one redemption.
pub enum Drawn {
    Made(RedemptionResult),
    /// Its idempotency key was spent before (by an earlier request or earlier in this batch):
    /// the caller answers from that one.
    Spent,
    /// Too little was available; nothing was written for it.
    Short {
        available: i64,
    },
}

/// This process's queue of redemptions for one database (`AppState::redemptions`).
pub type RedemptionQueue = GroupCommit<Redemption>;

impl Batched for Redemption {
    type Done = Drawn;
    const NAME: &'static str = "redemptions";
    const MOST: usize = 64;

    async fn write(db: DatabaseConnection, batch: Vec<Self>) -> Result<Vec<Result<Drawn, AppError>>, AppError> {
        Ok(write_batch(&db, &batch).await?.into_iter().map(Ok).collect())
    }
}

/// Decides and writes a batch in one transaction; the answers are in the batch's order.
async fn write_batch(db: &DatabaseConnection, batch: &[Redemption]) -> Result<Vec<Drawn>, AppError> {
    // Organisations are locked in one order, so two processes' batches cannot deadlock.
    let mut by_organization: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, r) in batch.iter().enumerate() {
        by_organization.entry(r.organization_id.as_str()).or_default().push(i);
    }
    let mut drawn: Vec<Option<Drawn>> = batch.iter().map(|_| None).collect();
    let mut made = Vec::new();
    let mut entries = Vec::new();
    let mut history = Vec::new();
    let txn = begin(db).await?;
    for (organization_id, members) in by_organization {
        let last = lock_for(&txn, organization_id, members.len() as i64).await?;
        // Under the lock no other writer can spend a key of this organisation: the keys already
        // spent are read once, and the batch's own are added as it goes.
        let keys: Vec<&str> = members.iter().filter_map(|&i| batch[i].idempotency_key.as_deref()).collect();
        let mut spent: HashSet<String> = if keys.is_empty() {
            HashSet::new()
        } else {
            redemption::Entity::find()
                .select_only()
                .column(redemption::Column::IdempotencyKey)
                .filter(redemption::Column::OrganizationId.eq(organization_id))
                .filter(redemption::Column::IdempotencyKey.is_in(keys))
                .into_tuple::<Option<String>>()
                .all(&txn)
                .await?
                .into_iter()
                .flatten()
                .collect()
        };
        let (_, mut current) = states(&txn, organization_id).await?;
        let calendar = super::settings::calendar(&txn).await?;
        for (seq, &i) in (last - members.len() as i64 + 1..).zip(&members) {
            let r = &batch[i];
            if r.idempotency_key.as_ref().is_some_and(|key| spent.contains(key)) {
                drawn[i] = Some(Drawn::Spent);
                continue;
            }
            let today = calendar.date_of(r.now);
            let plan = match plan_draw(&current, r.minutes.into(), today) {
                Ok(plan) => plan,
                Err(short) => {
                    drawn[i] = Some(Drawn::Short { available: short.available });
                    continue;
                }
            };
            let redemption = redemption::Model {
                id: new_id(),
                organization_id: organization_id.to_string(),
                ticket_id: r.ticket_id.clone(),
                minutes: r.minutes,
                idempotency_key: r.idempotency_key.clone(),
                actor_id: r.actor_id.clone(),
                created_at: r.now,
                refunded_at: None,
            };
            let note = format!("Redeemed on {}", ticket_number(r.ticket_number));
            for (voucher_id, take) in &plan {
                let links =
                    Links { ticket: Some(r.ticket_id.as_str()), hold: None, redemption: Some(redemption.id.as_str()) };
                let kind = EntryKind::Redeem;
                entries.push(entry(
                    organization_id,
                    seq,
                    voucher_id,
                    kind,
                    *take,
                    links,
                    Some(&r.actor_id),
                    &note,
                    r.now,
                ));
            }
            let minutes = Some(format!("{} min redeemed", r.minutes));
            history.push(history_line(&r.ticket_id, Some(&r.actor_id), "vouchers", None, minutes, r.now));
            current = states_after(&current, EntryKind::Redeem, None, &plan);
            if let Some(key) = &r.idempotency_key {
                spent.insert(key.clone());
            }
            let result = RedemptionResult {
                redemption: redemption_dto(&redemption),
                balance: balance_dto(balance(&current, today)),
            };
            drawn[i] = Some(Drawn::Made(result));
            made.push(redemption.into_active_model());
        }
    }
    // Redemptions first: ledger lines refer to them.
    if !made.is_empty() {
        redemption::Entity::insert_many(made).exec_without_returning(&txn).await?;
        ledger_entry::Entity::insert_many(entries).exec_without_returning(&txn).await?;
        ticket_history::Entity::insert_many(history).exec_without_returning(&txn).await?;
    }
    txn.commit().await?;
    drawn.into_iter().map(|d| d.ok_or_else(AppError::internal)).collect()
}
