//! Settings kept in the database, which admins edit: the business calendar (its time zone is the
//! support time zone) and the catalogue of modules with their minimum requirements.

use super::audit::{self, Entry};
use super::people::field_error;
use crate::domain::audit::AuditKind;
use crate::domain::calendar::{parse_time_zone, BusinessCalendar, Multipliers};
use crate::domain::deployment::{check_catalogue, default_catalogue, ModuleRequirements};
use crate::domain::text::single_line;
use crate::dto::{BusinessHoursDto, ModuleCatalogueDto, MultipliersDto};
use crate::error::{AppError, FieldCheck};
use crate::ssr::auth::Actor;
use crate::ssr::db::begin;
use crate::ssr::entities::setting;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set, TransactionTrait};

const CALENDAR: &str = "business_calendar";
const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// The business calendar in force: the saved one, else the default (Mon-Fri 08:30-17:30 Sydney).
pub async fn calendar(db: &impl ConnectionTrait) -> Result<BusinessCalendar, AppError> {
    let saved = setting::Entity::find_by_id(CALENDAR.to_string()).one(db).await?;
    Ok(saved.and_then(|s| serde_json::from_str(&s.value).ok()).unwrap_or_else(BusinessCalendar::sydney_default))
}

/// The support time zone's date at `at`: the calendar's time zone, which admins edit, is the one
/// every "today" of the rules is read in (billing dates, voucher expiry, deployment milestones).
pub async fn support_date(db: &impl ConnectionTrait, at: DateTime<Utc>) -> Result<NaiveDate, AppError> {
    Ok(calendar(db).await?.date_of(at))
}

pub fn to_wire(cal: &BusinessCalendar) -> BusinessHoursDto {
    let hundredths = |m: u32| f64::from(m) / 100.0;
    BusinessHoursDto {
        time_zone: cal.time_zone.name().to_string(),
        week: DAYS
            .iter()
            .zip(cal.week.iter())
            .map(|(day, hours)| {
                (
                    day.to_string(),
                    hours.map(|(open, close)| (open.format("%H:%M").to_string(), close.format("%H:%M").to_string())),
                )
            })
            .collect(),
        holidays: cal.holidays.iter().copied().collect(),
        multipliers: MultipliersDto {
            weekday_evening: hundredths(cal.multipliers.weekday_evening),
            weekend: hundredths(cal.multipliers.weekend),
            holiday: hundredths(cal.multipliers.holiday),
        },
    }
}

fn from_wire(dto: &BusinessHoursDto) -> Result<BusinessCalendar, AppError> {
    let mut check = FieldCheck::default();
    let time_zone = check.take("time_zone", parse_time_zone(&dto.time_zone));
    if let Some(unknown) = dto.week.keys().find(|k| !DAYS.contains(&k.as_str())) {
        check.add("week", format!("\"{unknown}\" is not a day; use mon, tue, wed, thu, fri, sat, sun."));
    }
    let mut week = [None; 7];
    for (i, day) in DAYS.iter().enumerate() {
        if let Some(Some((open, close))) = dto.week.get(*day) {
            let parse = |t: &str| NaiveTime::parse_from_str(t.trim(), "%H:%M");
            match (parse(open), parse(close)) {
                (Ok(o), Ok(c)) => week[i] = Some((o, c)),
                _ => check.add("week", format!("Write {day}'s hours as [\"08:30\", \"17:30\"].")),
            }
        }
    }
    let to_hundredths = |m: f64| if m.is_finite() && m > 0.0 { (m * 100.0).round() as u32 } else { 0 };
    check.finish()?;
    let cal = BusinessCalendar {
        time_zone: time_zone.ok_or_else(AppError::internal)?,
        week,
        holidays: dto.holidays.iter().copied().collect(),
        multipliers: Multipliers {
            weekday_evening: to_hundredths(dto.multipliers.weekday_evening),
            weekend: to_hundredths(dto.multipliers.weekend),
            holiday: to_hundredths(dto.multipliers.holiday),
        },
    };
    cal.check().map_err(|(field, message)| field_error(field, message))?;
    Ok(cal)
}

/// Admins replace the calendar; every SLA clock and quote uses it from then on.
pub async fn put_calendar<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    dto: BusinessHoursDto,
    now: DateTime<Utc>,
) -> Result<BusinessHoursDto, AppError> {
    actor.admin()?;
    let cal = from_wire(&dto)?;
    save(db, actor, CALENDAR, &calendar(db).await?, &cal, now).await?;
    Ok(to_wire(&cal))
}

/// Saves a setting, and records in the audit log, in one transaction, what was in force before
/// (the default, when it was never saved) and what is now.
async fn save<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    name: &str,
    before: &impl serde::Serialize,
    value: &impl serde::Serialize,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let before = serde_json::to_value(before).map_err(|_| AppError::internal())?;
    let value = serde_json::to_value(value).map_err(|_| AppError::internal())?;
    let model = setting::ActiveModel { name: Set(name.into()), value: Set(value.to_string()), updated_at: Set(now) };
    let txn = begin(db).await?;
    match setting::Entity::find_by_id(name.to_string()).one(&txn).await? {
        Some(_) => model.update(&txn).await?,
        None => model.insert(&txn).await?,
    };
    let label = match name {
        CALENDAR => "The business calendar and rates were changed.",
        _ => "The module catalogue was changed.",
    };
    let entry = Entry::new(AuditKind::SettingsChanged, "settings", Some(name), label).change(before, value);
    audit::record(&txn, actor, entry, now).await?;
    txn.commit().await?;
    Ok(())
}

const MODULES: &str = "module_catalogue";

/// The modules a client may buy and their minimum requirements: the saved catalogue, else the
/// default one.
pub async fn modules(db: &impl ConnectionTrait) -> Result<Vec<ModuleRequirements>, AppError> {
    let saved = setting::Entity::find_by_id(MODULES.to_string()).one(db).await?;
    Ok(saved.and_then(|s| serde_json::from_str(&s.value).ok()).unwrap_or_else(default_catalogue))
}

/// Admins replace the catalogue; projects deploy modules by these names, and a Pre-install form
/// lists the requirements in force when it is filled in.
pub async fn put_modules<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    dto: ModuleCatalogueDto,
    now: DateTime<Utc>,
) -> Result<ModuleCatalogueDto, AppError> {
    actor.admin()?;
    let mut catalogue = Vec::new();
    for (i, m) in dto.modules.iter().enumerate() {
        let module = single_line(&m.module, "the module's name", 100)
            .map_err(|e| field_error(&format!("modules[{i}].module"), e))?;
        let mut requirements = Vec::new();
        for r in m.requirements.iter().filter(|r| !r.trim().is_empty()) {
            requirements.push(
                single_line(r, "a requirement", 300)
                    .map_err(|e| field_error(&format!("modules[{i}].requirements"), e))?,
            );
        }
        catalogue.push(ModuleRequirements { module, requirements });
    }
    check_catalogue(&catalogue).map_err(|m| field_error("modules", m))?;
    save(db, actor, MODULES, &modules(db).await?, &catalogue, now).await?;
    Ok(ModuleCatalogueDto { modules: catalogue })
}
