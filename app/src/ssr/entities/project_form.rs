use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "project_forms")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub project_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: String,
    pub status: String,
    /// The form's answers as JSON, in the shape of its kind's wire type.
    #[sea_orm(column_type = "Text")]
    pub content: String,
    pub submitted_by: Option<String>,
    pub submitted_at: Option<DateTimeUtc>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTimeUtc>,
    pub decision_note: Option<String>,
    /// A signed form: the full name the signer typed, who they are, and when; never changed after.
    pub signed_name: Option<String>,
    pub signed_by: Option<String>,
    pub signed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
