//! Commands that never talk to plex.tv run whatever `PLEX_AUTH_PLEX_URL` holds; the commands
//! that do use it refuse a bad value and name where it came from.

use crate::util::{Env, Run};

#[test]
fn offline_commands_ignore_a_bad_plex_url() {
    let env = Env::new();
    env.logged_in();
    for bad in ["http://plex.tv", "not a url"] {
        for args in [
            &["status"][..],
            &["man"],
            &["completions", "bash"],
            &["man", "validate"],
        ] {
            let mut cmd = env.cmd();
            cmd.env("PLEX_AUTH_PLEX_URL", bad)
                .env("PLEX_AUTH_APP_URL", bad)
                .args(args);
            Run::from(cmd.output().unwrap()).ok();
        }
    }
}

#[test]
fn a_bad_url_is_blamed_on_the_variable_or_the_flag_that_set_it() {
    let env = Env::new();
    env.logged_in();
    let mut cmd = env.cmd();
    cmd.env("PLEX_AUTH_PLEX_URL", "http://plex.tv")
        .arg("validate");
    let run = Run::from(cmd.output().unwrap());
    run.code(9).stderr_has("PLEX_AUTH_PLEX_URL http://plex.tv");
    assert!(!run.stderr.contains("--plex-url"), "{}", run.stderr);

    env.run(&["validate", "--plex-url", "http://plex.tv"])
        .code(9)
        .stderr_has("--plex-url http://plex.tv");

    // The sign-in page's base is checked before a PIN is created.
    let mut cmd = env.cmd();
    cmd.env("PLEX_AUTH_APP_URL", "http://example.com/auth")
        .args(["login", "--force", "--no-browser"]);
    Run::from(cmd.output().unwrap())
        .code(9)
        .stderr_has("PLEX_AUTH_APP_URL");
    assert_eq!(env.fake.pins_created(), 0);
}

#[test]
fn status_json_when_not_logged_in_is_a_status_document_and_exit_3() {
    let env = Env::new();
    let bazarr = env.dir.path().join("config.yaml");
    std::fs::write(
        &bazarr,
        "general:\n  use_plex: false\nplex:\n  apikey: ''\n",
    )
    .unwrap();
    let run = env.run(&[
        "status",
        "--json",
        "--bazarr-config",
        bazarr.to_str().unwrap(),
    ]);
    run.code(3);
    let doc = run.json();
    assert_eq!(doc["logged_in"], false, "{doc}");
    assert_eq!(doc["store"]["location"], "nothing stored yet");
    assert_eq!(
        doc["key_file"],
        env.key_path().display().to_string(),
        "{doc}"
    );
    assert_eq!(doc["bazarr"]["path"], bazarr.display().to_string());
    assert_eq!(doc["bazarr"]["readable"], true);
    assert_eq!(doc["error"]["code"], "NOT_LOGGED_IN");
    // After a logout the recorded store is still known.
    env.logged_in();
    env.run(&["logout"]).ok();
    let run = env.run(&["status", "--json"]);
    run.code(3);
    assert_eq!(run.json()["store"]["backend"], "file");
    // People still get one error line.
    env.run(&["status"])
        .code(3)
        .stdout_empty()
        .stderr_has("not logged in");
}
