//! Who is on a ticket now (issue 23): each viewer's last beat, whether they are typing a reply,
//! and when that last changed (what the live channel polls, so every portal process hears of it).

use crate::{id_ref, index_on};
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261130_000028_ticket_viewers"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(TicketViewers::Table)
                .col(id_ref(TicketViewers::TicketId))
                .col(id_ref(TicketViewers::UserId))
                .col(boolean(TicketViewers::Typing).default(false))
                .col(timestamp_with_time_zone(TicketViewers::SeenAt))
                .col(timestamp_with_time_zone(TicketViewers::ChangedAt))
                .primary_key(Index::create().col(TicketViewers::TicketId).col(TicketViewers::UserId))
                .to_owned(),
        )
        .await?;
        m.create_index(index_on(TicketViewers::Table, "ticket_viewers_changed", &[TicketViewers::ChangedAt])).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(TicketViewers::Table).to_owned()).await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum TicketViewers {
    Table,
    TicketId,
    UserId,
    Typing,
    SeenAt,
    ChangedAt,
}
