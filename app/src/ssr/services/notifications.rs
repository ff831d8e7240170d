//! Telling people: an event becomes a notification for each recipient (the portal's bell) and,
//! where they want it, a message in the mail outbox, both written in the caller's transaction so
//! nothing is told of a change that rolled back. Who hears what is `domain::notifications`.

use super::new_id;
use crate::domain::mail::REPLY_TOKEN_LIFETIME;
use crate::domain::notifications::{recipients, Event, NotificationKind, Parties, Person, Side};
use crate::domain::people::{Role, UserStatus};
use crate::dto::{
    page_window, NotificationDto, NotificationFilter, Page, PreferenceDto, PreferencesDto, PreferencesRequest,
    UnreadCount,
};
use crate::error::{AppError, FieldCheck};
use crate::ssr::auth::Actor;
use crate::ssr::entities::{mail_outbox, notification, notification_preference, reply_token, user};
use crate::ssr::secrets::{digest, new_reply_token};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use std::collections::HashMap;

/// What to tell, written by the service that knows the event.
#[derive(Debug, Clone)]
pub struct Notice {
    pub event: Event,
    /// One line: the mail's subject and the bell's headline.
    pub title: String,
    /// A few plain sentences.
    pub body: String,
    /// Where in the portal it points, as a path (`/tickets/…`).
    pub link: Option<String>,
    pub ticket_id: Option<String>,
    pub organization_id: Option<String>,
}

/// Whom an event is about, by id; the service reads the people.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Around {
    pub actor_id: Option<String>,
    pub requester_id: Option<String>,
    pub assignee_id: Option<String>,
    /// The organisation whose superusers may be told.
    pub organization_id: Option<String>,
}

/// Records `notice` for everyone the rule picks, in `db` (the caller's transaction).
pub async fn notify(
    db: &impl ConnectionTrait,
    notice: Notice,
    around: Around,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let mut audience = Audience::default();
    tell(db, &mut audience, vec![(notice, around)], now).await
}

/// Who hears of notices: the people of each event about the same people, read once. A writer
/// reads it before it begins its transaction (`Audience::read`), which then only writes (on
/// SQLite every writer of the process queues behind that transaction: docs/architecture.md,
/// "Writes").
#[derive(Default)]
pub struct Audience(HashMap<(Event, Around), (Parties, HashMap<String, user::Model>)>);

impl Audience {
    /// The people of each event named.
    pub async fn read(db: &impl ConnectionTrait, about: Vec<(Event, Around)>) -> Result<Audience, AppError> {
        let mut audience = Audience::default();
        for about in about {
            audience.add(db, &about).await?;
        }
        Ok(audience)
    }

    async fn add(&mut self, db: &impl ConnectionTrait, about: &(Event, Around)) -> Result<(), AppError> {
        if !self.0.contains_key(about) {
            let found = parties(db, about.0, &about.1).await?;
            self.0.insert(about.clone(), found);
        }
        Ok(())
    }
}

/// Records many notices at once (a batch of tickets raised together), each table in one
/// statement, for the people `audience` holds; those of an event it does not hold yet are read
/// here, in `db`.
pub async fn tell(
    db: &impl ConnectionTrait,
    audience: &mut Audience,
    notices: Vec<(Notice, Around)>,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let mut notifications = Vec::new();
    let mut mails = Vec::new();
    let mut tokens = Vec::new();
    for (notice, around) in notices {
        let about = (notice.event, around);
        audience.add(db, &about).await?;
        let (parties, people) = &audience.0[&about];
        for r in &recipients(notice.event, parties) {
            let Some(person) = people.get(&r.user_id) else { continue };
            let id = new_id();
            if r.mail {
                let to = Recipient { user_id: Some(&person.id), address: &person.email, name: &person.name };
                let mut mail = outbox_row(to, r.kind.as_str(), &notice.title, &notice.body, notice.link.clone(), now);
                mail.notification_id = Set(Some(id.clone()));
                mail.ticket_id = Set(notice.ticket_id.clone());
                // A customer may answer a ticket's mail by e-mail: the reply address carries a
                // token of their own for that ticket. Staff answer in the portal.
                if let (Some(ticket_id), true) = (&notice.ticket_id, person.role == Role::Customer.as_str()) {
                    let token = new_reply_token();
                    tokens.push(reply_token::ActiveModel {
                        token_hash: Set(digest(&token)),
                        user_id: Set(person.id.clone()),
                        ticket_id: Set(ticket_id.clone()),
                        expires_at: Set(now + REPLY_TOKEN_LIFETIME),
                        created_at: Set(now),
                    });
                    mail.reply_token = Set(Some(token));
                }
                mails.push(mail);
            }
            notifications.push(notification::ActiveModel {
                id: Set(id),
                user_id: Set(person.id.clone()),
                kind: Set(r.kind.as_str().into()),
                title: Set(notice.title.clone()),
                body: Set(notice.body.clone()),
                link: Set(notice.link.clone()),
                ticket_id: Set(notice.ticket_id.clone()),
                organization_id: Set(notice.organization_id.clone()),
                created_at: Set(now),
                read_at: Set(None),
            });
        }
    }
    let count = notifications.len();
    if !notifications.is_empty() {
        notification::Entity::insert_many(notifications).exec_without_returning(db).await?;
    }
    if !mails.is_empty() {
        mail_outbox::Entity::insert_many(mails).exec_without_returning(db).await?;
    }
    if !tokens.is_empty() {
        reply_token::Entity::insert_many(tokens).exec_without_returning(db).await?;
    }
    Ok(count)
}

/// A mail to `to` with no notification behind it (a link to confirm an address or reset a
/// password: for the mailbox only), in `db` (the caller's transaction).
pub async fn mail_only(
    db: &impl ConnectionTrait,
    to: &user::Model,
    kind: &str,
    title: &str,
    body: &str,
    link: String,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let to_whom = Recipient { user_id: Some(&to.id), address: &to.email, name: &to.name };
    mail_outbox::Entity::insert(outbox_row(to_whom, kind, title, body, Some(link), now)).exec(db).await?;
    Ok(())
}

/// A mail to an address that may have no account (the answer to mail the portal could not take).
pub async fn mail_address(
    db: &impl ConnectionTrait,
    address: &str,
    kind: &str,
    title: &str,
    body: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let to_whom = Recipient { user_id: None, address, name: "" };
    mail_outbox::Entity::insert(outbox_row(to_whom, kind, title, body, None, now)).exec(db).await?;
    Ok(())
}

/// Whom a mail goes to.
struct Recipient<'a> {
    user_id: Option<&'a str>,
    address: &'a str,
    name: &'a str,
}

fn outbox_row(
    to: Recipient,
    kind: &str,
    title: &str,
    body: &str,
    link: Option<String>,
    now: DateTime<Utc>,
) -> mail_outbox::ActiveModel {
    mail_outbox::ActiveModel {
        id: Set(new_id()),
        notification_id: Set(None),
        user_id: Set(to.user_id.map(str::to_string)),
        kind: Set(kind.into()),
        to_address: Set(to.address.into()),
        to_name: Set(to.name.into()),
        title: Set(title.into()),
        body: Set(body.into()),
        link: Set(link),
        ticket_id: Set(None),
        status: Set(OutboxStatus::Pending.as_str().into()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        claimed_until: Set(None),
        claimed_by: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
        reply_token: Set(None),
    }
}

/// Where a message in the outbox stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxStatus {
    Pending,
    Sent,
    Failed,
}

impl OutboxStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxStatus::Pending => "pending",
            OutboxStatus::Sent => "sent",
            OutboxStatus::Failed => "failed",
        }
    }

    pub fn parse(input: &str) -> Result<OutboxStatus, String> {
        [OutboxStatus::Pending, OutboxStatus::Sent, OutboxStatus::Failed]
            .into_iter()
            .find(|s| s.as_str() == input)
            .ok_or_else(|| "Choose pending, sent or failed.".to_string())
    }
}

/// The people the event's rule may pick, read in two queries: the accounts, then their
/// preferences. Everyone but a registrant being told of the decision must be active.
async fn parties(
    db: &impl ConnectionTrait,
    event: Event,
    around: &Around,
) -> Result<(Parties, HashMap<String, user::Model>), AppError> {
    let staff_roles = [Role::Agent, Role::AccountManager, Role::Admin].map(|r| r.as_str());
    let manager_roles = [Role::AccountManager, Role::Admin].map(|r| r.as_str());
    let mut wanted = Condition::any();
    let by_id: Vec<String> = around.requester_id.iter().chain(around.assignee_id.iter()).cloned().collect();
    if !by_id.is_empty() {
        wanted = wanted.add(user::Column::Id.is_in(by_id));
    }
    let needs = event.needs();
    if needs.superusers {
        if let Some(org) = &around.organization_id {
            wanted = wanted.add(
                Condition::all()
                    .add(user::Column::OrganizationId.eq(org.as_str()))
                    .add(user::Column::Superuser.eq(true))
                    .add(user::Column::Status.eq(UserStatus::Active.as_str())),
            );
        }
    }
    if needs.staff {
        wanted = wanted.add(
            Condition::all()
                .add(user::Column::Role.is_in(staff_roles))
                .add(user::Column::Status.eq(UserStatus::Active.as_str())),
        );
    } else if needs.account_managers {
        wanted = wanted.add(
            Condition::all()
                .add(user::Column::Role.is_in(manager_roles))
                .add(user::Column::Status.eq(UserStatus::Active.as_str())),
        );
    }
    if wanted.is_empty() {
        return Ok((Parties::default(), HashMap::new()));
    }
    let found = user::Entity::find().filter(wanted).all(db).await?;
    let mut toggled: HashMap<String, Vec<NotificationKind>> = HashMap::new();
    for pref in notification_preference::Entity::find()
        .filter(notification_preference::Column::UserId.is_in(found.iter().map(|u| u.id.clone())))
        .all(db)
        .await?
    {
        if let Ok(kind) = NotificationKind::parse(&pref.kind) {
            if pref.mail != kind.mailed_by_default() {
                toggled.entry(pref.user_id).or_default().push(kind);
            }
        }
    }
    let person = |u: &user::Model| Person {
        id: u.id.clone(),
        side: if u.role == Role::Customer.as_str() { Side::Customer } else { Side::Staff },
        toggled: toggled.get(&u.id).cloned().unwrap_or_default(),
    };
    let active = |u: &&user::Model| u.status == UserStatus::Active.as_str();
    let pick = |id: &Option<String>, any_status: bool| {
        id.as_ref().and_then(|id| found.iter().find(|u| &u.id == id)).filter(|u| any_status || active(u)).map(&person)
    };
    let parties = Parties {
        actor_id: around.actor_id.clone(),
        requester: pick(&around.requester_id, event == Event::RegistrationDecided),
        assignee: pick(&around.assignee_id, false),
        superusers: found
            .iter()
            .filter(active)
            .filter(|u| u.superuser && u.organization_id == around.organization_id && u.role == Role::Customer.as_str())
            .map(&person)
            .collect(),
        staff: match needs.staff {
            true => {
                found.iter().filter(active).filter(|u| staff_roles.contains(&u.role.as_str())).map(&person).collect()
            }
            false => Vec::new(),
        },
        account_managers: match needs.account_managers {
            true => {
                found.iter().filter(active).filter(|u| manager_roles.contains(&u.role.as_str())).map(&person).collect()
            }
            false => Vec::new(),
        },
    };
    Ok((parties, found.into_iter().map(|u| (u.id.clone(), u)).collect()))
}

fn to_dto(n: notification::Model) -> NotificationDto {
    NotificationDto {
        kind: NotificationKind::parse(&n.kind).unwrap_or(NotificationKind::TicketStatus),
        id: n.id,
        title: n.title,
        body: n.body,
        link: n.link,
        ticket_id: n.ticket_id,
        organization_id: n.organization_id,
        created_at: n.created_at,
        read_at: n.read_at,
    }
}

/// The caller's own notifications, newest first. Anyone signed in has some: even a pending
/// registrant is told of the decision.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: NotificationFilter,
) -> Result<Page<NotificationDto>, AppError> {
    let mut query = notification::Entity::find().filter(notification::Column::UserId.eq(actor.user_id.as_str()));
    if filter.unread == Some(true) {
        query = query.filter(notification::Column::ReadAt.is_null());
    }
    let total = query.clone().count(db).await?;
    let (offset, limit) = page_window(filter.page, filter.per_page)?;
    let items = query
        .order_by_desc(notification::Column::CreatedAt)
        .order_by_desc(notification::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    Ok(Page::of(items.into_iter().map(to_dto).collect(), total))
}

pub async fn unread_count(db: &impl ConnectionTrait, actor: &Actor) -> Result<UnreadCount, AppError> {
    let count = notification::Entity::find()
        .filter(notification::Column::UserId.eq(actor.user_id.as_str()))
        .filter(notification::Column::ReadAt.is_null())
        .count(db)
        .await?;
    Ok(UnreadCount { count })
}

/// Marks one of the caller's notifications read; someone else's is a 404, as if it did not exist.
pub async fn mark_read(db: &impl ConnectionTrait, actor: &Actor, id: &str, now: DateTime<Utc>) -> Result<(), AppError> {
    let mine = notification::Column::UserId.eq(actor.user_id.as_str());
    let found = match super::looks_like_id(id) {
        true => notification::Entity::find_by_id(id.to_string()).filter(mine).one(db).await?,
        false => None,
    };
    let found = found.ok_or_else(|| AppError::not_found("notification"))?;
    if found.read_at.is_none() {
        notification::Entity::update_many()
            .col_expr(notification::Column::ReadAt, Expr::value(now))
            .filter(notification::Column::Id.eq(found.id))
            .filter(notification::Column::ReadAt.is_null())
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Marks every notification of the caller read; answers how many were unread.
pub async fn mark_all_read(db: &impl ConnectionTrait, actor: &Actor, now: DateTime<Utc>) -> Result<u64, AppError> {
    let done = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(now))
        .filter(notification::Column::UserId.eq(actor.user_id.as_str()))
        .filter(notification::Column::ReadAt.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}

/// The kinds the caller can receive, and whether each is mailed.
pub async fn preferences(db: &impl ConnectionTrait, actor: &Actor) -> Result<PreferencesDto, AppError> {
    let set: HashMap<String, bool> = notification_preference::Entity::find()
        .filter(notification_preference::Column::UserId.eq(actor.user_id.as_str()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.kind, p.mail))
        .collect();
    let staff = actor.role.is_staff();
    let items = NotificationKind::ALL
        .into_iter()
        .filter(|k| k.reaches(staff))
        .map(|kind| PreferenceDto {
            kind,
            label: kind.label().into(),
            mail: kind.essential() || set.get(kind.as_str()).copied().unwrap_or(kind.mailed_by_default()),
            essential: kind.essential(),
        })
        .collect();
    Ok(PreferencesDto { items })
}

/// Turns e-mail on or off for the kinds named; an essential kind cannot be turned off (422).
pub async fn set_preferences(
    db: &impl ConnectionTrait,
    actor: &Actor,
    req: PreferencesRequest,
) -> Result<PreferencesDto, AppError> {
    let staff = actor.role.is_staff();
    let mut check = FieldCheck::default();
    let mut rows = Vec::new();
    for (name, mail) in &req.mail {
        let field = format!("mail.{name}");
        let Some(kind) = check.take(&field, NotificationKind::parse(name)) else { continue };
        if !kind.reaches(staff) {
            check.add(&field, "You never receive this notification.");
        } else if kind.essential() && !mail {
            check.add(&field, "This notice is essential and is always sent by e-mail.");
        } else {
            rows.push(notification_preference::ActiveModel {
                user_id: Set(actor.user_id.clone()),
                kind: Set(kind.as_str().into()),
                mail: Set(*mail),
            });
        }
    }
    check.finish()?;
    if !rows.is_empty() {
        notification_preference::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::columns([notification_preference::Column::UserId, notification_preference::Column::Kind])
                    .update_column(notification_preference::Column::Mail)
                    .to_owned(),
            )
            .exec(db)
            .await?;
    }
    preferences(db, actor).await
}
