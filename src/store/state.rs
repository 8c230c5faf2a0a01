//! What plex-auth learns as it runs, in the state folder's `state.toml` (beside the event
//! log and validate's counters): the last validation, its time and verdict. It is kept out
//! of config.toml so that the timer's `validate` never rewrites the configuration: config.toml
//! may be read-only (under /etc with `ProtectSystem=strict`), and a file an admin edits is
//! not replaced every half hour.
//!
//! Losing this file loses nothing that matters: `status` then says "never" until the next
//! validation. So it is read leniently (missing, too large or unparsable is empty) and
//! written atomically under a lock of its own, never under config.toml's.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::fs as fsutil;

pub const FILE_NAME: &str = "state.toml";
const LOCK_NAME: &str = "state.lock";
/// The largest state file read: what plex-auth writes is well under a hundred bytes.
const MAX_FILE: u64 = 64 * 1024;

const HEADER: &str =
    "# plex-auth's record of what it saw as it ran (not settings: config.toml has those).\n\n";

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct State {
    pub validation: Option<Validation>,
}

/// What a validation came to. The words are what state.toml, `status` (text and `--json`)
/// and the metrics' `result` label have always said, so they must not change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// plex.tv accepted the token.
    Ok,
    /// plex.tv refused the token, or said it has expired.
    Rejected,
    /// plex.tv could not be asked: nothing is known about the token.
    Unreachable,
    /// validate failed for another reason (counted by the metrics, never kept here).
    Error,
}

impl Verdict {
    /// Every verdict, in the order the metrics list them.
    pub const ALL: [Verdict; 4] = [
        Verdict::Ok,
        Verdict::Rejected,
        Verdict::Unreachable,
        Verdict::Error,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::Rejected => "rejected",
            Verdict::Unreachable => "unreachable",
            Verdict::Error => "error",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The word as written by [`Verdict::as_str`]; config.toml of earlier versions keeps it as
/// plain text.
impl FromStr for Verdict {
    type Err = ();

    fn from_str(word: &str) -> Result<Self, Self::Err> {
        Verdict::ALL
            .into_iter()
            .find(|v| v.as_str() == word)
            .ok_or(())
    }
}

/// The last time plex.tv was asked about the stored token, and what it said.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Validation {
    /// The plex.tv account the verdict is about: after a login as someone else it is not
    /// theirs, whatever this file still says.
    pub account_id: u64,
    /// Seconds since the epoch.
    pub at: u64,
    /// Ok, rejected or unreachable.
    pub result: Verdict,
}

pub fn path(dir: &Path) -> PathBuf {
    dir.join(FILE_NAME)
}

/// The state recorded in `dir`; empty when there is none or it cannot be used. Read with a
/// size cap and never blocking on a FIFO, like every file plex-auth reads.
pub fn load(dir: &Path) -> State {
    read(&path(dir)).unwrap_or_default()
}

fn read(path: &Path) -> Result<State, String> {
    match fsutil::read_small_file(path, MAX_FILE) {
        Ok(bytes) => Ok(std::str::from_utf8(&bytes)
            .ok()
            .and_then(|text| toml::from_str(text).ok())
            .unwrap_or_default()),
        // Not plex-auth's to replace: refused, and left as it is.
        Err(fsutil::SmallFileError::NotRegular(kind)) => Err(format!(
            "{} is not a regular file (it is {kind})",
            path.display()
        )),
        Err(fsutil::SmallFileError::TooLarge(_) | fsutil::SmallFileError::Io(_)) => {
            Ok(State::default())
        }
    }
}

/// The last validation of account `account_id`, if it is recorded for that account.
pub fn validation_of(dir: &Path, account_id: u64) -> Option<Validation> {
    load(dir).validation.filter(|v| v.account_id == account_id)
}

/// Record a validation of account `account_id` now.
pub fn record_validation(dir: &Path, account_id: u64, result: Verdict) -> Result<(), String> {
    let validation = Validation {
        account_id,
        at: crate::time::now(),
        result,
    };
    update(dir, |state| state.validation = Some(validation))
}

/// Forget the last validation (the account it was about is gone). Nothing is created when
/// no state file exists.
pub fn forget_validation(dir: &Path) -> Result<(), String> {
    if !path(dir).exists() {
        return Ok(());
    }
    update(dir, |state| state.validation = None)
}

/// Read-modify-write under the state folder's lock, so that two runs at the same moment
/// leave one whole file; written only when something changed.
fn update(dir: &Path, f: impl FnOnce(&mut State)) -> Result<(), String> {
    fsutil::ensure_private_dir(dir)
        .map_err(|e| format!("cannot create the folder {}: {e}", dir.display()))?;
    let _lock = fsutil::lock_exclusive(&dir.join(LOCK_NAME)).map_err(|e| e.to_string())?;
    let path = path(dir);
    fsutil::remove_stale_temps(&path, None);
    let before = read(&path)?;
    let mut state = before.clone();
    f(&mut state);
    if state == before {
        return Ok(());
    }
    let body = toml::to_string_pretty(&state).map_err(|e| e.to_string())?;
    fsutil::replace_file(
        &path,
        format!("{HEADER}{body}").as_bytes(),
        fsutil::Mode::Private,
    )
    .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn a_validation_round_trips_for_its_account_only() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("state");
        assert_eq!(load(&dir), State::default());
        record_validation(&dir, 7, Verdict::Rejected).unwrap();
        let v = validation_of(&dir, 7).unwrap();
        assert_eq!(v.result, Verdict::Rejected);
        assert!(v.at > 0);
        assert_eq!(validation_of(&dir, 8), None);
        let text = fs::read_to_string(path(&dir)).unwrap();
        assert!(text.contains("[validation]"), "{text}");
        assert!(text.contains("result = \"rejected\""), "{text}");

        forget_validation(&dir).unwrap();
        assert_eq!(validation_of(&dir, 7), None);
        // Forgetting where nothing was kept creates nothing.
        let none = tmp.path().join("none");
        forget_validation(&none).unwrap();
        assert!(!none.exists());
    }

    /// A file written before the verdict was typed (the same words) still reads, and each
    /// word is written as it always was.
    #[test]
    fn verdict_words_are_the_ones_files_already_hold() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("state");
        fs::create_dir_all(&dir).unwrap();
        for verdict in Verdict::ALL {
            let text = format!(
                "{HEADER}[validation]\naccount_id = 3\nat = 1700000000\nresult = \"{verdict}\"\n"
            );
            fs::write(path(&dir), &text).unwrap();
            assert_eq!(validation_of(&dir, 3).unwrap().result, verdict);
            assert_eq!(verdict.as_str().parse(), Ok(verdict));
            let state = load(&dir);
            assert_eq!(
                format!("{HEADER}{}", toml::to_string_pretty(&state).unwrap()),
                text
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_private_and_a_broken_one_starts_again() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("state");
        record_validation(&dir, 1, Verdict::Ok).unwrap();
        let mode = fs::metadata(path(&dir)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);

        fs::write(path(&dir), "validation = [oops\n").unwrap();
        assert_eq!(load(&dir), State::default());
        record_validation(&dir, 1, Verdict::Unreachable).unwrap();
        assert_eq!(validation_of(&dir, 1).unwrap().result, Verdict::Unreachable);

        // A huge file is not read to its end.
        fs::write(path(&dir), vec![b'#'; MAX_FILE as usize + 1]).unwrap();
        assert_eq!(load(&dir), State::default());
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_in_its_place_is_refused_and_left_alone() {
        use std::os::unix::fs::FileTypeExt;
        let tmp = tempfile::tempdir().unwrap();
        let fifo = path(tmp.path());
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        assert_eq!(load(tmp.path()), State::default());
        let err = record_validation(tmp.path(), 1, Verdict::Ok).unwrap_err();
        assert!(err.contains("not a regular file"), "{err}");
        assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    }
}
