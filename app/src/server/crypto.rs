//! Secrets at rest. TOTP secrets and recovery codes are sealed with
//! XChaCha20-Poly1305 (random 192-bit nonces, so no counter to keep across
//! processes); the associated data names what the value is and whose it is,
//! so a value copied to another row or account fails to open. Recovery codes
//! also get a keyed hash (HMAC-SHA256) to find them without decrypting.
//!
//! Both keys derive (HKDF-SHA256) from one 32-byte master key, generated
//! into the data directory on first run or given by the operator (needed
//! when several machines share one database).

use std::io::Write;
use std::path::Path;

use super::private_files;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::error::AppError;

const KEY_FILE: &str = "secret.key";
const FORMAT_V1: u8 = 1;
const NONCE_LEN: usize = 24;

/// What a sealed value is; part of the associated data.
#[derive(Debug, Clone, Copy)]
pub enum Purpose {
    TotpSecret,
    RecoveryCode,
    /// The one link a mail in the outbox carries (verification, reset).
    MailLink,
}

impl Purpose {
    fn label(self) -> &'static str {
        match self {
            Self::TotpSecret => "totp-secret",
            Self::RecoveryCode => "recovery-code",
            Self::MailLink => "mail-link",
        }
    }
}

pub struct Vault {
    cipher: XChaCha20Poly1305,
    lookup_key: Zeroizing<[u8; 32]>,
    key_check: [u8; 32],
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Vault(..)")
    }
}

impl Vault {
    pub fn from_master_key(master: &[u8; 32]) -> Self {
        let hkdf = Hkdf::<Sha256>::new(Some(b"twofold"), master);
        let mut aead_key = Zeroizing::new([0u8; 32]);
        let mut lookup_key = Zeroizing::new([0u8; 32]);
        hkdf.expand(b"aead v1", aead_key.as_mut())
            .expect("32 bytes is a valid HKDF length");
        hkdf.expand(b"recovery lookup v1", lookup_key.as_mut())
            .expect("32 bytes is a valid HKDF length");
        let mut key_check = [0u8; 32];
        hkdf.expand(b"key check v1", &mut key_check)
            .expect("32 bytes is a valid HKDF length");
        Self {
            cipher: XChaCha20Poly1305::new(aead_key.as_ref().into()),
            lookup_key,
            key_check,
        }
    }

    /// The operator's key (base64 of 32 bytes), given or in a file of
    /// theirs, otherwise the key file in `data_dir`, created with
    /// owner-only permissions on first run. A key file others may read is
    /// refused.
    pub fn load_or_create(
        data_dir: &Path,
        operator_key: Option<&str>,
        operator_key_file: Option<&Path>,
    ) -> Result<Self, String> {
        let encoded = match (operator_key, operator_key_file) {
            (Some(key), _) => Zeroizing::new(key.to_owned()),
            (None, Some(file)) => read_key_file(file)?,
            (None, None) => read_or_create_key_file(data_dir)?,
        };
        let encoded = Zeroizing::new(encoded.trim().to_owned());
        let bytes = Zeroizing::new(
            BASE64
                .decode(encoded.as_bytes())
                .map_err(|_| "the secret key is not valid base64".to_owned())?,
        );
        let master: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| "the secret key must be 32 bytes (44 base64 characters)".to_owned())?;
        Ok(Self::from_master_key(&master))
    }

    fn associated_data(purpose: Purpose, account_id: i64) -> Vec<u8> {
        format!("twofold:{}:{account_id}", purpose.label()).into_bytes()
    }

    pub fn seal(&self, purpose: Purpose, account_id: i64, plaintext: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let aad = Self::associated_data(purpose, account_id);
        let ciphertext = self
            .cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: &aad,
                },
            )
            .expect("XChaCha20-Poly1305 encryption cannot fail for in-memory data");
        let mut sealed = Vec::with_capacity(1 + NONCE_LEN + ciphertext.len());
        sealed.push(FORMAT_V1);
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&ciphertext);
        sealed
    }

    /// Opens a sealed value. Anything tampered with, truncated, or sealed
    /// for another purpose or account fails closed.
    pub fn open(
        &self,
        purpose: Purpose,
        account_id: i64,
        sealed: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, AppError> {
        let fail = || {
            tracing::error!(
                account_id,
                purpose = purpose.label(),
                "stored secret failed authentication"
            );
            AppError::Internal
        };
        if sealed.len() < 1 + NONCE_LEN || sealed[0] != FORMAT_V1 {
            return Err(fail());
        }
        let (nonce, ciphertext) = sealed[1..].split_at(NONCE_LEN);
        let aad = Self::associated_data(purpose, account_id);
        self.cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: &aad,
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| fail())
    }

    /// A value that tells master keys apart without revealing them (another
    /// HKDF output): stored once per database, compared at every start.
    pub fn key_check(&self) -> &[u8; 32] {
        &self.key_check
    }

    /// Records this key's check value in a new database, or compares it
    /// with the recorded one: processes sharing a database must share the
    /// key, and one that does not is refused at start with a clear reason.
    pub async fn check_against(&self, db: &super::db::Db) -> Result<(), String> {
        let recorded = super::repo::key_check::record_or_read(&db.pool, &self.key_check)
            .await
            .map_err(|e| format!("cannot check the secret key: {e}"))?;
        if recorded == self.key_check {
            Ok(())
        } else {
            Err(
                "the secret key is not the one this database's secrets were sealed with: \
                 give every process on one database the same TWOFOLD_SECRET_KEY"
                    .to_owned(),
            )
        }
    }

    /// The keyed hash a recovery code is looked up by.
    pub fn lookup_hash(&self, account_id: i64, normalized_code: &str) -> Vec<u8> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.lookup_key.as_ref())
            .expect("HMAC takes keys of any length");
        mac.update(&account_id.to_be_bytes());
        mac.update(normalized_code.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }
}

/// A key file, if only its owner may read it.
fn read_key_file(path: &Path) -> Result<Zeroizing<String>, String> {
    private_files::check_private(path)?;
    std::fs::read_to_string(path)
        .map(Zeroizing::new)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn read_or_create_key_file(data_dir: &Path) -> Result<Zeroizing<String>, String> {
    let path = data_dir.join(KEY_FILE);
    if path.exists() {
        return read_key_file(&path);
    }
    private_files::create_dir(data_dir)?;
    let mut master = Zeroizing::new([0u8; 32]);
    rand::rngs::OsRng.fill_bytes(master.as_mut());
    let encoded = Zeroizing::new(BASE64.encode(master.as_ref()));
    match private_files::create_file(&path) {
        Ok(mut file) => {
            file.write_all(encoded.as_bytes())
                .and_then(|()| file.sync_all())
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            tracing::info!(path = %path.display(), "generated a new secret key");
            Ok(encoded)
        }
        // Another process created it first: use theirs.
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => read_key_file(&path),
        Err(error) => Err(format!("cannot create {}: {error}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vault() -> Vault {
        Vault::from_master_key(&[7u8; 32])
    }

    #[test]
    fn seal_then_open_round_trips_and_hides_the_plaintext() {
        let v = vault();
        let sealed = v.seal(Purpose::TotpSecret, 42, b"super secret bytes");
        assert!(!sealed.windows(6).any(|w| w == b"secret"));
        assert_eq!(
            v.open(Purpose::TotpSecret, 42, &sealed).unwrap().as_slice(),
            b"super secret bytes"
        );
        // A fresh nonce each time.
        assert_ne!(
            sealed,
            v.seal(Purpose::TotpSecret, 42, b"super secret bytes")
        );
    }

    #[test]
    fn tampering_fails_closed() {
        let v = vault();
        let sealed = v.seal(Purpose::TotpSecret, 42, b"super secret bytes");
        for i in 0..sealed.len() {
            let mut bad = sealed.clone();
            bad[i] ^= 0x01;
            assert!(v.open(Purpose::TotpSecret, 42, &bad).is_err(), "byte {i}");
        }
        assert!(
            v.open(Purpose::TotpSecret, 42, &sealed[..sealed.len() - 1])
                .is_err()
        );
        assert!(v.open(Purpose::TotpSecret, 42, &[]).is_err());
    }

    #[test]
    fn another_account_or_purpose_cannot_open_it() {
        let v = vault();
        let sealed = v.seal(Purpose::TotpSecret, 42, b"x");
        assert!(v.open(Purpose::TotpSecret, 43, &sealed).is_err());
        assert!(v.open(Purpose::RecoveryCode, 42, &sealed).is_err());
        assert!(
            Vault::from_master_key(&[8u8; 32])
                .open(Purpose::TotpSecret, 42, &sealed)
                .is_err()
        );
    }

    #[test]
    fn lookup_hash_is_keyed_and_per_account() {
        let v = vault();
        assert_eq!(v.lookup_hash(1, "abcd"), v.lookup_hash(1, "abcd"));
        assert_ne!(v.lookup_hash(1, "abcd"), v.lookup_hash(2, "abcd"));
        assert_ne!(
            v.lookup_hash(1, "abcd"),
            Vault::from_master_key(&[8u8; 32]).lookup_hash(1, "abcd")
        );
    }

    #[test]
    fn key_file_is_created_once_owner_only_and_reused() {
        let dir = tempfile_dir();
        let first = Vault::load_or_create(&dir, None, None).unwrap();
        let sealed = first.seal(Purpose::RecoveryCode, 1, b"code");
        let again = Vault::load_or_create(&dir, None, None).unwrap();
        assert_eq!(
            again
                .open(Purpose::RecoveryCode, 1, &sealed)
                .unwrap()
                .as_slice(),
            b"code"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.join(KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn an_operator_key_file_is_read_only_if_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("key");
        std::fs::write(&file, format!("{}\n", BASE64.encode([3u8; 32]))).unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let refused = Vault::load_or_create(dir.path(), None, Some(&file)).unwrap_err();
        assert!(refused.contains("readable by its owner only"), "{refused}");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        let vault = Vault::load_or_create(dir.path(), None, Some(&file)).unwrap();
        let given = Vault::from_master_key(&[3u8; 32]);
        assert_eq!(vault.key_check(), given.key_check());
    }

    #[test]
    fn operator_key_must_be_32_bytes_of_base64() {
        let dir = tempfile_dir();
        assert!(Vault::load_or_create(&dir, Some("not base64!"), None).is_err());
        assert!(Vault::load_or_create(&dir, Some(&BASE64.encode([1u8; 16])), None).is_err());
        assert!(Vault::load_or_create(&dir, Some(&BASE64.encode([1u8; 32])), None).is_ok());
        assert!(
            !dir.join(KEY_FILE).exists(),
            "an operator key writes no file"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn tempfile_dir() -> std::path::PathBuf {
        std::env::temp_dir().join(format!("twofold-vault-{:016x}", rand::random::<u64>()))
    }
}
