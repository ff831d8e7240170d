use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "training_sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub project_id: String,
    pub held_on: Date,
    /// CyTrack's trainer.
    pub trainer: String,
    /// The client's people who attended, as a JSON list of names.
    #[sea_orm(column_type = "Text")]
    pub attendees: String,
    /// The organisation's superuser was among them ("train the trainer").
    pub superuser_trained: bool,
    pub recorded_by: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
