//! Every sentence the program builds from data: error messages, the
//! activity's event labels, the clock-drift hints, token scopes and the
//! recovery-codes file. The data types stay free of wording (`types`,
//! `error`); the texts themselves are in `app/locales`.

use super::Lang;
use crate::error::{AppError, Reason};
use crate::types::MethodKind;
use crate::types::{ClockDrift, RecoveryCodes, SecurityEventKind, TokenScope};
use crate::validation::{
    EMAIL_MAX, LOGIN_MAX, LOGIN_MIN, METHOD_NAME_MAX, METHODS_MAX, PASSWORD_MAX, PASSWORD_MIN,
    TOKEN_NAME_MAX,
};

impl AppError {
    /// The message for people, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Self::InvalidCredentials => lang.t("errors.invalid_credentials"),
            Self::LoginTaken => lang.t("errors.login_taken"),
            Self::Unauthorized => lang.t("errors.unauthorized"),
            Self::Validation { reason, .. } => reason.message(lang),
            Self::BadRequest { message } => {
                lang.t_with("errors.bad_request", &[("detail", message)])
            }
            Self::ReauthRequired => lang.t("errors.reauth_required"),
            Self::IncorrectPassword => lang.t("errors.incorrect_password"),
            Self::InvalidCode { server_time } => {
                lang.t_with("errors.invalid_code", &[("server_time", server_time)])
            }
            Self::InvalidRecoveryCode => lang.t("errors.invalid_recovery_code"),
            Self::SetupExpired => lang.t("errors.setup_expired"),
            Self::TwoFactorNotEnabled => lang.t("errors.two_factor_not_enabled"),
            Self::TokenNotAllowed => lang.t("errors.token_not_allowed"),
            Self::SecondFactorLocked => lang.t("errors.second_factor_locked"),
            Self::SignInLocked => lang.t("errors.sign_in_locked"),
            Self::SessionNotFound => lang.t("errors.session_not_found"),
            Self::ResetLinkExpired => lang.t("errors.reset_link_expired"),
            Self::ResetLinkUsed => lang.t("errors.reset_link_used"),
            Self::ResetLinkInvalid => lang.t("errors.reset_link_invalid"),
            Self::SignUpClosed => lang.t("errors.sign_up_closed"),
            Self::MethodNotFound => lang.t("errors.method_not_found"),
            Self::WebauthnUnavailable => lang.t("errors.webauthn_unavailable"),
            Self::CeremonyExpired => lang.t("errors.ceremony_expired"),
            Self::SecurityKeyRefused => lang.t("errors.security_key_refused"),
            Self::SecurityKeyCounterWentBack => lang.t("errors.security_key_counter_went_back"),
            Self::SecurityKeyAlreadyAdded => lang.t("errors.security_key_already_added"),
            Self::NoSecurityKey => lang.t("errors.no_security_key"),
            Self::EmailLinkExpired => lang.t("errors.email_link_expired"),
            Self::EmailLinkUsed => lang.t("errors.email_link_used"),
            Self::EmailLinkInvalid => lang.t("errors.email_link_invalid"),
            Self::EmailLinkOtherAccount => lang.t("errors.email_link_other_account"),
            Self::EmailTaken => lang.t("errors.email_taken"),
            Self::TooManyMethods => lang.t_with(
                "errors.too_many_methods",
                &[("max", &METHODS_MAX.to_string())],
            ),
            Self::RateLimited { retry_after } => lang.t_with(
                "errors.rate_limited",
                &[("seconds", &retry_after.to_string())],
            ),
            Self::Overloaded => lang.t("errors.overloaded"),
            Self::Unavailable => lang.t("errors.unavailable"),
            Self::Network => lang.t("errors.network"),
            Self::Internal => lang.t("errors.internal"),
        }
    }
}

impl AppError {
    /// The message a page shows. A page's error may come from its URL
    /// (`?__err=`, how a form posted without JavaScript is answered), which
    /// anyone can write: a bad request's detail, free text, is not shown
    /// there; every other kind's wording is ours, and its fields are
    /// checked when read (`error::Wire`).
    pub fn page_message(&self, lang: Lang) -> String {
        match self {
            Self::BadRequest { .. } => lang.t("errors.bad_request_page"),
            other => other.message(lang),
        }
    }
}

/// In English, for logs.
impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl Reason {
    /// `validation.<reason>`, with the bounds of the field it is about.
    pub fn message(self, lang: Lang) -> String {
        let name = self.as_str();
        let (min, max) = if name.starts_with("login") {
            (LOGIN_MIN, LOGIN_MAX)
        } else if name.starts_with("password") {
            (PASSWORD_MIN, PASSWORD_MAX)
        } else if self == Reason::MethodName {
            (1, METHOD_NAME_MAX)
        } else if name.starts_with("email") {
            (1, EMAIL_MAX)
        } else {
            (1, TOKEN_NAME_MAX)
        };
        lang.t_with(
            &format!("validation.{name}"),
            &[("min", &min.to_string()), ("max", &max.to_string())],
        )
    }
}

impl MethodKind {
    /// The kind's own name, which also stands for a method never named.
    pub fn label(self, lang: Lang) -> String {
        lang.t(match self {
            Self::App => "methods.app",
            Self::SecurityKey => "methods.security_key",
            Self::Passkey => "methods.passkey",
        })
    }
}

impl ClockDrift {
    pub fn message(self, lang: Lang) -> String {
        lang.t(match self {
            Self::Ahead => "clock.ahead",
            Self::Behind => "clock.behind",
        })
    }
}

impl SecurityEventKind {
    /// What the person reads in the activity list.
    pub fn label(self, lang: Lang) -> String {
        lang.t(match self {
            Self::SignedInWithPassword => "events.signed_in_with_password",
            Self::SignedInWithCode => "events.signed_in_with_code",
            Self::SignedInWithRecoveryCode => "events.signed_in_with_recovery_code",
            Self::SecondFactorFailed => "events.second_factor_failed",
            Self::SecondFactorThrottled => "events.second_factor_throttled",
            Self::TwoFactorEnabled => "events.two_factor_enabled",
            Self::TwoFactorDisabled => "events.two_factor_disabled",
            Self::RecoveryCodesViewed => "events.recovery_codes_viewed",
            Self::RecoveryCodesDownloaded => "events.recovery_codes_downloaded",
            Self::RecoveryCodesRegenerated => "events.recovery_codes_regenerated",
            Self::PasswordConfirmationFailed => "events.password_confirmation_failed",
            Self::AccessTokenCreated => "events.access_token_created",
            Self::AccessTokenRevoked => "events.access_token_revoked",
            Self::PasswordFailed => "events.password_failed",
            Self::PasswordThrottled => "events.password_throttled",
            Self::PasswordChanged => "events.password_changed",
            Self::SessionSignedOut => "events.session_signed_out",
            Self::OtherSessionsSignedOut => "events.other_sessions_signed_out",
            Self::PasswordReset => "events.password_reset",
            Self::OperatorUnlocked => "events.operator_unlocked",
            Self::OperatorResetTwoFactor => "events.operator_reset_two_factor",
            Self::OperatorSignedOut => "events.operator_signed_out",
            Self::OperatorRevokedTokens => "events.operator_revoked_tokens",
            Self::OperatorCreatedResetLink => "events.operator_created_reset_link",
            Self::OperatorCreatedAccount => "events.operator_created_account",
            Self::TwoFactorMethodAdded => "events.two_factor_method_added",
            Self::TwoFactorMethodRemoved => "events.two_factor_method_removed",
            Self::TwoFactorMethodRenamed => "events.two_factor_method_renamed",
            Self::SignedInWithSecurityKey => "events.signed_in_with_security_key",
            Self::SignedInWithPasskey => "events.signed_in_with_passkey",
            Self::SecurityKeyCounterWentBack => "events.security_key_counter_went_back",
            Self::MailNotDelivered => "events.mail_not_delivered",
            Self::EmailChanged => "events.email_changed",
            Self::PasswordResetMailed => "events.password_reset_mailed",
        })
    }
}

impl TokenScope {
    pub fn label(self, lang: Lang) -> String {
        lang.t(match self {
            Self::ReadOnly => "tokens.read_only",
            Self::ReadWrite => "tokens.read_write",
        })
    }
}

impl RecoveryCodes {
    /// The content of the downloaded file, in `lang`.
    pub fn file_text(&self, lang: Lang) -> String {
        let mut text = format!(
            "{}\n{}\n{}\n\n",
            lang.t("codes.file_title"),
            lang.t_with("codes.file_account", &[("login", &self.login)]),
            self.set_name(lang),
        );
        for entry in &self.codes {
            text.push_str(&entry.code);
            if let Some(used_at) = &entry.used_at {
                text.push_str("  ");
                text.push_str(&lang.t_with("codes.file_used", &[("at", used_at)]));
            }
            text.push('\n');
        }
        text.push('\n');
        text.push_str(&lang.t("codes.file_footer"));
        text.push('\n');
        text
    }

    /// "Set 2, generated 2026-11-28".
    pub fn set_name(&self, lang: Lang) -> String {
        lang.t_with(
            "codes.set_name",
            &[
                ("number", &self.set_number.to_string()),
                ("date", &self.generated_on),
            ],
        )
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn a_refused_code_says_the_servers_time_in_both_languages() {
        let refused = AppError::InvalidCode {
            server_time: "14:05:32 UTC".into(),
        };
        assert_eq!(
            refused.message(Lang::En),
            "Invalid authentication code. Server time: 14:05:32 UTC"
        );
        assert_eq!(
            refused.message(Lang::Id),
            "Kode autentikasi tidak valid. Waktu server: 14:05:32 UTC"
        );
    }

    #[test]
    fn every_reason_is_worded_with_its_bounds() {
        for reason in Reason::ALL {
            for lang in Lang::ALL {
                let message = reason.message(lang);
                assert!(
                    !message.starts_with("validation.") && !message.contains("%{"),
                    "{reason:?} in {lang:?}: {message}"
                );
            }
        }
        assert_eq!(
            Reason::LoginLength.message(Lang::En),
            "Login must be 3 to 64 characters long"
        );
    }

    #[test]
    fn a_bad_request_carries_its_detail() {
        let error = AppError::BadRequest {
            message: "missing field `password`".into(),
        };
        assert!(error.message(Lang::En).contains("missing field `password`"));
    }
}
