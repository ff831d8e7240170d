//! Registration, sign-in and sessions, approval of registrations, staff accounts.

use super::notifications::{self, Around, Notice};
use super::{looks_like_id, new_id, passwords};
use crate::domain::notifications::Event;
use crate::domain::people::{check_password, parse_phone, Email, Role, UserStatus};
use crate::domain::text::single_line;
use crate::dto::{page_window, CreateStaffRequest, LoginRequest, Page, RegisterRequest, UserDto, UserFilter};
use crate::error::{AppError, ErrorKind, FieldCheck};
use crate::ssr::auth::{invalid_session, Actor, AuthKeys};
use crate::ssr::db::is_unique_violation;
use crate::ssr::entities::{login_failure, organization, session, user};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    Set, TransactionTrait,
};

/// Failed sign-ins for one e-mail within `THROTTLE_WINDOW` before further attempts get 429.
pub const THROTTLE_LIMIT: u64 = 5;
pub const THROTTLE_MINUTES: i64 = 15;
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

fn email_taken() -> AppError {
    let mut e =
        AppError::conflict("email_taken", "An account with that e-mail address already exists; sign in instead.");
    e.fields.insert("email".into(), "This e-mail address is already registered.".into());
    e
}

/// Self-registration. The account starts pending, and is mailed a link to prove the address;
/// proving it joins the organisation owning the e-mail's domain, or puts the registration before
/// the account managers (`accounts::address_proven`).
pub async fn register<C: ConnectionTrait + TransactionTrait>(
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

    if user::Entity::find().filter(user::Column::Email.eq(email.as_str())).one(db).await?.is_some() {
        return Err(email_taken());
    }
    let password_hash = passwords::hash(req.password).await?;
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
    };
    let txn = db.begin().await?;
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
    now: DateTime<Utc>,
) -> Result<(String, UserDto), AppError> {
    // A malformed address cannot match an account; answer exactly as for a wrong password.
    let email = req.email.trim().to_ascii_lowercase();
    // Bounded input (issue 20, finding 2): nothing longer than an address or a password can be
    // is stored, looked up or hashed.
    if email.len() > MAX_SIGN_IN_EMAIL || req.password.len() > MAX_SIGN_IN_PASSWORD {
        return Err(invalid_credentials());
    }
    // The attempt is counted before the password is checked, in one statement each: of many
    // attempts racing each other, the one that makes the count pass the limit and every later
    // one see it, so at most `THROTTLE_LIMIT` passwords are checked per window (issue 20,
    // finding 2: all of them used to pass the count before any failure was written). A
    // successful sign-in clears the address's count.
    login_failure::ActiveModel { email: Set(email.clone()), created_at: Set(now), ..Default::default() }
        .insert(db)
        .await?;
    let attempts = login_failure::Entity::find()
        .filter(login_failure::Column::Email.eq(email.as_str()))
        .filter(login_failure::Column::CreatedAt.gt(now - Duration::minutes(THROTTLE_MINUTES)))
        .count(db)
        .await?;
    if attempts > THROTTLE_LIMIT {
        return Err(AppError::new(
            ErrorKind::TooManyAttempts,
            "too_many_attempts",
            format!("Too many failed sign-ins for this address; wait {THROTTLE_MINUTES} minutes and try again."),
        )
        .retry_after(THROTTLE_MINUTES as u32 * 60));
    }

    let found = user::Entity::find().filter(user::Column::Email.eq(email.as_str())).one(db).await?;
    let stored = found.as_ref().map(|u| u.password_hash.clone());
    if !passwords::verify(req.password, stored).await? {
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

    login_failure::Entity::delete_many().filter(login_failure::Column::Email.eq(email.as_str())).exec(db).await?;
    let session_id = new_id();
    session::ActiveModel {
        id: Set(session_id.clone()),
        user_id: Set(found.id.clone()),
        created_at: Set(now),
        expires_at: Set(now + keys.session_length),
        revoked_at: Set(None),
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
    let Some(live) = session::Entity::find_by_id(claims.jti.clone()).one(db).await? else {
        return Err(invalid_session());
    };
    if live.user_id != claims.sub || live.revoked_at.is_some() || live.expires_at <= now {
        return Err(invalid_session());
    }
    let Some(found) = user::Entity::find_by_id(live.user_id).one(db).await? else {
        return Err(invalid_session());
    };
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
        .filter(login_failure::Column::CreatedAt.lt(now - Duration::minutes(THROTTLE_MINUTES)))
        .exec(db)
        .await?;
    Ok((sessions.rows_affected + failures.rows_affected) as i64)
}

pub async fn me(db: &impl ConnectionTrait, actor: &Actor) -> Result<UserDto, AppError> {
    user::Entity::find_by_id(actor.user_id.clone()).one(db).await?.map(to_dto).ok_or_else(invalid_session)
}

/// Staff list accounts, newest first, optionally by status.
pub async fn list(db: &impl ConnectionTrait, actor: &Actor, filter: UserFilter) -> Result<Page<UserDto>, AppError> {
    actor.staff()?;
    let mut query = user::Entity::find();
    if let Some(status) = filter.status.as_deref().filter(|s| !s.is_empty()) {
        let status = UserStatus::parse(status).map_err(|m| field_error("status", m))?;
        query = query.filter(user::Column::Status.eq(status.as_str()));
        // Pending means awaiting approval: an address not yet proven awaits its owner first.
        if status == UserStatus::Pending {
            query = query.filter(user::Column::EmailVerifiedAt.is_not_null());
        }
    }
    let (offset, per_page) = page_window(filter.page, filter.per_page);
    let total = query.clone().count(db).await?;
    let items = query
        .order_by_desc(user::Column::CreatedAt)
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
pub async fn approve<C: ConnectionTrait + TransactionTrait>(
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
    let mut model: user::ActiveModel = pending.into();
    model.status = Set(UserStatus::Active.as_str().into());
    model.organization_id = Set(Some(org.id));
    model.superuser = Set(superuser);
    model.updated_at = Set(now);
    let txn = db.begin().await?;
    let approved = model.update(&txn).await?;
    let body = format!(
        "Your registration was approved: you can now raise and follow tickets for {} in the CyTrack support portal.",
        org.name
    );
    tell_decision(&txn, actor, &approved, "Your CyTrack Support registration is approved", body, now).await?;
    txn.commit().await?;
    Ok(to_dto(approved))
}

pub async fn reject<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    actor: &Actor,
    user_id: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<UserDto, AppError> {
    actor.account_manager()?;
    let reason = single_line(reason, "a reason", 500).map_err(|m| field_error("reason", m))?;
    let pending = pending_user(db, user_id).await?;
    let mut model: user::ActiveModel = pending.into();
    model.status = Set(UserStatus::Rejected.as_str().into());
    model.decision_note = Set(Some(reason.clone()));
    model.updated_at = Set(now);
    let txn = db.begin().await?;
    let rejected = model.update(&txn).await?;
    // A rejected account keeps no live session.
    revoke_sessions(&txn, &rejected.id, None, now).await?;
    let body = format!("Your registration for the CyTrack support portal was not approved: {reason}");
    tell_decision(&txn, actor, &rejected, "Your CyTrack Support registration was not approved", body, now).await?;
    txn.commit().await?;
    Ok(to_dto(rejected))
}

/// Admins create CyTrack staff accounts, active at once.
pub async fn create_staff(
    db: &impl ConnectionTrait,
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
    if let Err(message) = check_password(&req.password, email.as_ref()) {
        check.add("password", message);
    }
    check.finish()?;
    let (Some(name), Some(email), Some(role)) = (name, email, role) else { return Err(AppError::internal()) };
    insert_staff(db, name, email, role, req.password, now).await
}

async fn insert_staff(
    db: &impl ConnectionTrait,
    name: String,
    email: Email,
    role: Role,
    password: String,
    now: DateTime<Utc>,
) -> Result<UserDto, AppError> {
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
        // Staff accounts are made by an admin, who vouches for the address.
        email_verified_at: Set(Some(now)),
    };
    match model.insert(db).await {
        Ok(created) => Ok(to_dto(created)),
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
    insert_staff(db, "Administrator".into(), email, Role::Admin, password.into(), now).await?;
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
    let email = Email::parse(email).map_err(|m| field_error("email", m))?;
    let model = user::ActiveModel {
        id: Set(new_id()),
        name: Set(name.into()),
        email: Set(email.as_str().into()),
        phone: Set(None),
        company: Set(None),
        password_hash: Set(passwords::hash(password.into()).await?),
        role: Set(role.as_str().into()),
        status: Set(UserStatus::Active.as_str().into()),
        organization_id: Set(organization_id.map(str::to_string)),
        superuser: Set(superuser),
        decision_note: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        email_verified_at: Set(Some(now)),
    };
    Ok(to_dto(model.insert(db).await?))
}

/// Disables an account; its sessions stop working on their next request.
pub async fn disable(
    db: &impl ConnectionTrait,
    actor: &Actor,
    user_id: &str,
    now: DateTime<Utc>,
) -> Result<UserDto, AppError> {
    actor.account_manager()?;
    let found = match looks_like_id(user_id) {
        true => user::Entity::find_by_id(user_id.to_string()).one(db).await?,
        false => None,
    };
    let found = found.ok_or_else(|| AppError::not_found("user"))?;
    if found.id == actor.user_id {
        return Err(AppError::rule("cannot_disable_self", "You cannot disable your own account."));
    }
    if found.role == Role::Admin.as_str() && actor.role != Role::Admin {
        return Err(AppError::forbidden("Only administrators can disable an administrator."));
    }
    let mut model: user::ActiveModel = found.into();
    model.status = Set(UserStatus::Disabled.as_str().into());
    model.updated_at = Set(now);
    let disabled = model.update(db).await?;
    revoke_sessions(db, &disabled.id, None, now).await?;
    Ok(to_dto(disabled))
}
