//! Who hears of what: the events the portal tells people about, which of them a person may turn
//! off, and the one rule that picks an event's recipients (docs/rules.md, "Notifications").

use serde::{Deserialize, Serialize};

/// What happened, as people are told of it. The text form is stored and sent on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// The requester's acknowledgement, with the ticket's number.
    TicketRaised,
    /// A new ticket, to staff who asked to hear of every new ticket.
    NewTicket,
    /// A public reply, to the other side of the conversation.
    TicketReply,
    /// An internal note, to the assignee (staff only, ever).
    InternalNote,
    /// Resolved, or waiting on the customer, or reopened.
    TicketStatus,
    /// A ticket assigned to someone.
    TicketAssigned,
    /// A registration awaiting approval, to account managers.
    RegistrationReceived,
    /// A registration approved or rejected, to the person.
    RegistrationDecided,
    /// After-hours work or a MACS order awaiting approval, to the organisation's superusers.
    BookingRequested,
    /// A booking or MACS order approved, declined, scheduled, quoted, completed or cancelled, to
    /// the person who asked for it.
    BookingUpdated,
    /// An IRS contract ending within 30 days with no renewal, to superusers and account managers.
    IrsRenewalDue,
    /// Vouchers running low or expiring within 30 days, to superusers and account managers.
    VoucherBalance,
    /// Go-live recorded, the Deployment Completion form issued or signed, the project deemed complete.
    DeploymentMilestone,
    /// A reader's question on an Insider post, to the post's author (staff).
    InsiderQuestion,
    /// CyTrack's answer to a question the reader asked on an Insider post.
    InsiderAnswer,
}

impl NotificationKind {
    pub const ALL: [NotificationKind; 15] = [
        NotificationKind::TicketRaised,
        NotificationKind::NewTicket,
        NotificationKind::TicketReply,
        NotificationKind::InternalNote,
        NotificationKind::TicketStatus,
        NotificationKind::TicketAssigned,
        NotificationKind::RegistrationReceived,
        NotificationKind::RegistrationDecided,
        NotificationKind::BookingRequested,
        NotificationKind::BookingUpdated,
        NotificationKind::IrsRenewalDue,
        NotificationKind::VoucherBalance,
        NotificationKind::DeploymentMilestone,
        NotificationKind::InsiderQuestion,
        NotificationKind::InsiderAnswer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::TicketRaised => "ticket_raised",
            NotificationKind::NewTicket => "new_ticket",
            NotificationKind::TicketReply => "ticket_reply",
            NotificationKind::InternalNote => "internal_note",
            NotificationKind::TicketStatus => "ticket_status",
            NotificationKind::TicketAssigned => "ticket_assigned",
            NotificationKind::RegistrationReceived => "registration_received",
            NotificationKind::RegistrationDecided => "registration_decided",
            NotificationKind::BookingRequested => "booking_requested",
            NotificationKind::BookingUpdated => "booking_updated",
            NotificationKind::IrsRenewalDue => "irs_renewal_due",
            NotificationKind::VoucherBalance => "voucher_balance",
            NotificationKind::DeploymentMilestone => "deployment_milestone",
            NotificationKind::InsiderQuestion => "insider_question",
            NotificationKind::InsiderAnswer => "insider_answer",
        }
    }

    pub fn parse(input: &str) -> Result<NotificationKind, String> {
        NotificationKind::ALL
            .into_iter()
            .find(|k| k.as_str() == input)
            .ok_or_else(|| format!("There is no notification called {input:?}."))
    }

    /// How the preferences page names it.
    pub fn label(self) -> &'static str {
        match self {
            NotificationKind::TicketRaised => "Acknowledgement of a ticket I raised",
            NotificationKind::NewTicket => "Every new ticket (staff)",
            NotificationKind::TicketReply => "Replies on my tickets",
            NotificationKind::InternalNote => "Internal notes on tickets assigned to me (staff)",
            NotificationKind::TicketStatus => "Status changes of my tickets",
            NotificationKind::TicketAssigned => "Tickets assigned to me (staff)",
            NotificationKind::RegistrationReceived => "Registrations awaiting approval (staff)",
            NotificationKind::RegistrationDecided => "My registration approved or rejected",
            NotificationKind::BookingRequested => "After-hours work and MACS orders awaiting my approval",
            NotificationKind::BookingUpdated => "Progress of my after-hours bookings and MACS orders",
            NotificationKind::IrsRenewalDue => "IRS contracts due for renewal",
            NotificationKind::VoucherBalance => "Vouchers running low or expiring",
            NotificationKind::DeploymentMilestone => "Deployment milestones: go-live and the completion form",
            NotificationKind::InsiderQuestion => "Questions on my Insider posts (staff)",
            NotificationKind::InsiderAnswer => "Answers to my questions on the Insider blog",
        }
    }

    /// Essential notices are always e-mailed: nobody can turn off being told their own
    /// registration was decided, or the acknowledgement that carries a ticket's number.
    pub fn essential(self) -> bool {
        matches!(
            self,
            NotificationKind::RegistrationDecided
                | NotificationKind::TicketRaised
                | NotificationKind::DeploymentMilestone
        )
    }

    /// Whether e-mail is on for someone who never chose: everything but the firehose of every
    /// new ticket, which staff opt into.
    pub fn mailed_by_default(self) -> bool {
        self != NotificationKind::NewTicket
    }

    /// Whether a person of this side can ever receive it (the preferences page lists only these).
    pub fn reaches(self, staff: bool) -> bool {
        match self {
            NotificationKind::NewTicket
            | NotificationKind::InternalNote
            | NotificationKind::TicketAssigned
            | NotificationKind::RegistrationReceived
            | NotificationKind::InsiderQuestion => staff,
            NotificationKind::InsiderAnswer
            | NotificationKind::TicketRaised
            | NotificationKind::RegistrationDecided
            | NotificationKind::BookingRequested
            | NotificationKind::BookingUpdated => !staff,
            NotificationKind::TicketReply
            | NotificationKind::TicketStatus
            | NotificationKind::IrsRenewalDue
            | NotificationKind::VoucherBalance
            | NotificationKind::DeploymentMilestone => true,
        }
    }
}

/// Which side of the counter someone stands on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Customer,
    Staff,
}

/// A person who may be told, with the kinds whose e-mail they turned off or on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: String,
    pub side: Side,
    /// Kinds whose e-mail this person set against the default (`mailed_by_default`).
    pub toggled: Vec<NotificationKind>,
}

impl Person {
    pub fn mails(&self, kind: NotificationKind) -> bool {
        kind.essential() || (kind.mailed_by_default() != self.toggled.contains(&kind))
    }
}

/// The people around an event, as the service read them. Each list holds active accounts only.
#[derive(Debug, Clone, Default)]
pub struct Parties {
    /// Who caused the event: never told of their own action.
    pub actor_id: Option<String>,
    /// The ticket's or booking's requester, or the registrant.
    pub requester: Option<Person>,
    pub assignee: Option<Person>,
    /// The organisation's superusers.
    pub superusers: Vec<Person>,
    /// Active CyTrack staff; those who opted into `NewTicket` hear of every new ticket.
    pub staff: Vec<Person>,
    pub account_managers: Vec<Person>,
}

/// What changed, in the terms the rule needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Event {
    TicketRaised,
    /// A reply or note; `by_staff` says which side wrote it.
    Comment {
        internal: bool,
        by_staff: bool,
    },
    /// A status change to something the other side should know about.
    StatusChanged {
        by_staff: bool,
    },
    Assigned,
    RegistrationReceived,
    RegistrationDecided,
    BookingRequested,
    BookingUpdated,
    /// A reader asked on an Insider post: its author (as the assignee) hears.
    InsiderQuestion,
    /// Staff answered a reader's question: the reader (as the requester) hears.
    InsiderAnswered,
    /// About an organisation's account: its IRS renewal, its vouchers, its deployment's
    /// completion; told to its superusers and the account managers.
    Account(NotificationKind),
}

/// The groups of people an event's rule may pick from, so the service reads no more than that.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Needs {
    pub superusers: bool,
    pub staff: bool,
    pub account_managers: bool,
}

impl Event {
    pub fn needs(self) -> Needs {
        match self {
            Event::TicketRaised | Event::Comment { internal: false, by_staff: false } => {
                Needs { staff: true, ..Needs::default() }
            }
            Event::BookingRequested => Needs { superusers: true, ..Needs::default() },
            Event::RegistrationReceived => Needs { account_managers: true, ..Needs::default() },
            Event::Account(_) => Needs { superusers: true, account_managers: true, ..Needs::default() },
            _ => Needs::default(),
        }
    }
}

/// One person to tell, and whether by e-mail too (the portal's bell always has it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub user_id: String,
    pub kind: NotificationKind,
    pub mail: bool,
}

/// The recipients of an event: the rule of docs/rules.md's table. Nobody hears of their own
/// action (but the acknowledgement of their own ticket); nobody is told twice of one event; an
/// internal note never reaches a customer.
pub fn recipients(event: Event, parties: &Parties) -> Vec<Recipient> {
    use NotificationKind as K;
    let one = |p: &Option<Person>| p.iter().cloned().collect::<Vec<_>>();
    // Staff who asked to hear of every new ticket; they also cover a customer's reply while
    // nobody is assigned. (Their bell stays quiet otherwise: the queue view is where new
    // tickets live.)
    let watchers = || parties.staff.iter().filter(|p| p.mails(K::NewTicket)).cloned().collect::<Vec<_>>();
    let told: Vec<(NotificationKind, Vec<Person>)> = match event {
        Event::TicketRaised => vec![(K::TicketRaised, one(&parties.requester)), (K::NewTicket, watchers())],
        Event::Comment { internal: true, .. } => vec![(K::InternalNote, one(&parties.assignee))],
        Event::Comment { internal: false, by_staff: true } => vec![(K::TicketReply, one(&parties.requester))],
        // A customer wrote: the assignee (or the watchers), and the requester when a superuser
        // wrote on someone else's ticket.
        Event::Comment { internal: false, by_staff: false } => {
            let staff = if parties.assignee.is_some() { one(&parties.assignee) } else { watchers() };
            vec![(K::TicketReply, [staff, one(&parties.requester)].concat())]
        }
        Event::StatusChanged { by_staff: true } => vec![(K::TicketStatus, one(&parties.requester))],
        Event::StatusChanged { by_staff: false } => vec![(K::TicketStatus, one(&parties.assignee))],
        Event::Assigned => vec![(K::TicketAssigned, one(&parties.assignee))],
        Event::RegistrationReceived => vec![(K::RegistrationReceived, parties.account_managers.clone())],
        Event::RegistrationDecided => vec![(K::RegistrationDecided, one(&parties.requester))],
        Event::BookingRequested => vec![(K::BookingRequested, parties.superusers.clone())],
        Event::BookingUpdated => vec![(K::BookingUpdated, one(&parties.requester))],
        Event::InsiderQuestion => vec![(K::InsiderQuestion, one(&parties.assignee))],
        Event::InsiderAnswered => vec![(K::InsiderAnswer, one(&parties.requester))],
        Event::Account(kind) => vec![(kind, [parties.superusers.clone(), parties.account_managers.clone()].concat())],
    };
    let mut seen = std::collections::HashSet::new();
    told.into_iter()
        .flat_map(|(kind, people)| people.into_iter().map(move |p| (kind, p)))
        // Nobody hears of their own action, but for the acknowledgement of a ticket they raised:
        // it carries the number to quote.
        .filter(|(kind, p)| *kind == K::TicketRaised || Some(&p.id) != parties.actor_id.as_ref())
        // An internal note is CyTrack's own, whatever list a customer might be on.
        .filter(|(kind, p)| *kind != K::InternalNote || p.side == Side::Staff)
        // Each person once: the first mention wins.
        .filter(|(_, p)| seen.insert(p.id.clone()))
        .map(|(kind, p)| Recipient { mail: p.mails(kind), user_id: p.id, kind })
        .collect()
}

/// Whether a status change is worth telling the other side: CyTrack resolving a ticket or
/// asking the customer for something; any change a customer makes (they resolve or reopen).
/// Opening, holding and closing are CyTrack's own bookkeeping.
pub fn status_told(to: crate::domain::tickets::TicketStatus, by_staff: bool) -> bool {
    use crate::domain::tickets::TicketStatus as S;
    !by_staff || matches!(to, S::Resolved | S::AwaitingCustomer)
}

/// How long a message that could not be delivered waits before its next try, after `attempts`
/// tries; `None` once it has had its last (it is then `failed`, for an admin to look at). The
/// waits add up to about a day, so a mail server down for hours still gets everything, once.
pub fn retry_after(attempts: i32) -> Option<chrono::Duration> {
    const WAITS_MINUTES: [i64; 9] = [1, 2, 5, 10, 30, 60, 120, 240, 720];
    usize::try_from(attempts - 1).ok().and_then(|i| WAITS_MINUTES.get(i)).map(|m| chrono::Duration::minutes(*m))
}

#[cfg(test)]
mod tests {
    use super::*;
    use NotificationKind as K;

    fn customer(id: &str) -> Person {
        Person { id: id.into(), side: Side::Customer, toggled: vec![] }
    }

    fn staff(id: &str) -> Person {
        Person { id: id.into(), side: Side::Staff, toggled: vec![] }
    }

    fn watcher(id: &str) -> Person {
        Person { id: id.into(), side: Side::Staff, toggled: vec![K::NewTicket] }
    }

    /// A ticket raised by `casey`, assigned to `agent`, in an organisation whose superuser is `sam`.
    fn ticket(actor: &str, assigned: bool) -> Parties {
        Parties {
            actor_id: Some(actor.into()),
            requester: Some(customer("casey")),
            assignee: assigned.then(|| staff("agent")),
            superusers: vec![customer("sam")],
            staff: vec![staff("agent"), watcher("triage")],
            account_managers: vec![staff("manager")],
        }
    }

    fn ids(recipients: &[Recipient]) -> Vec<(&str, NotificationKind)> {
        recipients.iter().map(|r| (r.user_id.as_str(), r.kind)).collect()
    }

    #[test]
    fn each_event_reaches_the_people_of_the_table() {
        let cases: Vec<(&str, Event, Parties, Vec<(&str, NotificationKind)>)> = vec![
            (
                "raised: ack to the requester, news to opted-in staff",
                Event::TicketRaised,
                ticket("casey", false),
                vec![("casey", K::TicketRaised), ("triage", K::NewTicket)],
            ),
            (
                "raised by staff for a customer: the requester still hears",
                Event::TicketRaised,
                ticket("agent", false),
                vec![("casey", K::TicketRaised), ("triage", K::NewTicket)],
            ),
            (
                "CyTrack's reply: the requester",
                Event::Comment { internal: false, by_staff: true },
                ticket("agent", true),
                vec![("casey", K::TicketReply)],
            ),
            (
                "the customer's reply: the assignee",
                Event::Comment { internal: false, by_staff: false },
                ticket("casey", true),
                vec![("agent", K::TicketReply)],
            ),
            (
                "the customer's reply, nobody assigned: the watchers",
                Event::Comment { internal: false, by_staff: false },
                ticket("casey", false),
                vec![("triage", K::TicketReply)],
            ),
            (
                "the superuser replies on Casey's ticket: assignee and Casey",
                Event::Comment { internal: false, by_staff: false },
                ticket("sam", true),
                vec![("agent", K::TicketReply), ("casey", K::TicketReply)],
            ),
            (
                "an internal note: the assignee only",
                Event::Comment { internal: true, by_staff: true },
                ticket("triage", true),
                vec![("agent", K::InternalNote)],
            ),
            (
                "an internal note by the assignee: nobody",
                Event::Comment { internal: true, by_staff: true },
                ticket("agent", true),
                vec![],
            ),
            (
                "resolved by CyTrack: the requester",
                Event::StatusChanged { by_staff: true },
                ticket("agent", true),
                vec![("casey", K::TicketStatus)],
            ),
            (
                "reopened by the customer: the assignee",
                Event::StatusChanged { by_staff: false },
                ticket("casey", true),
                vec![("agent", K::TicketStatus)],
            ),
            (
                "assigned by someone else: the assignee",
                Event::Assigned,
                ticket("manager", true),
                vec![("agent", K::TicketAssigned)],
            ),
            ("an agent takes a ticket: nobody", Event::Assigned, ticket("agent", true), vec![]),
            (
                "a registration: account managers",
                Event::RegistrationReceived,
                Parties {
                    actor_id: Some("pat".into()),
                    requester: Some(customer("pat")),
                    account_managers: vec![staff("manager")],
                    ..Parties::default()
                },
                vec![("manager", K::RegistrationReceived)],
            ),
            (
                "a decision: the person",
                Event::RegistrationDecided,
                Parties { actor_id: Some("manager".into()), requester: Some(customer("pat")), ..Parties::default() },
                vec![("pat", K::RegistrationDecided)],
            ),
            (
                "a booking by Casey: the superusers",
                Event::BookingRequested,
                ticket("casey", false),
                vec![("sam", K::BookingRequested)],
            ),
            (
                "a booking by the superuser: nobody else to approve",
                Event::BookingRequested,
                Parties { actor_id: Some("sam".into()), superusers: vec![customer("sam")], ..Parties::default() },
                vec![],
            ),
            (
                "a booking approved: who booked it",
                Event::BookingUpdated,
                ticket("sam", false),
                vec![("casey", K::BookingUpdated)],
            ),
            (
                "a question on an Insider post: its author, never the asker",
                Event::InsiderQuestion,
                ticket("casey", true),
                vec![("agent", K::InsiderQuestion)],
            ),
            (
                "an answer: the reader who asked",
                Event::InsiderAnswered,
                ticket("agent", true),
                vec![("casey", K::InsiderAnswer)],
            ),
        ];
        for (name, event, parties, expected) in cases {
            assert_eq!(ids(&recipients(event, &parties)), expected, "{name}");
        }
    }

    #[test]
    fn an_internal_note_never_reaches_a_customer_whatever_list_they_are_on() {
        let parties = Parties {
            actor_id: Some("agent".into()),
            assignee: Some(customer("casey")),
            requester: Some(customer("casey")),
            ..Parties::default()
        };
        assert!(recipients(Event::Comment { internal: true, by_staff: true }, &parties).is_empty());
    }

    #[test]
    fn preferences_turn_mail_off_except_for_essential_notices() {
        let quiet = |kind| Person { id: "casey".into(), side: Side::Customer, toggled: vec![kind] };
        let cases = [
            (K::TicketReply, false),
            (K::TicketStatus, false),
            (K::BookingUpdated, false),
            (K::TicketRaised, true),
            (K::RegistrationDecided, true),
        ];
        for (kind, mailed) in cases {
            assert_eq!(quiet(kind).mails(kind), mailed, "{kind:?}");
            assert!(customer("casey").mails(kind), "{kind:?} is mailed by default");
        }
        assert!(!staff("agent").mails(K::NewTicket), "every new ticket is opt-in");
        assert!(watcher("triage").mails(K::NewTicket));
    }

    #[test]
    fn someone_turned_off_still_sees_it_in_the_portal() {
        let mut parties = ticket("agent", true);
        parties.requester = Some(Person { id: "casey".into(), side: Side::Customer, toggled: vec![K::TicketReply] });
        let told = recipients(Event::Comment { internal: false, by_staff: true }, &parties);
        assert_eq!(told, vec![Recipient { user_id: "casey".into(), kind: K::TicketReply, mail: false }]);
    }

    #[test]
    fn only_the_status_changes_the_other_side_acts_on_are_told() {
        use crate::domain::tickets::TicketStatus as S;
        let cases = [
            (S::Resolved, true, true),
            (S::AwaitingCustomer, true, true),
            (S::Open, true, false),
            (S::OnHold, true, false),
            (S::Closed, true, false),
            (S::Resolved, false, true),
            (S::Open, false, true),
        ];
        for (to, by_staff, told) in cases {
            assert_eq!(status_told(to, by_staff), told, "{to:?} by staff: {by_staff}");
        }
    }

    #[test]
    fn retries_wait_longer_each_time_and_stop_after_ten_tries() {
        let cases = [(0, None), (1, Some(1)), (2, Some(2)), (5, Some(30)), (9, Some(720)), (10, None), (11, None)];
        for (attempts, minutes) in cases {
            assert_eq!(retry_after(attempts), minutes.map(chrono::Duration::minutes), "after {attempts} tries");
        }
        let total: i64 = (1..10).filter_map(retry_after).map(|d| d.num_minutes()).sum();
        assert!(total > 60 * 12, "an outage of hours is covered: {total} minutes");
    }

    #[test]
    fn kinds_round_trip_through_their_names() {
        for kind in NotificationKind::ALL {
            assert_eq!(NotificationKind::parse(kind.as_str()), Ok(kind));
        }
        assert!(NotificationKind::parse("everything").is_err());
    }
}
