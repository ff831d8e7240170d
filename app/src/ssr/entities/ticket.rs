use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tickets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub number: i64,
    pub organization_id: String,
    pub requester_id: String,
    pub subject: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub kind: String,
    pub priority: String,
    pub status: String,
    pub queue: String,
    pub product: Option<String>,
    pub assignee_id: Option<String>,
    pub billing_tag: String,
    pub billing_reason: String,
    pub billing_manual: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub first_response_at: Option<DateTimeUtc>,
    pub resolved_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    /// When the SLA clock last stopped (awaiting the customer); None while it runs.
    pub paused_since: Option<DateTimeUtc>,
    /// Business minutes the SLA clock has stood still, before `paused_since`.
    pub paused_minutes: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
