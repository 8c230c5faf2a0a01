//! One command, one transaction: plex-auth's store and Bazarr's file change together or not
//! at all, and commands running at the same moment never leave them disagreeing.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use plex_auth::bazarr::signer;
use plex_auth::secret::Secret;

use crate::util::{Env, Run};

fn bazarr_file(env: &Env) -> PathBuf {
    let dir = env.dir.path().join("bazarr");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("config.yaml");
    std::fs::write(
        &path,
        "general:\n  use_plex: false\nplex:\n  auth_method: apikey\n  apikey: ''\n  token: ''\n  encryption_key: ''\n",
    )
    .unwrap();
    path
}

/// The token Bazarr's file holds, opened with its own key; None when it holds none.
fn bazarr_token(path: &Path) -> Option<String> {
    let doc: yaml_serde::Value =
        yaml_serde::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let signed = doc["plex"]["token"].as_str().unwrap_or_default();
    if signed.is_empty() {
        return None;
    }
    let key = doc["plex"]["encryption_key"].as_str().unwrap_or_default();
    Some(signer::verify(key, signed).unwrap().expose().to_string())
}

#[test]
fn logout_that_cannot_update_bazarr_keeps_the_token_and_says_so() {
    let env = Env::new();
    let path = bazarr_file(&env);
    let token = env.fake.token();
    let mut cmd = env.cmd();
    cmd.args(["login", "--with-token", "--bazarr-config"])
        .arg(&path);
    crate::util::run_with_input(cmd, &token).ok();
    // Someone breaks Bazarr's file.
    std::fs::write(&path, "plex: {token: [unclosed\n").unwrap();
    env.run(&["logout"])
        .code(9)
        .stderr_has("nothing was logged out");
    // Still logged in here: the message above is true.
    env.run(&["status"]).ok();
}

#[test]
fn login_and_logout_at_the_same_moment_leave_both_stores_agreeing() {
    let env = Env::new();
    let path = bazarr_file(&env);
    let token = env.fake.token();
    let mut cmd = env.cmd();
    cmd.args(["login", "--with-token", "--bazarr-config"])
        .arg(&path);
    crate::util::run_with_input(cmd, &token).ok();
    for round in 0..15 {
        let mut login = env.cmd();
        login
            .args(["login", "--with-token", "--force"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut logout = env.cmd();
        logout
            .arg("logout")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut a = login.spawn().unwrap();
        let b = logout.spawn().unwrap();
        {
            use std::io::Write;
            let mut stdin = a.stdin.take().unwrap();
            let _ = stdin.write_all(token.as_bytes());
        }
        let a = Run::from(a.wait_with_output().unwrap());
        let b = Run::from(b.wait_with_output().unwrap());
        assert_eq!(a.code, 0, "login: {}", a.stderr);
        assert_eq!(b.code, 0, "logout: {}", b.stderr);
        let here = env.run(&["status", "--json"]);
        let linked_here = here.code == 0;
        assert_eq!(
            bazarr_token(&path).is_some(),
            linked_here,
            "round {round}: plex-auth {} a token but Bazarr's file {}",
            if linked_here {
                "holds"
            } else {
                "does not hold"
            },
            if linked_here {
                "does not"
            } else {
                "still does"
            },
        );
        if linked_here {
            assert_eq!(bazarr_token(&path).as_deref(), Some(token.as_str()));
        }
    }
    let _ = Secret::new("unused");
}

/// A small Bazarr file deep under long folder names: config.toml, which remembers that
/// path, is then always larger than Bazarr's file, so a file size limit between the two
/// makes only plex-auth's own write fail, as a full disk under config.toml would.
fn deep_bazarr_file(env: &Env) -> PathBuf {
    let mut dir = env.dir.path().to_path_buf();
    for c in ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'] {
        dir.push(c.to_string().repeat(200));
    }
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("config.yaml");
    std::fs::copy(bazarr_file(env), &path).unwrap();
    path
}

/// Larger than any Bazarr file here, smaller than config.toml with the deep path in it.
const LIMIT: u64 = 1400;

fn limited(env: &Env, args: &[&str]) -> Run {
    let mut cmd = env.cmd();
    cmd.args(args);
    crate::events::with_file_size_limit(&mut cmd, LIMIT);
    Run::from(cmd.output().unwrap())
}

fn owned(env: &Env, name: &str, id: &str) {
    env.fake.add_server(fake_plex::ServerSpec::owned(
        name,
        id,
        vec![fake_plex::ConnSpec {
            local: true,
            ..fake_plex::ConnSpec::new(fake_plex::ConnKind::Live)
        }],
    ));
}

#[test]
fn a_select_that_cannot_be_saved_here_puts_bazarrs_file_back() {
    let env = Env::new();
    let path = deep_bazarr_file(&env);
    owned(&env, "Alpha", "alphaid");
    owned(&env, "Bravo", "bravoid");
    let mut cmd = env.cmd();
    cmd.args(["login", "--with-token", "--bazarr-config"])
        .arg(&path);
    crate::util::run_with_input(cmd, &env.fake.token()).ok();
    env.run(&["select", "alphaid"]).ok();
    let bazarr = std::fs::read_to_string(&path).unwrap();
    let config = env.config_text();
    assert!(bazarr.len() < LIMIT as usize && config.len() > LIMIT as usize);

    let run = limited(&env, &["select", "bravoid"]);
    run.code(9);
    assert!(
        std::fs::read_to_string(&path).unwrap() == bazarr,
        "Bazarr's file was left changed"
    );
    assert_eq!(env.config_text(), config);
    assert!(bazarr.contains("server_machine_id: alphaid"));
    run.stderr_has("Bravo was not selected: cannot write")
        .stderr_has("config.toml")
        .stderr_has("was put back as it was, so nothing changed there either");
}

#[test]
fn a_logout_that_cannot_be_saved_here_puts_bazarrs_file_back() {
    let env = Env::new();
    let path = deep_bazarr_file(&env);
    let token = env.fake.token();
    let mut cmd = env.cmd();
    cmd.args(["login", "--with-token", "--bazarr-config"])
        .arg(&path);
    crate::util::run_with_input(cmd, &token).ok();
    let bazarr = std::fs::read_to_string(&path).unwrap();

    let run = limited(&env, &["logout"]);
    run.code(9);
    assert_eq!(
        bazarr_token(&path).as_deref(),
        Some(token.as_str()),
        "Bazarr's token was cleared"
    );
    assert!(std::fs::read_to_string(&path).unwrap() == bazarr);
    run.stderr_has("nothing was logged out: cannot write")
        .stderr_has("was put back as it was, so nothing changed there either");
    env.run(&["status"]).ok();

    // With room again, the same logout clears both.
    env.run(&["logout"]).ok();
    assert_eq!(bazarr_token(&path), None);
}
