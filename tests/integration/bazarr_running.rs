//! A running Bazarr (issue 9): it holds its settings in memory and writes them back on every
//! save, so a change to its file only lasts once it restarted through its own API. These run
//! the binary against `fake_bazarr`, which behaves that way.

use std::path::{Path, PathBuf};

use fake_plex::{ConnKind, ConnSpec, ServerSpec};

use crate::bazarr::bazarr_copy;
use crate::fake_bazarr::FakeBazarr;
use crate::util::{Env, Run, run_with_input};

fn run(env: &Env, bazarr: &str, args: &[&str], stdin: &str) -> Run {
    let mut cmd = env.cmd();
    cmd.env("PLEX_AUTH_BAZARR_URL", bazarr).args(args);
    run_with_input(cmd, stdin)
}

fn token_in(path: &Path) -> String {
    let doc: yaml_serde::Value =
        yaml_serde::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc["plex"]["token"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn running(env: &Env, fixture: &str) -> (PathBuf, FakeBazarr) {
    let path = bazarr_copy(env, fixture, Some(&env.fake.token()));
    let fake = FakeBazarr::start(&path);
    (path, fake)
}

const FRESH: &str = "bazarr-1.5.6-fresh-install.config.yaml";
const LEGACY: &str = "bazarr-1.5.6-legacy-apikey-auto-encrypted.config.yaml";

#[test]
fn a_change_to_a_running_bazarr_warns_that_its_next_save_undoes_it() {
    let env = Env::new();
    let (path, bazarr) = running(&env, FRESH);
    let p = path.to_str().unwrap();
    run(
        &env,
        &bazarr.url(),
        &["login", "--with-token", "--bazarr-config", p],
        &env.fake.token(),
    )
    .ok()
    .stderr_has("ignores the change")
    .stderr_has("plex.token")
    .stderr_has("login --restart-bazarr`");
    assert!(!token_in(&path).is_empty());
    assert_eq!(bazarr.restarts(), 0);
    // What the warning says: Bazarr's next save writes its old settings back.
    bazarr.save();
    assert_eq!(token_in(&path), "");
}

#[test]
fn restart_bazarr_restarts_it_through_its_api_and_checks_the_new_values_are_live() {
    let env = Env::new();
    let (path, bazarr) = running(&env, FRESH);
    let p = path.to_str().unwrap();
    run(
        &env,
        &bazarr.url(),
        &[
            "login",
            "--with-token",
            "--restart-bazarr",
            "--bazarr-config",
            p,
        ],
        &env.fake.token(),
    )
    .ok()
    .stderr_has("Restarted Bazarr")
    .stderr_has("runs on the new Plex settings");
    assert_eq!(bazarr.restarts(), 1);
    let live = bazarr.live("plex", "token").unwrap();
    assert_eq!(live.as_str().unwrap(), token_in(&path));
    bazarr.save();
    assert_eq!(
        token_in(&path),
        live.as_str().unwrap(),
        "a save keeps it now"
    );
    let requests = bazarr.requests();
    assert_eq!(requests[0], "GET /api/system/status", "{requests:?}");
    assert_eq!(requests[1], "GET /api/system/settings", "{requests:?}");
    assert_eq!(
        requests[2], "POST /api/system?action=restart",
        "{requests:?}"
    );
    assert_eq!(requests.last().unwrap(), "GET /api/system/settings");
    assert!(
        !path
            .parent()
            .unwrap()
            .parent()
            .unwrap()
            .join("bazarr.restart")
            .exists()
    );

    // Nothing left to restart: a second run leaves it running.
    run(&env, &bazarr.url(), &["login", "--restart-bazarr"], "")
        .ok()
        .stderr_has("no restart needed");
    assert_eq!(bazarr.restarts(), 1);

    // status compares the file with what runs.
    let status = env.run(&["status", "--json"]);
    assert_eq!(status.json()["bazarr"]["running"], false);
    let status = run(&env, &bazarr.url(), &["status", "--json"], "");
    assert_eq!(status.json()["bazarr"]["running"], true);
    assert_eq!(status.json()["bazarr"]["live"], "matches");
}

#[test]
fn restart_bazarr_waits_for_a_bazarr_that_ends_inside_the_restart_request() {
    // The fake ends the old process inside the request, as Bazarr 1.5.3+ and Bazarr+ do:
    // the connection closes with no answer, which means "restarting", not a failure.
    let env = Env::new();
    let (path, bazarr) = running(&env, FRESH);
    let p = path.to_str().unwrap();
    let args = [
        "login",
        "--with-token",
        "--restart-bazarr",
        "--bazarr-config",
        p,
    ];
    let out = run(&env, &bazarr.url(), &args, &env.fake.token());
    out.ok()
        .stderr_has("Restarted Bazarr")
        .stderr_has("runs on the new Plex settings");
    assert!(!out.stderr.contains("failed"), "{}", out.stderr);
    assert_eq!(bazarr.restarts(), 1);
    assert_eq!(
        bazarr.live("plex", "token").unwrap().as_str().unwrap(),
        token_in(&path)
    );
}

#[test]
fn restart_bazarr_still_works_with_a_bazarr_that_answers_the_restart() {
    // Bazarr 1.5.2 and older return 204 from the restart handler.
    let env = Env::new();
    let (path, bazarr) = running(&env, FRESH);
    bazarr.answers_restart();
    let p = path.to_str().unwrap();
    let args = [
        "login",
        "--with-token",
        "--restart-bazarr",
        "--bazarr-config",
        p,
    ];
    run(&env, &bazarr.url(), &args, &env.fake.token())
        .ok()
        .stderr_has("Restarted Bazarr");
    assert_eq!(bazarr.restarts(), 1);
    assert_eq!(
        bazarr.live("plex", "token").unwrap().as_str().unwrap(),
        token_in(&path)
    );
}

#[test]
fn status_shows_a_running_bazarr_on_other_settings_without_showing_secrets() {
    let env = Env::new();
    let (path, bazarr) = running(&env, FRESH);
    let p = path.to_str().unwrap();
    run(
        &env,
        &bazarr.url(),
        &["login", "--with-token", "--bazarr-config", p],
        &env.fake.token(),
    )
    .ok();
    let status = run(&env, &bazarr.url(), &["status", "--json"], "");
    let json = status.json();
    assert_eq!(json["bazarr"]["live"], "differs");
    let text = json["bazarr"]["live_differences"].to_string();
    assert!(text.contains("plex.token"), "{text}");
    assert!(!text.contains(&token_in(&path)), "{text}");
    run(&env, &bazarr.url(), &["status"], "")
        .ok()
        .stdout_has("OTHER Plex settings");
}

#[test]
fn restart_bazarr_is_exit_5_when_bazarr_does_not_answer_or_come_back() {
    let env = Env::new();
    let (path, bazarr) = running(&env, FRESH);
    let p = path.to_str().unwrap();
    let token = env.fake.token();
    // Nothing listens there.
    run(
        &env,
        "http://127.0.0.1:9/",
        &[
            "login",
            "--with-token",
            "--restart-bazarr",
            "--bazarr-config",
            p,
        ],
        &token,
    )
    .code(5)
    .stderr_has("holds the new Plex settings")
    .stderr_has("does not answer");
    assert!(
        !token_in(&path).is_empty(),
        "the file is written either way"
    );

    bazarr.never_comes_back();
    let mut cmd = env.cmd();
    cmd.env("PLEX_AUTH_BAZARR_URL", bazarr.url())
        .env("PLEX_AUTH_BAZARR_RESTART_TIMEOUT", "3")
        .args(["logout", "--restart-bazarr"]);
    run_with_input(cmd, "")
        .code(5)
        .stderr_has("did not answer again within 3 s")
        .stderr_has("holds the new Plex settings");
    assert_eq!(bazarr.restarts(), 1);
}

#[test]
fn a_wrong_api_key_is_refused_and_said_so() {
    let env = Env::new();
    let (path, bazarr) = running(&env, FRESH);
    let text = std::fs::read_to_string(&path).unwrap();
    // Bazarr runs with the key it read at start; the file now says another one.
    std::fs::write(
        &path,
        text.replace(
            "apikey: dd5706718ef782d2b3221435636f921a",
            "apikey: wrongkey",
        ),
    )
    .unwrap();
    let p = path.to_str().unwrap();
    run(
        &env,
        &bazarr.url(),
        &[
            "login",
            "--with-token",
            "--restart-bazarr",
            "--bazarr-config",
            p,
        ],
        &env.fake.token(),
    )
    .code(5)
    .stderr_has("refused auth.apikey");
    assert_eq!(bazarr.restarts(), 0);
}

#[test]
fn the_address_comes_from_the_file_unless_bazarr_url_says_otherwise() {
    let env = Env::new();
    let path = bazarr_copy(&env, FRESH, None);
    let bazarr = FakeBazarr::start(&path);
    let text = std::fs::read_to_string(&path).unwrap();
    let port = format!("  port: {}\n", bazarr.port());
    std::fs::write(&path, text.replacen("  port: 6767\n", &port, 1)).unwrap();
    let p = path.to_str().unwrap();
    let mut cmd = env.cmd();
    cmd.env_remove("PLEX_AUTH_BAZARR_URL").args([
        "login",
        "--with-token",
        "--restart-bazarr",
        "--bazarr-config",
        p,
    ]);
    run_with_input(cmd, &env.fake.token())
        .ok()
        .stderr_has(&format!("http://127.0.0.1:{}/", bazarr.port()));
    assert_eq!(bazarr.restarts(), 1);
}

#[test]
fn migrate_apikey_refuses_a_running_bazarr_unless_it_may_restart_it() {
    let env = Env::new();
    env.fake.add_server(ServerSpec::owned(
        "Tower",
        "towerid",
        vec![ConnSpec::new(ConnKind::Live)],
    ));
    let (path, bazarr) = running(&env, LEGACY);
    let before = std::fs::read(&path).unwrap();
    let p = path.to_str().unwrap();
    run(
        &env,
        &bazarr.url(),
        &["migrate-apikey", "--bazarr-config", p],
        "",
    )
    .code(9)
    .stderr_has("Bazarr is running")
    .stderr_has("nothing was written")
    .stderr_has("migrate-apikey --restart-bazarr`");
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert!(!env.config_path().exists() || !env.config_text().contains("sealed_token"));

    run(
        &env,
        &bazarr.url(),
        &["migrate-apikey", "--restart-bazarr", "--bazarr-config", p],
        "",
    )
    .ok()
    .stderr_has("Restarted Bazarr");
    assert_eq!(bazarr.restarts(), 1);
    assert_eq!(bazarr.live("plex", "auth_method").unwrap(), "oauth");
    assert_eq!(bazarr.live("plex", "disable_auto_migration").unwrap(), true);
    assert!(
        !path
            .parent()
            .unwrap()
            .parent()
            .unwrap()
            .join("bazarr.restart")
            .exists()
    );
}

#[test]
fn select_of_a_shared_server_leaves_bazarrs_server_keys_alone() {
    let env = Env::new();
    env.fake.add_server(ServerSpec::shared(
        "Friend",
        "friendid",
        vec![ConnSpec {
            local: false,
            ..ConnSpec::new(ConnKind::Live)
        }],
    ));
    let path = bazarr_copy(&env, FRESH, None);
    let p = path.to_str().unwrap();
    env.run_stdin(
        &["login", "--with-token", "--bazarr-config", p],
        &env.fake.token(),
    )
    .ok();
    let before = std::fs::read(&path).unwrap();
    let out = env.run(&["select", "Friend", "--json"]);
    out.ok().stderr_has("shared with the account");
    let json = out.json();
    assert_eq!(json["selected"]["machine_id"], "friendid");
    assert_eq!(json["bazarr"]["server_written"], false);
    assert_eq!(json["bazarr"]["reason"], "not-owned");
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert_eq!(
        env.run(&["status", "--json"]).json()["server"]["machine_id"],
        "friendid"
    );
}
