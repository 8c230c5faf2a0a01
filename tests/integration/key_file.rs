//! A key file given with `--key-file` when the token is sealed is remembered in config.toml.

use crate::util::Env;

#[test]
fn a_key_file_given_at_login_is_remembered() {
    let env = Env::new();
    let moved = env.dir.path().join("elsewhere/plex-auth.key");
    let token = env.fake.token();
    env.run_stdin(
        &[
            "--key-file",
            moved.to_str().unwrap(),
            "login",
            "--with-token",
        ],
        &token,
    )
    .ok();
    assert!(moved.exists());
    assert!(!env.key_path().exists());
    assert!(env.config_text().contains("key_file = "));

    // A plain run finds the key where it was sealed.
    env.run(&["validate"]).ok();
    let status = env.run(&["status", "--json"]).json();
    assert_eq!(status["key_file"], moved.to_str().unwrap());
    assert_eq!(status["key_source"], "recorded");
    env.run(&["status"])
        .ok()
        .stdout_has("[recorded in config.toml]");

    // The flag still wins.
    let other = env.dir.path().join("other.key");
    env.run(&["--key-file", other.to_str().unwrap(), "validate"])
        .code(8);

    // Sealing again with the default key forgets the recorded place.
    env.run_stdin(
        &[
            "--key-file",
            env.key_path().to_str().unwrap(),
            "login",
            "--with-token",
            "--force",
        ],
        &token,
    )
    .ok();
    assert!(!env.config_text().contains("key_file"));
    env.run(&["validate"]).ok();
    assert_eq!(
        env.run(&["status", "--json"]).json()["key_source"],
        "default"
    );
}

#[test]
fn a_key_moved_and_rotated_into_place_is_remembered() {
    let env = Env::new();
    env.logged_in();
    let moved = env.dir.path().join("moved.key");
    std::fs::rename(env.key_path(), &moved).unwrap();
    env.run(&["validate"]).code(8);
    env.run(&["--key-file", moved.to_str().unwrap(), "rotate-key"])
        .ok();
    env.run(&["validate"]).ok();
}

#[test]
fn a_credential_key_is_not_recorded() {
    let env = Env::new();
    let creds = env.dir.path().join("creds");
    std::fs::create_dir_all(&creds).unwrap();
    let key = creds.join("plex-auth.key");
    std::fs::write(&key, [7u8; 32]).unwrap();
    let mut cmd = env.cmd();
    cmd.env("CREDENTIALS_DIRECTORY", &creds)
        .args(["login", "--with-token"]);
    let run = crate::util::run_with_input(cmd, &env.fake.token());
    run.ok();
    assert!(!env.config_text().contains("key_file"));
    let mut cmd = env.cmd();
    cmd.env("CREDENTIALS_DIRECTORY", &creds)
        .args(["status", "--json"]);
    let status = crate::util::Run::from(cmd.output().unwrap()).json();
    assert_eq!(status["key_source"], "credential");
}

/// Where the key path came from is what clap saw: the variable, or the flag typed before or
/// after the subcommand (which wins over the variable).
#[test]
fn the_key_source_tells_the_variable_from_the_flag() {
    let env = Env::new();
    let key = env.dir.path().join("k/plex-auth.key");
    let token = env.fake.token();
    env.run_stdin(
        &["--key-file", key.to_str().unwrap(), "login", "--with-token"],
        &token,
    )
    .ok();
    let source = |args: &[&str]| {
        let mut cmd = env.cmd();
        cmd.env("PLEX_AUTH_KEY_FILE", &key).args(args);
        crate::util::Run::from(cmd.output().unwrap()).json()["key_source"].clone()
    };
    assert_eq!(source(&["status", "--json"]), "env");
    let k = key.to_str().unwrap();
    assert_eq!(source(&["status", "--json", "--key-file", k]), "flag");
    assert_eq!(source(&["--key-file", k, "status", "--json"]), "flag");
}

/// The README's system setup: the key is made at a chosen path at login (and recorded), and
/// the unit hands the same file over with LoadCredential=. Under the unit the credential is
/// the key, so the recorded path is not read and rotate-key refuses.
#[test]
fn under_a_credential_directory_the_credential_wins_over_a_recorded_path() {
    let env = Env::new();
    let chosen = env.dir.path().join("etc/plex-auth/key");
    env.run_stdin(
        &[
            "--key-file",
            chosen.to_str().unwrap(),
            "login",
            "--with-token",
        ],
        &env.fake.token(),
    )
    .ok();
    assert!(env.config_text().contains("key_file"));
    let creds = env.dir.path().join("creds");
    std::fs::create_dir_all(&creds).unwrap();
    std::fs::copy(&chosen, creds.join("plex-auth.key")).unwrap();
    // The chosen file is out of reach under the unit (ProtectSystem=, another mount):
    // only the credential opens the token.
    std::fs::rename(&chosen, env.dir.path().join("elsewhere")).unwrap();
    let run_in_unit = |args: &[&str]| {
        let mut cmd = env.cmd();
        cmd.env("CREDENTIALS_DIRECTORY", &creds).args(args);
        crate::util::Run::from(cmd.output().unwrap())
    };
    let status = run_in_unit(&["status", "--json"]);
    status.ok();
    assert_eq!(status.json()["key_source"], "credential");
    run_in_unit(&["validate"]).ok();
    run_in_unit(&["rotate-key"])
        .code(8)
        .stderr_has("systemd credential");
}
