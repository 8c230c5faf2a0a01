//! What scripts read: every command's `--json` document, and the `status` text people read,
//! as snapshots. Values that differ from run to run (ports, paths, times, tokens, ids the
//! fake makes up, latencies) are replaced by placeholders before comparing.

use std::time::Duration;

use fake_plex::{ConnKind, ConnSpec, ServerSpec};
use serde_json::Value;

use crate::bazarr::bazarr_copy;
use crate::util::{Env, Run};

/// Keys whose values change from run to run; they are kept only as "there is a value".
const VOLATILE: &[&str] = &[
    "token",
    "uuid",
    "linked_at",
    "at",
    "selected_at",
    "expires_at",
    "expires_in",
    "link",
    "latency_ms",
    "id",
    "diff",
    "key_created_at",
    "time",
    "pid",
];

fn normalize_text(env: &Env, text: &str) -> String {
    let tmp = env.dir.path().display().to_string();
    let text = text.replace(&tmp, "[tmp]");
    let port = regex_lite_port(&text);
    mask_times(&port)
}

/// `127.0.0.1:PORT` → `127.0.0.1:[port]` (the fake binds a new port every run).
fn regex_lite_port(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("127.0.0.1:") {
        let (head, tail) = rest.split_at(i + "127.0.0.1:".len());
        out.push_str(head);
        let digits = tail.chars().take_while(char::is_ascii_digit).count();
        out.push_str(if digits > 0 { "[port]" } else { "" });
        rest = &tail[digits..];
    }
    out.push_str(rest);
    out
}

/// `2026-11-26T12:00:00Z` → `[time]`, and "N minutes ago" → "[ago]".
fn mask_times(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        let candidate = &text[i..];
        let is_time = candidate.len() >= 20
            && candidate.as_bytes()[4] == b'-'
            && candidate.as_bytes()[10] == b'T'
            && candidate.as_bytes()[19] == b'Z'
            && candidate[..4].bytes().all(|b| b.is_ascii_digit());
        if is_time {
            out.push_str("[time]");
            i += 20;
        } else {
            let ch = candidate.chars().next().unwrap();
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out.replace("just now", "[ago]")
}

fn redact(value: &mut Value) {
    match value {
        Value::Object(map) => {
            // A PIN's code is new every time; an error's code is what scripts read.
            let pin = map.get("event").and_then(Value::as_str) == Some("pin");
            for (k, v) in map.iter_mut() {
                let volatile = VOLATILE.contains(&k.as_str()) || (pin && k == "code");
                if volatile && !v.is_null() {
                    *v = Value::String(format!("[{k}]"));
                } else {
                    redact(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}

/// Every JSON document on stdout (one, or NDJSON events), redacted and pretty-printed, with
/// the exit code.
fn json_snapshot(env: &Env, run: &Run) -> String {
    let docs: Vec<String> = run
        .stdout
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let mut v: Value = serde_json::from_str(l)
                .unwrap_or_else(|e| panic!("not JSON ({e}): {l}\n{}", run.stderr));
            redact(&mut v);
            serde_json::to_string_pretty(&v).unwrap()
        })
        .collect();
    normalize_text(env, &format!("exit {}\n{}", run.code, docs.join("\n")))
}

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

#[test]
fn login_json_events() {
    let env = Env::new();
    env.fake.approve_after(Duration::ZERO);
    let run = env.run(&["login", "--json", "--no-browser"]);
    insta::assert_snapshot!("login_pin", json_snapshot(&env, &run));
    let run = env.run(&["login", "--json"]);
    insta::assert_snapshot!("login_already", json_snapshot(&env, &run));
    let token = env.fake.token();
    let run = env.run_stdin(&["login", "--json", "--with-token", "--force"], &token);
    insta::assert_snapshot!("login_with_token", json_snapshot(&env, &run));
}

#[test]
fn status_json_and_text() {
    let env = Env::new();
    let run = env.run(&["status", "--json"]);
    insta::assert_snapshot!("status_not_logged_in", json_snapshot(&env, &run));
    let token = env.logged_in();
    owned_tower(&env);
    env.run(&["select", "Tower"]).ok();
    let run = env.run(&["status", "--json"]);
    insta::assert_snapshot!("status", json_snapshot(&env, &run));
    let run = env.run(&["status"]);
    run.ok();
    insta::assert_snapshot!(
        "status_text",
        normalize_text(&env, &format!("{}\n--- stderr\n{}", run.stdout, run.stderr))
            .replace(&format!("{}…", &token[..4]), "[token]…")
    );
}

#[test]
fn validate_servers_select_logout_json() {
    let env = Env::new();
    env.logged_in();
    owned_tower(&env);
    let run = env.run(&["validate", "--json"]);
    insta::assert_snapshot!("validate", json_snapshot(&env, &run));
    let run = env.run(&["servers", "--json"]);
    insta::assert_snapshot!("servers", json_snapshot(&env, &run));
    let run = env.run(&["select", "Tower", "--json"]);
    insta::assert_snapshot!("select", json_snapshot(&env, &run));
    let run = env.run(&["validate", "--server", "--json"]);
    insta::assert_snapshot!("validate_server", json_snapshot(&env, &run));
    let run = env.run(&["select", "Nowhere", "--json"]);
    insta::assert_snapshot!("select_not_found", json_snapshot(&env, &run));
    let run = env.run(&["logout", "--json"]);
    insta::assert_snapshot!("logout", json_snapshot(&env, &run));
    let run = env.run(&["logout", "--json"]);
    insta::assert_snapshot!("logout_again", json_snapshot(&env, &run));
}

#[test]
fn migrate_apikey_json() {
    let env = Env::new();
    owned_tower(&env);
    let token = env.fake.token();
    let path = bazarr_copy(
        &env,
        "bazarr-1.5.6-legacy-apikey-auto-encrypted.config.yaml",
        Some(&token),
    );
    let file = path.to_str().unwrap();
    let run = env.run(&[
        "migrate-apikey",
        "--json",
        "--dry-run",
        "--bazarr-config",
        file,
    ]);
    insta::assert_snapshot!("migrate_dry_run", json_snapshot(&env, &run));
    let run = env.run(&["migrate-apikey", "--json", "--bazarr-config", file]);
    insta::assert_snapshot!("migrate", json_snapshot(&env, &run));
    let run = env.run(&["migrate-apikey", "--json", "--bazarr-config", file]);
    insta::assert_snapshot!("migrate_again", json_snapshot(&env, &run));
}

#[test]
fn token_rotate_key_and_log_json() {
    let env = Env::new();
    let run = env.run(&["token", "--json"]);
    insta::assert_snapshot!("token_not_logged_in", json_snapshot(&env, &run));
    env.logged_in();
    let run = env.run(&["token", "--json"]);
    insta::assert_snapshot!("token", json_snapshot(&env, &run));
    let run = env.run(&["rotate-key", "--json"]);
    insta::assert_snapshot!("rotate_key", json_snapshot(&env, &run));
    let run = env.run(&["log", "--json"]);
    insta::assert_snapshot!("log", json_snapshot(&env, &run));
}
