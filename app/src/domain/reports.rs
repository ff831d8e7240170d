//! Reports (issue 23): the date range and grouping a report reads, what each change to a ticket
//! adds to the daily rollup, and the sums, percentages and chart scales read off it.

use super::sla::Clocks;
use super::tickets::vocabulary;
use chrono::{DateTime, Datelike, Days, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::ops::AddAssign;

vocabulary!(
    /// How a report's periods are cut: days, weeks starting Monday, or calendar months (support
    /// time zone).
    Grouping, "grouping" {
        Day = "day", "Day";
        Week = "week", "Week";
        Month = "month", "Month";
    }
);

/// The range a report covers when none is given: the last 30 days, today included.
pub const DEFAULT_DAYS: u64 = 30;
/// The longest range one report reads: a year, leap day included.
pub const MAX_DAYS: i64 = 366;

/// The days a report covers, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// The range asked for (`YYYY-MM-DD`, empty for the default): `to` is today unless given, `from`
/// the 30 days up to `to` unless given. A bad date, `from` after `to`, or more than 366 days is
/// refused naming the field.
pub fn report_range(from: &str, to: &str, today: NaiveDate) -> Result<Range, (&'static str, String)> {
    let day = |field: &'static str, text: &str| match text.trim() {
        "" => Ok(None),
        t => match NaiveDate::parse_from_str(t, "%Y-%m-%d") {
            // Years a desk has tickets in; beyond them day arithmetic would leave the calendar.
            Ok(d) if (1970..=9999).contains(&d.year()) => Ok(Some(d)),
            _ => Err((field, "Give a date as YYYY-MM-DD.".to_string())),
        },
    };
    let to = day("to", to)?.unwrap_or(today);
    let from = day("from", from)?.unwrap_or(to - Days::new(DEFAULT_DAYS - 1));
    if from > to {
        return Err(("from", "The range starts after it ends.".into()));
    }
    if (to - from).num_days() + 1 > MAX_DAYS {
        return Err(("to", format!("A report covers at most {MAX_DAYS} days; choose a shorter range.")));
    }
    Ok(Range { from, to })
}

/// The first day of the period holding `day`.
pub fn period_start(day: NaiveDate, grouping: Grouping) -> NaiveDate {
    match grouping {
        Grouping::Day => day,
        Grouping::Week => day - Days::new(u64::from(day.weekday().num_days_from_monday())),
        Grouping::Month => day.with_day(1).unwrap_or(day),
    }
}

/// Every period the range touches, in order, so a quiet period shows as zero rather than missing.
pub fn periods(range: Range, grouping: Grouping) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut at = period_start(range.from, grouping);
    while at <= range.to {
        out.push(at);
        at = match grouping {
            Grouping::Day => at + Days::new(1),
            Grouping::Week => at + Days::new(7),
            Grouping::Month => at + Months::new(1),
        };
    }
    out
}

/// How a period is named on a chart's axis and in its table.
pub fn period_label(start: NaiveDate, grouping: Grouping) -> String {
    match grouping {
        Grouping::Day => start.format("%a %-d %b").to_string(),
        Grouping::Week => start.format("Week of %-d %b").to_string(),
        Grouping::Month => start.format("%b %Y").to_string(),
    }
}

/// What the rollup counts for one (day, organisation, queue, priority, billing tag).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Tally {
    pub raised: i64,
    pub resolved: i64,
    /// First responses given, and how many came within their SLA target.
    pub responded: i64,
    pub responded_in_time: i64,
    /// Resolutions within their SLA target (of `resolved`).
    pub resolved_in_time: i64,
}

impl AddAssign for Tally {
    fn add_assign(&mut self, o: Tally) {
        self.raised += o.raised;
        self.resolved += o.resolved;
        self.responded += o.responded;
        self.responded_in_time += o.responded_in_time;
        self.resolved_in_time += o.resolved_in_time;
    }
}

impl Tally {
    /// Share of first responses within target, in whole percent; None when there were none.
    pub fn response_percent(&self) -> Option<i64> {
        percent(self.responded_in_time, self.responded)
    }

    /// Share of resolutions within target, in whole percent; None when there were none.
    pub fn resolution_percent(&self) -> Option<i64> {
        percent(self.resolved_in_time, self.resolved)
    }
}

/// `part` of `whole` in whole percent, rounded half up; None of nothing.
pub fn percent(part: i64, whole: i64) -> Option<i64> {
    (whole > 0).then(|| (part * 200 + whole) / (whole * 2))
}

/// The changes to a ticket that reports count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Raised,
    /// CyTrack's first public reply.
    FirstResponse,
    /// The ticket became resolved (or closed without being resolved first); resolving it again
    /// after a reopening counts again, as help desks count solved tickets.
    Resolved,
}

/// What `change` adds to its day's tally, judged by the ticket's SLA clocks just before it (None
/// when the ticket was not open, so had no clock running: that change is not counted).
pub fn counted(change: Change, before: Option<&Clocks>) -> Option<Tally> {
    match (change, before) {
        (Change::Raised, _) => Some(Tally { raised: 1, ..Tally::default() }),
        (Change::FirstResponse, Some(c)) => {
            Some(Tally { responded: 1, responded_in_time: i64::from(!c.first_response_breached), ..Tally::default() })
        }
        (Change::Resolved, Some(c)) => {
            Some(Tally { resolved: 1, resolved_in_time: i64::from(!c.resolution_breached), ..Tally::default() })
        }
        (_, None) => None,
    }
}

/// The backlog's age bands: a label and the age in days a ticket must be younger than.
pub const AGES: &[(&str, i64)] =
    &[("Under a day", 1), ("1 to 3 days", 3), ("3 to 7 days", 7), ("1 to 4 weeks", 28), ("Over 4 weeks", i64::MAX)];

/// The oldest `created_at` of each age band but the last, youngest first: what the backlog counts
/// tickets raised since.
pub fn age_boundaries(now: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    AGES.iter().filter(|(_, days)| *days != i64::MAX).map(|(_, days)| now - chrono::Duration::days(*days)).collect()
}

/// Tickets per age band from the counts raised since each boundary (youngest first) and the total
/// open: each band is the difference between neighbouring counts.
pub fn age_bands(since_each: &[i64], total: i64) -> Vec<i64> {
    let mut out = Vec::with_capacity(since_each.len() + 1);
    let mut before = 0;
    for &n in since_each.iter().chain(std::iter::once(&total)) {
        out.push((n - before).max(0));
        before = before.max(n);
    }
    out
}

/// The top of a chart's scale: the smallest 1, 2 or 5 times a power of ten at or above `max`
/// (at least 1), so gridlines fall on round numbers.
pub fn nice_ceiling(max: i64) -> i64 {
    let mut step = 1;
    loop {
        for m in [1, 2, 5] {
            if step * m >= max {
                return step * m;
            }
        }
        step *= 10;
    }
}

/// `nice_ceiling` counted in `unit`s (60 for minutes shown as hours), so the top of a scale of
/// minutes is a round number of hours.
pub fn nice_scale(max: i64, unit: i64) -> i64 {
    let unit = unit.max(1);
    nice_ceiling((max.max(0) + unit - 1) / unit) * unit
}

/// How many clients the whole desk's forecast lists: the ones whose minutes run out soonest (every
/// client's balance is the vouchers page's, `/vouchers/balances`).
pub const FORECAST_ROWS: usize = 20;

/// Where a client that spent minutes lately stands in the desk's forecast, soonest trouble first:
/// out of minutes already (the deepest overdrawn first), then by the day its balance runs out at
/// its recent pace, then those with no such day.
pub fn forecast_rank(available_minutes: i64, runs_out_on: Option<NaiveDate>) -> (u8, NaiveDate, i64) {
    match (available_minutes <= 0, runs_out_on) {
        (true, _) => (0, NaiveDate::MIN, available_minutes),
        (false, Some(day)) => (1, day, available_minutes),
        (false, None) => (2, NaiveDate::MAX, available_minutes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_forecast_lists_the_soonest_trouble_first() {
        let day = |d: u32| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        // (name, available minutes, runs out on), in the order wanted.
        let ordered = [
            ("overdrawn", -30, None),
            ("empty", 0, Some(day(1))),
            ("in two days", 120, Some(day(2))),
            ("in a week", 600, Some(day(7))),
            ("no day", 600, None),
        ];
        let mut shuffled = ordered;
        shuffled.reverse();
        shuffled.sort_by_key(|(_, available, out)| forecast_rank(*available, *out));
        assert_eq!(shuffled.map(|(name, _, _)| name), ordered.map(|(name, _, _)| name));
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn ranges_default_and_are_bounded() {
        let today = d(2026, 11, 29);
        let cases: &[(&str, &str, Result<(NaiveDate, NaiveDate), &str>)] = &[
            ("", "", Ok((d(2026, 10, 31), today))),
            ("2026-11-01", "", Ok((d(2026, 11, 1), today))),
            ("", "2026-06-30", Ok((d(2026, 6, 1), d(2026, 6, 30)))),
            ("2025-11-29", "2026-11-29", Ok((d(2025, 11, 29), today))),
            ("2025-11-28", "2026-11-29", Err("to")),
            ("2026-12-01", "2026-11-30", Err("from")),
            ("29/11/2026", "", Err("from")),
            ("", "tomorrow", Err("to")),
            (" 2026-11-29 ", "2026-11-29", Ok((today, today))),
            ("", "262142-12-31", Err("to")),
            ("-0001-01-01", "", Err("from")),
        ];
        for (from, to, want) in cases {
            let got = report_range(from, to, today).map(|r| (r.from, r.to)).map_err(|(field, _)| field);
            assert_eq!(got, *want, "{from:?}..{to:?}");
        }
    }

    #[test]
    fn periods_cover_the_range_without_gaps() {
        let range = Range { from: d(2026, 11, 27), to: d(2026, 12, 8) };
        let cases = [
            (Grouping::Day, 12, d(2026, 11, 27), d(2026, 12, 8)),
            (Grouping::Week, 3, d(2026, 11, 23), d(2026, 12, 7)),
            (Grouping::Month, 2, d(2026, 11, 1), d(2026, 12, 1)),
        ];
        for (grouping, count, first, last) in cases {
            let p = periods(range, grouping);
            assert_eq!((p.len(), p[0], *p.last().unwrap()), (count, first, last), "{grouping}");
            assert!(p.windows(2).all(|w| w[0] < w[1]));
            assert!(p.iter().all(|&s| period_start(s, grouping) == s));
        }
        // Month ends step cleanly: 31 January to 29 February to 31 March.
        let leap = periods(Range { from: d(2028, 1, 31), to: d(2028, 3, 31) }, Grouping::Month);
        assert_eq!(leap, vec![d(2028, 1, 1), d(2028, 2, 1), d(2028, 3, 1)]);
        assert_eq!(period_label(d(2026, 11, 23), Grouping::Week), "Week of 23 Nov");
        assert_eq!(period_label(d(2026, 11, 1), Grouping::Month), "Nov 2026");
        assert_eq!(period_label(d(2026, 11, 29), Grouping::Day), "Sun 29 Nov");
    }

    #[test]
    fn changes_count_by_their_clocks() {
        let at = Utc::now();
        let clocks = |first: bool, resolution: bool| Clocks {
            first_response_due_at: Some(at),
            first_response_breached: first,
            resolution_due_at: at,
            resolution_breached: resolution,
            resolution_minutes_left: 0,
            paused: false,
        };
        let t = |raised, resolved, responded, responded_in_time, resolved_in_time| {
            Some(Tally { raised, resolved, responded, responded_in_time, resolved_in_time })
        };
        let cases = [
            (Change::Raised, None, t(1, 0, 0, 0, 0)),
            (Change::FirstResponse, Some(clocks(false, false)), t(0, 0, 1, 1, 0)),
            (Change::FirstResponse, Some(clocks(true, false)), t(0, 0, 1, 0, 0)),
            (Change::Resolved, Some(clocks(true, false)), t(0, 1, 0, 0, 1)),
            (Change::Resolved, Some(clocks(false, true)), t(0, 1, 0, 0, 0)),
            (Change::FirstResponse, None, None),
            (Change::Resolved, None, None),
        ];
        for (change, before, want) in cases {
            assert_eq!(counted(change, before.as_ref()), want, "{change:?} {before:?}");
        }
    }

    #[test]
    fn percentages_round_half_up_and_say_nothing_of_nothing() {
        let cases =
            [(0, 0, None), (0, 3, Some(0)), (1, 3, Some(33)), (2, 3, Some(67)), (1, 8, Some(13)), (5, 5, Some(100))];
        for (part, whole, want) in cases {
            assert_eq!(percent(part, whole), want, "{part}/{whole}");
        }
        let mut sum = Tally { responded: 4, responded_in_time: 3, ..Tally::default() };
        sum += Tally { responded: 4, responded_in_time: 4, resolved: 1, ..Tally::default() };
        assert_eq!((sum.response_percent(), sum.resolution_percent()), (Some(88), Some(0)));
    }

    #[test]
    fn backlog_bands_are_differences_of_counts() {
        let cases: &[(&[i64], i64, &[i64])] = &[
            (&[2, 5, 9, 20], 31, &[2, 3, 4, 11, 11]),
            (&[0, 0, 0, 0], 0, &[0, 0, 0, 0, 0]),
            (&[0, 0, 0, 0], 7, &[0, 0, 0, 0, 7]),
            // A ticket closed between two counts never makes a band negative.
            (&[3, 2, 2, 2], 2, &[3, 0, 0, 0, 0]),
        ];
        for (since, total, want) in cases {
            assert_eq!(age_bands(since, *total), *want, "{since:?} {total}");
        }
        let now = Utc::now();
        let b = age_boundaries(now);
        assert_eq!(b.len(), AGES.len() - 1);
        assert!(b.windows(2).all(|w| w[0] > w[1]));
    }

    #[test]
    fn scales_end_on_round_numbers() {
        let cases =
            [(0, 1), (1, 1), (2, 2), (3, 5), (7, 10), (10, 10), (11, 20), (99, 100), (101, 200), (4_900, 5_000)];
        for (max, want) in cases {
            assert_eq!(nice_ceiling(max), want, "{max}");
        }
        let in_hours = [(0, 60), (45, 60), (61, 120), (500, 600), (3_000, 3_000), (3_001, 6_000)];
        for (minutes, want) in in_hours {
            assert_eq!(nice_scale(minutes, 60), want, "{minutes} min");
        }
        assert_eq!(nice_scale(7, 1), nice_ceiling(7));
    }
}
