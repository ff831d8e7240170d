use sea_orm::entity::prelude::*;

/// One day's work of one staff member: public replies written and minutes logged, kept by
/// `services::reports::count_work`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff_days")]
pub struct Model {
    /// `YYYY-MM-DD` in the support time zone (for minutes: the day the time was logged against).
    #[sea_orm(primary_key, auto_increment = false)]
    pub day: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: String,
    pub replies: i64,
    pub minutes_logged: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
