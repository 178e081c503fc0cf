//! Add security key and Add passkey: after the password pop-up, the
//! browser's own prompt, then a name. The first method of an account
//! turns 2FA on with recovery codes, as the wizard's first app does
//! (`two_factor::setup`); a further one is added beside the others.
//!
//! A security key is a second factor (user verification preferred); a
//! passkey is a discoverable credential with user verification required,
//! which can also sign in alone ([`super::passkey`]).

use webauthn_rs::prelude::{
    CreationChallengeResponse, Credential, PasskeyRegistration, RegisterPublicKeyCredential,
    SecurityKeyRegistration, Uuid,
};

use super::ceremony::{self, BeganBy, Purpose};
use super::{CeremonyStart, parse_response, refused, relying_party, start, stored};
use crate::error::AppError;
use crate::server::caller::Caller;
use crate::server::repo::{self, methods::NewCredential};
use crate::server::two_factor::setup::{begin_adding, finish_adding};
use crate::types::{MethodKind, RecoveryCodes};
use crate::validation::validate_method_name;

/// What a registration ceremony keeps between its halves: webauthn-rs's
/// state for the kind being added.
#[derive(serde::Serialize, serde::Deserialize)]
enum Pending {
    SecurityKey(SecurityKeyRegistration),
    Passkey(PasskeyRegistration),
}

fn purpose_of(kind: MethodKind) -> Result<Purpose, AppError> {
    match kind {
        MethodKind::SecurityKey => Ok(Purpose::AddSecurityKey),
        MethodKind::Passkey => Ok(Purpose::AddPasskey),
        MethodKind::App => Err(AppError::BadRequest {
            message: "an authenticator app is added with its set-up wizard".into(),
        }),
    }
}

/// Who may finish: this account, in this session.
async fn began_by(caller: &Caller) -> Result<BeganBy, AppError> {
    Ok(BeganBy {
        account_id: Some(caller.account.id),
        session: caller.session.handle().await?,
    })
}

/// The browser's options for creating a credential of `kind`, which
/// excludes the account's own (an authenticator already added says so
/// itself), and the ceremony's handle. The caller has confirmed the
/// password.
pub async fn begin(caller: &Caller, kind: MethodKind) -> Result<CeremonyStart, AppError> {
    let (state, _, account, _) = caller.parts();
    let purpose = purpose_of(kind)?;
    let rp = relying_party(state)?.webauthn();
    let user_id = {
        let _turn = state.db.write_turn().await;
        let mut conn = state.db.pool.acquire().await?;
        let fresh = Uuid::new_v4().to_string();
        repo::accounts::webauthn_user_id(&mut conn, account.id, &fresh).await?
    };
    let user_id = Uuid::parse_str(&user_id).map_err(|_| AppError::Internal)?;
    let mut exclude = Vec::new();
    for row in repo::methods::credentials(&state.db.pool, account.id).await? {
        let credential = super::credential_of(&row)?;
        exclude.push(credential.cred_id.clone());
    }
    let login = account.login.as_str();
    let (options, pending) = match kind {
        MethodKind::Passkey => {
            let (options, registration) = rp
                .start_passkey_registration(user_id, login, login, Some(exclude))
                .map_err(refused)?;
            (discoverable(options)?, Pending::Passkey(registration))
        }
        _ => {
            let (options, registration) = rp
                .start_securitykey_registration(user_id, login, login, Some(exclude), None, None)
                .map_err(refused)?;
            (
                second_factor_key(options)?,
                Pending::SecurityKey(registration),
            )
        }
    };
    let now = state.clock.now();
    let handle = ceremony::store(
        &state.db,
        purpose,
        &began_by(caller).await?,
        None,
        &pending,
        now,
    )
    .await?;
    start(&options, &handle)
}

/// A security key's options without the credProtect extension that
/// webauthn-rs asks for ("user verification required", not enforced):
/// beside `userVerification: "preferred"` Chromium refuses the whole request
/// as inconsistent (`NotSupportedError`), and a second factor needs no PIN
/// on the key. User verification stays "preferred".
fn second_factor_key(options: CreationChallengeResponse) -> Result<serde_json::Value, AppError> {
    let mut options = serde_json::to_value(options).map_err(|_| AppError::Internal)?;
    if let Some(extensions) = options["publicKey"]["extensions"].as_object_mut() {
        extensions.remove("credentialProtectionPolicy");
        extensions.remove("enforceCredentialProtectionPolicy");
    }
    Ok(options)
}

/// A passkey's options ask for a discoverable credential: one the
/// authenticator can offer at sign-in without being told which. webauthn-rs
/// leaves that to the browser ("discouraged"); a passkey must be one.
fn discoverable(options: CreationChallengeResponse) -> Result<serde_json::Value, AppError> {
    let mut options = serde_json::to_value(options).map_err(|_| AppError::Internal)?;
    let selection = &mut options["publicKey"]["authenticatorSelection"];
    if !selection.is_object() {
        *selection = serde_json::json!({});
    }
    selection["residentKey"] = "required".into();
    selection["requireResidentKey"] = true.into();
    selection["userVerification"] = "required".into();
    Ok(options)
}

/// The browser's answer: the new credential, checked and stored under
/// `name` in one transaction (see [`begin_adding`]). Answers the recovery
/// codes when it turned 2FA on.
pub async fn finish(
    caller: &Caller,
    kind: MethodKind,
    ceremony_handle: &str,
    name: &str,
    response: &str,
) -> Result<Option<RecoveryCodes>, AppError> {
    let state = &caller.state;
    let purpose = purpose_of(kind)?;
    let name = validate_method_name(name)?;
    let rp = relying_party(state)?.webauthn();
    let now = state.clock.now();
    let began = began_by(caller).await?;
    let pending: Pending = ceremony::take(&state.db, ceremony_handle, purpose, &began, now).await?;
    let response: RegisterPublicKeyCredential = parse_response(response)?;
    let credential: Credential = match &pending {
        Pending::SecurityKey(registration) => rp
            .finish_securitykey_registration(&response, registration)
            .map_err(refused)?
            .into(),
        Pending::Passkey(registration) => rp
            .finish_passkey_registration(&response, registration)
            .map_err(refused)?
            .into(),
    };
    let credential_json = stored(&credential)?;
    let new = NewCredential {
        kind: kind.as_str(),
        name,
        credential_id: credential.cred_id.as_ref(),
        credential: &credential_json,
    };
    let account_id = caller.account.id;
    let mut tx = state.db.begin_write().await?;
    // One account's changes to its methods, one at a time.
    repo::failures::lock_consecutive(&mut tx, account_id).await?;
    // A credential belongs to one account only.
    if repo::methods::by_credential_id(&mut *tx, new.credential_id)
        .await?
        .is_some()
    {
        return Err(AppError::SecurityKeyAlreadyAdded);
    }
    let first = begin_adding(&mut tx, account_id, now).await?;
    repo::methods::add_credential(&mut tx, account_id, &new, now).await?;
    finish_adding(caller, tx, first).await
}
