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

/// Who is asking for a status change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Changer {
    Staff,
    /// The requester, or the organisation's superuser.
    Customer,
}

/// Days after closing during which a customer may still reopen a ticket.
pub const CUSTOMER_REOPEN_DAYS: i64 = 14;

/// The status state machine. `days_since_closed` is Some for a closed ticket.
pub fn check_transition(
    from: TicketStatus,
    to: TicketStatus,
    who: Changer,
    days_since_closed: Option<i64>,
) -> Result<(), String> {
    use TicketStatus::*;
    if from == to {
        return Ok(());
    }
    let allowed = match (who, from, to) {
        (_, _, New) => false,
        (Changer::Staff, Closed, Open) => true,
        (Changer::Staff, Closed, _) => false,
        (Changer::Staff, Resolved, _) => true,
        (Changer::Staff, _, Closed) => false,
        (Changer::Staff, _, _) => true,
        (Changer::Customer, New | Open | AwaitingCustomer | OnHold, Resolved) => true,
        (Changer::Customer, Resolved, Open) => true,
        (Changer::Customer, Closed, Open) => days_since_closed.is_some_and(|d| d <= CUSTOMER_REOPEN_DAYS),
        (Changer::Customer, _, _) => false,
    };
    if allowed {
        return Ok(());
    }
    Err(match (who, from, to) {
        (_, _, New) => "A ticket cannot go back to New.".into(),
        (Changer::Customer, Closed, Open) => format!(
            "This ticket was closed more than {CUSTOMER_REOPEN_DAYS} days ago; raise a new ticket and mention {}.",
            "its number"
        ),
        (Changer::Customer, _, _) => {
            "You can resolve your ticket or reopen it; CyTrack sets the other statuses.".into()
        }
        (Changer::Staff, _, Closed) => "Resolve the ticket before closing it.".into(),
        _ => format!("A ticket cannot move from {} to {}.", from.label(), to.label()),
    })
}

/// Where a reply moves its ticket: CyTrack's first public reply opens a new ticket; a customer's
/// reply brings a ticket that waited on them (or was resolved) back to open; anything else leaves
/// the status alone. A customer cannot reply on a closed ticket (they reopen it, or raise a new one).
pub fn status_after_reply(who: Changer, internal: bool, from: TicketStatus) -> Result<Option<TicketStatus>, String> {
    use TicketStatus::*;
    match (who, internal, from) {
        (Changer::Customer, _, Closed) => {
            Err("This ticket is closed; reopen it to reply, or raise a new ticket.".into())
        }
        (Changer::Staff, false, New) => Ok(Some(Open)),
        (Changer::Customer, _, AwaitingCustomer | Resolved) => Ok(Some(Open)),
        _ => Ok(None),
    }
}

/// Whether the SLA clock stands still in this status (waiting for the customer, or done).
pub fn sla_paused(status: TicketStatus) -> bool {
    matches!(status, TicketStatus::AwaitingCustomer)
}

/// Whether the ticket still needs work (it counts in queues and its clocks run).
pub fn is_open(status: TicketStatus) -> bool {
    !matches!(status, TicketStatus::Resolved | TicketStatus::Closed)
}

/// A queue's routing rule: empty lists match anything; the first queue that matches wins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueRule {
    pub name: String,
    pub kinds: Vec<TicketKind>,
    pub products: Vec<Product>,
    pub tags: Vec<super::billing::BillingTag>,
}

impl QueueRule {
    pub fn matches(&self, kind: TicketKind, product: Option<Product>, tag: super::billing::BillingTag) -> bool {
        (self.kinds.is_empty() || self.kinds.contains(&kind))
            && (self.products.is_empty() || product.is_some_and(|p| self.products.contains(&p)))
            && (self.tags.is_empty() || self.tags.contains(&tag))
    }
}

/// The queue a new ticket lands in: the first rule (in order) that matches, else the last queue.
pub fn route<'a>(
    rules: &'a [QueueRule],
    kind: TicketKind,
    product: Option<Product>,
    tag: super::billing::BillingTag,
) -> Option<&'a str> {
    rules.iter().find(|r| r.matches(kind, product, tag)).or(rules.last()).map(|r| r.name.as_str())
}

/// Where tickets naming `product` (or none) land, for every kind and billing tag: the routing
/// table an admin reads before saving a change. Rows are kinds, columns billing tags, in their
/// declared orders; a cell is the queue (none only when there are no queues at all).
pub fn routing_preview(
    rules: &[QueueRule],
    product: Option<Product>,
) -> Vec<(TicketKind, Vec<(super::billing::BillingTag, Option<String>)>)> {
    TicketKind::ALL
        .iter()
        .map(|&kind| {
            let row = super::billing::BillingTag::ALL
                .iter()
                .map(|&tag| (tag, route(rules, kind, product, tag).map(str::to_string)))
                .collect();
            (kind, row)
        })
        .collect()
}

/// First-response and resolution targets, in business minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaTarget {
    pub first_response_minutes: i64,
    pub resolution_minutes: i64,
}

/// Defaults: P1 1 h / 4 h, P2 4 h / 1 business day, P3 1 / 3 business days, P4 2 / 5 business days.
pub fn sla_target(priority: Priority, business_day_minutes: i64) -> SlaTarget {
    let day = business_day_minutes;
    let (first, resolution) = match priority {
        Priority::P1 => (60, 4 * 60),
        Priority::P2 => (4 * 60, day),
        Priority::P3 => (day, 3 * day),
        Priority::P4 => (2 * day, 5 * day),
    };
    SlaTarget { first_response_minutes: first, resolution_minutes: resolution }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_zero_padded() {
        assert_eq!(ticket_number(1), "CT-000001");
        assert_eq!(ticket_number(123), "CT-000123");
        assert_eq!(ticket_number(1_234_567), "CT-1234567");
    }

    #[test]
    fn where_a_reply_moves_its_ticket() {
        use Changer::*;
        use TicketStatus::*;
        #[rustfmt::skip]
        let table = [
            // who, internal note, from: the status after, or refused
            (Staff, false, New, Ok(Some(Open))),
            (Staff, true, New, Ok(None)),
            (Staff, false, Open, Ok(None)),
            (Staff, false, AwaitingCustomer, Ok(None)),
            (Staff, false, Resolved, Ok(None)),
            (Staff, false, Closed, Ok(None)),
            (Staff, true, Closed, Ok(None)),
            (Customer, false, New, Ok(None)),
            (Customer, false, Open, Ok(None)),
            (Customer, false, OnHold, Ok(None)),
            (Customer, false, AwaitingCustomer, Ok(Some(Open))),
            (Customer, false, Resolved, Ok(Some(Open))),
            (Customer, false, Closed, Err(())),
        ];
        for (who, internal, from, expected) in table {
            let got = status_after_reply(who, internal, from).map_err(|_| ());
            assert_eq!(got, expected, "{who:?} replying (internal {internal}) on a {from:?} ticket");
        }
    }

    #[test]
    fn the_status_state_machine() {
        use Changer::*;
        use TicketStatus::*;
        #[rustfmt::skip]
        let table = [
            (Staff, New, Open, None, true),
            (Staff, Open, AwaitingCustomer, None, true),
            (Staff, AwaitingCustomer, OnHold, None, true),
            (Staff, OnHold, Resolved, None, true),
            (Staff, Resolved, Closed, None, true),
            (Staff, Resolved, Open, None, true),
            (Staff, Open, Closed, None, false),
            (Staff, Open, New, None, false),
            (Staff, Closed, Open, Some(400), true),
            (Staff, Closed, Resolved, Some(1), false),
            (Customer, Open, Resolved, None, true),
            (Customer, New, Resolved, None, true),
            (Customer, Resolved, Open, None, true),
            (Customer, Open, OnHold, None, false),
            (Customer, Open, Closed, None, false),
            (Customer, Closed, Open, Some(14), true),
            (Customer, Closed, Open, Some(15), false),
            (Customer, Resolved, Resolved, None, true),
        ];
        for (who, from, to, closed_days, ok) in table {
            assert_eq!(
                check_transition(from, to, who, closed_days).is_ok(),
                ok,
                "{who:?} {from} -> {to} ({closed_days:?})"
            );
        }
        assert!(check_transition(Closed, Open, Customer, Some(30)).unwrap_err().contains("14 days"));
    }

    #[test]
    fn the_routing_preview_shows_where_each_kind_and_tag_lands() {
        use crate::domain::billing::BillingTag as Tag;
        let rule = |name: &str, kinds: &[TicketKind], products: &[Product], tags: &[Tag]| QueueRule {
            name: name.into(),
            kinds: kinds.to_vec(),
            products: products.to_vec(),
            tags: tags.to_vec(),
        };
        let rules = [
            rule("Faults", &[TicketKind::Fault], &[], &[]),
            rule("Chat", &[], &[Product::Cychat], &[]),
            rule("Billable", &[], &[], &[Tag::Billable]),
            rule("General", &[], &[], &[]),
        ];
        let cell = |product: Option<Product>, kind: TicketKind, tag: Tag| {
            let preview = routing_preview(&rules, product);
            let (_, row) = preview.iter().find(|(k, _)| *k == kind).unwrap();
            row.iter().find(|(t, _)| *t == tag).unwrap().1.clone().unwrap()
        };
        let cases = [
            (None, TicketKind::Fault, Tag::Billable, "Faults"),
            (None, TicketKind::Question, Tag::Billable, "Billable"),
            (None, TicketKind::Question, Tag::Warranty, "General"),
            (Some(Product::Cychat), TicketKind::Question, Tag::Warranty, "Chat"),
            (Some(Product::Cychat), TicketKind::Fault, Tag::Warranty, "Faults"),
            (Some(Product::Reports), TicketKind::Macs, Tag::Irs, "General"),
        ];
        for (product, kind, tag, queue) in cases {
            assert_eq!(cell(product, kind, tag), queue, "{kind} {product:?} {tag}");
        }
        let preview = routing_preview(&rules, None);
        assert_eq!(preview.len(), TicketKind::ALL.len());
        assert!(preview.iter().all(|(_, row)| row.len() == Tag::ALL.len()));
        assert!(routing_preview(&[], None).iter().all(|(_, row)| row.iter().all(|(_, q)| q.is_none())));
    }

    #[test]
    fn routing_by_kind_product_and_tag() {
        use super::super::billing::BillingTag as Tag;
        let rules = vec![
            QueueRule {
                name: "After Hours".into(),
                kinds: vec![TicketKind::AfterHours],
                products: vec![],
                tags: vec![],
            },
            QueueRule { name: "Deployments".into(), kinds: vec![], products: vec![], tags: vec![Tag::Deployment] },
            QueueRule {
                name: "Chat".into(),
                kinds: vec![TicketKind::Fault],
                products: vec![Product::Cychat],
                tags: vec![],
            },
            QueueRule {
                name: "MACS and Changes".into(),
                kinds: vec![TicketKind::ChangeRequest, TicketKind::Macs, TicketKind::Upgrade],
                products: vec![],
                tags: vec![],
            },
            QueueRule { name: "Service Desk".into(), kinds: vec![], products: vec![], tags: vec![] },
        ];
        let cases = [
            (TicketKind::AfterHours, None, Tag::Billable, "After Hours"),
            (TicketKind::Fault, None, Tag::Deployment, "Deployments"),
            (TicketKind::Fault, Some(Product::Cychat), Tag::Irs, "Chat"),
            (TicketKind::Fault, Some(Product::Queues), Tag::Irs, "Service Desk"),
            (TicketKind::Fault, None, Tag::Irs, "Service Desk"),
            (TicketKind::Macs, Some(Product::Cychat), Tag::Billable, "MACS and Changes"),
            (TicketKind::Question, None, Tag::Warranty, "Service Desk"),
        ];
        for (kind, product, tag, queue) in cases {
            assert_eq!(route(&rules, kind, product, tag), Some(queue), "{kind} {product:?} {tag}");
        }
        assert_eq!(route(&[], TicketKind::Fault, None, Tag::Billable), None);
    }

    #[test]
    fn sla_targets_by_priority() {
        let cases =
            [(Priority::P1, 60, 240), (Priority::P2, 240, 540), (Priority::P3, 540, 1620), (Priority::P4, 1080, 2700)];
        for (priority, first, resolution) in cases {
            let t = sla_target(priority, 540);
            assert_eq!((t.first_response_minutes, t.resolution_minutes), (first, resolution), "{priority}");
        }
        assert!(sla_paused(TicketStatus::AwaitingCustomer) && !sla_paused(TicketStatus::Open));
        assert!(is_open(TicketStatus::OnHold) && !is_open(TicketStatus::Resolved));
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
