//! `validate --metrics-file`: Prometheus text-format metrics for node_exporter's textfile
//! collector. The file is replaced atomically, readable by all (0644: it holds no secret),
//! and written whatever validate's verdict, so an alert can fire on a rejected token or on
//! a plex.tv that has been unreachable for too long.
//!
//! Counters need state across runs: `validate-stats.json` in the state folder, updated
//! under a lock.

use std::fmt::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::fs as fsutil;
use crate::store::state::Verdict;

const STATS_FILE: &str = "validate-stats.json";
const STATS_LOCK: &str = "validate-stats.lock";

/// What validate keeps between runs for its counters.
#[derive(Debug, Default, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Stats {
    pub ok: u64,
    pub rejected: u64,
    pub unreachable: u64,
    pub error: u64,
    pub consecutive_failures: u64,
    pub last_success: Option<u64>,
}

impl Stats {
    fn count(&self, result: Verdict) -> u64 {
        match result {
            Verdict::Ok => self.ok,
            Verdict::Rejected => self.rejected,
            Verdict::Unreachable => self.unreachable,
            Verdict::Error => self.error,
        }
    }

    fn record(&mut self, result: Verdict, now: u64) {
        match result {
            Verdict::Ok => self.ok += 1,
            Verdict::Rejected => self.rejected += 1,
            Verdict::Unreachable => self.unreachable += 1,
            Verdict::Error => self.error += 1,
        }
        if result == Verdict::Ok {
            self.consecutive_failures = 0;
            self.last_success = Some(now);
        } else {
            self.consecutive_failures += 1;
        }
    }
}

/// Count this run's result in the state folder's stats, and return them.
pub fn record(state_dir: &Path, result: Verdict, now: u64) -> Result<Stats, String> {
    fsutil::ensure_private_dir(state_dir).map_err(|e| e.to_string())?;
    let _lock = fsutil::lock_exclusive(&state_dir.join(STATS_LOCK)).map_err(|e| e.to_string())?;
    let path = state_dir.join(STATS_FILE);
    fsutil::remove_stale_temps(&path, None);
    let mut stats = read_stats(&path)?;
    stats.record(result, now);
    let text = serde_json::to_vec_pretty(&stats).map_err(|e| e.to_string())?;
    fsutil::replace_file(&path, &text, fsutil::Mode::Private)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(stats)
}

/// The largest counters file read: what plex-auth writes is a few hundred bytes.
const MAX_STATS_FILE: u64 = 64 * 1024;

/// The counters so far, read the way the key file is: never blocking on a FIFO, never reading
/// a device or a huge file without end (a cron job must finish). Missing, unreadable as JSON
/// or too large to be plex-auth's: counting starts again. Anything but a regular file is
/// refused and left as it is: it is not plex-auth's to replace.
fn read_stats(path: &Path) -> Result<Stats, String> {
    match fsutil::read_small_file(path, MAX_STATS_FILE) {
        Ok(bytes) => Ok(serde_json::from_slice(&bytes).unwrap_or_default()),
        Err(fsutil::SmallFileError::NotRegular(kind)) => Err(format!(
            "{} is not a regular file (it is {kind}); remove it and the counters start again",
            path.display()
        )),
        Err(fsutil::SmallFileError::TooLarge(_) | fsutil::SmallFileError::Io(_)) => {
            Ok(Stats::default())
        }
    }
}

/// One validation as the metrics describe it.
#[derive(Debug)]
pub struct Run {
    pub now: u64,
    pub result: Verdict,
    pub exit_code: u8,
    /// The counters, when the state folder could be used.
    pub stats: Option<Stats>,
    pub linked_at: Option<u64>,
    pub key_created_at: Option<u64>,
    /// With `--server`: the server's name, whether it answered, and how fast.
    pub server: Option<ServerSample>,
}

#[derive(Debug)]
pub struct ServerSample {
    pub name: String,
    pub up: bool,
    pub latency_ms: Option<u64>,
}

/// The text-format exposition of `run`.
pub fn render(run: &Run) -> String {
    let mut out = String::new();
    let mut family = |name: &str, kind: &str, help: &str, samples: &[(String, f64)]| {
        let _ = writeln!(out, "# HELP {name} {help}");
        let _ = writeln!(out, "# TYPE {name} {kind}");
        for (labels, value) in samples {
            let _ = writeln!(out, "{name}{labels} {value}");
        }
    };
    let plain = |v: f64| vec![(String::new(), v)];
    family(
        "plex_auth_validate_last_run_timestamp_seconds",
        "gauge",
        "When plex-auth validate last ran (Unix time).",
        &plain(run.now as f64),
    );
    let results: Vec<(String, f64)> = Verdict::ALL
        .iter()
        .map(|r| {
            (
                format!("{{result=\"{r}\"}}"),
                if *r == run.result { 1.0 } else { 0.0 },
            )
        })
        .collect();
    family(
        "plex_auth_validate_last_result",
        "gauge",
        "The last validation's result: 1 for the result it had, 0 for the others.",
        &results,
    );
    family(
        "plex_auth_validate_last_exit_code",
        "gauge",
        "The last validation's exit code (0 ok, 4 rejected, 5 unreachable; see plex-auth(1)).",
        &plain(f64::from(run.exit_code)),
    );
    if let Some(stats) = &run.stats {
        family(
            "plex_auth_validate_consecutive_failures",
            "gauge",
            "Validations in a row that did not end with the token accepted.",
            &plain(stats.consecutive_failures as f64),
        );
        if let Some(at) = stats.last_success {
            family(
                "plex_auth_validate_last_success_timestamp_seconds",
                "gauge",
                "When plex.tv last accepted the token (Unix time).",
                &plain(at as f64),
            );
        }
        let totals: Vec<(String, f64)> = Verdict::ALL
            .iter()
            .map(|r| (format!("{{result=\"{r}\"}}"), stats.count(*r) as f64))
            .collect();
        family(
            "plex_auth_validations_total",
            "counter",
            "Validations run with --metrics-file, by result.",
            &totals,
        );
    }
    if let Some(linked) = run.linked_at {
        family(
            "plex_auth_token_age_seconds",
            "gauge",
            "Seconds since the stored token was linked.",
            &plain(run.now.saturating_sub(linked) as f64),
        );
    }
    if let Some(created) = run.key_created_at {
        family(
            "plex_auth_key_age_seconds",
            "gauge",
            "Seconds since the key that seals the token was made (see plex-auth rotate-key).",
            &plain(run.now.saturating_sub(created) as f64),
        );
    }
    if let Some(server) = &run.server {
        let label = format!("{{server=\"{}\"}}", label_value(&server.name));
        family(
            "plex_auth_server_up",
            "gauge",
            "1 when the selected server answered validate --server, else 0.",
            &[(label.clone(), if server.up { 1.0 } else { 0.0 })],
        );
        if let Some(ms) = server.latency_ms {
            family(
                "plex_auth_server_latency_seconds",
                "gauge",
                "How long the selected server took to answer validate --server.",
                &[(label, ms as f64 / 1000.0)],
            );
        }
    }
    out
}

/// A label value in the text format: backslash, double quote and newline escaped.
fn label_value(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Replace the metrics file atomically. It is made readable by everyone (node_exporter runs
/// as its own user); an existing file keeps its owner and mode.
pub fn write(path: &Path, text: &str) -> std::io::Result<()> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => {
            fsutil::replace_file(path, text.as_bytes(), fsutil::Mode::Like(&meta))
        }
        _ => {
            fsutil::replace_file(path, text.as_bytes(), fsutil::Mode::Private)?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644))?;
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_and_streaks() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("state");
        record(&dir, Verdict::Ok, 10).unwrap();
        record(&dir, Verdict::Unreachable, 20).unwrap();
        let stats = record(&dir, Verdict::Rejected, 30).unwrap();
        assert_eq!(
            (stats.ok, stats.unreachable, stats.rejected, stats.error),
            (1, 1, 1, 0)
        );
        assert_eq!(stats.consecutive_failures, 2);
        assert_eq!(stats.last_success, Some(10));
        let stats = record(&dir, Verdict::Ok, 40).unwrap();
        assert_eq!(stats.consecutive_failures, 0);
    }

    #[test]
    fn labels_are_escaped() {
        assert_eq!(label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
