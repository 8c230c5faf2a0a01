//! The authentication event log: one JSON line per event (a login started, a PIN expired, an
//! account linked, a validation and its verdict, a server chosen or moved, Bazarr's file
//! written or refused, a logout, a revocation, a key rotated, a token that did not open),
//! in `<state dir>/events.jsonl`.
//!
//! What a line holds: the time, the event, the command, its outcome, the command's exit code
//! (on the command's closing event; `null` on the events inside it), the account's name, the
//! server's name, an error code and a short detail (a URL or a path). What it never holds: a
//! token, a key, a sealed blob or an error message; every field is one of those above,
//! built here, and outside text is cut short.
//!
//! Each line is written with one `write(2)` on a file opened with `O_APPEND`, under a lock,
//! so lines from runs at the same moment never interleave; lines are kept under 1 KiB. A
//! short write (a full disk) is cut back to where the line began, so no partial line stays
//! for the next one to be glued to. At 1 MiB the file is renamed to `events.jsonl.1`
//! (replacing the previous one), so the log never holds more than about 2 MiB. Writing the
//! log never fails a command: a failure is a warning under `-v`.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use serde::Serialize;

use crate::cli::names;
use crate::fs as fsutil;
use crate::output::Output;

pub const FILE_NAME: &str = "events.jsonl";
pub const ROTATED_NAME: &str = "events.jsonl.1";
const LOCK_NAME: &str = "events.lock";
/// The size at which the log is rotated.
pub const MAX_BYTES: u64 = 1024 * 1024;
/// Outside text (an account or server name, a URL) is cut to this many characters, so that a
/// line stays far below `PIPE_BUF` (4 KiB).
const MAX_FIELD: usize = 160;

/// One line of the log.
#[derive(Debug, Serialize)]
pub struct Event {
    pub time: String,
    pub event: String,
    pub command: String,
    pub outcome: String,
    pub exit_code: Option<u8>,
    pub account: Option<String>,
    pub server: Option<String>,
    pub error: Option<String>,
    pub detail: Option<String>,
    pub pid: u32,
}

struct Sink {
    /// `None` when no state folder could be found: nothing is logged.
    dir: Option<PathBuf>,
    command: String,
    out: Output,
    subject: Mutex<Subject>,
}

#[derive(Default, Clone)]
struct Subject {
    account: Option<String>,
    server: Option<String>,
}

static SINK: OnceLock<Sink> = OnceLock::new();

/// Start logging for this process: events go to `dir`, as part of `command`.
pub fn init(dir: Option<PathBuf>, command: &str, out: Output) {
    let _ = SINK.set(Sink {
        dir,
        command: command.to_owned(),
        out,
        subject: Mutex::new(Subject::default()),
    });
}

/// The account and server the events are about (from config.toml), when known.
pub fn set_subject(account: Option<&str>, server: Option<&str>) {
    if let Some(sink) = SINK.get()
        && let Ok(mut s) = sink.subject.lock()
    {
        if account.is_some() {
            s.account = account.map(clip);
        }
        if server.is_some() {
            s.server = server.map(clip);
        }
    }
}

/// An event inside a command (the command's exit code is not known yet).
pub fn emit(event: &str, outcome: &str, server: Option<&str>, detail: Option<&str>) {
    write_event(event, outcome, None, None, server, detail);
}

/// The command's closing event, with its exit code and error code.
pub fn finish(event: &str, outcome: &str, exit_code: u8, error: Option<&str>) {
    write_event(event, outcome, Some(exit_code), error, None, None);
}

fn write_event(
    event: &str,
    outcome: &str,
    exit_code: Option<u8>,
    error: Option<&str>,
    server: Option<&str>,
    detail: Option<&str>,
) {
    let Some(sink) = SINK.get() else {
        return;
    };
    if let Some(dir) = &sink.dir {
        write_to(sink, dir, event, outcome, exit_code, error, server, detail);
    }
}

#[allow(clippy::too_many_arguments)]
fn write_to(
    sink: &Sink,
    dir: &Path,
    event: &str,
    outcome: &str,
    exit_code: Option<u8>,
    error: Option<&str>,
    server: Option<&str>,
    detail: Option<&str>,
) {
    let subject = sink.subject.lock().map(|s| s.clone()).unwrap_or_default();
    let line = Event {
        time: crate::time::timestamp(crate::time::now()),
        event: event.to_owned(),
        command: sink.command.clone(),
        outcome: outcome.to_owned(),
        exit_code,
        account: subject.account,
        server: server.map(clip).or(subject.server),
        error: error.map(str::to_owned),
        detail: detail.map(clip),
        pid: std::process::id(),
    };
    if let Err(e) = append(dir, &line) {
        sink.out.detail(format!(
            "warning: could not write the event log in {}: {e}",
            dir.display()
        ));
    }
}

fn clip(text: &str) -> String {
    if text.chars().count() <= MAX_FIELD {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(MAX_FIELD).collect();
    cut.push('…');
    cut
}

/// Append one event as one line, rotating the file first when it is full. Appends take the
/// log's lock, so that a short write (a full disk) can be cut back to exactly where the line
/// began: the log never holds a partial line for the next event to be glued to.
pub fn append(dir: &Path, event: &Event) -> io::Result<()> {
    let mut line = serde_json::to_vec(event).map_err(io::Error::other)?;
    line.push(b'\n');
    fsutil::ensure_private_dir(dir)?;
    let _lock = fsutil::lock_exclusive(&dir.join(LOCK_NAME)).map_err(io::Error::other)?;
    let path = dir.join(FILE_NAME);
    let mut file = open_append(&path)?;
    let mut len = file.metadata()?.len();
    if len + line.len() as u64 > MAX_BYTES {
        fs::rename(&path, dir.join(ROTATED_NAME))?;
        file = open_append(&path)?;
        len = file.metadata()?.len();
    }
    // A partial line that could not be cut back (or one left by an older plex-auth) ends
    // here, so this event starts a line of its own.
    if len > 0 && !ends_with_newline(&file, len)? {
        line.insert(0, b'\n');
    }
    // One write(2) of the whole line: with O_APPEND, lines from concurrent runs never mix.
    let written = file.write(&line)?;
    if written != line.len() {
        let cut = file.set_len(len);
        return Err(io::Error::other(format!(
            "short write ({written} of {} bytes){}",
            line.len(),
            match cut {
                Ok(()) => String::new(),
                Err(e) => format!(", and the partial line could not be removed: {e}"),
            }
        )));
    }
    Ok(())
}

fn ends_with_newline(file: &fs::File, len: u64) -> io::Result<bool> {
    let mut last = [0u8; 1];
    #[cfg(unix)]
    std::os::unix::fs::FileExt::read_exact_at(file, &mut last, len - 1)?;
    #[cfg(not(unix))]
    {
        let _ = (file, len);
        last[0] = b'\n';
    }
    Ok(last[0] == b'\n')
}

fn open_append(path: &Path) -> io::Result<fs::File> {
    let mut options = OpenOptions::new();
    options.read(true).append(true).create(true);
    fsutil::open_private(path, options)
}

/// The log's lines, oldest first: the rotated file, then the current one. Missing files
/// are an empty log.
pub fn read_lines(dir: &Path) -> io::Result<Vec<String>> {
    let mut lines = Vec::new();
    for name in [ROTATED_NAME, FILE_NAME] {
        match fs::read(dir.join(name)) {
            Ok(bytes) => lines.extend(
                String::from_utf8_lossy(&bytes)
                    .lines()
                    .filter(|l| !l.trim().is_empty())
                    .map(str::to_owned),
            ),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    Ok(lines)
}

/// Whether `command` writes to the log at all.
pub fn is_logged(command: &str) -> bool {
    !matches!(command, names::COMPLETIONS | names::MAN | names::LOG)
}

/// What a command's outcome is called in the log, or `None` for a command that is not
/// logged: `status` (offline, run by scripts all the time) only when the token did not
/// open; `completions`, `man` and `log` never.
pub fn closing_event(
    command: &str,
    revoke: bool,
    error: Option<crate::error::ErrorKind>,
) -> Option<String> {
    use crate::error::ErrorKind as K;
    if error == Some(K::DecryptFailed) {
        return Some("decrypt_failed".into());
    }
    let name = match (command, error) {
        (names::COMPLETIONS | names::MAN | names::LOG, _) | (names::STATUS, _) => return None,
        (names::VALIDATE, None) => "validated_ok",
        (names::VALIDATE, Some(K::InvalidToken | K::TokenExpired)) => "validated_rejected",
        (names::VALIDATE, Some(K::Connection)) => "validated_unreachable",
        (names::LOGIN, Some(K::PinExpired)) => "pin_expired",
        (names::LOGIN, Some(K::AuthTimeout)) => "login_timed_out",
        (names::LOGIN, None) => "login_ok",
        (names::SELECT, None) => "server_chosen",
        (names::LOGOUT, None) if revoke => "revoke",
        (names::LOGOUT, None) => "logout",
        (names::ROTATE_KEY, None) => "key_rotated",
        (names::MIGRATE_APIKEY, None) => "apikey_migrated",
        (names::SERVERS, None) => "servers_listed",
        (names::TOKEN, None) => "token_printed",
        (other, None) => return Some(format!("{other}_ok")),
        (names::LOGOUT, Some(_)) if revoke => "revoke_failed",
        (other, Some(_)) => return Some(format!("{}_failed", other.replace('-', "_"))),
    };
    Some(name.to_owned())
}

/// The outcome word of a closing event.
pub fn outcome(error: Option<crate::error::ErrorKind>) -> &'static str {
    use crate::error::ErrorKind as K;
    match error {
        None => "ok",
        Some(K::InvalidToken | K::TokenExpired) => "rejected",
        Some(K::Connection) => "unreachable",
        Some(K::Interrupted) => "interrupted",
        Some(_) => "error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(name: &str) -> Event {
        Event {
            time: "2026-01-01T00:00:00Z".into(),
            event: name.into(),
            command: "validate".into(),
            outcome: "ok".into(),
            exit_code: Some(0),
            account: Some("alice".into()),
            server: None,
            error: None,
            detail: None,
            pid: 1,
        }
    }

    #[test]
    fn lines_append_and_rotate_at_the_limit() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("state");
        append(&dir, &event("one")).unwrap();
        append(&dir, &event("two")).unwrap();
        let lines = read_lines(&dir).unwrap();
        assert_eq!(lines.len(), 2);
        assert!(lines[1].contains("\"two\""));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(dir.join(FILE_NAME))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }

        // Full: the next line starts a new file, and the old one is kept as `.1`.
        let filler = "x".repeat(MAX_BYTES as usize);
        fs::write(dir.join(FILE_NAME), format!("{filler}\n")).unwrap();
        append(&dir, &event("three")).unwrap();
        assert!(fs::metadata(dir.join(ROTATED_NAME)).unwrap().len() > MAX_BYTES);
        let current = fs::read_to_string(dir.join(FILE_NAME)).unwrap();
        assert_eq!(current.lines().count(), 1);
        assert!(current.contains("\"three\""));
    }

    #[test]
    fn outside_text_is_cut_short() {
        let long = "n".repeat(1000);
        assert_eq!(clip(&long).chars().count(), MAX_FIELD + 1);
        assert_eq!(clip("Tower"), "Tower");
    }
}
