//! Changes as they happen. Every change to a ticket already writes a line of its history in the
//! change's own transaction; each portal process polls that log (and who is on which ticket) and
//! hands every subscriber what its audience may hear (`domain::live`). The log is the bus: ids
//! order it, a subscriber that lost its connection resumes after the last id it had, and every
//! process sees every other process's changes with nothing more than the database they share.

use super::people::field_error;
use super::tickets::{user_names, visible};
use crate::domain::live::{hears, still_present, Audience, TicketChange, PRESENCE_SECONDS};
use crate::dto::{PresenceDto, ViewerDto};
use crate::error::AppError;
use crate::ssr::auth::{Access, Actor};
use crate::ssr::entities::{ticket, ticket_history, ticket_viewer};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;
use tokio::sync::{broadcast, watch, Notify};

/// How often a process looks for changes made by the others (and by its own background jobs);
/// its own requests wake it at once.
const POLL: std::time::Duration = std::time::Duration::from_millis(100);
/// Ids are taken in one order and may commit in another (PostgreSQL), so each look reaches back
/// this many ids behind the newest it has seen, and skips those already told.
const REACH_BACK: i64 = 256;
/// At most this many changes per look, and per catch-up.
const BATCH: u64 = 500;
/// A presence change written by another process at this much clock skew is still heard.
const SKEW_SECONDS: i64 = 2;

/// What the channel carries inside a process.
#[derive(Debug, Clone)]
pub enum Signal {
    Ticket(TicketChange),
    /// Someone arrived on a ticket, left, or started or stopped typing: staff pages ask again.
    Presence {
        ticket_id: String,
    },
}

/// The process's live channel: cheap to clone, one per process (`AppState::live`).
#[derive(Clone)]
pub struct Live {
    inner: Arc<Inner>,
}

struct Inner {
    sender: broadcast::Sender<Signal>,
    wake: Notify,
    closing: watch::Sender<bool>,
}

impl Live {
    /// A channel and the task that feeds it from `db`.
    pub fn start(db: DatabaseConnection) -> Live {
        let (sender, _) = broadcast::channel(4096);
        let (closing, _) = watch::channel(false);
        let live = Live { inner: Arc::new(Inner { sender, wake: Notify::new(), closing }) };
        tokio::spawn(feed(db, live.clone()));
        live
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Signal> {
        self.inner.sender.subscribe()
    }

    /// Something was written here: look now rather than at the next poll.
    pub fn poke(&self) {
        self.inner.wake.notify_one();
    }

    /// The process is stopping: every stream ends, so the server can finish its requests.
    pub fn close(&self) {
        self.inner.closing.send_replace(true);
        self.inner.wake.notify_one();
    }

    /// Resolves once `close` was called.
    pub fn closed(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut closing = self.inner.closing.subscribe();
        async move {
            let _ = closing.wait_for(|closed| *closed).await;
        }
    }
}

/// The audience of a caller's stream: staff, a client's superuser (the organisation), or other
/// client staff (their own tickets), exactly as the ticket lists narrow them.
pub fn audience(actor: &Actor) -> Result<Audience, AppError> {
    Ok(match actor.access()? {
        Access::Staff(_) => Audience::Staff,
        Access::Customer(c) if c.superuser => Audience::Organization { organization_id: c.organization_id },
        Access::Customer(c) => Audience::Requester { organization_id: c.organization_id, user_id: c.user_id },
    })
}

/// The newest change there is (0 on an empty portal): where a new stream starts.
pub async fn newest(db: &impl ConnectionTrait) -> Result<i64, AppError> {
    let id: Option<i32> = ticket_history::Entity::find()
        .select_only()
        .column(ticket_history::Column::Id)
        .order_by_desc(ticket_history::Column::Id)
        .limit(1)
        .into_tuple()
        .one(db)
        .await?;
    Ok(id.map(i64::from).unwrap_or(0))
}

/// What a stream resuming after `after` missed, for `audience`, oldest first; `None` when more was
/// missed than a stream replays (the page reads everything again instead).
pub async fn missed(
    db: &impl ConnectionTrait,
    audience: &Audience,
    after: i64,
) -> Result<Option<Vec<TicketChange>>, AppError> {
    let changes = changes_after(db, after).await?;
    if changes.len() as u64 >= BATCH {
        return Ok(None);
    }
    Ok(Some(changes.into_iter().filter(|c| hears(audience, c)).collect()))
}

/// The changes after `after`, oldest first, with each ticket's organisation and requester.
async fn changes_after(db: &impl ConnectionTrait, after: i64) -> Result<Vec<TicketChange>, AppError> {
    let lines: Vec<(i32, String, Option<String>, String)> = ticket_history::Entity::find()
        .select_only()
        .columns([
            ticket_history::Column::Id,
            ticket_history::Column::TicketId,
            ticket_history::Column::ActorId,
            ticket_history::Column::Field,
        ])
        .filter(ticket_history::Column::Id.gt(after.clamp(0, i64::from(i32::MAX)) as i32))
        .order_by_asc(ticket_history::Column::Id)
        .limit(BATCH)
        .into_tuple()
        .all(db)
        .await?;
    if lines.is_empty() {
        return Ok(Vec::new());
    }
    let ids: BTreeSet<&String> = lines.iter().map(|(_, t, _, _)| t).collect();
    let owners: HashMap<String, (String, String)> = ticket::Entity::find()
        .select_only()
        .columns([ticket::Column::Id, ticket::Column::OrganizationId, ticket::Column::RequesterId])
        .filter(ticket::Column::Id.is_in(ids.into_iter().cloned()))
        .into_tuple::<(String, String, String)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, organization, requester)| (id, (organization, requester)))
        .collect();
    Ok(lines
        .into_iter()
        .filter_map(|(id, ticket_id, actor_id, field)| {
            let (organization_id, requester_id) = owners.get(&ticket_id)?.clone();
            Some(TicketChange { id: i64::from(id), ticket_id, organization_id, requester_id, actor_id, field })
        })
        .collect())
}

/// The process's one reader of the log: wakes on a poke or every `POLL`, and tells each change
/// once (a change whose id committed late, within `REACH_BACK`, is told late rather than never).
async fn feed(db: DatabaseConnection, live: Live) {
    let mut closing = live.inner.closing.subscribe();
    let mut newest_seen = loop {
        match newest(&db).await {
            Ok(id) => break id,
            Err(e) => {
                tracing::warn!(error = %e.message, "live updates: cannot read the history yet");
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            }
        }
    };
    // What was there before this process started is history, not news.
    let start = newest_seen;
    let mut told: BTreeSet<i64> = BTreeSet::new();
    let mut presence_from = Utc::now();
    let mut presence_told: HashSet<(String, String, DateTime<Utc>)> = HashSet::new();
    loop {
        tokio::select! {
            _ = live.inner.wake.notified() => {}
            _ = tokio::time::sleep(POLL) => {}
            _ = closing.wait_for(|closed| *closed) => return,
        }
        let floor = newest_seen.saturating_sub(REACH_BACK).max(start);
        match changes_after(&db, floor).await {
            Ok(changes) => {
                for change in changes {
                    if change.id > newest_seen || !told.contains(&change.id) {
                        newest_seen = newest_seen.max(change.id);
                        told.insert(change.id);
                        let _ = live.inner.sender.send(Signal::Ticket(change));
                    }
                }
                told = told.split_off(&newest_seen.saturating_sub(REACH_BACK));
            }
            Err(e) => tracing::warn!(error = %e.message, "live updates: cannot read the history"),
        }
        let looked_at = Utc::now();
        match presence_changed_since(&db, presence_from - Duration::seconds(SKEW_SECONDS)).await {
            Ok(rows) => {
                for row in rows {
                    if presence_told.insert((row.0.clone(), row.1, row.2)) {
                        let _ = live.inner.sender.send(Signal::Presence { ticket_id: row.0 });
                    }
                }
                let horizon = looked_at - Duration::seconds(2 * SKEW_SECONDS);
                presence_told.retain(|(_, _, at)| *at >= horizon);
                presence_from = looked_at;
            }
            Err(e) => tracing::warn!(error = %e.message, "live updates: cannot read who is on which ticket"),
        }
    }
}

async fn presence_changed_since(
    db: &impl ConnectionTrait,
    since: DateTime<Utc>,
) -> Result<Vec<(String, String, DateTime<Utc>)>, AppError> {
    Ok(ticket_viewer::Entity::find()
        .select_only()
        .columns([ticket_viewer::Column::TicketId, ticket_viewer::Column::UserId, ticket_viewer::Column::ChangedAt])
        .filter(ticket_viewer::Column::ChangedAt.gt(since))
        .into_tuple()
        .all(db)
        .await?)
}

/// A staff member's ticket page says they are still on it, typing or not; the answer is who else
/// is. Arriving, leaving and starting or stopping typing are told to the other pages at once.
pub async fn beat(
    db: &impl ConnectionTrait,
    live: &Live,
    actor: &Actor,
    ticket_id: &str,
    typing: bool,
    now: DateTime<Utc>,
) -> Result<PresenceDto, AppError> {
    let staff = presence_access(actor)?;
    let found = visible(db, &staff, ticket_id).await?;
    let mine = ticket_viewer::Entity::find_by_id((found.id.clone(), actor.user_id.clone())).one(db).await?;
    let changed = mine.as_ref().is_none_or(|v| v.typing != typing || !still_present(v.seen_at, now));
    let changed_at = match (&mine, changed) {
        (Some(v), false) => v.changed_at,
        _ => now,
    };
    write_viewer(db, &found.id, &actor.user_id, typing, now, changed_at).await?;
    if changed {
        live.poke();
    }
    viewers_of(db, &found.id, &actor.user_id, now).await
}

/// Who else is on a ticket now (staff only).
pub async fn viewers(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ticket_id: &str,
    now: DateTime<Utc>,
) -> Result<PresenceDto, AppError> {
    let staff = presence_access(actor)?;
    let found = visible(db, &staff, ticket_id).await?;
    viewers_of(db, &found.id, &actor.user_id, now).await
}

/// A staff member left a ticket's page: the others stop seeing them at once.
pub async fn leave(
    db: &impl ConnectionTrait,
    live: &Live,
    actor: &Actor,
    ticket_id: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let staff = presence_access(actor)?;
    let found = visible(db, &staff, ticket_id).await?;
    let gone = now - Duration::seconds(PRESENCE_SECONDS + 1);
    write_viewer(db, &found.id, &actor.user_id, false, gone, now).await?;
    live.poke();
    Ok(())
}

/// Presence is shared among CyTrack staff; a client sees replies, not who is reading.
fn presence_access(actor: &Actor) -> Result<Access, AppError> {
    Ok(Access::Staff(actor.staff()?))
}

async fn write_viewer(
    db: &impl ConnectionTrait,
    ticket_id: &str,
    user_id: &str,
    typing: bool,
    seen_at: DateTime<Utc>,
    changed_at: DateTime<Utc>,
) -> Result<(), AppError> {
    let row = ticket_viewer::ActiveModel {
        ticket_id: Set(ticket_id.to_string()),
        user_id: Set(user_id.to_string()),
        typing: Set(typing),
        seen_at: Set(seen_at),
        changed_at: Set(changed_at),
    };
    ticket_viewer::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([ticket_viewer::Column::TicketId, ticket_viewer::Column::UserId])
                .update_columns([
                    ticket_viewer::Column::Typing,
                    ticket_viewer::Column::SeenAt,
                    ticket_viewer::Column::ChangedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

async fn viewers_of(
    db: &impl ConnectionTrait,
    ticket_id: &str,
    me: &str,
    now: DateTime<Utc>,
) -> Result<PresenceDto, AppError> {
    let here: Vec<ticket_viewer::Model> = ticket_viewer::Entity::find()
        .filter(ticket_viewer::Column::TicketId.eq(ticket_id))
        .filter(ticket_viewer::Column::UserId.ne(me))
        .all(db)
        .await?;
    let here: Vec<ticket_viewer::Model> = here.into_iter().filter(|v| still_present(v.seen_at, now)).collect();
    let names = user_names(db, here.iter().map(|v| v.user_id.clone()).collect()).await?;
    let mut viewers: Vec<ViewerDto> = here
        .into_iter()
        .map(|v| ViewerDto {
            name: names.get(&v.user_id).cloned().unwrap_or_default(),
            user_id: v.user_id,
            typing: v.typing,
        })
        .collect();
    viewers.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(PresenceDto { viewers })
}

/// Presence rows of people long gone are never read again.
pub async fn prune(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, AppError> {
    Ok(ticket_viewer::Entity::delete_many()
        .filter(ticket_viewer::Column::SeenAt.lt(now - Duration::hours(1)))
        .filter(ticket_viewer::Column::ChangedAt.lt(now - Duration::hours(1)))
        .exec(db)
        .await?
        .rows_affected)
}

/// The `Last-Event-ID` a client resumes with: a history id, or a field error.
pub fn parse_cursor(text: &str) -> Result<i64, AppError> {
    text.trim()
        .parse::<i64>()
        .ok()
        .filter(|id| *id >= 0)
        .ok_or_else(|| field_error("Last-Event-ID", "Resume after an event id this stream sent.".into()))
}
