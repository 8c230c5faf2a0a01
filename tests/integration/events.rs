//! The authentication event log: what each command writes there, that runs at the same
//! moment never break a line, and that no token or key ever reaches it.

use std::path::Path;

use fake_plex::{ConnKind, ConnSpec, Fault, ServerSpec};
use serde_json::Value;

use crate::util::{Env, Run};

fn owned_tower(env: &Env) {
    env.fake.add_server(ServerSpec::owned(
        "Tower",
        "towermachineid",
        vec![ConnSpec {
            local: true,
            ..ConnSpec::new(ConnKind::Live)
        }],
    ));
}

/// Every file under `dir` (the state folder), read as text.
fn files_under(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            let text =
                String::from_utf8_lossy(&std::fs::read(&path).unwrap_or_default()).into_owned();
            out.push((path.display().to_string(), text));
        }
    }
    out
}

/// The secrets a run may know: the token, every key the key file has held, every sealed blob.
struct Secrets(Vec<String>);

impl Secrets {
    fn note(&mut self, env: &Env) {
        if let Ok(key) = std::fs::read_to_string(env.key_path()) {
            self.0.push(key.trim().to_owned());
        }
        for line in env.config_text().lines() {
            if let Some(blob) = line.strip_prefix("sealed_token = ") {
                self.0.push(blob.trim_matches('"').to_owned());
            }
        }
        self.0.sort();
        self.0.dedup();
    }

    /// No secret in the log, nor in anything else in the state folder.
    #[track_caller]
    fn assert_absent(&self, env: &Env, after: &str) {
        for (path, text) in files_under(&env.state_dir()) {
            for secret in &self.0 {
                assert!(
                    !text.contains(secret.as_str()),
                    "after {after}: {path} holds a secret"
                );
            }
        }
    }
}

/// Run one command, then check that no secret reached the state folder.
fn step(env: &Env, secrets: &mut Secrets, args: &[&str], stdin: Option<&str>, code: i32) -> Run {
    let run = match stdin {
        Some(input) => env.run_stdin(args, input),
        None => env.run(args),
    };
    run.code(code);
    secrets.note(env);
    secrets.assert_absent(env, &args.join(" "));
    run
}

fn names(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| e["event"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn each_command_is_logged_without_a_token_or_a_key() {
    let env = Env::new();
    let token = env.fake.token();
    let mut secrets = Secrets(vec![token.clone()]);
    let bazarr = crate::bazarr::bazarr_copy(&env, "bazarr-1.5.6-fresh-install.config.yaml", None);
    let bazarr = bazarr.to_str().unwrap();
    step(
        &env,
        &mut secrets,
        &["login", "--with-token", "--bazarr-config", bazarr],
        Some(&token),
        0,
    );
    owned_tower(&env);
    step(&env, &mut secrets, &["servers"], None, 0);
    step(&env, &mut secrets, &["select", "Tower"], None, 0);
    step(&env, &mut secrets, &["validate", "--server"], None, 0);
    env.fake.fault_on("/api/v2/user", Fault::Unavailable, 1);
    step(&env, &mut secrets, &["validate"], None, 5);
    step(&env, &mut secrets, &["rotate-key"], None, 0);
    step(&env, &mut secrets, &["status"], None, 0);
    step(&env, &mut secrets, &["log"], None, 0);
    step(&env, &mut secrets, &["log", "--json"], None, 0);
    step(&env, &mut secrets, &["logout", "--revoke"], None, 0);
    step(&env, &mut secrets, &["validate"], None, 3);

    // A token that no longer opens: the key was replaced by another.
    let (_, token2) = env.fake.add_user("bob", "bob@example.com");
    secrets.0.push(token2.clone());
    step(
        &env,
        &mut secrets,
        &["login", "--with-token"],
        Some(&token2),
        0,
    );
    std::fs::write(env.key_path(), format!("{}\n", "A".repeat(43) + "=")).unwrap();
    secrets.note(&env);
    step(&env, &mut secrets, &["status"], None, 8);
    step(&env, &mut secrets, &["validate"], None, 8);
    env.fake.revoke(&token2);

    // A PIN that expires.
    env.fake.set_pin_lifetime(1);
    step(
        &env,
        &mut secrets,
        &["login", "--force", "--no-browser"],
        None,
        7,
    );

    let events = env.events();
    let seen = names(&events);
    for expected in [
        "login_started",
        "linked",
        "bazarr_written",
        "login_ok",
        "servers_listed",
        "server_chosen",
        "validated_ok",
        "validated_unreachable",
        "key_rotated",
        "revoke",
        "validate_failed",
        "decrypt_failed",
        "pin_expired",
    ] {
        assert!(
            seen.contains(&expected.to_owned()),
            "no {expected} in {seen:?}"
        );
    }
    // status and log are not logged unless the token does not open.
    assert!(!events.iter().any(|e| e["command"] == "log"));
    assert_eq!(
        events.iter().filter(|e| e["command"] == "status").count(),
        1
    );

    let closing = |name: &str| {
        events
            .iter()
            .find(|e| e["event"] == name)
            .unwrap_or_else(|| panic!("no {name}"))
            .clone()
    };
    let ok = closing("validated_ok");
    assert_eq!(ok["command"], "validate");
    assert_eq!(ok["outcome"], "ok");
    assert_eq!(ok["exit_code"], 0);
    assert_eq!(ok["account"], "alice");
    assert_eq!(ok["server"], "Tower");
    assert!(ok["time"].as_str().unwrap().ends_with('Z'));
    let down = closing("validated_unreachable");
    assert_eq!(down["exit_code"], 5);
    assert_eq!(down["outcome"], "unreachable");
    assert_eq!(down["error"], "CONNECTION_ERROR");
    let revoke = closing("revoke");
    assert_eq!(
        revoke["account"], "alice",
        "logout keeps the name read before it"
    );
    assert_eq!(closing("decrypt_failed")["exit_code"], 8);
    assert_eq!(closing("pin_expired")["exit_code"], 7);
    let written = closing("bazarr_written");
    assert_eq!(
        written["exit_code"],
        Value::Null,
        "an event inside a command"
    );
    assert_eq!(written["detail"], bazarr);

    #[cfg(unix)]
    {
        assert_eq!(
            crate::util::mode(&env.state_dir().join("events.jsonl")),
            0o600
        );
        assert_eq!(crate::util::mode(&env.state_dir()), 0o700);
    }
}

#[test]
fn bazarr_refusing_is_logged() {
    let env = Env::new();
    let bad = env.dir.path().join("config.yaml");
    std::fs::write(&bad, "plex: [unclosed\n").unwrap();
    let run = env.run_stdin(
        &[
            "login",
            "--with-token",
            "--bazarr-config",
            bad.to_str().unwrap(),
        ],
        &env.fake.token(),
    );
    run.code(9);
    let events = env.events();
    let refused = events
        .iter()
        .find(|e| e["event"] == "bazarr_refused")
        .expect("bazarr_refused");
    assert_eq!(refused["outcome"], "CONFIG_ERROR");
    assert_eq!(events.last().unwrap()["event"], "login_failed");
}

/// 20 runs at the same moment, with the log just short of its limit so that one of them
/// rotates it in the middle: every line in both files is whole JSON, and none is lost.
#[test]
fn twenty_concurrent_runs_never_break_a_line() {
    let env = Env::new();
    env.logged_in();
    let state = env.state_dir();
    let filler_line = format!(
        "{{\"event\":\"filler\",\"detail\":\"{}\"}}\n",
        "f".repeat(200)
    );
    let room = 1024 * 1024 - 3 * 1024;
    let filler = filler_line.repeat(room / filler_line.len());
    let mut text = std::fs::read_to_string(state.join("events.jsonl")).unwrap();
    text.push_str(&filler);
    std::fs::write(state.join("events.jsonl"), text).unwrap();

    let children: Vec<_> = (0..20)
        .map(|_| {
            let mut cmd = env.cmd();
            cmd.args(["validate", "--quiet"])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null());
            cmd.spawn().unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }

    let mut broken = 0;
    let mut validated = 0;
    for name in ["events.jsonl.1", "events.jsonl"] {
        let text = std::fs::read_to_string(state.join(name)).unwrap_or_default();
        for line in text.lines() {
            match serde_json::from_str::<Value>(line) {
                Ok(v) if v["event"] == "validated_ok" => validated += 1,
                Ok(_) => {}
                Err(_) => broken += 1,
            }
        }
    }
    eprintln!("20 concurrent validate runs: {validated} lines logged, {broken} broken");
    assert_eq!(broken, 0);
    assert_eq!(validated, 20);
    assert!(state.join("events.jsonl.1").exists(), "the log was rotated");
    assert!(std::fs::metadata(state.join("events.jsonl")).unwrap().len() < 1024 * 1024);
}

#[test]
fn a_log_that_cannot_be_written_never_fails_a_command() {
    let env = Env::new();
    env.logged_in();
    // The state folder is a file: nothing can be created in it.
    std::fs::remove_dir_all(env.state_dir()).unwrap();
    std::fs::write(env.state_dir(), "not a folder").unwrap();
    env.run(&["validate", "--quiet"])
        .ok()
        .stdout_empty()
        .stderr_empty();
    env.run(&["validate"]).ok();
    env.run(&["validate", "-v"])
        .ok()
        .stderr_has("could not write the event log");
}

#[test]
fn log_filters_by_count_and_time() {
    let env = Env::new();
    env.logged_in();
    env.run(&["validate"]).ok();
    env.run(&["validate"]).ok();
    let all = env.run(&["log"]);
    all.ok().stdout_has("validated_ok").stdout_has("alice");
    // A header row, then one row per event.
    assert_eq!(all.stdout.lines().count(), env.events().len() + 1);

    let last = env.run(&["log", "-n", "1", "--json"]);
    last.ok();
    let lines: Vec<Value> = last.events();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["event"], "validated_ok");

    assert_eq!(
        env.run(&["log", "--since", "1h", "--json"]).events().len(),
        env.events().len()
    );
    assert!(
        env.run(&["log", "--since", "2999-01-01T00:00:00Z", "--json"])
            .ok()
            .stdout
            .is_empty()
    );
    env.run(&["log", "--since", "2999-01-01 00:00:00"])
        .ok()
        .stderr_has("No events in that time");
    env.run(&["log", "--since", "someday"]).code(2);
}

/// `cmd` with a file size limit of `bytes`: a write past it is short, as on a full disk
/// (SIGXFSZ ignored, so the write returns instead of killing the process).
pub(crate) fn with_file_size_limit(cmd: &mut std::process::Command, bytes: u64) {
    use std::os::unix::process::CommandExt;
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let limit = libc::rlimit {
                rlim_cur: bytes,
                rlim_max: bytes,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

#[test]
fn a_short_write_on_a_full_disk_leaves_no_partial_line() {
    let env = Env::new();
    env.logged_in();
    let log = env.state_dir().join("events.jsonl");
    // Whole lines well past the size of config.toml, which validate writes too and which
    // must fit under the limit.
    let first = std::fs::read_to_string(&log).unwrap();
    std::fs::write(&log, first.repeat(8192 / first.len() + 1)).unwrap();
    let before = std::fs::read(&log).unwrap();
    // Room for 40 more bytes: validate's line is cut short there.
    let mut cmd = env.cmd();
    cmd.arg("validate");
    with_file_size_limit(&mut cmd, before.len() as u64 + 40);
    Run::from(cmd.output().unwrap()).ok();
    let after = std::fs::read(&log).unwrap();
    assert!(
        after == before,
        "a partial line was left: {:?}",
        String::from_utf8_lossy(&after[before.len().min(after.len())..])
    );

    // With room again, the next event is a line of its own and the log reads whole.
    env.run(&["validate"]).ok();
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.ends_with('\n'));
    for line in text.lines() {
        serde_json::from_str::<Value>(line).unwrap_or_else(|e| panic!("{e}: {line:?}"));
    }
    let shown = env.run(&["log"]);
    shown.ok();
    assert!(!shown.stdout.contains("unreadable"), "{}", shown.stdout);

    // A partial line an older plex-auth left is closed off before the next event.
    std::fs::write(&log, [text.as_bytes(), b"{\"time\":\"2026-"].concat()).unwrap();
    env.run(&["validate"]).ok();
    let lines = std::fs::read_to_string(&log).unwrap();
    let last = lines.lines().last().unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(last).unwrap()["event"],
        "validated_ok"
    );
}

#[test]
fn log_has_a_header_and_takes_dates_and_words() {
    let env = Env::new();
    env.logged_in();
    env.run(&["validate"]).ok();
    let run = env.run(&["log"]);
    run.ok();
    let mut lines = run.stdout.lines();
    let (header, row) = (lines.next().unwrap(), lines.last().unwrap());
    assert!(header.starts_with("TIME "), "{header}");
    // The column names stand above the columns.
    assert_eq!(
        header.find("EVENT"),
        row.find("validated_ok"),
        "{header}\n{row}"
    );
    assert_eq!(header.find("RESULT"), row.find("exit 0"), "{header}\n{row}");

    let count = |since: &str| {
        let run = env.run(&["log", "--since", since, "--json"]);
        run.ok();
        run.events().len()
    };
    let all = env.events().len();
    let today = &env.events()[0]["time"].as_str().unwrap()[..10].to_owned();
    for since in [
        "today",
        "yesterday",
        "2h",
        "2h ago",
        today.as_str(),
        "2000-01-01 08:00",
    ] {
        assert_eq!(count(since), all, "--since {since}");
    }
    assert_eq!(count("2999-01-01"), 0);
    env.run(&["log", "--since", "last week"])
        .code(2)
        .stderr_has("today or yesterday");
}

#[test]
fn a_failed_select_is_logged_with_the_server_that_failed() {
    let env = Env::new();
    env.logged_in();
    owned_tower(&env);
    env.fake.add_server(ServerSpec::owned(
        "Beta",
        "betamachineid",
        vec![ConnSpec::new(ConnKind::Closed)],
    ));
    env.run(&["select", "Tower"]).ok();
    env.run(&["select", "Beta"]).code(6);
    let events = env.events();
    let failed = events.last().unwrap();
    assert_eq!(failed["event"], "select_failed");
    assert_eq!(failed["server"], "Beta", "{failed}");
}
