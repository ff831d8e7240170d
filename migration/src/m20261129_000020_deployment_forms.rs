//! The rest of the deployment procedure: the modules a project deploys (their requirements are
//! acknowledged on the Pre-install form), signatures on forms (typed name, who, when), and the
//! installation's inclusions (agreed against installed, per item) that bill anything beyond the
//! agreement as an additional fee.

use crate::{id_ref, id_ref_null};
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000020_deployment_forms"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        m.alter_table(
            Table::alter()
                .table(DeploymentProjects::Table)
                .add_column(text(DeploymentProjects::Modules).default("[]"))
                .to_owned(),
        )
        .await?;
        for column in [
            string_len_null(ProjectForms::SignedName, 100),
            id_ref_null(ProjectForms::SignedBy),
            timestamp_with_time_zone_null(ProjectForms::SignedAt),
        ] {
            let mut column = column;
            m.alter_table(Table::alter().table(ProjectForms::Table).add_column(&mut column).to_owned()).await?;
        }
        m.create_table(
            Table::create()
                .table(InstallationItems::Table)
                .col(id_ref(InstallationItems::ProjectId))
                .col(string_len(InstallationItems::Item, 30))
                .col(integer(InstallationItems::Agreed))
                .col(integer(InstallationItems::Installed))
                .col(id_ref(InstallationItems::UpdatedBy))
                .col(timestamp_with_time_zone(InstallationItems::UpdatedAt))
                .primary_key(Index::create().col(InstallationItems::ProjectId).col(InstallationItems::Item))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(InstallationItems::Table).to_owned()).await?;
        for column in [ProjectForms::SignedAt, ProjectForms::SignedBy, ProjectForms::SignedName] {
            m.alter_table(Table::alter().table(ProjectForms::Table).drop_column(column).to_owned()).await?;
        }
        m.alter_table(
            Table::alter().table(DeploymentProjects::Table).drop_column(DeploymentProjects::Modules).to_owned(),
        )
        .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum DeploymentProjects {
    Table,
    Modules,
}

#[derive(DeriveIden, Clone, Copy)]
enum ProjectForms {
    Table,
    SignedName,
    SignedBy,
    SignedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum InstallationItems {
    Table,
    ProjectId,
    Item,
    Agreed,
    Installed,
    UpdatedBy,
    UpdatedAt,
}
