//! Secret key files: writing (mode 0600, never silently overwritten) and
//! reading (PKCS#8 PEM or multibase secret key). The library's `keys`
//! module does no file I/O; this is where keys meet the file system.

use std::fs::{self, File, OpenOptions};
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use zeroize::Zeroizing;

use rosette::keys::{
    SigningKey, VerifyingKey, decode_secret_key, encode_pkcs8_pem, public_key_multibase,
};

/// Largest key file read (a PEM Ed25519 key is about 120 bytes).
const MAX_KEY_FILE_LEN: u64 = 16 * 1024;

/// Writes a PKCS#8 PEM secret key file (RFC 8410 §7) with mode 0600.
///
/// Without `overwrite` the file is created with `create_new` and an
/// existing file is an error. With `overwrite` the key is written to a
/// temporary file (mode 0600) in the same directory, synced, and renamed
/// over `path`, so a crash never leaves a truncated key. Missing parent
/// directories are created with mode 0700.
pub fn write_secret_key_file(path: &Path, key: &SigningKey, overwrite: bool) -> anyhow::Result<()> {
    let pem = encode_pkcs8_pem(key)
        .with_context(|| format!("encoding the key for {}", path.display()))?;
    let dir = parent_dir(path);
    if let Some(dir) = &dir {
        create_private_dirs(dir)?;
    }
    if !overwrite {
        let file = create_private_file(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                anyhow::anyhow!(
                    "refusing to overwrite existing key file {}; move it away or ask to \
                     overwrite it explicitly",
                    path.display()
                )
            } else {
                anyhow::Error::new(e).context(format!("creating key file {}", path.display()))
            }
        })?;
        if let Err(e) = write_and_sync(file, pem.as_bytes()) {
            let _ = fs::remove_file(path);
            return Err(e.context(format!("writing key file {}", path.display())));
        }
        sync_dir(dir.as_deref());
        return Ok(());
    }

    let tmp = temp_path(path)?;
    let file = create_private_file(&tmp)
        .with_context(|| format!("creating temporary key file {}", tmp.display()))?;
    let result = write_and_sync(file, pem.as_bytes())
        .and_then(|()| fs::rename(&tmp, path).map_err(anyhow::Error::new));
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(e.context(format!("replacing key file {}", path.display())));
    }
    sync_dir(dir.as_deref());
    Ok(())
}

/// Copies the secret key file `key_file` to `dest` byte for byte (a new
/// file, mode 0600, synced; missing directories are created with mode 0700),
/// after checking that it holds the secret of `expected`. An existing `dest`
/// holding the same key is accepted (re-running an interrupted rotation);
/// one holding another key is an error, and is never overwritten.
pub fn archive_secret_key_file(
    key_file: &Path,
    expected: &VerifyingKey,
    dest: &Path,
) -> anyhow::Result<()> {
    let bytes = read_key_bytes(key_file)?;
    let key = decode_key_bytes(key_file, &bytes)?;
    if key.verifying_key() != *expected {
        bail!(
            "key file {} changed while rotating (it no longer holds {}); nothing was archived",
            key_file.display(),
            public_key_multibase(expected)
        );
    }
    let dir = parent_dir(dest);
    if let Some(dir) = &dir {
        create_private_dirs(dir)?;
    }
    match create_private_file(dest) {
        Ok(file) => {
            if let Err(e) = write_and_sync(file, &bytes) {
                let _ = fs::remove_file(dest);
                return Err(e.context(format!("writing {}", dest.display())));
            }
            sync_dir(dir.as_deref());
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let there = read_secret_key_file(dest)?;
            if there.verifying_key() == *expected {
                Ok(())
            } else {
                bail!(
                    "{} already exists and holds another key; refusing to overwrite it",
                    dest.display()
                )
            }
        }
        Err(e) => Err(anyhow::Error::new(e).context(format!("creating {}", dest.display()))),
    }
}

/// Renames `pending` over `key_file` (atomic on POSIX file systems when both
/// are in the same directory) and syncs the directory, so the key file holds
/// either the old key or the new one, never a mix or nothing.
pub fn install_key_file(pending: &Path, key_file: &Path) -> anyhow::Result<()> {
    fs::rename(pending, key_file)
        .with_context(|| format!("renaming {} to {}", pending.display(), key_file.display()))?;
    sync_dir(parent_dir(key_file).as_deref());
    Ok(())
}

/// Makes a rename or a new file durable; not all file systems support it.
fn sync_dir(dir: Option<&Path>) {
    if let Some(dir) = dir
        && let Ok(d) = File::open(dir)
    {
        let _ = d.sync_all();
    }
}

/// Where `rosette keys rotate` writes a new key before installing it:
/// `<key_file>.next`, beside the key file so the final rename is atomic.
pub fn pending_key_path(key_file: &Path) -> PathBuf {
    let mut name = key_file
        .file_name()
        .map(std::ffi::OsString::from)
        .unwrap_or_else(|| "issuer.pem".into());
    name.push(".next");
    key_file.with_file_name(name)
}

/// Where a retired secret key is kept: `<data_dir>/keys/retired/<z6Mk…>.pem`,
/// named by its public key (Multikey, CID 1.0 §2.2.2), one file per key.
pub fn retired_key_path(data_dir: &Path, key: &VerifyingKey) -> PathBuf {
    data_dir
        .join("keys")
        .join("retired")
        .join(format!("{}.pem", public_key_multibase(key)))
}

/// Reads a secret key file: PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`) or a
/// multibase secret key (`z…`, 0x8026 header, 32- or 64-byte body); see
/// [`rosette::keys::decode_secret_key`]. Errors name the path and what was
/// wrong. A file whose mode grants any group/other access is still read,
/// with a warning on stderr.
pub fn read_secret_key_file(path: &Path) -> anyhow::Result<SigningKey> {
    let bytes = read_key_bytes(path)?;
    decode_key_bytes(path, &bytes)
}

/// The bytes of a key file, after the size and type checks.
fn read_key_bytes(path: &Path) -> anyhow::Result<Zeroizing<Vec<u8>>> {
    let meta =
        fs::metadata(path).with_context(|| format!("cannot read key file {}", path.display()))?;
    if !meta.is_file() {
        bail!("key file {} is not a regular file", path.display());
    }
    if meta.len() > MAX_KEY_FILE_LEN {
        bail!(
            "key file {} is {} bytes, too large to be a key (at most {MAX_KEY_FILE_LEN})",
            path.display(),
            meta.len()
        );
    }
    warn_if_exposed(path, &meta);

    let mut bytes = Zeroizing::new(Vec::with_capacity(meta.len() as usize + 1));
    File::open(path)
        .and_then(|f| f.take(MAX_KEY_FILE_LEN + 1).read_to_end(&mut bytes))
        .with_context(|| format!("cannot read key file {}", path.display()))?;
    if bytes.len() as u64 > MAX_KEY_FILE_LEN {
        bail!(
            "key file {} grew too large while being read",
            path.display()
        );
    }
    Ok(bytes)
}

fn decode_key_bytes(path: &Path, bytes: &[u8]) -> anyhow::Result<SigningKey> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| anyhow::anyhow!("key file {} is not UTF-8 text", path.display()))?;
    decode_secret_key(text).with_context(|| format!("key file {}", path.display()))
}

#[cfg(unix)]
fn warn_if_exposed(path: &Path, meta: &fs::Metadata) {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        eprintln!(
            "warning: key file {} is accessible by group or others (mode {mode:04o}); \
             restrict it with `chmod 600 {}`",
            path.display(),
            path.display()
        );
    }
}

#[cfg(not(unix))]
fn warn_if_exposed(_path: &Path, _meta: &fs::Metadata) {}

/// The parent directory, or `None` for a bare file name.
fn parent_dir(path: &Path) -> Option<PathBuf> {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(Path::to_path_buf)
}

fn create_private_dirs(dir: &Path) -> anyhow::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .with_context(|| format!("creating key directory {}", dir.display()))
}

fn create_private_file(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let file = options.open(path)?;
    #[cfg(unix)]
    {
        // The umask can only remove bits from 0600; set it exactly anyway.
        use std::os::unix::fs::PermissionsExt as _;
        file.set_permissions(fs::Permissions::from_mode(0o600))?;
    }
    Ok(file)
}

fn write_and_sync(mut file: File, bytes: &[u8]) -> anyhow::Result<()> {
    file.write_all(bytes)?;
    file.sync_all()?;
    Ok(())
}

/// `.<name>.tmp-<pid>-<random>` next to `path`.
fn temp_path(path: &Path) -> anyhow::Result<PathBuf> {
    let Some(name) = path.file_name() else {
        bail!("key file path {} has no file name", path.display());
    };
    let mut nonce = [0u8; 8];
    getrandom::fill(&mut nonce)
        .map_err(|e| anyhow::anyhow!("no randomness for a temporary file name: {e}"))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(
        ".tmp-{}-{}",
        std::process::id(),
        u64::from_le_bytes(nonce)
    ));
    Ok(path.with_file_name(tmp_name))
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use super::*;
    use rosette::keys::encode_secret_key_multibase;
    use std::os::unix::fs::PermissionsExt as _;

    fn generate_signing_key() -> SigningKey {
        rosette::keys::generate_signing_key(&mut getrandom::SysRng).unwrap()
    }

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn writes_0600_in_new_0700_dirs_and_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/issuer.pem");
        let key = generate_signing_key();
        write_secret_key_file(&path, &key, false).unwrap();
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&dir.path().join("a")), 0o700);
        assert_eq!(mode(&dir.path().join("a/b")), 0o700);
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("-----BEGIN PRIVATE KEY-----\n"), "{text}");
        assert_eq!(read_secret_key_file(&path).unwrap(), key);
    }

    #[test]
    fn refuses_to_overwrite_unless_asked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("issuer.pem");
        let first = generate_signing_key();
        let second = generate_signing_key();
        write_secret_key_file(&path, &first, false).unwrap();
        let err = write_secret_key_file(&path, &second, false).unwrap_err();
        assert!(
            err.to_string().starts_with(&format!(
                "refusing to overwrite existing key file {}",
                path.display()
            )),
            "{err:#}"
        );
        assert_eq!(read_secret_key_file(&path).unwrap(), first);

        // Overwrite: replaced atomically, still 0600, no temp file left.
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        write_secret_key_file(&path, &second, true).unwrap();
        assert_eq!(read_secret_key_file(&path).unwrap(), second);
        assert_eq!(mode(&path), 0o600);
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("issuer.pem")]);
    }

    #[test]
    fn overwrite_creates_when_missing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.pem");
        let key = generate_signing_key();
        write_secret_key_file(&path, &key, true).unwrap();
        assert_eq!(mode(&path), 0o600);
        assert_eq!(read_secret_key_file(&path).unwrap(), key);
    }

    #[test]
    fn reads_multibase_and_tolerates_open_modes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.txt");
        let key = generate_signing_key();
        fs::write(
            &path,
            format!("{}\n", encode_secret_key_multibase(&key).as_str()),
        )
        .unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        // Warns on stderr, still reads.
        assert_eq!(read_secret_key_file(&path).unwrap(), key);
    }

    #[test]
    fn archive_copies_byte_for_byte_and_never_overwrites_another_key() {
        let dir = tempfile::tempdir().unwrap();
        let key_file = dir.path().join("keys/issuer.pem");
        let key = generate_signing_key();
        // A multibase key file is archived as it is, not re-encoded.
        fs::create_dir_all(key_file.parent().unwrap()).unwrap();
        let text = format!("{}\n", encode_secret_key_multibase(&key).as_str());
        fs::write(&key_file, &text).unwrap();
        let dest = retired_key_path(dir.path(), &key.verifying_key());
        assert_eq!(
            dest,
            dir.path().join(format!(
                "keys/retired/{}.pem",
                public_key_multibase(&key.verifying_key())
            ))
        );
        archive_secret_key_file(&key_file, &key.verifying_key(), &dest).unwrap();
        assert_eq!(fs::read_to_string(&dest).unwrap(), text);
        assert_eq!(mode(&dest), 0o600);
        assert_eq!(mode(dest.parent().unwrap()), 0o700);
        // Again (an interrupted rotation re-run): accepted.
        archive_secret_key_file(&key_file, &key.verifying_key(), &dest).unwrap();

        // The key file does not hold the expected key: nothing is written.
        let other = generate_signing_key();
        let other_dest = retired_key_path(dir.path(), &other.verifying_key());
        let err =
            archive_secret_key_file(&key_file, &other.verifying_key(), &other_dest).unwrap_err();
        assert!(
            err.to_string().contains("changed while rotating"),
            "{err:#}"
        );
        assert!(!other_dest.exists());
        // The destination holds another key: refused, left alone.
        write_secret_key_file(&other_dest, &other, false).unwrap();
        let before = fs::read(&other_dest).unwrap();
        let other_file = dir.path().join("other.pem");
        write_secret_key_file(&other_file, &key, false).unwrap();
        let err =
            archive_secret_key_file(&other_file, &key.verifying_key(), &other_dest).unwrap_err();
        assert!(err.to_string().contains("holds another key"), "{err:#}");
        assert_eq!(fs::read(&other_dest).unwrap(), before);
    }

    #[test]
    fn install_renames_the_pending_key_over_the_key_file() {
        let dir = tempfile::tempdir().unwrap();
        let key_file = dir.path().join("issuer.pem");
        let pending = pending_key_path(&key_file);
        assert_eq!(pending, dir.path().join("issuer.pem.next"));
        let (old, new) = (generate_signing_key(), generate_signing_key());
        write_secret_key_file(&key_file, &old, false).unwrap();
        write_secret_key_file(&pending, &new, false).unwrap();
        install_key_file(&pending, &key_file).unwrap();
        assert_eq!(read_secret_key_file(&key_file).unwrap(), new);
        assert_eq!(mode(&key_file), 0o600);
        assert!(!pending.exists());
        assert!(install_key_file(&pending, &key_file).is_err());
        assert_eq!(read_secret_key_file(&key_file).unwrap(), new);
    }

    #[test]
    fn read_errors_name_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.pem");
        let err = read_secret_key_file(&missing).unwrap_err();
        assert!(
            format!("{err:#}").starts_with(&format!("cannot read key file {}", missing.display())),
            "{err:#}"
        );

        let garbage = dir.path().join("garbage.pem");
        fs::write(&garbage, "hello").unwrap();
        let err = read_secret_key_file(&garbage).unwrap_err();
        assert_eq!(
            format!("{err:#}"),
            format!(
                "key file {}: unrecognised secret key format (expected PKCS#8 PEM \
                 \"-----BEGIN PRIVATE KEY-----\" or a multibase secret key starting with 'z')",
                garbage.display()
            )
        );

        let binary = dir.path().join("binary.der");
        fs::write(&binary, [0xffu8, 0xfe, 0x00]).unwrap();
        let err = read_secret_key_file(&binary).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("key file {} is not UTF-8 text", binary.display())
        );

        let err = read_secret_key_file(dir.path()).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("key file {} is not a regular file", dir.path().display())
        );

        let big = dir.path().join("big.pem");
        fs::write(&big, vec![b'A'; 20_000]).unwrap();
        let err = read_secret_key_file(&big).unwrap_err();
        assert!(err.to_string().contains("too large"), "{err:#}");
    }
}
