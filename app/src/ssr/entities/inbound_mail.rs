use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inbound_mail")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub message_id: Option<String>,
    pub from_address: String,
    pub subject: String,
    /// `ticket_created`, `comment_added` or `rejected`.
    pub outcome: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub reason: Option<String>,
    pub ticket_id: Option<String>,
    /// `endpoint` or `imap`.
    pub source: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
