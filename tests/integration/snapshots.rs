//! What scripts read: every command's `--json` document, and the `status` text people read,
//! as snapshots. Values that differ from run to run (ports, paths, times, tokens, ids the
//! fake makes up, latencies) become placeholders through insta's redactions (JSON keys) and
//! filters (text).

use std::time::Duration;

use fake_plex::{ConnKind, ConnSpec, ServerSpec};
use insta::internals::Content;
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

/// `[key]` for a value that is there; `null` stays `null`, which is what scripts test for.
fn placeholder(
    key: &'static str,
) -> impl Fn(Content, insta::internals::ContentPath<'_>) -> Content {
    move |value, _| match value {
        Content::None | Content::Unit => value,
        _ => Content::from(format!("[{key}]")),
    }
}

/// Regex metacharacters in `text` escaped, for a filter that matches it literally.
fn literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(ch) {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

/// The filters every snapshot here gets: the test's directory, the fake's port (new every
/// run), RFC 3339 times and relative ones.
fn settings(env: &Env) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(&literal(&env.dir.path().display().to_string()), "[tmp]");
    settings.add_filter(r"127\.0\.0\.1:[0-9]+", "127.0.0.1:[port]");
    settings.add_filter(r"[0-9]{4}-.{5}T.{8}Z", "[time]");
    settings.add_filter("just now", "[ago]");
    settings
}

/// Every JSON document on stdout (one, or NDJSON events) and the exit code, as snapshot
/// `name`.
fn assert_json_docs(name: &str, env: &Env, run: &Run) {
    let docs: Vec<Value> = run
        .stdout
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            serde_json::from_str(l)
                .unwrap_or_else(|e| panic!("not JSON ({e}): {l}\n{}", run.stderr))
        })
        .collect();
    let mut settings = settings(env);
    for &key in VOLATILE {
        settings.add_dynamic_redaction(&format!(".**.{key}"), placeholder(key));
    }
    // A PIN's code is new every time; an error's code is what scripts read.
    for (i, doc) in docs.iter().enumerate() {
        if doc.get("event").and_then(Value::as_str) == Some("pin") {
            settings.add_dynamic_redaction(&format!(".documents[{i}].code"), placeholder("code"));
        }
    }
    let snapshot = serde_json::json!({ "exit": run.code, "documents": docs });
    settings.bind(|| insta::assert_json_snapshot!(name, snapshot));
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
    assert_json_docs("login_pin", &env, &run);
    let run = env.run(&["login", "--json"]);
    assert_json_docs("login_already", &env, &run);
    let token = env.fake.token();
    let run = env.run_stdin(&["login", "--json", "--with-token", "--force"], &token);
    assert_json_docs("login_with_token", &env, &run);
}

#[test]
fn status_json_and_text() {
    let env = Env::new();
    let run = env.run(&["status", "--json"]);
    assert_json_docs("status_not_logged_in", &env, &run);
    let token = env.logged_in();
    owned_tower(&env);
    env.run(&["select", "Tower"]).ok();
    let run = env.run(&["status", "--json"]);
    assert_json_docs("status", &env, &run);
    let run = env.run(&["status"]);
    run.ok();
    let mut settings = settings(&env);
    settings.add_filter(&literal(&format!("{}…", &token[..4])), "[token]…");
    settings.bind(|| {
        insta::assert_snapshot!(
            "status_text",
            format!("{}\n--- stderr\n{}", run.stdout, run.stderr)
        );
    });
}

#[test]
fn validate_servers_select_logout_json() {
    let env = Env::new();
    env.logged_in();
    owned_tower(&env);
    let run = env.run(&["validate", "--json"]);
    assert_json_docs("validate", &env, &run);
    let run = env.run(&["servers", "--json"]);
    assert_json_docs("servers", &env, &run);
    let run = env.run(&["select", "Tower", "--json"]);
    assert_json_docs("select", &env, &run);
    let run = env.run(&["validate", "--server", "--json"]);
    assert_json_docs("validate_server", &env, &run);
    let run = env.run(&["select", "Nowhere", "--json"]);
    assert_json_docs("select_not_found", &env, &run);
    let run = env.run(&["logout", "--json"]);
    assert_json_docs("logout", &env, &run);
    let run = env.run(&["logout", "--json"]);
    assert_json_docs("logout_again", &env, &run);
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
    assert_json_docs("migrate_dry_run", &env, &run);
    let run = env.run(&["migrate-apikey", "--json", "--bazarr-config", file]);
    assert_json_docs("migrate", &env, &run);
    let run = env.run(&["migrate-apikey", "--json", "--bazarr-config", file]);
    assert_json_docs("migrate_again", &env, &run);
}

#[test]
fn token_rotate_key_and_log_json() {
    let env = Env::new();
    let run = env.run(&["token", "--json"]);
    assert_json_docs("token_not_logged_in", &env, &run);
    env.logged_in();
    let run = env.run(&["token", "--json"]);
    assert_json_docs("token", &env, &run);
    let run = env.run(&["rotate-key", "--json"]);
    assert_json_docs("rotate_key", &env, &run);
    let run = env.run(&["log", "--json"]);
    assert_json_docs("log", &env, &run);
}
