//! Files only the server's own user may read: the data directory, the
//! SQLite database and the key file.

use std::path::Path;

/// Creates `dir` (and missing parents) readable by the owner only; an
/// existing directory is left as it is.
pub fn create_dir(dir: &Path) -> Result<(), String> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .map_err(|e| format!("cannot create data directory {}: {e}", dir.display()))
}

/// Opens a new file at `path` for writing, readable by the owner only;
/// `AlreadyExists` if another process made it first.
pub fn create_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Refuses a secret file that its group or others may read or write.
pub fn check_private(path: &Path) -> Result<(), String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(format!(
                "{} is open to other users (mode {:o}): the secret key must be readable \
                 by its owner only (chmod 600 {})",
                path.display(),
                mode & 0o777,
                path.display()
            ));
        }
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn what_we_create_is_the_owners_only() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("a/b");
        create_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);
        let file = dir.join("f");
        drop(create_file(&file).unwrap());
        assert_eq!(mode(&file), 0o600);
        assert_eq!(
            create_file(&file).unwrap_err().kind(),
            std::io::ErrorKind::AlreadyExists
        );
        assert_eq!(check_private(&file), Ok(()));
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let refused = check_private(&file).unwrap_err();
        assert!(refused.contains("chmod 600"), "{refused}");
    }
}
