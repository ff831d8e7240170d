//! E-mail in: a message from the inbound endpoint or the IMAP poller becomes a reply on its ticket
//! (found by the reply token in the address it was sent to, never by its subject), a new ticket
//! from a known customer, or a refusal. Every message is recorded with what became of it.

use super::attachments::{self, FileStore, Received};
use super::new_id;
use super::notifications;
use super::people::actor_of;
use super::reminders::first_time;
use super::tickets::{self, TicketQueue};
use crate::domain::attachments::MAX_FILES_PER_MESSAGE;
use crate::domain::mail::{machine_sent, reply_text, reply_token, InboundOutcome, Origin, MAX_MESSAGE_BYTES};
use crate::domain::people::{Role, UserStatus};
use crate::domain::text::one_line;
use crate::dto::{page_window, CommentRequest, CreateTicketRequest, InboundMailDto, InboundResult, Page};
use crate::error::AppError;
use crate::ssr::auth::Actor;
use crate::ssr::db::{begin, is_unique_violation};
use crate::ssr::entities::{inbound_mail, reply_token as reply_tokens, user};
use crate::ssr::secrets::digest;
use chrono::{DateTime, Utc};
use mail_parser::{Address, HeaderValue, MessageParser, MimeHeaders};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    Set, TransactionTrait,
};

/// Where a message came from, as recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Endpoint,
    Imap,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Source::Endpoint => "endpoint",
            Source::Imap => "imap",
        }
    }
}

/// What the service needs to know of the portal's own mail.
#[derive(Debug, Clone)]
pub struct Mailbox {
    /// The portal's sender address (`support@…`); mail from it, or from its `+token` forms,
    /// came back to us.
    pub own_address: String,
    /// Where a message's attachments go (with the ticket or reply it became), and where they
    /// wait while they are kept; none: attachments are not kept.
    pub files: Option<(FileStore, std::path::PathBuf)>,
}

impl Mailbox {
    fn is_ours(&self, address: &str) -> bool {
        let (own_local, own_host) = self.own_address.rsplit_once('@').unwrap_or((&self.own_address, ""));
        let Some((local, host)) = address.rsplit_once('@') else { return false };
        host.eq_ignore_ascii_case(own_host)
            && local.split('+').next().is_some_and(|l| l.eq_ignore_ascii_case(own_local))
    }
}

/// What happened to one message, before it is recorded.
struct Decision {
    outcome: InboundOutcome,
    ticket_id: Option<String>,
    reason: Option<String>,
    /// Who the message was taken as, and the reply it became: its attachments go there.
    by: Option<(Actor, Option<String>)>,
}

impl Decision {
    fn rejected(reason: impl Into<String>) -> Decision {
        Decision { outcome: InboundOutcome::Rejected, ticket_id: None, reason: Some(reason.into()), by: None }
    }
}

/// Takes one raw RFC 5322 message. A message that cannot be read at all is a 400, recorded; one
/// seen before (same Message-ID) answers what became of it the first time.
pub async fn receive(
    tickets: &TicketQueue,
    mailbox: &Mailbox,
    raw: &[u8],
    source: Source,
    now: DateTime<Utc>,
) -> Result<InboundResult, AppError> {
    let db = tickets.db();
    let Some(message) = MessageParser::default().parse(raw).filter(|m| m.from().is_some()) else {
        tracing::warn!(bytes = raw.len(), "inbound mail that is no message was refused");
        record(db, None, "", "", &Decision::rejected("not a readable message"), source, now).await?;
        return Err(AppError::bad_request("That is not an e-mail message (RFC 5322) with a sender."));
    };
    let message_id = message.message_id().map(|id| id.chars().take(300).collect::<String>());
    if let Some(id) = &message_id {
        if let Some(seen) =
            inbound_mail::Entity::find().filter(inbound_mail::Column::MessageId.eq(id.as_str())).one(db).await?
        {
            return Ok(result_of(&seen));
        }
    }
    let from = first_address(message.from()).unwrap_or_default().to_ascii_lowercase();
    let subject: String = one_line(message.subject().unwrap_or_default());
    let text = message.body_text(0).map(|t| t.to_string()).unwrap_or_default();
    let text_header = |name: &str| match message.header(name) {
        Some(HeaderValue::Text(t)) => Some(t.to_string()),
        _ => message.header_raw(name).map(|v| v.trim().to_string()),
    };
    let (auto_submitted, precedence, return_path) =
        (text_header("Auto-Submitted"), text_header("Precedence"), text_header("Return-Path"));
    let report = message.content_type().is_some_and(|c| {
        c.ctype().eq_ignore_ascii_case("multipart") && c.subtype().is_some_and(|s| s.eq_ignore_ascii_case("report"))
    });
    let origin = Origin {
        from: &from,
        auto_submitted: auto_submitted.as_deref(),
        precedence: precedence.as_deref(),
        return_path: return_path.as_deref(),
        report,
        ours: mailbox.is_ours(&from),
    };
    let recipients: Vec<String> = [message.to(), message.cc()]
        .into_iter()
        .flatten()
        .flat_map(|a| a.iter().filter_map(|a| a.address().map(str::to_string)).collect::<Vec<_>>())
        .chain(text_header("Delivered-To"))
        .collect();
    let decision = match machine_sent(&origin) {
        // Never answered: answering machines is how mail loops start.
        Some(reason) => Decision::rejected(reason),
        None => match recipients.iter().find_map(|a| reply_token(a)) {
            Some(token) => reply(db, &from, &token, &text, now).await?,
            None => new_ticket(tickets, &from, &subject, &text, now).await?,
        },
    };
    if decision.outcome == InboundOutcome::Rejected {
        tracing::info!(%from, reason = decision.reason.as_deref().unwrap_or(""), "inbound mail refused");
    }
    if let (Some((actor, comment_id)), Some(ticket_id), Some((store, incoming))) =
        (&decision.by, &decision.ticket_id, &mailbox.files)
    {
        keep_attachments(db, store, incoming, actor, ticket_id, comment_id.as_deref(), &message, now).await?;
    }
    record(db, message_id, &from, &subject, &decision, source, now).await
}

/// The message's attachments, kept with the ticket or reply it became, under the same limits as
/// uploads. A file refused (too many, the organisation's day used up) does not refuse the
/// message: its text is in, and the refusal is logged.
#[allow(clippy::too_many_arguments)]
async fn keep_attachments(
    db: &impl ConnectionTrait,
    store: &FileStore,
    incoming: &std::path::Path,
    actor: &Actor,
    ticket_id: &str,
    comment_id: Option<&str>,
    message: &mail_parser::Message<'_>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    use sha2::Digest;
    let parts: Vec<_> =
        message.attachments().filter(|a| !a.contents().is_empty()).take(MAX_FILES_PER_MESSAGE).collect();
    if parts.is_empty() {
        return Ok(());
    }
    let io = |e: std::io::Error| {
        tracing::error!(error = %e, "keeping a mailed attachment");
        AppError::internal()
    };
    tokio::fs::create_dir_all(incoming).await.map_err(io)?;
    let mut files = Vec::new();
    for part in parts {
        let bytes = part.contents();
        let path = incoming.join(new_id());
        tokio::fs::write(&path, bytes).await.map_err(io)?;
        files.push(Received {
            path,
            file_name: part.attachment_name().unwrap_or("attachment").to_string(),
            sha256: sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect(),
            size: bytes.len() as u64,
            head: bytes.iter().take(16).copied().collect(),
        });
    }
    let target = attachments::target(db, actor, ticket_id, comment_id).await?;
    match attachments::attach(db, store, actor, &target, files, now).await {
        Ok(_) => Ok(()),
        Err(e) if e.status() < 500 => {
            tracing::warn!(reason = %e.message, "a mailed attachment was not kept");
            Ok(())
        }
        Err(e) => Err(e),
    }
}

/// Records a message refused before it was read (larger than `MAX_MESSAGE_BYTES`).
pub async fn refuse_oversized(db: &impl ConnectionTrait, source: Source, now: DateTime<Utc>) -> Result<(), AppError> {
    tracing::warn!("inbound mail over {MAX_MESSAGE_BYTES} bytes refused");
    let reason = format!("larger than {} MB", MAX_MESSAGE_BYTES / (1024 * 1024));
    record(db, None, "", "", &Decision::rejected(reason), source, now).await?;
    Ok(())
}

/// A reply to a ticket's mail: the token names the person and the ticket; the sender must be
/// that person (a forged From with someone else's token is refused).
async fn reply<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    from: &str,
    token: &str,
    text: &str,
    now: DateTime<Utc>,
) -> Result<Decision, AppError> {
    let found = reply_tokens::Entity::find_by_id(digest(token)).one(db).await?;
    let Some(found) = found.filter(|t| now < t.expires_at) else {
        answer_once(db, from, "Your reply could not be added to a ticket", "The address you replied to is unknown or has expired. Please reply from the ticket's page in the CyTrack support portal.", now).await?;
        return Ok(Decision::rejected("reply address unknown or expired"));
    };
    let Some(person) = user::Entity::find_by_id(found.user_id.clone()).one(db).await? else {
        return Ok(Decision::rejected("reply address unknown or expired"));
    };
    if !person.email.eq_ignore_ascii_case(from) {
        return Ok(Decision::rejected("the sender does not own the reply address"));
    }
    if person.status != UserStatus::Active.as_str() {
        return Ok(Decision::rejected("the sender's account is not active"));
    }
    let body = reply_text(text);
    if body.is_empty() {
        return Ok(Decision::rejected("the reply holds no text of its own"));
    }
    let req = CommentRequest { body, internal: false, last_seen_comment_id: None };
    let actor = actor_of(&person);
    match super::replies::comment_in(db, &actor, &found.ticket_id, req, now).await {
        Ok(comment) => Ok(Decision {
            outcome: InboundOutcome::CommentAdded,
            ticket_id: Some(found.ticket_id),
            reason: None,
            by: Some((actor, Some(comment.id))),
        }),
        Err(e) if e.status() < 500 => {
            answer_once(db, from, "Your reply could not be added to the ticket", &e.message, now).await?;
            Ok(Decision::rejected(e.message))
        }
        Err(e) => Err(e),
    }
}

/// A message to the support address without a reply token: a new ticket when it comes from an
/// active customer; otherwise refused, and a person is told how to reach CyTrack.
async fn new_ticket(
    tickets: &TicketQueue,
    from: &str,
    subject: &str,
    text: &str,
    now: DateTime<Utc>,
) -> Result<Decision, AppError> {
    let db = tickets.db();
    let sender = user::Entity::find().filter(user::Column::Email.eq(from)).one(db).await?;
    let Some(sender) = sender.filter(|u| u.role == Role::Customer.as_str() && u.status == UserStatus::Active.as_str())
    else {
        answer_once(
            db,
            from,
            "Your message did not reach CyTrack Support",
            "Only the registered contacts of CyTrack's clients can raise tickets by e-mail, and this address is not \
             one of them. Register at the CyTrack support portal (your company's account manager approves it), or \
             call the support line.",
            now,
        )
        .await?;
        return Ok(Decision::rejected("the sender is not an active client contact"));
    };
    let description = match reply_text(text) {
        t if t.is_empty() => "(The e-mail had no text.)".to_string(),
        t => t.chars().take(20_000).collect(),
    };
    let subject = match subject.trim() {
        "" => "(no subject)".to_string(),
        s => s.chars().take(200).collect(),
    };
    let req = CreateTicketRequest {
        subject,
        description,
        kind: "question".into(),
        priority: "p3".into(),
        product: None,
        organization_id: None,
    };
    let actor = actor_of(&sender);
    match tickets::create(tickets, &actor, req, now).await {
        Ok(t) => Ok(Decision {
            outcome: InboundOutcome::TicketCreated,
            ticket_id: Some(t.id),
            reason: None,
            by: Some((actor, None)),
        }),
        Err(e) if e.status() < 500 => Ok(Decision::rejected(e.message)),
        Err(e) => Err(e),
    }
}

/// Tells a sender why their mail was not taken, at most once a day per address (a forged
/// sender must not turn the portal into a mail cannon).
async fn answer_once<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    to: &str,
    title: &str,
    body: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if to.is_empty() || !to.contains('@') {
        return Ok(());
    }
    let txn = begin(db).await?;
    if first_time(&txn, &format!("mail_in_answer:{to}:{}", now.date_naive()), now).await? {
        notifications::mail_address(&txn, to, "mail_in_refused", title, body, now).await?;
    }
    txn.commit().await?;
    Ok(())
}

async fn record(
    db: &impl ConnectionTrait,
    message_id: Option<String>,
    from: &str,
    subject: &str,
    decision: &Decision,
    source: Source,
    now: DateTime<Utc>,
) -> Result<InboundResult, AppError> {
    let row = inbound_mail::ActiveModel {
        id: Set(new_id()),
        message_id: Set(message_id),
        from_address: Set(from.chars().take(320).collect()),
        subject: Set(subject.chars().take(300).collect()),
        outcome: Set(decision.outcome.as_str().into()),
        reason: Set(decision.reason.clone()),
        ticket_id: Set(decision.ticket_id.clone()),
        source: Set(source.as_str().into()),
        created_at: Set(now),
    };
    match row.insert(db).await {
        Ok(saved) => Ok(result_of(&saved)),
        // The same message taken twice at once: the first record stands.
        Err(e) if is_unique_violation(&e) => Ok(InboundResult {
            outcome: decision.outcome.as_str().into(),
            ticket_id: decision.ticket_id.clone(),
            reason: decision.reason.clone(),
        }),
        Err(e) => Err(e.into()),
    }
}

fn result_of(row: &inbound_mail::Model) -> InboundResult {
    InboundResult { outcome: row.outcome.clone(), ticket_id: row.ticket_id.clone(), reason: row.reason.clone() }
}

fn first_address(address: Option<&Address>) -> Option<String> {
    address?.first()?.address().map(str::to_string)
}

/// The messages received, newest first (admins): what each became, and why one was refused.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    page: Option<u64>,
    per_page: Option<u64>,
) -> Result<Page<InboundMailDto>, AppError> {
    actor.admin()?;
    let total = inbound_mail::Entity::find().count(db).await?;
    let (offset, limit) = page_window(page, per_page)?;
    let rows = inbound_mail::Entity::find()
        .order_by_desc(inbound_mail::Column::CreatedAt)
        .order_by_desc(inbound_mail::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    let items = rows
        .into_iter()
        .map(|m| InboundMailDto {
            id: m.id,
            message_id: m.message_id,
            from_address: m.from_address,
            subject: m.subject,
            outcome: m.outcome,
            reason: m.reason,
            ticket_id: m.ticket_id,
            source: m.source,
            created_at: m.created_at,
        })
        .collect();
    Ok(Page::of(items, total))
}
