//! Replies and internal notes on a ticket: checked where they arrive, then written with whatever
//! else is being posted at the same moment (`ReplyQueue`, a group commit like the tickets' own:
//! `ssr::batch`). The ticket is read again inside the transaction that writes the reply, so a
//! status or a clock changed meanwhile is moved on, not overwritten.

use super::new_id;
use super::notifications::{self, Around};
use super::people::field_error;
use super::reports::Work;
use super::tickets::{
    around, changer, clock_state, history_line, put_clock, set_clock, ticket_notice, user_names, visible,
};
use crate::domain::calendar::BusinessCalendar;
use crate::domain::live::{replied_since, Posted};
use crate::domain::notifications::Event;
use crate::domain::reports::Change;
use crate::domain::text::multi_line;
use crate::domain::tickets::{status_after_reply, ticket_number, Changer, TicketStatus};
use crate::dto::{CommentDto, CommentRequest};
use crate::error::AppError;
use crate::ssr::auth::{Access, Actor};
use crate::ssr::batch::{each_alone_if_spoilt, Batched, GroupCommit};
use crate::ssr::db::begin;
use crate::ssr::entities::{ticket, ticket_comment, ticket_history};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::LockType;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};
use std::collections::HashMap;

/// A reply checked and waiting to be written.
pub struct Reply {
    actor: Actor,
    changer: Changer,
    ticket_id: String,
    body: String,
    internal: bool,
    now: DateTime<Utc>,
    /// The people around the ticket when the reply was checked: who is told, read before the
    /// transaction (should the ticket have changed hands meanwhile, the new ones are read in it).
    around: Around,
}

/// This process's queue of replies being posted (`AppState::replies`): a desk answering a burst
/// writes a batch per transaction.
pub type ReplyQueue = GroupCommit<Reply>;

impl Batched for Reply {
    type Done = CommentDto;
    const NAME: &'static str = "replies";
    const MOST: usize = 64;

    async fn write(db: DatabaseConnection, batch: Vec<Reply>) -> Result<Vec<Result<CommentDto, AppError>>, AppError> {
        let db = &db;
        each_alone_if_spoilt(&batch, |part| write_in_one_transaction(db, part)).await
    }
}

/// Posts a public reply or an internal note, written with the others arriving together.
pub async fn comment(
    queue: &ReplyQueue,
    actor: &Actor,
    ticket_id: &str,
    req: CommentRequest,
    now: DateTime<Utc>,
) -> Result<CommentDto, AppError> {
    let reply = check(queue.db(), actor, ticket_id, req, now).await?;
    queue.write(reply).await
}

/// Posts a reply in `db` (a transaction of the caller's, or one of its own), alone: for work that
/// replies as one step of its own (a test failed again, a customer's e-mail).
pub async fn comment_in<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    ticket_id: &str,
    req: CommentRequest,
    now: DateTime<Utc>,
) -> Result<CommentDto, AppError> {
    let reply = check(db, actor, ticket_id, req, now).await?;
    let replies = std::slice::from_ref(&reply);
    let mut read = Read::before(db, replies).await?;
    let txn = begin(db).await?;
    let mut written = write_replies(&txn, replies, &mut read).await?;
    txn.commit().await?;
    written.pop().unwrap_or_else(|| Err(AppError::internal()))
}

/// Checks a reply against the ticket as it stands: who may write it, its text, whether someone
/// answered since the writer looked, whether the ticket still takes replies. The reply is then
/// written by `ReplyQueue::write`, which checks the ticket's status again as it stands then.
pub async fn check(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ticket_id: &str,
    req: CommentRequest,
    now: DateTime<Utc>,
) -> Result<Reply, AppError> {
    let access = actor.access()?;
    if req.internal && matches!(access, Access::Customer(_)) {
        return Err(AppError::forbidden("Internal notes are for CyTrack staff."));
    }
    let body = multi_line(&req.body, "a reply", 20_000).map_err(|m| field_error("body", m))?;
    let found = visible(db, &access, ticket_id).await?;
    let changer = changer(&access);
    if let Some(seen) = req.last_seen_comment_id.as_deref() {
        no_reply_since(db, &found.id, seen.trim(), actor, changer == Changer::Staff).await?;
    }
    moved(changer, req.internal, &found)?;
    let around = around(actor, &found);
    Ok(Reply { actor: actor.clone(), changer, ticket_id: found.id, body, internal: req.internal, now, around })
}

/// The status a reply moves `t` to (`domain::tickets::status_after_reply`), as the API words a refusal.
fn moved(changer: Changer, internal: bool, t: &ticket::Model) -> Result<Option<TicketStatus>, AppError> {
    let status = TicketStatus::parse(&t.status).unwrap_or(TicketStatus::Open);
    status_after_reply(changer, internal, status).map_err(|m| AppError::rule("ticket_closed", m))
}

/// Refuses a reply when someone else posted on the ticket after `seen`, the newest reply the
/// writer had seen ("" for none), so two people do not answer the same question unknowingly; the
/// writer reads it and sends again with the newer id (`domain::live::replied_since`).
async fn no_reply_since(
    db: &impl ConnectionTrait,
    ticket_id: &str,
    seen: &str,
    actor: &Actor,
    staff: bool,
) -> Result<(), AppError> {
    let mut thread = ticket_comment::Entity::find().filter(ticket_comment::Column::TicketId.eq(ticket_id));
    if !staff {
        thread = thread.filter(ticket_comment::Column::Internal.eq(false));
    }
    let thread = thread.order_by_asc(ticket_comment::Column::CreatedAt).all(db).await?;
    let seen_at = match seen {
        "" => None,
        id => match thread.iter().find(|c| c.id == id) {
            Some(c) => Some(c.created_at),
            None => {
                return Err(field_error("last_seen_comment_id", "That is not a reply on this ticket.".into()));
            }
        },
    };
    if thread.last().is_none_or(|c| Some(c.created_at) == seen_at) {
        return Ok(()); // the usual case: nothing since, no names to read
    }
    let names = user_names(db, thread.iter().map(|c| c.author_id.clone()).collect()).await?;
    let posted: Vec<Posted> = thread
        .iter()
        .map(|c| Posted {
            author_id: &c.author_id,
            author_name: names.get(&c.author_id).map(String::as_str).unwrap_or("Someone"),
            created_at: c.created_at,
        })
        .collect();
    match replied_since(&posted, seen_at, &actor.user_id).as_slice() {
        [] => Ok(()),
        who => Err(AppError::conflict(
            "replied_since",
            format!(
                "{} replied since you opened this ticket. Read it above; send again to post your reply as it is.",
                who.join(" and ")
            ),
        )),
    }
}

/// What writing replies reads before its transaction (on SQLite every writer of the process
/// queues behind it): the support calendar, which places status changes and the replies' days,
/// and who hears of them.
struct Read {
    calendar: BusinessCalendar,
    audience: notifications::Audience,
}

impl Read {
    async fn before(db: &impl ConnectionTrait, replies: &[Reply]) -> Result<Read, AppError> {
        let about = replies.iter().map(|r| (r.event(), r.around.clone())).collect();
        let audience = notifications::Audience::read(db, about).await?;
        Ok(Read { calendar: super::settings::calendar(db).await?, audience })
    }
}

impl Reply {
    fn event(&self) -> Event {
        Event::Comment { internal: self.internal, by_staff: self.changer == Changer::Staff }
    }

    /// The notice's title: who wrote what, on which ticket.
    fn title(&self, t: &ticket::Model) -> String {
        let number = ticket_number(t.number);
        let what = match (self.changer, self.internal) {
            (_, true) => format!("{number}: internal note by {}", self.actor.name),
            (Changer::Staff, false) => format!("{number}: CyTrack replied"),
            (Changer::Customer, false) => format!("{number}: {} replied", self.actor.name),
        };
        format!("{what} · {}", t.subject)
    }
}

async fn write_in_one_transaction(
    db: &DatabaseConnection,
    replies: &[Reply],
) -> Result<Vec<Result<CommentDto, AppError>>, AppError> {
    let mut read = Read::before(db, replies).await?;
    let txn = begin(db).await?;
    let written = write_replies(&txn, replies, &mut read).await?;
    txn.commit().await?;
    Ok(written)
}

/// Writes replies, in order, inside the caller's transaction: each reads its ticket as the ones
/// before it left it (several may answer the same ticket), and each table is written in one
/// statement for them all, but for one update per ticket. A reply the ticket no longer takes
/// (closed meanwhile) answers its own refusal and writes nothing.
async fn write_replies(
    txn: &impl ConnectionTrait,
    replies: &[Reply],
    read: &mut Read,
) -> Result<Vec<Result<CommentDto, AppError>>, AppError> {
    // Locked in one order (PostgreSQL; SQLite's writer holds the whole file), so two processes'
    // batches cannot deadlock, and no change to a ticket lands between this read and its update.
    let ids: Vec<&str> = replies.iter().map(|r| r.ticket_id.as_str()).collect();
    let locked = ticket::Entity::find().filter(ticket::Column::Id.is_in(ids)).order_by_asc(ticket::Column::Id);
    let locked = locked.lock(LockType::Update).all(txn).await?;
    let mut tickets: HashMap<String, ticket::Model> = locked.into_iter().map(|t| (t.id.clone(), t)).collect();
    let mut touched: Vec<String> = Vec::new();
    let (mut comments, mut lines, mut notices) = (Vec::new(), Vec::new(), Vec::new());
    let mut firsts: Vec<(ticket::Model, ticket::Model, DateTime<Utc>)> = Vec::new();
    let mut work: HashMap<(NaiveDate, String), Work> = HashMap::new();
    let mut answers = Vec::with_capacity(replies.len());
    for r in replies {
        let Some(before) = tickets.get(&r.ticket_id).cloned() else {
            answers.push(Err(AppError::not_found("ticket")));
            continue;
        };
        let next = match moved(r.changer, r.internal, &before) {
            Ok(next) => next,
            Err(refused) => {
                answers.push(Err(refused));
                continue;
            }
        };
        let staff = r.changer == Changer::Staff;
        let comment = ticket_comment::Model {
            id: new_id(),
            ticket_id: before.id.clone(),
            author_id: r.actor.user_id.clone(),
            body: r.body.clone(),
            internal: r.internal,
            created_at: r.now,
        };
        let field = if r.internal { "note" } else { "reply" };
        let by = if staff { "CyTrack" } else { "customer" };
        lines.push(history_line(&before.id, Some(&r.actor.user_id), field, None, Some(by.into()), r.now));
        let first_response = staff && !r.internal && before.first_response_at.is_none();
        let mut state = clock_state(&before);
        if first_response {
            state.first_response_at = Some(r.now);
        }
        let mut after = before.clone();
        if let Some(to) = next {
            let from = TicketStatus::parse(&before.status).unwrap_or(TicketStatus::Open);
            state = state.after_status_change(&read.calendar, from, to, r.now);
            let (old, new) = (Some(from.as_str().into()), Some(to.as_str().into()));
            lines.push(history_line(&before.id, Some(&r.actor.user_id), "status", old, new, r.now));
            after.status = to.as_str().into();
        }
        put_clock(&mut after, state);
        after.updated_at = r.now;
        notices.push((ticket_notice(&before, r.event(), r.title(&before), r.body.clone()), around(&r.actor, &before)));
        if first_response {
            firsts.push((before.clone(), after.clone(), r.now));
        }
        if staff && !r.internal {
            work.entry((read.calendar.date_of(r.now), r.actor.user_id.clone())).or_default().replies += 1;
        }
        if !touched.contains(&before.id) {
            touched.push(before.id.clone());
        }
        tickets.insert(after.id.clone(), after);
        answers.push(Ok(CommentDto {
            author_name: r.actor.name.clone(),
            id: comment.id.clone(),
            author_id: comment.author_id.clone(),
            body: comment.body.clone(),
            internal: comment.internal,
            created_at: comment.created_at,
            attachments: vec![],
        }));
        comments.push(comment.into_active_model());
    }
    if comments.is_empty() {
        return Ok(answers);
    }
    ticket_comment::Entity::insert_many(comments).exec_without_returning(txn).await?;
    ticket_history::Entity::insert_many(lines).exec_without_returning(txn).await?;
    let Some(now) = replies.last().map(|r| r.now) else { return Ok(answers) };
    notifications::tell(txn, &mut read.audience, notices, now).await?;
    for id in &touched {
        let t = &tickets[id];
        let mut model = ticket::ActiveModel::default();
        model.status = Set(t.status.clone());
        set_clock(&mut model, clock_state(t));
        model.updated_at = Set(t.updated_at);
        ticket::Entity::update_many().set(model).filter(ticket::Column::Id.eq(id.as_str())).exec(txn).await?;
    }
    let changes: Vec<_> =
        firsts.iter().map(|(before, after, at)| (Change::FirstResponse, before, after, *at)).collect();
    super::reports::count_each(txn, &read.calendar, &changes).await?;
    super::reports::count_works(txn, work.into_iter().collect()).await?;
    Ok(answers)
}
