//! Writing redemptions in batches: every redemption waiting in this process is written in one
//! transaction (group commit), so 32 clients spending one organisation's minutes pay for one lock,
//! one read of the balance and one commit between them instead of one each.
//!
//! Each redemption in a batch is still decided alone and in arrival order, against the balance
//! the ones before it left (`plan_draw`, then `states_after`), under the organisation's ledger
//! lock; a redemption that finds too little changes nothing and does not stop the others. A
//! caller is answered only after the batch has committed. The batch is written by a task of its
//! own, so a client that hangs up cannot abandon a transaction that others are waiting on.

use super::new_id;
use super::tickets::history_line;
use super::vouchers::{balance_dto, entry, lock_for, redemption_dto, states, Links};
use crate::domain::tickets::ticket_number;
use crate::domain::vouchers::{balance, plan_draw, states_after, EntryKind};
use crate::dto::RedemptionResult;
use crate::error::AppError;
use crate::ssr::db::write_gate;
use crate::ssr::entities::{ledger_entry, redemption, ticket_history};
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter, QuerySelect, TransactionTrait,
};
use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

/// At most this many redemptions share a transaction (its statements stay well within SQLite's
/// limit on bound values).
const MOST_PER_BATCH: usize = 64;

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

type Reply = oneshot::Sender<Result<Drawn, AppError>>;

#[derive(Default)]
struct Waiting {
    redemptions: Vec<(Redemption, Reply)>,
    writing: bool,
}

/// This process's queue of redemptions for one database. Cheap to clone; one per pool.
#[derive(Clone)]
pub struct RedemptionQueue {
    db: DatabaseConnection,
    waiting: Arc<Mutex<Waiting>>,
}

impl RedemptionQueue {
    pub fn new(db: DatabaseConnection) -> Self {
        RedemptionQueue { db, waiting: Arc::default() }
    }

    /// Queues a redemption and waits until the batch holding it has committed (or failed).
    pub async fn write(&self, redemption: Redemption) -> Result<Drawn, AppError> {
        let (reply, answer) = oneshot::channel();
        let start_writer = {
            let mut waiting = self.waiting.lock().map_err(|_| AppError::internal())?;
            waiting.redemptions.push((redemption, reply));
            !std::mem::replace(&mut waiting.writing, true)
        };
        if start_writer {
            tokio::spawn(self.clone().write_while_waiting());
        }
        answer.await.map_err(|_| AppError::internal())?
    }

    /// Writes batches until nobody is waiting. Only one runs per queue at a time.
    async fn write_while_waiting(self) {
        // Should this task ever unwind, the flag is lowered and those still waiting are answered
        // (their senders dropped: an internal error), rather than left waiting for ever.
        struct Lower(Arc<Mutex<Waiting>>);
        impl Drop for Lower {
            fn drop(&mut self) {
                if !std::thread::panicking() {
                    return;
                }
                if let Ok(mut waiting) = self.0.lock() {
                    waiting.writing = false;
                    waiting.redemptions.clear();
                }
            }
        }
        let _lower = Lower(self.waiting.clone());
        loop {
            let batch: Vec<(Redemption, Reply)> = {
                let Ok(mut waiting) = self.waiting.lock() else { return };
                if waiting.redemptions.is_empty() {
                    waiting.writing = false;
                    return;
                }
                let take = waiting.redemptions.len().min(MOST_PER_BATCH);
                waiting.redemptions.drain(..take).collect()
            };
            let (redemptions, replies): (Vec<Redemption>, Vec<Reply>) = batch.into_iter().unzip();
            match write_batch(&self.db, &redemptions).await {
                Ok(drawn) => {
                    for (reply, drawn) in replies.into_iter().zip(drawn) {
                        let _ = reply.send(Ok(drawn));
                    }
                }
                Err(e) => {
                    for reply in replies {
                        let _ = reply.send(Err(e.clone()));
                    }
                }
            }
        }
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
    let _gate = write_gate(db).await;
    let txn = db.begin().await?;
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
