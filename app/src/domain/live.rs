//! Live updates: who hears of a change to a ticket as it happens, who counts as on a ticket now,
//! and when a reply needs a second look because someone else answered first.

use chrono::{DateTime, Duration, Utc};

/// How long a viewer counts as on a ticket after their page last said so. Pages say so every
/// `PRESENCE_BEAT_SECONDS`; two beats missed (a closed laptop, a lost connection) and they are gone.
pub const PRESENCE_SECONDS: i64 = 35;
pub const PRESENCE_BEAT_SECONDS: i64 = 15;

/// History fields a customer never sees (`/tickets/{id}/history` leaves them out, and the live
/// channel never tells of them): internal notes and the time staff logged.
pub const STAFF_ONLY_FIELDS: [&str; 2] = ["note", "time"];

/// Whether a customer sees a line of a ticket's history with this field.
pub fn customer_sees_field(field: &str) -> bool {
    !STAFF_ONLY_FIELDS.contains(&field)
}

/// Who a subscriber is, as far as changes go: the same narrowing as the ticket lists (a
/// superuser sees the organisation's tickets, other client staff their own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    Staff,
    Organization { organization_id: String },
    Requester { organization_id: String, user_id: String },
}

/// One change to one ticket, as the channel carries it: a line of the ticket's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketChange {
    pub id: i64,
    pub ticket_id: String,
    pub organization_id: String,
    pub requester_id: String,
    pub actor_id: Option<String>,
    pub field: String,
}

/// Whether `audience` hears of `change`: staff hear of everything; a customer only of tickets
/// they could open, and never of what only staff see on them.
pub fn hears(audience: &Audience, change: &TicketChange) -> bool {
    match audience {
        Audience::Staff => true,
        Audience::Organization { organization_id } => {
            *organization_id == change.organization_id && customer_sees_field(&change.field)
        }
        Audience::Requester { organization_id, user_id } => {
            *organization_id == change.organization_id
                && *user_id == change.requester_id
                && customer_sees_field(&change.field)
        }
    }
}

/// Whether a viewer last heard from at `seen_at` is still on the ticket at `now`.
pub fn still_present(seen_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now - seen_at <= Duration::seconds(PRESENCE_SECONDS)
}

/// A reply already on the ticket, as the collision check needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posted<'a> {
    pub author_id: &'a str,
    pub author_name: &'a str,
    pub created_at: DateTime<Utc>,
}

/// The people (other than the writer) who posted after the last reply the writer had seen
/// (`seen_at`; `None` when the ticket had no reply then), each once, in the order they posted.
/// Empty: the reply goes out as it is; otherwise the writer is asked to look first.
pub fn replied_since<'a>(posted: &[Posted<'a>], seen_at: Option<DateTime<Utc>>, writer_id: &str) -> Vec<&'a str> {
    let mut names: Vec<&'a str> = Vec::new();
    for p in posted {
        let newer = seen_at.is_none_or(|seen| p.created_at > seen);
        if newer && p.author_id != writer_id && !names.contains(&p.author_name) {
            names.push(p.author_name);
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn change(org: &str, requester: &str, field: &str) -> TicketChange {
        TicketChange {
            id: 1,
            ticket_id: "t".into(),
            organization_id: org.into(),
            requester_id: requester.into(),
            actor_id: None,
            field: field.into(),
        }
    }

    #[test]
    fn each_audience_hears_exactly_what_it_may_open() {
        let staff = Audience::Staff;
        let acme = Audience::Organization { organization_id: "acme".into() };
        let casey = Audience::Requester { organization_id: "acme".into(), user_id: "casey".into() };
        let rows: [(&Audience, TicketChange, bool); 12] = [
            (&staff, change("acme", "casey", "reply"), true),
            (&staff, change("globex", "gina", "note"), true),
            (&staff, change("acme", "casey", "time"), true),
            (&acme, change("acme", "sam", "reply"), true),
            (&acme, change("acme", "casey", "status"), true),
            (&acme, change("acme", "casey", "note"), false),
            (&acme, change("acme", "casey", "time"), false),
            (&acme, change("globex", "gina", "created"), false),
            (&casey, change("acme", "casey", "reply"), true),
            (&casey, change("acme", "sam", "reply"), false),
            (&casey, change("globex", "casey", "reply"), false),
            (&casey, change("acme", "casey", "note"), false),
        ];
        for (audience, change, expected) in rows {
            assert_eq!(hears(audience, &change), expected, "{audience:?} hearing {change:?}");
        }
    }

    #[test]
    fn the_history_a_customer_reads_and_the_changes_they_hear_agree() {
        for (field, seen) in
            [("created", true), ("reply", true), ("status", true), ("billing", true), ("note", false), ("time", false)]
        {
            assert_eq!(customer_sees_field(field), seen, "{field}");
        }
    }

    #[test]
    fn a_viewer_stays_for_two_missed_beats_and_no_longer() {
        let now = Utc.with_ymd_and_hms(2026, 11, 30, 10, 0, 0).unwrap();
        for (ago, present) in [
            (0, true),
            (PRESENCE_BEAT_SECONDS, true),
            (PRESENCE_SECONDS, true),
            (PRESENCE_SECONDS + 1, false),
            (600, false),
        ] {
            assert_eq!(still_present(now - Duration::seconds(ago), now), present, "{ago} s ago");
        }
    }

    #[test]
    fn a_reply_by_someone_else_since_the_last_one_seen_asks_for_a_look() {
        let at = |m| Utc.with_ymd_and_hms(2026, 11, 30, 10, m, 0).unwrap();
        let thread = [
            Posted { author_id: "casey", author_name: "Casey", created_at: at(1) },
            Posted { author_id: "alex", author_name: "Alex", created_at: at(2) },
            Posted { author_id: "me", author_name: "Me", created_at: at(3) },
            Posted { author_id: "alex", author_name: "Alex", created_at: at(4) },
            Posted { author_id: "casey", author_name: "Casey", created_at: at(5) },
        ];
        let rows: [(Option<DateTime<Utc>>, &[Posted], Vec<&str>); 6] = [
            (Some(at(5)), &thread, vec![]),
            (Some(at(4)), &thread, vec!["Casey"]),
            (Some(at(2)), &thread, vec!["Alex", "Casey"]),
            (None, &thread, vec!["Casey", "Alex"]),
            (None, &[], vec![]),
            (Some(at(2)), &thread[..3], vec![]),
        ];
        for (seen, posted, expected) in rows {
            assert_eq!(replied_since(posted, seen, "me"), expected, "seen {seen:?}");
        }
    }
}
