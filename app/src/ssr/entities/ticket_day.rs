use sea_orm::entity::prelude::*;

/// One day's tally of tickets for a scope (`all`, or an organisation's id), queue, priority and
/// billing tag (`domain::reports::Tally`), kept by `services::reports::count`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ticket_days")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub scope: String,
    /// `YYYY-MM-DD` in the support time zone.
    #[sea_orm(primary_key, auto_increment = false)]
    pub day: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub queue: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub priority: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub billing_tag: String,
    pub raised: i64,
    pub resolved: i64,
    pub responded: i64,
    pub responded_in_time: i64,
    pub resolved_in_time: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
