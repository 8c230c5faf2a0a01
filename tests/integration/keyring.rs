//! The real OS keyring (Secret Service through gnome-keyring). These need a D-Bus session
//! with an unlocked keyring, so they are ignored by plain `cargo test` and run by name from
//! `.ci/run` inside `dbus-run-session`.

use crate::util::{Env, Run, run_with_input};

fn with_real_bus(env: &Env, args: &[&str], stdin: Option<&str>) -> Run {
    let mut cmd = env.cmd();
    cmd.env(
        "DBUS_SESSION_BUS_ADDRESS",
        std::env::var("DBUS_SESSION_BUS_ADDRESS").expect("run inside dbus-run-session"),
    )
    .args(args);
    if let Ok(dir) = std::env::var("XDG_RUNTIME_DIR") {
        cmd.env("XDG_RUNTIME_DIR", dir);
    }
    run_with_input(cmd, stdin.unwrap_or(""))
}

fn secret_tool_lookup(client_id: &str) -> Option<String> {
    let out = std::process::Command::new("secret-tool")
        .args(["lookup", "service", "plex-auth", "username", client_id])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
        .filter(|s| !s.is_empty())
}

fn client_id(env: &Env) -> String {
    let text = env.config_text();
    let line = text
        .lines()
        .find(|l| l.starts_with("client_identifier"))
        .unwrap();
    line.split('"').nth(1).unwrap().to_string()
}

#[test]
#[ignore = "needs a Secret Service (gnome-keyring in a D-Bus session): run by .ci/run"]
fn keyring_holds_the_sealed_token_and_logout_removes_it() {
    let env = Env::new();
    let token = env.fake.token();
    with_real_bus(
        &env,
        &["--store", "keyring", "login", "--with-token"],
        Some(&token),
    )
    .ok()
    .stdout_has("OS keyring");
    assert!(env.config_text().contains("store = \"keyring\""));
    assert!(
        !env.config_text().contains("sealed_token"),
        "token is in the keyring, not the file"
    );

    let id = client_id(&env);
    let stored = secret_tool_lookup(&id).expect("an entry plex-auth/<client id>");
    assert_ne!(
        stored, token,
        "the keyring holds the sealed blob, not the token"
    );
    assert!(!stored.contains(&token));

    with_real_bus(&env, &["status", "--json"], None).ok();
    with_real_bus(&env, &["validate"], None).ok();
    with_real_bus(&env, &["logout"], None).ok();
    assert!(secret_tool_lookup(&id).is_none(), "entry deleted");
    with_real_bus(&env, &["status"], None).code(3);
}

#[test]
#[ignore = "needs a Secret Service (gnome-keyring in a D-Bus session): run by .ci/run"]
fn auto_prefers_a_keyring_that_answers() {
    let env = Env::new();
    let token = env.fake.token();
    with_real_bus(
        &env,
        &["--store", "auto", "login", "--with-token"],
        Some(&token),
    )
    .ok();
    assert!(env.config_text().contains("store = \"keyring\""));
    // A keyring entry that does not open (another install's key) is DECRYPT_FAILED, not a crash.
    std::fs::write(
        env.key_path(),
        "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=\n",
    )
    .unwrap();
    with_real_bus(&env, &["status"], None).code(8);
    with_real_bus(&env, &["logout"], None).ok();
}
