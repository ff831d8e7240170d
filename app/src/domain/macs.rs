//! MACS, moves, adds and changes bought with voucher time (issue 21; docs/rules.md, "MACS
//! orders"): the catalogue's prices and lead times, and an order's workflow. An order from the
//! catalogue is priced at once; outside it a client asks for a quote, which an agent gives.
//! Approval reserves the price from the vouchers (the same reservations as after-hours work);
//! completion redeems what was done and releases the rest; cancelling releases it all.

use super::afterhours::BookingRole;
use super::calendar::BusinessCalendar;
use super::tickets::vocabulary;
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

vocabulary!(
    OrderStatus, "order status" {
        QuoteRequested = "quote_requested", "Quote requested";
        Quoted = "quoted", "Awaiting approval";
        Approved = "approved", "Approved";
        Declined = "declined", "Declined";
        Completed = "completed", "Completed";
        Cancelled = "cancelled", "Cancelled";
    }
);

/// The longest lead time an item may promise, in business days (about a quarter).
pub const MAX_LEAD_DAYS: i64 = 60;

/// An item's lead time: none, or whole business days up to `MAX_LEAD_DAYS`.
pub fn parse_lead_days(days: Option<i64>) -> Result<Option<i32>, String> {
    match days {
        None => Ok(None),
        Some(d) if (0..=MAX_LEAD_DAYS).contains(&d) => Ok(Some(d as i32)),
        Some(_) => Err(format!("Give the lead time in business days, from 0 to {MAX_LEAD_DAYS}, or leave it empty.")),
    }
}

/// When approved work is due: `lead_days` business days after the day it was approved (none:
/// no promise made).
pub fn due_on(cal: &BusinessCalendar, approved_on: NaiveDate, lead_days: Option<i32>) -> Option<NaiveDate> {
    let mut left = lead_days?;
    let mut day = approved_on;
    while left > 0 {
        day = day.checked_add_days(Days::new(1))?;
        if cal.is_business_day(day) {
            left -= 1;
        }
    }
    Some(day)
}

/// The workflow: a quote asked for is quoted; a priced order is approved or declined; approved
/// work is completed; anything not finished may be cancelled.
pub fn check_order_transition(from: OrderStatus, to: OrderStatus) -> Result<(), String> {
    use OrderStatus::*;
    let ok = matches!(
        (from, to),
        (QuoteRequested, Quoted)
            | (Quoted, Approved)
            | (Quoted, Declined)
            | (Approved, Completed)
            | (QuoteRequested | Quoted | Approved, Cancelled)
    );
    if ok {
        Ok(())
    } else {
        Err(format!("An order that is {} cannot become {}.", from.label().to_lowercase(), to.label().to_lowercase()))
    }
}

/// Whether this person may move an order to `to`: CyTrack quotes and completes; the
/// organisation's superuser (or an account manager) approves or declines the spend; whoever
/// asked, their superuser or CyTrack may cancel what is not finished.
pub fn may_move_order(who: BookingRole, to: OrderStatus) -> bool {
    use OrderStatus::*;
    match to {
        Quoted | Completed => who.staff,
        Approved | Declined => who.manager || who.superuser,
        Cancelled => who.staff || who.superuser || who.requester,
        QuoteRequested => false,
    }
}

/// The steps this person can take on an order now.
pub fn order_steps(who: BookingRole, from: OrderStatus) -> Vec<OrderStatus> {
    use OrderStatus::*;
    [Quoted, Approved, Declined, Completed, Cancelled]
        .into_iter()
        .filter(|to| check_order_transition(from, *to).is_ok() && may_move_order(who, *to))
        .collect()
}

/// What completing an order redeems from its reservation: the minutes done (the whole approved
/// price unless the agent says less; never more, since the client approved that price and no
/// more), and nothing at all when the ticket is no longer billable (an agent reclassified it:
/// only billable work consumes voucher time). The rest of the reservation is released.
pub fn order_charge(billable: bool, approved: i64, done: Option<i64>) -> Result<i64, String> {
    let done = done.unwrap_or(approved);
    if !(0..=approved).contains(&done) {
        return Err(format!(
            "Charge from 0 to the approved {approved} minutes; more work needs a new quote the client approves."
        ));
    }
    Ok(if billable { done } else { 0 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn who_may_take_which_order_step() {
        use OrderStatus::*;
        let manager = BookingRole { manager: true, staff: true, ..Default::default() };
        let agent = BookingRole { staff: true, ..Default::default() };
        let superuser = BookingRole { superuser: true, ..Default::default() };
        let requester = BookingRole { requester: true, ..Default::default() };
        let colleague = BookingRole::default();
        let cases = [
            (agent, QuoteRequested, vec![Quoted, Cancelled]),
            (superuser, QuoteRequested, vec![Cancelled]),
            (requester, QuoteRequested, vec![Cancelled]),
            (colleague, QuoteRequested, vec![]),
            (superuser, Quoted, vec![Approved, Declined, Cancelled]),
            (manager, Quoted, vec![Approved, Declined, Cancelled]),
            (agent, Quoted, vec![Cancelled]),
            (requester, Quoted, vec![Cancelled]),
            (agent, Approved, vec![Completed, Cancelled]),
            (superuser, Approved, vec![Cancelled]),
            (manager, Completed, vec![]),
            (superuser, Declined, vec![]),
            (agent, Cancelled, vec![]),
        ];
        for (who, from, expected) in cases {
            assert_eq!(order_steps(who, from), expected, "{who:?} on a {from:?} order");
        }
    }

    #[test]
    fn the_order_workflow() {
        use OrderStatus::*;
        let table = [
            (QuoteRequested, Quoted, true),
            (QuoteRequested, Approved, false),
            (Quoted, Approved, true),
            (Quoted, Declined, true),
            (Quoted, Completed, false),
            (Approved, Completed, true),
            (Approved, Declined, false),
            (Approved, Cancelled, true),
            (Completed, Cancelled, false),
            (Declined, Approved, false),
            (Cancelled, Quoted, false),
        ];
        for (from, to, ok) in table {
            assert_eq!(check_order_transition(from, to).is_ok(), ok, "{from} -> {to}");
        }
    }

    #[test]
    fn completion_charges_at_most_the_approved_price_and_only_billable_work() {
        let cases = [
            (true, 120, None, Ok(120)),
            (true, 120, Some(90), Ok(90)),
            (true, 120, Some(0), Ok(0)),
            (true, 120, Some(121), Err(())),
            (true, 120, Some(-1), Err(())),
            (false, 120, None, Ok(0)),
            (false, 120, Some(60), Ok(0)),
            (false, 120, Some(500), Err(())),
        ];
        for (billable, approved, done, expected) in cases {
            assert_eq!(
                order_charge(billable, approved, done).map_err(|_| ()),
                expected,
                "{billable} {approved} {done:?}"
            );
        }
    }

    #[test]
    fn lead_times_count_business_days_from_approval() {
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let mut cal = BusinessCalendar::sydney_default();
        cal.holidays.extend([day("2026-12-25"), day("2026-12-28")]);
        let cases = [
            ("2026-11-30", None, None),                  // no promise
            ("2026-11-30", Some(0), Some("2026-11-30")), // Monday, same day
            ("2026-11-30", Some(3), Some("2026-12-03")), // Monday + 3 = Thursday
            ("2026-12-04", Some(1), Some("2026-12-07")), // Friday + 1 = Monday
            ("2026-12-05", Some(1), Some("2026-12-07")), // approved on a Saturday
            ("2026-12-24", Some(2), Some("2026-12-30")), // over Christmas and the Boxing Day holiday
        ];
        for (approved, lead, expected) in cases {
            assert_eq!(due_on(&cal, day(approved), lead), expected.map(day), "{approved} + {lead:?}");
        }
    }

    #[test]
    fn lead_times_are_whole_days_within_a_quarter() {
        assert_eq!(parse_lead_days(None), Ok(None));
        assert_eq!(parse_lead_days(Some(0)), Ok(Some(0)));
        assert_eq!(parse_lead_days(Some(60)), Ok(Some(60)));
        assert!(parse_lead_days(Some(61)).is_err());
        assert!(parse_lead_days(Some(-1)).is_err());
    }
}
