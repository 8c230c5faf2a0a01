//! `login`: the PIN flow end to end, `--with-token`, idempotence, and every way it can fail.

use std::time::Duration;

use fake_plex::Fault;

use crate::util::{Env, mode, wait_until};

#[test]
fn browser_approves_the_pin_and_the_token_is_sealed() {
    let env = Env::new();
    let browser = env.browser_script();
    let mut cmd = env.cmd();
    cmd.env("BROWSER", &browser)
        .env("DISPLAY", ":0")
        .arg("login");
    let run = crate::util::Run::from(cmd.output().unwrap());
    run.ok()
        .stdout_has("Logged in as alice (alice@example.com)")
        .stderr_has("Code: ");

    // The browser got the documented link for this install's client id.
    let opened = std::fs::read_to_string(env.dir.path().join("opened-url")).unwrap();
    assert!(opened.starts_with(&format!("{}/auth#?clientID=", env.fake.url())));
    assert!(opened.contains("&code="));
    assert!(opened.contains("&context%5Bdevice%5D%5Bproduct%5D=plex-auth"));

    // The token that plex.tv issued is stored, sealed: never in clear anywhere on disk.
    let issued: Vec<String> = env
        .fake
        .requests()
        .iter()
        .filter(|r| r.path == "/api/v2/user")
        .filter_map(|r| header(r, "x-plex-token"))
        .collect();
    let token = issued.last().expect("login asked for the user").clone();
    let config = env.config_text();
    assert!(config.contains("sealed_token"), "{config}");
    assert!(!config.contains(&token), "plain token in config.toml");
    let key = std::fs::read(env.key_path()).unwrap();
    assert!(!String::from_utf8_lossy(&key).contains(&token));

    assert_eq!(mode(&env.config_dir), 0o700);
    assert_eq!(mode(&env.config_path()), 0o600);
    assert_eq!(mode(&env.key_path()), 0o600);

    let status = env.run(&["status", "--json"]);
    status.ok();
    let doc = status.json();
    assert_eq!(doc["account"]["username"], "alice");
    assert_eq!(doc["auth_method"], "pin");
    assert_eq!(doc["store"]["backend"], "file");
    assert!(!status.stdout.contains(&token));
}

fn header(r: &fake_plex::Recorded, name: &str) -> Option<String> {
    r.headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
}

#[test]
fn every_request_has_one_identity_and_no_token_in_the_url() {
    let env = Env::new();
    env.fake.approve_after(Duration::from_millis(300));
    env.run(&["login", "--no-browser", "--link"]).ok();
    env.run(&["validate"]).ok();
    env.run(&["logout", "--revoke"]).ok();
    let reqs = env.fake.requests();
    assert!(reqs.len() >= 5, "{reqs:?}");
    let ids: std::collections::BTreeSet<_> = reqs
        .iter()
        .map(|r| header(r, "x-plex-client-identifier").expect("client id on every request"))
        .collect();
    assert_eq!(ids.len(), 1, "one client identifier per install: {ids:?}");
    for r in &reqs {
        assert_eq!(header(r, "x-plex-product").as_deref(), Some("plex-auth"));
        assert_eq!(header(r, "accept").as_deref(), Some("application/json"));
        assert!(
            !r.query.to_lowercase().contains("token"),
            "token in a URL: {} {}?{}",
            r.method,
            r.path,
            r.query
        );
        assert!(header(r, "x-plex-device-name").is_some_and(|d| d.starts_with("plex-auth@")));
    }
    let pin = reqs.iter().find(|r| r.method == "POST").unwrap();
    assert!(pin.query.contains("strong=true"));
}

#[test]
fn headless_login_prints_a_short_code_and_waits() {
    let env = Env::new();
    env.fake.approve_after(Duration::from_millis(500));
    let mut cmd = env.cmd();
    cmd.env("SSH_CONNECTION", "10.0.0.1 1 10.0.0.2 22")
        .arg("login");
    let run = crate::util::Run::from(cmd.output().unwrap());
    run.ok()
        .stderr_has(&format!("go to {}/link on any device", env.fake.url()))
        .stderr_has("No browser here")
        .stdout_has("Logged in as alice");
    assert!(!run.stderr.contains("#?clientID="), "{}", run.stderr);
    // A short PIN: no strong=true, and its 4-character code is what was shown.
    let pin = env
        .fake
        .requests()
        .into_iter()
        .find(|r| r.method == "POST")
        .unwrap();
    assert!(!pin.query.contains("strong"), "{}", pin.query);
    let code = run
        .stderr
        .lines()
        .map(str::trim)
        .find(|l| {
            l.len() == 4
                && l.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        })
        .unwrap_or_else(|| panic!("no 4-character code in {}", run.stderr));
    assert_eq!(code.len(), 4);
}

#[test]
fn headless_login_with_link_or_qr_or_json_uses_the_long_link() {
    let env = Env::new();
    env.fake.approve_after(Duration::from_millis(300));
    env.run(&["login", "--no-browser", "--link"])
        .ok()
        .stderr_has("#?clientID=");
    let run = env.run(&["login", "--force", "--no-browser", "--qr"]);
    run.ok().stderr_has("#?clientID=");
    // The QR code: rows of half and full blocks.
    assert!(
        run.stderr
            .lines()
            .filter(|l| l.contains('█') || l.contains('▀'))
            .count()
            > 10,
        "{}",
        run.stderr
    );
    let run = env.run(&["login", "--force", "--no-browser", "--json"]);
    run.ok();
    assert!(
        run.events()[0]["link"]
            .as_str()
            .unwrap()
            .contains("#?clientID=")
    );
    env.run(&["login", "--short-code", "--qr"]).code(2);
}

#[test]
fn login_is_a_no_op_when_the_stored_token_is_good() {
    let env = Env::new();
    env.logged_in();
    let pins = env.fake.pins_created();
    let before = env.config_text();
    env.run(&["login"])
        .ok()
        .stdout_has("Already logged in as alice");
    assert_eq!(env.fake.pins_created(), pins, "no new PIN");
    // Only the validation time may move; the sealed token is the same.
    let sealed = |t: &str| {
        t.lines()
            .find(|l| l.starts_with("sealed_token"))
            .map(str::to_owned)
    };
    assert_eq!(sealed(&before), sealed(&env.config_text()));

    env.fake.approve_after(Duration::from_millis(200));
    env.run(&["login", "--force", "--no-browser"])
        .ok()
        .stdout_has("Logged in as alice");
    assert_eq!(env.fake.pins_created(), pins + 1);
}

#[test]
fn a_rejected_stored_token_leads_to_a_new_pin() {
    let env = Env::new();
    let token = env.logged_in();
    env.fake.revoke(&token);
    env.fake.approve_after(Duration::from_millis(200));
    env.run(&["login", "--no-browser"])
        .ok()
        .stderr_has("no longer accepted")
        .stdout_has("Logged in as alice");
}

#[test]
fn with_token_reads_stdin_checks_and_stores() {
    let env = Env::new();
    let token = env.fake.token();
    env.run_stdin(&["login", "--with-token"], &format!("  {token}\n"))
        .ok()
        .stdout_has("Logged in as alice");
    let doc = env.run(&["status", "--json"]).json();
    assert_eq!(doc["auth_method"], "token");
    assert_eq!(doc["token"], format!("{}…(20 chars)", &token[..4]));
}

#[test]
fn with_token_rejected_stores_nothing_and_exits_4() {
    let env = Env::new();
    let run = env.run_stdin(&["login", "--with-token"], "NotAValidToken123456");
    // The hint is not "link again" (that is not what failed) but what fixes it.
    run.code(4)
        .stderr_has("the token given was not stored")
        .stderr_has("rejected")
        .stderr_has("pass a token plex.tv accepts");
    assert!(
        !run.stderr.contains("hint: run `plex-auth login`"),
        "{}",
        run.stderr
    );
    assert!(!env.config_text().contains("sealed_token"));
    assert!(!env.config_text().contains("[account]"));
    env.run(&["status"]).code(3);
}

#[test]
fn with_token_needs_a_token_on_stdin() {
    let env = Env::new();
    env.run_stdin(&["login", "--with-token"], "")
        .code(2)
        .stderr_has("does not hold a Plex token");
    env.run_stdin(&["login", "--with-token"], "two words")
        .code(2);
    // Never from argv.
    env.run(&["login", "--with-token", "abc"]).code(2);
}

/// `yes | plex-auth login --with-token`: refused after reading a few KiB, not the whole
/// stream. The writer offers 64 MiB and counts what the pipe took before it was closed.
#[test]
fn with_token_stops_reading_an_endless_stdin_at_its_bound() {
    use std::io::Write;
    let env = Env::new();
    let mut cmd = env.cmd();
    cmd.args(["login", "--with-token"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let chunk = b"y\n".repeat(32 * 1024);
        let mut taken = 0usize;
        while taken < 64 * 1024 * 1024 {
            match stdin.write(&chunk) {
                Ok(n) => taken += n,
                Err(_) => break,
            }
        }
        taken
    });
    let run = crate::util::Run::from(child.wait_with_output().unwrap());
    let taken = writer.join().unwrap();
    run.code(2).stderr_has("does not hold a Plex token");
    // What was read plus what a pipe buffers (64 KiB on Linux, up to 1 MiB when raised).
    assert!(
        taken < 2 * 1024 * 1024,
        "plex-auth read {taken} bytes of stdin"
    );
    env.run(&["token"]).code(3);
}

#[test]
fn json_login_prints_pin_and_linked_events() {
    let env = Env::new();
    env.fake.approve_after(Duration::from_millis(300));
    let run = env.run(&["login", "--json", "--no-browser"]);
    run.ok();
    let events = run.events();
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(events[0]["event"], "pin");
    assert_eq!(events[0]["code"].as_str().unwrap().len(), 25);
    assert!(events[0]["link"].as_str().unwrap().contains("#?clientID="));
    assert!(events[0]["expires_at"].is_string());
    assert_eq!(events[1]["event"], "linked");
    assert_eq!(events[1]["account"]["username"], "alice");
}

#[test]
fn json_login_errors_are_events_too() {
    let env = Env::new();
    env.fake.set_pin_lifetime(1);
    let run = env.run(&["login", "--json", "--no-browser"]);
    run.code(7);
    let events = run.events();
    let last = events.last().unwrap();
    assert_eq!(last["event"], "error");
    assert_eq!(last["error"]["code"], "PIN_EXPIRED");
}

#[test]
fn an_expired_pin_exits_7_and_stores_nothing() {
    let env = Env::new();
    env.fake.set_pin_lifetime(2);
    env.run(&["login", "--no-browser"])
        .code(7)
        .stderr_has("expired");
    assert!(!env.config_text().contains("sealed_token"));
}

/// A wall clock that stepped two hours (NTP on a Raspberry Pi at first boot) sees plex.tv's
/// `expiresAt` two hours off. Without `expiresIn`, the PIN's life is `expiresAt` minus
/// `createdAt`, both on plex.tv's clock: the wait neither ends at once nor runs long.
#[test]
fn a_clock_two_hours_off_from_plex_tv_keeps_the_pins_own_lifetime() {
    for offset in [-7200, 7200] {
        let env = Env::new();
        env.fake.set_clock_offset(offset);
        env.fake.omit_expires_in(true);
        env.fake.approve_after(std::time::Duration::ZERO);
        let run = env.run(&["login", "--no-browser", "--timeout", "600", "--json"]);
        run.ok();
        let events = run.events();
        let pin = events.iter().find(|e| e["event"] == "pin").unwrap();
        let left = pin["expires_in"].as_u64().unwrap();
        // The fake's PINs live 1800 s on its own clock: that is the life counted here,
        // not 0 (its expiresAt is in this clock's past) nor 9000 (two hours ahead).
        assert!((1700..=1800).contains(&left), "offset {offset}: {pin}");
        assert_eq!(events.last().unwrap()["event"], "linked", "{events:?}");
    }
}

#[test]
fn timeout_exits_7() {
    let env = Env::new();
    let run = env.run(&["login", "--no-browser", "--timeout", "1", "--json"]);
    run.code(7);
    assert_eq!(
        run.events().last().unwrap()["error"]["code"],
        "AUTH_TIMEOUT"
    );
}

#[test]
fn rate_limits_and_outages_while_polling_are_waited_out() {
    let env = Env::new();
    // The PIN is created, then polls meet 429 (with Retry-After) and a 503 before approval.
    // Each fault is queued once the fake has seen the poll before it, not after a guessed delay.
    let run = {
        let mut cmd = env.cmd();
        cmd.args(["login", "--no-browser", "-v"]);
        let child = cmd
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        wait_until("the first poll", || polls(&env) >= 1);
        env.fake.fault(
            Fault::RateLimited {
                retry_after: Some(1),
            },
            1,
        );
        let before = polls(&env);
        wait_until("the rate-limited poll", || polls(&env) > before);
        env.fake.fault(Fault::Unavailable, 1);
        env.fake.approve_after(Duration::from_millis(0));
        crate::util::Run::from(child.wait_with_output().unwrap())
    };
    run.ok().stdout_has("Logged in as alice");
}

/// How many times plex-auth has polled its PIN so far.
fn polls(env: &Env) -> usize {
    env.fake
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path.starts_with("/api/v2/pins/"))
        .count()
}

#[test]
fn pin_creation_survives_a_429() {
    let env = Env::new();
    env.fake.fault(
        Fault::RateLimited {
            retry_after: Some(1),
        },
        1,
    );
    env.fake.approve_after(Duration::from_millis(200));
    env.run(&["login", "--no-browser"]).ok();
}

#[test]
fn sigterm_while_waiting_exits_130_and_stores_nothing() {
    let env = Env::new();
    let mut cmd = env.cmd();
    cmd.args(["login", "--no-browser"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = cmd.spawn().unwrap();
    // Wait for the second poll: by then the wait (and its signal handler) has certainly begun,
    // so the signal lands while polling.
    wait_until("the second poll", || polls(&env) >= 2);
    unsafe {
        libc_kill(child.id() as i32, 15);
    }
    let run = crate::util::Run::from(child.wait_with_output().unwrap());
    run.code(130).stderr_has("interrupted");
    assert!(!env.config_text().contains("sealed_token"));
}

unsafe extern "C" {
    #[link_name = "kill"]
    fn libc_kill(pid: i32, sig: i32) -> i32;
}

#[test]
fn plain_http_to_another_host_is_refused_before_any_request() {
    let env = Env::new();
    let mut cmd = env.cmd();
    cmd.env("PLEX_AUTH_PLEX_URL", "http://plex.tv")
        .args(["login", "--json"]);
    let run = crate::util::Run::from(cmd.output().unwrap());
    run.code(9);
    assert_eq!(run.events()[0]["error"]["code"], "CONFIG_ERROR");
    assert!(env.fake.requests().is_empty());
    assert!(!env.config_dir.exists(), "nothing written");
}

/// Run `plex-auth ARGS` on a pseudo-terminal (util-linux `script`), typing `input`.
fn on_a_terminal(env: &Env, args: &str, input: &str) -> crate::util::Run {
    let mut cmd = env.command("script");
    cmd.args([
        "-qec",
        &format!("'{}' {args}", crate::util::BIN),
        "/dev/null",
    ]);
    crate::util::run_with_input(cmd, input)
}

#[test]
fn on_a_terminal_login_offers_the_server_picker() {
    use fake_plex::{ConnKind, ConnSpec, ServerSpec};
    let env = Env::new();
    env.fake.add_server(ServerSpec::owned(
        "Tower",
        "towerid",
        vec![ConnSpec::new(ConnKind::Live)],
    ));
    env.fake.approve_after(Duration::from_millis(300));
    let run = on_a_terminal(&env, "login --no-browser", "1\n");
    run.ok()
        .stdout_has("Logged in as alice")
        .stdout_has("Choose the server to use [1-1]")
        .stdout_has("Selected Tower");
    assert_eq!(
        env.run(&["status", "--json"]).json()["server"]["machine_id"],
        "towerid"
    );

    // Skippable with Enter, and not offered at all with --no-select or without a terminal.
    let env = Env::new();
    env.fake.add_server(ServerSpec::owned(
        "Tower",
        "towerid",
        vec![ConnSpec::new(ConnKind::Live)],
    ));
    env.fake.approve_after(Duration::from_millis(300));
    on_a_terminal(&env, "login --no-browser", "\n")
        .ok()
        .stdout_has("Skipped");
    assert!(env.run(&["status", "--json"]).json()["server"].is_null());
    let run = on_a_terminal(&env, "login --force --no-browser --no-select", "1\n");
    run.ok();
    assert!(!run.stdout.contains("Choose the server"));
    let run = env.run(&["login", "--force", "--no-browser"]);
    run.ok();
    assert!(!run.stderr.contains("Choose the server"));
}

#[test]
fn quiet_login_still_prints_the_link_and_what_the_code_is_for() {
    let env = Env::new();
    env.fake.approve_after(Duration::from_millis(500));
    let run = env.run(&["login", "--quiet", "--no-browser", "--link"]);
    run.ok()
        .stdout_empty()
        .stderr_has("#?clientID=")
        .stderr_has("to check the link is yours");
    // Nothing else: no progress lines.
    assert!(!run.stderr.contains("Waiting"), "{}", run.stderr);

    // With --timeout shorter than the PIN's life, the wait shown is the timeout.
    let env = Env::new();
    let run = env.run(&["login", "--no-browser", "--timeout", "1"]);
    run.code(7).stderr_has("waiting 0:01 at most");
    assert!(!run.stderr.contains("expires in"), "{}", run.stderr);
}

#[test]
fn an_unusable_keyring_is_found_before_a_pin_is_created() {
    let env = Env::new();
    // The harness points D-Bus at a socket that does not exist: no keyring here.
    let run = env.run(&["login", "--no-browser", "--store", "keyring"]);
    run.code(8).stderr_has("keyring").stderr_has("--store file");
    assert_eq!(
        env.fake.pins_created(),
        0,
        "no PIN before the store is known to work"
    );
}

#[test]
fn a_token_that_cannot_be_stored_after_approval_is_signed_out() {
    let env = Env::new();
    env.fake.approve_after(Duration::from_millis(300));
    // The key cannot be created there, and that is only found when the token is stored.
    let mut cmd = env.cmd();
    cmd.env("PLEX_AUTH_KEY_FILE", "/proc/plex-auth-test/key")
        .args(["login", "--no-browser"]);
    let run = crate::util::Run::from(cmd.output().unwrap());
    assert_ne!(run.code, 0, "{run:?}");
    run.stderr_has("signed out at plex.tv");
    let signouts = env
        .fake
        .requests()
        .iter()
        .filter(|r| r.method == "DELETE" && r.path == "/api/v2/users/signout")
        .count();
    assert_eq!(signouts, 1);
    assert!(!env.config_text().contains("sealed_token"));
}
