//! How often a command reads the files it works on, counted with strace as the binary runs:
//! config.toml once when the command starts, plus one locked read per transaction; Bazarr's
//! file once, plus the compare-read inside each write.

use std::path::Path;

use crate::bazarr::bazarr_copy;
use crate::util::{BIN, Env, Run};

/// How many times the run opened `name` for reading, from strace's trace of the process.
fn opens_for_reading(trace: &str, name: &str) -> usize {
    trace
        .lines()
        .filter(|l| l.contains("open") && l.contains(&format!("/{name}\"")))
        .filter(|l| !l.contains("O_WRONLY") && !l.contains("O_RDWR") && !l.contains("O_CREAT"))
        .filter(|l| !l.contains("ENOENT"))
        .count()
}

/// Run the binary under strace; `None` (with the reason printed) where strace cannot run.
fn traced(env: &Env, args: &[&str], stdin: &str) -> Option<(Run, String)> {
    let trace = env.dir.path().join("trace");
    let mut cmd = env.command("strace");
    cmd.args(["-f", "-qq", "-e", "trace=open,openat,openat2", "-o"])
        .arg(&trace)
        .arg(BIN)
        .args(args);
    let run = crate::util::run_with_input(cmd, stdin);
    let text = std::fs::read_to_string(&trace).unwrap_or_default();
    if !text.contains("open") {
        eprintln!(
            "skipped: strace could not trace here ({})",
            run.stderr.trim()
        );
        return None;
    }
    Some((run, text))
}

fn counts(trace: &str, bazarr: &Path) -> (usize, usize) {
    let yaml = bazarr.file_name().unwrap().to_str().unwrap();
    (
        opens_for_reading(trace, "config.toml"),
        opens_for_reading(trace, yaml),
    )
}

#[test]
fn login_reads_config_toml_once_and_once_per_transaction() {
    let env = Env::new();
    let bazarr = bazarr_copy(&env, "bazarr-1.5.6-fresh-install.config.yaml", None);
    let path = bazarr.to_str().unwrap();
    let token = env.fake.token();
    let login = ["--bazarr-config", path, "login", "--with-token"];
    let Some((run, trace)) = traced(&env, &login, &token) else {
        return;
    };
    run.ok();
    // A first run: no config.toml yet, so only the link's transaction reads one. Bazarr's
    // file: read once, and read again inside the write that replaces it.
    assert_eq!(counts(&trace, &bazarr), (1, 2), "{trace}");
    // Linked already: the command's own read, and the link's transaction.
    let (run, trace) = traced(&env, &login, &token).unwrap();
    run.ok();
    assert_eq!(counts(&trace, &bazarr), (2, 2), "{trace}");
}

#[test]
fn validate_and_status_read_each_file_once() {
    let env = Env::new();
    let bazarr = bazarr_copy(&env, "bazarr-1.5.6-fresh-install.config.yaml", None);
    let path = bazarr.to_str().unwrap();
    env.run_stdin(
        &["--bazarr-config", path, "login", "--with-token"],
        &env.fake.token(),
    )
    .ok();
    let Some((run, trace)) = traced(&env, &["validate"], "") else {
        return;
    };
    run.ok();
    assert_eq!(opens_for_reading(&trace, "config.toml"), 1, "{trace}");
    let Some((run, trace)) = traced(&env, &["status"], "") else {
        return;
    };
    run.ok();
    assert_eq!(counts(&trace, &bazarr), (1, 1), "{trace}");
}
