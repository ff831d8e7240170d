//! The installation's inclusions (seed: Installation): per item, the number the client's standard
//! deployment includes and the number installed; anything beyond the agreement is an additional
//! fee, which the monthly billing export lists once installation is done.

use super::*;
use crate::ssr::db::begin;

pub(super) async fn items(
    db: &impl ConnectionTrait,
    project_id: &str,
) -> Result<Vec<installation_item::Model>, AppError> {
    Ok(installation_item::Entity::find().filter(installation_item::Column::ProjectId.eq(project_id)).all(db).await?)
}

/// One row per item, in the vocabulary's order.
pub(super) fn dtos(items: Vec<installation_item::Model>) -> Vec<InclusionDto> {
    let mut rows: Vec<InclusionDto> = items
        .into_iter()
        .filter_map(|i| {
            let item = InclusionItem::parse(&i.item).ok()?;
            let (agreed, installed) = (i.agreed.max(0) as u32, i.installed.max(0) as u32);
            Some(InclusionDto {
                item,
                label: item.label().into(),
                agreed,
                installed,
                additional: additional(agreed, installed),
            })
        })
        .collect();
    rows.sort_by_key(|r| r.item);
    rows
}

/// An account manager records the agreed and installed numbers, until the project leaves its
/// Installation stage. The items given replace the record; an item left out is not part of the
/// installation.
pub async fn put_installation<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    project_id: &str,
    req: InstallationRequest,
    now: DateTime<Utc>,
) -> Result<ProjectDto, AppError> {
    let project = find(db, actor, project_id).await?;
    actor.account_manager()?;
    if stage_of(&project) > Stage::Installation {
        return Err(AppError::rule(
            "invalid_stage",
            "The installation is settled once the project leaves its Installation stage.",
        ));
    }
    let mut check = FieldCheck::default();
    let mut rows: Vec<(InclusionItem, i32, i32)> = Vec::new();
    for (i, input) in req.items.iter().enumerate() {
        let field = |what: &str| format!("items[{i}].{what}");
        let item = check.take(&field("item"), InclusionItem::parse(input.item.trim()));
        let count = |n: i64| match n {
            0..=10_000 => Ok(n as i32),
            _ => Err("Give a number from 0 to 10000.".to_string()),
        };
        let agreed = check.take(&field("agreed"), count(input.agreed));
        let installed = check.take(&field("installed"), count(input.installed));
        if let (Some(item), Some(agreed), Some(installed)) = (item, agreed, installed) {
            if rows.iter().any(|r| r.0 == item) {
                check.add(&field("item"), format!("{} is listed twice.", item.label()));
            }
            rows.push((item, agreed, installed));
        }
    }
    if req.items.is_empty() {
        check.add("items", "List the installation's items, agreed and installed.");
    }
    check.finish()?;
    let txn = begin(db).await?;
    installation_item::Entity::delete_many()
        .filter(installation_item::Column::ProjectId.eq(project.id.as_str()))
        .exec(&txn)
        .await?;
    for (item, agreed, installed) in &rows {
        installation_item::ActiveModel {
            project_id: Set(project.id.clone()),
            item: Set(item.as_str().into()),
            agreed: Set(*agreed),
            installed: Set(*installed),
            updated_by: Set(actor.user_id.clone()),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await?;
    }
    let extra: Vec<String> = rows
        .iter()
        .filter(|(_, agreed, installed)| installed > agreed)
        .map(|(item, agreed, installed)| {
            format!(
                "{} {} beyond the {agreed} agreed",
                additional(*agreed as u32, *installed as u32),
                item.label().to_lowercase()
            )
        })
        .collect();
    let body = match extra.is_empty() {
        true => format!("{} recorded the installation: everything within the standard inclusions.", actor.name),
        false => format!("{} recorded the installation. Additional fees apply for {}.", actor.name, extra.join(", ")),
    };
    tell(&txn, actor, &project, format!("{}: installation recorded", project.name), body, now).await?;
    txn.commit().await?;
    get(db, actor, project_id).await
}

/// The additional fees of an organisation's projects whose installation was done (the project
/// entered training) between `first` and `last`, in the support time zone.
pub async fn additional_fees(
    db: &impl ConnectionTrait,
    organization_id: &str,
    first: chrono::NaiveDate,
    last: chrono::NaiveDate,
) -> Result<Vec<AdditionalFeeRow>, AppError> {
    let calendar = settings::calendar(db).await?;
    let projects = deployment_project::Entity::find()
        .filter(deployment_project::Column::OrganizationId.eq(organization_id))
        .order_by_asc(deployment_project::Column::CreatedAt)
        .all(db)
        .await?;
    let mut fees = Vec::new();
    for project in projects {
        let installed_on = deployment_stage::Entity::find()
            .filter(deployment_stage::Column::ProjectId.eq(project.id.as_str()))
            .filter(deployment_stage::Column::Stage.eq(Stage::Training.as_str()))
            .one(db)
            .await?
            .map(|l| calendar.date_of(l.entered_at));
        if !installed_on.is_some_and(|d| first <= d && d <= last) {
            continue;
        }
        for row in dtos(items(db, &project.id).await?).into_iter().filter(|r| r.additional > 0) {
            fees.push(AdditionalFeeRow {
                project_id: project.id.clone(),
                project_name: project.name.clone(),
                item: row.item,
                label: row.label,
                agreed: row.agreed,
                installed: row.installed,
                additional: row.additional,
            });
        }
    }
    Ok(fees)
}
