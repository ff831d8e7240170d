//! Tickets with their conversation and history, and the counter behind human ticket numbers.

use crate::m20261127_000001_people::{Organizations, Users};
use crate::{id, id_ref, id_ref_null};
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261127_000002_tickets"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Counters::Table)
                .col(string_len(Counters::Name, 40).primary_key())
                .col(big_integer(Counters::Value))
                .to_owned(),
        )
        .await?;
        m.exec_stmt(
            Query::insert()
                .into_table(Counters::Table)
                .columns([Counters::Name, Counters::Value])
                .values_panic(["ticket".into(), 0i64.into()])
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Tickets::Table)
                .col(id(Tickets::Id))
                .col(big_integer_uniq(Tickets::Number))
                .col(id_ref(Tickets::OrganizationId))
                .col(id_ref(Tickets::RequesterId))
                .col(string_len(Tickets::Subject, 200))
                .col(text(Tickets::Description))
                .col(string_len(Tickets::Kind, 20))
                .col(string_len(Tickets::Priority, 4))
                .col(string_len(Tickets::Status, 20))
                .col(string_len(Tickets::Queue, 100))
                .col(string_len_null(Tickets::Product, 40))
                .col(id_ref_null(Tickets::AssigneeId))
                .col(string_len(Tickets::BillingTag, 20))
                .col(string_len(Tickets::BillingReason, 500))
                .col(boolean(Tickets::BillingManual).default(false))
                .col(timestamp_with_time_zone(Tickets::CreatedAt))
                .col(timestamp_with_time_zone(Tickets::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Tickets::Table, Tickets::OrganizationId)
                        .to(Organizations::Table, Organizations::Id),
                )
                .foreign_key(
                    ForeignKey::create().from(Tickets::Table, Tickets::RequesterId).to(Users::Table, Users::Id),
                )
                .foreign_key(ForeignKey::create().from(Tickets::Table, Tickets::AssigneeId).to(Users::Table, Users::Id))
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            ("tickets_organization_created", vec![Tickets::OrganizationId, Tickets::CreatedAt]),
            ("tickets_requester_created", vec![Tickets::RequesterId, Tickets::CreatedAt]),
            ("tickets_status_created", vec![Tickets::Status, Tickets::CreatedAt]),
            ("tickets_queue_status", vec![Tickets::Queue, Tickets::Status]),
            ("tickets_assignee_status", vec![Tickets::AssigneeId, Tickets::Status]),
            ("tickets_created", vec![Tickets::CreatedAt]),
        ] {
            let mut index = Index::create();
            index.name(name).table(Tickets::Table);
            for col in cols {
                index.col(col);
            }
            m.create_index(index.to_owned()).await?;
        }

        m.create_table(
            Table::create()
                .table(TicketComments::Table)
                .col(id(TicketComments::Id))
                .col(id_ref(TicketComments::TicketId))
                .col(id_ref(TicketComments::AuthorId))
                .col(text(TicketComments::Body))
                .col(boolean(TicketComments::Internal))
                .col(timestamp_with_time_zone(TicketComments::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(TicketComments::Table, TicketComments::TicketId)
                        .to(Tickets::Table, Tickets::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(TicketComments::Table, TicketComments::AuthorId)
                        .to(Users::Table, Users::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ticket_comments_ticket")
                .table(TicketComments::Table)
                .col(TicketComments::TicketId)
                .col(TicketComments::CreatedAt)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(TicketHistory::Table)
                .col(pk_auto(TicketHistory::Id))
                .col(id_ref(TicketHistory::TicketId))
                .col(id_ref_null(TicketHistory::ActorId))
                .col(string_len(TicketHistory::Field, 40))
                .col(text_null(TicketHistory::OldValue))
                .col(text_null(TicketHistory::NewValue))
                .col(timestamp_with_time_zone(TicketHistory::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(TicketHistory::Table, TicketHistory::TicketId)
                        .to(Tickets::Table, Tickets::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ticket_history_ticket")
                .table(TicketHistory::Table)
                .col(TicketHistory::TicketId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            TicketHistory::Table.into_iden(),
            TicketComments::Table.into_iden(),
            Tickets::Table.into_iden(),
            Counters::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Counters {
    Table,
    Name,
    Value,
}

#[derive(DeriveIden)]
enum Tickets {
    Table,
    Id,
    Number,
    OrganizationId,
    RequesterId,
    Subject,
    Description,
    Kind,
    Priority,
    Status,
    Queue,
    Product,
    AssigneeId,
    BillingTag,
    BillingReason,
    BillingManual,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum TicketComments {
    Table,
    Id,
    TicketId,
    AuthorId,
    Body,
    Internal,
    CreatedAt,
}

#[derive(DeriveIden)]
enum TicketHistory {
    Table,
    Id,
    TicketId,
    ActorId,
    Field,
    OldValue,
    NewValue,
    CreatedAt,
}
