//! The resume journal: what a `create` has done so far, so that a re-run after a crash or a lost
//! answer continues instead of starting over. It never holds a secret or a token: only ids, the
//! app's unique name and the secret's display name and key id.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

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
    pub completed: bool,
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
}

#[derive(Debug)]
pub struct Journal {
    path: Option<PathBuf>,
    entry: Entry,
    /// The client id of the app an earlier, finished run made under the same key.
    earlier_app_id: Option<String>,
}

impl Journal {
    /// A journal that lives only as long as the process (the demo, tests).
    pub fn in_memory() -> Self {
        Self {
            path: None,
            entry: Entry {
                unique_name: new_unique_name(),
                ..Entry::default()
            },
            earlier_app_id: None,
        }
    }

    /// The journal for one app (tenant + display name + profile) under `dir`: an unfinished run
    /// is picked up, otherwise a new one starts.
    pub fn open(
        dir: &Path,
        tenant: Option<&str>,
        display_name: &str,
        profile_id: &str,
    ) -> Result<Self, JournalError> {
        let path = dir.join(format!(
            "{}.json",
            file_key(tenant, display_name, profile_id)
        ));
        let mut earlier_app_id = None;
        let entry = match std::fs::read_to_string(&path) {
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
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Entry {
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

fn file_key(tenant: Option<&str>, display_name: &str, profile_id: &str) -> String {
    let slug = |s: &str| -> String {
        s.chars()
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
    };
    let name: String = slug(display_name).chars().take(60).collect();
    format!(
        "{}--{}--{}",
        slug(tenant.unwrap_or("home")),
        name,
        slug(profile_id)
    )
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
        let again = Journal::open(dir.path(), None, "Acme Mail", "nylas-v3").unwrap();
        assert_eq!(again.entry(), first.entry());
        assert!(again.is_resume());
        first.record(|e| e.completed = true).unwrap();
        let fresh = Journal::open(dir.path(), None, "Acme Mail", "nylas-v3").unwrap();
        assert_ne!(fresh.entry().unique_name, first.entry().unique_name);
        assert!(!fresh.is_resume());
    }

    #[test]
    fn file_names_are_safe() {
        assert_eq!(
            file_key(Some("contoso.onmicrosoft.com"), "Acme / Mail!", "nylas-v3"),
            "contoso-onmicrosoft-com--acme-mail--nylas-v3"
        );
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
