use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "post_questions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub post_id: String,
    pub author_id: String,
    /// The asker's organisation (none for staff): whose people see the asker's name.
    pub organization_id: Option<String>,
    pub body: String,
    pub answer: Option<String>,
    pub answered_by: Option<String>,
    pub answered_at: Option<DateTimeUtc>,
    /// The ticket the question became, when staff turned it into one.
    pub ticket_id: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
