//! How many tickets each assignee holds in each status; kept by the database's triggers
//! (migration 30), only ever read here.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "assignee_tallies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub assignee_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub status: String,
    pub tickets: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
