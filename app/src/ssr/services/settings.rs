//! Settings kept in the database; for now the business calendar (admins edit it).

use super::people::field_error;
use crate::domain::calendar::{parse_time_zone, BusinessCalendar, Multipliers};
use crate::dto::{BusinessHoursDto, MultipliersDto};
use crate::error::{AppError, FieldCheck};
use crate::ssr::auth::Actor;
use crate::ssr::entities::setting;
use chrono::{DateTime, NaiveTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};

const CALENDAR: &str = "business_calendar";
const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// The business calendar in force: the saved one, else the default (Mon-Fri 08:30-17:30 Sydney).
pub async fn calendar(db: &impl ConnectionTrait) -> Result<BusinessCalendar, AppError> {
    let saved = setting::Entity::find_by_id(CALENDAR.to_string()).one(db).await?;
    Ok(saved.and_then(|s| serde_json::from_str(&s.value).ok()).unwrap_or_else(BusinessCalendar::sydney_default))
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
pub async fn put_calendar(
    db: &impl ConnectionTrait,
    actor: &Actor,
    dto: BusinessHoursDto,
    now: DateTime<Utc>,
) -> Result<BusinessHoursDto, AppError> {
    actor.admin()?;
    let cal = from_wire(&dto)?;
    let value = serde_json::to_string(&cal).map_err(|_| AppError::internal())?;
    let model = setting::ActiveModel { name: Set(CALENDAR.into()), value: Set(value), updated_at: Set(now) };
    match setting::Entity::find_by_id(CALENDAR.to_string()).one(db).await? {
        Some(_) => model.update(db).await?,
        None => model.insert(db).await?,
    };
    Ok(to_wire(&cal))
}
