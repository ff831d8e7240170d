use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "releases")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// `YY-N.P` as written; `year`, `sequence` and `point` order it.
    pub number: String,
    pub year: i16,
    pub sequence: i32,
    pub point: i32,
    pub state: String,
    pub planned_on: Option<Date>,
    /// Release notes, in Markdown.
    pub notes: String,
    pub released_at: Option<DateTimeUtc>,
    pub created_by: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
