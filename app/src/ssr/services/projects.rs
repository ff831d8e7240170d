//! Deployment projects: account managers open one per deployment of an organisation and move it
//! through its stages in order (`domain::deployment`); the account managers and the client's
//! superusers follow its timeline. Every stage entered is told to both.

use super::notifications::{self, Around, Notice};
use super::people::field_error;
use super::tickets::{self, user_names};
use super::{looks_like_id, new_id, organizations};
use crate::domain::billing::{long_date, parse_date};
use crate::domain::deployment::{
    check_advance, leave_stage, may_decide, may_submit, stage_state, stakeholders_missing, test_items_open, uat_done,
    FormStatus, Stage, StageChecks, StakeholderRole, UatStatus,
};
use crate::domain::notifications::{Event, NotificationKind};
use crate::domain::people::{parse_phone, Email, Role, UserStatus};
use crate::domain::text::multi_line;
use crate::domain::text::single_line;
use crate::domain::tickets::{ticket_number, Priority, TicketKind};
use crate::dto::{
    AdvanceRequest, CreateProjectRequest, ProjectDto, ReasonRequest, StageDto, StakeholderDto, StakeholdersFormDto,
    StakeholdersRequest, TrainingDto, TrainingRequest, UatItemDto, UatItemRequest, UatResultRequest,
};
use crate::error::{AppError, FieldCheck};
use crate::ssr::auth::{Access, Actor};
use crate::ssr::entities::{
    deployment_project, deployment_stage, organization, project_form, ticket, training_session, uat_item, user,
};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};
use std::collections::HashMap;

/// Who may follow an organisation's projects: staff, and that organisation's superusers. Another
/// organisation's are not there at all (404); a plain customer of the organisation is told who
/// follows them (403).
fn may_follow(actor: &Actor, organization_id: &str) -> Result<(), AppError> {
    match actor.access()? {
        Access::Staff(_) => Ok(()),
        Access::Customer(c) if c.organization_id != organization_id => Err(AppError::not_found("deployment project")),
        Access::Customer(c) if c.superuser => Ok(()),
        Access::Customer(_) => {
            Err(AppError::forbidden("Your organisation's superuser follows the deployment project."))
        }
    }
}

/// Opens a project at its first stage (account managers).
pub async fn create<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    actor: &Actor,
    organization_id: &str,
    req: CreateProjectRequest,
    now: DateTime<Utc>,
) -> Result<ProjectDto, AppError> {
    actor.account_manager()?;
    let org = organizations::visible_to_staff(db, organization_id).await?;
    let name = single_line(&req.name, "the project's name", 200).map_err(|m| field_error("name", m))?;
    let txn = db.begin().await?;
    let project = deployment_project::ActiveModel {
        id: Set(new_id()),
        organization_id: Set(org.id.clone()),
        name: Set(name),
        stage: Set(Stage::Stakeholders.as_str().into()),
        created_by: Set(actor.user_id.clone()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    enter(&txn, actor, &project, Stage::Stakeholders, now).await?;
    txn.commit().await?;
    one(db, project).await
}

/// The organisation's projects, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    organization_id: &str,
) -> Result<Vec<ProjectDto>, AppError> {
    may_follow(actor, organization_id)?;
    if !looks_like_id(organization_id)
        || organization::Entity::find_by_id(organization_id.to_string()).one(db).await?.is_none()
    {
        return Err(AppError::not_found("organisation"));
    }
    let projects = deployment_project::Entity::find()
        .filter(deployment_project::Column::OrganizationId.eq(organization_id))
        .order_by_desc(deployment_project::Column::CreatedAt)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(projects.len());
    for p in projects {
        out.push(one(db, p).await?);
    }
    Ok(out)
}

pub async fn get(db: &impl ConnectionTrait, actor: &Actor, id: &str) -> Result<ProjectDto, AppError> {
    one(db, find(db, actor, id).await?).await
}

async fn find(db: &impl ConnectionTrait, actor: &Actor, id: &str) -> Result<deployment_project::Model, AppError> {
    let found = match looks_like_id(id) {
        true => deployment_project::Entity::find_by_id(id.to_string()).one(db).await?,
        false => None,
    };
    let found = found.ok_or_else(|| AppError::not_found("deployment project"))?;
    may_follow(actor, &found.organization_id)?;
    Ok(found)
}

/// Moves a project to its next stage (account managers); anything else is a 422 saying why.
pub async fn advance<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    actor: &Actor,
    id: &str,
    req: AdvanceRequest,
    now: DateTime<Utc>,
) -> Result<ProjectDto, AppError> {
    let found = find(db, actor, id).await?;
    actor.account_manager()?;
    let to = Stage::parse(req.to.trim()).map_err(|m| field_error("to", m))?;
    let current = Stage::parse(&found.stage).unwrap_or(Stage::Stakeholders);
    check_advance(current, to).map_err(|m| AppError::rule("invalid_stage", m))?;
    let done = StageChecks {
        stakeholders: form_status(stakeholders_form(db, &found.id).await?.as_ref()),
        superuser_trained: sessions(db, &found.id).await?.iter().any(|t| t.superuser_trained),
        uat_done: uat_done(&uat_items(db, &found.id).await?.iter().map(uat_status).collect::<Vec<_>>()),
    };
    leave_stage(current, done).map_err(|m| AppError::rule("invalid_stage", m))?;
    let txn = db.begin().await?;
    // Moved only from the stage it was read at: of two managers moving it at once, one wins.
    let moved = deployment_project::Entity::update_many()
        .col_expr(deployment_project::Column::Stage, Expr::value(to.as_str()))
        .col_expr(deployment_project::Column::UpdatedAt, Expr::value(now))
        .filter(deployment_project::Column::Id.eq(found.id.as_str()))
        .filter(deployment_project::Column::Stage.eq(current.as_str()))
        .exec(&txn)
        .await?;
    if moved.rows_affected != 1 {
        return Err(AppError::conflict("stage_changed", "Someone moved this project meanwhile; reload it."));
    }
    enter(&txn, actor, &found, to, now).await?;
    txn.commit().await?;
    get(db, actor, id).await
}

/// Logs the stage entered and tells the organisation's superusers and the account managers.
async fn enter(
    db: &impl ConnectionTrait,
    actor: &Actor,
    project: &deployment_project::Model,
    stage: Stage,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    deployment_stage::ActiveModel {
        id: Set(new_id()),
        project_id: Set(project.id.clone()),
        stage: Set(stage.as_str().into()),
        entered_by: Set(actor.user_id.clone()),
        entered_at: Set(now),
    }
    .insert(db)
    .await?;
    let (title, body) = match stage {
        Stage::Stakeholders => (
            format!("Deployment project opened: {}", project.name),
            "CyTrack opened the deployment project. Its first step is the Stakeholders form: your contacts and \
             their responsibilities."
                .to_string(),
        ),
        _ => (
            format!("{}: now at {}", project.name, stage.label()),
            format!("{} moved the deployment project to {}.", actor.name, stage.label()),
        ),
    };
    tell(db, actor, project, title, body, now).await
}

/// Tells the organisation's superusers and the account managers of a step of the project.
async fn tell(
    db: &impl ConnectionTrait,
    actor: &Actor,
    project: &deployment_project::Model,
    title: String,
    body: String,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let notice = Notice {
        event: Event::Account(NotificationKind::DeploymentMilestone),
        title,
        body,
        link: Some(format!("/deployment-projects/{}", project.id)),
        ticket_id: None,
        organization_id: Some(project.organization_id.clone()),
    };
    let around = Around {
        actor_id: Some(actor.user_id.clone()),
        organization_id: Some(project.organization_id.clone()),
        ..Around::default()
    };
    notifications::notify(db, notice, around, now).await?;
    Ok(())
}

/// A project with its organisation's name, its timeline, its form and its training, in a few
/// queries.
async fn one(db: &impl ConnectionTrait, project: deployment_project::Model) -> Result<ProjectDto, AppError> {
    let organization_name = organization::Entity::find_by_id(project.organization_id.clone())
        .one(db)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    let log = deployment_stage::Entity::find()
        .filter(deployment_stage::Column::ProjectId.eq(project.id.as_str()))
        .all(db)
        .await?;
    let form = stakeholders_form(db, &project.id).await?;
    let training = sessions(db, &project.id).await?.into_iter().map(training_dto).collect();
    let uat = uat_dtos(db, uat_items(db, &project.id).await?).await?;
    let people: Vec<String> = log
        .iter()
        .map(|l| l.entered_by.clone())
        .chain(form.iter().flat_map(|f| f.submitted_by.iter().chain(f.decided_by.iter()).cloned()))
        .collect();
    let names = user_names(db, people).await?;
    let entered: HashMap<&str, &deployment_stage::Model> = log.iter().map(|l| (l.stage.as_str(), l)).collect();
    let current = Stage::parse(&project.stage).unwrap_or(Stage::Stakeholders);
    let timeline = Stage::ALL
        .iter()
        .map(|&stage| {
            let log = entered.get(stage.as_str());
            StageDto {
                stage,
                label: stage.label().into(),
                state: stage_state(stage, current),
                entered_at: log.map(|l| l.entered_at),
                entered_by_name: log.and_then(|l| names.get(&l.entered_by).cloned()),
            }
        })
        .collect();
    Ok(ProjectDto {
        id: project.id,
        organization_id: project.organization_id,
        organization_name,
        name: project.name,
        stage: current,
        timeline,
        stakeholders: form_dto(form, &names),
        training,
        uat,
        created_at: project.created_at,
        updated_at: project.updated_at,
    })
}

const STAKEHOLDERS: &str = "stakeholders";

async fn stakeholders_form(
    db: &impl ConnectionTrait,
    project_id: &str,
) -> Result<Option<project_form::Model>, AppError> {
    Ok(project_form::Entity::find_by_id((project_id.to_string(), STAKEHOLDERS.to_string())).one(db).await?)
}

fn form_status(form: Option<&project_form::Model>) -> FormStatus {
    form.and_then(|f| FormStatus::parse(&f.status).ok()).unwrap_or(FormStatus::NotSubmitted)
}

fn form_dto(form: Option<project_form::Model>, names: &HashMap<String, String>) -> StakeholdersFormDto {
    let name_of = |id: &Option<String>| id.as_ref().and_then(|id| names.get(id).cloned());
    StakeholdersFormDto {
        status: form_status(form.as_ref()),
        contacts: form.as_ref().and_then(|f| serde_json::from_str(&f.content).ok()).unwrap_or_default(),
        submitted_at: form.as_ref().and_then(|f| f.submitted_at),
        submitted_by_name: form.as_ref().and_then(|f| name_of(&f.submitted_by)),
        decided_at: form.as_ref().and_then(|f| f.decided_at),
        decided_by_name: form.as_ref().and_then(|f| name_of(&f.decided_by)),
        decision_note: form.and_then(|f| f.decision_note),
    }
}

/// The client's superuser submits the Stakeholders form (again, until CyTrack accepts it): the
/// required responsibilities named, the trainer an active contact of the organisation.
pub async fn submit_stakeholders<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    actor: &Actor,
    project_id: &str,
    req: StakeholdersRequest,
    now: DateTime<Utc>,
) -> Result<ProjectDto, AppError> {
    let project = find(db, actor, project_id).await?;
    if !matches!(actor.access()?, Access::Customer(_)) {
        return Err(AppError::forbidden("The client's superuser fills in the Stakeholders form."));
    }
    if project.stage != Stage::Stakeholders.as_str() {
        return Err(AppError::rule("invalid_stage", "The project is past its Stakeholders stage."));
    }
    let current = stakeholders_form(db, &project.id).await?;
    may_submit(form_status(current.as_ref())).map_err(|m| AppError::conflict("already_accepted", m))?;

    let mut check = FieldCheck::default();
    let mut contacts = Vec::new();
    for (i, c) in req.contacts.iter().enumerate() {
        let field = |what: &str| format!("contacts[{i}].{what}");
        let role = check.take(&field("role"), StakeholderRole::parse(c.role.trim()));
        let name = check.take(&field("name"), single_line(&c.name, "the contact's name", 100));
        let email = check.take(&field("email"), Email::parse(&c.email));
        let phone = check.take(&field("phone"), parse_phone(c.phone.as_deref().unwrap_or_default()));
        if let (Some(role), Some(name), Some(email), Some(phone)) = (role, name, email, phone) {
            contacts.push(StakeholderDto { role, name, email: email.as_str().to_string(), phone });
        }
    }
    let roles: Vec<StakeholderRole> = contacts.iter().map(|c| c.role).collect();
    let missing = stakeholders_missing(&roles);
    // Named only when every contact was read: a contact refused for its address is not "missing".
    if !missing.is_empty() && check.is_empty() {
        check.add("contacts", missing.join(" "));
    }
    if let Some(trainer) = contacts.iter().find(|c| c.role == StakeholderRole::Trainer) {
        if trainee(db, &project.organization_id, &trainer.email).await?.is_none() {
            check.add(
                "contacts",
                format!(
                    "The trainer ({}) must be an active contact of your organisation in the portal.",
                    trainer.email
                ),
            );
        }
    }
    check.finish()?;

    let content = serde_json::to_string(&contacts).map_err(|_| AppError::internal())?;
    let txn = db.begin().await?;
    project_form::Entity::delete_by_id((project.id.clone(), STAKEHOLDERS.to_string())).exec(&txn).await?;
    project_form::ActiveModel {
        project_id: Set(project.id.clone()),
        kind: Set(STAKEHOLDERS.into()),
        status: Set(FormStatus::Submitted.as_str().into()),
        content: Set(content),
        submitted_by: Set(Some(actor.user_id.clone())),
        submitted_at: Set(Some(now)),
        decided_by: Set(None),
        decided_at: Set(None),
        decision_note: Set(None),
    }
    .insert(&txn)
    .await?;
    let body = format!("{} submitted the Stakeholders form. Accept it, or return it with what to mend.", actor.name);
    tell(&txn, actor, &project, format!("{}: Stakeholders form submitted", project.name), body, now).await?;
    txn.commit().await?;
    get(db, actor, project_id).await
}

/// The active customer of the organisation with this address: the trainer to be.
async fn trainee(
    db: &impl ConnectionTrait,
    organization_id: &str,
    email: &str,
) -> Result<Option<user::Model>, AppError> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .filter(user::Column::OrganizationId.eq(organization_id))
        .filter(user::Column::Role.eq(Role::Customer.as_str()))
        .filter(user::Column::Status.eq(UserStatus::Active.as_str()))
        .one(db)
        .await?)
}

/// An account manager accepts the submitted form (the trainer becomes, or stays, a superuser of
/// the organisation) or returns it with a reason.
pub async fn decide_stakeholders<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    actor: &Actor,
    project_id: &str,
    returned: Option<ReasonRequest>,
    now: DateTime<Utc>,
) -> Result<ProjectDto, AppError> {
    let project = find(db, actor, project_id).await?;
    actor.account_manager()?;
    let form = stakeholders_form(db, &project.id).await?;
    let status = form_status(form.as_ref());
    may_decide(status).map_err(|m| match status {
        FormStatus::Accepted => AppError::conflict("already_accepted", m),
        _ => AppError::rule("not_submitted", m),
    })?;
    let Some(form) = form else { return Err(AppError::internal()) };
    let note = match &returned {
        Some(r) => Some(single_line(&r.reason, "what to mend", 500).map_err(|m| field_error("reason", m))?),
        None => None,
    };
    let txn = db.begin().await?;
    let decided = if note.is_some() { FormStatus::Returned } else { FormStatus::Accepted };
    let mut model: project_form::ActiveModel = form.clone().into();
    model.status = Set(decided.as_str().into());
    model.decided_by = Set(Some(actor.user_id.clone()));
    model.decided_at = Set(Some(now));
    model.decision_note = Set(note.clone());
    model.update(&txn).await?;
    let (title, body) = match &note {
        Some(note) => (
            format!("{}: Stakeholders form returned", project.name),
            format!("{} returned the Stakeholders form: {note}", actor.name),
        ),
        None => {
            let contacts: Vec<StakeholderDto> = serde_json::from_str(&form.content).unwrap_or_default();
            if let Some(trainer) = contacts.iter().find(|c| c.role == StakeholderRole::Trainer) {
                if let Some(person) = trainee(&txn, &project.organization_id, &trainer.email).await? {
                    let mut person: user::ActiveModel = person.into();
                    person.superuser = Set(true);
                    person.updated_at = Set(now);
                    person.update(&txn).await?;
                }
            }
            (
                format!("{}: Stakeholders form accepted", project.name),
                format!("{} accepted the Stakeholders form; the trainer is the organisation's superuser.", actor.name),
            )
        }
    };
    tell(&txn, actor, &project, title, body, now).await?;
    txn.commit().await?;
    get(db, actor, project_id).await
}

async fn sessions(db: &impl ConnectionTrait, project_id: &str) -> Result<Vec<training_session::Model>, AppError> {
    Ok(training_session::Entity::find()
        .filter(training_session::Column::ProjectId.eq(project_id))
        .order_by_asc(training_session::Column::HeldOn)
        .order_by_asc(training_session::Column::CreatedAt)
        .all(db)
        .await?)
}

fn training_dto(t: training_session::Model) -> TrainingDto {
    TrainingDto {
        attendees: serde_json::from_str(&t.attendees).unwrap_or_default(),
        id: t.id,
        held_on: t.held_on,
        trainer: t.trainer,
        superuser_trained: t.superuser_trained,
    }
}

/// An account manager records a training session while the project is at its Training stage.
pub async fn record_training<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    actor: &Actor,
    project_id: &str,
    req: TrainingRequest,
    now: DateTime<Utc>,
) -> Result<ProjectDto, AppError> {
    let project = find(db, actor, project_id).await?;
    actor.account_manager()?;
    if project.stage != Stage::Training.as_str() {
        return Err(AppError::rule(
            "invalid_stage",
            "Training sessions are recorded while the project is at its Training stage.",
        ));
    }
    let mut check = FieldCheck::default();
    let held_on = check.take("held_on", parse_date(req.held_on.trim()));
    let trainer = check.take("trainer", single_line(&req.trainer, "the trainer's name", 100));
    let attendees: Vec<String> = req
        .attendees
        .iter()
        .filter(|a| !a.trim().is_empty())
        .filter_map(|a| check.take("attendees", single_line(a, "an attendee's name", 100)))
        .collect();
    if attendees.is_empty() {
        check.add("attendees", "Name who attended.");
    }
    check.finish()?;
    let (Some(held_on), Some(trainer)) = (held_on, trainer) else { return Err(AppError::internal()) };
    let txn = db.begin().await?;
    training_session::ActiveModel {
        id: Set(new_id()),
        project_id: Set(project.id.clone()),
        held_on: Set(held_on),
        trainer: Set(trainer),
        attendees: Set(serde_json::to_string(&attendees).map_err(|_| AppError::internal())?),
        superuser_trained: Set(req.superuser_trained),
        recorded_by: Set(actor.user_id.clone()),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let body = format!(
        "Training held on {} for {}{}.",
        long_date(held_on),
        attendees.join(", "),
        if req.superuser_trained { " (the superuser trained)" } else { "" }
    );
    tell(&txn, actor, &project, format!("{}: training recorded", project.name), body, now).await?;
    txn.commit().await?;
    get(db, actor, project_id).await
}

async fn uat_items(db: &impl ConnectionTrait, project_id: &str) -> Result<Vec<uat_item::Model>, AppError> {
    Ok(uat_item::Entity::find()
        .filter(uat_item::Column::ProjectId.eq(project_id))
        .order_by_asc(uat_item::Column::CreatedAt)
        .order_by_asc(uat_item::Column::Id)
        .all(db)
        .await?)
}

fn uat_status(item: &uat_item::Model) -> UatStatus {
    UatStatus::parse(&item.status).unwrap_or(UatStatus::Open)
}

/// Items with the numbers of the tickets their failures raised, in one query.
async fn uat_dtos(db: &impl ConnectionTrait, items: Vec<uat_item::Model>) -> Result<Vec<UatItemDto>, AppError> {
    let numbers: HashMap<String, i64> = ticket::Entity::find()
        .filter(ticket::Column::Id.is_in(items.iter().filter_map(|i| i.ticket_id.clone())))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.number))
        .collect();
    Ok(items
        .into_iter()
        .map(|i| UatItemDto {
            status: uat_status(&i),
            ticket_number: i.ticket_id.as_ref().and_then(|t| numbers.get(t)).map(|n| ticket_number(*n)),
            id: i.id,
            title: i.title,
            ticket_id: i.ticket_id,
            note: i.note,
        })
        .collect())
}

/// An account manager adds something for the client to test (before go-live).
pub async fn add_uat_item<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    actor: &Actor,
    project_id: &str,
    req: UatItemRequest,
    now: DateTime<Utc>,
) -> Result<ProjectDto, AppError> {
    let project = find(db, actor, project_id).await?;
    actor.account_manager()?;
    if !test_items_open(Stage::parse(&project.stage).unwrap_or(Stage::Completed)) {
        return Err(AppError::rule("invalid_stage", "Test items are added before go-live."));
    }
    let title = single_line(&req.title, "what is to be tested", 200).map_err(|m| field_error("title", m))?;
    uat_item::ActiveModel {
        id: Set(new_id()),
        project_id: Set(project.id.clone()),
        title: Set(title),
        status: Set(UatStatus::Open.as_str().into()),
        ticket_id: Set(None),
        note: Set(None),
        updated_by: Set(actor.user_id.clone()),
        updated_at: Set(now),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    get(db, actor, project_id).await
}

/// The item and its project, when the caller may follow the project.
async fn find_item(
    db: &impl ConnectionTrait,
    actor: &Actor,
    item_id: &str,
) -> Result<(uat_item::Model, deployment_project::Model), AppError> {
    let item = match looks_like_id(item_id) {
        true => uat_item::Entity::find_by_id(item_id.to_string()).one(db).await?,
        false => None,
    };
    let item = item.ok_or_else(|| AppError::not_found("test item"))?;
    let project = find(db, actor, &item.project_id).await?;
    Ok((item, project))
}

/// The client's superuser records a result while the project is at its Testing stage. A failure
/// raises a ticket (tagged by the usual rule: before go-live, deployment work), once per item;
/// a later failure of the same item is added to that ticket's conversation.
pub async fn record_uat_result<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    actor: &Actor,
    item_id: &str,
    req: UatResultRequest,
    now: DateTime<Utc>,
) -> Result<ProjectDto, AppError> {
    let (item, project) = find_item(db, actor, item_id).await?;
    if !matches!(actor.access()?, Access::Customer(_)) {
        return Err(AppError::forbidden("The client's superuser records test results; CyTrack may waive an item."));
    }
    if project.stage != Stage::Testing.as_str() {
        return Err(AppError::rule(
            "invalid_stage",
            "Test results are recorded while the project is at its Testing stage.",
        ));
    }
    let result = match UatStatus::parse(req.result.trim()) {
        Ok(r @ (UatStatus::Passed | UatStatus::Failed)) => r,
        _ => return Err(field_error("result", "Choose passed or failed.".into())),
    };
    if uat_status(&item) == UatStatus::Waived {
        return Err(AppError::conflict("waived", "CyTrack waived this item; it needs no result."));
    }
    let note = match (result, req.note.as_deref().map(str::trim).filter(|n| !n.is_empty())) {
        (UatStatus::Failed, None) => return Err(field_error("note", "Say what went wrong.".into())),
        (_, Some(n)) => Some(multi_line(n, "what went wrong", 2000).map_err(|m| field_error("note", m))?),
        (_, None) => None,
    };
    let mut ticket_id = item.ticket_id.clone();
    if let (UatStatus::Failed, Some(note)) = (result, &note) {
        match &ticket_id {
            Some(id) => {
                let reply =
                    crate::dto::CommentRequest { body: format!("Failed again in testing: {note}"), internal: false };
                tickets::comment(db, actor, id, reply, now).await?;
            }
            None => {
                let new = tickets::NewTicket {
                    subject: format!("UAT: {}", item.title).chars().take(200).collect(),
                    description: format!("Failed in user acceptance testing of {}: {note}", project.name),
                    kind: TicketKind::Fault,
                    priority: Priority::P2,
                    product: None,
                };
                ticket_id = Some(tickets::insert_ticket(db, actor, &project.organization_id, new, now).await?.id);
            }
        }
    }
    let mut model: uat_item::ActiveModel = item.into();
    model.status = Set(result.as_str().into());
    model.ticket_id = Set(ticket_id);
    model.note = Set(note);
    model.updated_by = Set(actor.user_id.clone());
    model.updated_at = Set(now);
    model.update(db).await?;
    get(db, actor, &project.id).await
}

/// An account manager waives an item that did not pass, with the reason the client reads.
pub async fn waive_uat_item<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    actor: &Actor,
    item_id: &str,
    req: ReasonRequest,
    now: DateTime<Utc>,
) -> Result<ProjectDto, AppError> {
    let (item, project) = find_item(db, actor, item_id).await?;
    actor.account_manager()?;
    if !test_items_open(Stage::parse(&project.stage).unwrap_or(Stage::Completed)) {
        return Err(AppError::rule("invalid_stage", "Test items are waived before go-live."));
    }
    if uat_status(&item) == UatStatus::Passed {
        return Err(AppError::conflict("passed", "The item passed; there is nothing to waive."));
    }
    let reason = single_line(&req.reason, "why it is waived", 500).map_err(|m| field_error("reason", m))?;
    let mut model: uat_item::ActiveModel = item.into();
    model.status = Set(UatStatus::Waived.as_str().into());
    model.note = Set(Some(reason));
    model.updated_by = Set(actor.user_id.clone());
    model.updated_at = Set(now);
    model.update(db).await?;
    get(db, actor, &project.id).await
}
