use sea_orm::entity::prelude::*;

/// The release a ticket is slated for: its fix's, or, for an upgrade, the one to upgrade to.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ticket_releases")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub ticket_id: String,
    pub release_id: String,
    pub slated_by: String,
    pub slated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::ticket::Entity", from = "Column::TicketId", to = "super::ticket::Column::Id")]
    Ticket,
}

impl ActiveModelBehavior for ActiveModel {}
