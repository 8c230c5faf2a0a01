//! An app's file on disk: read it once, bounded; replace it in one safe write that keeps its
//! owner and mode, locked in place and compared against the app's own saves; put it back.
//! The same guarantees as Bazarr's file (`bazarr::file`), without the backup: an app's file
//! is put back from memory when a later step fails, and the app never reads a `.bak`.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::{Change, Edited, FormatError, Kind, View};
use crate::fs as fsutil;

/// The largest app file plex-auth reads; real ones are a few KiB.
const MAX_SIZE: u64 = 4 << 20;
/// How many times an edit is made again on top of a save the app made meanwhile.
const TRIES: u32 = 3;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{} does not exist", .path.display())]
    Missing { path: PathBuf },
    #[error("cannot read {}: {why}", .path.display())]
    Unreadable { path: PathBuf, why: String },
    #[error("{} is not UTF-8 text", .path.display())]
    NotText { path: PathBuf },
    #[error("{}: {source}", .path.display())]
    Format {
        path: PathBuf,
        #[source]
        source: FormatError,
    },
    #[error("cannot write {}: {why}", .path.display())]
    Write { path: PathBuf, why: String },
    #[error("{} was saved by the app each of the {TRIES} times plex-auth tried to write it; every save was kept and nothing was written", .path.display())]
    KeptSaving { path: PathBuf },
}

/// What [`AppFile::update`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Updated {
    /// The file already held the change.
    Unchanged,
    /// The file was replaced; these keys changed.
    Written { changed_keys: Vec<String> },
}

/// One app's file, as read when plex-auth started working on it.
#[derive(Debug, Clone)]
pub struct AppFile {
    pub kind: Kind,
    path: PathBuf,
    text: String,
    companion: Option<String>,
    /// What the last [`AppFile::update`] replaced, for [`AppFile::put_back`].
    replaced: Option<(String, String)>,
}

impl AppFile {
    /// Read the file of `kind` at `path` (and its companion beside it) and check that it
    /// parses as the app's. Nothing is written.
    pub fn load(kind: Kind, path: &Path) -> Result<AppFile, AppError> {
        let text = read_text(path)?;
        let companion = kind.companion().and_then(|name| {
            let beside = path.with_file_name(name);
            read_text(&beside).ok()
        });
        let file = AppFile {
            kind,
            path: path.to_path_buf(),
            text,
            companion,
            replaced: None,
        };
        file.view()?;
        Ok(file)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The same file with `text` in place of what was read (a change made in memory),
    /// for a preview of the next change on top of it.
    pub fn from_text(kind: Kind, path: &Path, text: String, read: &AppFile) -> AppFile {
        AppFile {
            kind,
            path: path.to_path_buf(),
            text,
            companion: read.companion.clone(),
            replaced: None,
        }
    }

    /// The file's text as last read or written.
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn view(&self) -> Result<View, AppError> {
        self.kind
            .read(&self.text, self.companion.as_deref())
            .map_err(|source| self.format_error(source))
    }

    /// What `change` would do to the file as read, without writing (a dry run).
    pub fn preview(&self, change: &Change<'_>) -> Result<Edited, AppError> {
        self.kind
            .apply(&self.text, self.companion.as_deref(), change)
            .map_err(|source| self.format_error(source))
    }

    /// Make `change` in the file. A save the app made since the file was read is read again
    /// and the change made on top of it, a few times at most; the app's save is never
    /// overwritten unread.
    pub fn update(&mut self, change: &Change<'_>) -> Result<Updated, AppError> {
        let target = fs::canonicalize(&self.path).map_err(|e| self.unreadable(e))?;
        for _ in 0..TRIES {
            let edited = self.preview(change)?;
            if edited.changed_keys.is_empty() && edited.text == self.text {
                return Ok(Updated::Unchanged);
            }
            let (locked, meta) =
                fsutil::lock_in_place(&target).map_err(|e| self.write_error(e.to_string()))?;
            fsutil::remove_stale_temps(&target, Some(&meta));
            let on_disk = read_locked(&locked).map_err(|e| self.unreadable(e))?;
            if on_disk == self.text {
                let replaced = fsutil::replace_file_if_unchanged(
                    &target,
                    edited.text.as_bytes(),
                    fsutil::Mode::Like(&meta),
                    on_disk.as_bytes(),
                )
                .map_err(|e| self.write_error(e.to_string()))?;
                if replaced {
                    self.replaced = Some((self.text.clone(), edited.text.clone()));
                    self.text = edited.text;
                    return Ok(Updated::Written {
                        changed_keys: edited.changed_keys,
                    });
                }
            }
            // The app saved its file since: work on what it saved.
            drop(locked);
            self.text = read_text(&self.path)?;
        }
        Err(AppError::KeptSaving {
            path: self.path.clone(),
        })
    }

    /// Undo the last [`AppFile::update`] (a later step failed): the file gets back what it
    /// held, unless the app saved it since. `true` when it was put back.
    pub fn put_back(&mut self) -> Result<bool, AppError> {
        let Some((before, after)) = self.replaced.take() else {
            return Ok(false);
        };
        let target = fs::canonicalize(&self.path).map_err(|e| self.unreadable(e))?;
        let (locked, meta) =
            fsutil::lock_in_place(&target).map_err(|e| self.write_error(e.to_string()))?;
        let on_disk = read_locked(&locked).map_err(|e| self.unreadable(e))?;
        if on_disk != after {
            return Ok(false);
        }
        let done = fsutil::replace_file_if_unchanged(
            &target,
            before.as_bytes(),
            fsutil::Mode::Like(&meta),
            after.as_bytes(),
        )
        .map_err(|e| self.write_error(e.to_string()))?;
        if done {
            self.text = before;
        }
        Ok(done)
    }

    fn format_error(&self, source: FormatError) -> AppError {
        AppError::Format {
            path: self.path.clone(),
            source,
        }
    }

    fn unreadable(&self, e: std::io::Error) -> AppError {
        AppError::Unreadable {
            path: self.path.clone(),
            why: e.to_string(),
        }
    }

    fn write_error(&self, why: String) -> AppError {
        AppError::Write {
            path: self.path.clone(),
            why,
        }
    }
}

fn read_text(path: &Path) -> Result<String, AppError> {
    let bytes = fsutil::read_small_file(path, MAX_SIZE).map_err(|e| match e {
        fsutil::SmallFileError::Io(e) if e.kind() == std::io::ErrorKind::NotFound => {
            AppError::Missing {
                path: path.to_path_buf(),
            }
        }
        fsutil::SmallFileError::Io(e) => AppError::Unreadable {
            path: path.to_path_buf(),
            why: e.to_string(),
        },
        fsutil::SmallFileError::NotRegular(what) => AppError::Unreadable {
            path: path.to_path_buf(),
            why: format!("it is {what}, not a regular file"),
        },
        fsutil::SmallFileError::TooLarge(n) => AppError::Unreadable {
            path: path.to_path_buf(),
            why: format!("it is {n} bytes, far larger than any app's settings"),
        },
    })?;
    String::from_utf8(bytes.to_vec()).map_err(|_| AppError::NotText {
        path: path.to_path_buf(),
    })
}

fn read_locked(mut file: &fs::File) -> std::io::Result<String> {
    let mut text = String::new();
    file.by_ref().take(MAX_SIZE + 1).read_to_string(&mut text)?;
    Ok(text)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::secret::Secret;
    use std::os::unix::fs::PermissionsExt;

    const KOMETA: &str = "# mine\nplex:\n  url: http://x:32400\n  token: oldtoken\n  timeout: 60\n";

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// The app saves its file between plex-auth's read and its swap: the save is kept, read
    /// again, and the token written on top of it.
    #[test]
    fn a_save_of_the_apps_own_meanwhile_is_kept_and_the_change_made_on_top() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("config.yml");
        fs::write(&path, KOMETA).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        let mut file = AppFile::load(Kind::Kometa, &path).unwrap();
        let (p, dir) = (path.clone(), tmp.path().to_path_buf());
        crate::fs::before_next_swap(move || {
            // Kometa adds a setting it was missing and saves, by rename.
            let other = dir.join("config.yml.new");
            fs::write(
                &other,
                KOMETA.replace("  timeout: 60\n", "  timeout: 60\n  verify_ssl: true\n"),
            )
            .unwrap();
            fs::set_permissions(&other, fs::Permissions::from_mode(0o640)).unwrap();
            fs::rename(&other, &p).unwrap();
        });
        let token = Secret::new("NewToken456");
        let done = file
            .update(&Change::Token {
                token: &token,
                client_id: "c",
            })
            .unwrap();
        assert_eq!(
            done,
            Updated::Written {
                changed_keys: vec!["plex.token".into()]
            }
        );
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            "# mine\nplex:\n  url: http://x:32400\n  token: NewToken456\n  timeout: 60\n  verify_ssl: true\n"
        );
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o640
        );
        assert_eq!(names(tmp.path()), ["config.yml"]);
    }

    /// Put back restores what was read, unless the app saved since.
    #[test]
    fn put_back_restores_the_file_unless_the_app_saved_since() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("config.yml");
        fs::write(&path, KOMETA).unwrap();
        let mut file = AppFile::load(Kind::Kometa, &path).unwrap();
        let token = Secret::new("NewToken456");
        let change = Change::Token {
            token: &token,
            client_id: "c",
        };
        file.update(&change).unwrap();
        assert!(file.put_back().unwrap());
        assert_eq!(fs::read_to_string(&path).unwrap(), KOMETA);
        file.update(&change).unwrap();
        fs::write(&path, "plex:\n  token: theirs\n").unwrap();
        assert!(!file.put_back().unwrap());
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            "plex:\n  token: theirs\n"
        );
    }

    /// A FIFO, a symlink to a device or a huge file is refused before it is read.
    #[test]
    fn only_a_small_regular_file_is_read() {
        let tmp = tempfile::tempdir().unwrap();
        let fifo = tmp.path().join("config.yml");
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &fifo,
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap();
        assert!(matches!(
            AppFile::load(Kind::Kometa, &fifo),
            Err(AppError::Unreadable { .. })
        ));
        let big = tmp.path().join("big.yml");
        fs::write(&big, "a: b\n".repeat((MAX_SIZE / 5 + 1) as usize)).unwrap();
        assert!(matches!(
            AppFile::load(Kind::Kometa, &big),
            Err(AppError::Unreadable { .. })
        ));
        assert!(matches!(
            AppFile::load(Kind::Kometa, &tmp.path().join("none.yml")),
            Err(AppError::Missing { .. })
        ));
    }
}
