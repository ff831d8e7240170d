//! The forms the client signs (seed: Go Live, Deployment Project Completion). The Go-Live form is
//! issued when the project reaches go-live, with its commercial conditions; the client's
//! superuser signs it once every condition is fulfilled, or an account manager records an
//! assessed go-live with a reason. The Deployment Completion form is issued at go-live + 7 and
//! either signed, with the issues still outstanding (each a ticket), or deemed at go-live + 21.
//! Both write the organisation's deployment record (`billing::record_deployment`), so the one
//! classification rule sees them; a signed form never changes again.

use super::*;
use crate::domain::audit::AuditKind;
use crate::domain::billing::{
    CompletionMilestone, Deployment, GoLiveBasis, COMPLETION_FORM_AFTER_DAYS, DEEMED_COMPLETION_AFTER_DAYS,
};
use crate::domain::tickets::{parse_description, parse_subject};
use crate::ssr::db::begin;
use crate::ssr::services::audit::{self, Entry as AuditEntry};
use crate::ssr::services::billing::{deployment_of, record_deployment};
use chrono::{Days, NaiveDate};
use serde_json::json;

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
struct GoLiveContent {
    conditions: Vec<GoLiveCondition>,
    go_live_on: Option<NaiveDate>,
    reason: Option<String>,
}

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
struct CompletionContent {
    /// Ticket ids, in the order they were listed.
    outstanding: Vec<String>,
}

fn signed_status(form: Option<&project_form::Model>) -> SignedFormStatus {
    form.and_then(|f| SignedFormStatus::parse(&f.status).ok()).unwrap_or(SignedFormStatus::NotIssued)
}

fn content<T: serde::de::DeserializeOwned + Default>(form: Option<&project_form::Model>) -> T {
    form.and_then(|f| serde_json::from_str(&f.content).ok()).unwrap_or_default()
}

fn to_json(value: &impl serde::Serialize) -> Result<String, AppError> {
    serde_json::to_string(value).map_err(|_| AppError::internal())
}

/// A new form of `kind`, issued (or already closed, as `status`).
async fn issue(
    db: &impl ConnectionTrait,
    project_id: &str,
    kind: &str,
    status: SignedFormStatus,
    content: String,
) -> Result<(), AppError> {
    new_form(project_id, kind, status.as_str(), content).insert(db).await?;
    Ok(())
}

/// Issues the Go-Live form as the project reaches go-live, with no conditions yet.
pub(super) async fn issue_go_live(db: &impl ConnectionTrait, project_id: &str) -> Result<(), AppError> {
    issue(db, project_id, GO_LIVE, SignedFormStatus::Issued, to_json(&GoLiveContent::default())?).await
}

fn signature(form: Option<&project_form::Model>, names: &HashMap<String, String>) -> Option<SignatureDto> {
    let form = form?;
    Some(SignatureDto {
        typed_name: form.signed_name.clone()?,
        signed_by_name: name_of(names, form.signed_by.as_ref()),
        signed_at: form.signed_at?,
    })
}

pub(super) fn go_live_dto(form: Option<project_form::Model>, names: &HashMap<String, String>) -> GoLiveFormDto {
    let content: GoLiveContent = content(form.as_ref());
    let status = signed_status(form.as_ref());
    GoLiveFormDto {
        status,
        conditions: content.conditions,
        go_live_on: content.go_live_on,
        signature: signature(form.as_ref(), names),
        assessed_by_name: (status == SignedFormStatus::Assessed)
            .then(|| name_of(names, form.as_ref().and_then(|f| f.decided_by.as_ref())))
            .flatten(),
        assessed_reason: content.reason,
    }
}

pub(super) async fn completion_dto(
    db: &impl ConnectionTrait,
    form: Option<project_form::Model>,
    go_live_on: Option<NaiveDate>,
    names: &HashMap<String, String>,
) -> Result<CompletionFormDto, AppError> {
    let listed: CompletionContent = content(form.as_ref());
    let tickets: HashMap<String, ticket::Model> = ticket::Entity::find()
        .filter(ticket::Column::Id.is_in(listed.outstanding.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id.clone(), t))
        .collect();
    Ok(CompletionFormDto {
        status: signed_status(form.as_ref()),
        issued_on: go_live_on.map(|d| d + Days::new(COMPLETION_FORM_AFTER_DAYS)),
        deemed_on: go_live_on.map(|d| d + Days::new(DEEMED_COMPLETION_AFTER_DAYS)),
        outstanding: listed
            .outstanding
            .iter()
            .filter_map(|id| tickets.get(id))
            .map(|t| OutstandingDto {
                ticket_id: t.id.clone(),
                number: ticket_number(t.number),
                subject: t.subject.clone(),
            })
            .collect(),
        signature: signature(form.as_ref(), names),
    })
}

/// A refusal to sign, as the API answers it.
fn refused(refusal: SignRefusal) -> AppError {
    match refusal {
        SignRefusal::NotIssued(m) => AppError::rule("not_issued", m),
        SignRefusal::Closed(m) => AppError::conflict("already_signed", m),
        SignRefusal::Unfulfilled(m) => AppError::rule("conditions_unfulfilled", m),
    }
}

/// The client's superuser, and only them, signs and lists issues.
fn client_only(actor: &Actor, what: &str) -> Result<(), AppError> {
    match actor.access()? {
        Access::Customer(_) => Ok(()),
        Access::Staff(_) => Err(AppError::forbidden(format!("The client's superuser {what}."))),
    }
}

/// An account manager sets the Go-Live form's commercial conditions and marks them fulfilled,
/// while the form is open.
pub async fn put_go_live_conditions<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    project_id: &str,
    req: GoLiveConditionsRequest,
    now: DateTime<Utc>,
) -> Result<ProjectDto, AppError> {
    let project = find(db, actor, project_id).await?;
    actor.account_manager()?;
    let current = form(db, &project.id, GO_LIVE).await?;
    match signed_status(current.as_ref()) {
        SignedFormStatus::Issued => {}
        s if s.is_closed() => {
            return Err(AppError::conflict("already_signed", "Go-live was recorded; its form is closed."))
        }
        _ => return Err(AppError::rule("not_issued", "The Go-Live form is issued when the project reaches go-live.")),
    }
    let mut check = FieldCheck::default();
    let conditions: Vec<GoLiveCondition> = req
        .conditions
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let text = check.take(&format!("conditions[{i}].text"), single_line(&c.text, "the condition", 300))?;
            Some(GoLiveCondition { text, fulfilled: c.fulfilled })
        })
        .collect();
    check.finish()?;
    let Some(current) = current else { return Err(AppError::internal()) };
    let before: GoLiveContent = content(Some(&current));
    let mut model: project_form::ActiveModel = current.into();
    model.content = Set(to_json(&GoLiveContent { conditions: conditions.clone(), ..before })?);
    let txn = begin(db).await?;
    model.update(&txn).await?;
    let open = conditions.iter().filter(|c| !c.fulfilled).count();
    let body = match open {
        0 => "Every commercial condition of go-live is fulfilled: the Go-Live form is ready to sign.".to_string(),
        n => format!("{n} of {} commercial conditions of go-live are still to be fulfilled.", conditions.len()),
    };
    tell(&txn, actor, &project, format!("{}: Go-Live conditions updated", project.name), body, now).await?;
    txn.commit().await?;
    get(db, actor, project_id).await
}

/// The go-live form, open and approvable, of a project at go-live.
async fn approvable_go_live(
    db: &impl ConnectionTrait,
    project: &deployment_project::Model,
) -> Result<project_form::Model, AppError> {
    let current = form(db, &project.id, GO_LIVE).await?;
    let content: GoLiveContent = content(current.as_ref());
    may_approve_go_live(signed_status(current.as_ref()), &content.conditions).map_err(refused)?;
    current.ok_or_else(AppError::internal)
}

/// How go-live was approved: signed by the client (the name they typed) or assessed by CyTrack
/// (with the reason).
enum Approval {
    Signed { typed_name: String },
    Assessed { reason: String },
}

/// Records go-live on `on`: the project moves to warranty, the form closes, and the
/// organisation's deployment record takes the date (telling the client, and re-evaluating ticket
/// tags).
async fn approve_go_live(
    db: &impl ConnectionTrait,
    actor: &Actor,
    project: &deployment_project::Model,
    form: project_form::Model,
    on: NaiveDate,
    approval: Approval,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let (basis, reason, signed_name) = match approval {
        Approval::Signed { typed_name } => (GoLiveBasis::Signed, None, Some(typed_name)),
        Approval::Assessed { reason } => (GoLiveBasis::Assessed, Some(reason), None),
    };
    move_stage(db, &actor.user_id, project, Stage::GoLive, Stage::Warranty, now).await?;
    let before: GoLiveContent = content(Some(&form));
    let status = match basis {
        GoLiveBasis::Signed => SignedFormStatus::Signed,
        GoLiveBasis::Assessed => SignedFormStatus::Assessed,
    };
    let signed = signed_name.is_some();
    let mut model: project_form::ActiveModel = form.into();
    model.status = Set(status.as_str().into());
    model.content = Set(to_json(&GoLiveContent { go_live_on: Some(on), reason, ..before })?);
    if signed {
        model.signed_name = Set(signed_name);
        model.signed_by = Set(Some(actor.user_id.clone()));
        model.signed_at = Set(Some(now));
    } else {
        model.decided_by = Set(Some(actor.user_id.clone()));
        model.decided_at = Set(Some(now));
    }
    model.update(db).await?;
    let recorded =
        Deployment { go_live_on: Some(on), go_live_basis: basis, go_live_held: false, completion_signed_on: None };
    record_deployment(db, &actor.user_id, &project.organization_id, &recorded, &[], now).await?;
    Ok(())
}

/// The client's superuser signs the Go-Live form (typed full name): go-live is today, in the
/// support time zone.
pub async fn sign_go_live<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    project_id: &str,
    req: SignRequest,
    now: DateTime<Utc>,
) -> Result<ProjectDto, AppError> {
    let project = find(db, actor, project_id).await?;
    client_only(actor, "signs the Go-Live form; CyTrack may record an assessed go-live")?;
    let form = approvable_go_live(db, &project).await?;
    let typed = check_signature(&req.full_name, &actor.name).map_err(|m| field_error("full_name", m))?;
    let today = support_date(db, now).await?;
    let txn = begin(db).await?;
    let summary =
        format!("{} signed the Go-Live form of {} as \"{typed}\"; go-live {today}.", actor.name, project.name);
    let signed = signature_entry(
        AuditKind::FormSigned,
        &project,
        summary,
        "go_live",
        json!({"signed_name": typed, "go_live_on": today}),
    );
    approve_go_live(&txn, actor, &project, form, today, Approval::Signed { typed_name: typed }, now).await?;
    audit::record(&txn, actor, signed, now).await?;
    txn.commit().await?;
    get(db, actor, project_id).await
}

/// An account manager records an assessed go-live, with the reason, when the client refuses to
/// sign or cannot be reached: a day that has come, not before testing was done.
pub async fn assess_go_live<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    project_id: &str,
    req: AssessGoLiveRequest,
    now: DateTime<Utc>,
) -> Result<ProjectDto, AppError> {
    let project = find(db, actor, project_id).await?;
    actor.account_manager()?;
    let form = approvable_go_live(db, &project).await?;
    let mut check = FieldCheck::default();
    let on = check.take("go_live_on", parse_date(req.go_live_on.trim()));
    let reason = check.take("reason", single_line(&req.reason, "why go-live is assessed", 500));
    check.finish()?;
    let (Some(on), Some(reason)) = (on, reason) else { return Err(AppError::internal()) };
    let calendar = settings::calendar(db).await?;
    let testing_done = deployment_stage::Entity::find()
        .filter(deployment_stage::Column::ProjectId.eq(project.id.as_str()))
        .filter(deployment_stage::Column::Stage.eq(Stage::GoLive.as_str()))
        .one(db)
        .await?
        .map(|l| calendar.date_of(l.entered_at))
        .ok_or_else(AppError::internal)?;
    check_assessed_go_live(on, testing_done, calendar.date_of(now)).map_err(|m| field_error("go_live_on", m))?;
    let txn = begin(db).await?;
    let summary = format!("Go-live of {} assessed as {on}: {reason}", project.name);
    let assessed = signature_entry(
        AuditKind::GoLiveAssessed,
        &project,
        summary,
        "go_live",
        json!({"go_live_on": on, "reason": reason}),
    );
    approve_go_live(&txn, actor, &project, form, on, Approval::Assessed { reason }, now).await?;
    audit::record(&txn, actor, assessed, now).await?;
    txn.commit().await?;
    get(db, actor, project_id).await
}

/// The completion form, open for the client's changes: issued, not closed, not past deeming.
async fn open_completion<C: ConnectionTrait>(
    db: &C,
    project: &deployment_project::Model,
    now: DateTime<Utc>,
) -> Result<project_form::Model, AppError> {
    let current = form(db, &project.id, COMPLETION).await?;
    let go_live: GoLiveContent = content(form(db, &project.id, GO_LIVE).await?.as_ref());
    let Some(go_live_on) = go_live.go_live_on else {
        return Err(AppError::rule("not_issued", "The Deployment Completion form is issued one week after go-live."));
    };
    let deemed_on = go_live_on + Days::new(DEEMED_COMPLETION_AFTER_DAYS);
    may_sign_completion(signed_status(current.as_ref()), deemed_on, support_date(db, now).await?).map_err(refused)?;
    current.ok_or_else(AppError::internal)
}

/// The completion form a client's superuser may still list issues on, with its list.
async fn open_outstanding<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    project_id: &str,
    now: DateTime<Utc>,
) -> Result<(deployment_project::Model, project_form::Model, CompletionContent), AppError> {
    let project = find(db, actor, project_id).await?;
    client_only(actor, "lists the outstanding issues")?;
    let form = open_completion(db, &project, now).await?;
    let listed = content(Some(&form));
    Ok((project, form, listed))
}

async fn save_outstanding(
    db: &impl ConnectionTrait,
    form: project_form::Model,
    outstanding: Vec<String>,
) -> Result<(), AppError> {
    let mut model: project_form::ActiveModel = form.into();
    model.content = Set(to_json(&CompletionContent { outstanding })?);
    model.update(db).await?;
    Ok(())
}

/// The client's superuser lists an outstanding issue on the completion form: a ticket of their
/// organisation (another's is not found), or a new one raised from the form.
pub async fn add_outstanding<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    project_id: &str,
    req: OutstandingRequest,
    now: DateTime<Utc>,
) -> Result<ProjectDto, AppError> {
    let (project, form, mut listed) = open_outstanding(db, actor, project_id, now).await?;
    let ticket_id = match req.ticket_id.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(id) => {
            let found = match looks_like_id(id) {
                true => {
                    ticket::Entity::find_by_id(id.to_string())
                        .filter(ticket::Column::OrganizationId.eq(project.organization_id.as_str()))
                        .one(db)
                        .await?
                }
                false => None,
            };
            found.ok_or_else(|| AppError::not_found("ticket"))?.id
        }
        None => {
            let mut check = FieldCheck::default();
            let subject = check.take("subject", parse_subject(req.subject.as_deref().unwrap_or_default()));
            let description =
                check.take("description", parse_description(req.description.as_deref().unwrap_or_default()));
            check.finish()?;
            let (Some(subject), Some(description)) = (subject, description) else { return Err(AppError::internal()) };
            let new = tickets::NewTicket {
                subject,
                description,
                kind: TicketKind::Fault,
                priority: Priority::P3,
                product: None,
                requester_id: None,
            };
            tickets::insert_ticket(db, actor, &project.organization_id, new, now).await?.id
        }
    };
    if !listed.outstanding.contains(&ticket_id) {
        listed.outstanding.push(ticket_id);
        save_outstanding(db, form, listed.outstanding).await?;
    }
    get(db, actor, project_id).await
}

/// Takes an issue off the form before it is signed (the ticket itself stays).
pub async fn remove_outstanding<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    project_id: &str,
    ticket_id: &str,
    now: DateTime<Utc>,
) -> Result<ProjectDto, AppError> {
    let (_, form, mut listed) = open_outstanding(db, actor, project_id, now).await?;
    if !listed.outstanding.iter().any(|t| t == ticket_id) {
        return Err(AppError::not_found("outstanding issue"));
    }
    listed.outstanding.retain(|t| t != ticket_id);
    save_outstanding(db, form, listed.outstanding).await?;
    get(db, actor, project_id).await
}

/// The client's superuser signs the Deployment Completion form: the project is complete today,
/// and the issues listed stay under warranty whenever they are worked.
pub async fn sign_completion<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    project_id: &str,
    req: SignRequest,
    now: DateTime<Utc>,
) -> Result<ProjectDto, AppError> {
    let project = find(db, actor, project_id).await?;
    client_only(actor, "signs the Deployment Completion form")?;
    let form = open_completion(db, &project, now).await?;
    let typed = check_signature(&req.full_name, &actor.name).map_err(|m| field_error("full_name", m))?;
    let listed: CompletionContent = content(Some(&form));
    let today = support_date(db, now).await?;
    let txn = begin(db).await?;
    move_stage(&txn, &actor.user_id, &project, Stage::Warranty, Stage::Completed, now).await?;
    let summary = format!("{} signed the Completion form of {} as \"{typed}\".", actor.name, project.name);
    let signed = signature_entry(
        AuditKind::FormSigned,
        &project,
        summary,
        "completion",
        json!({"signed_name": typed, "signed_on": today, "outstanding": listed.outstanding}),
    );
    let mut model: project_form::ActiveModel = form.into();
    model.status = Set(SignedFormStatus::Signed.as_str().into());
    model.signed_name = Set(Some(typed));
    model.signed_by = Set(Some(actor.user_id.clone()));
    model.signed_at = Set(Some(now));
    model.update(&txn).await?;
    let record = deployment::Entity::find_by_id(project.organization_id.clone()).one(&txn).await?;
    let go_live: GoLiveContent = content(super::form(&txn, &project.id, GO_LIVE).await?.as_ref());
    let mut recorded = match record {
        Some(r) => deployment_of(&r),
        None => Deployment {
            go_live_on: go_live.go_live_on,
            go_live_basis: GoLiveBasis::Signed,
            go_live_held: false,
            completion_signed_on: None,
        },
    };
    recorded.completion_signed_on = Some(today);
    record_deployment(&txn, &actor.user_id, &project.organization_id, &recorded, &listed.outstanding, now).await?;
    audit::record(&txn, actor, signed, now).await?;
    txn.commit().await?;
    get(db, actor, project_id).await
}

/// A signature (or an assessed go-live) as the audit log keeps it: on the project's form.
fn signature_entry(
    kind: AuditKind,
    project: &deployment_project::Model,
    summary: String,
    form: &str,
    after: serde_json::Value,
) -> AuditEntry {
    AuditEntry::new(kind, "deployment_project", Some(&project.id), summary)
        .of_organization(Some(&project.organization_id))
        .change(json!({"form": form, "status": "approvable"}), after)
}

/// What the hourly job does when an organisation's completion milestone comes (in the
/// transaction that records it as told, so it happens once however many processes run the
/// job): the completion form of its project in warranty is issued, or, at go-live + 21, closed
/// as deemed and the project completed by the portal. Answers the project, to link the notice.
pub(crate) async fn milestone_reached(
    db: &impl ConnectionTrait,
    organization_id: &str,
    milestone: CompletionMilestone,
    now: DateTime<Utc>,
) -> Result<Option<String>, AppError> {
    let Some(project) = deployment_project::Entity::find()
        .filter(deployment_project::Column::OrganizationId.eq(organization_id))
        .filter(deployment_project::Column::Stage.eq(Stage::Warranty.as_str()))
        .order_by_desc(deployment_project::Column::CreatedAt)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let current = form(db, &project.id, COMPLETION).await?;
    match (milestone, current) {
        (CompletionMilestone::FormIssued, None) => {
            issue(db, &project.id, COMPLETION, SignedFormStatus::Issued, to_json(&CompletionContent::default())?)
                .await?
        }
        (CompletionMilestone::FormIssued, Some(_)) => {}
        (CompletionMilestone::Deemed, current) => {
            match current {
                None => {
                    let empty = to_json(&CompletionContent::default())?;
                    issue(db, &project.id, COMPLETION, SignedFormStatus::Deemed, empty).await?
                }
                Some(form) => {
                    let mut model: project_form::ActiveModel = form.into();
                    model.status = Set(SignedFormStatus::Deemed.as_str().into());
                    model.update(db).await?;
                }
            }
            move_stage(db, PORTAL, &project, Stage::Warranty, Stage::Completed, now).await?;
        }
    }
    Ok(Some(project.id))
}
