//! The support desk's business calendar: opening hours in a real time zone, public holidays and after-hours rates.

use std::collections::BTreeSet;
use std::ops::Bound::Excluded;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeDelta, TimeZone, Utc, Weekday};
use chrono_tz::{GapInfo, Tz};
use serde::{Deserialize, Serialize};

/// Multipliers in hundredths: 150 means x1.5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Multipliers {
    pub weekday_evening: u32,
    pub weekend: u32,
    pub holiday: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BusinessCalendar {
    /// Serialized as its IANA name, e.g. "Australia/Sydney" (chrono-tz's `serde` feature).
    pub time_zone: Tz,
    /// Opening hours per weekday, Monday first; None = closed that day. Start < end, same day.
    pub week: [Option<(NaiveTime, NaiveTime)>; 7],
    pub holidays: BTreeSet<NaiveDate>,
    pub multipliers: Multipliers,
}

/// The time zones the support desk's calendar may be kept in: where CyTrack and its clients work.
/// The browser bundle carries only these zones' rules (the whole time-zone database would be a
/// megabyte of the first download); `.cargo/config.toml` holds the same list as chrono-tz's
/// build filter, and a test below keeps the two equal.
pub const TIME_ZONES: &[&str] = &[
    "Australia/Sydney",
    "Australia/Melbourne",
    "Australia/Brisbane",
    "Australia/Adelaide",
    "Australia/Darwin",
    "Australia/Hobart",
    "Australia/Perth",
    "Pacific/Auckland",
    "Asia/Singapore",
    "Asia/Manila",
    "Asia/Jakarta",
    "Asia/Hong_Kong",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "Asia/Dubai",
    "Europe/London",
    "America/New_York",
    "America/Los_Angeles",
];

/// A calendar time zone by its IANA name: one of `TIME_ZONES`.
pub fn parse_time_zone(name: &str) -> Result<Tz, String> {
    let name = name.trim();
    let offered = || format!("Choose one of the supported time zones: {}.", TIME_ZONES.join(", "));
    if !TIME_ZONES.contains(&name) {
        return Err(offered());
    }
    name.parse::<Tz>().map_err(|_| offered())
}

/// A stretch of after-hours time charged at one multiplier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub multiplier: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WindowError {
    /// ends_at <= starts_at
    EndsBeforeStart,
    /// longer than the allowed maximum (pass the max in minutes to split_after_hours)
    TooLong,
    /// some minute of the window is inside business hours; carries the first such instant
    InsideBusinessHours(DateTime<Utc>),
}

/// How far ahead `add_business_minutes` looks before it answers "never": SLA clocks run for days, so a
/// century is only there to bound the work on absurd input.
const HORIZON_DAYS: usize = 36_525;

const MULTIPLIER_RANGE: std::ops::RangeInclusive<u32> = 100..=1000;

/// One local calendar day laid out in real time. Days tile the timeline (each starts where the previous
/// one ends) and business hours sit inside their day, so every answer below comes from the same layout.
struct Day {
    starts: DateTime<Utc>,
    ends: DateTime<Utc>,
    open: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// The rate for every instant of the day outside `open`.
    off_hours: u32,
}

impl Day {
    /// The day's after-hours stretches: before opening and after closing, or the whole day.
    fn off_hours_pieces(&self) -> [(DateTime<Utc>, DateTime<Utc>); 2] {
        match self.open {
            Some((open, close)) => [(self.starts, open), (close, self.ends)],
            None => [(self.starts, self.ends), (self.ends, self.ends)],
        }
    }
}

impl BusinessCalendar {
    /// The date at `at` in the support time zone: the "today" every rule reads.
    pub fn date_of(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.time_zone).date_naive()
    }

    /// When `date` begins in the support time zone (the first instant of it, across a clock
    /// change too): a range of days as people type it becomes instants.
    pub fn day_starts(&self, date: NaiveDate) -> DateTime<Utc> {
        self.resolve(date.and_time(NaiveTime::MIN))
    }

    /// Mon-Fri 08:30-17:30 Australia/Sydney, x1.5 / x2 / x2, no holidays.
    pub fn sydney_default() -> BusinessCalendar {
        let weekday = NaiveTime::from_hms_opt(8, 30, 0).zip(NaiveTime::from_hms_opt(17, 30, 0));
        BusinessCalendar {
            time_zone: chrono_tz::Australia::Sydney,
            week: [weekday, weekday, weekday, weekday, weekday, None, None],
            holidays: BTreeSet::new(),
            multipliers: Multipliers { weekday_evening: 150, weekend: 200, holiday: 200 },
        }
    }

    /// Is this instant inside business hours? (opening time inclusive, closing time exclusive)
    pub fn is_business_time(&self, at: DateTime<Utc>) -> bool {
        self.days_from(at).next().and_then(|day| day.open).is_some_and(|(open, close)| open <= at && at < close)
    }

    /// Is this local date a business day (open per `week` and not a holiday)?
    pub fn is_business_day(&self, day: NaiveDate) -> bool {
        self.hours(day.weekday()).is_some() && !self.holidays.contains(&day)
    }

    /// Business minutes in [from, to); 0 when to <= from.
    pub fn business_minutes_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        if to <= from {
            return 0;
        }
        let mut total = TimeDelta::zero();
        for day in self.days_from(from).take_while(|day| day.starts < to) {
            if let Some((open, close)) = day.open {
                let (start, end) = (open.max(from), close.min(to));
                if start < end {
                    total += end - start;
                }
            }
        }
        // Summing before truncating keeps partial minutes at either end from being lost twice.
        total.num_minutes()
    }

    /// The instant at which `minutes` business minutes have elapsed after `from` (from may be outside hours: the
    /// clock starts at the next opening). minutes == 0 returns the next business instant at or after `from`.
    ///
    /// Landing exactly on a closing time returns that closing time, not the next opening. Negative minutes count
    /// as 0. A calendar that never opens, or an answer more than a century away, gives
    /// `DateTime::<Utc>::MAX_UTC`: a deadline that is never reached.
    pub fn add_business_minutes(&self, from: DateTime<Utc>, minutes: i64) -> DateTime<Utc> {
        let Some(mut remaining) = TimeDelta::try_minutes(minutes.max(0)) else {
            return DateTime::<Utc>::MAX_UTC;
        };
        if self.week.iter().flatten().all(|(start, end)| start >= end) {
            return DateTime::<Utc>::MAX_UTC;
        }
        for day in self.days_from(from).take(HORIZON_DAYS) {
            let Some((open, close)) = day.open else { continue };
            let start = open.max(from);
            if start >= close {
                continue;
            }
            let available = close - start;
            if remaining <= available {
                return start.checked_add_signed(remaining).unwrap_or(close);
            }
            remaining -= available;
        }
        DateTime::<Utc>::MAX_UTC
    }

    /// Number of whole business days strictly between the local date of `now` and the local date `day` (e.g. now =
    /// Monday, day = Thursday -> 2 (Tue, Wed)). Used for "a booking must start at least two business days ahead".
    /// Returns 0 if day <= today+1.
    pub fn business_days_between(&self, now: DateTime<Utc>, day: NaiveDate) -> i64 {
        let today = self.local_date(now);
        let between = (day - today).num_days() - 1;
        let Some(first) = today.succ_opt().filter(|_| between > 0) else { return 0 };
        // Counted a week at a time so that a date years ahead costs no more than one next week.
        let is_open = |weekday: &Weekday| self.hours(*weekday).is_some();
        let weekdays = std::iter::successors(Some(first.weekday()), |weekday| Some(weekday.succ()));
        let per_week = weekdays.clone().take(7).filter(is_open).count() as i64;
        let in_part_week = weekdays.take((between % 7) as usize).filter(is_open).count() as i64;
        let holidays = self.holidays.range((Excluded(today), Excluded(day))).filter(|h| is_open(&h.weekday())).count();
        between / 7 * per_week + in_part_week - holidays as i64
    }

    /// The length of one business day in minutes on a normal weekday (Mon's hours; 540 for the default). Used to
    /// express "1 business day" SLA targets.
    ///
    /// When Monday is closed the first open weekday stands in; a calendar that never opens gives 0.
    pub fn business_day_minutes(&self) -> i64 {
        self.hours(Weekday::Mon)
            .or_else(|| self.week.iter().flatten().copied().find(|(start, end)| start < end))
            .map_or(0, |(start, end)| (end - start).num_minutes())
    }

    /// Splits an after-hours window into segments of constant multiplier, in order, covering [starts_at, ends_at)
    /// exactly, merging adjacent segments with the same multiplier. Refuses windows that end before they start, are
    /// longer than `max_minutes`, or touch business hours in any minute (a window ending exactly at 08:30 or
    /// starting exactly at 17:30 is fine).
    pub fn split_after_hours(
        &self,
        starts_at: DateTime<Utc>,
        ends_at: DateTime<Utc>,
        max_minutes: i64,
    ) -> Result<Vec<Segment>, WindowError> {
        if ends_at <= starts_at {
            return Err(WindowError::EndsBeforeStart);
        }
        // A maximum too large to express as a duration limits nothing.
        let too_long = match TimeDelta::try_minutes(max_minutes) {
            Some(max) => ends_at - starts_at > max,
            None => max_minutes < 0,
        };
        if too_long {
            return Err(WindowError::TooLong);
        }
        let mut segments: Vec<Segment> = Vec::new();
        for day in self.days_from(starts_at).take_while(|day| day.starts < ends_at) {
            if let Some((open, close)) = day.open {
                if open.max(starts_at) < close.min(ends_at) {
                    return Err(WindowError::InsideBusinessHours(open.max(starts_at)));
                }
            }
            for (start, end) in day.off_hours_pieces() {
                let (start, end) = (start.max(starts_at), end.min(ends_at));
                if start >= end {
                    continue;
                }
                match segments.last_mut() {
                    Some(last) if last.multiplier == day.off_hours && last.ends_at == start => last.ends_at = end,
                    _ => segments.push(Segment { starts_at: start, ends_at: end, multiplier: day.off_hours }),
                }
            }
        }
        Ok(segments)
    }

    /// Quote in whole voucher minutes: sum over segments of ceil(segment minutes * multiplier / 100). Segment
    /// minutes are whole minutes (windows are on whole minutes in practice; round a partial minute up).
    pub fn quote_minutes(segments: &[Segment]) -> i64 {
        segments
            .iter()
            .map(|segment| {
                let length = (segment.ends_at - segment.starts_at).max(TimeDelta::zero());
                let whole = length.num_minutes();
                let minutes = if length > TimeDelta::minutes(whole) { whole + 1 } else { whole };
                // i128 because minutes times a multiplier can pass i64 on absurd input.
                let hundredths = i128::from(minutes) * i128::from(segment.multiplier);
                let charged = (hundredths + 99) / 100;
                i64::try_from(charged).unwrap_or(i64::MAX)
            })
            .fold(0, i64::saturating_add)
    }

    /// Checks an admin-edited calendar: every open day has start < end; multipliers between 100 and 1000. Returns
    /// (field, message) on the first problem; fields are "week", "multipliers".
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        const NAMES: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
        for (name, hours) in NAMES.iter().zip(self.week.iter()) {
            if let Some((start, end)) = hours {
                if start >= end {
                    return Err((
                        "week",
                        format!(
                            "{name}: the desk must open before it closes ({} to {}).",
                            start.format("%H:%M"),
                            end.format("%H:%M")
                        ),
                    ));
                }
            }
        }
        let Multipliers { weekday_evening, weekend, holiday } = self.multipliers;
        for (name, value) in [("weekday evening", weekday_evening), ("weekend", weekend), ("public holiday", holiday)] {
            if !MULTIPLIER_RANGE.contains(&value) {
                return Err((
                    "multipliers",
                    format!(
                        "The {name} multiplier must be between x{} and x{} (it is x{}).",
                        hundredths(*MULTIPLIER_RANGE.start()),
                        hundredths(*MULTIPLIER_RANGE.end()),
                        hundredths(value)
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Opening hours of a weekday; an empty or inverted range (which `check` rejects) counts as closed so that a
    /// bad edit can never produce negative business time.
    fn hours(&self, weekday: Weekday) -> Option<(NaiveTime, NaiveTime)> {
        self.week[weekday.num_days_from_monday() as usize].filter(|(start, end)| start < end)
    }

    fn off_hours_multiplier(&self, date: NaiveDate) -> u32 {
        if self.holidays.contains(&date) {
            self.multipliers.holiday
        } else if self.hours(date.weekday()).is_none() {
            self.multipliers.weekend
        } else {
            self.multipliers.weekday_evening
        }
    }

    fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        let offset = self.time_zone.offset_from_utc_datetime(&at.naive_utc()).fix();
        // At the very ends of chrono's range the local time may not be representable.
        at.naive_utc().checked_add_offset(offset).map_or_else(|| at.date_naive(), |local| local.date())
    }

    /// The first instant at which the local clock reads `local` or later: the earlier of two readings when the
    /// clock falls back, and the end of the jump when `local` falls in a gap, so day and hour boundaries never go
    /// missing.
    fn resolve(&self, local: NaiveDateTime) -> DateTime<Utc> {
        if let Some(at) = self.time_zone.from_local_datetime(&local).earliest() {
            return at.with_timezone(&Utc);
        }
        match GapInfo::new(&local, &self.time_zone).and_then(|gap| gap.end) {
            Some(end) => end.with_timezone(&Utc),
            // Only past the ends of chrono's range, where any nearby instant will do.
            None => local.and_utc(),
        }
    }

    fn day(&self, date: NaiveDate, starts: DateTime<Utc>, ends: DateTime<Utc>) -> Day {
        let open = self.hours(date.weekday()).filter(|_| !self.holidays.contains(&date)).map(|(start, end)| {
            let open = self.resolve(date.and_time(start)).max(starts).min(ends);
            let close = self.resolve(date.and_time(end)).max(open).min(ends);
            (open, close)
        });
        Day { starts, ends, open, off_hours: self.off_hours_multiplier(date) }
    }

    /// Local days in order, beginning with the one that contains `at`.
    fn days_from(&self, at: DateTime<Utc>) -> impl Iterator<Item = Day> + '_ {
        let date = self.local_date(at);
        // Starting a day early covers any zone whose midnight resolves later than the local date suggests.
        let first = date.pred_opt().unwrap_or(date);
        let mut next = Some((first, self.resolve(first.and_time(NaiveTime::MIN))));
        std::iter::from_fn(move || {
            let (date, starts) = next.take()?;
            let ends = match date.succ_opt() {
                Some(following) => {
                    let ends = self.resolve(following.and_time(NaiveTime::MIN)).max(starts);
                    next = Some((following, ends));
                    ends
                }
                None => DateTime::<Utc>::MAX_UTC,
            };
            Some(self.day(date, starts, ends))
        })
        .skip_while(move |day| day.ends <= at)
    }
}

/// 150 -> "1.5", 200 -> "2", 125 -> "1.25".
fn hundredths(value: u32) -> String {
    let (whole, cents) = (value / 100, value % 100);
    match cents {
        0 => whole.to_string(),
        c if c % 10 == 0 => format!("{whole}.{}", c / 10),
        c => format!("{whole}.{c:02}"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn support_dates_follow_the_calendars_time_zone() {
        // 14:00 UTC on 1 March is already 2 March in Sydney (UTC+11 in summer), still 1 March in Perth.
        let at = DateTime::parse_from_rfc3339("2026-03-01T14:00:00Z").unwrap().with_timezone(&Utc);
        let mut cal = BusinessCalendar::sydney_default();
        assert_eq!(cal.date_of(at), NaiveDate::from_ymd_opt(2026, 3, 2).unwrap());
        cal.time_zone = chrono_tz::Australia::Perth;
        assert_eq!(cal.date_of(at), NaiveDate::from_ymd_opt(2026, 3, 1).unwrap());
    }

    use super::*;
    use chrono::LocalResult;
    use chrono_tz::Australia::Sydney;

    /// A Sydney wall-clock reading ("2026-06-15 08:30", seconds optional); the earlier one when it repeats.
    fn local(s: &str) -> DateTime<Utc> {
        let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M")
            .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S"))
            .unwrap();
        Sydney.from_local_datetime(&naive).earliest().unwrap().with_timezone(&Utc)
    }

    fn utc(s: &str) -> DateTime<Utc> {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap().and_utc()
    }

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn time(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    /// The default calendar with some of NSW's 2026/27 public holidays: King's Birthday (Mon 8 June), Christmas
    /// (Fri 25 Dec), the Boxing Day substitute (Mon 28 Dec), New Year (Fri 1 Jan) and Australia Day (Tue 26 Jan).
    fn nsw() -> BusinessCalendar {
        let mut calendar = BusinessCalendar::sydney_default();
        for day in ["2026-06-08", "2026-12-25", "2026-12-28", "2027-01-01", "2027-01-26"] {
            calendar.holidays.insert(date(day));
        }
        calendar
    }

    fn with_holiday_rate(mut calendar: BusinessCalendar, holiday: u32) -> BusinessCalendar {
        calendar.multipliers.holiday = holiday;
        calendar
    }

    #[test]
    fn a_day_starts_at_local_midnight_in_the_support_time_zone() {
        let cal = BusinessCalendar::sydney_default();
        let cases = [
            // Winter (UTC+10), summer (UTC+11), and the days the clocks change (midnight exists both times).
            ("2026-06-15", "2026-06-14 14:00"),
            ("2026-12-01", "2026-11-30 13:00"),
            ("2026-04-05", "2026-04-04 13:00"),
            ("2026-10-04", "2026-10-03 14:00"),
        ];
        for (day, starts) in cases {
            assert_eq!(cal.day_starts(date(day)), utc(starts), "{day}");
            assert_eq!(cal.date_of(cal.day_starts(date(day))), date(day), "{day} begins on itself");
        }
    }

    #[test]
    fn the_dates_the_tests_rely_on() {
        for (day, weekday) in [
            ("2026-06-08", Weekday::Mon),
            ("2026-06-15", Weekday::Mon),
            ("2026-06-19", Weekday::Fri),
            ("2026-12-25", Weekday::Fri),
            ("2026-10-04", Weekday::Sun),
            ("2027-04-04", Weekday::Sun),
        ] {
            assert_eq!(date(day).weekday(), weekday, "{day}");
        }
        // First Sundays: no Sunday earlier in the month.
        assert!((1..4).all(|d| NaiveDate::from_ymd_opt(2026, 10, d).unwrap().weekday() != Weekday::Sun));
        assert!((1..4).all(|d| NaiveDate::from_ymd_opt(2027, 4, d).unwrap().weekday() != Weekday::Sun));
        let at = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        // October: 02:00 AEST jumps to 03:00 AEDT; April: 03:00 AEDT falls back to 02:00 AEST.
        assert_eq!(Sydney.from_local_datetime(&at("2026-10-04 02:30")), LocalResult::None);
        assert_eq!(local("2026-10-04 01:59"), utc("2026-10-03 15:59"));
        assert_eq!(local("2026-10-04 03:00"), utc("2026-10-03 16:00"));
        assert!(matches!(Sydney.from_local_datetime(&at("2027-04-04 02:30")), LocalResult::Ambiguous(..)));
        assert_eq!(local("2027-04-04 02:30"), utc("2027-04-03 15:30"));
        assert_eq!(local("2027-04-04 03:00"), utc("2027-04-03 17:00"));
        // Transitions far ahead are in chrono-tz's data too.
        assert_eq!(local("2040-10-07 03:00"), utc("2040-10-06 16:00"));
    }

    #[test]
    fn business_time() {
        let calendar = nsw();
        let cases = [
            ("weekday, a minute before opening", "2026-06-15 08:29", false),
            ("weekday, at opening", "2026-06-15 08:30", true),
            ("weekday, midday", "2026-06-15 12:00", true),
            ("weekday, last minute", "2026-06-15 17:29", true),
            ("weekday, last second", "2026-06-15 17:29:59", true),
            ("weekday, at closing", "2026-06-15 17:30", false),
            ("weekday, midnight", "2026-06-16 00:00", false),
            ("Saturday 08:29", "2026-06-20 08:29", false),
            ("Saturday 08:30", "2026-06-20 08:30", false),
            ("Saturday 17:29", "2026-06-20 17:29", false),
            ("Saturday 17:30", "2026-06-20 17:30", false),
            ("holiday 08:29", "2026-06-08 08:29", false),
            ("holiday 08:30", "2026-06-08 08:30", false),
            ("holiday 17:29", "2026-06-08 17:29", false),
            ("holiday 17:30", "2026-06-08 17:30", false),
            ("Monday after October's change, 08:29", "2026-10-05 08:29", false),
            ("Monday after October's change, 08:30", "2026-10-05 08:30", true),
            ("Monday after April's change, 17:29", "2027-04-05 17:29", true),
            ("Monday after April's change, 17:30", "2027-04-05 17:30", false),
        ];
        for (name, at, expected) in cases {
            assert_eq!(calendar.is_business_time(local(at)), expected, "{name}");
        }
        // Monday 08:30 in Sydney is Sunday 22:30 UTC in winter: the local date decides, not the UTC one.
        assert!(calendar.is_business_time(utc("2026-06-14 22:30")));
        assert!(!calendar.is_business_time(utc("2026-06-19 22:30")));
    }

    #[test]
    fn business_days() {
        let calendar = nsw();
        let cases = [
            ("Monday", "2026-06-15", true),
            ("Friday", "2026-06-19", true),
            ("Saturday", "2026-06-20", false),
            ("Sunday", "2026-06-21", false),
            ("King's Birthday", "2026-06-08", false),
            ("Christmas", "2026-12-25", false),
            ("Boxing Day substitute", "2026-12-28", false),
        ];
        for (name, day, expected) in cases {
            assert_eq!(calendar.is_business_day(date(day)), expected, "{name}");
        }
    }

    #[test]
    fn business_minutes_between() {
        let calendar = nsw();
        let cases = [
            ("one business hour", "2026-06-15 09:00", "2026-06-15 10:00", 60),
            ("empty", "2026-06-15 09:00", "2026-06-15 09:00", 0),
            ("backwards", "2026-06-15 10:00", "2026-06-15 09:00", 0),
            ("less than a minute", "2026-06-15 09:00", "2026-06-15 09:00:59", 0),
            ("partial minutes at both ends add up", "2026-06-15 17:29:30", "2026-06-16 08:30:30", 1),
            ("all of it after hours", "2026-06-15 17:30", "2026-06-16 08:30", 0),
            ("from before opening", "2026-06-15 06:00", "2026-06-15 09:00", 30),
            ("one full day", "2026-06-15 00:00", "2026-06-16 00:00", 540),
            ("Friday 17:00 to Monday 09:00", "2026-06-19 17:00", "2026-06-22 09:00", 60),
            ("across a weekend", "2026-06-19 09:00", "2026-06-22 17:30", 510 + 540),
            ("a full week", "2026-06-15 00:00", "2026-06-22 00:00", 5 * 540),
            ("across a Monday holiday", "2026-06-05 17:00", "2026-06-09 09:00", 60),
            ("on a holiday", "2026-06-08 08:00", "2026-06-08 18:00", 0),
            ("Christmas to Boxing Day substitute", "2026-12-24 12:00", "2026-12-29 12:00", 330 + 210),
            ("weekend of October's change", "2026-10-02 17:00", "2026-10-05 09:00", 60),
            ("weekend of April's change", "2027-04-02 17:00", "2027-04-05 09:00", 60),
            ("week of October's change", "2026-09-28 00:00", "2026-10-10 00:00", 10 * 540),
        ];
        for (name, from, to, expected) in cases {
            assert_eq!(calendar.business_minutes_between(local(from), local(to)), expected, "{name}");
        }
    }

    #[test]
    fn add_business_minutes() {
        let calendar = nsw();
        let cases = [
            ("Friday 17:00 + 60", "2026-06-19 17:00", 60, "2026-06-22 09:00"),
            ("from Saturday", "2026-06-20 10:00", 30, "2026-06-22 09:00"),
            ("from before opening", "2026-06-15 07:00", 60, "2026-06-15 09:30"),
            ("inside hours", "2026-06-15 10:00", 90, "2026-06-15 11:30"),
            ("zero before opening", "2026-06-15 07:00", 0, "2026-06-15 08:30"),
            ("zero inside hours", "2026-06-15 10:00", 0, "2026-06-15 10:00"),
            ("zero at closing", "2026-06-15 17:30", 0, "2026-06-16 08:30"),
            ("zero on Saturday", "2026-06-20 10:00", 0, "2026-06-22 08:30"),
            ("negative counts as zero", "2026-06-20 10:00", -30, "2026-06-22 08:30"),
            ("lands on closing", "2026-06-15 16:30", 60, "2026-06-15 17:30"),
            ("exactly 540 from opening", "2026-06-15 08:30", 540, "2026-06-15 17:30"),
            ("exactly 540 from midday", "2026-06-15 12:00", 540, "2026-06-16 12:00"),
            ("exactly 540 from Friday midday", "2026-06-19 12:00", 540, "2026-06-22 12:00"),
            ("five business days", "2026-06-15 08:30", 5 * 540, "2026-06-19 17:30"),
            ("across a Monday holiday", "2026-06-05 17:00", 60, "2026-06-09 09:00"),
            ("from a holiday", "2026-06-08 10:00", 60, "2026-06-09 09:30"),
            ("over Christmas", "2026-12-24 17:00", 60, "2026-12-29 09:00"),
            ("weekend of October's change", "2026-10-02 17:00", 60, "2026-10-05 09:00"),
            ("weekend of April's change", "2027-04-02 17:00", 60, "2027-04-05 09:00"),
        ];
        for (name, from, minutes, expected) in cases {
            assert_eq!(calendar.add_business_minutes(local(from), minutes), local(expected), "{name}");
        }
        // The same two answers in UTC, so a wrong offset cannot cancel itself out.
        assert_eq!(calendar.add_business_minutes(local("2026-10-02 17:00"), 60), utc("2026-10-04 22:00"));
        assert_eq!(calendar.add_business_minutes(local("2027-04-02 17:00"), 60), utc("2027-04-04 23:00"));
    }

    #[test]
    fn adding_then_counting_gives_back_the_minutes() {
        let calendar = nsw();
        let starts =
            ["2026-06-05 16:59", "2026-06-07 23:00", "2026-10-02 12:00", "2027-04-03 02:30", "2026-12-24 08:00"];
        for from in starts {
            for minutes in [0, 1, 59, 540, 541, 1000, 2700, 5000] {
                let from = local(from);
                let due = calendar.add_business_minutes(from, minutes);
                assert_eq!(calendar.business_minutes_between(from, due), minutes, "{from} + {minutes}");
                assert!(minutes == 0 || calendar.is_business_time(due - TimeDelta::minutes(1)), "{from} + {minutes}");
            }
        }
    }

    #[test]
    fn business_days_between() {
        let calendar = nsw();
        let cases = [
            ("Monday to Thursday", "2026-06-15 10:00", "2026-06-18", 2),
            ("Friday to Tuesday", "2026-06-19 10:00", "2026-06-23", 1),
            ("Friday to Wednesday over a Monday holiday", "2026-06-05 10:00", "2026-06-10", 1),
            ("Monday to next Monday", "2026-06-15 10:00", "2026-06-22", 4),
            ("Thursday to Monday", "2026-06-18 10:00", "2026-06-22", 1),
            ("Friday to Monday", "2026-06-19 10:00", "2026-06-22", 0),
            ("tomorrow", "2026-06-15 10:00", "2026-06-16", 0),
            ("today", "2026-06-15 10:00", "2026-06-15", 0),
            ("yesterday", "2026-06-15 10:00", "2026-06-14", 0),
            ("Christmas week", "2026-12-23 10:00", "2026-12-31", 3),
            ("late evening still counts from today", "2026-06-15 23:59", "2026-06-18", 2),
        ];
        for (name, now, day, expected) in cases {
            assert_eq!(calendar.business_days_between(local(now), date(day)), expected, "{name}");
        }
        // Sunday 23:00 UTC is already Monday in Sydney.
        assert_eq!(calendar.business_days_between(utc("2026-06-14 23:00"), date("2026-06-18")), 2);
    }

    #[test]
    fn business_days_between_agrees_with_counting_day_by_day() {
        let mut calendar = nsw();
        calendar.week[2] = None;
        calendar.week[5] = Some((time(9, 0), time(12, 0)));
        calendar.holidays.insert(date("2026-06-20"));
        for start in 0..10 {
            let today = date("2026-06-01") + TimeDelta::days(start);
            for length in 0..60 {
                let day = today + TimeDelta::days(length);
                let expected =
                    today.iter_days().skip(1).take_while(|d| *d < day).filter(|d| calendar.is_business_day(*d));
                let now = calendar.resolve(today.and_time(time(12, 0)));
                assert_eq!(calendar.business_days_between(now, day), expected.count() as i64, "{today} to {day}");
            }
        }
        // A century ahead, with the holidays that fall on open days subtracted.
        let (now, far) = (local("2026-06-15 10:00"), date("2126-06-15"));
        let expected = date("2026-06-16").iter_days().take_while(|d| *d < far).filter(|d| calendar.is_business_day(*d));
        assert_eq!(calendar.business_days_between(now, far), expected.count() as i64);
    }

    #[test]
    fn business_day_minutes() {
        let mut calendar = BusinessCalendar::sydney_default();
        assert_eq!(calendar.business_day_minutes(), 540);
        calendar.week[0] = None;
        calendar.week[1] = Some((time(9, 0), time(17, 0)));
        assert_eq!(calendar.business_day_minutes(), 480, "Monday closed: the first open weekday");
        calendar.week = [None; 7];
        assert_eq!(calendar.business_day_minutes(), 0);
    }

    /// Expected segments as (start, end, multiplier) in Sydney time.
    fn segments(cases: &[(&str, &str, u32)]) -> Vec<Segment> {
        cases.iter().map(|(s, e, m)| Segment { starts_at: local(s), ends_at: local(e), multiplier: *m }).collect()
    }

    fn utc_segments(cases: &[(&str, &str, u32)]) -> Vec<Segment> {
        cases.iter().map(|(s, e, m)| Segment { starts_at: utc(s), ends_at: utc(e), multiplier: *m }).collect()
    }

    #[test]
    fn split_after_hours() {
        use WindowError::*;
        let calendar = nsw();
        let distinct = with_holiday_rate(nsw(), 300);
        let week = 7 * 24 * 60;
        let cases = vec![
            (
                "weekday evening",
                &calendar,
                "2026-06-15 17:30",
                "2026-06-15 23:00",
                Ok(segments(&[("2026-06-15 17:30", "2026-06-15 23:00", 150)])),
            ),
            (
                "overnight between two business days is one segment",
                &calendar,
                "2026-06-15 17:30",
                "2026-06-16 08:30",
                Ok(segments(&[("2026-06-15 17:30", "2026-06-16 08:30", 150)])),
            ),
            (
                "early morning up to opening",
                &calendar,
                "2026-06-16 05:00",
                "2026-06-16 08:30",
                Ok(segments(&[("2026-06-16 05:00", "2026-06-16 08:30", 150)])),
            ),
            (
                "Friday night into Saturday changes at midnight",
                &calendar,
                "2026-06-19 20:00",
                "2026-06-20 02:00",
                Ok(segments(&[
                    ("2026-06-19 20:00", "2026-06-20 00:00", 150),
                    ("2026-06-20 00:00", "2026-06-20 02:00", 200),
                ])),
            ),
            (
                "Sunday night into Monday morning",
                &calendar,
                "2026-06-21 22:00",
                "2026-06-22 08:30",
                Ok(segments(&[
                    ("2026-06-21 22:00", "2026-06-22 00:00", 200),
                    ("2026-06-22 00:00", "2026-06-22 08:30", 150),
                ])),
            ),
            (
                "Saturday all day",
                &calendar,
                "2026-06-20 08:00",
                "2026-06-20 18:00",
                Ok(segments(&[("2026-06-20 08:00", "2026-06-20 18:00", 200)])),
            ),
            (
                "a holiday during what would be business hours",
                &calendar,
                "2026-06-08 10:00",
                "2026-06-08 14:00",
                Ok(segments(&[("2026-06-08 10:00", "2026-06-08 14:00", 200)])),
            ),
            (
                "weekend, holiday, then a weekday morning",
                &distinct,
                "2026-06-07 22:00",
                "2026-06-09 02:00",
                Ok(segments(&[
                    ("2026-06-07 22:00", "2026-06-08 00:00", 200),
                    ("2026-06-08 00:00", "2026-06-09 00:00", 300),
                    ("2026-06-09 00:00", "2026-06-09 02:00", 150),
                ])),
            ),
            (
                "Friday close to Monday open",
                &calendar,
                "2026-06-19 17:30",
                "2026-06-22 08:30",
                Ok(segments(&[
                    ("2026-06-19 17:30", "2026-06-20 00:00", 150),
                    ("2026-06-20 00:00", "2026-06-22 00:00", 200),
                    ("2026-06-22 00:00", "2026-06-22 08:30", 150),
                ])),
            ),
            (
                "starts a minute before closing",
                &calendar,
                "2026-06-15 17:29",
                "2026-06-15 20:00",
                Err(InsideBusinessHours(local("2026-06-15 17:29"))),
            ),
            (
                "ends a minute after opening",
                &calendar,
                "2026-06-16 06:00",
                "2026-06-16 08:31",
                Err(InsideBusinessHours(local("2026-06-16 08:30"))),
            ),
            (
                "spans a whole business day",
                &calendar,
                "2026-06-15 17:30",
                "2026-06-16 20:00",
                Err(InsideBusinessHours(local("2026-06-16 08:30"))),
            ),
            (
                "on Saturday the weekday hours do not count",
                &calendar,
                "2026-06-20 08:29",
                "2026-06-20 08:31",
                Ok(segments(&[("2026-06-20 08:29", "2026-06-20 08:31", 200)])),
            ),
            ("ends before it starts", &calendar, "2026-06-15 20:00", "2026-06-15 19:00", Err(EndsBeforeStart)),
            ("ends as it starts", &calendar, "2026-06-15 20:00", "2026-06-15 20:00", Err(EndsBeforeStart)),
        ];
        for (name, calendar, starts, ends, expected) in cases {
            assert_eq!(calendar.split_after_hours(local(starts), local(ends), week), expected, "{name}");
        }
        let (starts, ends) = (local("2026-06-15 18:00"), local("2026-06-16 04:00"));
        assert_eq!(calendar.split_after_hours(starts, ends, 600).map(|s| s.len()), Ok(1), "exactly the maximum");
        assert_eq!(calendar.split_after_hours(starts, ends, 599), Err(TooLong));
        assert_eq!(calendar.split_after_hours(starts, ends, -1), Err(TooLong));
        assert_eq!(calendar.split_after_hours(starts, ends, i64::MAX).map(|s| s.len()), Ok(1), "no real maximum");
        // Too long is reported before the overlap with business hours.
        assert_eq!(calendar.split_after_hours(local("2026-06-15 12:00"), local("2026-06-15 23:00"), 60), Err(TooLong));
    }

    #[test]
    fn split_after_hours_across_daylight_saving_changes() {
        let calendar = nsw();
        let mut distinct = with_holiday_rate(nsw(), 300);
        distinct.holidays.insert(date("2026-10-04"));
        distinct.holidays.insert(date("2027-04-04"));
        let cases = vec![
            (
                "October: Saturday 22:00 to Sunday 06:00 is seven hours",
                &calendar,
                "2026-10-03 22:00",
                "2026-10-04 06:00",
                utc_segments(&[("2026-10-03 12:00", "2026-10-03 19:00", 200)]),
                420,
            ),
            (
                "October: the Sunday holiday starts at local midnight, before the jump",
                &distinct,
                "2026-10-03 22:00",
                "2026-10-04 04:00",
                utc_segments(&[
                    ("2026-10-03 12:00", "2026-10-03 14:00", 200),
                    ("2026-10-03 14:00", "2026-10-03 17:00", 300),
                ]),
                300,
            ),
            (
                "October: Friday close to Monday open, one hour short",
                &calendar,
                "2026-10-02 17:30",
                "2026-10-05 08:30",
                utc_segments(&[
                    ("2026-10-02 07:30", "2026-10-02 14:00", 150),
                    ("2026-10-02 14:00", "2026-10-04 13:00", 200),
                    ("2026-10-04 13:00", "2026-10-04 21:30", 150),
                ]),
                3720,
            ),
            (
                "October: Sunday evening to Monday morning, after the jump",
                &calendar,
                "2026-10-04 20:00",
                "2026-10-05 06:00",
                utc_segments(&[
                    ("2026-10-04 09:00", "2026-10-04 13:00", 200),
                    ("2026-10-04 13:00", "2026-10-04 19:00", 150),
                ]),
                600,
            ),
            (
                "April: Saturday 22:00 to Sunday 06:00 is nine hours",
                &calendar,
                "2027-04-03 22:00",
                "2027-04-04 06:00",
                utc_segments(&[("2027-04-03 11:00", "2027-04-03 20:00", 200)]),
                540,
            ),
            (
                "April: the Sunday holiday includes the repeated hour",
                &distinct,
                "2027-04-03 22:00",
                "2027-04-04 05:00",
                utc_segments(&[
                    ("2027-04-03 11:00", "2027-04-03 13:00", 200),
                    ("2027-04-03 13:00", "2027-04-03 19:00", 300),
                ]),
                480,
            ),
            (
                "April: Friday evening to Monday open, one hour long",
                &calendar,
                "2027-04-02 20:00",
                "2027-04-05 08:30",
                utc_segments(&[
                    ("2027-04-02 09:00", "2027-04-02 13:00", 150),
                    ("2027-04-02 13:00", "2027-04-04 14:00", 200),
                    ("2027-04-04 14:00", "2027-04-04 22:30", 150),
                ]),
                3690,
            ),
        ];
        for (name, calendar, starts, ends, expected, minutes) in cases {
            let split = calendar.split_after_hours(local(starts), local(ends), 7 * 24 * 60);
            assert_eq!(split, Ok(expected.clone()), "{name}");
            let total: i64 = expected.iter().map(|s| (s.ends_at - s.starts_at).num_minutes()).sum();
            assert_eq!(total, minutes, "{name}");
            assert_eq!((local(ends) - local(starts)).num_minutes(), minutes, "{name}");
        }
    }

    #[test]
    fn quote_minutes() {
        let at = |minutes: i64, multiplier: u32| Segment {
            starts_at: utc("2026-06-15 08:00"),
            ends_at: utc("2026-06-15 08:00") + TimeDelta::minutes(minutes),
            multiplier,
        };
        let partial = Segment {
            starts_at: utc("2026-06-15 08:00"),
            ends_at: utc("2026-06-15 08:00") + TimeDelta::seconds(61),
            multiplier: 100,
        };
        let cases = [
            ("nothing", vec![], 0),
            ("45 minutes at x1.5 rounds up", vec![at(45, 150)], 68),
            ("60 minutes at x1.5", vec![at(60, 150)], 90),
            ("one minute at x1.5", vec![at(1, 150)], 2),
            ("7 minutes at x1.33", vec![at(7, 133)], 10),
            ("each segment rounds on its own", vec![at(45, 150), at(45, 150)], 136),
            ("a weekend", vec![at(390, 150), at(2820, 200), at(510, 150)], 585 + 5640 + 765),
            ("a partial minute counts whole", vec![partial], 2),
            ("a backwards segment charges nothing", vec![at(-30, 150)], 0),
        ];
        for (name, segments, expected) in cases {
            assert_eq!(BusinessCalendar::quote_minutes(&segments), expected, "{name}");
        }
        let huge =
            Segment { starts_at: DateTime::<Utc>::MIN_UTC, ends_at: DateTime::<Utc>::MAX_UTC, multiplier: u32::MAX };
        assert_eq!(BusinessCalendar::quote_minutes(&[huge, huge]), i64::MAX);
    }

    #[test]
    fn check() {
        let valid = BusinessCalendar::sydney_default();
        assert_eq!(valid.check(), Ok(()));
        type Edit = fn(&mut BusinessCalendar);
        let edit = |change: Edit| {
            let mut calendar = valid.clone();
            change(&mut calendar);
            calendar.check().map_err(|(field, _)| field)
        };
        let cases: [(&str, Edit, Result<(), &str>); 9] = [
            ("Monday opens as it closes", |c| c.week[0] = Some((time(9, 0), time(9, 0))), Err("week")),
            ("Tuesday closes before it opens", |c| c.week[1] = Some((time(17, 30), time(8, 30))), Err("week")),
            ("Saturday opening is fine", |c| c.week[5] = Some((time(9, 0), time(12, 0))), Ok(())),
            ("closed all week is fine", |c| c.week = [None; 7], Ok(())),
            ("evening below x1", |c| c.multipliers.weekday_evening = 99, Err("multipliers")),
            ("weekend above x10", |c| c.multipliers.weekend = 1001, Err("multipliers")),
            ("holiday zero", |c| c.multipliers.holiday = 0, Err("multipliers")),
            (
                "x1 and x10 are allowed",
                |c| c.multipliers = Multipliers { weekday_evening: 100, weekend: 1000, holiday: 100 },
                Ok(()),
            ),
            (
                "week reported before multipliers",
                |c| {
                    c.week[4] = Some((time(18, 0), time(8, 0)));
                    c.multipliers.holiday = 5;
                },
                Err("week"),
            ),
        ];
        for (name, change, expected) in cases {
            assert_eq!(edit(change), expected, "{name}");
        }
        let mut calendar = valid.clone();
        calendar.week[1] = Some((time(17, 30), time(8, 30)));
        assert_eq!(calendar.check().unwrap_err().1, "Tuesday: the desk must open before it closes (17:30 to 08:30).");
        calendar = valid.clone();
        calendar.multipliers.weekend = 1250;
        assert_eq!(calendar.check().unwrap_err().1, "The weekend multiplier must be between x1 and x10 (it is x12.5).");
    }

    #[test]
    fn time_zones_are_the_supported_ones_by_name() {
        let cases: &[(&str, Result<Tz, ()>)] = &[
            ("Australia/Sydney", Ok(chrono_tz::Australia::Sydney)),
            ("  Pacific/Auckland ", Ok(chrono_tz::Pacific::Auckland)),
            ("America/Los_Angeles", Ok(chrono_tz::America::Los_Angeles)),
            // Real zones the calendar does not offer, and names that are not zones.
            ("Europe/Berlin", Err(())),
            ("australia/sydney", Err(())),
            ("Mars/Olympus", Err(())),
            ("", Err(())),
        ];
        for (name, expected) in cases {
            assert_eq!(parse_time_zone(name).map_err(|_| ()), *expected, "{name:?}");
        }
        assert!(parse_time_zone("UTC").unwrap_err().contains("Australia/Sydney, Australia/Melbourne"));
        // Every offered zone exists in the full database the server has.
        for name in TIME_ZONES {
            assert_eq!(parse_time_zone(name).unwrap().name(), *name);
        }
    }

    #[test]
    fn the_browser_bundles_zone_filter_is_exactly_the_offered_zones() {
        let config = include_str!("../../../.cargo/config.toml");
        let expected = format!("CHRONO_TZ_TIMEZONE_FILTER = \"^({})$\"", TIME_ZONES.join("|"));
        assert!(config.lines().any(|line| line == expected), "expected the line {expected}");
        // The names are matched as a regular expression: none may hold a character that means
        // something there.
        assert!(TIME_ZONES.iter().all(|z| z.chars().all(|c| c.is_ascii_alphanumeric() || "/_".contains(c))));
    }

    #[test]
    fn serializes_the_zone_by_name() {
        let calendar = nsw();
        let json = serde_json::to_value(&calendar).unwrap();
        assert_eq!(json["time_zone"], "Australia/Sydney");
        assert_eq!(json["week"][0], serde_json::json!(["08:30:00", "17:30:00"]));
        assert_eq!(json["week"][6], serde_json::Value::Null);
        assert_eq!(json["holidays"][0], "2026-06-08");
        let back: BusinessCalendar = serde_json::from_value(json).unwrap();
        assert_eq!(back, calendar);
    }

    #[test]
    fn unusual_calendars_and_extreme_instants_do_not_panic() {
        let mut closed = BusinessCalendar::sydney_default();
        closed.week = [None; 7];
        let now = local("2026-06-15 10:00");
        assert_eq!(closed.add_business_minutes(now, 60), DateTime::<Utc>::MAX_UTC);
        assert_eq!(closed.add_business_minutes(now, 0), DateTime::<Utc>::MAX_UTC);
        assert_eq!(closed.business_minutes_between(now, now + TimeDelta::days(30)), 0);
        assert_eq!(closed.business_days_between(now, date("2026-07-15")), 0);
        let night = closed.split_after_hours(now, now + TimeDelta::days(3), 7 * 24 * 60).unwrap();
        assert_eq!(night, vec![Segment { starts_at: now, ends_at: now + TimeDelta::days(3), multiplier: 200 }]);

        // An inverted day (which check() rejects) gives no business time rather than negative time.
        let mut inverted = BusinessCalendar::sydney_default();
        inverted.week[0] = Some((time(17, 30), time(8, 30)));
        assert!(!inverted.is_business_day(date("2026-06-15")));
        assert_eq!(inverted.business_minutes_between(local("2026-06-15 00:00"), local("2026-06-16 00:00")), 0);

        let default = nsw();
        assert_eq!(default.add_business_minutes(now, i64::MAX), DateTime::<Utc>::MAX_UTC);
        assert_eq!(default.add_business_minutes(now, i64::MAX / 60_000), DateTime::<Utc>::MAX_UTC, "past the horizon");
        for at in [DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC] {
            for calendar in [&default, &closed] {
                calendar.is_business_time(at);
                calendar.add_business_minutes(at, 0);
                calendar.add_business_minutes(at, 600);
                calendar.business_minutes_between(at, at + TimeDelta::zero());
                calendar.business_days_between(at, NaiveDate::MIN);
                calendar.business_days_between(at, NaiveDate::MAX);
                let _ = calendar.split_after_hours(at, DateTime::<Utc>::MAX_UTC, 60);
                let _ = calendar.split_after_hours(DateTime::<Utc>::MIN_UTC, at, 60);
            }
        }
        let min = DateTime::<Utc>::MIN_UTC;
        default.business_minutes_between(min, min + TimeDelta::days(3));
        let max = DateTime::<Utc>::MAX_UTC;
        default.business_minutes_between(max - TimeDelta::days(3), max);
        let _ = default.split_after_hours(max - TimeDelta::hours(3), max, 600);
        let _ = default.split_after_hours(min, min + TimeDelta::hours(3), 600);
    }

    #[test]
    fn opening_inside_a_clock_change() {
        // A desk open 02:30-05:00 every day: October skips 02:00-03:00, April repeats it.
        let mut calendar = BusinessCalendar::sydney_default();
        calendar.week = [Some((time(2, 30), time(5, 0))); 7];
        let october = calendar.business_minutes_between(local("2026-10-04 00:00"), local("2026-10-05 00:00"));
        assert_eq!(october, 120, "opens when the clock reaches 03:00");
        let april = calendar.business_minutes_between(local("2027-04-04 00:00"), local("2027-04-05 00:00"));
        assert_eq!(april, 210, "opens at the first 02:30 and stays open through the repeat");
        assert!(calendar.is_business_time(utc("2027-04-03 16:15")), "02:15 the second time round");
        assert_eq!(calendar.add_business_minutes(local("2026-10-04 00:00"), 0), utc("2026-10-03 16:00"));

        // Samoa skipped 30 December 2011 altogether.
        let mut samoa = calendar.clone();
        samoa.time_zone = chrono_tz::Pacific::Apia;
        samoa.week = [Some((time(9, 0), time(17, 0))); 7];
        let at = |s: &str| samoa.resolve(NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap());
        assert_eq!(samoa.business_minutes_between(at("2011-12-29 00:00"), at("2012-01-01 00:00")), 2 * 480);
        assert_eq!(samoa.add_business_minutes(at("2011-12-29 17:00"), 60), at("2011-12-31 10:00"));
        assert!(samoa.split_after_hours(at("2011-12-29 17:00"), at("2011-12-31 09:00"), 24 * 60).is_ok());
    }
}
