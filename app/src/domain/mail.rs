//! E-mail in: which messages a machine sent (never answered, never a ticket), the reply token in
//! an address, and the part of a reply a person wrote (quoted history and signature cut off).

use chrono::Duration;

/// A reply token works this long after its mail was sent: long enough for a ticket that waits on
/// the customer for weeks, short enough that an old mail in a forwarded thread stops working.
pub const REPLY_TOKEN_LIFETIME: Duration = Duration::days(90);

/// The largest message taken: larger ones are refused whole (413) and recorded.
pub const MAX_MESSAGE_BYTES: usize = 25 * 1024 * 1024;

/// What became of a message received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboundOutcome {
    TicketCreated,
    CommentAdded,
    Rejected,
}

impl InboundOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            InboundOutcome::TicketCreated => "ticket_created",
            InboundOutcome::CommentAdded => "comment_added",
            InboundOutcome::Rejected => "rejected",
        }
    }

    pub fn parse(input: &str) -> Option<InboundOutcome> {
        [InboundOutcome::TicketCreated, InboundOutcome::CommentAdded, InboundOutcome::Rejected]
            .into_iter()
            .find(|o| o.as_str() == input)
    }
}

/// What a message's headers say about who sent it.
#[derive(Debug, Clone, Default)]
pub struct Origin<'a> {
    pub from: &'a str,
    pub auto_submitted: Option<&'a str>,
    pub precedence: Option<&'a str>,
    /// The envelope sender (`Return-Path`); `<>` for a bounce.
    pub return_path: Option<&'a str>,
    /// The message is a delivery or read report (`multipart/report`).
    pub report: bool,
    /// The sender's address is one of the portal's own.
    pub ours: bool,
}

/// Why a message came from a machine, never to be answered (RFC 3834): an auto-reply, a bounce,
/// a list, or our own mail come back. Answering these is how mail loops start.
pub fn machine_sent(origin: &Origin) -> Option<&'static str> {
    let from = origin.from.to_ascii_lowercase();
    let local = from.split('@').next().unwrap_or_default();
    if origin.ours {
        return Some("our own mail came back");
    }
    if origin.auto_submitted.is_some_and(|v| !v.trim().eq_ignore_ascii_case("no")) {
        return Some("sent automatically (Auto-Submitted)");
    }
    if origin.report || origin.return_path.is_some_and(|p| p.trim() == "<>") {
        return Some("a delivery report or bounce");
    }
    if ["mailer-daemon", "postmaster"].contains(&local) {
        return Some("a delivery report or bounce");
    }
    if origin
        .precedence
        .is_some_and(|p| ["bulk", "junk", "list", "auto_reply"].contains(&p.trim().to_ascii_lowercase().as_str()))
    {
        return Some("bulk or list mail (Precedence)");
    }
    None
}

/// The token in a reply address: `support+TOKEN@host` gives `TOKEN` (32 hex digits), whatever
/// the case a mail system gave it.
pub fn reply_token(address: &str) -> Option<String> {
    let local = address.trim().trim_matches(['<', '>']).rsplit_once('@')?.0;
    let token = local.split_once('+')?.1;
    (token.len() == 32 && token.bytes().all(|b| b.is_ascii_hexdigit())).then(|| token.to_ascii_lowercase())
}

/// The part of a reply its writer typed: everything before the quoted history ("On … wrote:",
/// an Outlook header block, lines quoted with '>') and before the signature ("-- ").
pub fn reply_text(body: &str) -> String {
    let mut kept = Vec::new();
    for line in body.lines() {
        let trimmed = line.trim();
        let history = trimmed.starts_with('>')
            || (trimmed.starts_with("On ") && trimmed.ends_with("wrote:"))
            || trimmed.starts_with("-----Original Message-----")
            || (trimmed.starts_with("From:") && kept.iter().any(|l: &&str| l.trim().is_empty()))
            || trimmed.starts_with("________________________________");
        if history || line == "-- " || trimmed == "--" {
            break;
        }
        kept.push(line);
    }
    kept.join("\n").trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn machines_are_told_apart_from_people() {
        let person = Origin { from: "casey@acme.test", ..Origin::default() };
        let cases = [
            (person.clone(), None),
            (Origin { auto_submitted: Some("no"), ..person.clone() }, None),
            (
                Origin { auto_submitted: Some("auto-replied"), ..person.clone() },
                Some("sent automatically (Auto-Submitted)"),
            ),
            (Origin { return_path: Some("<>"), ..person.clone() }, Some("a delivery report or bounce")),
            (Origin { report: true, ..person.clone() }, Some("a delivery report or bounce")),
            (Origin { from: "MAILER-DAEMON@mx.acme.test", ..person.clone() }, Some("a delivery report or bounce")),
            (Origin { precedence: Some("Bulk"), ..person.clone() }, Some("bulk or list mail (Precedence)")),
            (Origin { ours: true, ..person.clone() }, Some("our own mail came back")),
        ];
        for (origin, expected) in cases {
            assert_eq!(machine_sent(&origin), expected, "{origin:?}");
        }
    }

    #[test]
    fn the_reply_token_is_read_from_the_address() {
        let token = "ab".repeat(16);
        let cases = [
            (format!("support+{token}@cytrack.test"), Some(token.clone())),
            (format!("<SUPPORT+{}@CYTRACK.TEST>", token.to_uppercase()), Some(token.clone())),
            ("support@cytrack.test".to_string(), None),
            ("support+short@cytrack.test".to_string(), None),
            (format!("support+{}@cytrack.test", "zz".repeat(16)), None),
            ("not an address".to_string(), None),
        ];
        for (address, expected) in cases {
            assert_eq!(reply_token(&address), expected, "{address}");
        }
    }

    #[test]
    fn a_reply_keeps_what_its_writer_typed() {
        let cases = [
            ("Sydney, level 3.\n\nOn Mon, 30 Nov 2026 at 09:00, CyTrack Support <support@cytrack.test> wrote:\n> Which site?", "Sydney, level 3."),
            ("Thanks!\n-- \nCasey Customer\nAcme", "Thanks!"),
            ("Still broken.\n\n-----Original Message-----\nFrom: CyTrack", "Still broken."),
            ("Yes.\n\nFrom: CyTrack Support\nSent: Monday", "Yes."),
            ("> quoted only", ""),
            ("From: the site manager, the queue is fine now.", "From: the site manager, the queue is fine now."),
            ("Line one\nLine two", "Line one\nLine two"),
        ];
        for (body, expected) in cases {
            assert_eq!(reply_text(body), expected, "{body:?}");
        }
    }
}
