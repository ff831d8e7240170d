use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ledger_entries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// Order within the organisation's ledger (the organisation's ledger version when written).
    pub seq: i64,
    pub organization_id: String,
    pub voucher_id: String,
    pub kind: String,
    pub minutes: i32,
    pub ticket_id: Option<String>,
    pub booking_id: Option<String>,
    /// The MACS order a reservation (and what became of it) belongs to.
    pub order_id: Option<String>,
    pub redemption_id: Option<String>,
    pub actor_id: Option<String>,
    pub note: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
