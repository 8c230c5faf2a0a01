//! What the user reads. Results go to stdout; progress, notices and errors go to stderr.
//! The spinner and colours appear only on a terminal; `--json` puts one document (or NDJSON
//! events) on stdout; `--quiet` silences success.

pub use crate::text::safe;
use crate::text::safe_lines;
use std::io::Write;
use std::time::Duration;

use anstyle::{AnsiColor, Style};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use serde_json::json;

use crate::error::{Error, ErrorKind};

const WARNING: Style = AnsiColor::Yellow.on_default();
const NOTE: Style = AnsiColor::Cyan.on_default();
const ERROR: Style = AnsiColor::Red.on_default();

#[derive(Debug, Clone)]
pub struct Output {
    pub json: bool,
    pub quiet: bool,
    pub verbose: bool,
    pub color: bool,
    pub stderr_tty: bool,
    /// The command printed its one JSON document, error included: nothing more goes to
    /// stdout (see [`Output::json_final`]).
    done: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Output {
    pub fn new(json: bool, quiet: bool, verbose: bool, color: bool, stderr_tty: bool) -> Self {
        Output {
            json,
            quiet,
            verbose,
            color,
            stderr_tty,
            done: std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false)),
        }
    }

    /// The human result of a command, on stdout. Silent under `--quiet` and `--json`.
    pub fn result(&self, text: impl AsRef<str>) {
        if self.quiet || self.json {
            return;
        }
        stdout_line(text.as_ref());
    }

    /// One JSON document (or one NDJSON event) on stdout.
    pub fn json_value<T: Serialize>(&self, value: &T) {
        let text = serde_json::to_string(value).unwrap_or_else(|e| {
            json!({"error": {"code": "INTERNAL", "message": e.to_string()}}).to_string()
        });
        stdout_line(&text);
    }

    /// The command's one JSON document when it also carries the command's error (`status`
    /// when not logged in): the exit code still tells the error, but no second document is
    /// printed for it.
    pub fn json_final<T: Serialize>(&self, value: &T) {
        self.json_value(value);
        self.done.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    /// Progress and notes for a person, on stderr. Silent under `--quiet`.
    pub fn info(&self, text: impl AsRef<str>) {
        if self.quiet {
            return;
        }
        write_line(&mut std::io::stderr().lock(), &safe_lines(text.as_ref()));
    }

    /// What a person needs to act on even with `--quiet` (the sign-in link), on stderr.
    pub fn essential(&self, text: impl AsRef<str>) {
        write_line(&mut std::io::stderr().lock(), &safe_lines(text.as_ref()));
    }

    /// Extra detail under `-v`.
    pub fn detail(&self, text: impl AsRef<str>) {
        if self.verbose && !self.quiet {
            write_line(&mut std::io::stderr().lock(), &safe_lines(text.as_ref()));
        }
    }

    /// Something the user should know even though the command goes on. Cron runs with
    /// `--quiet`, and a warning there would turn every run into mail, so quiet hides it too.
    pub fn warn(&self, text: impl AsRef<str>) {
        if self.quiet {
            return;
        }
        let label = self.paint("warning:", WARNING);
        write_line(
            &mut std::io::stderr().lock(),
            &format!("{label} {}", safe_lines(text.as_ref())),
        );
    }

    /// A notice before something happens (the store fallback: where a secret is about to
    /// be written). `--quiet` asked for silence on success, so it silences this too.
    pub fn notice(&self, text: impl AsRef<str>) {
        if self.quiet {
            return;
        }
        let label = self.paint("note:", NOTE);
        write_line(
            &mut std::io::stderr().lock(),
            &format!("{label} {}", safe_lines(text.as_ref())),
        );
    }

    /// Print a failure. In JSON mode the error document goes to stdout, where the script
    /// reads; otherwise one line (and a hint) goes to stderr. `--quiet` keeps this one line,
    /// so cron mails exactly when something is wrong.
    pub fn error(&self, err: &Error, as_event: bool) {
        if self.json && !stdout_is_broken() {
            if self.done.load(std::sync::atomic::Ordering::SeqCst) {
                return;
            }
            let body = json!({
                "code": err.kind.code(),
                "message": err.message,
                "hint": err.hint,
            });
            let doc = if as_event {
                json!({"event": "error", "error": body})
            } else {
                json!({"error": body})
            };
            self.json_value(&doc);
            return;
        }
        let mut stderr = std::io::stderr().lock();
        let label = self.paint("error:", ERROR);
        write_line(
            &mut stderr,
            &format!("{label} {}", safe_lines(&err.message)),
        );
        if let Some(hint) = &err.hint
            && !self.quiet
        {
            write_line(&mut stderr, &format!("  hint: {}", safe_lines(hint)));
        }
    }

    pub fn paint(&self, text: &str, style: Style) -> String {
        if self.color {
            format!("{style}{text}{style:#}")
        } else {
            text.to_string()
        }
    }

    pub fn bold(&self, text: &str) -> String {
        self.paint(text, Style::new().bold())
    }

    /// Text shown before a prompt (the picker's table), on stderr.
    pub fn prompt_text(&self, text: &str) {
        write_line(&mut std::io::stderr().lock(), text);
    }

    /// A question on stderr, with no newline: the answer is typed after it.
    pub fn prompt(&self, question: &str) {
        let mut stderr = std::io::stderr().lock();
        let _ = write!(stderr, "{question}");
        let _ = stderr.flush();
    }

    /// A spinner on a terminal; nothing elsewhere (callers print plain progress lines).
    pub fn spinner(&self, message: &str) -> Option<ProgressBar> {
        if !self.stderr_tty || self.quiet {
            return None;
        }
        crate::signals::spinner_started();
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_message(message.to_string());
        bar.enable_steady_tick(Duration::from_millis(100));
        Some(bar)
    }
}

/// Raw bytes on stdout (man pages, completions, diffs, the token). A reader that goes away
/// early (`| head -1`) is not an error; any other failure is remembered for
/// [`stdout_failure`].
pub fn write_stdout(bytes: &[u8]) {
    let mut stdout = std::io::stdout().lock();
    let written = stdout.write_all(bytes).and_then(|()| stdout.flush());
    remember(written);
}

fn stdout_line(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let written = writeln!(stdout, "{text}").and_then(|()| stdout.flush());
    remember(written);
}

/// The first failed write to stdout other than a closed pipe (a full disk, a closed or bad
/// descriptor). A script reading the output must not carry on with a short file, so the run
/// ends with [`ErrorKind::Output`] instead of success.
static STDOUT_FAILED: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

fn remember(written: std::io::Result<()>) {
    let Err(e) = written else { return };
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        return;
    }
    let mut failed = STDOUT_FAILED.lock().unwrap_or_else(|p| p.into_inner());
    failed.get_or_insert_with(|| e.to_string());
}

/// Flushes stdout and says whether everything written to it arrived, as an error when not.
pub fn stdout_failure() -> Option<Error> {
    remember(std::io::stdout().lock().flush());
    let failed = STDOUT_FAILED.lock().unwrap_or_else(|p| p.into_inner());
    failed.as_ref().map(|why| {
        Error::new(
            ErrorKind::Output,
            format!("cannot write to standard output: {why}; the output is incomplete"),
        )
        .with_hint("check where standard output goes (a full disk, a closed descriptor)")
    })
}

/// The failure of stdout itself: it cannot carry the error document, so stderr does.
fn stdout_is_broken() -> bool {
    STDOUT_FAILED
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .is_some()
}

/// Write a line, ignoring a closed pipe: `plex-auth man | head -1` must exit quietly.
fn write_line(w: &mut dyn Write, text: &str) {
    let _ = writeln!(w, "{text}");
    let _ = w.flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_escapes_controls_and_keeps_the_rest() {
        assert_eq!(safe("Tower"), "Tower");
        assert_eq!(safe("Ünïcødé ✓"), "Ünïcødé ✓");
        assert_eq!(safe("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(safe("a\nb\rc\u{7}"), "a\\u{a}b\\u{d}c\\u{7}");
        assert_eq!(safe("x\u{202e}y\u{9b}"), "x\\u{202e}y\\u{9b}");
        assert_eq!(safe_lines("one\ntwo\u{1b}"), "one\ntwo\\u{1b}");
    }

    #[test]
    fn colours_are_the_plain_sgr_codes() {
        let out = Output::new(false, false, false, true, false);
        assert_eq!(out.paint("warning:", WARNING), "\x1b[33mwarning:\x1b[0m");
        assert_eq!(out.paint("note:", NOTE), "\x1b[36mnote:\x1b[0m");
        assert_eq!(out.paint("error:", ERROR), "\x1b[31merror:\x1b[0m");
        assert_eq!(out.bold("Tower"), "\x1b[1mTower\x1b[0m");
        let plain = Output::new(false, false, false, false, false);
        assert_eq!(plain.paint("error:", ERROR), "error:");
    }
}
