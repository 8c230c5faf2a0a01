//! Bazarr+ (LavX's fork, 2.2 and later): secrets sealed in its secret store as `enc:v1:` and
//! a Fernet token under a key made from `general.secrets_encryption_key`. The files here are
//! made in the test from upstream's fixture, sealed with Fernet, through the binary.

use std::path::{Path, PathBuf};

use plex_auth::bazarr::secrets::SecretKey;
use plex_auth::bazarr::signer;
use plex_auth::secret::Secret;

use crate::bazarr::{FIXTURE_KEY, bazarr_copy, with_local_server};
use crate::util::Env;

const MASTER: &str = "a-bazarr-plus-secret-key";

fn key() -> SecretKey {
    SecretKey::from_master(MASTER).unwrap()
}

/// A Bazarr+ file: upstream 1.5.6's, with a secret key (empty when `master` is ""), and
/// `plex` keys set as given (values already in the form the test wants on disk).
fn bazarr_plus(env: &Env, master: &str, plex: &[(&str, &str)]) -> PathBuf {
    let path = bazarr_copy(env, "bazarr-1.5.6-fresh-install.config.yaml", None);
    let text = std::fs::read_to_string(&path).unwrap().replace(
        "\ngeneral:\n",
        &format!("\ngeneral:\n  secrets_encryption_key: '{master}'\n"),
    );
    // Only the plex section's keys: `auth` has an `apikey` too.
    let at = text.find("\nplex:\n").unwrap() + "\nplex:\n".len();
    let (head, mut section) = (text[..at].to_string(), text[at..].to_string());
    for (key, value) in plex {
        let new = format!("  {key}: '{value}'");
        section = match section
            .lines()
            .find(|l| l.starts_with(&format!("  {key}: ")))
        {
            Some(old) => section.replacen(&old.to_string(), &new, 1),
            None => format!("{new}\n{section}"),
        };
    }
    let text = head + &section;
    std::fs::write(&path, text).unwrap();
    path
}

fn value(path: &Path, section: &str, key: &str) -> String {
    let doc: yaml_serde::Value =
        yaml_serde::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc[section][key].as_str().unwrap_or_default().to_string()
}

fn opened(path: &Path, section: &str, key: &str) -> String {
    let stored = value(path, section, key);
    assert!(
        stored.starts_with("enc:v1:"),
        "{section}.{key} = {stored:?}"
    );
    self::key().open(&stored).unwrap().to_string()
}

#[test]
fn login_seals_the_token_itself_the_way_bazarr_plus_reads_it() {
    let env = Env::new();
    let path = bazarr_plus(&env, MASTER, &[]);
    let arg = path.to_str().unwrap();
    let token = env.fake.token();
    env.run_stdin(&["login", "--with-token", "--bazarr-config", arg], &token)
        .ok();
    // The token itself, not signed: Bazarr+ sends what it opens to plex.tv as it is.
    assert_eq!(opened(&path, "plex", "token"), token);
    assert_eq!(opened(&path, "plex", "username"), "alice");
    assert_eq!(opened(&path, "plex", "email"), "alice@example.com");
    let status = env.run(&["status", "--json"]).json();
    assert_eq!(status["bazarr"]["token"], "matches", "{status}");
    assert_eq!(status["bazarr"]["flavour"], "bazarr-plus", "{status}");
    assert_eq!(status["bazarr"]["signed_not_encrypted"], false, "{status}");
    env.run(&["status"]).ok().stdout_has("Bazarr+ 2.2 or later");
    // Linking again changes nothing: what is sealed already is kept, not sealed anew.
    let before = std::fs::read(&path).unwrap();
    env.run_stdin(&["login", "--with-token", "--bazarr-config", arg], &token)
        .ok();
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn without_a_secret_key_the_token_is_written_as_plaintext() {
    let env = Env::new();
    let path = bazarr_plus(&env, "", &[]);
    let token = env.fake.token();
    env.run_stdin(
        &[
            "login",
            "--with-token",
            "--bazarr-config",
            path.to_str().unwrap(),
        ],
        &token,
    )
    .ok();
    // Bazarr+ makes its key at its next start and seals what it finds then.
    assert_eq!(value(&path, "plex", "token"), token);
    assert_eq!(value(&path, "plex", "username"), "alice");
}

#[test]
fn a_link_made_in_bazarr_plus_is_adopted() {
    let env = Env::new();
    let token = env.fake.token();
    let path = bazarr_plus(
        &env,
        MASTER,
        &[
            ("auth_method", "oauth"),
            ("token", &key().seal(&token)),
            ("username", &key().seal("alice")),
            ("email", &key().seal("alice@example.com")),
            ("user_id", "12345678"),
        ],
    );
    // Before adopting it, status names Bazarr+'s account opened, not sealed.
    let status = env
        .run(&[
            "status",
            "--json",
            "--bazarr-config",
            path.to_str().unwrap(),
        ])
        .json();
    assert_eq!(status["bazarr"]["link"]["username"], "alice", "{status}");
    assert_eq!(status["bazarr"]["link"]["token"], "opens", "{status}");
    let before = std::fs::read(&path).unwrap();
    env.run(&[
        "login",
        "--from-bazarr",
        "--bazarr-config",
        path.to_str().unwrap(),
    ])
    .ok()
    .stderr_has("Took the token");
    // The account details plex.tv returned are the ones Bazarr+ holds: nothing to write.
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert_eq!(env.run(&["token"]).stdout.trim(), token);
}

/// Bazarr+ 2.2 to 2.5 could not convert an upstream-signed token at start and sealed the
/// signed text as it was; plex-auth reads through that too.
#[test]
fn a_signed_token_bazarr_plus_sealed_as_it_was_still_opens() {
    let env = Env::new();
    let token = env.fake.token();
    let signed = signer::sign(FIXTURE_KEY, &Secret::new(token.clone())).unwrap();
    let path = bazarr_plus(
        &env,
        MASTER,
        &[("auth_method", "oauth"), ("token", &key().seal(&signed))],
    );
    env.run(&[
        "login",
        "--from-bazarr",
        "--bazarr-config",
        path.to_str().unwrap(),
    ])
    .ok();
    assert_eq!(env.run(&["token"]).stdout.trim(), token);
}

#[test]
fn a_sealed_apikey_is_migrated() {
    let env = Env::new();
    let token = env.fake.token();
    with_local_server(&env);
    let path = bazarr_plus(&env, MASTER, &[("apikey", &key().seal(&token))]);
    env.run(&["migrate-apikey", "--bazarr-config", path.to_str().unwrap()])
        .ok()
        .stdout_has("Migrated");
    assert_eq!(env.run(&["token"]).stdout.trim(), token);
    assert_eq!(opened(&path, "plex", "token"), token);
}

#[test]
fn a_secret_sealed_under_another_key_is_exit_9_and_says_which() {
    let env = Env::new();
    let other = SecretKey::from_master("not-this-files-key").unwrap();
    let path = bazarr_plus(&env, MASTER, &[("apikey", &other.seal("whatever"))]);
    let before = std::fs::read(&path).unwrap();
    env.run(&["migrate-apikey", "--bazarr-config", path.to_str().unwrap()])
        .code(9)
        .stderr_has("plex.apikey does not open with general.secrets_encryption_key");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

/// Python's `cryptography`, as Bazarr+ uses it (tests/python/fernet_check.py).
fn python_fernet(action: &str, value: &str) -> String {
    crate::util::test_python("fernet_check.py", &[action, MASTER, value])
        .trim()
        .to_string()
}

/// What plex-auth seals, Python's Fernet opens; what Python's Fernet seals, plex-auth opens.
#[test]
#[ignore = "needs Python with cryptography (PLEX_AUTH_TEST_PYTHON); .ci/run runs it"]
fn python_cryptography_and_plex_auth_open_each_others_secrets() {
    let env = Env::new();
    let token = env.fake.token();
    with_local_server(&env);
    let path = bazarr_plus(&env, MASTER, &[("apikey", &python_fernet("seal", &token))]);
    env.run(&["migrate-apikey", "--bazarr-config", path.to_str().unwrap()])
        .ok()
        .stdout_has("Migrated");
    assert_eq!(env.run(&["token"]).stdout.trim(), token);
    assert_eq!(python_fernet("open", &value(&path, "plex", "token")), token);
    assert_eq!(
        python_fernet("open", &value(&path, "plex", "username")),
        "alice"
    );
}

/// A running Bazarr+ behind its Docker supervisor: its API takes the opened `auth.apikey`,
/// answers the restart with `503` while the process behind it restarts, and then runs on
/// the file's new values, its secrets opened and its system secrets masked.
#[test]
fn restart_bazarr_restarts_bazarr_plus_with_its_opened_api_key() {
    let env = Env::new();
    let path = bazarr_plus(&env, MASTER, &[]);
    let apikey = "dd5706718ef782d2b3221435636f921a";
    let text = std::fs::read_to_string(&path).unwrap().replacen(
        &format!("  apikey: {apikey}\n"),
        &format!("  apikey: '{}'\n", key().seal(apikey)),
        1,
    );
    std::fs::write(&path, text).unwrap();
    let bazarr = fake_plex::FakeBazarr::start(&path);
    bazarr.supervised();
    let mut cmd = env.cmd();
    cmd.env("PLEX_AUTH_BAZARR_URL", bazarr.url()).args([
        "login",
        "--with-token",
        "--restart-bazarr",
        "--bazarr-config",
        path.to_str().unwrap(),
    ]);
    crate::util::run_with_input(cmd, &env.fake.token())
        .ok()
        .stderr_has("Restarted Bazarr")
        .stderr_has("it runs on the new Plex settings");
    assert_eq!(bazarr.restarts(), 1);
    assert_eq!(opened(&path, "plex", "token"), env.fake.token());
}

/// `select` writes Bazarr+'s server keys as upstream's (they are not secrets); `logout`
/// clears its sign-in, and no secret is left in clear in the file or its backup.
#[test]
fn select_and_logout_on_bazarr_plus_leave_no_secret_in_clear() {
    let env = Env::new();
    let token = env.fake.token();
    let server = with_local_server(&env);
    let path = bazarr_plus(&env, MASTER, &[]);
    let arg = path.to_str().unwrap();
    env.run_stdin(&["login", "--with-token", "--bazarr-config", arg], &token)
        .ok();
    env.run(&["select", "Tower"]).ok();
    assert_eq!(value(&path, "plex", "server_url"), server.uris[0]);
    assert_eq!(opened(&path, "plex", "token"), token);
    env.run(&["logout"]).ok();
    assert_eq!(value(&path, "plex", "token"), "");
    for file in [path.clone(), path.with_file_name("config.yaml.bak")] {
        if let Ok(text) = std::fs::read_to_string(&file) {
            assert!(
                !text.contains(&token),
                "{} holds the token in clear",
                file.display()
            );
        }
    }
}

/// An `auth.apikey` that does not open with the file's key cannot reach Bazarr+'s API: the
/// restart is exit 5, says which key and why, and the new settings stay in the file.
#[test]
fn restart_bazarr_with_an_api_key_that_does_not_open_says_so() {
    let env = Env::new();
    let path = bazarr_plus(&env, MASTER, &[]);
    let other = SecretKey::from_master("not-this-files-key").unwrap();
    let text = std::fs::read_to_string(&path).unwrap().replacen(
        "  apikey: dd5706718ef782d2b3221435636f921a\n",
        &format!(
            "  apikey: '{}'\n",
            other.seal("dd5706718ef782d2b3221435636f921a")
        ),
        1,
    );
    std::fs::write(&path, text).unwrap();
    let arg = path.to_str().unwrap();
    let run = env.run_stdin(
        &[
            "login",
            "--with-token",
            "--restart-bazarr",
            "--bazarr-config",
            arg,
        ],
        &env.fake.token(),
    );
    run.code(5)
        .stderr_has("auth.apikey does not open with general.secrets_encryption_key")
        .stderr_has("holds the new Plex settings");
    assert_eq!(opened(&path, "plex", "token"), env.fake.token());
}

/// A Bazarr+ registered with `apps add bazarr` (beside an account linked without one) gets a
/// token of its own, sealed as Bazarr+ reads it, and `apps list` opens it to compare.
#[test]
fn a_bazarr_plus_registered_as_an_app_gets_its_own_token_sealed() {
    let env = Env::new();
    let account = env.logged_in();
    let path = bazarr_plus(&env, MASTER, &[]);
    env.run(&["apps", "add", "bazarr", path.to_str().unwrap()])
        .ok()
        .stdout_has("Registered bazarr (Bazarr+) at")
        .stderr_has("a new token of its own; updated");
    let token = opened(&path, "plex", "token");
    assert_ne!(token, account);
    assert!(env.fake.is_valid(&token));
    assert_eq!(opened(&path, "plex", "username"), "alice");
    env.run(&["apps", "list"]).ok().stdout_has("matches (own)");
}
