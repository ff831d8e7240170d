//! E-mail in from a mailbox: `PORTAL_IMAP_URL` (`imap://user:pass@host:143/INBOX`, or `imaps://`
//! on 993) is polled every 30 seconds; each unseen message goes through the same service as the
//! inbound endpoint (`services::mail_in`) and is then marked seen. A message the portal could not
//! store for a reason of its own (the database away) stays unseen and is tried again next time.

use app::ssr::services::mail_in::{self, Mailbox, Source};
use app::ssr::services::tickets::TicketQueue;
use chrono::Utc;
use futures_util::StreamExt;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

/// Where the mailbox is and how to sign in to it.
#[derive(Clone, Debug)]
pub struct ImapMailbox {
    host: String,
    port: u16,
    tls: bool,
    user: String,
    password: String,
    folder: String,
}

impl ImapMailbox {
    pub fn parse(url: &str) -> Result<ImapMailbox, String> {
        let bad = |why: &str| format!("PORTAL_IMAP_URL is not imap://user:pass@host:port/FOLDER ({why})");
        let (scheme, rest) = url.split_once("://").ok_or_else(|| bad("no scheme"))?;
        let tls = match scheme {
            "imap" => false,
            "imaps" => true,
            _ => return Err(bad("the scheme is imap or imaps")),
        };
        let (authority, folder) = rest.split_once('/').unwrap_or((rest, "INBOX"));
        let (credentials, server) = authority.rsplit_once('@').ok_or_else(|| bad("no user and password"))?;
        let (user, password) = credentials.split_once(':').ok_or_else(|| bad("no password"))?;
        let (host, port) = match server.rsplit_once(':') {
            Some((host, port)) => (host, port.parse().map_err(|_| bad("the port is a number"))?),
            None => (server, if tls { 993 } else { 143 }),
        };
        let decode = |s: &str| percent_decode(s).ok_or_else(|| bad("bad %-escape"));
        Ok(ImapMailbox {
            host: host.to_string(),
            port,
            tls,
            user: decode(user)?,
            password: decode(password)?,
            folder: match folder {
                "" => "INBOX".into(),
                f => decode(f)?,
            },
        })
    }

    /// Takes every unseen message once; answers how many were taken.
    pub async fn poll(&self, tickets: &TicketQueue, mailbox: &Mailbox) -> Result<usize, String> {
        let tcp = TcpStream::connect((self.host.as_str(), self.port)).await.map_err(|e| e.to_string())?;
        if !self.tls {
            return self.poll_over(tcp, tickets, mailbox).await;
        }
        let roots = tokio_rustls::rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
        let config = tokio_rustls::rustls::ClientConfig::builder().with_root_certificates(roots).with_no_client_auth();
        let name =
            tokio_rustls::rustls::pki_types::ServerName::try_from(self.host.clone()).map_err(|e| e.to_string())?;
        let tls =
            tokio_rustls::TlsConnector::from(Arc::new(config)).connect(name, tcp).await.map_err(|e| e.to_string())?;
        self.poll_over(tls, tickets, mailbox).await
    }

    async fn poll_over<T>(&self, stream: T, tickets: &TicketQueue, mailbox: &Mailbox) -> Result<usize, String>
    where
        T: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug,
    {
        let text = |e: async_imap::error::Error| e.to_string();
        let mut client = async_imap::Client::new(stream);
        client.read_response().await.map_err(|e| e.to_string())?.ok_or("the IMAP server said nothing")?;
        let mut session = client.login(&self.user, &self.password).await.map_err(|(e, _)| e.to_string())?;
        session.select(&self.folder).await.map_err(text)?;
        let mut unseen: Vec<u32> = session.uid_search("UNSEEN").await.map_err(text)?.into_iter().collect();
        unseen.sort_unstable();
        let mut taken = 0;
        for uid in unseen {
            let fetched: Vec<_> =
                session.uid_fetch(uid.to_string(), "BODY.PEEK[]").await.map_err(text)?.collect().await;
            let raw = fetched.into_iter().filter_map(Result::ok).find_map(|f| f.body().map(<[u8]>::to_vec));
            let Some(raw) = raw else { continue };
            let done = if raw.len() > app::domain::mail::MAX_MESSAGE_BYTES {
                mail_in::refuse_oversized(tickets.db(), Source::Imap, Utc::now()).await.map(|_| ())
            } else {
                mail_in::receive(tickets, mailbox, &raw, Source::Imap, Utc::now()).await.map(|_| ())
            };
            // A message refused for what it is (unreadable) is seen all the same, never retried.
            if let Err(e) = &done {
                if e.status() >= 500 {
                    return Err(e.message.clone());
                }
            }
            let _: Vec<_> = session.uid_store(uid.to_string(), "+FLAGS (\\Seen)").await.map_err(text)?.collect().await;
            taken += 1;
        }
        session.logout().await.map_err(text)?;
        Ok(taken)
    }
}

/// Polls the mailbox every 30 seconds for as long as the portal runs.
pub fn spawn(imap: ImapMailbox, mailbox: Arc<Mailbox>, tickets: TicketQueue) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(30));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match imap.poll(&tickets, &mailbox).await {
                Ok(0) => {}
                Ok(taken) => tracing::info!(taken, "mail taken from the IMAP mailbox"),
                Err(error) => tracing::warn!(%error, host = %imap.host, "the IMAP mailbox could not be read"),
            }
        }
    });
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mailbox_urls_name_the_server_the_account_and_the_folder() {
        let m = ImapMailbox::parse("imaps://support%40cytrack.example:s%3Acret@mail.example/Support").unwrap();
        assert_eq!((m.host.as_str(), m.port, m.tls), ("mail.example", 993, true));
        assert_eq!(
            (m.user.as_str(), m.password.as_str(), m.folder.as_str()),
            ("support@cytrack.example", "s:cret", "Support")
        );
        let m = ImapMailbox::parse("imap://u:p@127.0.0.1:1143").unwrap();
        assert_eq!((m.port, m.tls, m.folder.as_str()), (1143, false, "INBOX"));
        for bad in ["pop3://u:p@h", "imap://h:143", "imap://u:p@h:port", "imap://u:p%zz@h"] {
            assert!(ImapMailbox::parse(bad).is_err(), "{bad}");
        }
    }
}
