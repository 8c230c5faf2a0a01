//! `plex-auth token`: the stored token (or the selected server's) for other tools.

use fake_plex::{ConnKind, ConnSpec, ServerSpec};

use crate::util::Env;

#[test]
fn token_prints_the_stored_token_and_nothing_else() {
    let env = Env::new();
    env.run(&["token"]).code(3).stdout_empty();
    let token = env.logged_in();
    let run = env.run(&["token"]);
    run.ok().stderr_empty();
    assert_eq!(run.stdout, format!("{token}\n"));

    // --server: no server selected is exit 6.
    env.run(&["token", "--server"]).code(6).stdout_empty();

    let shared = env.fake.add_server(ServerSpec::shared(
        "Friend",
        "friendid",
        // A shared server is reached at its remote address only.
        vec![ConnSpec {
            local: false,
            ..ConnSpec::new(ConnKind::Live)
        }],
    ));
    env.run(&["select", "friendid", "--timeout", "5"]).ok();
    let run = env.run(&["token", "--server"]);
    run.ok();
    assert_eq!(run.stdout, format!("{}\n", shared.access_token));
    assert_ne!(shared.access_token, token);

    // An owned server without its own token: the account's token.
    env.fake.add_server(ServerSpec::owned(
        "Tower",
        "towerid",
        vec![ConnSpec::new(ConnKind::Live)],
    ));
    env.run(&["select", "towerid", "--timeout", "5"]).ok();
    let run = env.run(&["token", "--server"]);
    run.ok();
    assert_eq!(run.stdout, format!("{token}\n"));

    // The event log never holds a token.
    let log = std::fs::read_to_string(env.state_dir().join("events.jsonl")).unwrap();
    assert!(log.contains("\"command\":\"token\""), "{log}");
    assert!(!log.contains(&token));
    assert!(!log.contains(&shared.access_token));
}

#[test]
fn token_with_json_is_one_document() {
    let env = Env::new();
    // --json: the usual error document, never a token.
    env.run(&["token", "--json"])
        .code(3)
        .error_code("NOT_LOGGED_IN");
    let token = env.logged_in();
    let run = env.run(&["token", "--json", "--quiet"]);
    assert_eq!(run.ok().json()["token"], token.as_str());
}

/// Run with stdout on /dev/full, where every write fails with "no space left on device".
fn to_full_disk(env: &Env, args: &[&str]) -> crate::util::Run {
    let mut cmd = env.cmd();
    cmd.args(args)
        .stdout(std::fs::File::create("/dev/full").expect("/dev/full"));
    crate::util::Run::from(cmd.output().expect("run plex-auth"))
}

#[test]
fn a_failed_write_to_stdout_is_exit_10_not_success() {
    let env = Env::new();
    let token = env.logged_in();
    for args in [
        &["token"][..],
        &["token", "--json"],
        &["status", "--json"],
        &["log", "--json"],
        &["status"],
    ] {
        let run = to_full_disk(&env, args);
        run.code(10)
            .stderr_has("error: cannot write to standard output")
            .stderr_has("No space left on device");
        assert!(!run.stderr.contains(&token), "{}", run.stderr);
    }
    // The event log tells the same outcome as the exit code.
    let last = env.events().into_iter().last().unwrap();
    assert_eq!(last["exit_code"], 10, "{last}");
    // A reader that stops early is not an error.
    let mut cmd = env.cmd();
    cmd.args(["token"]).stdout(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    drop(child.stdout.take());
    assert_eq!(child.wait().unwrap().code(), Some(0));
}
