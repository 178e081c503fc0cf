//! A mail as the recipient reads it: a plain-text part and a simple HTML
//! part with the same words, in the account's language, from the texts
//! in `app/locales` (`mail.*`, and the activity's own event labels).

use lettre::Message;
use lettre::message::{Mailbox, MultiPart};

use super::notify::{Details, MailKind};
use crate::i18n::Lang;
use crate::server::dates::date_time_of;
use crate::server::session_list::describe;

/// A mail's words, before it becomes a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub subject: String,
    /// Paragraphs, in order; the link (if any) is its own paragraph.
    pub paragraphs: Vec<String>,
    pub link: Option<String>,
}

/// The words of a `kind` mail from `details`, in `lang`.
pub fn write(kind: MailKind, lang: Lang, details: &Details, link: Option<&str>) -> Written {
    let greeting = lang.t_with("mail.greeting", &[("login", &details.login)]);
    let other = details
        .address
        .as_deref()
        .map(hide_address)
        .unwrap_or_default();
    let (subject, lead, closing) = match kind {
        MailKind::Event(event) => {
            let label = event.label(lang);
            let closing = if event.by_operator() {
                lang.t("mail.by_operator")
            } else {
                lang.t("mail.not_you")
            };
            let subject = lang.t_with("mail.event_subject", &[("what", &label)]);
            let lead = lang.t_with("mail.event_lead", &[("what", &label)]);
            (subject, lead, closing)
        }
        MailKind::NewBrowser => (
            lang.t("mail.new_browser_subject"),
            lang.t("mail.new_browser_lead"),
            lang.t("mail.not_you"),
        ),
        MailKind::VerifyAddress => (
            lang.t("mail.verify_subject"),
            lang.t("mail.verify_lead"),
            lang.t("mail.verify_not_you"),
        ),
        MailKind::ResetPassword => (
            lang.t("mail.reset_subject"),
            lang.t("mail.reset_lead"),
            lang.t("mail.reset_not_you"),
        ),
        MailKind::AddressChangeRequested => (
            lang.t("mail.change_requested_subject"),
            lang.t_with("mail.change_requested_lead", &[("address", &other)]),
            lang.t("mail.not_you"),
        ),
        MailKind::AddressChanged => (
            lang.t("mail.changed_subject"),
            lang.t_with("mail.changed_lead", &[("address", &other)]),
            lang.t("mail.not_you"),
        ),
    };
    let mut paragraphs = vec![greeting, lead];
    paragraphs.push(where_from(lang, details));
    paragraphs.push(closing);
    if kind.is_informational() {
        paragraphs.push(lang.t("mail.informational_off"));
    }
    paragraphs.push(lang.t("mail.automatic"));
    Written {
        subject,
        paragraphs,
        link: link.map(str::to_owned),
    }
}

/// When, from which address and which browser the change came.
fn where_from(lang: Lang, details: &Details) -> String {
    let unknown = lang.t("mail.unknown");
    let (browser, system) = describe(details.user_agent.as_deref());
    let browser = match (browser, system) {
        (Some(browser), Some(system)) => lang.t_with(
            "sessions.browser_on_system",
            &[("browser", &browser), ("system", &system)],
        ),
        (Some(browser), None) => browser,
        (None, _) => unknown.clone(),
    };
    lang.t_with(
        "mail.where_from",
        &[
            ("at", &date_time_of(details.at)),
            ("ip", details.ip.as_deref().unwrap_or(&unknown)),
            ("browser", &browser),
        ],
    )
}

/// An address as a mail about it shows it to someone else: the first
/// character of its local part and its domain (`a***@example.org`).
pub fn hide_address(address: &str) -> String {
    match address.rsplit_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".to_owned(),
    }
}

/// A paragraph of a mail, or its link.
enum Block<'a> {
    Text(&'a str),
    Link(&'a str),
}

impl Written {
    /// The paragraphs in order, the link right after the lead (before
    /// where the change came from).
    fn blocks(&self) -> impl Iterator<Item = Block<'_>> {
        let (head, rest) = self.paragraphs.split_at(self.paragraphs.len().min(2));
        head.iter()
            .map(|p| Block::Text(p))
            .chain(self.link.as_deref().map(Block::Link))
            .chain(rest.iter().map(|p| Block::Text(p)))
    }

    pub fn text(&self) -> String {
        self.blocks()
            .map(|block| match block {
                Block::Text(text) | Block::Link(text) => format!("{text}\n\n"),
            })
            .collect()
    }

    pub fn html(&self) -> String {
        use html_escape::{encode_double_quoted_attribute, encode_text};
        let body: String = self
            .blocks()
            .map(|block| match block {
                Block::Text(text) => {
                    format!("<p>{}</p>\n", encode_text(text).replace('\n', "<br>\n"))
                }
                Block::Link(link) => format!(
                    "<p><a href=\"{}\">{}</a></p>\n",
                    encode_double_quoted_attribute(link),
                    encode_text(link)
                ),
            })
            .collect();
        format!(
            "<!doctype html>\n<html><body style=\"font-family: sans-serif; line-height: 1.5\">\n\
             {body}</body></html>\n"
        )
    }

    /// The message to `to` from `from`, with its fixed Message-ID.
    pub fn message(&self, from: &Mailbox, to: &str, message_id: &str) -> Result<Message, String> {
        let to: Mailbox = to.parse().map_err(|e| format!("recipient: {e}"))?;
        let domain = from.email.domain().to_owned();
        Message::builder()
            .from(from.clone())
            .to(to)
            .subject(self.subject.clone())
            .message_id(Some(format!("<{message_id}@{domain}>")))
            .multipart(MultiPart::alternative_plain_html(self.text(), self.html()))
            .map_err(|e| format!("message: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::SecurityEventKind;

    fn details() -> Details {
        Details {
            login: "<ana>".into(),
            at: 1_764_000_000,
            ip: Some("203.0.113.7".into()),
            user_agent: Some(
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) \
                 Chrome/131.0.0.0 Safari/537.36"
                    .into(),
            ),
            address: Some("new.address@example.org".into()),
        }
    }

    #[test]
    fn a_notice_says_what_when_where_and_what_to_do_in_each_language() {
        let kind = MailKind::Event(SecurityEventKind::TwoFactorDisabled);
        for lang in Lang::ALL {
            let mail = write(kind, lang, &details(), None);
            let text = mail.text();
            assert!(
                mail.subject
                    .contains(&SecurityEventKind::TwoFactorDisabled.label(lang))
            );
            assert!(text.contains("2025-11-24 16:00 UTC"), "{text}");
            assert!(text.contains("203.0.113.7"), "{text}");
            assert!(text.contains("Chrome 131"), "{text}");
            assert!(text.contains(&lang.t("mail.not_you")), "{text}");
            assert!(!text.contains("mail."), "a text key left unfilled: {text}");
        }
    }

    #[test]
    fn the_html_part_escapes_what_came_from_people() {
        let kind = MailKind::Event(SecurityEventKind::PasswordChanged);
        let html = write(kind, Lang::En, &details(), None).html();
        assert!(html.contains("&lt;ana&gt;"), "{html}");
        assert!(!html.contains("<ana>"), "{html}");
    }

    #[test]
    fn a_link_goes_right_after_the_lead_in_both_parts() {
        let link = "http://localhost:3000/verify-email/abc";
        let mail = write(MailKind::VerifyAddress, Lang::Id, &details(), Some(link));
        let text = mail.text();
        let lead = text.find(&Lang::Id.t("mail.verify_lead")).unwrap();
        assert!(text.find(link).unwrap() > lead);
        assert!(mail.html().contains(&format!("<a href=\"{link}\">")));
    }

    #[test]
    fn another_address_is_shown_partly_hidden() {
        assert_eq!(hide_address("new.address@example.org"), "n***@example.org");
        let mail = write(MailKind::AddressChanged, Lang::En, &details(), None);
        assert!(mail.text().contains("n***@example.org"));
        assert!(!mail.text().contains("new.address@"));
    }

    #[test]
    fn the_message_carries_both_parts_and_its_fixed_id() {
        let from: Mailbox = "Twofold <twofold@example.org>".parse().unwrap();
        let mail = write(MailKind::NewBrowser, Lang::En, &details(), None);
        let message = mail.message(&from, "ana@example.org", "0123abcd").unwrap();
        let raw = String::from_utf8(message.formatted()).unwrap();
        assert!(raw.contains("Message-ID: <0123abcd@example.org>"), "{raw}");
        assert!(raw.contains("text/plain"));
        assert!(raw.contains("text/html"));
        assert!(mail.message(&from, "not an address", "x").is_err());
    }
}
