//! Deployment projects: account managers open one per deployment of an organisation and move it
//! through its stages in order (`domain::deployment`); the account managers and the client's
//! superusers follow its timeline. Every stage entered is told to both. The forms live beside:
//! reviewed forms (`forms`), the installation (`installation`), training and testing
//! (`testing`), and the forms the client signs, go-live and completion (`signing`).

mod forms;
mod installation;
mod signing;
mod testing;

pub use forms::{decide, set_modules, submit_pre_install, submit_stakeholders, Reviewed};
pub use installation::{additional_fees, put_installation};
pub(crate) use signing::milestone_reached;
pub use signing::{
    add_outstanding, assess_go_live, put_go_live_conditions, remove_outstanding, sign_completion, sign_go_live,
};
pub use testing::{add_uat_item, record_training, record_uat_result, waive_uat_item};
use testing::{sessions, training_dto, uat_dtos, uat_items, uat_status};

use super::notifications::{self, Around, Notice};
use super::people::field_error;
use super::settings::{self, support_date};
use super::tickets::{self, user_names};
use super::{looks_like_id, new_id, organizations};
use crate::domain::billing::{long_date, parse_date};
use crate::domain::deployment::{
    additional, check_advance, check_assessed_go_live, check_signature, leave_stage, may_approve_go_live, may_decide,
    may_sign_completion, may_submit, stage_state, stakeholders_missing, test_items_open, uat_done, unacknowledged,
    FormStatus, GoLiveCondition, InclusionItem, ModuleRequirements, SignRefusal, SignedFormStatus, Stage, StageChecks,
    StakeholderRole, UatStatus,
};
use crate::domain::notifications::{Event, NotificationKind};
use crate::domain::people::{parse_phone, Email, Role, UserStatus};
use crate::domain::text::{multi_line, single_line};
use crate::domain::tickets::{ticket_number, Priority, TicketKind};
use crate::dto::{
    AdditionalFeeRow, AdvanceRequest, AssessGoLiveRequest, CompletionFormDto, CreateProjectRequest,
    GoLiveConditionsRequest, GoLiveFormDto, InclusionDto, InstallationRequest, ModulesRequest, OutstandingDto,
    OutstandingRequest, PreInstallFormDto, PreInstallModuleDto, PreInstallRequest, ProjectDto, ReasonRequest,
    RequirementDto, SignRequest, SignatureDto, SiteDetails, StageDto, StakeholderDto, StakeholdersFormDto,
    StakeholdersRequest, TrainingDto, TrainingRequest, UatItemDto, UatItemRequest, UatResultRequest,
};
use crate::error::{AppError, FieldCheck};
use crate::ssr::auth::{Access, Actor};
use crate::ssr::db::begin;
use crate::ssr::entities::{
    deployment, deployment_project, deployment_stage, installation_item, organization, project_form, ticket,
    training_session, uat_item, user,
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
pub async fn create<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    organization_id: &str,
    req: CreateProjectRequest,
    now: DateTime<Utc>,
) -> Result<ProjectDto, AppError> {
    actor.account_manager()?;
    let org = organizations::visible_to_staff(db, organization_id).await?;
    let name = single_line(&req.name, "the project's name", 200).map_err(|m| field_error("name", m))?;
    let modules = forms::check_modules(db, &req.modules).await?;
    let txn = begin(db).await?;
    let project = deployment_project::ActiveModel {
        id: Set(new_id()),
        organization_id: Set(org.id.clone()),
        name: Set(name),
        stage: Set(Stage::Stakeholders.as_str().into()),
        modules: Set(serde_json::to_string(&modules).map_err(|_| AppError::internal())?),
        created_by: Set(actor.user_id.clone()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    log_stage(&txn, &actor.user_id, &project.id, Stage::Stakeholders, now).await?;
    let body = "CyTrack opened the deployment project. Its first step is the Stakeholders form: your contacts and \
                their responsibilities."
        .to_string();
    tell(&txn, actor, &project, format!("Deployment project opened: {}", project.name), body, now).await?;
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

pub(crate) async fn find(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: &str,
) -> Result<deployment_project::Model, AppError> {
    let found = match looks_like_id(id) {
        true => deployment_project::Entity::find_by_id(id.to_string()).one(db).await?,
        false => None,
    };
    let found = found.ok_or_else(|| AppError::not_found("deployment project"))?;
    may_follow(actor, &found.organization_id)?;
    Ok(found)
}

/// Moves a project to its next stage (account managers); anything else is a 422 saying why.
/// Reaching go-live issues the Go-Live form.
pub async fn advance<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    id: &str,
    req: AdvanceRequest,
    now: DateTime<Utc>,
) -> Result<ProjectDto, AppError> {
    let found = find(db, actor, id).await?;
    actor.account_manager()?;
    let to = Stage::parse(req.to.trim()).map_err(|m| field_error("to", m))?;
    let current = stage_of(&found);
    check_advance(current, to).map_err(|m| AppError::rule("invalid_stage", m))?;
    let done = StageChecks {
        stakeholders: form_status(form(db, &found.id, STAKEHOLDERS).await?.as_ref()),
        pre_install: form_status(form(db, &found.id, PRE_INSTALL).await?.as_ref()),
        installation_recorded: !installation::items(db, &found.id).await?.is_empty(),
        superuser_trained: sessions(db, &found.id).await?.iter().any(|t| t.superuser_trained),
        uat_done: uat_done(&uat_items(db, &found.id).await?.iter().map(uat_status).collect::<Vec<_>>()),
    };
    leave_stage(current, done).map_err(|m| AppError::rule("invalid_stage", m))?;
    let txn = begin(db).await?;
    move_stage(&txn, &actor.user_id, &found, current, to, now).await?;
    if to == Stage::GoLive {
        signing::issue_go_live(&txn, &found.id).await?;
    }
    let body = match to {
        Stage::GoLive => format!(
            "{} moved the deployment project to go-live and issued the Go-Live form. Once its commercial \
             conditions are fulfilled, your superuser signs it in the portal.",
            actor.name
        ),
        _ => format!("{} moved the deployment project to {}.", actor.name, to.label()),
    };
    tell(&txn, actor, &found, format!("{}: now at {}", found.name, to.label()), body, now).await?;
    txn.commit().await?;
    get(db, actor, id).await
}

/// Who moved a stage when the portal did it by itself (a project deemed complete).
pub(super) const PORTAL: &str = "portal";

/// Moves the project from `from` to `to` and logs the stage entered, by `by` (a user's id, or
/// `PORTAL`). Moved only from the stage it was read at: of two moves at once (two managers, two
/// portal processes), one wins and the other is a 409.
pub(super) async fn move_stage(
    db: &impl ConnectionTrait,
    by: &str,
    project: &deployment_project::Model,
    from: Stage,
    to: Stage,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let moved = deployment_project::Entity::update_many()
        .col_expr(deployment_project::Column::Stage, Expr::value(to.as_str()))
        .col_expr(deployment_project::Column::UpdatedAt, Expr::value(now))
        .filter(deployment_project::Column::Id.eq(project.id.as_str()))
        .filter(deployment_project::Column::Stage.eq(from.as_str()))
        .exec(db)
        .await?;
    if moved.rows_affected != 1 {
        return Err(AppError::conflict("stage_changed", "Someone moved this project meanwhile; reload it."));
    }
    log_stage(db, by, &project.id, to, now).await
}

async fn log_stage(
    db: &impl ConnectionTrait,
    by: &str,
    project_id: &str,
    stage: Stage,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    deployment_stage::ActiveModel {
        id: Set(new_id()),
        project_id: Set(project_id.to_string()),
        stage: Set(stage.as_str().into()),
        entered_by: Set(by.to_string()),
        entered_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(())
}

pub(super) fn stage_of(project: &deployment_project::Model) -> Stage {
    Stage::parse(&project.stage).unwrap_or(Stage::Stakeholders)
}

pub(super) fn modules_of(project: &deployment_project::Model) -> Vec<String> {
    serde_json::from_str(&project.modules).unwrap_or_default()
}

/// Tells the organisation's superusers and the account managers of a step of the project (not
/// the person who took it).
pub(super) async fn tell(
    db: &impl ConnectionTrait,
    actor: &Actor,
    project: &deployment_project::Model,
    title: String,
    body: String,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    tell_from(db, Some(&actor.user_id), project, title, body, now).await
}

pub(super) async fn tell_from(
    db: &impl ConnectionTrait,
    actor_id: Option<&str>,
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
        actor_id: actor_id.map(str::to_string),
        organization_id: Some(project.organization_id.clone()),
        ..Around::default()
    };
    notifications::notify(db, notice, around, now).await?;
    Ok(())
}

/// A project with its organisation's name, its timeline, its forms, training, tests and
/// installation, in a few queries.
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
    let mut forms: HashMap<String, project_form::Model> = project_form::Entity::find()
        .filter(project_form::Column::ProjectId.eq(project.id.as_str()))
        .all(db)
        .await?
        .into_iter()
        .map(|f| (f.kind.clone(), f))
        .collect();
    let training = sessions(db, &project.id).await?.into_iter().map(training_dto).collect();
    let uat = uat_dtos(db, uat_items(db, &project.id).await?).await?;
    let people: Vec<String> = log
        .iter()
        .map(|l| l.entered_by.clone())
        .chain(forms.values().flat_map(|f| [&f.submitted_by, &f.decided_by, &f.signed_by]).flatten().cloned())
        .collect();
    let names = user_names(db, people).await?;
    let entered: HashMap<&str, &deployment_stage::Model> = log.iter().map(|l| (l.stage.as_str(), l)).collect();
    let current = stage_of(&project);
    let timeline = Stage::ALL
        .iter()
        .map(|&stage| {
            let log = entered.get(stage.as_str());
            StageDto {
                stage,
                label: stage.label().into(),
                state: stage_state(stage, current),
                entered_at: log.map(|l| l.entered_at),
                entered_by_name: log.and_then(|l| match l.entered_by.as_str() {
                    PORTAL => Some("the portal".to_string()),
                    id => names.get(id).cloned(),
                }),
            }
        })
        .collect();
    let required = forms::required_modules(db, &project).await?;
    let stakeholders = forms.remove(STAKEHOLDERS);
    let pre_install = forms.remove(PRE_INSTALL);
    let go_live = signing::go_live_dto(forms.remove(GO_LIVE), &names);
    let completion = signing::completion_dto(db, forms.remove(COMPLETION), go_live.go_live_on, &names).await?;
    Ok(ProjectDto {
        stakeholders: StakeholdersFormDto {
            status: form_status(stakeholders.as_ref()),
            contacts: stakeholders.as_ref().and_then(|f| serde_json::from_str(&f.content).ok()).unwrap_or_default(),
            submitted_at: stakeholders.as_ref().and_then(|f| f.submitted_at),
            submitted_by_name: name_of(&names, stakeholders.as_ref().and_then(|f| f.submitted_by.as_ref())),
            decided_at: stakeholders.as_ref().and_then(|f| f.decided_at),
            decided_by_name: name_of(&names, stakeholders.as_ref().and_then(|f| f.decided_by.as_ref())),
            decision_note: stakeholders.and_then(|f| f.decision_note),
        },
        pre_install: forms::pre_install_dto(pre_install, &required, &names),
        installation: installation::dtos(installation::items(db, &project.id).await?),
        go_live,
        completion,
        files: super::attachments::of_project(db, &project.id).await?,
        modules: modules_of(&project),
        id: project.id,
        organization_id: project.organization_id,
        organization_name,
        name: project.name,
        stage: current,
        timeline,
        training,
        uat,
        created_at: project.created_at,
        updated_at: project.updated_at,
    })
}

pub(super) fn name_of(names: &HashMap<String, String>, id: Option<&String>) -> Option<String> {
    id.and_then(|id| names.get(id).cloned())
}

/// The kinds of form a project keeps, one row each (`project_forms`).
pub(super) const STAKEHOLDERS: &str = "stakeholders";
pub(super) const PRE_INSTALL: &str = "pre_install";
pub(super) const GO_LIVE: &str = "go_live";
pub(super) const COMPLETION: &str = "completion";

pub(super) async fn form(
    db: &impl ConnectionTrait,
    project_id: &str,
    kind: &str,
) -> Result<Option<project_form::Model>, AppError> {
    Ok(project_form::Entity::find_by_id((project_id.to_string(), kind.to_string())).one(db).await?)
}

/// Where a reviewed form stands (Stakeholders, Pre-install).
pub(super) fn form_status(form: Option<&project_form::Model>) -> FormStatus {
    form.and_then(|f| FormStatus::parse(&f.status).ok()).unwrap_or(FormStatus::NotSubmitted)
}

/// Replaces a reviewed form with the client's submission (any earlier decision is cleared).
pub(super) async fn save_submitted(
    db: &impl ConnectionTrait,
    actor: &Actor,
    project_id: &str,
    kind: &str,
    content: &impl serde::Serialize,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let content = serde_json::to_string(content).map_err(|_| AppError::internal())?;
    project_form::Entity::delete_by_id((project_id.to_string(), kind.to_string())).exec(db).await?;
    let mut row = new_form(project_id, kind, FormStatus::Submitted.as_str(), content);
    row.submitted_by = Set(Some(actor.user_id.clone()));
    row.submitted_at = Set(Some(now));
    row.insert(db).await?;
    Ok(())
}

/// A form row of `kind` at `status`, nobody's yet: nothing submitted, decided or signed.
pub(super) fn new_form(project_id: &str, kind: &str, status: &str, content: String) -> project_form::ActiveModel {
    project_form::ActiveModel {
        project_id: Set(project_id.to_string()),
        kind: Set(kind.into()),
        status: Set(status.into()),
        content: Set(content),
        submitted_by: Set(None),
        submitted_at: Set(None),
        decided_by: Set(None),
        decided_at: Set(None),
        decision_note: Set(None),
        signed_name: Set(None),
        signed_by: Set(None),
        signed_at: Set(None),
    }
}
