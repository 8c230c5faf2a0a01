//! The sealed token store as users meet it: tampering, lost or changed keys, no keyring,
//! the auto fallback, systemd credentials, and two processes at once.

use std::time::{Duration, Instant};

use crate::util::{Env, Run, run_with_input};

#[test]
fn a_tampered_blob_exits_8_and_says_what_fixes_it() {
    let env = Env::new();
    env.logged_in();
    let text = env.config_text();
    let line = text
        .lines()
        .find(|l| l.starts_with("sealed_token"))
        .unwrap();
    // Flip one base64 character inside the ciphertext.
    let start = line.find('"').unwrap() + 30;
    let mut bytes = line.as_bytes().to_vec();
    bytes[start] = if bytes[start] == b'A' { b'B' } else { b'A' };
    let tampered = text.replace(line, std::str::from_utf8(&bytes).unwrap());
    std::fs::write(env.config_path(), tampered).unwrap();

    let run = env.run(&["status", "--json"]);
    run.code(8).error_code("DECRYPT_FAILED");
    let msg = run.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(msg.contains("damaged"), "{msg}");
    env.run(&["validate"])
        .code(8)
        .stderr_has("plex-auth login --force");
    // Re-linking repairs it.
    env.run_stdin(&["login", "--with-token", "--force"], &env.fake.token())
        .ok();
    env.run(&["status"]).ok();
}

/// A blob whose first byte (the format) was changed reads as damage with the fix, never as
/// a newer format to upgrade for.
#[test]
fn a_blob_with_a_changed_format_byte_is_damaged_not_newer() {
    use base64::Engine as _;
    let env = Env::new();
    env.logged_in();
    let text = env.config_text();
    let line = text
        .lines()
        .find(|l| l.starts_with("sealed_token"))
        .unwrap();
    let blob = line.split('"').nth(1).unwrap();
    let engine = base64::engine::general_purpose::STANDARD;
    let mut bytes = engine.decode(blob).unwrap();
    bytes[0] = 5;
    let changed = text.replace(blob, &engine.encode(&bytes));
    std::fs::write(env.config_path(), changed).unwrap();
    let run = env.run(&["validate"]);
    run.code(8)
        .stderr_has("damaged")
        .stderr_has("starts with byte 5")
        .stderr_has("plex-auth login --force");
    assert!(!run.stderr.contains("reads version"), "{}", run.stderr);
}

#[test]
fn a_changed_key_and_a_missing_key_are_told_apart() {
    let env = Env::new();
    env.logged_in();
    let key = std::fs::read(env.key_path()).unwrap();

    std::fs::write(
        env.key_path(),
        "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=\n",
    )
    .unwrap();
    let run = env.run(&["status", "--json"]);
    run.code(8).error_code("DECRYPT_FAILED");
    assert!(run.stdout.contains("changed"), "{}", run.stdout);

    std::fs::remove_file(env.key_path()).unwrap();
    let run = env.run(&["validate"]);
    run.code(8)
        .stderr_has(&env.key_path().display().to_string())
        .stderr_has("missing");
    assert_eq!(
        env.fake
            .requests()
            .iter()
            .filter(|r| r.path == "/api/v2/user")
            .count(),
        1
    );

    std::fs::write(env.key_path(), key).unwrap();
    env.run(&["status"]).ok();
}

#[test]
fn the_key_can_live_elsewhere() {
    let env = Env::new();
    let creds = env.dir.path().join("creds");
    std::fs::create_dir(&creds).unwrap();
    // A systemd credential: 32 raw bytes.
    std::fs::write(creds.join("plex-auth.key"), [7u8; 32]).unwrap();
    let mut cmd = env.cmd();
    cmd.env("CREDENTIALS_DIRECTORY", &creds)
        .args(["login", "--with-token"]);
    run_with_input(cmd, &env.fake.token()).ok();
    assert!(!env.key_path().exists(), "no key created beside the token");

    let mut cmd = env.cmd();
    cmd.env("CREDENTIALS_DIRECTORY", &creds).args(["status"]);
    let run = Run::from(cmd.output().unwrap());
    run.ok()
        .stdout_has(&creds.join("plex-auth.key").display().to_string());
    // Without the credential the token does not open.
    env.run(&["status"]).code(8);

    let other = env.dir.path().join("other.key");
    let mut cmd = env.cmd();
    cmd.env("PLEX_AUTH_KEY_FILE", &other).args(["status"]);
    Run::from(cmd.output().unwrap())
        .code(8)
        .stderr_has("missing");
}

#[test]
fn explicit_keyring_without_one_is_exit_8_and_stores_nothing() {
    let env = Env::new();
    let mut cmd = env.cmd();
    cmd.env("PLEX_AUTH_STORE", "keyring")
        .args(["login", "--with-token", "--json"]);
    let run = run_with_input(cmd, &env.fake.token());
    run.code(8);
    assert_eq!(run.events().last().unwrap()["error"]["code"], "STORE_ERROR");
    assert!(!env.config_text().contains("sealed_token"));
    assert!(!env.config_text().contains("[account]"));
}

#[test]
fn auto_falls_back_to_the_file_with_a_notice_and_remembers() {
    let env = Env::new();
    let mut cmd = env.cmd();
    cmd.env("PLEX_AUTH_STORE", "auto");
    let run = login_with(&env, cmd);
    run.ok().stderr_has("note:");
    assert!(env.config_text().contains("store = \"file\""));
    // Later runs use the recorded backend without probing again.
    let mut cmd = env.cmd();
    cmd.env("PLEX_AUTH_STORE", "auto").arg("status");
    Run::from(cmd.output().unwrap())
        .ok()
        .stdout_has(&env.config_path().display().to_string());
}

#[test]
fn quiet_silences_the_fallback_notice() {
    let env = Env::new();
    let mut cmd = env.cmd();
    cmd.env("PLEX_AUTH_STORE", "auto").arg("--quiet");
    login_with(&env, cmd).ok().stderr_empty();
    assert!(env.config_text().contains("store = \"file\""));
}

fn login_with(env: &Env, mut cmd: std::process::Command) -> Run {
    cmd.args(["login", "--with-token"]);
    run_with_input(cmd, &env.fake.token())
}

#[test]
fn a_silent_dbus_does_not_hang_auto() {
    let env = Env::new();
    // A socket that accepts connections and never says a word, like a wedged bus.
    let sock = env.dir.path().join("silent-bus");
    let listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
    let _accepting = std::thread::spawn(move || {
        let mut held = Vec::new();
        for conn in listener.incoming().flatten() {
            held.push(conn);
        }
    });
    let mut cmd = env.cmd();
    cmd.env("PLEX_AUTH_STORE", "auto").env(
        "DBUS_SESSION_BUS_ADDRESS",
        format!("unix:path={}", sock.display()),
    );
    let start = Instant::now();
    let run = login_with(&env, cmd);
    run.ok().stderr_has("did not answer");
    assert!(start.elapsed() < Duration::from_secs(15));
    assert!(env.config_text().contains("store = \"file\""));
}

#[test]
fn two_processes_at_once_lose_no_update() {
    let env = Env::new();
    env.logged_in();
    let mut last = None;
    for round in 0..6 {
        // Two processes record a validation while a third remembers a new Bazarr file;
        // each read-modify-write of config.toml must see the others'.
        let bazarr = env.dir.path().join(format!("bazarr-{round}.yaml"));
        std::fs::copy(
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/bazarr/bazarr-1.5.6-fresh-install.config.yaml"
            ),
            &bazarr,
        )
        .unwrap();
        let mut a = env.cmd();
        a.arg("validate");
        let mut b = env.cmd();
        b.args(["login", "--bazarr-config"]).arg(&bazarr);
        let mut c = env.cmd();
        c.arg("validate");
        let children: Vec<_> = [a, b, c]
            .into_iter()
            .map(|mut cmd| {
                cmd.stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for mut child in children {
            assert!(child.wait().unwrap().success());
        }
        last = Some(bazarr);
    }
    let config = env.config_text();
    let last = last.unwrap();
    assert!(
        config.contains(&last.display().to_string()),
        "lost the Bazarr path update: {config}"
    );
    let doc = env.run(&["status", "--json"]).json();
    assert_eq!(doc["validation"]["result"], "ok");
    assert_eq!(doc["account"]["username"], "alice");
    let leftovers: Vec<_> = std::fs::read_dir(&env.config_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !["config.toml", "config.lock", "key"].contains(&n.as_str()))
        .collect();
    assert!(leftovers.is_empty(), "temp files left: {leftovers:?}");
}

#[test]
fn a_damaged_config_toml_is_exit_9_and_left_alone() {
    let env = Env::new();
    env.logged_in();
    let broken = "client_identifier = \"abc\"\n[account\nusername = 1\n";
    std::fs::write(env.config_path(), broken).unwrap();
    env.run(&["status", "--json"])
        .code(9)
        .error_code("CONFIG_ERROR");
    env.run(&["validate"])
        .code(9)
        .stderr_has(&env.config_path().display().to_string());
    env.run_stdin(&["login", "--with-token"], &env.fake.token())
        .code(9);
    assert_eq!(std::fs::read_to_string(env.config_path()).unwrap(), broken);
}

#[test]
fn a_recorded_keyring_that_is_gone_is_exit_8_not_a_silent_switch() {
    let env = Env::new();
    env.logged_in();
    // As if the token had been stored in a keyring that is now unreachable (no bus here).
    let text = env
        .config_text()
        .replace("store = \"file\"", "store = \"keyring\"");
    let text: String = text
        .lines()
        .filter(|l| !l.starts_with("sealed_token"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(env.config_path(), &text).unwrap();
    for cmd in ["status", "validate"] {
        env.run(&[cmd, "--json"]).code(8).error_code("STORE_ERROR");
    }
    let mut cmd = env.cmd();
    cmd.env("PLEX_AUTH_STORE", "auto").arg("status");
    Run::from(cmd.output().unwrap())
        .code(8)
        .stderr_has("OS keyring");
    assert_eq!(env.config_text(), text, "nothing rewritten");
}
