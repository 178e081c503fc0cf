//! What gets written to the outbox, and when: each mail is a row written
//! on the connection of the change it tells of (inside its transaction),
//! so a change that does not commit mails nobody, and one that commits
//! cannot lose its mail to a crash.

use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::server::crypto::{Purpose, Vault};
use crate::server::repo::{self, Conn, outbox::NewMail};
use crate::server::request_meta::RequestMeta;
use crate::types::SecurityEventKind;

/// What a mail is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailKind {
    /// A security event of the account, told to its verified address.
    Event(SecurityEventKind),
    /// The link that makes a new address the account's.
    VerifyAddress,
    /// To the address in use: someone asked to change it.
    AddressChangeRequested,
    /// To the old address, once the new one is verified.
    AddressChanged,
    /// A sign-in from a browser that never signed in to the account before.
    NewBrowser,
    /// "Forgot your password?": the link that sets a new one.
    ResetPassword,
}

impl MailKind {
    /// The `kind` column: an event's own name, or one of mail's own.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Event(kind) => kind.as_str(),
            Self::VerifyAddress => "verify_address",
            Self::AddressChangeRequested => "address_change_requested",
            Self::AddressChanged => "address_changed",
            Self::NewBrowser => "new_browser",
            Self::ResetPassword => "reset_password",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        [
            Self::VerifyAddress,
            Self::AddressChangeRequested,
            Self::AddressChanged,
            Self::NewBrowser,
            Self::ResetPassword,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == name)
        .or_else(|| SecurityEventKind::parse(name).map(Self::Event))
    }

    /// Informational notices the owner may turn off (Settings): nothing
    /// about the account's factors changed. The others always go out.
    pub fn is_informational(self) -> bool {
        matches!(
            self,
            Self::NewBrowser | Self::Event(SecurityEventKind::AccessTokenCreated)
        )
    }
}

/// The security events the owner is told of by mail: each one that
/// changes a factor, reveals the recovery codes, signs in without the
/// usual second factor, pauses sign-ins, or is the operator's doing; and
/// a new access token (informational). Sign-ins as usual, failures and
/// renames are in the activity only.
pub fn mails_for(kind: SecurityEventKind) -> bool {
    use SecurityEventKind as K;
    matches!(
        kind,
        K::TwoFactorEnabled
            | K::TwoFactorDisabled
            | K::TwoFactorMethodAdded
            | K::TwoFactorMethodRemoved
            | K::RecoveryCodesViewed
            | K::RecoveryCodesRegenerated
            | K::SignedInWithRecoveryCode
            | K::PasswordChanged
            | K::PasswordReset
            | K::AccessTokenCreated
            | K::PasswordThrottled
            | K::SecondFactorThrottled
            | K::SecurityKeyCounterWentBack
            | K::OperatorUnlocked
            | K::OperatorResetTwoFactor
            | K::OperatorSignedOut
            | K::OperatorRevokedTokens
            | K::OperatorCreatedResetLink
    )
}

/// What a mail is written from, stored as JSON beside it: when and from
/// where the change came, and for an address change the addresses (shown
/// partly hidden). Never a secret: the one link a mail may carry is
/// sealed apart.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Details {
    pub login: String,
    pub at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    /// The other address of a change (the new one, told to the old).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

impl Details {
    /// For `login`, of a change now from where `meta` says.
    pub fn of(login: &str, meta: &RequestMeta, now: i64) -> Self {
        Self {
            login: login.to_owned(),
            at: now,
            ip: meta.ip.map(|ip| ip.to_canonical().to_string()),
            user_agent: meta.user_agent.clone(),
            address: None,
        }
    }
}

/// Tells the owner of `account_id` of `kind` at its verified address, in
/// its language, if it has one and has not turned such notices off.
pub async fn notify(
    conn: &mut Conn,
    account_id: i64,
    kind: MailKind,
    meta: &RequestMeta,
    now: i64,
) -> Result<(), AppError> {
    let Some(profile) = repo::accounts::mail_profile(&mut *conn, account_id).await? else {
        return Ok(());
    };
    let Some(recipient) = profile.email.as_deref() else {
        return Ok(());
    };
    if kind.is_informational() && !profile.informational {
        return Ok(());
    }
    let details = Details::of(&profile.login, meta, now);
    let letter = Letter {
        account_id,
        recipient,
        language: &profile.language,
        kind,
        details: &details,
        link: None,
    };
    letter.enqueue(conn, None, now).await
}

/// One mail to write to the outbox.
pub struct Letter<'a> {
    pub account_id: i64,
    pub recipient: &'a str,
    pub language: &'a str,
    pub kind: MailKind,
    pub details: &'a Details,
    /// The one link meant for the recipient (verification, reset): sealed
    /// with the secret key in the outbox, cleared once sent.
    pub link: Option<&'a str>,
}

impl Letter<'_> {
    pub async fn enqueue(
        &self,
        conn: &mut Conn,
        vault: Option<&Vault>,
        now: i64,
    ) -> Result<(), AppError> {
        let details = serde_json::to_string(self.details).map_err(|error| {
            tracing::error!(%error, "mail details not serialisable");
            AppError::Internal
        })?;
        let sealed_link = match (self.link, vault) {
            (Some(link), Some(vault)) => {
                Some(vault.seal(Purpose::MailLink, self.account_id, link.as_bytes()))
            }
            (Some(_), None) => {
                tracing::error!("a mail with a link needs the vault to seal it");
                return Err(AppError::Internal);
            }
            (None, _) => None,
        };
        let message_id = message_id();
        repo::outbox::insert(
            conn,
            &NewMail {
                account_id: self.account_id,
                recipient: self.recipient,
                language: self.language,
                kind: self.kind.as_str(),
                details: &details,
                sealed_link: sealed_link.as_deref(),
                message_id: &message_id,
            },
            now,
        )
        .await?;
        Ok(())
    }
}

/// The Message-ID's local part: fixed when the mail is written, so a mail
/// sent again after a crash between sending and marking it sent carries
/// the same id, and mail programs show it once.
fn message_id() -> String {
    format!("{:032x}", rand::random::<u128>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reads_back_from_its_name() {
        let own = [
            MailKind::VerifyAddress,
            MailKind::AddressChangeRequested,
            MailKind::AddressChanged,
            MailKind::NewBrowser,
            MailKind::ResetPassword,
        ];
        let events = SecurityEventKind::ALL.map(MailKind::Event);
        for kind in own.into_iter().chain(events) {
            assert_eq!(MailKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(MailKind::parse("nonsense"), None);
    }

    #[test]
    fn only_notices_about_no_factor_may_be_turned_off() {
        for kind in SecurityEventKind::ALL.into_iter().filter(|k| mails_for(*k)) {
            let informational = MailKind::Event(kind).is_informational();
            assert_eq!(
                informational,
                kind == SecurityEventKind::AccessTokenCreated,
                "{kind:?}"
            );
        }
        assert!(MailKind::NewBrowser.is_informational());
        assert!(!MailKind::AddressChanged.is_informational());
    }
}
