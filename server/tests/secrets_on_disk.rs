//! Secrets on disk: the data directory and the SQLite file are the
//! owner's only, and a key file others could read is refused at start.

mod common;

use std::os::unix::fs::PermissionsExt;

use common::{Backend, spawn};

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test]
async fn the_data_directory_and_database_are_the_owners_only() {
    let app = spawn(Backend::Sqlite).await;
    let dir = &app.config.data_dir;
    assert_eq!(mode(dir), 0o700);
    assert_eq!(mode(&dir.join("twofold.db")), 0o600);
    assert_eq!(mode(&dir.join("secret.key")), 0o600);
}

#[tokio::test]
async fn a_key_file_others_can_read_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("twofold.key");
    std::fs::write(&key, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n").unwrap();
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let mut config = server::Config::defaults();
    config.data_dir = dir.path().join("data");
    config.secret_key_file = Some(key.clone());
    let refused = server::build(&config).await.err().expect("refused");
    assert!(refused.to_string().contains("chmod 600"), "{refused}");

    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert!(server::build(&config).await.is_ok());
    // The key came from the file: none was generated.
    assert!(!config.data_dir.join("secret.key").exists());
}
