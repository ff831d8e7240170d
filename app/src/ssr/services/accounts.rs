//! Proving an e-mail address, resetting a forgotten password, changing one's password. Tokens
//! travel only in mail; the database keeps their SHA-256 (a copy of the table opens nothing).

use super::audit::{self, Entry};
use super::notifications::{self, Around, Notice};
use super::organizations;
use super::people::{email_taken, field_error, revoke_sessions, to_dto};
use super::{new_id, passwords};
use crate::domain::accounts::{after_proof, usable, AfterProof, TokenPurpose, RESEND_AFTER, TOKEN_UNUSABLE};
use crate::domain::audit::AuditKind;
use crate::domain::notifications::Event;
use crate::domain::people::{check_password, Email, Role, UserStatus};
use crate::domain::text::single_line;
use crate::dto::{
    AcceptInvitationRequest, ChangePasswordRequest, InviteRequest, ResetPasswordRequest, UserDto, VerifyEmailRequest,
};
use crate::error::{AppError, FieldCheck};
use crate::ssr::auth::{Access, Actor};
use crate::ssr::db::{begin, is_unique_violation};
use crate::ssr::entities::{account_token, organization_domain, user};
use crate::ssr::secrets::{digest as hash, new_token};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, TransactionTrait};

/// A new token for `user`. Tokens of the same purpose issued before are
/// spent, so only the latest link works.
async fn issue(
    db: &impl ConnectionTrait,
    user: &user::Model,
    purpose: TokenPurpose,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let token = new_token();
    account_token::Entity::update_many()
        .col_expr(account_token::Column::UsedAt, Expr::value(now))
        .filter(account_token::Column::UserId.eq(user.id.as_str()))
        .filter(account_token::Column::Purpose.eq(purpose.as_str()))
        .filter(account_token::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    account_token::ActiveModel {
        id: Set(new_id()),
        user_id: Set(user.id.clone()),
        purpose: Set(purpose.as_str().into()),
        token_hash: Set(hash(&token)),
        expires_at: Set(now + purpose.lifetime()),
        used_at: Set(None),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// Whether a token of this purpose went to `user` a moment ago (then none is sent again).
async fn sent_lately(
    db: &impl ConnectionTrait,
    user: &user::Model,
    purpose: TokenPurpose,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    Ok(account_token::Entity::find()
        .filter(account_token::Column::UserId.eq(user.id.as_str()))
        .filter(account_token::Column::Purpose.eq(purpose.as_str()))
        .filter(account_token::Column::CreatedAt.gt(now - RESEND_AFTER))
        .one(db)
        .await?
        .is_some())
}

/// 422 `invalid_token`, alike for a token unknown, used or expired: the link's holder can only
/// ask for a new one.
fn unusable() -> AppError {
    AppError::invalid_fields([("token".to_string(), TOKEN_UNUSABLE.to_string())].into_iter().collect())
        .with_code("invalid_token")
}

/// The usable token behind `token`, and the account it was issued to; nothing is changed.
async fn holder(
    db: &impl ConnectionTrait,
    token: &str,
    purpose: TokenPurpose,
    now: DateTime<Utc>,
) -> Result<(account_token::Model, user::Model), AppError> {
    let found = account_token::Entity::find()
        .filter(account_token::Column::TokenHash.eq(hash(token)))
        .filter(account_token::Column::Purpose.eq(purpose.as_str()))
        .one(db)
        .await?
        .filter(|t| usable(t.expires_at, t.used_at, now))
        .ok_or_else(unusable)?;
    let account = user::Entity::find_by_id(found.user_id.clone()).one(db).await?.ok_or_else(unusable)?;
    Ok((found, account))
}

/// Spends a token: the account it was issued to, or 422 `invalid_token`.
async fn spend(
    db: &impl ConnectionTrait,
    token: &str,
    purpose: TokenPurpose,
    now: DateTime<Utc>,
) -> Result<user::Model, AppError> {
    let (found, account) = holder(db, token, purpose, now).await?;
    // Spent by a conditional update: of two requests racing with one link, one wins.
    let spent = account_token::Entity::update_many()
        .col_expr(account_token::Column::UsedAt, Expr::value(now))
        .filter(account_token::Column::Id.eq(found.id.as_str()))
        .filter(account_token::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    if spent.rows_affected != 1 {
        return Err(unusable());
    }
    Ok(account)
}

/// Mails `user` a link to prove their address (at registration, and when they ask again).
pub async fn send_verification(
    db: &impl ConnectionTrait,
    user: &user::Model,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let token = issue(db, user, TokenPurpose::VerifyEmail, now).await?;
    let body = "Someone, we hope you, registered for the CyTrack support portal with this address. Open the \
                link within two days to confirm it is yours; your registration goes ahead once you do.\n\nIf \
                it was not you, ignore this mail: nothing happens without the link.";
    notifications::mail_only(
        db,
        user,
        TokenPurpose::VerifyEmail.as_str(),
        "Confirm your e-mail address for CyTrack Support",
        body,
        format!("/verify-email?token={token}"),
        now,
    )
    .await
}

/// A signed-in registrant asks for the confirmation link again (at most once a minute).
pub async fn resend_verification<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let found = user::Entity::find_by_id(actor.user_id.clone()).one(db).await?.ok_or_else(AppError::unauthenticated)?;
    if found.email_verified_at.is_some() || sent_lately(db, &found, TokenPurpose::VerifyEmail, now).await? {
        return Ok(());
    }
    let txn = begin(db).await?;
    send_verification(&txn, &found, now).await?;
    txn.commit().await?;
    Ok(())
}

/// The link from the confirmation mail: the address is proven, and a pending registration
/// joins the organisation owning its domain or goes to the account managers for approval.
pub async fn verify_email<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    req: VerifyEmailRequest,
    now: DateTime<Utc>,
) -> Result<UserDto, AppError> {
    let txn = begin(db).await?;
    let found = spend(&txn, &req.token, TokenPurpose::VerifyEmail, now).await?;
    let proven = address_proven(&txn, found, now).await?;
    txn.commit().await?;
    Ok(to_dto(proven))
}

/// What proving the address does (`domain::accounts::after_proof`), in the caller's transaction.
pub async fn address_proven(
    db: &impl ConnectionTrait,
    found: user::Model,
    now: DateTime<Utc>,
) -> Result<user::Model, AppError> {
    if found.email_verified_at.is_some() {
        return Ok(found);
    }
    let status = UserStatus::parse(&found.status).unwrap_or(UserStatus::Disabled);
    let domain = Email::parse(&found.email).ok().map(|e| e.domain().to_string()).unwrap_or_default();
    let owner = organization_domain::Entity::find_by_id(domain).one(db).await?;
    let outcome = after_proof(status, owner.is_some() && found.role == Role::Customer.as_str());
    let mut model: user::ActiveModel = found.into();
    model.email_verified_at = Set(Some(now));
    model.updated_at = Set(now);
    if let (AfterProof::JoinsOrganization, Some(owner)) = (outcome, owner) {
        model.status = Set(UserStatus::Active.as_str().into());
        model.organization_id = Set(Some(owner.organization_id));
    }
    let proven = model.update(db).await?;
    if outcome == AfterProof::AwaitsApproval {
        let company = proven.company.as_deref().unwrap_or("no company given");
        let notice = Notice {
            event: Event::RegistrationReceived,
            title: format!("Registration awaiting approval: {} ({company})", proven.name),
            body: format!(
                "{} <{}> registered for {company} and confirmed the address. Approve it into an organisation, or reject it.",
                proven.name, proven.email
            ),
            link: Some("/staff/registrations".into()),
            ticket_id: None,
            organization_id: None,
        };
        let around = Around { actor_id: Some(proven.id.clone()), ..Around::default() };
        notifications::notify(db, notice, around, now).await?;
    }
    Ok(proven)
}

/// Mails someone an account was made for the link to choose their password.
pub async fn send_invitation(
    db: &impl ConnectionTrait,
    invited: &user::Model,
    inviter: &str,
    joining: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let token = issue(db, invited, TokenPurpose::Invitation, now).await?;
    let body = format!(
        "{inviter} invited you to the CyTrack support portal, to join {joining}. Open the link within seven days \
         to choose your password; then sign in with this address.\n\nIf you did not expect this, ignore this \
         mail: nobody can use the account without the link."
    );
    notifications::mail_only(
        db,
        invited,
        TokenPurpose::Invitation.as_str(),
        "You are invited to CyTrack Support",
        &body,
        format!("/accept-invitation?token={token}"),
        now,
    )
    .await
}

/// Invites someone into an organisation (DOMAIN.md: the superuser manages its contacts): an
/// active plain customer whose password nobody knows until they choose it from the mailed link.
/// Account managers invite into any organisation, a client's superuser into their own (another
/// is not found); a plain customer is refused.
pub async fn invite<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    organization_id: &str,
    req: InviteRequest,
    now: DateTime<Utc>,
) -> Result<UserDto, AppError> {
    match actor.access()? {
        Access::Staff(s) if s.role.manages_accounts() => {}
        Access::Customer(c) if c.organization_id != organization_id => return Err(AppError::not_found("organisation")),
        Access::Customer(c) if c.superuser => {}
        Access::Customer(_) => return Err(AppError::forbidden("Your organisation's superusers invite its people.")),
        Access::Staff(_) => return Err(AppError::forbidden("Only account managers and administrators can do this.")),
    }
    let org = organizations::existing(db, "organization_id", organization_id)
        .await
        .map_err(|_| AppError::not_found("organisation"))?;
    let mut check = FieldCheck::default();
    let name = check.take("name", single_line(&req.name, "a name", 100));
    let email = check.take("email", Email::parse(&req.email));
    check.finish()?;
    let (Some(name), Some(email)) = (name, email) else { return Err(AppError::internal()) };
    if user::Entity::find().filter(user::Column::Email.eq(email.as_str())).one(db).await?.is_some() {
        return Err(email_taken());
    }
    let password_hash = passwords::hash(new_token()).await?;
    let txn = begin(db).await?;
    let invited = user::ActiveModel {
        id: Set(new_id()),
        name: Set(name),
        email: Set(email.as_str().into()),
        phone: Set(None),
        company: Set(Some(org.name.clone())),
        password_hash: Set(password_hash),
        role: Set(Role::Customer.as_str().into()),
        status: Set(UserStatus::Active.as_str().into()),
        organization_id: Set(Some(org.id.clone())),
        superuser: Set(false),
        decision_note: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        email_verified_at: Set(None),
        time_zone: Set(None),
    };
    let invited = match invited.insert(&txn).await {
        Ok(invited) => invited,
        Err(e) if is_unique_violation(&e) => return Err(email_taken()),
        Err(e) => return Err(e.into()),
    };
    send_invitation(&txn, &invited, &actor.name, &org.name, now).await?;
    let entry = Entry::new(
        AuditKind::PersonInvited,
        "user",
        Some(&invited.id),
        format!("{} <{}> was invited to {}.", invited.name, invited.email, org.name),
    )
    .of_organization(Some(&org.id))
    .change(serde_json::Value::Null, serde_json::json!({"status": invited.status, "organization_id": org.id}));
    audit::record(&txn, actor, entry, now).await?;
    txn.commit().await?;
    Ok(to_dto(invited))
}

/// The link from an invitation, with the password the invitee chooses: single use, and it proves
/// the address.
pub async fn accept_invitation<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    req: AcceptInvitationRequest,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let (_, holder) = holder(db, &req.token, TokenPurpose::Invitation, now).await?;
    let email = Email::parse(&holder.email).ok();
    check_password(&req.password, email.as_ref()).map_err(|m| field_error("password", m))?;
    let password_hash = passwords::hash(req.password).await?;
    let txn = begin(db).await?;
    let found = spend(&txn, &req.token, TokenPurpose::Invitation, now).await?;
    let found = address_proven(&txn, found, now).await?;
    let accepted = password_changed(&found, "by accepting the invitation");
    let (user_id, name) = (found.id.clone(), found.name.clone());
    let mut model: user::ActiveModel = found.into();
    model.password_hash = Set(password_hash);
    model.updated_at = Set(now);
    model.update(&txn).await?;
    audit::record_by(&txn, Some(&user_id), &name, accepted, now).await?;
    txn.commit().await?;
    Ok(())
}

/// "Forgot password": mails a reset link when an account uses the address, and answers the same
/// whether or not one does.
pub async fn forgot_password<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    email: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let Ok(email) = Email::parse(email) else { return Ok(()) };
    let Some(found) = user::Entity::find().filter(user::Column::Email.eq(email.as_str())).one(db).await? else {
        return Ok(());
    };
    let may_sign_in = matches!(UserStatus::parse(&found.status), Ok(UserStatus::Active | UserStatus::Pending));
    if !may_sign_in || sent_lately(db, &found, TokenPurpose::ResetPassword, now).await? {
        return Ok(());
    }
    let txn = begin(db).await?;
    let token = issue(&txn, &found, TokenPurpose::ResetPassword, now).await?;
    let body = "Someone, we hope you, asked to reset the password of your CyTrack support portal account. \
                Open the link within an hour to choose a new one; every device signed in to your account is \
                then signed out.\n\nIf it was not you, ignore this mail: your password stays as it is.";
    notifications::mail_only(
        &txn,
        &found,
        TokenPurpose::ResetPassword.as_str(),
        "Reset your CyTrack Support password",
        body,
        format!("/reset-password?token={token}"),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The link from the reset mail, with the new password: single use, and every session of the
/// account is revoked. The link proves the address too.
pub async fn reset_password<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    req: ResetPasswordRequest,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    // Checked and hashed before the transaction: hashing takes a core for tens of milliseconds.
    let (_, holder) = holder(db, &req.token, TokenPurpose::ResetPassword, now).await?;
    let email = Email::parse(&holder.email).ok();
    check_password(&req.password, email.as_ref()).map_err(|m| field_error("password", m))?;
    let password_hash = passwords::hash(req.password).await?;
    let txn = begin(db).await?;
    let found = spend(&txn, &req.token, TokenPurpose::ResetPassword, now).await?;
    let user_id = found.id.clone();
    let found = address_proven(&txn, found, now).await?;
    let reset = password_changed(&found, "by the link mailed to the address; every session ended");
    let name = found.name.clone();
    let mut model: user::ActiveModel = found.into();
    model.password_hash = Set(password_hash);
    model.updated_at = Set(now);
    model.update(&txn).await?;
    revoke_sessions(&txn, &user_id, None, now).await?;
    audit::record_by(&txn, Some(&user_id), &name, reset, now).await?;
    txn.commit().await?;
    Ok(())
}

/// A password change as the audit log keeps it (never the password, nor its hash).
fn password_changed(account: &user::Model, how: &str) -> Entry {
    Entry::new(
        AuditKind::PasswordChanged,
        "user",
        Some(&account.id),
        format!("{} <{}> changed their password {how}.", account.name, account.email),
    )
    .of_organization(account.organization_id.as_deref())
}

/// A signed-in person changes their password, giving the current one; their other sessions end.
pub async fn change_password<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    req: ChangePasswordRequest,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let found = user::Entity::find_by_id(actor.user_id.clone()).one(db).await?.ok_or_else(AppError::unauthenticated)?;
    let mut check = FieldCheck::default();
    if let Err(m) = check_password(&req.new_password, Email::parse(&found.email).ok().as_ref()) {
        check.add("new_password", m);
    }
    if !passwords::verify(req.current_password, Some(found.password_hash.clone())).await? {
        check.add("current_password", "That is not your current password.");
    }
    check.finish()?;
    let password_hash = passwords::hash(req.new_password).await?;
    let txn = begin(db).await?;
    let changed = password_changed(&found, "in the portal, giving the current one; other sessions ended");
    let mut model: user::ActiveModel = found.into();
    model.password_hash = Set(password_hash);
    model.updated_at = Set(now);
    model.update(&txn).await?;
    revoke_sessions(&txn, &actor.user_id, Some(&actor.session_id), now).await?;
    audit::record(&txn, actor, changed, now).await?;
    txn.commit().await?;
    Ok(())
}
