//! Secret key files: writing (mode 0600, never silently overwritten) and
//! reading (PKCS#8 PEM or multibase secret key). The library's `keys`
//! module does no file I/O; this is where keys meet the file system.

use std::fs::{self, File, OpenOptions};
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use zeroize::Zeroizing;

use rosette::keys::{SigningKey, decode_secret_key, encode_pkcs8_pem};

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
    if let Some(dir) = &dir {
        // Make the rename durable; not all file systems support it.
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

/// Reads a secret key file: PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`) or a
/// multibase secret key (`z…`, 0x8026 header, 32- or 64-byte body); see
/// [`rosette::keys::decode_secret_key`]. Errors name the path and what was
/// wrong. A file whose mode grants any group/other access is still read,
/// with a warning on stderr.
pub fn read_secret_key_file(path: &Path) -> anyhow::Result<SigningKey> {
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
    let text = std::str::from_utf8(&bytes)
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
    use rosette::keys::{encode_secret_key_multibase, generate_signing_key};
    use std::os::unix::fs::PermissionsExt as _;

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
