use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "attachments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The ticket the file is on (and the reply or note it came with), or none for a form's file.
    pub ticket_id: Option<String>,
    pub comment_id: Option<String>,
    /// A deployment project's form the file is on (`domain::deployment::ProjectForm`).
    pub project_id: Option<String>,
    pub form: Option<String>,
    pub organization_id: String,
    pub file_name: String,
    /// What the bytes are (sniffed at upload), not what the uploader said.
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    /// Came with an internal note: staff only.
    pub internal: bool,
    pub uploaded_by: String,
    pub created_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
    pub deleted_by: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
