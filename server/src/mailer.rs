//! Mail out: the delivery worker. It claims what the outbox holds due (`services::outbox`),
//! renders each message as text and HTML from templates, and sends it over SMTP, or, with no
//! SMTP server configured (the embedded default), writes it as an `.eml` file in the data
//! directory so the demo shows what would be sent.

use app::domain::notifications::NotificationKind;
use app::domain::text::one_line;
use app::error::AppError;
use app::ssr::entities::mail_outbox;
use app::ssr::services::notifications::OutboxStatus;
use app::ssr::services::{new_id, outbox};
use chrono::Utc;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use minijinja::Environment;
use sea_orm::DatabaseConnection;
use serde::Serialize;
use std::path::PathBuf;
use std::time::Duration;

/// Where mail goes and how it names the portal (API.md, configuration).
#[derive(Clone, Debug)]
pub struct MailConfig {
    /// `smtp://user:pass@host:port` or `smtps://…`; `None` writes `.eml` files to `outbox_dir`.
    pub smtp_url: Option<String>,
    /// The sender, `Name <address>` or a bare address.
    pub from: String,
    /// The address people use, for links (`https://support.example`).
    pub public_url: String,
    pub outbox_dir: PathBuf,
    /// `PORTAL_INBOUND_SECRET`: the bearer secret of the inbound endpoint (none: no endpoint).
    pub inbound_secret: Option<String>,
    /// `PORTAL_IMAP_URL`: a mailbox polled for e-mail in.
    pub imap_url: Option<String>,
}

/// The bare address of a sender written `Name <address>` or as an address alone.
pub fn address_of(sender: &str) -> Result<String, String> {
    let mailbox: Mailbox =
        sender.parse().map_err(|e| format!("PORTAL_MAIL_FROM is not an e-mail address ({sender}): {e}"))?;
    Ok(mailbox.email.to_string().to_ascii_lowercase())
}

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(AsyncFileTransport<Tokio1Executor>),
}

pub struct Mailer {
    transport: Transport,
    from: Mailbox,
    /// The host part of the sender, naming every Message-ID this portal writes.
    domain: String,
    public_url: String,
    templates: Environment<'static>,
}

/// What one run of the worker did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Delivery {
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
}

const TEXT: &str = "{{ title }}\n\n{{ body }}\n{% if link %}\nOpen it in the portal: {{ link }}\n{% endif %}\n-- \nCyTrack Support\n{% if preferences %}Choose what we e-mail you: {{ preferences }}\n{% endif %}";

const HTML: &str = r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body style="font-family: system-ui, sans-serif; color: #1d2733; max-width: 40em">
<h1 style="font-size: 1.2em">{{ title }}</h1>
{% for paragraph in paragraphs %}<p style="white-space: pre-wrap">{{ paragraph }}</p>
{% endfor %}{% if link %}<p><a href="{{ link }}">Open it in the portal</a></p>
{% endif %}<hr><p style="color: #5b6776; font-size: 0.9em">CyTrack Support{% if preferences %} · <a href="{{ preferences }}">Choose what we e-mail you</a>{% endif %}</p>
</body></html>
"#;

#[derive(Serialize)]
struct View<'a> {
    title: &'a str,
    body: &'a str,
    paragraphs: Vec<&'a str>,
    link: Option<String>,
    preferences: Option<String>,
}

impl Mailer {
    pub fn new(config: &MailConfig) -> Result<Mailer, String> {
        let from: Mailbox = config
            .from
            .parse()
            .map_err(|e| format!("PORTAL_MAIL_FROM is not an e-mail address ({}): {e}", config.from))?;
        let transport = match &config.smtp_url {
            Some(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(&starttls_when_offered(url))
                    .map_err(|e| format!("PORTAL_SMTP_URL is not usable: {e}"))?
                    .timeout(Some(Duration::from_secs(20)))
                    .build(),
            ),
            None => {
                std::fs::create_dir_all(&config.outbox_dir)
                    .map_err(|e| format!("cannot create {}: {e}", config.outbox_dir.display()))?;
                Transport::Files(AsyncFileTransport::new(&config.outbox_dir))
            }
        };
        let mut templates = Environment::new();
        // Names ending in .html are escaped by default: a client's name holding markup stays text.
        templates.add_template("notice.txt", TEXT).map_err(|e| e.to_string())?;
        templates.add_template("notice.html", HTML).map_err(|e| e.to_string())?;
        Ok(Mailer {
            transport,
            domain: from.email.domain().to_string(),
            from,
            public_url: config.public_url.trim_end_matches('/').to_string(),
            templates,
        })
    }

    /// The message for an outbox row: multipart text and HTML, threaded by ticket, marked as
    /// sent by a machine, with a way to opt out of what is not essential.
    pub fn message(&self, row: &mail_outbox::Model) -> Result<Message, String> {
        let to_address = row.to_address.parse().map_err(|e| format!("{}: {e}", row.to_address))?;
        let to = Mailbox::new(Some(one_line(&row.to_name)), to_address);
        let essential = NotificationKind::parse(&row.kind).map(|k| k.essential()).unwrap_or(true);
        let preferences = (!essential).then(|| format!("{}/notifications", self.public_url));
        let view = View {
            title: &row.title,
            body: &row.body,
            paragraphs: row.body.split("\n\n").collect(),
            link: row.link.as_ref().map(|l| format!("{}{l}", self.public_url)),
            preferences: preferences.clone(),
        };
        let render = |name: &str| {
            self.templates.get_template(name).and_then(|t| t.render(&view)).map_err(|e| format!("template {name}: {e}"))
        };
        // A customer's mail about a ticket is answered to `support+TOKEN@`: their reply finds
        // its ticket by that token (services::mail_in).
        let reply_to = match &row.reply_token {
            Some(token) => {
                let address = format!("{}+{token}@{}", self.from.email.user(), self.domain);
                Mailbox::new(self.from.name.clone(), address.parse().map_err(|e| format!("{address}: {e}"))?)
            }
            None => self.from.clone(),
        };
        let mut builder = Message::builder()
            .from(self.from.clone())
            .reply_to(reply_to)
            .to(to)
            .subject(one_line(&row.title))
            .message_id(Some(format!("<{}@{}>", row.id, self.domain)))
            .date_now();
        if let Some(ticket) = &row.ticket_id {
            let thread = format!("<ticket-{ticket}@{}>", self.domain);
            builder = builder.in_reply_to(thread.clone()).references(thread);
        }
        builder = builder.raw_header(header("Auto-Submitted", "auto-generated"));
        if let Some(preferences) = preferences {
            builder = builder.raw_header(header("List-Unsubscribe", &format!("<{preferences}>")));
        }
        builder
            .multipart(MultiPart::alternative_plain_html(render("notice.txt")?, render("notice.html")?))
            .map_err(|e| e.to_string())
    }

    /// Sends one message; on failure, the error and whether it is permanent.
    async fn send(&self, row: &mail_outbox::Model) -> Result<(), (String, bool)> {
        // A message that cannot be built never will be: give up at once.
        let message = self.message(row).map_err(|e| (e, true))?;
        match &self.transport {
            Transport::Smtp(smtp) => {
                smtp.send(message).await.map(|_| ()).map_err(|e| (e.to_string(), e.is_permanent()))
            }
            Transport::Files(files) => files.send(message).await.map(|_| ()).map_err(|e| (e.to_string(), false)),
        }
    }

    /// Sends what is due now, in claims of 50, until nothing due is left.
    pub async fn deliver_due(&self, db: &DatabaseConnection) -> Result<Delivery, AppError> {
        let mut done = Delivery::default();
        loop {
            let claim = new_id();
            let due = outbox::claim_due(db, &claim, Utc::now(), 50).await?;
            if due.is_empty() {
                return Ok(done);
            }
            for row in &due {
                match self.send(row).await {
                    Ok(()) => {
                        outbox::sent(db, row, Utc::now()).await?;
                        done.sent += 1;
                    }
                    Err((error, permanent)) => match outbox::not_sent(db, row, &error, permanent, Utc::now()).await? {
                        OutboxStatus::Failed => {
                            tracing::warn!(id = %row.id, to = %row.to_address, %error, "mail failed for good");
                            done.failed += 1;
                        }
                        _ => {
                            tracing::info!(id = %row.id, %error, "mail not sent; will try again");
                            done.retrying += 1;
                        }
                    },
                }
            }
        }
    }
}

/// `smtp://` uses STARTTLS when the server offers it (API.md); lettre's plain `smtp://` never
/// would, so the URL says so unless it chose (`?tls=required`, `?tls=opportunistic`).
fn starttls_when_offered(url: &str) -> String {
    if !url.starts_with("smtp://") || url.contains("tls=") {
        return url.to_string();
    }
    let joiner = if url.contains('?') { '&' } else { '?' };
    format!("{url}{joiner}tls=opportunistic")
}

fn header(name: &'static str, value: &str) -> HeaderValue {
    HeaderValue::new(HeaderName::new_from_ascii_str(name), value.to_string())
}

/// Runs the worker every few seconds for as long as the portal runs.
pub fn spawn(mailer: Mailer, db: DatabaseConnection) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match mailer.deliver_due(&db).await {
                Ok(d) if d == Delivery::default() => {}
                Ok(d) => tracing::info!(sent = d.sent, retrying = d.retrying, failed = d.failed, "mail delivered"),
                Err(e) => tracing::warn!(error = %e.message, "mail delivery did not run"),
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls_use_starttls_when_offered_unless_they_say_otherwise() {
        let cases = [
            ("smtp://mail.example:587", "smtp://mail.example:587?tls=opportunistic"),
            ("smtp://u:p@mail.example:587?x=1", "smtp://u:p@mail.example:587?x=1&tls=opportunistic"),
            ("smtp://mail.example:587?tls=required", "smtp://mail.example:587?tls=required"),
            ("smtps://mail.example:465", "smtps://mail.example:465"),
        ];
        for (given, used) in cases {
            assert_eq!(starttls_when_offered(given), used);
        }
    }
}
