//! Deployment projects: an organisation may have several over the years (a new site, a
//! re-deployment); each stands at one stage, and every stage it entered is logged with who and
//! when (its timeline). The forms the client fills in along the way are kept per project and
//! kind, their content as JSON (each kind's shape is the domain's); training sessions are
//! recorded as they are held; user acceptance test items carry their result and the ticket a
//! failure raised.

use crate::{id, id_ref, id_ref_null, index_on};
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000019_deployment_projects"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(DeploymentProjects::Table)
                .col(id(DeploymentProjects::Id))
                .col(id_ref(DeploymentProjects::OrganizationId))
                .col(string_len(DeploymentProjects::Name, 200))
                .col(string_len(DeploymentProjects::Stage, 20))
                .col(id_ref(DeploymentProjects::CreatedBy))
                .col(timestamp_with_time_zone(DeploymentProjects::CreatedAt))
                .col(timestamp_with_time_zone(DeploymentProjects::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(index_on(
            DeploymentProjects::Table,
            "deployment_projects_organization",
            &[DeploymentProjects::OrganizationId, DeploymentProjects::CreatedAt],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table(DeploymentStages::Table)
                .col(id(DeploymentStages::Id))
                .col(id_ref(DeploymentStages::ProjectId))
                .col(string_len(DeploymentStages::Stage, 20))
                .col(id_ref(DeploymentStages::EnteredBy))
                .col(timestamp_with_time_zone(DeploymentStages::EnteredAt))
                .to_owned(),
        )
        .await?;
        // A stage is entered once per project: two managers moving it at the same moment cannot
        // both log the same step.
        m.create_index(
            Index::create()
                .name("deployment_stages_project_stage")
                .table(DeploymentStages::Table)
                .col(DeploymentStages::ProjectId)
                .col(DeploymentStages::Stage)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ProjectForms::Table)
                .col(id_ref(ProjectForms::ProjectId))
                .col(string_len(ProjectForms::Kind, 30))
                .col(string_len(ProjectForms::Status, 20))
                .col(text(ProjectForms::Content))
                .col(id_ref_null(ProjectForms::SubmittedBy))
                .col(timestamp_with_time_zone_null(ProjectForms::SubmittedAt))
                .col(id_ref_null(ProjectForms::DecidedBy))
                .col(timestamp_with_time_zone_null(ProjectForms::DecidedAt))
                .col(string_len_null(ProjectForms::DecisionNote, 500))
                .primary_key(Index::create().col(ProjectForms::ProjectId).col(ProjectForms::Kind))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(TrainingSessions::Table)
                .col(id(TrainingSessions::Id))
                .col(id_ref(TrainingSessions::ProjectId))
                .col(date(TrainingSessions::HeldOn))
                .col(string_len(TrainingSessions::Trainer, 100))
                .col(text(TrainingSessions::Attendees))
                .col(boolean(TrainingSessions::SuperuserTrained))
                .col(id_ref(TrainingSessions::RecordedBy))
                .col(timestamp_with_time_zone(TrainingSessions::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(index_on(
            TrainingSessions::Table,
            "training_sessions_project",
            &[TrainingSessions::ProjectId, TrainingSessions::HeldOn],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table(UatItems::Table)
                .col(id(UatItems::Id))
                .col(id_ref(UatItems::ProjectId))
                .col(string_len(UatItems::Title, 200))
                .col(string_len(UatItems::Status, 20))
                .col(id_ref_null(UatItems::TicketId))
                .col(string_len_null(UatItems::Note, 2000))
                .col(id_ref(UatItems::UpdatedBy))
                .col(timestamp_with_time_zone(UatItems::UpdatedAt))
                .col(timestamp_with_time_zone(UatItems::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(index_on(UatItems::Table, "uat_items_project", &[UatItems::ProjectId, UatItems::CreatedAt]))
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(UatItems::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(TrainingSessions::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(ProjectForms::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(DeploymentStages::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(DeploymentProjects::Table).to_owned()).await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum DeploymentProjects {
    Table,
    Id,
    OrganizationId,
    Name,
    Stage,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum DeploymentStages {
    Table,
    Id,
    ProjectId,
    Stage,
    EnteredBy,
    EnteredAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ProjectForms {
    Table,
    ProjectId,
    Kind,
    Status,
    Content,
    SubmittedBy,
    SubmittedAt,
    DecidedBy,
    DecidedAt,
    DecisionNote,
}

#[derive(DeriveIden, Clone, Copy)]
enum TrainingSessions {
    Table,
    Id,
    ProjectId,
    HeldOn,
    Trainer,
    Attendees,
    SuperuserTrained,
    RecordedBy,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum UatItems {
    Table,
    Id,
    ProjectId,
    Title,
    Status,
    TicketId,
    Note,
    UpdatedBy,
    UpdatedAt,
    CreatedAt,
}
