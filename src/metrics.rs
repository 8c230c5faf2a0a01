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
    /// Each registered app: its name, kind, and what its copy of the token is (`matches`,
    /// `differs`, `unreachable`: see [`AppSample`]).
    pub apps: Vec<AppSample>,
}

/// One registered app's copy of the link, as validate found it.
#[derive(Debug)]
pub struct AppSample {
    pub name: String,
    pub kind: String,
    /// `matches` (it holds the token plex-auth gave it), `differs` (another token, none, or
    /// one from elsewhere), or `unreachable` (its file could not be read).
    pub state: &'static str,
}

/// The states an app's series is labelled with, each always present (0 or 1), so an alert
/// can match on `state="differs"` without the series coming and going.
pub const APP_STATES: [&str; 3] = ["matches", "differs", "unreachable"];

#[derive(Debug)]
pub struct ServerSample {
    pub name: String,
    pub up: bool,
    pub latency_ms: Option<u64>,
}

/// The text-format exposition of `run`.
pub fn render(run: &Run) -> String {
    let mut out = Exposition::default();
    out.last_run(run);
    if let Some(stats) = &run.stats {
        out.counters(stats);
    }
    out.ages(run);
    if let Some(server) = &run.server {
        out.server(server);
    }
    if !run.apps.is_empty() {
        out.apps(&run.apps);
    }
    out.text
}

/// The exposition being written, one metric family after another.
#[derive(Default)]
struct Exposition {
    text: String,
}

impl Exposition {
    /// A family: its HELP and TYPE lines, then one line for each of its samples (labels,
    /// value).
    fn family(&mut self, name: &str, kind: &str, help: &str, samples: &[(String, f64)]) {
        let _ = writeln!(self.text, "# HELP {name} {help}");
        let _ = writeln!(self.text, "# TYPE {name} {kind}");
        for (labels, value) in samples {
            let _ = writeln!(self.text, "{name}{labels} {value}");
        }
    }

    /// A gauge with a single, unlabelled sample.
    fn gauge(&mut self, name: &str, help: &str, value: f64) {
        self.family(name, "gauge", help, &[(String::new(), value)]);
    }

    fn last_run(&mut self, run: &Run) {
        self.gauge(
            "plex_auth_validate_last_run_timestamp_seconds",
            "When plex-auth validate last ran (Unix time).",
            run.now as f64,
        );
        self.family(
            "plex_auth_validate_last_result",
            "gauge",
            "The last validation's result: 1 for the result it had, 0 for the others.",
            &by_result(|r| if r == run.result { 1.0 } else { 0.0 }),
        );
        self.gauge(
            "plex_auth_validate_last_exit_code",
            "The last validation's exit code (0 ok, 4 rejected, 5 unreachable; see plex-auth(1)).",
            f64::from(run.exit_code),
        );
    }

    fn counters(&mut self, stats: &Stats) {
        self.gauge(
            "plex_auth_validate_consecutive_failures",
            "Validations in a row that did not end with the token accepted.",
            stats.consecutive_failures as f64,
        );
        if let Some(at) = stats.last_success {
            self.gauge(
                "plex_auth_validate_last_success_timestamp_seconds",
                "When plex.tv last accepted the token (Unix time).",
                at as f64,
            );
        }
        self.family(
            "plex_auth_validations_total",
            "counter",
            "Validations run with --metrics-file, by result.",
            &by_result(|r| stats.count(r) as f64),
        );
    }

    fn ages(&mut self, run: &Run) {
        if let Some(linked) = run.linked_at {
            self.gauge(
                "plex_auth_token_age_seconds",
                "Seconds since the stored token was linked.",
                run.now.saturating_sub(linked) as f64,
            );
        }
        if let Some(created) = run.key_created_at {
            self.gauge(
                "plex_auth_key_age_seconds",
                "Seconds since the key that seals the token was made (see plex-auth rotate-key).",
                run.now.saturating_sub(created) as f64,
            );
        }
    }

    fn server(&mut self, server: &ServerSample) {
        let label = format!("{{server=\"{}\"}}", label_value(&server.name));
        self.family(
            "plex_auth_server_up",
            "gauge",
            "1 when the selected server answered validate --server, else 0.",
            &[(label.clone(), if server.up { 1.0 } else { 0.0 })],
        );
        if let Some(ms) = server.latency_ms {
            self.family(
                "plex_auth_server_latency_seconds",
                "gauge",
                "How long the selected server took to answer validate --server.",
                &[(label, ms as f64 / 1000.0)],
            );
        }
    }
}

impl Exposition {
    fn apps(&mut self, apps: &[AppSample]) {
        let mut samples = Vec::new();
        for app in apps {
            for state in APP_STATES {
                let labels = format!(
                    "{{app=\"{}\",kind=\"{}\",state=\"{state}\"}}",
                    label_value(&app.name),
                    label_value(&app.kind)
                );
                samples.push((labels, if app.state == state { 1.0 } else { 0.0 }));
            }
        }
        self.family(
            "plex_auth_app_token",
            "gauge",
            "1 for the state of each registered app's copy of the token: matches (it holds the token plex-auth gave it), differs, or unreachable (its file could not be read).",
            &samples,
        );
    }
}

/// One sample for each verdict, labelled `result`, in the order of [`Verdict::ALL`].
fn by_result(value: impl Fn(Verdict) -> f64) -> Vec<(String, f64)> {
    Verdict::ALL
        .into_iter()
        .map(|r| (format!("{{result=\"{r}\"}}"), value(r)))
        .collect()
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

    /// Every family, for a run with counters, ages and a server.
    const FULL_EXPOSITION: &str = concat!(
        "# HELP plex_auth_validate_last_run_timestamp_seconds When plex-auth validate last ran (Unix time).\n",
        "# TYPE plex_auth_validate_last_run_timestamp_seconds gauge\n",
        "plex_auth_validate_last_run_timestamp_seconds 1700000500\n",
        "# HELP plex_auth_validate_last_result The last validation's result: 1 for the result it had, 0 for the others.\n",
        "# TYPE plex_auth_validate_last_result gauge\n",
        "plex_auth_validate_last_result{result=\"ok\"} 0\n",
        "plex_auth_validate_last_result{result=\"rejected\"} 0\n",
        "plex_auth_validate_last_result{result=\"unreachable\"} 1\n",
        "plex_auth_validate_last_result{result=\"error\"} 0\n",
        "# HELP plex_auth_validate_last_exit_code The last validation's exit code (0 ok, 4 rejected, 5 unreachable; see plex-auth(1)).\n",
        "# TYPE plex_auth_validate_last_exit_code gauge\n",
        "plex_auth_validate_last_exit_code 5\n",
        "# HELP plex_auth_validate_consecutive_failures Validations in a row that did not end with the token accepted.\n",
        "# TYPE plex_auth_validate_consecutive_failures gauge\n",
        "plex_auth_validate_consecutive_failures 2\n",
        "# HELP plex_auth_validate_last_success_timestamp_seconds When plex.tv last accepted the token (Unix time).\n",
        "# TYPE plex_auth_validate_last_success_timestamp_seconds gauge\n",
        "plex_auth_validate_last_success_timestamp_seconds 1700000100\n",
        "# HELP plex_auth_validations_total Validations run with --metrics-file, by result.\n",
        "# TYPE plex_auth_validations_total counter\n",
        "plex_auth_validations_total{result=\"ok\"} 3\n",
        "plex_auth_validations_total{result=\"rejected\"} 1\n",
        "plex_auth_validations_total{result=\"unreachable\"} 2\n",
        "plex_auth_validations_total{result=\"error\"} 0\n",
        "# HELP plex_auth_token_age_seconds Seconds since the stored token was linked.\n",
        "# TYPE plex_auth_token_age_seconds gauge\n",
        "plex_auth_token_age_seconds 500\n",
        "# HELP plex_auth_key_age_seconds Seconds since the key that seals the token was made (see plex-auth rotate-key).\n",
        "# TYPE plex_auth_key_age_seconds gauge\n",
        "plex_auth_key_age_seconds 1500\n",
        "# HELP plex_auth_server_up 1 when the selected server answered validate --server, else 0.\n",
        "# TYPE plex_auth_server_up gauge\n",
        "plex_auth_server_up{server=\"Tow\\\"er\"} 1\n",
        "# HELP plex_auth_server_latency_seconds How long the selected server took to answer validate --server.\n",
        "# TYPE plex_auth_server_latency_seconds gauge\n",
        "plex_auth_server_latency_seconds{server=\"Tow\\\"er\"} 0.012\n",
    );

    #[test]
    fn each_app_has_one_series_per_state() {
        let run = Run {
            now: 10,
            result: Verdict::Ok,
            exit_code: 0,
            stats: None,
            linked_at: None,
            key_created_at: None,
            server: None,
            apps: vec![AppSample {
                name: "kometa-4k".into(),
                kind: "kometa".into(),
                state: "differs",
            }],
        };
        let text = render(&run);
        assert!(
            text.contains("# TYPE plex_auth_app_token gauge\n"),
            "{text}"
        );
        assert!(text.contains(
            "plex_auth_app_token{app=\"kometa-4k\",kind=\"kometa\",state=\"matches\"} 0\n"
        ));
        assert!(text.contains(
            "plex_auth_app_token{app=\"kometa-4k\",kind=\"kometa\",state=\"differs\"} 1\n"
        ));
        assert!(text.contains(
            "plex_auth_app_token{app=\"kometa-4k\",kind=\"kometa\",state=\"unreachable\"} 0\n"
        ));
    }

    /// The whole exposition, byte for byte: node_exporter and the alerts built on it read
    /// these exact names, labels and values.
    #[test]
    fn the_exposition_is_unchanged() {
        let run = Run {
            now: 1_700_000_500,
            result: Verdict::Unreachable,
            exit_code: 5,
            stats: Some(Stats {
                ok: 3,
                rejected: 1,
                unreachable: 2,
                error: 0,
                consecutive_failures: 2,
                last_success: Some(1_700_000_100),
            }),
            linked_at: Some(1_700_000_000),
            key_created_at: Some(1_699_999_000),
            server: Some(ServerSample {
                name: "Tow\"er".into(),
                up: true,
                latency_ms: Some(12),
            }),
            apps: Vec::new(),
        };
        assert_eq!(render(&run), FULL_EXPOSITION);
        let bare = Run {
            now: 10,
            result: Verdict::Ok,
            exit_code: 0,
            stats: None,
            linked_at: None,
            key_created_at: None,
            server: None,
            apps: Vec::new(),
        };
        let expected = concat!(
            "# HELP plex_auth_validate_last_run_timestamp_seconds When plex-auth validate last ran (Unix time).\n",
            "# TYPE plex_auth_validate_last_run_timestamp_seconds gauge\n",
            "plex_auth_validate_last_run_timestamp_seconds 10\n",
            "# HELP plex_auth_validate_last_result The last validation's result: 1 for the result it had, 0 for the others.\n",
            "# TYPE plex_auth_validate_last_result gauge\n",
            "plex_auth_validate_last_result{result=\"ok\"} 1\n",
            "plex_auth_validate_last_result{result=\"rejected\"} 0\n",
            "plex_auth_validate_last_result{result=\"unreachable\"} 0\n",
            "plex_auth_validate_last_result{result=\"error\"} 0\n",
            "# HELP plex_auth_validate_last_exit_code The last validation's exit code (0 ok, 4 rejected, 5 unreachable; see plex-auth(1)).\n",
            "# TYPE plex_auth_validate_last_exit_code gauge\n",
            "plex_auth_validate_last_exit_code 0\n",
        );
        assert_eq!(render(&bare), expected);
    }

    #[test]
    fn labels_are_escaped() {
        assert_eq!(label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
