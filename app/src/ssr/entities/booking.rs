use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "after_hours_bookings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub organization_id: String,
    pub ticket_id: String,
    pub requester_id: String,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub status: String,
    pub quote_minutes: i64,
    /// The quoted segments as JSON.
    #[sea_orm(column_type = "Text")]
    pub segments: String,
    pub engineer_id: Option<String>,
    pub actual_minutes: Option<i64>,
    pub decision_note: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
