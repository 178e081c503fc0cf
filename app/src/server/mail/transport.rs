//! Where mail goes: an SMTP server (`--smtp-url`, through lettre) or a
//! directory with one `.eml` file per message (`--mail-dir`, the embedded
//! default, for trying Twofold without a mail server).

use std::path::Path;
use std::time::Duration;

use lettre::message::Mailbox;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::server::private_files;

/// How long one exchange with the mail server may take by default
/// (`--smtp-timeout`); a server that stalls longer is tried again later.
pub const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

enum Transport {
    /// With the longest one message's whole exchange may take: lettre's
    /// own timeout bounds only the connect, not the server's answers.
    Smtp(AsyncSmtpTransport<Tokio1Executor>, Duration),
    Dir(AsyncFileTransport<Tokio1Executor>),
}

/// The way out, and who mail is from.
pub struct Mailer {
    transport: Transport,
    pub from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The SMTP URL may hold a password: never printed.
        let kind = match self.transport {
            Transport::Smtp(..) => "smtp",
            Transport::Dir(_) => "dir",
        };
        write!(f, "Mailer({kind}, from {})", self.from)
    }
}

/// Why a message did not go out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// Worth trying again: the server is down, slow, or said "later".
    Transient(String),
    /// The server refused the message for good (a 5xx answer).
    Permanent(String),
}

impl Mailer {
    /// Through the SMTP server at `url`, as lettre reads it:
    /// `smtp://host:25` (plain, for a relay on this machine),
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS),
    /// `smtps://user:pass@host:465` (TLS). A password is refused on a
    /// connection without TLS to another machine: it would cross the
    /// network in the clear.
    /// `timeout` bounds each exchange with the server.
    pub fn smtp(url: &str, from: Mailbox, timeout: Duration) -> Result<Self, String> {
        refuse_clear_credentials(url)?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("--smtp-url: {e}"))?
            .timeout(Some(timeout))
            .build();
        Ok(Self {
            transport: Transport::Smtp(transport, timeout),
            from,
        })
    }

    /// Into `dir`, created (readable by its owner only) if missing.
    pub fn dir(dir: &Path, from: Mailbox) -> Result<Self, String> {
        private_files::create_dir(dir)?;
        Ok(Self {
            transport: Transport::Dir(AsyncFileTransport::new(dir)),
            from,
        })
    }

    pub async fn send(&self, message: Message) -> Result<(), SendError> {
        match &self.transport {
            Transport::Smtp(smtp, timeout) => {
                let sent = tokio::time::timeout(*timeout, smtp.send(message))
                    .await
                    .map_err(|_| {
                        SendError::Transient("the mail server did not answer in time".into())
                    })?;
                sent.map(drop).map_err(|e| {
                    if e.is_permanent() {
                        SendError::Permanent(e.to_string())
                    } else {
                        SendError::Transient(e.to_string())
                    }
                })
            }
            Transport::Dir(dir) => dir
                .send(message)
                .await
                .map(drop)
                .map_err(|e| SendError::Transient(e.to_string())),
        }
    }
}

fn refuse_clear_credentials(url: &str) -> Result<(), String> {
    let parsed = url::Url::parse(url).map_err(|e| format!("--smtp-url: {e}"))?;
    let tls = parsed.scheme() == "smtps" || parsed.query_pairs().any(|(key, _)| key == "tls");
    // `smtp:` is not a scheme the URL standard knows, so its host comes
    // as text, an address among them.
    let loopback = match parsed.host() {
        Some(url::Host::Domain(name)) => {
            name == "localhost"
                || name
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    if parsed.password().is_some() && !tls && !loopback {
        return Err(
            "--smtp-url: a password needs TLS (smtps://, or ?tls=required for STARTTLS)".to_owned(),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_never_crosses_the_network_in_the_clear() {
        let refused = refuse_clear_credentials("smtp://me:secret@mail.example:587");
        assert!(refused.unwrap_err().contains("needs TLS"));
        for url in [
            "smtp://me:secret@mail.example:587?tls=required",
            "smtps://me:secret@mail.example",
            "smtp://me:secret@127.0.0.1:2525",
            "smtp://me:secret@[::1]:2525",
            "smtp://me:secret@localhost:2525",
            "smtp://mail.example:25",
        ] {
            assert_eq!(refuse_clear_credentials(url), Ok(()), "{url}");
        }
    }

    #[test]
    fn a_password_is_never_printed() {
        let from: Mailbox = "Twofold <twofold@example.org>".parse().unwrap();
        let mailer = Mailer::smtp("smtps://me:hunter2@mail.example", from, SMTP_TIMEOUT).unwrap();
        assert!(!format!("{mailer:?}").contains("hunter2"));
    }
}
