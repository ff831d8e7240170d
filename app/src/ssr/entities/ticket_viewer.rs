use sea_orm::entity::prelude::*;

/// Someone on a ticket's page: their page beats every few seconds (`domain::live`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ticket_viewers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub ticket_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: String,
    pub typing: bool,
    pub seen_at: DateTimeUtc,
    /// When they arrived, started or stopped typing, or left: what other pages are told of.
    pub changed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
