//! Registration, sign-in and sessions, approval of registrations, staff accounts.

use super::audit::{self, Entry};
use super::notifications::{self, Around, Notice};
use super::{looks_like_id, new_id, passwords};
use crate::domain::audit::AuditKind;
use crate::domain::notifications::Event;
use crate::domain::people::{check_password, keeps_one, parse_phone, Duty, Email, PeopleOrder, Role, UserStatus};
use crate::domain::sign_in;
use crate::domain::text::single_line;
use crate::dto::{
    page_window, CreateStaffRequest, LoginRequest, Page, ProfileRequest, RegisterRequest, SessionDto, UserDto,
    UserFilter,
};
use crate::error::{AppError, ErrorKind, FieldCheck};
use crate::ssr::auth::{invalid_session, Access, Actor, AuthKeys, Client};
use crate::ssr::db::{begin, is_unique_violation};
use crate::ssr::entities::{login_failure, organization, session, user};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    Set, TransactionTrait,
};
use serde_json::json;

/// How stale a session's "last used" may be: it is written at most this often.
pub const SEEN_EVERY: Duration = Duration::minutes(5);

/// The longest address and password a sign-in reads (RFC 5321's 320; a passphrase of 1,024).
pub const MAX_SIGN_IN_EMAIL: usize = 320;
pub const MAX_SIGN_IN_PASSWORD: usize = 1024;

pub fn to_dto(model: user::Model) -> UserDto {
    UserDto {
        role: Role::parse(&model.role).unwrap_or(Role::Customer),
        status: UserStatus::parse(&model.status).unwrap_or(UserStatus::Disabled),
        id: model.id,
        name: model.name,
        email: model.email,
        organization_id: model.organization_id,
        superuser: model.superuser,
        phone: model.phone,
        company: model.company,
        created_at: model.created_at,
        email_verified: model.email_verified_at.is_some(),
        time_zone: model.time_zone,
    }
}

/// The actor an account acts as when it writes by e-mail (no session: the mail's reply token, or
/// its sender, stands for one).
pub(crate) fn actor_of(user: &user::Model) -> Actor {
    let dto = to_dto(user.clone());
    Actor {
        user_id: dto.id,
        session_id: String::new(),
        name: dto.name,
        role: dto.role,
        status: dto.status,
        organization_id: dto.organization_id,
        superuser: dto.superuser,
    }
}

/// Ends the sessions of `user_id`, all of them or all but `except`.
pub async fn revoke_sessions(
    db: &impl ConnectionTrait,
    user_id: &str,
    except: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut query = session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, sea_orm::sea_query::Expr::value(now))
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::RevokedAt.is_null());
    if let Some(keep) = except {
        query = query.filter(session::Column::Id.ne(keep));
    }
    query.exec(db).await?;
    Ok(())
}

pub(crate) fn email_taken() -> AppError {
    let mut e =
        AppError::conflict("email_taken", "An account with that e-mail address already exists; sign in instead.");
    e.fields.insert("email".into(), "This e-mail address is already registered.".into());
    e
}

/// Self-registration. The account starts pending, and is mailed a link to prove the address;
/// proving it joins the organisation owning the e-mail's domain, or puts the registration before
/// the account managers (`accounts::address_proven`).
pub async fn register<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    req: RegisterRequest,
    now: DateTime<Utc>,
) -> Result<UserDto, AppError> {
    let mut check = FieldCheck::default();
    let name = check.take("name", single_line(&req.name, "your name", 100));
    let email = check.take("email", Email::parse(&req.email));
    let company = check.take("company", single_line(&req.company, "your company's name", 200));
    let phone = check.take("phone", parse_phone(req.phone.as_deref().unwrap_or_default()));
    if let Err(message) = check_password(&req.password, email.as_ref()) {
        check.add("password", message);
    }
    check.finish()?;
    let (Some(name), Some(email), Some(company), Some(phone)) = (name, email, company, phone) else {
        return Err(AppError::internal());
    };

    // The password is hashed first, whether or not the address is taken, so the answer comes as
    // late for a taken address as for a new one (issue 20, finding 5: a taken address answered
    // at once, telling who has an account to anyone with a stopwatch; API.md keeps the 409).
    let password_hash = passwords::hash(req.password).await?;
    if user::Entity::find().filter(user::Column::Email.eq(email.as_str())).one(db).await?.is_some() {
        return Err(email_taken());
    }
    let model = user::ActiveModel {
        id: Set(new_id()),
        name: Set(name),
        email: Set(email.as_str().to_string()),
        phone: Set(phone),
        company: Set(Some(company)),
        password_hash: Set(password_hash),
        role: Set(Role::Customer.as_str().into()),
        status: Set(UserStatus::Pending.as_str().into()),
        organization_id: Set(None),
        superuser: Set(false),
        decision_note: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        email_verified_at: Set(None),
        time_zone: Set(None),
    };
    let txn = begin(db).await?;
    let created = match model.insert(&txn).await {
        Ok(created) => created,
        Err(e) if is_unique_violation(&e) => return Err(email_taken()),
        Err(e) => return Err(e.into()),
    };
    super::accounts::send_verification(&txn, &created, now).await?;
    txn.commit().await?;
    Ok(to_dto(created))
}

/// Tells a registrant what was decided, in the decision's transaction.
async fn tell_decision(
    db: &impl ConnectionTrait,
    actor: &Actor,
    decided: &user::Model,
    title: &str,
    body: String,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let notice = Notice {
        event: Event::RegistrationDecided,
        title: title.into(),
        body,
        link: Some("/".into()),
        ticket_id: None,
        organization_id: decided.organization_id.clone(),
    };
    let around =
        Around { actor_id: Some(actor.user_id.clone()), requester_id: Some(decided.id.clone()), ..Around::default() };
    notifications::notify(db, notice, around, now).await?;
    Ok(())
}

/// Records this attempt and answers its id, or refuses it unchecked while a delay the earlier
/// failures ask for (`domain::sign_in`) has not passed. The attempt is written before anything is
/// counted, and counts every other attempt written, so of many racing each other at most the free
/// allowance is checked (issue 20, finding 2). A refused attempt is kept, marked, so the
/// lockout is recorded once per run of refusals; it is not itself a failure, so retrying does not
/// lengthen the wait.
async fn throttle(
    db: &impl ConnectionTrait,
    email: &str,
    source: Option<&str>,
    now: DateTime<Utc>,
) -> Result<i32, AppError> {
    let attempt = login_failure::ActiveModel {
        email: Set(email.to_string()),
        source: Set(source.map(str::to_string)),
        refused: Set(false),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id;
    let earlier = login_failure::Entity::find()
        // Every other attempt, those still in flight included: of a burst, none passes on a
        // count that missed one written a moment before it (on PostgreSQL an earlier id can
        // become visible after a later one).
        .filter(login_failure::Column::Id.ne(attempt))
        .filter(login_failure::Column::Refused.eq(false))
        .filter(login_failure::Column::CreatedAt.gt(now - sign_in::WINDOW))
        .filter(sea_orm::Condition::any().add(login_failure::Column::Email.eq(email)).add(same_source(source)))
        .order_by_desc(login_failure::Column::Id)
        // Every delay reaches its ceiling long before this many (refused attempts are not read:
        // a flood of them cannot push the failures out of the count).
        .limit(500)
        .all(db)
        .await?;
    let counts = sign_in::Counts::of(earlier.iter().map(|f| sign_in::Earlier {
        same_address: f.email == email,
        same_source: f.source.as_deref() == source,
        at: f.created_at,
    }));
    let Some(wait) = sign_in::wait(&counts, now) else { return Ok(attempt) };

    login_failure::Entity::update_many()
        .col_expr(login_failure::Column::Refused, sea_orm::sea_query::Expr::value(true))
        .filter(login_failure::Column::Id.eq(attempt))
        .exec(db)
        .await?;
    // The lockout of an address is recorded by the first refusal after its latest failure; what
    // follows is counted here, not written to the log an attacker could flood. A source turned
    // away for trying many addresses is the operator's concern, in the server's log.
    if wait.by == sign_in::Scope::Source {
        tracing::warn!(source = source.unwrap_or("unknown"), "sign-ins from one source are delayed");
    } else {
        let mut refusals = login_failure::Entity::find()
            .filter(login_failure::Column::Id.ne(attempt))
            .filter(login_failure::Column::Refused.eq(true))
            .filter(login_failure::Column::Email.eq(email));
        if let Some(latest) = counts.account.latest {
            refusals = refusals.filter(login_failure::Column::CreatedAt.gte(latest));
        }
        if refusals.one(db).await?.is_none() {
            let found = user::Entity::find().filter(user::Column::Email.eq(email)).one(db).await?;
            let account = found.as_ref().map(|u| (u.id.as_str(), u.organization_id.as_deref()));
            let summary = format!("{} failed sign-ins within the hour; further ones wait.", counts.account.failures);
            audit::record_sign_in(db, email, account, AuditKind::SignInThrottled, &summary, now).await?;
        }
    }
    Err(AppError::new(
        ErrorKind::TooManyAttempts,
        "too_many_attempts",
        format!("Too many failed sign-ins; wait {} seconds and try again.", wait.seconds()),
    )
    .retry_after(wait.seconds()))
}

/// Attempts from the same source (all attempts of unknown source count as one).
fn same_source(source: Option<&str>) -> sea_orm::Condition {
    match source {
        Some(source) => sea_orm::Condition::all().add(login_failure::Column::Source.eq(source)),
        None => sea_orm::Condition::all().add(login_failure::Column::Source.is_null()),
    }
}

fn invalid_credentials() -> AppError {
    AppError::new(
        ErrorKind::Unauthenticated,
        "invalid_credentials",
        "That e-mail address and password do not match an account.",
    )
}

/// Signs in: checks the throttle, the password and the account's status, then opens a session.
pub async fn login(
    db: &impl ConnectionTrait,
    keys: &AuthKeys,
    req: LoginRequest,
    client: Client<'_>,
    now: DateTime<Utc>,
) -> Result<(String, UserDto), AppError> {
    // A malformed address cannot match an account; answer exactly as for a wrong password.
    let email = req.email.trim().to_ascii_lowercase();
    // Bounded input (issue 20, finding 2): nothing longer than an address or a password can be
    // is stored, looked up or hashed.
    if email.len() > MAX_SIGN_IN_EMAIL || req.password.len() > MAX_SIGN_IN_PASSWORD {
        return Err(invalid_credentials());
    }
    let source = client.address.map(|a| a.to_string());
    let attempt = throttle(db, &email, source.as_deref(), now).await?;

    let found = user::Entity::find().filter(user::Column::Email.eq(email.as_str())).one(db).await?;
    let stored = found.as_ref().map(|u| u.password_hash.clone());
    if !passwords::verify(req.password, stored).await? {
        let account = found.as_ref().map(|u| (u.id.as_str(), u.organization_id.as_deref()));
        let summary = match account {
            Some(_) => "Wrong password.",
            None => "No account has this address.",
        };
        audit::record_sign_in(db, &email, account, AuditKind::SignInFailed, summary, now).await?;
        return Err(invalid_credentials());
    }
    let Some(found) = found else { return Err(invalid_credentials()) };
    let status = UserStatus::parse(&found.status).unwrap_or(UserStatus::Disabled);
    if !status.may_sign_in() {
        let message = match status {
            UserStatus::Rejected => "Your registration was not approved. Contact your CyTrack account manager if you think this is a mistake.",
            _ => "This account has been disabled. Contact your CyTrack account manager.",
        };
        return Err(AppError::new(ErrorKind::Forbidden, "account_inactive", message));
    }

    // Success clears this source's failures for the address (and this attempt), not those of
    // sources elsewhere: signing in does not reset a guesser's delay.
    login_failure::Entity::delete_many()
        .filter(login_failure::Column::Email.eq(email.as_str()))
        .filter(same_source(source.as_deref()))
        .exec(db)
        .await?;
    login_failure::Entity::delete_by_id(attempt).exec(db).await?;
    let session_id = new_id();
    session::ActiveModel {
        id: Set(session_id.clone()),
        user_id: Set(found.id.clone()),
        created_at: Set(now),
        expires_at: Set(now + keys.session_length),
        revoked_at: Set(None),
        user_agent: Set(client.user_agent.map(|d| d.chars().take(300).collect())),
        last_seen_at: Set(Some(now)),
    }
    .insert(db)
    .await?;
    let token = keys.issue(&found.id, &session_id, now)?;
    Ok((token, to_dto(found)))
}

/// The actor behind a token: valid signature, a live session, an account that may sign in.
pub async fn authenticate(
    db: &impl ConnectionTrait,
    keys: &AuthKeys,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Actor, AppError> {
    let claims = keys.verify(token)?;
    // The session and its user in one query: every authenticated request pays for it.
    let Some((live, Some(found))) =
        session::Entity::find_by_id(claims.jti.clone()).find_also_related(user::Entity).one(db).await?
    else {
        return Err(invalid_session());
    };
    if live.user_id != claims.sub || live.revoked_at.is_some() || live.expires_at <= now {
        return Err(invalid_session());
    }
    // When it was last used, for its owner's list of devices: written at most every few minutes,
    // not on every request.
    if live.last_seen_at.is_none_or(|seen| now - seen >= SEEN_EVERY) {
        session::Entity::update_many()
            .col_expr(session::Column::LastSeenAt, sea_orm::sea_query::Expr::value(now))
            .filter(session::Column::Id.eq(live.id.as_str()))
            .exec(db)
            .await?;
    }
    let dto = to_dto(found);
    if !dto.status.may_sign_in() {
        return Err(invalid_session());
    }
    Ok(Actor {
        user_id: dto.id,
        session_id: live.id,
        name: dto.name,
        role: dto.role,
        status: dto.status,
        organization_id: dto.organization_id,
        superuser: dto.superuser,
    })
}

pub async fn logout(db: &impl ConnectionTrait, actor: &Actor, now: DateTime<Utc>) -> Result<(), AppError> {
    session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, sea_orm::sea_query::Expr::value(now))
        .filter(session::Column::Id.eq(actor.session_id.as_str()))
        .exec(db)
        .await?;
    Ok(())
}

/// Signs the caller out on every device (a lost laptop, a shared PC), this one included.
pub async fn logout_everywhere(db: &impl ConnectionTrait, actor: &Actor, now: DateTime<Utc>) -> Result<(), AppError> {
    revoke_sessions(db, &actor.user_id, None, now).await
}

/// Deletes sessions that ended (expired or revoked) more than a day ago, and sign-in failures
/// older than the throttle looks back: neither is read again. Answers how many rows went.
pub async fn prune(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<i64, AppError> {
    let ended = now - Duration::days(1);
    let sessions = session::Entity::delete_many()
        .filter(
            sea_orm::Condition::any()
                .add(session::Column::ExpiresAt.lt(ended))
                .add(session::Column::RevokedAt.lt(ended)),
        )
        .exec(db)
        .await?;
    let failures = login_failure::Entity::delete_many()
        .filter(login_failure::Column::CreatedAt.lt(now - sign_in::WINDOW))
        .exec(db)
        .await?;
    Ok((sessions.rows_affected + failures.rows_affected) as i64)
}

pub async fn me(db: &impl ConnectionTrait, actor: &Actor) -> Result<UserDto, AppError> {
    user::Entity::find_by_id(actor.user_id.clone()).one(db).await?.map(to_dto).ok_or_else(invalid_session)
}

/// Lists accounts, newest first, optionally by status: staff anyone's (or one organisation's),
/// a client's superuser their own organisation's people; a plain customer nobody's.
pub async fn list(db: &impl ConnectionTrait, actor: &Actor, filter: UserFilter) -> Result<Page<UserDto>, AppError> {
    let sort = match filter.sort.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => PeopleOrder::Newest,
        Some(order) => PeopleOrder::parse(order).map_err(|m| field_error("sort", m))?,
    };
    let mut query = user::Entity::find();
    let organization = match actor.access()? {
        Access::Staff(_) => filter.organization_id.clone().filter(|o| !o.trim().is_empty()),
        Access::Customer(c) if c.superuser => Some(c.organization_id),
        Access::Customer(_) => return Err(AppError::forbidden("Your organisation's superusers manage its people.")),
    };
    if let Some(organization) = organization {
        query = query.filter(user::Column::OrganizationId.eq(organization));
    }
    if let Some(status) = filter.status.as_deref().filter(|s| !s.is_empty()) {
        let status = UserStatus::parse(status).map_err(|m| field_error("status", m))?;
        query = query.filter(user::Column::Status.eq(status.as_str()));
        // Pending means awaiting approval: an address not yet proven awaits its owner first.
        if status == UserStatus::Pending {
            query = query.filter(user::Column::EmailVerifiedAt.is_not_null());
        }
    }
    let (offset, per_page) = page_window(filter.page, filter.per_page)?;
    let total = query.clone().count(db).await?;
    let query = match sort {
        PeopleOrder::Newest => query.order_by_desc(user::Column::CreatedAt),
        PeopleOrder::Oldest => query.order_by_asc(user::Column::CreatedAt),
        PeopleOrder::Name => query.order_by_asc(user::Column::Name),
    };
    let items = query
        .order_by_asc(user::Column::Id)
        .offset(offset)
        .limit(per_page)
        .all(db)
        .await?
        .into_iter()
        .map(to_dto)
        .collect();
    Ok(Page::of(items, total))
}

pub fn field_error(field: &str, message: String) -> AppError {
    let mut check = FieldCheck::default();
    check.add(field, message);
    check.finish().unwrap_err()
}

async fn pending_user(db: &impl ConnectionTrait, id: &str) -> Result<user::Model, AppError> {
    let found = match looks_like_id(id) {
        true => user::Entity::find_by_id(id.to_string()).one(db).await?,
        false => None,
    };
    // A registration whose address is not proven is never shown for approval: as if not there.
    let found = found
        .filter(|u| u.role == Role::Customer.as_str() && u.email_verified_at.is_some())
        .ok_or_else(|| AppError::not_found("registration"))?;
    if found.status != UserStatus::Pending.as_str() {
        return Err(AppError::conflict("already_decided", format!("{} is no longer awaiting approval.", found.name)));
    }
    Ok(found)
}

/// Approves a pending registration into an organisation, optionally as its superuser.
pub async fn approve<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    user_id: &str,
    organization_id: &str,
    superuser: bool,
    now: DateTime<Utc>,
) -> Result<UserDto, AppError> {
    actor.account_manager()?;
    let pending = pending_user(db, user_id).await?;
    let org = match looks_like_id(organization_id) {
        true => organization::Entity::find_by_id(organization_id.to_string()).one(db).await?,
        false => None,
    };
    let Some(org) = org else {
        return Err(field_error("organization_id", "Choose an existing organisation.".into()));
    };
    let entry = Entry::new(
        AuditKind::RegistrationApproved,
        "user",
        Some(&pending.id),
        format!(
            "{} <{}> joined {}{}.",
            pending.name,
            pending.email,
            org.name,
            if superuser { " as a superuser" } else { "" }
        ),
    )
    .of_organization(Some(&org.id))
    .change(
        json!({"status": pending.status}),
        json!({"status": UserStatus::Active.as_str(), "organization_id": org.id, "superuser": superuser}),
    );
    let mut model: user::ActiveModel = pending.into();
    model.status = Set(UserStatus::Active.as_str().into());
    model.organization_id = Set(Some(org.id));
    model.superuser = Set(superuser);
    model.updated_at = Set(now);
    let txn = begin(db).await?;
    let approved = model.update(&txn).await?;
    let body = format!(
        "Your registration was approved: you can now raise and follow tickets for {} in the CyTrack support portal.",
        org.name
    );
    tell_decision(&txn, actor, &approved, "Your CyTrack Support registration is approved", body, now).await?;
    audit::record(&txn, actor, entry, now).await?;
    txn.commit().await?;
    Ok(to_dto(approved))
}

pub async fn reject<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    user_id: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<UserDto, AppError> {
    actor.account_manager()?;
    let reason = single_line(reason, "a reason", 500).map_err(|m| field_error("reason", m))?;
    let pending = pending_user(db, user_id).await?;
    let entry = Entry::new(
        AuditKind::RegistrationRejected,
        "user",
        Some(&pending.id),
        format!("{} <{}> was not approved: {reason}", pending.name, pending.email),
    )
    .change(json!({"status": pending.status}), json!({"status": UserStatus::Rejected.as_str(), "reason": reason}));
    let mut model: user::ActiveModel = pending.into();
    model.status = Set(UserStatus::Rejected.as_str().into());
    model.decision_note = Set(Some(reason.clone()));
    model.updated_at = Set(now);
    let txn = begin(db).await?;
    let rejected = model.update(&txn).await?;
    // A rejected account keeps no live session.
    revoke_sessions(&txn, &rejected.id, None, now).await?;
    let body = format!("Your registration for the CyTrack support portal was not approved: {reason}");
    tell_decision(&txn, actor, &rejected, "Your CyTrack Support registration was not approved", body, now).await?;
    audit::record(&txn, actor, entry, now).await?;
    txn.commit().await?;
    Ok(to_dto(rejected))
}

/// Admins create CyTrack staff accounts, active at once.
pub async fn create_staff<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    req: CreateStaffRequest,
    now: DateTime<Utc>,
) -> Result<UserDto, AppError> {
    actor.admin()?;
    let mut check = FieldCheck::default();
    let name = check.take("name", single_line(&req.name, "a name", 100));
    let email = check.take("email", Email::parse(&req.email));
    let role = check.take(
        "role",
        Role::parse(&req.role).and_then(|r| {
            if r.is_staff() {
                Ok(r)
            } else {
                Err("Choose a staff role: agent, account_manager or admin.".into())
            }
        }),
    );
    // No first password: the new staff member chooses one from an invitation's link.
    let password = Some(req.password).filter(|p| !p.is_empty());
    if let Some(Err(message)) = password.as_deref().map(|p| check_password(p, email.as_ref())) {
        check.add("password", message);
    }
    check.finish()?;
    let (Some(name), Some(email), Some(role)) = (name, email, role) else { return Err(AppError::internal()) };
    let invited = password.is_none();
    let txn = begin(db).await?;
    let created = insert_staff(&txn, name, email, role, password, now).await?;
    if invited {
        super::accounts::send_invitation(&txn, &created, &actor.name, "CyTrack's support team", now).await?;
    }
    let created = to_dto(created);
    let summary = format!(
        "{} <{}> joined CyTrack as {}{}.",
        created.name,
        created.email,
        role.label(),
        if invited { ", invited to choose a password" } else { "" }
    );
    let entry = Entry::new(AuditKind::StaffCreated, "user", Some(&created.id), summary)
        .change(serde_json::Value::Null, json!({"role": role.as_str(), "status": UserStatus::Active.as_str()}));
    audit::record(&txn, actor, entry, now).await?;
    txn.commit().await?;
    Ok(created)
}

/// A staff account; without a password, one nobody knows until the invitation's link is used
/// (and the address is proven then).
async fn insert_staff(
    db: &impl ConnectionTrait,
    name: String,
    email: Email,
    role: Role,
    password: Option<String>,
    now: DateTime<Utc>,
) -> Result<user::Model, AppError> {
    let proven = password.as_ref().map(|_| now);
    let password = password.unwrap_or_else(crate::ssr::secrets::new_token);
    if user::Entity::find().filter(user::Column::Email.eq(email.as_str())).one(db).await?.is_some() {
        return Err(email_taken());
    }
    let model = user::ActiveModel {
        id: Set(new_id()),
        name: Set(name),
        email: Set(email.as_str().into()),
        phone: Set(None),
        company: Set(Some("CyTrack".into())),
        password_hash: Set(passwords::hash(password).await?),
        role: Set(role.as_str().into()),
        status: Set(UserStatus::Active.as_str().into()),
        organization_id: Set(None),
        superuser: Set(false),
        decision_note: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        // Given a password, the admin vouches for the address; invited, the link proves it.
        email_verified_at: Set(proven),
        time_zone: Set(None),
    };
    match model.insert(db).await {
        Ok(created) => Ok(created),
        Err(e) if is_unique_violation(&e) => Err(email_taken()),
        Err(e) => Err(e.into()),
    }
}

/// At start: when no admin exists and credentials are configured, create that admin.
pub async fn ensure_admin(
    db: &impl ConnectionTrait,
    email: &str,
    password: &str,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let exists = user::Entity::find().filter(user::Column::Role.eq(Role::Admin.as_str())).one(db).await?.is_some();
    if exists {
        return Ok(false);
    }
    let email = Email::parse(email).map_err(|m| field_error("PORTAL_ADMIN_EMAIL", m))?;
    check_password(password, Some(&email)).map_err(|m| field_error("PORTAL_ADMIN_PASSWORD", m))?;
    insert_staff(db, "Administrator".into(), email, Role::Admin, Some(password.into()), now).await?;
    Ok(true)
}

/// Seeds an account directly (demo data and tests), bypassing registration.
pub async fn seed_user(
    db: &impl ConnectionTrait,
    name: &str,
    email: &str,
    password: &str,
    role: Role,
    organization_id: Option<&str>,
    superuser: bool,
    now: DateTime<Utc>,
) -> Result<UserDto, AppError> {
    let hash = passwords::hash(password.into()).await?;
    seed_user_hashed(db, name, email, &hash, role, organization_id, superuser, now).await
}

/// `seed_user` with the password's hash given: a demo of many people hashes its one password once.
pub async fn seed_user_hashed(
    db: &impl ConnectionTrait,
    name: &str,
    email: &str,
    password_hash: &str,
    role: Role,
    organization_id: Option<&str>,
    superuser: bool,
    now: DateTime<Utc>,
) -> Result<UserDto, AppError> {
    let email = Email::parse(email).map_err(|m| field_error("email", m))?;
    let model = user::ActiveModel {
        id: Set(new_id()),
        name: Set(name.into()),
        email: Set(email.as_str().into()),
        phone: Set(None),
        company: Set(None),
        password_hash: Set(password_hash.into()),
        role: Set(role.as_str().into()),
        status: Set(UserStatus::Active.as_str().into()),
        organization_id: Set(organization_id.map(str::to_string)),
        superuser: Set(superuser),
        decision_note: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        email_verified_at: Set(Some(now)),
        time_zone: Set(None),
    };
    Ok(to_dto(model.insert(db).await?))
}

/// The person an account change is about, as the caller may reach them: account managers and
/// admins anyone (an administrator only by an administrator); a client's superuser the people of
/// their own organisation (anyone else is not found); nobody else.
async fn managed_person(db: &impl ConnectionTrait, actor: &Actor, user_id: &str) -> Result<user::Model, AppError> {
    let reach = match actor.access()? {
        Access::Staff(s) if s.role.manages_accounts() => None,
        Access::Customer(c) if c.superuser => Some(c.organization_id),
        Access::Customer(_) => {
            return Err(AppError::forbidden("Your organisation's superusers manage its people."));
        }
        Access::Staff(_) => return Err(AppError::forbidden("Only account managers and administrators can do this.")),
    };
    let found = match looks_like_id(user_id) {
        true => user::Entity::find_by_id(user_id.to_string()).one(db).await?,
        false => None,
    };
    let found = found
        .filter(|u| match &reach {
            None => true,
            Some(org) => u.role == Role::Customer.as_str() && u.organization_id.as_deref() == Some(org.as_str()),
        })
        .ok_or_else(|| AppError::not_found("user"))?;
    // An administrator's account is another administrator's to change.
    if found.role == Role::Admin.as_str() && actor.role != Role::Admin {
        return Err(AppError::forbidden("Only administrators can change an administrator's account."));
    }
    Ok(found)
}

/// How many active people hold `duty` where `person` holds it (the portal's admins, or the
/// person's organisation's superusers).
async fn holders(db: &impl ConnectionTrait, duty: Duty, person: &user::Model) -> Result<u64, AppError> {
    let active = user::Entity::find().filter(user::Column::Status.eq(UserStatus::Active.as_str()));
    Ok(match duty {
        Duty::Admin => active.filter(user::Column::Role.eq(Role::Admin.as_str())).count(db).await?,
        Duty::Superuser => {
            active
                .filter(user::Column::OrganizationId.eq(person.organization_id.clone()))
                .filter(user::Column::Superuser.eq(true))
                .count(db)
                .await?
        }
    })
}

/// The duties an active person holds that the portal must never be left without.
fn duties(person: &user::Model) -> Vec<Duty> {
    let mut held = Vec::new();
    if person.status == UserStatus::Active.as_str() {
        if person.role == Role::Admin.as_str() {
            held.push(Duty::Admin);
        }
        if person.superuser {
            held.push(Duty::Superuser);
        }
    }
    held
}

/// Refuses a change that would leave the portal without an admin or an organisation without a
/// superuser (422 `last_admin` / `last_superuser`).
async fn check_duties(db: &impl ConnectionTrait, person: &user::Model, taken: &[Duty]) -> Result<(), AppError> {
    for &duty in taken {
        if let Err(message) = keeps_one(duty, holders(db, duty, person).await?) {
            let code = match duty {
                Duty::Admin => "last_admin",
                Duty::Superuser => "last_superuser",
            };
            return Err(AppError::rule(code, message));
        }
    }
    Ok(())
}

/// One change to a person, in one transaction: the duties it takes checked (`check_duties`),
/// the fields changed, their sessions ended when it locks them out, and the audit entry written.
struct PersonChange {
    taken: Vec<Duty>,
    ends_sessions: bool,
    entry: Entry,
}

async fn change_person<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    found: user::Model,
    change: PersonChange,
    now: DateTime<Utc>,
    apply: impl FnOnce(&mut user::ActiveModel),
) -> Result<UserDto, AppError> {
    let txn = begin(db).await?;
    check_duties(&txn, &found, &change.taken).await?;
    let mut model: user::ActiveModel = found.into();
    apply(&mut model);
    model.updated_at = Set(now);
    let changed = model.update(&txn).await?;
    if change.ends_sessions {
        revoke_sessions(&txn, &changed.id, None, now).await?;
    }
    audit::record(&txn, actor, change.entry, now).await?;
    txn.commit().await?;
    Ok(to_dto(changed))
}

/// The audit entry of a change to a person's account: who, and the fields before and after.
fn person_entry(
    kind: AuditKind,
    found: &user::Model,
    what: &str,
    before: serde_json::Value,
    after: serde_json::Value,
) -> Entry {
    Entry::new(kind, "user", Some(&found.id), format!("{} <{}> {what}.", found.name, found.email))
        .of_organization(found.organization_id.as_deref())
        .change(before, after)
}

/// Disables an account; its sessions end at once. Account managers any (admins only by an
/// admin), a client's superuser their organisation's people; never oneself, never the last
/// admin or superuser.
pub async fn disable<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    user_id: &str,
    now: DateTime<Utc>,
) -> Result<UserDto, AppError> {
    let found = managed_person(db, actor, user_id).await?;
    if found.id == actor.user_id {
        return Err(AppError::rule("cannot_disable_self", "You cannot disable your own account."));
    }
    if found.status == UserStatus::Disabled.as_str() {
        return Ok(to_dto(found));
    }
    let disabled = UserStatus::Disabled.as_str();
    let entry = person_entry(
        AuditKind::AccountDisabled,
        &found,
        "was disabled",
        json!({"status": found.status}),
        json!({"status": disabled}),
    );
    let change = PersonChange { taken: duties(&found), ends_sessions: true, entry };
    change_person(db, actor, found, change, now, |m| m.status = Set(disabled.into())).await
}

/// Re-enables a disabled account (who may disable it may re-enable it); it signs in again with
/// its own password.
pub async fn enable<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    user_id: &str,
    now: DateTime<Utc>,
) -> Result<UserDto, AppError> {
    let found = managed_person(db, actor, user_id).await?;
    if found.status != UserStatus::Disabled.as_str() {
        return Err(AppError::conflict("not_disabled", format!("{} is not disabled.", found.name)));
    }
    let active = UserStatus::Active.as_str();
    let entry = person_entry(
        AuditKind::AccountEnabled,
        &found,
        "was re-enabled",
        json!({"status": found.status}),
        json!({"status": active}),
    );
    let change = PersonChange { taken: vec![], ends_sessions: false, entry };
    change_person(db, actor, found, change, now, |m| m.status = Set(active.into())).await
}

/// Admins change a staff account's role (agent, account manager, admin); the last active admin
/// keeps theirs.
pub async fn set_role<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    user_id: &str,
    role: &str,
    now: DateTime<Utc>,
) -> Result<UserDto, AppError> {
    actor.admin()?;
    let role = Role::parse(role.trim())
        .ok()
        .filter(|r| r.is_staff())
        .ok_or_else(|| field_error("role", "Choose a staff role: agent, account_manager or admin.".into()))?;
    let found = managed_person(db, actor, user_id).await?;
    if found.role == Role::Customer.as_str() {
        return Err(AppError::rule("not_staff", "Customers have no staff role; their superusers are chosen instead."));
    }
    if found.role == role.as_str() {
        return Ok(to_dto(found));
    }
    let taken = duties(&found).into_iter().filter(|d| *d == Duty::Admin && role != Role::Admin).collect();
    let what = format!("is now {}", role.label());
    let entry = person_entry(
        AuditKind::RoleChanged,
        &found,
        &what,
        json!({"role": found.role}),
        json!({"role": role.as_str()}),
    );
    let change = PersonChange { taken, ends_sessions: false, entry };
    change_person(db, actor, found, change, now, |m| m.role = Set(role.as_str().into())).await
}

/// Makes a client's person a superuser of their organisation, or takes it away (account
/// managers, or the organisation's own superusers); an organisation keeps one active superuser.
pub async fn set_superuser<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    user_id: &str,
    superuser: bool,
    now: DateTime<Utc>,
) -> Result<UserDto, AppError> {
    let found = managed_person(db, actor, user_id).await?;
    if found.role != Role::Customer.as_str() || found.organization_id.is_none() {
        return Err(AppError::rule("not_a_client", "Only a client organisation's people can be its superusers."));
    }
    if found.superuser == superuser {
        return Ok(to_dto(found));
    }
    let taken = duties(&found).into_iter().filter(|d| *d == Duty::Superuser && !superuser).collect();
    let what = match superuser {
        true => "is now a superuser of the organisation",
        false => "is no longer a superuser of the organisation",
    };
    let entry = person_entry(
        AuditKind::SuperuserChanged,
        &found,
        what,
        json!({"superuser": found.superuser}),
        json!({"superuser": superuser}),
    );
    let change = PersonChange { taken, ends_sessions: false, entry };
    change_person(db, actor, found, change, now, |m| m.superuser = Set(superuser)).await
}

/// A person changes their own name, phone and the time zone their pages show times in.
pub async fn update_profile(
    db: &impl ConnectionTrait,
    actor: &Actor,
    req: ProfileRequest,
    now: DateTime<Utc>,
) -> Result<UserDto, AppError> {
    let mut check = FieldCheck::default();
    let name = check.take("name", single_line(&req.name, "your name", 100));
    let phone = check.take("phone", parse_phone(req.phone.as_deref().unwrap_or_default()));
    let time_zone = check.take(
        "time_zone",
        match req.time_zone.as_deref().map(str::trim).filter(|z| !z.is_empty()) {
            None => Ok(None),
            Some(zone) => crate::domain::calendar::parse_time_zone(zone).map(|z| Some(z.name().to_string())),
        },
    );
    check.finish()?;
    let (Some(name), Some(phone), Some(time_zone)) = (name, phone, time_zone) else { return Err(AppError::internal()) };
    let found = user::Entity::find_by_id(actor.user_id.clone()).one(db).await?.ok_or_else(invalid_session)?;
    let mut model: user::ActiveModel = found.into();
    model.name = Set(name);
    model.phone = Set(phone);
    model.time_zone = Set(time_zone);
    model.updated_at = Set(now);
    Ok(to_dto(model.update(db).await?))
}

/// The devices signed in to the caller's account, most recently used first.
pub async fn sessions(
    db: &impl ConnectionTrait,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<SessionDto>, AppError> {
    let live = session::Entity::find()
        .filter(session::Column::UserId.eq(actor.user_id.as_str()))
        .filter(session::Column::RevokedAt.is_null())
        .filter(session::Column::ExpiresAt.gt(now))
        .all(db)
        .await?;
    let mut listed: Vec<SessionDto> = live
        .into_iter()
        .map(|s| SessionDto {
            current: s.id == actor.session_id,
            last_seen_at: s.last_seen_at.unwrap_or(s.created_at),
            signed_in_at: s.created_at,
            device: crate::domain::people::device_name(s.user_agent.as_deref()),
            id: s.id,
        })
        .collect();
    listed.sort_by(|a, b| b.current.cmp(&a.current).then(b.last_seen_at.cmp(&a.last_seen_at)));
    Ok(listed)
}

/// Signs one of the caller's own devices out (another's session is not found).
pub async fn end_session(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let ended = session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, sea_orm::sea_query::Expr::value(now))
        .filter(session::Column::Id.eq(id))
        .filter(session::Column::UserId.eq(actor.user_id.as_str()))
        .filter(session::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    match ended.rows_affected {
        0 => Err(AppError::not_found("session")),
        _ => Ok(()),
    }
}

/// Signs out every device but this one.
pub async fn end_other_sessions(db: &impl ConnectionTrait, actor: &Actor, now: DateTime<Utc>) -> Result<(), AppError> {
    revoke_sessions(db, &actor.user_id, Some(&actor.session_id), now).await
}
