//! After-hours work (DOMAIN.md, "After-hours work"): which windows can be booked, what they cost
//! in voucher minutes, and the booking workflow.

use super::calendar::{BusinessCalendar, Segment, WindowError};
use super::tickets::vocabulary;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

vocabulary!(
    BookingStatus, "booking status" {
        Requested = "requested", "Requested";
        Approved = "approved", "Approved";
        Declined = "declined", "Declined";
        Scheduled = "scheduled", "Scheduled";
        Completed = "completed", "Completed";
        Cancelled = "cancelled", "Cancelled";
    }
);

/// The longest window one booking may cover.
pub const MAX_WINDOW_MINUTES: i64 = 12 * 60;
/// Whole business days that must lie between today and the day the work starts.
pub const MIN_BUSINESS_DAYS_AHEAD: i64 = 2;

/// A refusal with the API's code and a sentence for the customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: &'static str,
    pub message: String,
}

/// The window's segments and quote, or why it cannot be booked.
pub fn quote_window(
    cal: &BusinessCalendar,
    now: DateTime<Utc>,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
) -> Result<(Vec<Segment>, i64), Refusal> {
    let segments = cal.split_after_hours(starts_at, ends_at, MAX_WINDOW_MINUTES).map_err(|e| match e {
        WindowError::EndsBeforeStart => {
            Refusal { code: "invalid_window", message: "The window must end after it starts.".into() }
        }
        WindowError::TooLong => Refusal {
            code: "invalid_window",
            message: format!("A booking can cover at most {} hours; book longer work as several windows.", MAX_WINDOW_MINUTES / 60),
        },
        WindowError::InsideBusinessHours(at) => Refusal {
            code: "inside_business_hours",
            message: format!(
                "Part of the window falls inside business hours (from {}); after-hours work must lie wholly outside them.",
                at.with_timezone(&cal.time_zone).format("%a %-d %b %H:%M")
            ),
        },
    })?;
    let start_day = starts_at.with_timezone(&cal.time_zone).date_naive();
    if cal.business_days_between(now, start_day) < MIN_BUSINESS_DAYS_AHEAD {
        return Err(Refusal {
            code: "too_soon",
            message: format!("Book after-hours work at least {MIN_BUSINESS_DAYS_AHEAD} business days ahead, so an engineer can be rostered."),
        });
    }
    let quote = BusinessCalendar::quote_minutes(&segments);
    Ok((segments, quote))
}

/// What the actual time worked costs: the first `actual_minutes` of the window at the multipliers
/// of the segments they fall in; time beyond the window at the last segment's multiplier.
pub fn charge_for_actual(segments: &[Segment], actual_minutes: i64) -> i64 {
    let mut left = actual_minutes.max(0);
    let mut charge = 0;
    for s in segments {
        if left == 0 {
            break;
        }
        let length = (s.ends_at - s.starts_at).num_minutes();
        let worked = left.min(length);
        charge += (worked * i64::from(s.multiplier) + 99) / 100;
        left -= worked;
    }
    if left > 0 {
        let multiplier = segments.last().map(|s| i64::from(s.multiplier)).unwrap_or(100);
        charge += (left * multiplier + 99) / 100;
    }
    charge
}

/// The workflow: requested -> approved | declined; approved -> scheduled; scheduled -> completed;
/// anything not finished -> cancelled.
pub fn check_booking_transition(from: BookingStatus, to: BookingStatus) -> Result<(), String> {
    use BookingStatus::*;
    let ok = matches!(
        (from, to),
        (Requested, Approved)
            | (Requested, Declined)
            | (Approved, Scheduled)
            | (Scheduled, Completed)
            | (Requested | Approved | Scheduled, Cancelled)
    );
    if ok {
        Ok(())
    } else {
        Err(format!("A {} booking cannot become {}.", from.label().to_lowercase(), to.label().to_lowercase()))
    }
}

/// Who is acting on a booking, as its workflow sees them.
#[derive(Debug, Clone, Copy, Default)]
pub struct BookingRole {
    /// An account manager (or admin).
    pub manager: bool,
    /// Any CyTrack staff member.
    pub staff: bool,
    /// The superuser of the booking's organisation.
    pub superuser: bool,
    /// The person who asked for the booking.
    pub requester: bool,
}

/// Whether this person may move a booking to `to`: superusers and account managers decide,
/// account managers schedule, staff record the time worked, and those who decide or asked may
/// cancel. (Whether the workflow allows the move is `check_booking_transition`.)
pub fn may_move_booking(who: BookingRole, to: BookingStatus) -> bool {
    use BookingStatus::*;
    match to {
        Approved | Declined => who.manager || who.superuser,
        Scheduled => who.manager,
        Completed => who.staff,
        Cancelled => who.manager || who.superuser || who.requester,
        Requested => false,
    }
}

/// The steps this person can take on a booking now: allowed by the workflow and by their role.
pub fn booking_steps(who: BookingRole, from: BookingStatus) -> Vec<BookingStatus> {
    use BookingStatus::*;
    [Approved, Declined, Scheduled, Completed, Cancelled]
        .into_iter()
        .filter(|to| check_booking_transition(from, *to).is_ok() && may_move_booking(who, *to))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn who_may_take_which_booking_step() {
        use BookingStatus::*;
        let manager = BookingRole { manager: true, staff: true, ..Default::default() };
        let agent = BookingRole { staff: true, ..Default::default() };
        let superuser = BookingRole { superuser: true, ..Default::default() };
        let requester = BookingRole { requester: true, ..Default::default() };
        let colleague = BookingRole::default();
        let cases = [
            (manager, Requested, vec![Approved, Declined, Cancelled]),
            (superuser, Requested, vec![Approved, Declined, Cancelled]),
            (requester, Requested, vec![Cancelled]),
            (colleague, Requested, vec![]),
            (agent, Requested, vec![]),
            (manager, Approved, vec![Scheduled, Cancelled]),
            (superuser, Approved, vec![Cancelled]),
            (agent, Scheduled, vec![Completed]),
            (manager, Scheduled, vec![Completed, Cancelled]),
            (manager, Completed, vec![]),
            (superuser, Declined, vec![]),
        ];
        for (who, from, expected) in cases {
            assert_eq!(booking_steps(who, from), expected, "{who:?} on a {from:?} booking");
        }
    }

    fn syd(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        chrono_tz::Australia::Sydney.with_ymd_and_hms(y, m, d, h, min, 0).single().unwrap().with_timezone(&Utc)
    }

    #[test]
    fn windows_are_checked_and_quoted() {
        let cal = BusinessCalendar::sydney_default();
        let now = syd(2026, 11, 30, 10, 0); // Monday
        #[rustfmt::skip]
        let cases: Vec<(&str, DateTime<Utc>, DateTime<Utc>, Result<i64, &str>)> = vec![
            ("Saturday morning, x2", syd(2026, 12, 5, 9, 0), syd(2026, 12, 5, 12, 0), Ok(360)),
            ("Thursday evening, x1.5", syd(2026, 12, 3, 17, 30), syd(2026, 12, 3, 19, 30), Ok(180)),
            ("Friday night into Saturday", syd(2026, 12, 4, 22, 0), syd(2026, 12, 5, 2, 0), Ok(120 * 15 / 10 + 120 * 2)),
            ("touches 08:30 exactly", syd(2026, 12, 4, 6, 30), syd(2026, 12, 4, 8, 30), Ok(180)),
            ("one minute inside", syd(2026, 12, 3, 17, 29), syd(2026, 12, 3, 19, 0), Err("inside_business_hours")),
            ("ends before it starts", syd(2026, 12, 5, 12, 0), syd(2026, 12, 5, 9, 0), Err("invalid_window")),
            ("longer than 12 hours", syd(2026, 12, 5, 6, 0), syd(2026, 12, 5, 18, 1), Err("invalid_window")),
            ("Wednesday evening is too soon", syd(2026, 12, 2, 18, 0), syd(2026, 12, 2, 20, 0), Err("too_soon")),
            ("tonight is too soon", syd(2026, 11, 30, 18, 0), syd(2026, 11, 30, 20, 0), Err("too_soon")),
        ];
        for (name, starts, ends, expected) in cases {
            let got = quote_window(&cal, now, starts, ends).map(|(_, q)| q).map_err(|r| r.code);
            assert_eq!(got, expected, "{name}");
        }
    }

    #[test]
    fn actual_time_is_charged_at_the_multipliers_it_was_worked_in() {
        let cal = BusinessCalendar::sydney_default();
        // Friday 22:00 to Saturday 02:00: two hours at x1.5, then two at x2.
        let segments = cal.split_after_hours(syd(2026, 12, 4, 22, 0), syd(2026, 12, 5, 2, 0), 720).unwrap();
        let cases = [(0, 0), (60, 90), (120, 180), (180, 300), (240, 420), (300, 540)];
        for (actual, charge) in cases {
            assert_eq!(charge_for_actual(&segments, actual), charge, "{actual}");
        }
    }

    #[test]
    fn the_booking_workflow() {
        use BookingStatus::*;
        let table = [
            (Requested, Approved, true),
            (Requested, Declined, true),
            (Requested, Scheduled, false),
            (Approved, Scheduled, true),
            (Approved, Completed, false),
            (Scheduled, Completed, true),
            (Scheduled, Cancelled, true),
            (Completed, Cancelled, false),
            (Declined, Approved, false),
        ];
        for (from, to, ok) in table {
            assert_eq!(check_booking_transition(from, to).is_ok(), ok, "{from} -> {to}");
        }
    }
}
