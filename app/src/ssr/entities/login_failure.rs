use sea_orm::entity::prelude::*;

/// A sign-in attempt not (yet) known to have succeeded: a failure once its password was checked,
/// or `refused` unchecked by the throttle.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "login_failures")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub email: String,
    pub created_at: DateTimeUtc,
    /// The address it came from (`ClientAddress`), where known.
    pub source: Option<String>,
    pub refused: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
