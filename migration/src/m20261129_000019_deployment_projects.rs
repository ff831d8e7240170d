//! Deployment projects: an organisation may have several over the years (a new site, a
//! re-deployment); each stands at one stage, and every stage it entered is logged with who and
//! when (its timeline).

use crate::{id, id_ref, index_on};
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
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
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
