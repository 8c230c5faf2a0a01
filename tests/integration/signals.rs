//! Ctrl-C and SIGTERM at any moment: exit 130 (or 0 when the work was done), a message, and
//! no file half-written or temp file left behind.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use fake_plex::Fault;

use crate::util::{Env, Run};

fn send(child: &std::process::Child, signal: libc::c_int) {
    // SAFETY: kill(2) on a child we spawned and have not waited for yet.
    unsafe {
        libc::kill(child.id() as libc::pid_t, signal);
    }
}

/// Wait until the child has installed its SIGTERM handler (Linux shows caught signals in
/// /proc), so the test measures plex-auth and not the moment before its `main` runs.
fn wait_for_handler(child: &std::process::Child) {
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = format!("/proc/{}/status", child.id());
    while Instant::now() < deadline {
        let caught = std::fs::read_to_string(&status)
            .ok()
            .and_then(|s| {
                s.lines()
                    .find_map(|l| l.strip_prefix("SigCgt:"))
                    .and_then(|hex| u64::from_str_radix(hex.trim(), 16).ok())
            })
            .unwrap_or(0);
        if caught & (1 << (libc::SIGTERM - 1)) != 0 {
            return;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
}

/// Every file in the folder, for "nothing was left behind".
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn a_signal_while_waiting_for_plex_tv_is_exit_130_with_a_message() {
    for (signal, json) in [(libc::SIGTERM, false), (libc::SIGINT, true)] {
        let env = Env::new();
        env.logged_in();
        let before = env.config_text();
        env.fake.fault_on("/api/v2/user", Fault::Hang, 1);
        let users = || {
            env.fake
                .requests()
                .iter()
                .filter(|r| r.path == "/api/v2/user")
                .count()
        };
        let asked = users();
        let mut cmd = env.cmd();
        cmd.args(["validate", "--request-timeout", "60"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if json {
            cmd.arg("--json");
        }
        let child = cmd.spawn().unwrap();
        // Wait on state: the request has reached the fake (a wide bound, not a timing guess).
        let deadline = Instant::now() + Duration::from_secs(30);
        while users() == asked && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        send(&child, signal);
        let run = Run::from(child.wait_with_output().unwrap());
        run.code(130);
        if json {
            run.error_code("INTERRUPTED");
        } else {
            run.stderr_has("interrupted");
        }
        assert_eq!(env.config_text(), before, "nothing stored changed");
    }
}

#[test]
fn signals_at_random_moments_never_leave_a_temp_file_or_a_broken_config() {
    let env = Env::new();
    let token = env.fake.token();
    let bazarr = env.dir.path().join("bazarr");
    std::fs::create_dir_all(&bazarr).unwrap();
    let yaml = bazarr.join("config.yaml");
    std::fs::write(
        &yaml,
        "general:\n  use_plex: false\nplex:\n  auth_method: apikey\n  apikey: ''\n  token: ''\n  encryption_key: ''\n",
    )
    .unwrap();
    let mut outcomes = std::collections::BTreeMap::new();
    for i in 0..40u64 {
        let args: &[&str] = if i % 2 == 0 {
            &["login", "--with-token", "--force", "--bazarr-config"]
        } else {
            &["logout", "--bazarr-config"]
        };
        let mut cmd = env.cmd();
        cmd.args(args)
            .arg(&yaml)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        if let Some(mut stdin) = child.stdin.take() {
            use std::io::Write;
            let _ = stdin.write_all(token.as_bytes());
        }
        wait_for_handler(&child);
        // Spread the signal over the run: from at once to after most commands have finished.
        std::thread::sleep(Duration::from_micros((i * 7919) % 40_000));
        send(&child, libc::SIGTERM);
        let run = Run::from(child.wait_with_output().unwrap());
        assert!(
            run.code == 0 || run.code == 130,
            "exit {}\n{}",
            run.code,
            run.stderr
        );
        *outcomes.entry(run.code).or_insert(0) += 1;
        for dir in [env.config_dir.as_path(), bazarr.as_path()] {
            for name in names(dir) {
                assert!(
                    !name.starts_with('.') && !name.contains("tmp"),
                    "left behind in {}: {name}",
                    dir.display()
                );
            }
        }
        // Both files still parse.
        if env.config_path().exists() {
            toml::from_str::<toml::Value>(&env.config_text()).expect("config.toml parses");
        }
        yaml_serde::from_str::<yaml_serde::Value>(&std::fs::read_to_string(&yaml).unwrap())
            .expect("config.yaml parses");
    }
    eprintln!("outcomes by exit code: {outcomes:?}");
}
