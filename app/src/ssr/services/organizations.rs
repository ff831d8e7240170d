//! Client organisations and their verified e-mail domains.

use super::audit::{self, Entry};
use super::people::field_error;
use super::{looks_like_id, new_id};
use crate::domain::audit::AuditKind;
use crate::domain::people::parse_email_domain;
use crate::domain::text::{same_name, single_line};
use crate::dto::{CreateOrganizationRequest, OrganizationDto};
use crate::error::{AppError, FieldCheck};
use crate::ssr::auth::{Access, Actor};
use crate::ssr::db::{begin, is_unique_violation};
use crate::ssr::entities::{organization, organization_domain};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};
use std::collections::BTreeMap;

fn domain_taken(domain: &str) -> AppError {
    let mut e =
        AppError::conflict("domain_taken", format!("The domain {domain} already belongs to another organisation."));
    e.fields.insert("email_domains".into(), format!("{domain} is already taken."));
    e
}

/// Gives an organisation e-mail domains; one another organisation holds (or took a moment ago)
/// is 409 `domain_taken`.
async fn add_domains(txn: &impl ConnectionTrait, organization_id: &str, domains: &[String]) -> Result<(), AppError> {
    for domain in domains {
        let inserted = organization_domain::ActiveModel {
            domain: Set(domain.clone()),
            organization_id: Set(organization_id.to_string()),
        }
        .insert(txn)
        .await;
        match inserted {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => return Err(domain_taken(domain)),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// An organisation's name and e-mail domains as typed: each domain once, in the order given.
fn parse(req: &CreateOrganizationRequest) -> Result<(String, Vec<String>), AppError> {
    let mut check = FieldCheck::default();
    let name = check.take("name", single_line(&req.name, "the organisation's name", 200));
    let mut domains = Vec::new();
    for raw in req.email_domains.iter().filter(|d| !d.trim().is_empty()) {
        if let Some(domain) = check.take("email_domains", parse_email_domain(raw)) {
            if !domains.contains(&domain) {
                domains.push(domain);
            }
        }
    }
    check.finish()?;
    name.map(|name| (name, domains)).ok_or_else(AppError::internal)
}

pub async fn create<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    req: CreateOrganizationRequest,
    now: DateTime<Utc>,
) -> Result<OrganizationDto, AppError> {
    actor.account_manager()?;
    let (name, domains) = parse(&req)?;

    for domain in &domains {
        if organization_domain::Entity::find_by_id(domain.clone()).one(db).await?.is_some() {
            return Err(domain_taken(domain));
        }
    }
    let txn = begin(db).await?;
    let org =
        organization::ActiveModel { id: Set(new_id()), name: Set(name), created_at: Set(now), ledger_version: Set(0) }
            .insert(&txn)
            .await?;
    add_domains(&txn, &org.id, &domains).await?;
    let entry = Entry::new(
        AuditKind::OrganizationCreated,
        "organization",
        Some(&org.id),
        format!("{} became a client.", org.name),
    )
    .of_organization(Some(&org.id))
    .change(serde_json::Value::Null, serde_json::json!({"name": org.name, "email_domains": domains}));
    audit::record(&txn, actor, entry, now).await?;
    txn.commit().await?;
    Ok(OrganizationDto { id: org.id, name: org.name, email_domains: domains, created_at: org.created_at })
}

/// Account managers rename an organisation and change its e-mail domains (each domain belongs
/// to one organisation: another's is 409 `domain_taken`). Registrations from a domain join the
/// organisation that holds it when their address is proven; people already in stay.
pub async fn update<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    id: &str,
    req: CreateOrganizationRequest,
    now: DateTime<Utc>,
) -> Result<OrganizationDto, AppError> {
    actor.account_manager()?;
    let before = get(db, actor, id).await?;
    let (name, domains) = parse(&req)?;
    for domain in &domains {
        match organization_domain::Entity::find_by_id(domain.clone()).one(db).await? {
            Some(held) if held.organization_id != before.id => return Err(domain_taken(domain)),
            _ => {}
        }
    }
    let txn = begin(db).await?;
    organization::Entity::update_many()
        .col_expr(organization::Column::Name, sea_orm::sea_query::Expr::value(name.clone()))
        .filter(organization::Column::Id.eq(before.id.as_str()))
        .exec(&txn)
        .await?;
    organization_domain::Entity::delete_many()
        .filter(organization_domain::Column::OrganizationId.eq(before.id.as_str()))
        .filter(organization_domain::Column::Domain.is_not_in(domains.clone()))
        .exec(&txn)
        .await?;
    let added: Vec<String> = domains.iter().filter(|d| !before.email_domains.contains(d)).cloned().collect();
    add_domains(&txn, &before.id, &added).await?;
    let entry =
        Entry::new(AuditKind::OrganizationChanged, "organization", Some(&before.id), format!("{name} was edited."))
            .of_organization(Some(&before.id))
            .change(
                serde_json::json!({"name": before.name, "email_domains": before.email_domains}),
                serde_json::json!({"name": name, "email_domains": domains}),
            );
    audit::record(&txn, actor, entry, now).await?;
    txn.commit().await?;
    get(db, actor, id).await
}

/// The organisation of that name (`domain::text::same_name`), or a new one by that name, for
/// account managers approving a registration.
pub async fn named_or_new<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    name: &str,
    now: DateTime<Utc>,
) -> Result<OrganizationDto, AppError> {
    match list(db, actor).await?.into_iter().find(|o| same_name(&o.name, name)) {
        Some(found) => Ok(found),
        None => {
            create(db, actor, CreateOrganizationRequest { name: name.to_string(), email_domains: vec![] }, now).await
        }
    }
}

/// An organisation the caller may look at: staff any; a customer only their own, and any other id
/// is 404, as if it did not exist.
pub async fn seen(db: &impl ConnectionTrait, access: &Access, id: &str) -> Result<organization::Model, AppError> {
    let visible = match access {
        Access::Staff(_) => looks_like_id(id),
        Access::Customer(c) => c.organization_id == id,
    };
    let found = match visible {
        true => organization::Entity::find_by_id(id.to_string()).one(db).await?,
        false => None,
    };
    found.ok_or_else(|| AppError::not_found("organisation"))
}

/// One organisation, with its e-mail domains.
pub async fn get(db: &impl ConnectionTrait, actor: &Actor, id: &str) -> Result<OrganizationDto, AppError> {
    let org = seen(db, &actor.access()?, id).await?;
    let domains = organization_domain::Entity::find()
        .filter(organization_domain::Column::OrganizationId.eq(org.id.as_str()))
        .order_by_asc(organization_domain::Column::Domain)
        .all(db)
        .await?
        .into_iter()
        .map(|d| d.domain)
        .collect();
    Ok(OrganizationDto { id: org.id, name: org.name, email_domains: domains, created_at: org.created_at })
}

/// Every organisation, by name (staff only), with domains fetched in one query.
pub async fn list(db: &impl ConnectionTrait, actor: &Actor) -> Result<Vec<OrganizationDto>, AppError> {
    actor.staff()?;
    let orgs = organization::Entity::find().order_by_asc(organization::Column::Name).all(db).await?;
    let mut domains: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for d in organization_domain::Entity::find().order_by_asc(organization_domain::Column::Domain).all(db).await? {
        domains.entry(d.organization_id).or_default().push(d.domain);
    }
    Ok(orgs
        .into_iter()
        .map(|o| OrganizationDto {
            email_domains: domains.remove(&o.id).unwrap_or_default(),
            id: o.id,
            name: o.name,
            created_at: o.created_at,
        })
        .collect())
}

/// Finds an organisation a staff member names in a request, as a field error when it is unknown.
pub async fn existing(db: &impl ConnectionTrait, field: &str, id: &str) -> Result<organization::Model, AppError> {
    let found = match looks_like_id(id) {
        true => organization::Entity::find_by_id(id.to_string()).one(db).await?,
        false => None,
    };
    found.ok_or_else(|| field_error(field, "Choose an existing organisation.".into()))
}

/// An organisation named in a staff action's path: 404 when there is none.
pub async fn visible_to_staff(db: &impl ConnectionTrait, id: &str) -> Result<organization::Model, AppError> {
    let found = match looks_like_id(id) {
        true => organization::Entity::find_by_id(id.to_string()).one(db).await?,
        false => None,
    };
    found.ok_or_else(|| AppError::not_found("organisation"))
}
