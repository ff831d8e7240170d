//! An index that matches the queue view: one queue's tickets in given statuses, most urgent first.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261127_000007_queue_view_index"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("tickets_queue_status_priority_created")
                .table(Tickets::Table)
                .col(Tickets::Queue)
                .col(Tickets::Status)
                .col(Tickets::Priority)
                .col(Tickets::CreatedAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("tickets_queue_status_priority_created").table(Tickets::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Tickets {
    Table,
    Queue,
    Status,
    Priority,
    CreatedAt,
}
