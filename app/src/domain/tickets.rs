//! Tickets: kinds, priorities, statuses, products, human numbers and queue routing.

use serde::{Deserialize, Serialize};

/// Declares a closed set of values stored and sent as snake_case strings, with a label for people.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($variant:ident = $wire:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            pub fn parse(input: &str) -> Result<$name, String> {
                Self::ALL.iter().copied().find(|v| v.as_str() == input).ok_or_else(|| {
                    let names: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                    format!("Choose a {}: {}.", $what, names.join(", "))
                })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use vocabulary;

vocabulary!(
    /// What the customer is asking for (DOMAIN.md, Tickets).
    TicketKind, "kind" {
        Fault = "fault", "Fault";
        ChangeRequest = "change_request", "Change request";
        Macs = "macs", "Moves, adds and changes";
        Upgrade = "upgrade", "Upgrade";
        Question = "question", "Question";
        AfterHours = "after_hours", "After-hours work";
    }
);

impl TicketKind {
    /// The kinds a customer can choose when raising a ticket; `after_hours` tickets come from bookings.
    pub const RAISABLE: &'static [TicketKind] =
        &[TicketKind::Fault, TicketKind::ChangeRequest, TicketKind::Macs, TicketKind::Upgrade, TicketKind::Question];

    /// The plural used in sentences: "change requests are not covered ...".
    pub fn plural(self) -> &'static str {
        match self {
            TicketKind::Fault => "faults",
            TicketKind::ChangeRequest => "change requests",
            TicketKind::Macs => "moves, adds and changes",
            TicketKind::Upgrade => "upgrades",
            TicketKind::Question => "questions",
            TicketKind::AfterHours => "after-hours work",
        }
    }
}

vocabulary!(
    Priority, "priority" {
        P1 = "p1", "P1 · Critical";
        P2 = "p2", "P2 · High";
        P3 = "p3", "P3 · Normal";
        P4 = "p4", "P4 · Low";
    }
);

vocabulary!(
    TicketStatus, "status" {
        New = "new", "New";
        Open = "open", "Open";
        AwaitingCustomer = "awaiting_customer", "Awaiting customer";
        OnHold = "on_hold", "On hold";
        Resolved = "resolved", "Resolved";
        Closed = "closed", "Closed";
    }
);

vocabulary!(
    /// The CyTrack module a ticket is about (seed: Installation).
    Product, "product" {
        Queues = "queues", "Queues";
        RecordedAnnouncements = "recorded_announcements", "Recorded announcements";
        CydeskWeb = "cydesk_web", "CyDesk web";
        Reports = "reports", "Reports";
        Dashboards = "dashboards", "Dashboards";
        Cychat = "cychat", "CyChat";
        Other = "other", "Other";
    }
);

/// The queue a new ticket lands in, by its kind.
pub fn default_queue(kind: TicketKind) -> &'static str {
    match kind {
        TicketKind::Fault | TicketKind::Question => "Service Desk",
        TicketKind::ChangeRequest | TicketKind::Macs | TicketKind::Upgrade => "MACS and Changes",
        TicketKind::AfterHours => "After Hours",
    }
}

/// The human ticket number: `CT-000123`.
pub fn ticket_number(sequence: i64) -> String {
    format!("CT-{sequence:06}")
}

pub const SUBJECT_MAX: usize = 200;
pub const DESCRIPTION_MAX: usize = 20_000;

pub fn parse_subject(input: &str) -> Result<String, String> {
    super::text::single_line(input, "a subject", SUBJECT_MAX)
}

pub fn parse_description(input: &str) -> Result<String, String> {
    super::text::multi_line(input, "a description", DESCRIPTION_MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_route_to_queues() {
        let cases = [
            (TicketKind::Fault, "Service Desk"),
            (TicketKind::Question, "Service Desk"),
            (TicketKind::ChangeRequest, "MACS and Changes"),
            (TicketKind::Macs, "MACS and Changes"),
            (TicketKind::Upgrade, "MACS and Changes"),
            (TicketKind::AfterHours, "After Hours"),
        ];
        for (kind, queue) in cases {
            assert_eq!(default_queue(kind), queue, "{kind}");
        }
    }

    #[test]
    fn numbers_are_zero_padded() {
        assert_eq!(ticket_number(1), "CT-000001");
        assert_eq!(ticket_number(123), "CT-000123");
        assert_eq!(ticket_number(1_234_567), "CT-1234567");
    }

    #[test]
    fn vocabularies_round_trip_and_explain_refusals() {
        for kind in TicketKind::ALL {
            assert_eq!(TicketKind::parse(kind.as_str()), Ok(*kind));
        }
        for priority in Priority::ALL {
            assert_eq!(Priority::parse(priority.as_str()), Ok(*priority));
        }
        assert_eq!(Priority::parse("urgent"), Err("Choose a priority: p1, p2, p3, p4.".to_string()));
        assert_eq!(
            serde_json::to_string(&TicketKind::ChangeRequest).unwrap(),
            "\"change_request\"",
            "the wire name and as_str agree"
        );
        assert!(!TicketKind::RAISABLE.contains(&TicketKind::AfterHours));
    }
}
