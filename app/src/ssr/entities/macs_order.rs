use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "macs_orders")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub organization_id: String,
    pub ticket_id: String,
    pub requester_id: String,
    /// The catalogue item ordered; none: a quote asked for outside the catalogue.
    pub item_id: Option<String>,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub details: String,
    pub status: String,
    /// The price in voucher minutes: the item's when ordered, or the agent's quote.
    pub quote_minutes: Option<i32>,
    pub quote_note: Option<String>,
    /// What completion redeemed (or would have, on a ticket that is not billable: then 0).
    pub charged_minutes: Option<i32>,
    pub due_on: Option<Date>,
    pub decision_note: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
