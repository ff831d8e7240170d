//! Training ("train the trainer") and user acceptance testing: sessions CyTrack records, test
//! items the client passes or fails (a failure raises a ticket), waived by CyTrack with a reason.

use super::*;
use crate::ssr::db::begin;

pub(super) async fn sessions(
    db: &impl ConnectionTrait,
    project_id: &str,
) -> Result<Vec<training_session::Model>, AppError> {
    Ok(training_session::Entity::find()
        .filter(training_session::Column::ProjectId.eq(project_id))
        .order_by_asc(training_session::Column::HeldOn)
        .order_by_asc(training_session::Column::CreatedAt)
        .all(db)
        .await?)
}

pub(super) fn training_dto(t: training_session::Model) -> TrainingDto {
    TrainingDto {
        attendees: serde_json::from_str(&t.attendees).unwrap_or_default(),
        id: t.id,
        held_on: t.held_on,
        trainer: t.trainer,
        superuser_trained: t.superuser_trained,
    }
}

/// An account manager records a training session while the project is at its Training stage.
pub async fn record_training<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    project_id: &str,
    req: TrainingRequest,
    now: DateTime<Utc>,
) -> Result<ProjectDto, AppError> {
    let project = find(db, actor, project_id).await?;
    actor.account_manager()?;
    if project.stage != Stage::Training.as_str() {
        return Err(AppError::rule(
            "invalid_stage",
            "Training sessions are recorded while the project is at its Training stage.",
        ));
    }
    let mut check = FieldCheck::default();
    let held_on = check.take("held_on", parse_date(req.held_on.trim()));
    let trainer = check.take("trainer", single_line(&req.trainer, "the trainer's name", 100));
    let attendees: Vec<String> = req
        .attendees
        .iter()
        .filter(|a| !a.trim().is_empty())
        .filter_map(|a| check.take("attendees", single_line(a, "an attendee's name", 100)))
        .collect();
    if attendees.is_empty() {
        check.add("attendees", "Name who attended.");
    }
    check.finish()?;
    let (Some(held_on), Some(trainer)) = (held_on, trainer) else { return Err(AppError::internal()) };
    let txn = begin(db).await?;
    training_session::ActiveModel {
        id: Set(new_id()),
        project_id: Set(project.id.clone()),
        held_on: Set(held_on),
        trainer: Set(trainer),
        attendees: Set(serde_json::to_string(&attendees).map_err(|_| AppError::internal())?),
        superuser_trained: Set(req.superuser_trained),
        recorded_by: Set(actor.user_id.clone()),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let body = format!(
        "Training held on {} for {}{}.",
        long_date(held_on),
        attendees.join(", "),
        if req.superuser_trained { " (the superuser trained)" } else { "" }
    );
    tell(&txn, actor, &project, format!("{}: training recorded", project.name), body, now).await?;
    txn.commit().await?;
    get(db, actor, project_id).await
}

pub(super) async fn uat_items(db: &impl ConnectionTrait, project_id: &str) -> Result<Vec<uat_item::Model>, AppError> {
    Ok(uat_item::Entity::find()
        .filter(uat_item::Column::ProjectId.eq(project_id))
        .order_by_asc(uat_item::Column::CreatedAt)
        .order_by_asc(uat_item::Column::Id)
        .all(db)
        .await?)
}

pub(super) fn uat_status(item: &uat_item::Model) -> UatStatus {
    UatStatus::parse(&item.status).unwrap_or(UatStatus::Open)
}

/// Items with the numbers of the tickets their failures raised, in one query.
pub(super) async fn uat_dtos(
    db: &impl ConnectionTrait,
    items: Vec<uat_item::Model>,
) -> Result<Vec<UatItemDto>, AppError> {
    let numbers: HashMap<String, i64> = ticket::Entity::find()
        .filter(ticket::Column::Id.is_in(items.iter().filter_map(|i| i.ticket_id.clone())))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.number))
        .collect();
    Ok(items
        .into_iter()
        .map(|i| UatItemDto {
            status: uat_status(&i),
            ticket_number: i.ticket_id.as_ref().and_then(|t| numbers.get(t)).map(|n| ticket_number(*n)),
            id: i.id,
            title: i.title,
            ticket_id: i.ticket_id,
            note: i.note,
        })
        .collect())
}

/// An account manager adds something for the client to test (before go-live).
pub async fn add_uat_item<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    project_id: &str,
    req: UatItemRequest,
    now: DateTime<Utc>,
) -> Result<ProjectDto, AppError> {
    let project = find(db, actor, project_id).await?;
    actor.account_manager()?;
    if !test_items_open(Stage::parse(&project.stage).unwrap_or(Stage::Completed)) {
        return Err(AppError::rule("invalid_stage", "Test items are added before go-live."));
    }
    let title = single_line(&req.title, "what is to be tested", 200).map_err(|m| field_error("title", m))?;
    uat_item::ActiveModel {
        id: Set(new_id()),
        project_id: Set(project.id.clone()),
        title: Set(title),
        status: Set(UatStatus::Open.as_str().into()),
        ticket_id: Set(None),
        note: Set(None),
        updated_by: Set(actor.user_id.clone()),
        updated_at: Set(now),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    get(db, actor, project_id).await
}

/// The item and its project, when the caller may follow the project.
async fn find_item(
    db: &impl ConnectionTrait,
    actor: &Actor,
    item_id: &str,
) -> Result<(uat_item::Model, deployment_project::Model), AppError> {
    let item = match looks_like_id(item_id) {
        true => uat_item::Entity::find_by_id(item_id.to_string()).one(db).await?,
        false => None,
    };
    let item = item.ok_or_else(|| AppError::not_found("test item"))?;
    let project = find(db, actor, &item.project_id).await?;
    Ok((item, project))
}

/// The client's superuser records a result while the project is at its Testing stage. A failure
/// raises a ticket (tagged by the usual rule: before go-live, deployment work), once per item;
/// a later failure of the same item is added to that ticket's conversation.
pub async fn record_uat_result<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    item_id: &str,
    req: UatResultRequest,
    now: DateTime<Utc>,
) -> Result<ProjectDto, AppError> {
    let (item, project) = find_item(db, actor, item_id).await?;
    if !matches!(actor.access()?, Access::Customer(_)) {
        return Err(AppError::forbidden("The client's superuser records test results; CyTrack may waive an item."));
    }
    if project.stage != Stage::Testing.as_str() {
        return Err(AppError::rule(
            "invalid_stage",
            "Test results are recorded while the project is at its Testing stage.",
        ));
    }
    let result = match UatStatus::parse(req.result.trim()) {
        Ok(r @ (UatStatus::Passed | UatStatus::Failed)) => r,
        _ => return Err(field_error("result", "Choose passed or failed.".into())),
    };
    if uat_status(&item) == UatStatus::Waived {
        return Err(AppError::conflict("waived", "CyTrack waived this item; it needs no result."));
    }
    let note = match (result, req.note.as_deref().map(str::trim).filter(|n| !n.is_empty())) {
        (UatStatus::Failed, None) => return Err(field_error("note", "Say what went wrong.".into())),
        (_, Some(n)) => Some(multi_line(n, "what went wrong", 2000).map_err(|m| field_error("note", m))?),
        (_, None) => None,
    };
    let mut ticket_id = item.ticket_id.clone();
    if let (UatStatus::Failed, Some(note)) = (result, &note) {
        match &ticket_id {
            Some(id) => {
                let reply = crate::dto::CommentRequest {
                    body: format!("Failed again in testing: {note}"),
                    internal: false,
                    last_seen_comment_id: None,
                };
                crate::ssr::services::replies::comment_in(db, actor, id, reply, now).await?;
            }
            None => {
                let new = tickets::NewTicket {
                    subject: format!("UAT: {}", item.title).chars().take(200).collect(),
                    description: format!("Failed in user acceptance testing of {}: {note}", project.name),
                    kind: TicketKind::Fault,
                    priority: Priority::P2,
                    product: None,
                    requester_id: None,
                };
                ticket_id = Some(tickets::insert_ticket(db, actor, &project.organization_id, new, now).await?.id);
            }
        }
    }
    let mut model: uat_item::ActiveModel = item.into();
    model.status = Set(result.as_str().into());
    model.ticket_id = Set(ticket_id);
    model.note = Set(note);
    model.updated_by = Set(actor.user_id.clone());
    model.updated_at = Set(now);
    model.update(db).await?;
    get(db, actor, &project.id).await
}

/// An account manager waives an item that did not pass, with the reason the client reads.
pub async fn waive_uat_item<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    item_id: &str,
    req: ReasonRequest,
    now: DateTime<Utc>,
) -> Result<ProjectDto, AppError> {
    let (item, project) = find_item(db, actor, item_id).await?;
    actor.account_manager()?;
    if !test_items_open(Stage::parse(&project.stage).unwrap_or(Stage::Completed)) {
        return Err(AppError::rule("invalid_stage", "Test items are waived before go-live."));
    }
    if uat_status(&item) == UatStatus::Passed {
        return Err(AppError::conflict("passed", "The item passed; there is nothing to waive."));
    }
    let reason = single_line(&req.reason, "why it is waived", 500).map_err(|m| field_error("reason", m))?;
    let mut model: uat_item::ActiveModel = item.into();
    model.status = Set(UatStatus::Waived.as_str().into());
    model.note = Set(Some(reason));
    model.updated_by = Set(actor.user_id.clone());
    model.updated_at = Set(now);
    model.update(db).await?;
    get(db, actor, &project.id).await
}
