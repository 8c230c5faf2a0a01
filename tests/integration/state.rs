//! What plex-auth learns as it runs (the last validation) lives in the state folder's
//! `state.toml`: `validate` never writes config.toml, so the timer works where config.toml
//! is read-only (a system setup under /etc with `ProtectSystem=strict`).

use std::os::unix::fs::MetadataExt;
use std::path::Path;

use fake_plex::Fault;

use crate::util::{BIN, Env, Run};

/// config.toml as a writer would change it: its bytes, its inode (a rename puts a new one in
/// place) and its mtime (an in-place write moves it). The bytes are compared as text, which
/// is byte for byte, so that a failure shows what changed.
fn fingerprint(path: &Path) -> (String, u64, i64, i64) {
    let meta = std::fs::metadata(path).unwrap();
    (
        String::from_utf8(std::fs::read(path).unwrap()).unwrap(),
        meta.ino(),
        meta.mtime(),
        meta.mtime_nsec(),
    )
}

fn state_text(env: &Env) -> String {
    std::fs::read_to_string(env.state_dir().join("state.toml")).unwrap_or_default()
}

#[test]
fn validate_leaves_config_toml_untouched_whatever_the_verdict() {
    let env = Env::new();
    let token = env.logged_in();
    let before = fingerprint(&env.config_path());

    env.run(&["validate", "--quiet"]).ok();
    assert_eq!(fingerprint(&env.config_path()), before, "after ok");
    assert!(state_text(&env).contains("\"ok\""), "{}", state_text(&env));

    env.fake.fault_on("/api/v2/user", Fault::Unavailable, 1);
    env.run(&["validate", "--quiet"]).code(5);
    assert_eq!(fingerprint(&env.config_path()), before, "after an outage");
    assert!(state_text(&env).contains("\"unreachable\""));

    env.fake.revoke(&token);
    env.run(&["validate", "--quiet"]).code(4);
    assert_eq!(fingerprint(&env.config_path()), before, "after a 401");
    assert!(state_text(&env).contains("\"rejected\""));
}

#[test]
fn status_shows_the_last_validation_from_the_state_folder() {
    let env = Env::new();
    env.logged_in();
    env.fake.fault_on("/api/v2/user", Fault::Unavailable, 1);
    env.run(&["validate", "--quiet"]).code(5);
    let config = env.config_text();
    assert!(!config.contains("validated_at"), "{config}");
    assert!(!config.contains("last_result"), "{config}");

    let doc = env.run(&["status", "--json"]).json();
    assert_eq!(doc["validation"]["result"], "unreachable", "{doc}");
    env.run(&["status"])
        .ok()
        .stdout_has("validated: unreachable, ");

    // Without the state file, nothing is known of a validation.
    std::fs::remove_file(env.state_dir().join("state.toml")).unwrap();
    let doc = env.run(&["status", "--json"]).json();
    assert_eq!(doc["validation"], serde_json::Value::Null, "{doc}");
}

/// config.toml as an older plex-auth wrote it: the last validation in `[account]`.
fn write_old_stamp(env: &Env) {
    let text: String = env
        .config_text()
        .lines()
        .filter(|l| !l.starts_with("validated_at") && !l.starts_with("last_result"))
        .map(|l| {
            if l == "[account]" {
                format!("{l}\nvalidated_at = 1700000000\nlast_result = \"rejected\"\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(env.config_path(), text).unwrap();
    let _ = std::fs::remove_file(env.state_dir().join("state.toml"));
}

#[test]
fn an_old_config_toml_still_shows_its_validation_until_validate_moves_it() {
    let env = Env::new();
    env.logged_in();
    write_old_stamp(&env);
    let doc = env.run(&["status", "--json"]).json();
    assert_eq!(doc["validation"]["result"], "rejected", "{doc}");
    assert_eq!(doc["validation"]["at"], "2023-11-14T22:13:20Z", "{doc}");

    // The next validate keeps its verdict in the state folder, and leaves config.toml alone.
    let before = fingerprint(&env.config_path());
    env.run(&["validate", "--quiet"]).ok();
    assert_eq!(fingerprint(&env.config_path()), before);
    let doc = env.run(&["status", "--json"]).json();
    assert_eq!(doc["validation"]["result"], "ok", "{doc}");
    assert_ne!(doc["validation"]["at"], "2023-11-14T22:13:20Z", "{doc}");

    // The next command that writes config.toml anyway drops the old fields.
    env.run(&["rotate-key", "--quiet"]).ok();
    let config = env.config_text();
    assert!(!config.contains("validated_at"), "{config}");
    assert!(!config.contains("last_result"), "{config}");
    let doc = env.run(&["status", "--json"]).json();
    assert_eq!(doc["validation"]["result"], "ok", "{doc}");
}

/// `plex-auth ARGS` with the config folder read-only: a read-only bind mount in a mount
/// namespace of its own as root (where modes stop nothing), modes otherwise. `None`, with
/// the reason said, when neither can make it read-only here.
fn run_with_read_only_config(env: &Env, args: &[&str]) -> Option<Run> {
    if !is_root() {
        let dir = &env.config_dir;
        let set = |mode| {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode)).unwrap();
        };
        set(0o500);
        let run = env.run(args);
        set(0o700);
        return Some(run);
    }
    let probe = std::process::Command::new("unshare")
        .args(["-m", "true"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!(
            "skipped: running as root, where modes do not stop writes, and `unshare -m` is not allowed here to mount the config folder read-only"
        );
        return None;
    }
    let dir = env.config_dir.display();
    let setup = format!(
        "mount --make-rprivate / && mount --bind '{dir}' '{dir}' && \
         mount -o remount,bind,ro '{dir}' && exec \"$0\" \"$@\""
    );
    let mut cmd = env.command("unshare");
    cmd.args(["-m", "sh", "-c", &setup, BIN]).args(args);
    Some(Run::from(cmd.output().unwrap()))
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(|euid| euid == "0"))
        })
        .unwrap_or(false)
}

#[test]
fn validate_works_with_a_read_only_config_folder() {
    let env = Env::new();
    let token = env.logged_in();
    let before = fingerprint(&env.config_path());
    let Some(run) = run_with_read_only_config(&env, &["validate"]) else {
        return;
    };
    run.ok().stdout_has("The token is valid");
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    assert!(state_text(&env).contains("\"ok\""), "{}", state_text(&env));

    env.fake.revoke(&token);
    let run = run_with_read_only_config(&env, &["validate", "--quiet"]).unwrap();
    run.code(4);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert_eq!(fingerprint(&env.config_path()), before);
    let doc = env.run(&["status", "--json"]).json();
    assert_eq!(doc["validation"]["result"], "rejected", "{doc}");
}

#[test]
fn an_unwritable_state_folder_keeps_the_verdict_and_says_so_once() {
    let env = Env::new();
    let token = env.logged_in();
    // A file where the state folder's parent should be: no one can create the folder, root
    // included.
    let blocked = env.dir.path().join("not-a-folder");
    std::fs::write(&blocked, "").unwrap();
    let state = blocked.join("state");
    let run = |args: &[&str]| {
        let mut cmd = env.cmd();
        cmd.env("PLEX_AUTH_STATE_DIR", &state).args(args);
        Run::from(cmd.output().unwrap())
    };
    let before = fingerprint(&env.config_path());

    let ok = run(&["validate"]);
    ok.ok().stdout_has("The token is valid");
    assert_eq!(
        ok.stderr.matches("not kept").count(),
        1,
        "said once: {}",
        ok.stderr
    );
    run(&["validate", "--quiet"])
        .ok()
        .stdout_empty()
        .stderr_empty();

    env.fake.revoke(&token);
    let rejected = run(&["validate"]);
    rejected.code(4);
    assert_eq!(rejected.stderr.matches("not kept").count(), 1);
    assert_eq!(fingerprint(&env.config_path()), before);
}

#[test]
fn the_last_validation_belongs_to_the_account_logout_forgets_it_and_login_counts() {
    let env = Env::new();
    let token = env.logged_in();
    env.fake.revoke(&token);
    env.run(&["validate", "--quiet"]).code(4);
    assert!(state_text(&env).contains("\"rejected\""));

    env.run(&["logout"]).ok();
    assert!(
        !state_text(&env).contains("[validation]"),
        "{}",
        state_text(&env)
    );

    // Another account, linked: its login is its last validation, not alice's verdict.
    let (bob, _) = env.fake.add_user("bob", "bob@example.com");
    let bobs = env.fake.issue_token(bob);
    env.run_stdin(&["login", "--with-token"], &bobs).ok();
    let doc = env.run(&["status", "--json"]).json();
    assert_eq!(doc["account"]["username"], "bob", "{doc}");
    assert_eq!(doc["validation"]["result"], "ok", "{doc}");
    assert!(
        state_text(&env).contains(&format!("account_id = {bob}")),
        "{}",
        state_text(&env)
    );
}
