//! The kinds of security event, each stored by its `as_str` name.

use serde::{Deserialize, Serialize};

/// A kind of security event; stored by its `as_str` name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SecurityEventKind {
    SignedInWithPassword,
    SignedInWithCode,
    SignedInWithRecoveryCode,
    SecondFactorFailed,
    SecondFactorThrottled,
    TwoFactorEnabled,
    TwoFactorDisabled,
    RecoveryCodesViewed,
    RecoveryCodesDownloaded,
    RecoveryCodesRegenerated,
    PasswordConfirmationFailed,
    AccessTokenCreated,
    AccessTokenRevoked,
    PasswordFailed,
    PasswordThrottled,
    PasswordChanged,
    SessionSignedOut,
    OtherSessionsSignedOut,
    PasswordReset,
    OperatorUnlocked,
    OperatorResetTwoFactor,
    OperatorSignedOut,
    OperatorRevokedTokens,
    OperatorCreatedResetLink,
    OperatorCreatedAccount,
    TwoFactorMethodAdded,
    TwoFactorMethodRemoved,
    TwoFactorMethodRenamed,
    SignedInWithSecurityKey,
    SignedInWithPasskey,
    SecurityKeyCounterWentBack,
    /// A notice by mail could not be delivered (the mail server refused
    /// it, or stayed unreachable for a day).
    MailNotDelivered,
    /// The account's email address was set or changed (its link opened).
    EmailChanged,
    /// "Forgot your password?" mailed a reset link to the account.
    PasswordResetMailed,
}

impl SecurityEventKind {
    pub const ALL: [Self; 34] = [
        Self::SignedInWithPassword,
        Self::SignedInWithCode,
        Self::SignedInWithRecoveryCode,
        Self::SecondFactorFailed,
        Self::SecondFactorThrottled,
        Self::TwoFactorEnabled,
        Self::TwoFactorDisabled,
        Self::RecoveryCodesViewed,
        Self::RecoveryCodesDownloaded,
        Self::RecoveryCodesRegenerated,
        Self::PasswordConfirmationFailed,
        Self::AccessTokenCreated,
        Self::AccessTokenRevoked,
        Self::PasswordFailed,
        Self::PasswordThrottled,
        Self::PasswordChanged,
        Self::SessionSignedOut,
        Self::OtherSessionsSignedOut,
        Self::PasswordReset,
        Self::OperatorUnlocked,
        Self::OperatorResetTwoFactor,
        Self::OperatorSignedOut,
        Self::OperatorRevokedTokens,
        Self::OperatorCreatedResetLink,
        Self::OperatorCreatedAccount,
        Self::TwoFactorMethodAdded,
        Self::TwoFactorMethodRemoved,
        Self::TwoFactorMethodRenamed,
        Self::SignedInWithSecurityKey,
        Self::SignedInWithPasskey,
        Self::SecurityKeyCounterWentBack,
        Self::MailNotDelivered,
        Self::EmailChanged,
        Self::PasswordResetMailed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignedInWithPassword => "signed_in_with_password",
            Self::SignedInWithCode => "signed_in_with_code",
            Self::SignedInWithRecoveryCode => "signed_in_with_recovery_code",
            Self::SecondFactorFailed => "second_factor_failed",
            Self::SecondFactorThrottled => "second_factor_throttled",
            Self::TwoFactorEnabled => "two_factor_enabled",
            Self::TwoFactorDisabled => "two_factor_disabled",
            Self::RecoveryCodesViewed => "recovery_codes_viewed",
            Self::RecoveryCodesDownloaded => "recovery_codes_downloaded",
            Self::RecoveryCodesRegenerated => "recovery_codes_regenerated",
            Self::PasswordConfirmationFailed => "password_confirmation_failed",
            Self::AccessTokenCreated => "access_token_created",
            Self::AccessTokenRevoked => "access_token_revoked",
            Self::PasswordFailed => "password_failed",
            Self::PasswordThrottled => "password_throttled",
            Self::PasswordChanged => "password_changed",
            Self::SessionSignedOut => "session_signed_out",
            Self::OtherSessionsSignedOut => "other_sessions_signed_out",
            Self::PasswordReset => "password_reset",
            Self::OperatorUnlocked => "operator_unlocked",
            Self::OperatorResetTwoFactor => "operator_reset_two_factor",
            Self::OperatorSignedOut => "operator_signed_out",
            Self::OperatorRevokedTokens => "operator_revoked_tokens",
            Self::OperatorCreatedResetLink => "operator_created_reset_link",
            Self::OperatorCreatedAccount => "operator_created_account",
            Self::TwoFactorMethodAdded => "two_factor_method_added",
            Self::TwoFactorMethodRemoved => "two_factor_method_removed",
            Self::TwoFactorMethodRenamed => "two_factor_method_renamed",
            Self::SignedInWithSecurityKey => "signed_in_with_security_key",
            Self::SignedInWithPasskey => "signed_in_with_passkey",
            Self::SecurityKeyCounterWentBack => "security_key_counter_went_back",
            Self::MailNotDelivered => "mail_not_delivered",
            Self::EmailChanged => "email_changed",
            Self::PasswordResetMailed => "password_reset_mailed",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == name)
    }

    /// Whether the operator did it (`server admin ...`), not the account.
    pub fn by_operator(self) -> bool {
        matches!(
            self,
            Self::OperatorUnlocked
                | Self::OperatorResetTwoFactor
                | Self::OperatorSignedOut
                | Self::OperatorRevokedTokens
                | Self::OperatorCreatedResetLink
                | Self::OperatorCreatedAccount
        )
    }
}
