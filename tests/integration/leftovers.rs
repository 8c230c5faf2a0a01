//! After logout, no file plex-auth wrote or kept beside Bazarr's config holds the token,
//! in plain or signed form.

use std::path::Path;

use base64::Engine;
use fake_plex::{ConnKind, ConnSpec, ServerSpec};

use crate::bazarr::bazarr_copy;
use crate::util::{Env, run_with_input};

/// Every file in `dir` that holds `token`: as plain text, or inside a signed value (the
/// base64url payload before the first `.` of an itsdangerous string).
fn files_holding(dir: &Path, token: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        let signed = text
            .split(|c: char| c.is_whitespace() || c == '\'' || c == '"')
            .filter_map(|word| word.split('.').next())
            .filter_map(|payload| {
                base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(payload)
                    .ok()
            })
            .any(|bytes| String::from_utf8_lossy(&bytes).contains(token));
        if text.contains(token) || signed {
            found.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    found
}

#[test]
fn logout_leaves_no_copy_of_the_token_beside_bazarrs_file() {
    let env = Env::new();
    let token = env.fake.token();
    let path = bazarr_copy(&env, "bazarr-1.5.6-fresh-install.config.yaml", None);
    let dir = path.parent().unwrap();
    let mut cmd = env.cmd();
    cmd.args(["login", "--with-token", "--bazarr-config"])
        .arg(&path);
    run_with_input(cmd, &token).ok();
    // Log in twice so the backup holds a linked file too.
    let mut cmd = env.cmd();
    cmd.args(["login", "--with-token", "--force"]);
    run_with_input(cmd, &token).ok();
    assert!(
        !files_holding(dir, &token).is_empty(),
        "the check finds tokens"
    );
    env.run(&["logout"]).ok().stderr_has("which held the token");
    assert_eq!(files_holding(dir, &token), Vec::<String>::new());
}

#[test]
fn logout_after_migrate_apikey_clears_the_legacy_token_too() {
    let env = Env::new();
    let token = env.fake.token();
    env.fake.add_server(ServerSpec::owned(
        "Tower",
        "towerid",
        vec![ConnSpec::new(ConnKind::Live)],
    ));
    let path = bazarr_copy(
        &env,
        "bazarr-1.5.6-legacy-apikey-auto-encrypted.config.yaml",
        Some(&token),
    );
    let dir = path.parent().unwrap();
    env.run(&["migrate-apikey", "--bazarr-config", path.to_str().unwrap()])
        .ok();
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("legacy_token")
    );
    env.run(&["logout"]).ok();
    assert_eq!(files_holding(dir, &token), Vec::<String>::new());
}
