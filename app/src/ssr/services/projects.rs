//! Deployment projects: account managers open one per deployment of an organisation and move it
//! through its stages in order (`domain::deployment`); the account managers and the client's
//! superusers follow its timeline. Every stage entered is told to both.

use super::notifications::{self, Around, Notice};
use super::people::field_error;
use super::tickets::user_names;
use super::{looks_like_id, new_id, organizations};
use crate::domain::deployment::{check_advance, stage_state, Stage};
use crate::domain::notifications::{Event, NotificationKind};
use crate::domain::text::single_line;
use crate::dto::{AdvanceRequest, CreateProjectRequest, ProjectDto, StageDto};
use crate::error::AppError;
use crate::ssr::auth::{Access, Actor};
use crate::ssr::entities::{deployment_project, deployment_stage, organization};
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

/// A project with its organisation's name and its timeline, in three queries.
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
    let names = user_names(db, log.iter().map(|l| l.entered_by.clone()).collect()).await?;
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
        created_at: project.created_at,
        updated_at: project.updated_at,
    })
}
