//! SLA clocks: first response and resolution, counted in business time from the calendar and
//! standing still while the ticket awaits the customer.

use super::calendar::BusinessCalendar;
use super::tickets::{is_open, sla_paused, sla_target, Priority, TicketStatus};
use chrono::{DateTime, Duration, Utc};

/// How far past its due date an overdue clock keeps counting (calendar days).
pub const OVERDUE_HORIZON_DAYS: i64 = 31;
use serde::{Deserialize, Serialize};

/// What a ticket records for its clocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockState {
    pub created_at: DateTime<Utc>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub paused_since: Option<DateTime<Utc>>,
    /// Business minutes paused before `paused_since`.
    pub paused_minutes: i64,
}

/// A ticket's SLA clocks, counted in business time and paused while awaiting the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Clocks {
    /// None once CyTrack has responded.
    pub first_response_due_at: Option<DateTime<Utc>>,
    pub first_response_breached: bool,
    pub resolution_due_at: DateTime<Utc>,
    pub resolution_breached: bool,
    /// Business minutes left to resolve; negative when overdue.
    pub resolution_minutes_left: i64,
    pub paused: bool,
}

impl ClockState {
    pub fn new(created_at: DateTime<Utc>) -> ClockState {
        ClockState {
            created_at,
            first_response_at: None,
            resolved_at: None,
            closed_at: None,
            paused_since: None,
            paused_minutes: 0,
        }
    }

    fn paused_total(&self, cal: &BusinessCalendar, now: DateTime<Utc>) -> i64 {
        self.paused_minutes + self.paused_since.map(|since| cal.business_minutes_between(since, now)).unwrap_or(0)
    }

    /// The clocks as they stand at `now`; None once the ticket no longer needs work.
    ///
    /// Due dates come first (bounded work: targets are a few business days); time left is counted
    /// from now to the due date, and time overdue is counted for at most `OVERDUE_HORIZON_DAYS`,
    /// so an old ticket costs no more than a new one.
    pub fn clocks(
        &self,
        cal: &BusinessCalendar,
        priority: Priority,
        status: TicketStatus,
        now: DateTime<Utc>,
    ) -> Option<Clocks> {
        if !is_open(status) {
            return None;
        }
        let target = sla_target(priority, cal.business_day_minutes());
        let paused = self.paused_total(cal, now);
        let first_due = cal.add_business_minutes(self.created_at, target.first_response_minutes + paused);
        let resolution_due = cal.add_business_minutes(self.created_at, target.resolution_minutes + paused);
        let left = if now <= resolution_due {
            cal.business_minutes_between(now, resolution_due)
        } else {
            -cal.business_minutes_between(
                resolution_due,
                now.min(resolution_due + Duration::days(OVERDUE_HORIZON_DAYS)),
            )
        };
        Some(Clocks {
            first_response_due_at: self.first_response_at.is_none().then_some(first_due),
            first_response_breached: match self.first_response_at {
                Some(at) => at > first_due,
                None => now > first_due,
            },
            resolution_due_at: resolution_due,
            resolution_breached: now > resolution_due,
            resolution_minutes_left: left,
            paused: self.paused_since.is_some(),
        })
    }

    /// The bookkeeping that follows a status change at `now`.
    pub fn after_status_change(
        mut self,
        cal: &BusinessCalendar,
        from: TicketStatus,
        to: TicketStatus,
        now: DateTime<Utc>,
    ) -> ClockState {
        if from == to {
            return self;
        }
        if let Some(since) = self.paused_since.take() {
            self.paused_minutes += cal.business_minutes_between(since, now);
        }
        if sla_paused(to) {
            self.paused_since = Some(now);
        }
        match to {
            TicketStatus::Resolved => self.resolved_at = Some(now),
            TicketStatus::Closed => {
                self.closed_at = Some(now);
                self.resolved_at = self.resolved_at.or(Some(now));
            }
            _ if !is_open(from) => {
                self.resolved_at = None;
                self.closed_at = None;
            }
            _ => {}
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// A Sydney wall-clock time as UTC.
    fn syd(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        chrono_tz::Australia::Sydney.with_ymd_and_hms(y, m, d, h, min, 0).single().unwrap().with_timezone(&Utc)
    }

    #[test]
    fn clocks_count_business_time_only() {
        let cal = BusinessCalendar::sydney_default();
        // Raised Friday 27 November 2026 at 16:30; a P1 has 60 business minutes to a first response,
        // due at closing time; the weekend does not count.
        let state = ClockState::new(syd(2026, 11, 27, 16, 30));
        let cases = [
            // (now, priority, first response due, breached first, minutes left to resolve)
            (syd(2026, 11, 27, 17, 0), Priority::P1, syd(2026, 11, 27, 17, 30), false, 210),
            (syd(2026, 11, 28, 12, 0), Priority::P1, syd(2026, 11, 27, 17, 30), true, 180),
            (syd(2026, 11, 30, 9, 30), Priority::P1, syd(2026, 11, 27, 17, 30), true, 120),
            (syd(2026, 11, 30, 12, 0), Priority::P2, syd(2026, 11, 30, 11, 30), true, 540 - 270),
        ];
        for (now, priority, due, breached, left) in cases {
            let c = state.clocks(&cal, priority, TicketStatus::Open, now).unwrap();
            assert_eq!(c.first_response_due_at, Some(due), "{now}");
            assert_eq!(c.first_response_breached, breached, "{now}");
            assert_eq!(c.resolution_minutes_left, left, "{now}");
            assert_eq!(c.resolution_breached, left < 0);
        }
        assert_eq!(state.clocks(&cal, Priority::P1, TicketStatus::Resolved, syd(2026, 11, 30, 9, 0)), None);
    }

    #[test]
    fn awaiting_the_customer_stops_the_clock() {
        let cal = BusinessCalendar::sydney_default();
        let created = syd(2026, 11, 30, 9, 0); // Monday
        let state = ClockState::new(created);
        let waiting = state.after_status_change(
            &cal,
            TicketStatus::Open,
            TicketStatus::AwaitingCustomer,
            syd(2026, 11, 30, 10, 0),
        );
        // Two business hours later the clock has not moved.
        let c = waiting.clocks(&cal, Priority::P1, TicketStatus::AwaitingCustomer, syd(2026, 11, 30, 12, 0)).unwrap();
        assert!(c.paused);
        assert_eq!(c.resolution_minutes_left, 240 - 60);
        let back = waiting.after_status_change(
            &cal,
            TicketStatus::AwaitingCustomer,
            TicketStatus::Open,
            syd(2026, 11, 30, 12, 0),
        );
        assert_eq!((back.paused_minutes, back.paused_since), (120, None));
        let c = back.clocks(&cal, Priority::P1, TicketStatus::Open, syd(2026, 11, 30, 13, 0)).unwrap();
        assert_eq!(c.resolution_minutes_left, 240 - 120);
        assert_eq!(c.resolution_due_at, syd(2026, 11, 30, 15, 0));
    }

    #[test]
    fn resolving_and_reopening_keep_their_dates() {
        let cal = BusinessCalendar::sydney_default();
        let now = syd(2026, 11, 30, 9, 0);
        let resolved = ClockState::new(now).after_status_change(&cal, TicketStatus::Open, TicketStatus::Resolved, now);
        assert_eq!(resolved.resolved_at, Some(now));
        let closed = resolved.after_status_change(&cal, TicketStatus::Resolved, TicketStatus::Closed, now);
        assert_eq!((closed.closed_at, closed.resolved_at), (Some(now), Some(now)));
        let reopened = closed.after_status_change(&cal, TicketStatus::Closed, TicketStatus::Open, now);
        assert_eq!((reopened.closed_at, reopened.resolved_at), (None, None));
    }
}
