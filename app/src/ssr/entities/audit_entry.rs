use sea_orm::entity::prelude::*;

/// One line of the audit log; never updated or deleted (the database refuses both).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_entries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub at: DateTimeUtc,
    /// Who acted; none for a sign-in by someone not (yet) known, or the portal itself.
    pub actor_id: Option<String>,
    /// The actor's name as it was, or the address a failed sign-in named.
    pub actor_name: String,
    pub kind: String,
    /// The organisation the action concerns, when it concerns one.
    pub organization_id: Option<String>,
    pub target_type: String,
    pub target_id: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub summary: String,
    /// What changed, as JSON: the fields before and after.
    #[sea_orm(column_type = "Text", nullable)]
    pub before: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub after: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
