//! Bazarr's config.yaml as plex-auth writes it: login, select, logout, status and
//! migrate-apikey on copies of files Bazarr itself produced. The interop tests load the
//! result with Bazarr's own libraries (dynaconf, itsdangerous) and are run by `.ci/run`.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use fake_plex::{ConnKind, ConnSpec, Fault, ServerSpec};
use plex_auth::bazarr::signer;
use plex_auth::secret::Secret;

use crate::util::{Env, Run};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/bazarr");
const FIXTURE_APIKEY: &str = "AbCdEfGhIjKlMnOpQrSt";
const FIXTURE_SIGNED_APIKEY: &str = "eyJ0b2tlbiI6IkFiQ2RFZkdoSWpLbE1uT3BRclN0Iiwic2FsdCI6IjlmODZkMDgxODg0YzdkNjU5YTJmZWFhMGM1NWFkMDE1IiwidGltZXN0YW1wIjoxNzY3MjI1NjAwfQ.isZiuGDSp3GfNAxym9_jFbfwfX0";
pub const FIXTURE_KEY: &str = "q3Vx8bN1sYpT0wLrKc5dHfZ2mJ7aGeU9iOvRtW4yXk6";

/// A copy of a fixture in Bazarr's layout (`<data>/config/config.yaml`), with the fixture's
/// invented Plex token replaced by `token` (signed again when the fixture signed it).
pub fn bazarr_copy(env: &Env, fixture: &str, token: Option<&str>) -> PathBuf {
    let dir = env.dir.path().join("bazarr-data/config");
    std::fs::create_dir_all(&dir).unwrap();
    let mut text = std::fs::read_to_string(Path::new(FIXTURES).join(fixture)).unwrap();
    if let Some(token) = token {
        let signed = signer::sign(FIXTURE_KEY, &Secret::new(token)).unwrap();
        text = text
            .replace(FIXTURE_SIGNED_APIKEY, &signed)
            .replace(FIXTURE_APIKEY, token);
    }
    let path = dir.join("config.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

fn yaml(path: &Path) -> yaml_serde::Value {
    yaml_serde::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn plex<'a>(doc: &'a yaml_serde::Value, key: &str) -> &'a yaml_serde::Value {
    &doc["plex"][key]
}

/// Every top-level section but `plex` and `general`, and every key in those two except the
/// named ones, is exactly as before.
fn assert_only_changed(before: &yaml_serde::Value, after: &yaml_serde::Value, allowed: &[&str]) {
    let b = before.as_mapping().unwrap();
    let a = after.as_mapping().unwrap();
    for (k, v) in b {
        let name = k.as_str().unwrap();
        if name == "plex" || name == "general" {
            for (ik, iv) in v.as_mapping().unwrap() {
                let key = format!("{name}.{}", ik.as_str().unwrap());
                if !allowed.contains(&key.as_str()) {
                    assert_eq!(Some(iv), a[k].get(ik), "{key} changed");
                }
            }
        } else {
            assert_eq!(Some(v), a.get(k), "section {name} changed");
        }
    }
}

const AUTH_KEYS: &[&str] = &[
    "general.use_plex",
    "plex.auth_method",
    "plex.token",
    "plex.encryption_key",
    "plex.username",
    "plex.email",
    "plex.user_id",
    "plex.apikey",
    "plex.apikey_encrypted",
];

#[test]
fn login_select_logout_keep_bazarr_in_step() {
    let env = Env::new();
    let path = bazarr_copy(&env, "bazarr-1.5.6-fresh-install.config.yaml", None);
    let before = yaml(&path);
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
    .ok()
    .stderr_has("Updated Bazarr's");
    let after = yaml(&path);
    assert_eq!(after["general"]["use_plex"], yaml_serde::Value::Bool(true));
    assert_eq!(plex(&after, "auth_method").as_str(), Some("oauth"));
    assert_eq!(
        plex(&after, "encryption_key").as_str(),
        Some(FIXTURE_KEY),
        "Bazarr's key reused"
    );
    assert_eq!(
        plex(&after, "user_id").as_str(),
        Some("12345678"),
        "a string"
    );
    let signed = plex(&after, "token").as_str().unwrap();
    assert_eq!(signer::verify(FIXTURE_KEY, signed).unwrap().expose(), token);
    assert_only_changed(&before, &after, AUTH_KEYS);
    assert!(path.with_extension("yaml.bak").exists(), "backup kept");
    // The file is remembered: later commands keep it in step without the flag.
    let s = env.fake.add_server(ServerSpec::owned(
        "Tower",
        "towerid",
        vec![ConnSpec::new(ConnKind::Live)],
    ));
    env.run(&["select", "Tower"]).ok();
    let after = yaml(&path);
    assert_eq!(plex(&after, "server_machine_id").as_str(), Some("towerid"));
    assert_eq!(plex(&after, "server_name").as_str(), Some("Tower"));
    assert_eq!(
        plex(&after, "server_url").as_str(),
        Some(s.uris[0].as_str())
    );
    assert_eq!(plex(&after, "server_local"), &yaml_serde::Value::Bool(true));
    assert_eq!(
        plex(&after, "server_connections")[0].as_str(),
        Some(s.uris[0].as_str())
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("  server_local: true\n"), "native bool");

    let status = env.run(&["status", "--json"]).json();
    assert_eq!(status["bazarr"]["token"], "matches");
    assert_eq!(status["bazarr"]["server"], "matches");
    env.run(&["status"])
        .ok()
        .stdout_has("signed, not encrypted");

    // Running login again changes nothing in Bazarr's file.
    let bytes = std::fs::read(&path).unwrap();
    env.run(&["login"]).ok().stdout_has("Already logged in");
    assert_eq!(std::fs::read(&path).unwrap(), bytes);

    env.run(&["logout"]).ok();
    let after = yaml(&path);
    assert_eq!(plex(&after, "auth_method").as_str(), Some("apikey"));
    assert_eq!(plex(&after, "token").as_str(), Some(""));
    assert_eq!(plex(&after, "encryption_key").as_str(), Some(""));
    assert_eq!(plex(&after, "server_url").as_str(), Some(""));
    assert_eq!(after["general"]["use_plex"], yaml_serde::Value::Bool(false));
}

#[test]
fn owner_group_and_mode_are_kept_and_comments_survive() {
    let env = Env::new();
    let path = bazarr_copy(&env, "bazarr-1.5.6-fresh-install.config.yaml", None);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("plex:\n", "# my Plex notes\nplex:\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let chowned = std::os::unix::fs::chown(&path, Some(65534), Some(65534)).is_ok();
    env.run_stdin(
        &[
            "login",
            "--with-token",
            "--bazarr-config",
            path.to_str().unwrap(),
        ],
        &env.fake.token(),
    )
    .ok();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("# my Plex notes\nplex:\n"));
    // The backup holds a token: never more readable than 0600.
    for (p, mode) in [
        (path.clone(), 0o640),
        (path.with_extension("yaml.bak"), 0o600),
    ] {
        let meta = std::fs::metadata(&p).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, mode, "{}", p.display());
        if chowned {
            assert_eq!((meta.uid(), meta.gid()), (65534, 65534), "{}", p.display());
        }
    }
    let dir: Vec<String> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("config.yaml"))
        .collect();
    assert!(dir.is_empty(), "temp files left: {dir:?}");
}

#[test]
fn a_broken_bazarr_file_is_exit_9_and_left_byte_identical() {
    let env = Env::new();
    let dir = env.dir.path();
    for (name, body) in [
        ("invalid.yaml", "plex: {ip: [unclosed\n"),
        ("list.yaml", "- a\n- b\n"),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, body).unwrap();
        env.run_stdin(
            &[
                "login",
                "--with-token",
                "--json",
                "--bazarr-config",
                path.to_str().unwrap(),
            ],
            &env.fake.token(),
        )
        .code(9);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), body);
    }
    // Checked before anything is stored.
    assert!(!env.config_text().contains("sealed_token"));
    let missing = dir.join("missing.yaml");
    env.run(&[
        "migrate-apikey",
        "--bazarr-config",
        missing.to_str().unwrap(),
        "--json",
    ])
    .code(9)
    .error_code("CONFIG_ERROR");
}

pub fn with_local_server(env: &Env) -> fake_plex::ServerHandle {
    env.fake.add_server(ServerSpec::owned(
        "Tower",
        "towerid",
        vec![ConnSpec::new(ConnKind::Live)],
    ))
}

#[test]
fn migrate_a_signed_apikey_to_oauth_once() {
    let env = Env::new();
    let token = env.fake.token();
    let server = with_local_server(&env);
    let path = bazarr_copy(
        &env,
        "bazarr-1.5.6-legacy-apikey-auto-encrypted.config.yaml",
        Some(&token),
    );
    let before = yaml(&path);
    let original = std::fs::read(&path).unwrap();
    let p = path.to_str().unwrap();

    // Dry run: a diff, nothing written, nothing stored.
    let dry = env.run(&["migrate-apikey", "--dry-run", "--bazarr-config", p]);
    dry.ok()
        .stdout_has("+  auth_method: oauth")
        .stdout_has("-  auth_method: apikey");
    assert_eq!(std::fs::read(&path).unwrap(), original);
    assert!(!env.config_text().contains("sealed_token"));

    env.run(&["migrate-apikey", "--bazarr-config", p])
        .ok()
        .stdout_has("Migrated");
    let after = yaml(&path);
    assert_eq!(plex(&after, "auth_method").as_str(), Some("oauth"));
    assert_eq!(plex(&after, "apikey").as_str(), Some(""));
    assert_eq!(
        plex(&after, "apikey_encrypted"),
        &yaml_serde::Value::Bool(false)
    );
    assert_eq!(
        plex(&after, "migration_successful"),
        &yaml_serde::Value::Bool(true)
    );
    assert_eq!(
        plex(&after, "disable_auto_migration"),
        &yaml_serde::Value::Bool(true)
    );
    assert_eq!(
        plex(&after, "server_url").as_str(),
        Some(server.uris[0].as_str())
    );
    let legacy = plex(&after, "legacy_token").as_str().unwrap();
    assert_eq!(signer::verify(FIXTURE_KEY, legacy).unwrap().expose(), token);
    assert!(
        !std::fs::read_to_string(&path).unwrap().contains(&token),
        "no plain token left"
    );
    let signed = plex(&after, "token").as_str().unwrap();
    assert_eq!(signer::verify(FIXTURE_KEY, signed).unwrap().expose(), token);
    let mut allowed = AUTH_KEYS.to_vec();
    allowed.extend([
        "plex.ip",
        "plex.port",
        "plex.ssl",
        "plex.migration_attempted",
        "plex.migration_successful",
        "plex.migration_timestamp",
        "plex.disable_auto_migration",
        "plex.server_machine_id",
        "plex.server_name",
        "plex.server_url",
        "plex.server_local",
        "plex.server_connections",
    ]);
    assert_only_changed(&before, &after, &allowed);
    // Touching bazarr.restart stalls Bazarr 1.5.6's launcher: plex-auth never does.
    assert!(
        !path
            .parent()
            .unwrap()
            .parent()
            .unwrap()
            .join("bazarr.restart")
            .exists()
    );

    let status = env.run(&["status", "--json"]).json();
    assert_eq!(status["auth_method"], "token");
    assert_eq!(status["server"]["machine_id"], "towerid");

    // The second run changes nothing, anywhere.
    let bytes = std::fs::read(&path).unwrap();
    let config = env.config_text();
    env.run(&["migrate-apikey", "--bazarr-config", p])
        .ok()
        .stdout_has("nothing to migrate");
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    assert_eq!(env.config_text(), config);
}

/// The lines of `text` that set `plex.<key>`, exactly as written.
fn plex_lines<'a>(text: &'a str, keys: &[&str]) -> Vec<&'a str> {
    text.lines()
        .skip_while(|l| *l != "plex:")
        .skip(1)
        .take_while(|l| l.starts_with(' '))
        .filter(|l| keys.iter().any(|k| l.starts_with(&format!("  {k}:"))))
        .collect()
}

const LEGACY_KEYS: &[&str] = &["apikey", "apikey_encrypted", "ip", "port", "ssl"];

/// Migrates a pre-OAuth copy with the fake's token; returns the path and its text before.
fn migrate_pre_oauth(env: &Env, token: &str) -> (PathBuf, String) {
    let path = bazarr_copy(env, "bazarr-1.5.2-legacy-apikey.config.yaml", Some(token));
    let original = std::fs::read_to_string(&path).unwrap();
    env.run(&["migrate-apikey", "--bazarr-config", path.to_str().unwrap()])
        .ok()
        .stdout_has("kept as it is");
    (path, original)
}

#[test]
fn migrate_adds_oauth_beside_a_pre_oauth_apikey() {
    let env = Env::new();
    let token = env.fake.token();
    with_local_server(&env);
    let (path, original) = migrate_pre_oauth(&env, &token);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        plex_lines(&text, LEGACY_KEYS),
        plex_lines(&original, LEGACY_KEYS),
        "Bazarr 1.5.2's keys are byte-for-byte as they were"
    );
    let after = yaml(&path);
    assert_eq!(plex(&after, "apikey").as_str(), Some(token.as_str()));
    assert_eq!(plex(&after, "auth_method").as_str(), Some("oauth"));
    let key = plex(&after, "encryption_key").as_str().unwrap();
    let signed = plex(&after, "token").as_str().unwrap();
    assert_eq!(signer::verify(key, signed).unwrap().expose(), token);
    for flag in [
        "migration_attempted",
        "migration_successful",
        "disable_auto_migration",
    ] {
        assert_eq!(plex(&after, flag), &yaml_serde::Value::Bool(true), "{flag}");
    }
    assert_eq!(plex(&after, "server_machine_id").as_str(), Some("towerid"));
    assert!(plex(&after, "legacy_token").is_null());
    let allowed = [
        "plex.auth_method",
        "plex.token",
        "plex.encryption_key",
        "plex.username",
        "plex.email",
        "plex.user_id",
        "plex.migration_attempted",
        "plex.migration_successful",
        "plex.migration_timestamp",
        "plex.disable_auto_migration",
        "plex.server_machine_id",
        "plex.server_name",
        "plex.server_url",
        "plex.server_local",
        "plex.server_connections",
    ];
    assert_only_changed(&yaml_serde::from_str(&original).unwrap(), &after, &allowed);
    assert_eq!(
        env.run(&["status", "--json"]).json()["auth_method"],
        "token"
    );

    // The second run changes nothing, anywhere.
    let bytes = std::fs::read(&path).unwrap();
    let config = env.config_text();
    env.run(&["migrate-apikey", "--bazarr-config", path.to_str().unwrap()])
        .ok()
        .stdout_has("nothing to migrate");
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    assert_eq!(env.config_text(), config, "second run changes nothing");

    // An install script that runs login again with the same token keeps Bazarr 1.5.2's
    // apikey: it is what that version still connects with.
    env.run_stdin(&["login", "--with-token", "--force"], &token)
        .ok();
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        plex_lines(&text, LEGACY_KEYS),
        plex_lines(&original, LEGACY_KEYS),
        "login kept the apikey"
    );
}

#[test]
fn migrate_writes_nothing_when_plex_tv_says_no_or_is_away() {
    let env = Env::new();
    with_local_server(&env);
    let path = bazarr_copy(
        &env,
        "bazarr-1.5.6-legacy-apikey-auto-encrypted.config.yaml",
        Some("RevokedTokenRevoked1"),
    );
    let original = std::fs::read(&path).unwrap();
    let p = path.to_str().unwrap();
    let run = env.run(&["migrate-apikey", "--bazarr-config", p, "--json"]);
    run.code(4).error_code("INVALID_TOKEN");
    let error = &run.json()["error"];
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("nothing was migrated"),
        "{error}"
    );
    let hint = error["hint"].as_str().unwrap();
    assert!(
        hint.contains(&format!("plex-auth login --bazarr-config {p}")),
        "{hint}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), original);
    assert!(!env.config_text().contains("sealed_token"));

    let path = bazarr_copy(
        &env,
        "bazarr-1.5.6-legacy-apikey-auto-encrypted.config.yaml",
        Some(&env.fake.token()),
    );
    let original = std::fs::read(&path).unwrap();
    env.fake.fault(Fault::Unavailable, 1);
    env.run(&["migrate-apikey", "--bazarr-config", p]).code(5);
    assert_eq!(std::fs::read(&path).unwrap(), original);
    assert!(!env.config_text().contains("sealed_token"));
}

#[test]
fn migrate_without_a_path_looks_in_the_usual_places() {
    let env = Env::new();
    let mut cmd = env.cmd();
    cmd.current_dir(env.dir.path()).arg("migrate-apikey");
    Run::from(cmd.output().unwrap())
        .code(9)
        .stderr_has("/opt/bazarr/data/config/config.yaml")
        .stderr_has("--bazarr-config");
    // Next to an install (the current folder): found and named.
    let path = bazarr_copy(&env, "bazarr-1.5.6-fresh-install.config.yaml", None);
    let install = path.parent().unwrap().parent().unwrap().parent().unwrap();
    std::fs::rename(install.join("bazarr-data"), install.join("data")).unwrap();
    let mut cmd = env.cmd();
    cmd.current_dir(install).arg("migrate-apikey");
    Run::from(cmd.output().unwrap())
        .ok()
        .stderr_has("Using Bazarr's config at")
        .stdout_has("nothing to migrate");
}

fn bazarr_check(args: &[&str]) -> serde_json::Value {
    let out = crate::util::test_python("bazarr_check.py", args);
    serde_json::from_str(&out).unwrap_or_else(|_| serde_json::Value::String(out.trim().to_string()))
}

#[test]
#[ignore = "needs Python with dynaconf==3.2.6 and itsdangerous==2.2.0: run by .ci/run"]
fn bazarr_libraries_read_what_plex_auth_wrote() {
    let env = Env::new();
    let token = env.fake.token();
    with_local_server(&env);
    for fixture in [
        "bazarr-1.5.6-fresh-install.config.yaml",
        "bazarr-1.5.6-oauth-after-restart.config.yaml",
        "bazarr-1.5.6-oauth-server-selected.config.yaml",
    ] {
        let path = bazarr_copy(&env, fixture, None);
        let p = path.to_str().unwrap();
        env.run_stdin(
            &["login", "--with-token", "--force", "--bazarr-config", p],
            &token,
        )
        .ok();
        env.run(&["select", "Tower"]).ok();
        let doc = bazarr_check(&["load", p]);
        assert_eq!(doc["token"], token, "{fixture}");
        assert_eq!(doc["auth_method"], "oauth");
        assert_eq!(doc["use_plex"], true);
        assert_eq!(doc["server_local"], true);
        assert_eq!(doc["types"]["port"], "int");
        assert_eq!(doc["types"]["ssl"], "bool");
        assert_eq!(doc["types"]["server_local"], "bool");
        assert_eq!(doc["types"]["user_id"], "str");
        env.run(&["logout"]).ok();
    }
    // The migrated file, too.
    let path = bazarr_copy(
        &env,
        "bazarr-1.5.6-legacy-apikey-auto-encrypted.config.yaml",
        Some(&token),
    );
    env.run(&["migrate-apikey", "--bazarr-config", path.to_str().unwrap()])
        .ok();
    let doc = bazarr_check(&["load", path.to_str().unwrap()]);
    assert_eq!(doc["token"], token);
}

#[test]
#[ignore = "needs Python with itsdangerous==2.2.0: run by .ci/run"]
fn plex_auth_reads_what_bazarr_signed() {
    let env = Env::new();
    let token = env.fake.token();
    with_local_server(&env);
    let signed = bazarr_check(&["sign", FIXTURE_KEY, &token]);
    let signed = signed.as_str().unwrap();
    assert_eq!(signer::verify(FIXTURE_KEY, signed).unwrap().expose(), token);
    // And through the binary: a Bazarr-signed apikey migrates.
    let path = bazarr_copy(
        &env,
        "bazarr-1.5.6-legacy-apikey-auto-encrypted.config.yaml",
        None,
    );
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace(FIXTURE_SIGNED_APIKEY, signed);
    std::fs::write(&path, text).unwrap();
    env.run(&["migrate-apikey", "--bazarr-config", path.to_str().unwrap()])
        .ok()
        .stdout_has("Migrated");
}

/// Logged in with Bazarr's file kept in step, and `Tower` selected at the first of its two
/// addresses (the local one, which a test can then close to make the best address move).
fn linked_to_a_server_with_two_addresses() -> (Env, PathBuf, fake_plex::ServerHandle) {
    let env = Env::new();
    let path = bazarr_copy(&env, "bazarr-1.5.6-fresh-install.config.yaml", None);
    env.run_stdin(
        &[
            "login",
            "--with-token",
            "--bazarr-config",
            path.to_str().unwrap(),
        ],
        &env.fake.token(),
    )
    .ok();
    let server = env.fake.add_server(ServerSpec::owned(
        "Tower",
        "towerid",
        vec![
            ConnSpec::new(ConnKind::Live),
            ConnSpec {
                local: false,
                ..ConnSpec::new(ConnKind::Live)
            },
        ],
    ));
    env.run(&["select", "Tower"]).ok();
    (env, path, server)
}

/// A moved address is saved only together with Bazarr's copy: with Bazarr's file unusable,
/// `validate --server` saves neither (exit 9), so the two never disagree.
#[test]
fn validate_server_saves_no_moved_address_while_bazarrs_file_is_unusable() {
    let (env, path, s) = linked_to_a_server_with_two_addresses();
    let arg = path.to_str().unwrap();
    env.fake.set_conn("towerid", 0, ConnKind::Closed);
    std::fs::write(&path, "plex: [unclosed\n").unwrap();
    env.run(&["validate", "--server"]).code(9).stderr_has(arg);
    let status = env.run(&["status", "--json"]).json();
    assert_eq!(status["server"]["url"], s.uris[0].as_str(), "{status}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "plex: [unclosed\n");
}

#[test]
fn validate_server_moves_bazarrs_server_url_with_the_address() {
    let (env, path, s) = linked_to_a_server_with_two_addresses();
    assert_eq!(
        plex(&yaml(&path), "server_url").as_str(),
        Some(s.uris[0].as_str())
    );
    env.fake.set_conn("towerid", 0, ConnKind::Closed);
    env.run(&["validate", "--server"])
        .ok()
        .stderr_has("changed");
    assert_eq!(
        plex(&yaml(&path), "server_url").as_str(),
        Some(s.uris[1].as_str())
    );
    assert_eq!(
        plex(&yaml(&path), "server_local"),
        &yaml_serde::Value::Bool(false)
    );
    assert_eq!(
        env.run(&["status", "--json"]).json()["bazarr"]["server"],
        "matches"
    );
}

#[test]
fn migrate_picks_the_server_bazarr_was_using() {
    let env = Env::new();
    let token = env.fake.token();
    // "First" would win on its own (a local connection); Bazarr's ip/port point at "Second",
    // at its remote connection, which answers after the better-ranked local one: Bazarr's
    // address is waited for all the same (the harness's grace period is long).
    env.fake.add_server(ServerSpec::owned(
        "First",
        "firstid",
        vec![ConnSpec::new(ConnKind::Live)],
    ));
    let second = env.fake.add_server(ServerSpec::owned(
        "Second",
        "secondid",
        vec![
            ConnSpec::new(ConnKind::Live),
            ConnSpec {
                local: false,
                ..ConnSpec::new(ConnKind::Slow(std::time::Duration::from_millis(300)))
            },
        ],
    ));
    let port = second.uris[1].rsplit(':').next().unwrap();
    let path = bazarr_copy(
        &env,
        "bazarr-1.5.6-legacy-apikey-auto-encrypted.config.yaml",
        Some(&token),
    );
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("  ip: 192.168.1.10\n", "  ip: 127.0.0.1\n")
        .replace(
            "  port: 32400\n  series_library",
            &format!("  port: {port}\n  series_library"),
        );
    std::fs::write(&path, &text).unwrap();
    assert!(
        text.contains(&format!("port: {port}")),
        "fixture layout changed"
    );
    env.run(&["migrate-apikey", "--bazarr-config", path.to_str().unwrap()])
        .ok();
    let after = yaml(&path);
    assert_eq!(plex(&after, "server_machine_id").as_str(), Some("secondid"));
    assert_eq!(
        plex(&after, "server_url").as_str(),
        Some(second.uris[1].as_str())
    );
}

#[test]
fn status_says_when_bazarr_holds_another_token() {
    let env = Env::new();
    let path = bazarr_copy(&env, "bazarr-1.5.6-fresh-install.config.yaml", None);
    let p = path.to_str().unwrap();
    env.run_stdin(
        &["login", "--with-token", "--bazarr-config", p],
        &env.fake.token(),
    )
    .ok();
    // Bazarr's own UI signed in with another token meanwhile.
    let other = env.fake.issue_token(12345678);
    let text = std::fs::read_to_string(&path).unwrap();
    let doc = yaml(&path);
    let ours = plex(&doc, "token").as_str().unwrap();
    let theirs = signer::sign(FIXTURE_KEY, &Secret::new(other)).unwrap();
    std::fs::write(&path, text.replace(ours, &theirs)).unwrap();
    assert_eq!(
        env.run(&["status", "--json"]).json()["bazarr"]["token"],
        "differs"
    );
    env.run(&["status"]).ok().stdout_has("holds ANOTHER token");
    env.run(&["login"]).ok();
    assert_eq!(
        env.run(&["status", "--json"]).json()["bazarr"]["token"],
        "matches"
    );
}

#[test]
#[ignore = "needs Python with dynaconf==3.2.6 and itsdangerous==2.2.0: run by .ci/run"]
fn a_migrated_pre_oauth_file_passes_bazarr_1_5_2_and_1_5_6_validators() {
    let env = Env::new();
    let token = env.fake.token();
    with_local_server(&env);
    let (path, _) = migrate_pre_oauth(&env, &token);
    let p = path.to_str().unwrap();
    let validators = format!("{FIXTURES}/validators.json");
    for version in ["1.5.2", "1.5.6"] {
        let checked = bazarr_check(&["validate", version, &validators, p]);
        assert_eq!(checked["resets"], serde_json::json!([]), "Bazarr {version}");
        if version == "1.5.2" {
            // Still runs on its apikey.
            assert_eq!(checked["plex"]["apikey"], token.as_str());
            assert_eq!(checked["plex"]["port"], 32400);
        } else {
            assert_eq!(checked["plex"]["auth_method"], "oauth");
            assert_eq!(checked["plex"]["disable_auto_migration"], true);
        }
    }
    let doc = bazarr_check(&["load", p]);
    assert_eq!(
        doc["token"],
        token.as_str(),
        "the token opens for Bazarr 1.5.6"
    );
}

#[test]
fn a_pre_oauth_bazarr_is_never_switched_to_oauth_by_login_or_logout() {
    let env = Env::new();
    let path = bazarr_copy(&env, "bazarr-1.5.2-legacy-apikey.config.yaml", None);
    let original = std::fs::read(&path).unwrap();
    let p = path.to_str().unwrap();
    env.run_stdin(
        &["login", "--with-token", "--bazarr-config", p],
        &env.fake.token(),
    )
    .ok()
    .stderr_has("Bazarr 1.5.2 or older");
    env.run(&["logout"]).ok().stderr_has("left as it is");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        original,
        "its apikey still works"
    );
}

#[test]
fn migrate_needs_an_answering_server_only_when_it_writes_bazarrs_server_keys() {
    let env = Env::new();
    let token = env.fake.token();
    env.fake.add_server(ServerSpec::owned(
        "Down",
        "downid",
        vec![ConnSpec::new(ConnKind::Closed)],
    ));
    let path = bazarr_copy(
        &env,
        "bazarr-1.5.6-legacy-apikey-auto-encrypted.config.yaml",
        Some(&token),
    );
    let original = std::fs::read(&path).unwrap();
    env.run(&[
        "migrate-apikey",
        "--bazarr-config",
        path.to_str().unwrap(),
        "--json",
    ])
    .code(6)
    .error_code("SERVER_NOT_FOUND");
    assert_eq!(std::fs::read(&path).unwrap(), original);
    assert!(!env.config_text().contains("sealed_token"));

    let old = bazarr_copy(&env, "bazarr-1.5.2-legacy-apikey.config.yaml", Some(&token));
    env.run(&["migrate-apikey", "--bazarr-config", old.to_str().unwrap()])
        .ok()
        .stderr_has("no server was chosen")
        .stdout_has("kept as it is");
    assert_eq!(
        env.run(&["status", "--json"]).json()["auth_method"],
        "token"
    );
}

#[test]
fn login_from_bazarr_adopts_the_link_made_in_bazarrs_ui() {
    let env = Env::new();
    let token = env.fake.token();
    let path = bazarr_copy(
        &env,
        "bazarr-1.5.6-oauth-after-restart.config.yaml",
        Some(&token),
    );
    let p = path.to_str().unwrap();

    // Nothing stored here: status reports Bazarr's own link, still exit 3.
    let status = env.run(&["status", "--json", "--bazarr-config", p]);
    status.code(3);
    let doc = status.json();
    assert_eq!(doc["logged_in"], false);
    assert_eq!(doc["bazarr"]["link"]["token"], "opens");
    assert_eq!(doc["bazarr"]["link"]["username"], "jdoe");
    assert_eq!(doc["bazarr"]["link"]["email"], "jdoe@example.com");
    assert_eq!(
        doc["bazarr"]["link"]["server_machine_id"],
        "0123456789abcdef0123456789abcdef01234567"
    );
    env.run(&["status", "--bazarr-config", p])
        .code(3)
        .stdout_has("linked to Plex on its own as jdoe")
        .stderr_has("plex-auth login --from-bazarr");

    env.run(&["login", "--from-bazarr", "--bazarr-config", p])
        .ok()
        .stdout_has("Logged in as");
    let status = env.run(&["status", "--json"]).json();
    assert_eq!(status["auth_method"], "bazarr");
    assert_eq!(
        status["bazarr"]["token"], "matches",
        "the file is remembered"
    );
    let signed = plex(&yaml(&path), "token").as_str().unwrap().to_string();
    assert_eq!(
        signer::verify(FIXTURE_KEY, &signed).unwrap().expose(),
        token
    );
    // What cron runs.
    env.run(&["validate"]).ok();
}

#[test]
fn login_from_bazarr_leaves_bazarrs_file_alone_unless_the_account_changed() {
    let env = Env::new();
    let token = env.fake.token();
    let path = bazarr_copy(
        &env,
        "bazarr-1.5.6-oauth-after-restart.config.yaml",
        Some(&token),
    );
    // Bazarr's link is to the fake plex.tv's account.
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text
        .replace("  username: jdoe\n", "  username: alice\n")
        .replace(
            "  email: jdoe@example.com\n",
            "  email: alice@example.com\n",
        );
    std::fs::write(&path, text).unwrap();
    let p = path.to_str().unwrap();
    let backup = path.with_file_name("config.yaml.bak");
    let original = std::fs::read(&path).unwrap();
    env.run(&["login", "--from-bazarr", "--bazarr-config", p])
        .ok()
        .stdout_has("Logged in as");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        String::from_utf8(original).unwrap(),
        "adopting the link changes nothing in Bazarr's file"
    );
    assert!(!backup.exists(), "no backup holding the token is left");

    // plex.tv now names the account differently: only that detail is written.
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("  username: alice\n", "  username: old\n"),
    )
    .unwrap();
    let before = yaml(&path);
    env.run(&["login", "--from-bazarr", "--bazarr-config", p])
        .ok();
    let after = yaml(&path);
    assert_eq!(plex(&after, "username").as_str(), Some("alice"));
    assert_only_changed(&before, &after, &["plex.username"]);
    assert_eq!(plex(&after, "token"), plex(&before, "token"));
    assert!(
        !after["plex"]
            .as_mapping()
            .unwrap()
            .contains_key("apikey_encrypted")
    );
}

#[test]
fn login_from_bazarr_refuses_a_token_that_does_not_open_or_is_rejected() {
    let env = Env::new();
    let path = bazarr_copy(
        &env,
        "bazarr-1.5.6-oauth-after-restart.config.yaml",
        Some(&env.fake.token()),
    );
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace(FIXTURE_KEY, "AnotherKeyAnotherKeyAnotherKeyAnotherKey123"),
    )
    .unwrap();
    let original = std::fs::read(&path).unwrap();
    let p = path.to_str().unwrap();
    env.run(&["login", "--from-bazarr", "--bazarr-config", p])
        .code(9)
        .stderr_has("does not open");
    assert_eq!(
        env.run(&["status", "--json", "--bazarr-config", p]).json()["bazarr"]["link"]["token"],
        "does-not-open"
    );
    assert_eq!(std::fs::read(&path).unwrap(), original);
    assert!(!env.config_text().contains("sealed_token"));

    let path = bazarr_copy(
        &env,
        "bazarr-1.5.6-oauth-after-restart.config.yaml",
        Some("RevokedTokenRevoked1"),
    );
    let original = std::fs::read(&path).unwrap();
    env.run(&["login", "--from-bazarr", "--bazarr-config", p, "--json"])
        .code(4)
        .error_code("INVALID_TOKEN");
    assert_eq!(std::fs::read(&path).unwrap(), original);
    assert!(!env.config_text().contains("sealed_token"));
}

/// Bazarr's `plex.server_url` replaced by `url`.
fn set_server_url(path: &Path, url: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    let old = plex(&yaml(path), "server_url")
        .as_str()
        .unwrap()
        .to_string();
    let text = text.replace(&format!("server_url: {old}"), &format!("server_url: {url}"));
    std::fs::write(path, text).unwrap();
}

#[test]
fn validate_server_checks_and_repairs_bazarrs_server_address() {
    let env = Env::new();
    let path = bazarr_copy(&env, "bazarr-1.5.6-fresh-install.config.yaml", None);
    let p = path.to_str().unwrap();
    env.run_stdin(
        &["login", "--with-token", "--bazarr-config", p],
        &env.fake.token(),
    )
    .ok();
    let tower = with_local_server(&env);
    let other = env.fake.add_server(ServerSpec::owned(
        "Other",
        "otherid",
        vec![ConnSpec::new(ConnKind::Live)],
    ));
    env.run(&["select", "Tower"]).ok();

    // Answers as Bazarr's server: nothing to do.
    let done = env.run(&["validate", "--server", "--json"]).json();
    assert_eq!(done["bazarr_server"]["answers"], true);
    assert_eq!(done["bazarr_server"]["repaired"], false);

    // Another machine answers at Bazarr's address: status sees the address differ offline,
    // and validate --server writes the selection back (the file is plex-auth's).
    set_server_url(&path, &other.uris[0]);
    env.run(&["status"])
        .ok()
        .stdout_has("reaches the selected server at another address");
    let done = env.run(&["validate", "--server", "--json"]).json();
    assert_eq!(done["bazarr_server"]["answers"], false);
    assert_eq!(done["bazarr_server"]["repaired"], true);
    assert!(
        done["bazarr_server"]["error"]
            .as_str()
            .unwrap()
            .contains("another server answered")
    );
    assert_eq!(
        plex(&yaml(&path), "server_url").as_str(),
        Some(tower.uris[0].as_str())
    );

    // Nothing answers there.
    set_server_url(&path, "http://127.0.0.1:1");
    env.run(&["validate", "--server"])
        .ok()
        .stderr_has("did not answer as its server")
        .stderr_has("wrote the selected server Tower");
    assert_eq!(
        plex(&yaml(&path), "server_url").as_str(),
        Some(tower.uris[0].as_str())
    );
    assert_eq!(
        env.run(&["status", "--json"]).json()["bazarr"]["server"],
        "matches"
    );

    // A file plex-auth does not manage (not the remembered one) is only warned about.
    let dir = env.dir.path().join("elsewhere");
    std::fs::create_dir_all(&dir).unwrap();
    let elsewhere = dir.join("config.yaml");
    std::fs::copy(&path, &elsewhere).unwrap();
    set_server_url(&elsewhere, "http://127.0.0.1:1");
    let before = std::fs::read(&elsewhere).unwrap();
    env.run(&[
        "validate",
        "--server",
        "--bazarr-config",
        elsewhere.to_str().unwrap(),
    ])
    .ok()
    .stderr_has("does not answer as its server");
    assert_eq!(std::fs::read(&elsewhere).unwrap(), before);
}

/// What a migrate-apikey killed after writing Bazarr's file and before config.toml leaves:
/// the config as it was before the import (only the client identifier recorded).
fn forget_the_import(env: &Env) {
    let kept: String = env
        .config_text()
        .lines()
        .filter(|l| l.starts_with('#') || l.starts_with("client_identifier"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(env.config_path(), kept).unwrap();
    env.run(&["status"]).code(3);
}

/// A re-run after a migration interrupted between Bazarr's file and config.toml converges:
/// it stores the token Bazarr's migrated file holds (checked at plex.tv), with the server
/// the file names, and leaves Bazarr's file as it is. A further run changes nothing.
#[test]
fn an_interrupted_migration_is_finished_by_the_next_run() {
    let env = Env::new();
    let token = env.fake.token();
    with_local_server(&env);
    let path = bazarr_copy(
        &env,
        "bazarr-1.5.6-legacy-apikey-auto-encrypted.config.yaml",
        Some(&token),
    );
    let p = path.to_str().unwrap();
    env.run(&["migrate-apikey", "--bazarr-config", p]).ok();
    let migrated = std::fs::read(&path).unwrap();
    forget_the_import(&env);

    env.run(&["migrate-apikey", "--dry-run", "--bazarr-config", p])
        .ok()
        .stdout_has("stopped before storing the token");
    env.run(&["status"]).code(3);

    env.run(&["migrate-apikey", "--bazarr-config", p])
        .ok()
        .stdout_has("Finished the migration");
    assert_eq!(std::fs::read(&path).unwrap(), migrated);
    let status = env.run(&["status", "--json"]);
    status.ok();
    let status = status.json();
    assert_eq!(status["auth_method"], "token");
    assert_eq!(status["server"]["machine_id"], "towerid");
    assert_eq!(status["bazarr"]["token"], "matches");
    assert_eq!(status["bazarr"]["server"], "matches");

    let config = env.config_text();
    env.run(&["migrate-apikey", "--bazarr-config", p])
        .ok()
        .stdout_has("nothing to migrate");
    assert_eq!(env.config_text(), config);
    assert_eq!(std::fs::read(&path).unwrap(), migrated);

    // The same for a file migrated beside its apikey (Bazarr 1.5.2).
    let env = Env::new();
    let (path, _) = migrate_pre_oauth(&env, &env.fake.token());
    let migrated = std::fs::read(&path).unwrap();
    forget_the_import(&env);
    env.run(&["migrate-apikey", "--bazarr-config", path.to_str().unwrap()])
        .ok()
        .stdout_has("Finished the migration");
    assert_eq!(std::fs::read(&path).unwrap(), migrated);
    env.run(&["status"]).ok();
}

/// logout says which keys it changed in Bazarr's file (never their values), and keeps the
/// apikey a Bazarr 1.5.2 still signs in with unless asked to clear it.
#[test]
fn logout_names_what_it_changed_and_keeps_a_pre_oauth_apikey_unless_asked() {
    let env = Env::new();
    let token = env.fake.token();
    with_local_server(&env);
    let (path, _) = migrate_pre_oauth(&env, &token);
    let run = env.run(&["logout"]);
    run.ok()
        .stderr_has("changed plex.token, ")
        .stderr_has("general.use_plex")
        .stderr_has("kept plex.apikey")
        .stderr_has("--clear-apikey");
    assert!(!run.stderr.contains(&token));
    assert!(!run.stderr.contains("plex.apikey,"), "{}", run.stderr);
    let after = yaml(&path);
    assert_eq!(
        plex(&after, "apikey").as_str(),
        Some(token.as_str()),
        "kept"
    );
    assert_eq!(plex(&after, "token").as_str(), Some(""));

    // Asked: cleared, and said.
    let run = env.run(&["logout", "--clear-apikey", "--json"]);
    run.ok();
    let doc = run.json();
    assert_eq!(
        doc["bazarr_changed"],
        serde_json::json!(["plex.apikey", "plex.apikey_encrypted"]),
        "{doc}"
    );
    assert_eq!(plex(&yaml(&path), "apikey").as_str(), Some(""));
}
