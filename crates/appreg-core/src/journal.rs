//! The resume journal: what a `create` has done so far, so that a re-run after a crash or a lost
//! answer continues instead of starting over. It never holds a secret or a token: only ids, the
//! app's unique name and the secret's display name and key id.
//!
//! Each journal is keyed by a hash of exactly what it resumes (tenant, platform, display name)
//! and held under an OS file lock for the whole run, so two runs never share one.

use crate::bounded;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::path::{Path, PathBuf};

/// The most a journal is read of: it holds a handful of ids.
const JOURNAL_CAP_BYTES: usize = 64 * 1024;

/// The most characters of the display name kept in a journal's file name, for people to read.
const SLUG_CHARS: usize = 40;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// The alternate key of the app (`uniqueName`): the same on every retry, so the upsert
    /// can never make a second app.
    pub unique_name: String,
    pub tenant_id: Option<String>,
    pub object_id: Option<String>,
    pub app_id: Option<String>,
    pub secret: SecretState,
    pub service_principal_id: Option<String>,
    /// How far handing the credentials to the platform got (`--connect`).
    #[serde(default)]
    pub platform: PlatformState,
    /// Old secrets to remove once the platform holds the new one (`rotate-secret --connect`).
    #[serde(default)]
    pub remove_after: Vec<String>,
    pub completed: bool,
}

impl Entry {
    /// Finished: the secret is handed over and nothing is left to do on the platform or to
    /// the old secrets.
    pub fn is_finished(&self) -> bool {
        matches!(self.secret, SecretState::HandedOver { .. })
            && !self.platform.is_pending()
            && self.remove_after.is_empty()
    }
}

/// Where handing the credentials to the platform stands. The secret is never recorded; the
/// key id says which secret the platform was given.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum PlatformState {
    #[default]
    None,
    /// The credentials were sent to `target`: the platform may hold the secret `key_id`.
    Sending { key_id: String, target: String },
    /// The platform holds the secret `key_id`.
    Connected { key_id: String, target: String },
    /// The platform refused; the secret `key_id` was handed to the user instead.
    Refused { key_id: String, target: String },
}

impl PlatformState {
    /// Sent, or refused: a re-run has the connection to finish.
    pub fn is_pending(&self) -> bool {
        matches!(
            self,
            PlatformState::Sending { .. } | PlatformState::Refused { .. }
        )
    }

    /// The secret the platform holds or may hold.
    pub fn key_id(&self) -> Option<&str> {
        match self {
            PlatformState::None => None,
            PlatformState::Sending { key_id, .. }
            | PlatformState::Connected { key_id, .. }
            | PlatformState::Refused { key_id, .. } => Some(key_id),
        }
    }
}

/// Where the client secret stands. The value itself is never recorded.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum SecretState {
    #[default]
    None,
    /// addPassword was sent with this display name; its answer may have been lost.
    Requested {
        display_name: String,
    },
    /// Graph answered; the value exists only in memory until it is handed over.
    Issued {
        display_name: String,
        key_id: String,
    },
    HandedOver {
        key_id: String,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("cannot write the resume journal {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "cannot read the resume journal {path}: {message}; if no run of this app is unfinished, remove the file and run again"
    )]
    Read { path: PathBuf, message: String },
    #[error(
        "another appreg is working on this app right now (its resume journal {path} is locked): wait for it to finish, then run again"
    )]
    Busy { path: PathBuf },
}

#[derive(Debug)]
pub struct Journal {
    path: Option<PathBuf>,
    /// Holds the run's lock on the journal until the journal is dropped.
    _lock: Option<File>,
    entry: Entry,
    /// The client id of the app an earlier, finished run made under the same key.
    earlier_app_id: Option<String>,
}

impl Journal {
    /// A journal that lives only as long as the process (the demo, tests).
    pub fn in_memory() -> Self {
        Self {
            path: None,
            _lock: None,
            entry: Entry {
                unique_name: new_unique_name(),
                ..Entry::default()
            },
            earlier_app_id: None,
        }
    }

    /// The journal for one app (tenant + display name + profile) under `dir`: an unfinished run
    /// is picked up, otherwise a new one starts. Another process working on the same journal
    /// is an error, not a wait.
    pub fn open(
        dir: &Path,
        tenant: Option<&str>,
        display_name: &str,
        profile_id: &str,
    ) -> Result<Self, JournalError> {
        let key = file_key(tenant, display_name, profile_id);
        let path = dir.join(format!("{key}.json"));
        let lock = lock(&dir.join(format!("{key}.lock")), &path)?;
        let mut earlier_app_id = None;
        let entry = match bounded::read_file(&path, JOURNAL_CAP_BYTES) {
            Ok(text) => {
                let entry: Entry = serde_json::from_str(&text).map_err(|e| JournalError::Read {
                    path: path.clone(),
                    message: e.to_string(),
                })?;
                if entry.completed {
                    earlier_app_id = entry.app_id;
                    Entry {
                        unique_name: new_unique_name(),
                        ..Entry::default()
                    }
                } else {
                    entry
                }
            }
            Err(e) if e.is_not_found() => Entry {
                unique_name: new_unique_name(),
                ..Entry::default()
            },
            Err(e) => {
                return Err(JournalError::Read {
                    path,
                    message: e.to_string(),
                });
            }
        };
        Ok(Self {
            path: Some(path),
            _lock: Some(lock),
            entry,
            earlier_app_id,
        })
    }

    /// An app a finished run already registered with the same name, profile and tenant: this
    /// run makes another one.
    pub fn earlier_app_id(&self) -> Option<&str> {
        self.earlier_app_id.as_deref()
    }

    /// The user's state directory (`$XDG_STATE_HOME/appreg`), or `APPREG_STATE_DIR`.
    pub fn default_dir() -> Option<PathBuf> {
        if let Some(dir) = std::env::var_os("APPREG_STATE_DIR") {
            return Some(PathBuf::from(dir));
        }
        let dirs = directories::ProjectDirs::from("", "", "appreg")?;
        Some(
            dirs.state_dir()
                .unwrap_or(dirs.data_local_dir())
                .join("journal"),
        )
    }

    pub fn entry(&self) -> &Entry {
        &self.entry
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Whether this run continues an earlier one.
    pub fn is_resume(&self) -> bool {
        self.entry.object_id.is_some() || self.entry.secret != SecretState::None
    }

    /// Changes the entry and saves it before anything else happens.
    pub fn record(&mut self, change: impl FnOnce(&mut Entry)) -> Result<(), JournalError> {
        change(&mut self.entry);
        self.save()
    }

    fn save(&self) -> Result<(), JournalError> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let write_err = |source| JournalError::Write {
            path: path.clone(),
            source,
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(write_err)?;
        }
        let text = serde_json::to_string_pretty(&self.entry)
            .map_err(|e| write_err(std::io::Error::other(e)))?;
        // Write then rename, so a crash never leaves half a journal.
        let tmp = path.with_extension("json.tmp");
        write_private(&tmp, text.as_bytes(), true).map_err(write_err)?;
        std::fs::rename(&tmp, path).map_err(write_err)
    }
}

fn new_unique_name() -> String {
    format!("appreg-{}", uuid::Uuid::new_v4().simple())
}

/// A journal's file name: a slug of the display name for people, then a SHA-256 of the exact
/// tenant, platform and display name, so names that read alike ("日本語 App" and "中文 App",
/// "Acme" and "acme") never share a journal.
fn file_key(tenant: Option<&str>, display_name: &str, profile_id: &str) -> String {
    let slug: String = display_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
        .chars()
        .take(SLUG_CHARS)
        .collect();
    // A JSON array keeps the three apart whatever characters they hold.
    let exact = serde_json::json!([tenant, profile_id, display_name]).to_string();
    let hash: String = Sha256::digest(exact.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if slug.is_empty() {
        hash
    } else {
        format!("{slug}--{hash}")
    }
}

/// Takes the lock that keeps a second process off the journal at `journal`. The lock lives on
/// a file of its own: saving replaces the journal's file, which would drop a lock held on it.
fn lock(lock_path: &Path, journal: &Path) -> Result<File, JournalError> {
    let write_err = |source| JournalError::Write {
        path: lock_path.to_path_buf(),
        source,
    };
    if let Some(dir) = lock_path.parent() {
        std::fs::create_dir_all(dir).map_err(write_err)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(lock_path).map_err(write_err)?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(JournalError::Busy {
            path: journal.to_path_buf(),
        }),
        Err(std::fs::TryLockError::Error(source)) => Err(write_err(source)),
    }
}

/// Writes a file only its owner can read; with `replace` false an existing file is an error.
pub fn write_private(path: &Path, bytes: &[u8], replace: bool) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if replace {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unfinished_run_is_picked_up_and_a_finished_one_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let mut first = Journal::open(dir.path(), None, "Acme Mail", "nylas-v3").unwrap();
        first.record(|e| e.object_id = Some("obj".into())).unwrap();
        let recorded = first.entry().clone();
        // The first run ends (its lock with it) before the next one starts.
        drop(first);
        let mut again = Journal::open(dir.path(), None, "Acme Mail", "nylas-v3").unwrap();
        assert_eq!(again.entry(), &recorded);
        assert!(again.is_resume());
        again.record(|e| e.completed = true).unwrap();
        drop(again);
        let fresh = Journal::open(dir.path(), None, "Acme Mail", "nylas-v3").unwrap();
        assert_ne!(fresh.entry().unique_name, recorded.unique_name);
        assert!(!fresh.is_resume());
    }

    #[test]
    fn file_names_are_safe_and_keyed_by_the_exact_name() {
        let key = file_key(Some("contoso.onmicrosoft.com"), "Acme / Mail!", "nylas-v3");
        let (slug, hash) = key.split_once("--").unwrap();
        assert_eq!(slug, "acme-mail");
        assert!(
            hash.len() == 64 && hash.chars().all(|c| c.is_ascii_hexdigit()),
            "{key}"
        );
        let keys = [
            file_key(None, "日本語 App", "nylas-v3"),
            file_key(None, "中文 App", "nylas-v3"),
            file_key(None, "acme / mail!", "nylas-v3"),
            file_key(Some("contoso.onmicrosoft.com"), "Acme / Mail!", "nango"),
            file_key(Some("fabrikam.com"), "Acme / Mail!", "nylas-v3"),
            file_key(None, "Acme / Mail!", "nylas-v3"),
            key,
        ];
        let distinct: std::collections::HashSet<_> = keys.iter().collect();
        assert_eq!(distinct.len(), keys.len(), "{keys:?}");
        assert!(keys[0].starts_with("app--"), "{}", keys[0]);
        assert!(!file_key(None, "日本語", "custom").contains('-'));
    }

    #[test]
    fn two_names_that_read_alike_keep_two_journals() {
        let dir = tempfile::tempdir().unwrap();
        let mut first = Journal::open(dir.path(), None, "日本語 App", "nylas-v3").unwrap();
        first.record(|e| e.object_id = Some("obj".into())).unwrap();
        drop(first);
        let second = Journal::open(dir.path(), None, "中文 App", "nylas-v3").unwrap();
        assert!(!second.is_resume(), "{:?}", second.entry());
        assert_ne!(
            second.path(),
            Journal::open(dir.path(), None, "日本語 App", "nylas-v3")
                .unwrap()
                .path()
        );
    }

    #[test]
    fn a_journal_in_use_is_refused_with_a_clear_message() {
        let dir = tempfile::tempdir().unwrap();
        let first = Journal::open(dir.path(), None, "Acme Mail", "nylas-v3").unwrap();
        let error = Journal::open(dir.path(), None, "Acme Mail", "nylas-v3").unwrap_err();
        assert!(matches!(error, JournalError::Busy { .. }), "{error}");
        assert!(
            error
                .to_string()
                .contains("another appreg is working on this app"),
            "{error}"
        );
        // Another app's journal is free, and this one is once the first run ends.
        Journal::open(dir.path(), None, "Other", "nylas-v3").unwrap();
        drop(first);
        Journal::open(dir.path(), None, "Acme Mail", "nylas-v3").unwrap();
    }

    #[test]
    fn an_oversized_journal_is_refused_not_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = Journal::open(dir.path(), None, "Acme Mail", "nylas-v3")
            .unwrap()
            .path()
            .unwrap()
            .to_path_buf();
        std::fs::write(&path, " ".repeat(JOURNAL_CAP_BYTES + 1)).unwrap();
        let error = Journal::open(dir.path(), None, "Acme Mail", "nylas-v3").unwrap_err();
        assert!(error.to_string().contains("more than 64 KiB"), "{error}");
    }

    #[cfg(unix)]
    #[test]
    fn journal_files_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mut j = Journal::open(dir.path(), None, "x", "custom").unwrap();
        j.record(|e| e.app_id = Some("a".into())).unwrap();
        let mode = std::fs::metadata(j.path().unwrap())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
