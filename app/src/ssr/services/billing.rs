//! Deployments and IRS contracts per organisation, the re-evaluation of ticket tags when they
//! change, reclassification by agents, time entries, and the monthly billing export.

use super::audit::{self, Entry as AuditEntry};
use super::notifications::{self, Around, Notice};
use super::people::field_error;
use super::reports::Work;
use super::tickets::{billing_facts, billing_text, history_line, support_date, to_dtos, user_names, visible};
use super::{looks_like_id, new_id};
use crate::domain::audit::AuditKind;
use crate::domain::billing::{
    classify, deployment_changes, follows_reevaluation, irs_status, long_date, month_or_this, parse_date,
    parse_work_minutes, split_billable, BillingFacts, BillingTag, Deployment, DeploymentChange, GoLiveBasis, IrsPeriod,
};
use crate::domain::notifications::{Event, NotificationKind};
use crate::domain::text::{multi_line, spreadsheet_safe};
use crate::domain::tickets::{ticket_number, TicketKind, TicketStatus};
use crate::dto::{
    AccountDto, BillingExport, BillingExportRow, DeploymentDto, DeploymentRequest, HistoryDto, IrsContractDto,
    IrsContractRequest, ReclassifyRequest, TicketDto, TimeEntryDto, TimeEntryRequest,
};
use crate::error::{AppError, FieldCheck};
use crate::ssr::auth::{Access, Actor};
use crate::ssr::db::begin;
use crate::ssr::entities::{
    completion_outstanding, deployment, irs_contract, redemption, ticket, ticket_history, time_entry,
};
use crate::ssr::services::organizations;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};
use std::collections::{BTreeMap, HashMap, HashSet};

pub(crate) fn to_period(c: &irs_contract::Model) -> IrsPeriod {
    IrsPeriod { starts_on: c.starts_on, ends_on: c.ends_on }
}

fn irs_dto(c: irs_contract::Model) -> IrsContractDto {
    IrsContractDto { id: c.id, organization_id: c.organization_id, starts_on: c.starts_on, ends_on: c.ends_on }
}

pub(crate) fn deployment_of(model: &deployment::Model) -> Deployment {
    Deployment {
        go_live_on: model.go_live_on,
        go_live_basis: GoLiveBasis::parse(&model.go_live_basis).unwrap_or(GoLiveBasis::Assessed),
        go_live_held: model.go_live_held,
        completion_signed_on: model.completion_signed_on,
    }
}

/// Outstanding tickets of the given organisations as (id, number), in one query.
async fn outstanding_of(
    db: &impl ConnectionTrait,
    organization_id: Option<&str>,
) -> Result<HashMap<String, Vec<(String, String)>>, AppError> {
    let mut query = completion_outstanding::Entity::find();
    if let Some(org) = organization_id {
        query = query.filter(completion_outstanding::Column::OrganizationId.eq(org));
    }
    let listed = query.all(db).await?;
    let numbers: HashMap<String, i64> = ticket::Entity::find()
        .filter(ticket::Column::Id.is_in(listed.iter().map(|o| o.ticket_id.clone())))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.number))
        .collect();
    let mut by_org: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for o in listed {
        let number = numbers.get(&o.ticket_id).map(|n| ticket_number(*n)).unwrap_or_default();
        by_org.entry(o.organization_id).or_default().push((o.ticket_id, number));
    }
    for list in by_org.values_mut() {
        list.sort_by(|a, b| a.1.cmp(&b.1));
    }
    Ok(by_org)
}

fn deployment_dto(model: &deployment::Model, outstanding: Vec<(String, String)>) -> DeploymentDto {
    let (outstanding_ticket_ids, outstanding_ticket_numbers) = outstanding.into_iter().unzip();
    let recorded = deployment_of(model);
    let dates = recorded.dates();
    DeploymentDto {
        organization_id: model.organization_id.clone(),
        go_live_on: recorded.go_live_on,
        go_live_basis: recorded.go_live_basis,
        go_live_held: recorded.go_live_held,
        completion_signed_on: recorded.completion_signed_on,
        completion_form_issued_on: dates.map(|d| d.completion_form_issued_on),
        completion_on: dates.map(|d| d.completion_on),
        completion_basis: dates.map(|d| d.completion_basis),
        warranty_ends_on: dates.map(|d| d.warranty_ends_on),
        outstanding_ticket_ids,
        outstanding_ticket_numbers,
    }
}

/// Account managers see every organisation; a customer only their own (others are 404).
fn may_see_account(actor: &Actor, organization_id: &str) -> Result<(), AppError> {
    match actor.access()? {
        Access::Staff(_) => Ok(()),
        Access::Customer(c) if c.organization_id == organization_id => Ok(()),
        Access::Customer(_) => Err(AppError::not_found("organisation")),
    }
}

/// Records an organisation's deployment, then re-evaluates the tags of its tickets.
pub async fn put_deployment<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    organization_id: &str,
    req: DeploymentRequest,
    now: DateTime<Utc>,
) -> Result<DeploymentDto, AppError> {
    actor.account_manager()?;
    let org = organizations::visible_to_staff(db, organization_id).await?;
    let mut check = FieldCheck::default();
    let optional_date = |v: &Option<String>| match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => parse_date(s).map(Some),
        None => Ok(None),
    };
    let go_live_on = check.take("go_live_on", optional_date(&req.go_live_on));
    let basis = check.take("go_live_basis", GoLiveBasis::parse(req.go_live_basis.trim()));
    let signed = check.take("completion_signed_on", optional_date(&req.completion_signed_on));
    check.finish()?;
    let (Some(go_live_on), Some(basis), Some(signed)) = (go_live_on, basis, signed) else {
        return Err(AppError::internal());
    };
    let recorded =
        Deployment { go_live_on, go_live_basis: basis, go_live_held: req.go_live_held, completion_signed_on: signed };
    recorded.check().map_err(|(field, message)| field_error(field, message))?;

    let mut outstanding: Vec<(String, String)> = Vec::new();
    for id in req.outstanding_ticket_ids.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        let found = match looks_like_id(id) {
            true => {
                ticket::Entity::find_by_id(id.to_string())
                    .filter(ticket::Column::OrganizationId.eq(org.id.as_str()))
                    .one(db)
                    .await?
            }
            false => None,
        };
        match found {
            Some(t) if !outstanding.iter().any(|(id, _)| *id == t.id) => {
                outstanding.push((t.id, ticket_number(t.number)))
            }
            Some(_) => {}
            None => {
                return Err(field_error(
                    "outstanding_ticket_ids",
                    format!(
                        "{id} is not a ticket of {}; each outstanding issue needs a ticket of this organisation.",
                        org.name
                    ),
                ))
            }
        }
    }

    let txn = begin(db).await?;
    let ids: Vec<String> = outstanding.iter().map(|(id, _)| id.clone()).collect();
    let before = deployment::Entity::find_by_id(org.id.clone()).one(&txn).await?.map(|d| deployment_audit(&d));
    let saved = record_deployment(&txn, &actor.user_id, &org.id, &recorded, &ids, now).await?;
    let entry = AuditEntry::new(
        AuditKind::DeploymentRecorded,
        "organization",
        Some(&org.id),
        format!("The deployment record of {} was written.", org.name),
    )
    .of_organization(Some(&org.id))
    .change(before.unwrap_or(serde_json::Value::Null), deployment_audit(&saved));
    audit::record(&txn, actor, entry, now).await?;
    txn.commit().await?;
    Ok(deployment_dto(&saved, outstanding))
}

/// A deployment record as the audit log keeps it.
fn deployment_audit(d: &deployment::Model) -> serde_json::Value {
    serde_json::json!({
        "go_live_on": d.go_live_on,
        "go_live_basis": d.go_live_basis,
        "go_live_held": d.go_live_held,
        "completion_signed_on": d.completion_signed_on,
    })
}

/// Writes an organisation's deployment record and the issues listed as outstanding on its
/// completion form, tells what changed, and re-evaluates its tickets' tags, in the caller's
/// transaction. The account manager's record and the project's signed forms both come here.
pub(crate) async fn record_deployment(
    txn: &impl ConnectionTrait,
    actor_id: &str,
    organization_id: &str,
    recorded: &Deployment,
    outstanding: &[String],
    now: DateTime<Utc>,
) -> Result<deployment::Model, AppError> {
    let saved = deployment::Model {
        organization_id: organization_id.to_string(),
        go_live_on: recorded.go_live_on,
        go_live_basis: recorded.go_live_basis.as_str().into(),
        go_live_held: recorded.go_live_held,
        completion_signed_on: recorded.completion_signed_on,
        deemed_notice_sent: false,
        updated_at: now,
    };
    // Every field Set: a model converted `into()` an active model holds them `Unchanged`, and an
    // update of unchanged fields writes nothing (a second record was silently dropped this way,
    // so a completion signed after go-live never reached the classification).
    let mut model = deployment::ActiveModel {
        organization_id: Set(saved.organization_id.clone()),
        go_live_on: Set(saved.go_live_on),
        go_live_basis: Set(saved.go_live_basis.clone()),
        go_live_held: Set(saved.go_live_held),
        completion_signed_on: Set(saved.completion_signed_on),
        deemed_notice_sent: sea_orm::ActiveValue::NotSet,
        updated_at: Set(saved.updated_at),
    };
    // The first record is an insert; later ones update the same row.
    let before = deployment::Entity::find_by_id(organization_id.to_string()).one(txn).await?;
    tell_deployment_changes(txn, organization_id, before.as_ref().map(deployment_of).as_ref(), recorded, now).await?;
    match before {
        Some(_) => {
            model.organization_id = sea_orm::ActiveValue::Unchanged(organization_id.to_string());
            model.update(txn).await?;
        }
        None => {
            model.deemed_notice_sent = Set(false);
            model.insert(txn).await?;
        }
    }
    completion_outstanding::Entity::delete_many()
        .filter(completion_outstanding::Column::OrganizationId.eq(organization_id))
        .exec(txn)
        .await?;
    for ticket_id in outstanding {
        completion_outstanding::ActiveModel {
            organization_id: Set(organization_id.to_string()),
            ticket_id: Set(ticket_id.clone()),
            created_at: Set(now),
        }
        .insert(txn)
        .await?;
    }
    reevaluate(txn, organization_id, actor_id, now).await?;
    Ok(saved)
}

/// Tells the organisation's superusers and the account managers what a new deployment record
/// changed (`domain::billing::deployment_changes`), in the record's transaction.
async fn tell_deployment_changes(
    db: &impl ConnectionTrait,
    organization_id: &str,
    before: Option<&Deployment>,
    after: &Deployment,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    for change in deployment_changes(before, after) {
        let (title, body) = match change {
            DeploymentChange::GoLive { on, basis } => (
                format!("Go-live recorded: {}", long_date(on)),
                format!(
                    "CyTrack recorded your system's go-live on {} ({}). Faults and change requests raised from then \
                     until the deployment is complete are covered by the deployment warranty.",
                    long_date(on),
                    basis.label().to_lowercase()
                ),
            ),
            DeploymentChange::CompletionSigned { on } => (
                format!("Deployment Completion form signed on {}", long_date(on)),
                "The deployment project is complete. The issues listed on the form stay under warranty whenever \
                 they are worked."
                    .to_string(),
            ),
        };
        let notice = Notice {
            event: Event::Account(NotificationKind::DeploymentMilestone),
            title,
            body,
            link: Some(format!("/accounts/{organization_id}")),
            ticket_id: None,
            organization_id: Some(organization_id.to_string()),
        };
        let around = Around { organization_id: Some(organization_id.to_string()), ..Around::default() };
        notifications::notify(db, notice, around, now).await?;
    }
    Ok(())
}

/// Adds an IRS contract period (a renewal is a new period), then re-evaluates tags.
pub async fn add_irs_contract<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    organization_id: &str,
    req: IrsContractRequest,
    now: DateTime<Utc>,
) -> Result<IrsContractDto, AppError> {
    actor.account_manager()?;
    let org = organizations::visible_to_staff(db, organization_id).await?;
    let mut check = FieldCheck::default();
    let starts_on = check.take("starts_on", parse_date(&req.starts_on));
    let ends_on = check.take("ends_on", parse_date(&req.ends_on));
    check.finish()?;
    let (Some(starts_on), Some(ends_on)) = (starts_on, ends_on) else { return Err(AppError::internal()) };
    let period = IrsPeriod { starts_on, ends_on };
    let txn = begin(db).await?;
    let existing: Vec<IrsPeriod> = irs_contract::Entity::find()
        .filter(irs_contract::Column::OrganizationId.eq(org.id.as_str()))
        .all(&txn)
        .await?
        .iter()
        .map(to_period)
        .collect();
    period.check_new(&existing).map_err(|(field, message)| field_error(field, message))?;
    let created = irs_contract::ActiveModel {
        id: Set(new_id()),
        organization_id: Set(org.id.clone()),
        starts_on: Set(starts_on),
        ends_on: Set(ends_on),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    reevaluate(&txn, &org.id, &actor.user_id, now).await?;
    let entry = AuditEntry::new(
        AuditKind::IrsContractAdded,
        "organization",
        Some(&org.id),
        format!("An IRS contract for {} from {starts_on} to {ends_on}.", org.name),
    )
    .of_organization(Some(&org.id))
    .change(serde_json::Value::Null, serde_json::json!({"starts_on": starts_on, "ends_on": ends_on}));
    audit::record(&txn, actor, entry, now).await?;
    txn.commit().await?;
    Ok(irs_dto(created))
}

/// Re-applies the classification to an organisation's open tickets that follow changes (see
/// `follows_reevaluation`), recording each change in the ticket's history.
async fn reevaluate(
    db: &impl ConnectionTrait,
    organization_id: &str,
    actor_id: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let base = billing_facts(db, organization_id, TicketKind::Fault, support_date(db, now).await?, false).await?;
    let outstanding: HashSet<String> = completion_outstanding::Entity::find()
        .filter(completion_outstanding::Column::OrganizationId.eq(organization_id))
        .all(db)
        .await?
        .into_iter()
        .map(|o| o.ticket_id)
        .collect();
    let org_tickets = Query::select()
        .column(ticket::Column::Id)
        .from(ticket::Entity)
        .and_where(Expr::col(ticket::Column::OrganizationId).eq(organization_id))
        .to_owned();
    let worked: HashSet<String> = time_entry::Entity::find()
        .select_only()
        .column(time_entry::Column::TicketId)
        .distinct()
        .filter(time_entry::Column::TicketId.in_subquery(org_tickets))
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let open = ticket::Entity::find()
        .filter(ticket::Column::OrganizationId.eq(organization_id))
        .filter(ticket::Column::BillingManual.eq(false))
        .filter(ticket::Column::Status.ne(TicketStatus::Closed.as_str()))
        .all(db)
        .await?;
    let form_signed = base.deployment.as_ref().is_some_and(Deployment::completion_signed);
    let calendar = super::settings::calendar(db).await?;
    for t in open {
        // Listed issues count only on a signed form (`Deployment::completion_signed`).
        let listed = form_signed && outstanding.contains(&t.id);
        if !follows_reevaluation(t.billing_manual, worked.contains(&t.id), listed) {
            continue;
        }
        let facts = BillingFacts {
            kind: TicketKind::parse(&t.kind).unwrap_or(TicketKind::Question),
            raised_on: calendar.date_of(t.created_at),
            listed_outstanding: listed,
            ..base.clone()
        };
        let c = classify(&facts);
        if c.tag.as_str() == t.billing_tag && c.reason == t.billing_reason {
            continue;
        }
        let old = billing_text(BillingTag::parse(&t.billing_tag).unwrap_or(BillingTag::Billable), &t.billing_reason);
        let id = t.id.clone();
        let mut model: ticket::ActiveModel = t.into();
        model.billing_tag = Set(c.tag.as_str().into());
        model.billing_reason = Set(c.reason.clone());
        model.updated_at = Set(now);
        model.update(db).await?;
        history_line(&id, Some(actor_id), "billing", Some(old), Some(billing_text(c.tag, &c.reason)), now)
            .insert(db)
            .await?;
    }
    Ok(())
}

async fn irs_periods(db: &impl ConnectionTrait, organization_id: &str) -> Result<Vec<irs_contract::Model>, AppError> {
    Ok(irs_contract::Entity::find()
        .filter(irs_contract::Column::OrganizationId.eq(organization_id))
        .order_by_asc(irs_contract::Column::StartsOn)
        .all(db)
        .await?)
}

/// One organisation's deployment and IRS standing.
pub async fn account(db: &impl ConnectionTrait, actor: &Actor, organization_id: &str) -> Result<AccountDto, AppError> {
    may_see_account(actor, organization_id)?;
    let organization = organizations::get(db, actor, organization_id).await?;
    let outstanding = outstanding_of(db, Some(organization_id)).await?.remove(organization_id).unwrap_or_default();
    let deployment = deployment::Entity::find_by_id(organization_id.to_string())
        .one(db)
        .await?
        .map(|d| deployment_dto(&d, outstanding));
    let contracts = irs_periods(db, organization_id).await?;
    let periods: Vec<IrsPeriod> = contracts.iter().map(to_period).collect();
    Ok(AccountDto {
        organization,
        deployment,
        irs_status: irs_status(&periods, support_date(db, Utc::now()).await?),
        irs_contracts: contracts.into_iter().map(irs_dto).collect(),
    })
}

/// Every organisation with its deployment and IRS standing, in a constant number of queries.
pub async fn accounts(db: &impl ConnectionTrait, actor: &Actor) -> Result<Vec<AccountDto>, AppError> {
    actor.account_manager()?;
    let orgs = organizations::list(db, actor).await?;
    let mut deployments: HashMap<String, deployment::Model> =
        deployment::Entity::find().all(db).await?.into_iter().map(|d| (d.organization_id.clone(), d)).collect();
    let mut outstanding = outstanding_of(db, None).await?;
    let mut contracts: HashMap<String, Vec<irs_contract::Model>> = HashMap::new();
    for c in irs_contract::Entity::find().order_by_asc(irs_contract::Column::StartsOn).all(db).await? {
        contracts.entry(c.organization_id.clone()).or_default().push(c);
    }
    let today = support_date(db, Utc::now()).await?;
    Ok(orgs
        .into_iter()
        .map(|organization| {
            let contracts = contracts.remove(&organization.id).unwrap_or_default();
            let periods: Vec<IrsPeriod> = contracts.iter().map(to_period).collect();
            AccountDto {
                deployment: deployments
                    .remove(&organization.id)
                    .map(|d| deployment_dto(&d, outstanding.remove(&organization.id).unwrap_or_default())),
                irs_status: irs_status(&periods, today),
                irs_contracts: contracts.into_iter().map(irs_dto).collect(),
                organization,
            }
        })
        .collect())
}

/// An agent sets a ticket's tag by hand, with a reason the customer will read.
pub async fn reclassify<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    ticket_id: &str,
    req: ReclassifyRequest,
    now: DateTime<Utc>,
) -> Result<TicketDto, AppError> {
    let staff = actor.staff()?;
    let mut check = FieldCheck::default();
    let tag = check.take("tag", BillingTag::parse(req.tag.trim()));
    let reason = check.take(
        "reason",
        multi_line(&req.reason, "a reason", 400)
            .map_err(|_| "Write the reason the customer will read (up to 400 characters).".into()),
    );
    check.finish()?;
    let (Some(tag), Some(reason)) = (tag, reason) else { return Err(AppError::internal()) };
    let found = visible(db, &Access::Staff(staff), ticket_id).await?;
    let customer_reason = format!("{}: {reason}", tag.label());
    let old =
        billing_text(BillingTag::parse(&found.billing_tag).unwrap_or(BillingTag::Billable), &found.billing_reason);
    let txn = begin(db).await?;
    let id = found.id.clone();
    let entry = AuditEntry::new(
        AuditKind::TicketReclassified,
        "ticket",
        Some(&found.id),
        format!("{} is now {}: {reason}", ticket_number(found.number), tag.label()),
    )
    .of_organization(Some(&found.organization_id))
    .change(
        serde_json::json!({"tag": found.billing_tag, "reason": found.billing_reason}),
        serde_json::json!({"tag": tag.as_str(), "reason": customer_reason}),
    );
    let mut model: ticket::ActiveModel = found.into();
    model.billing_tag = Set(tag.as_str().into());
    model.billing_reason = Set(customer_reason.clone());
    model.billing_manual = Set(true);
    model.updated_at = Set(now);
    let updated = model.update(&txn).await?;
    history_line(&id, Some(&actor.user_id), "billing", Some(old), Some(billing_text(tag, &customer_reason)), now)
        .insert(&txn)
        .await?;
    audit::record(&txn, actor, entry, now).await?;
    txn.commit().await?;
    Ok(to_dtos(db, vec![updated]).await?.remove(0))
}

pub async fn add_time_entry<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    ticket_id: &str,
    req: TimeEntryRequest,
    now: DateTime<Utc>,
) -> Result<TimeEntryDto, AppError> {
    let staff = actor.staff()?;
    let mut check = FieldCheck::default();
    let minutes = check.take("minutes", parse_work_minutes(req.minutes));
    let note = if req.note.trim().is_empty() {
        Some(String::new())
    } else {
        check.take("note", multi_line(&req.note, "a note", 2000))
    };
    check.finish()?;
    let (Some(minutes), Some(note)) = (minutes, note) else { return Err(AppError::internal()) };
    let found = visible(db, &Access::Staff(staff), ticket_id).await?;
    let worked_on = support_date(db, now).await?;
    let txn = begin(db).await?;
    let entry = time_entry::ActiveModel {
        id: Set(new_id()),
        ticket_id: Set(found.id.clone()),
        author_id: Set(actor.user_id.clone()),
        minutes: Set(minutes),
        note: Set(note),
        worked_on: Set(worked_on),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let work = Work { replies: 0, minutes: i64::from(minutes) };
    super::reports::count_work(&txn, &actor.user_id, worked_on, work).await?;
    history_line(&found.id, Some(&actor.user_id), "time", None, Some(format!("{minutes} min")), now)
        .insert(&txn)
        .await?;
    txn.commit().await?;
    Ok(TimeEntryDto {
        author_name: actor.name.clone(),
        id: entry.id,
        ticket_id: entry.ticket_id,
        author_id: entry.author_id,
        minutes: entry.minutes,
        note: entry.note,
        worked_on: entry.worked_on,
        created_at: entry.created_at,
    })
}

/// Time worked on a ticket (staff only).
pub async fn time_entries(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ticket_id: &str,
) -> Result<Vec<TimeEntryDto>, AppError> {
    let staff = actor.staff()?;
    let found = visible(db, &Access::Staff(staff), ticket_id).await?;
    let entries = time_entry::Entity::find()
        .filter(time_entry::Column::TicketId.eq(found.id.as_str()))
        .order_by_asc(time_entry::Column::CreatedAt)
        .all(db)
        .await?;
    let names = user_names(db, entries.iter().map(|e| e.author_id.clone()).collect()).await?;
    Ok(entries
        .into_iter()
        .map(|e| TimeEntryDto {
            author_name: names.get(&e.author_id).cloned().unwrap_or_default(),
            id: e.id,
            ticket_id: e.ticket_id,
            author_id: e.author_id,
            minutes: e.minutes,
            note: e.note,
            worked_on: e.worked_on,
            created_at: e.created_at,
        })
        .collect())
}

/// Every change to a ticket, oldest first, for anyone who may see the ticket.
pub async fn history(db: &impl ConnectionTrait, actor: &Actor, ticket_id: &str) -> Result<Vec<HistoryDto>, AppError> {
    let access = actor.access()?;
    let found = visible(db, &access, ticket_id).await?;
    let mut query = ticket_history::Entity::find().filter(ticket_history::Column::TicketId.eq(found.id.as_str()));
    if matches!(access, Access::Customer(_)) {
        // Internal notes and time worked are CyTrack's own; customers never see them, not even as events.
        query = query.filter(ticket_history::Column::Field.is_not_in(crate::domain::live::STAFF_ONLY_FIELDS));
    }
    let rows = query.order_by_asc(ticket_history::Column::Id).all(db).await?;
    let names = user_names(db, rows.iter().filter_map(|r| r.actor_id.clone()).collect()).await?;
    Ok(rows
        .into_iter()
        .map(|r| HistoryDto {
            actor_name: r.actor_id.as_ref().and_then(|a| names.get(a).cloned()),
            id: r.id as i64,
            actor_id: r.actor_id,
            field: r.field,
            old_value: r.old_value,
            new_value: r.new_value,
            created_at: r.created_at,
        })
        .collect())
}

/// Billable minutes of one organisation in one month, by ticket (account managers).
pub async fn export(
    db: &impl ConnectionTrait,
    actor: &Actor,
    organization_id: &str,
    month: &str,
    now: DateTime<Utc>,
) -> Result<BillingExport, AppError> {
    actor.account_manager()?;
    let org = organizations::visible_to_staff(db, organization_id).await?;
    let today = super::settings::calendar(db).await?.date_of(now);
    let (first, last) = month_or_this(month, today).map_err(|m| field_error("month", m))?;
    export_of(db, org, first, last).await
}

/// The export of one organisation for the days `first..=last` (the caller checked who asks).
pub(crate) async fn export_of(
    db: &impl ConnectionTrait,
    org: crate::ssr::entities::organization::Model,
    first: chrono::NaiveDate,
    last: chrono::NaiveDate,
) -> Result<BillingExport, AppError> {
    let billable = Query::select()
        .column(ticket::Column::Id)
        .from(ticket::Entity)
        .and_where(Expr::col(ticket::Column::OrganizationId).eq(org.id.as_str()))
        .and_where(Expr::col(ticket::Column::BillingTag).eq(BillingTag::Billable.as_str()))
        .to_owned();
    let entries = time_entry::Entity::find()
        .filter(time_entry::Column::TicketId.in_subquery(billable))
        .filter(time_entry::Column::WorkedOn.between(first, last))
        .all(db)
        .await?;
    let mut minutes: BTreeMap<String, i64> = BTreeMap::new();
    for e in &entries {
        *minutes.entry(e.ticket_id.clone()).or_default() += i64::from(e.minutes);
    }
    let tickets: HashMap<String, ticket::Model> = ticket::Entity::find()
        .filter(ticket::Column::Id.is_in(minutes.keys().cloned()))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id.clone(), t))
        .collect();
    // What was worked on these tickets before the month, and redeemed on them (not refunded).
    let mut before: HashMap<String, i64> = HashMap::new();
    for e in time_entry::Entity::find()
        .filter(time_entry::Column::TicketId.is_in(minutes.keys().cloned()))
        .filter(time_entry::Column::WorkedOn.lt(first))
        .all(db)
        .await?
    {
        *before.entry(e.ticket_id).or_default() += i64::from(e.minutes);
    }
    let mut redeemed: HashMap<String, (i64, Vec<String>)> = HashMap::new();
    for r in redemption::Entity::find()
        .filter(redemption::Column::TicketId.is_in(minutes.keys().cloned()))
        .filter(redemption::Column::RefundedAt.is_null())
        .order_by_asc(redemption::Column::CreatedAt)
        .all(db)
        .await?
    {
        let entry = redeemed.entry(r.ticket_id).or_default();
        entry.0 += i64::from(r.minutes);
        entry.1.push(r.id);
    }
    let mut rows: Vec<BillingExportRow> = minutes
        .into_iter()
        .filter_map(|(id, minutes)| {
            let (redeemed_minutes, redemption_ids) = redeemed.remove(&id).unwrap_or_default();
            let (paid, invoice) = split_billable(before.get(&id).copied().unwrap_or(0), minutes, redeemed_minutes);
            tickets.get(&id).map(|t| BillingExportRow {
                ticket_id: id,
                number: ticket_number(t.number),
                subject: t.subject.clone(),
                minutes,
                paid_by_vouchers_minutes: paid,
                to_invoice_minutes: invoice,
                redemption_ids,
            })
        })
        .collect();
    rows.sort_by(|a, b| a.number.cmp(&b.number));
    let additional_fees = super::projects::additional_fees(db, &org.id, first, last).await?;
    Ok(BillingExport {
        organization_id: org.id,
        organization_name: org.name,
        month: first.format("%Y-%m").to_string(),
        total_billable_minutes: rows.iter().map(|r| r.minutes).sum(),
        total_paid_by_vouchers_minutes: rows.iter().map(|r| r.paid_by_vouchers_minutes).sum(),
        total_to_invoice_minutes: rows.iter().map(|r| r.to_invoice_minutes).sum(),
        rows,
        additional_fees,
    })
}

/// The export as CSV. Cells that a spreadsheet would run as a formula are prefixed with `'`.
pub fn export_csv(export: &BillingExport) -> Result<String, AppError> {
    let organization = spreadsheet_safe(&export.organization_name);
    let tickets = export.rows.iter().map(|row| {
        [
            organization.clone(),
            export.month.clone(),
            row.number.clone(),
            spreadsheet_safe(&row.subject),
            row.minutes.to_string(),
            format!("{:.2}", row.minutes as f64 / 60.0),
            row.paid_by_vouchers_minutes.to_string(),
            row.to_invoice_minutes.to_string(),
            String::new(),
        ]
    });
    let fees = export.additional_fees.iter().map(|fee| {
        [
            organization.clone(),
            export.month.clone(),
            "additional fee".to_string(),
            spreadsheet_safe(&format!("{}: {} beyond the {} agreed", fee.project_name, fee.label, fee.agreed)),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            fee.additional.to_string(),
        ]
    });
    let header = [
        "organization",
        "month",
        "ticket",
        "subject",
        "minutes",
        "hours",
        "paid_by_vouchers_minutes",
        "to_invoice_minutes",
        "additional_items",
    ];
    super::csv_document(&header, tickets.chain(fees))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_export_csv_has_a_header_and_hours() {
        let export = BillingExport {
            organization_id: "o".into(),
            organization_name: "Acme, Inc".into(),
            month: "2026-03".into(),
            rows: vec![BillingExportRow {
                ticket_id: "t".into(),
                number: "CT-000001".into(),
                subject: "=cmd".into(),
                minutes: 90,
                paid_by_vouchers_minutes: 60,
                to_invoice_minutes: 30,
                redemption_ids: vec![],
            }],
            total_billable_minutes: 90,
            total_paid_by_vouchers_minutes: 60,
            total_to_invoice_minutes: 30,
            additional_fees: vec![crate::dto::AdditionalFeeRow {
                project_id: "p".into(),
                project_name: "Sydney".into(),
                item: crate::domain::deployment::InclusionItem::Queues,
                label: "Queues".into(),
                agreed: 4,
                installed: 6,
                additional: 2,
            }],
        };
        let csv = export_csv(&export).unwrap();
        assert_eq!(
            csv,
            "organization,month,ticket,subject,minutes,hours,paid_by_vouchers_minutes,to_invoice_minutes,additional_items\n\
             \"Acme, Inc\",2026-03,CT-000001,'=cmd,90,1.50,60,30,\n\
             \"Acme, Inc\",2026-03,additional fee,Sydney: Queues beyond the 4 agreed,,,,,2\n"
        );
    }
}
