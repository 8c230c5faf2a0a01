//! A person at the server picker after `login`, on a real pseudo-terminal: Ctrl-C leaves at
//! once with exit 130, Ctrl-D skips cleanly.

use std::io::{Read, Write};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fake_plex::{ConnKind, ConnSpec, ServerSpec};

use crate::util::{Env, Run, wait_until};

/// `plex-auth ARGS` on a pseudo-terminal (util-linux `script`). Once the output shows
/// `wait_for`, `keys` are typed one chunk at a time (as a person does, a moment apart).
pub fn type_at_prompt(env: &Env, args: &str, wait_for: &str, keys: &[&[u8]]) -> Run {
    let mut cmd = env.command("script");
    cmd.args([
        "-qec",
        // Ctrl-C signals the shell as well as plex-auth; trapped, the shell goes on to
        // report plex-auth's own exit status whenever the signal reaches it.
        &format!("trap : INT; '{}' {args}", crate::util::BIN),
        "/dev/null",
    ])
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn script");
    let mut stdout = child.stdout.take().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let reader = {
        let seen = Arc::clone(&seen);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 {
                    break;
                }
                seen.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        })
    };
    let text =
        |seen: &Arc<Mutex<Vec<u8>>>| String::from_utf8_lossy(&seen.lock().unwrap()).into_owned();
    wait_until(wait_for, || text(&seen).contains(wait_for));
    let mut stdin = child.stdin.take().unwrap();
    for chunk in keys {
        // A program that already left closes the terminal: later keys go nowhere.
        let _ = stdin.write_all(chunk).and_then(|()| stdin.flush());
        std::thread::sleep(Duration::from_millis(300));
    }
    drop(stdin);
    let status = child.wait().unwrap();
    reader.join().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    Run {
        code: status.code().unwrap_or(-1),
        stdout: text(&seen),
        stderr,
    }
}

fn env_with_a_server() -> Env {
    let env = Env::new();
    env.fake.add_server(ServerSpec::owned(
        "Tower",
        "towerid",
        vec![ConnSpec::new(ConnKind::Live)],
    ));
    env.fake.approve_after(Duration::from_millis(300));
    env
}

const PICKER: &str = "Choose the server to use";

#[test]
fn ctrl_c_at_the_picker_exits_130_at_once() {
    let env = env_with_a_server();
    let run = type_at_prompt(&env, "login --no-browser", PICKER, &[b"\x03", b"1\r"]);
    // It says what is true: the link is made, only the server is left, and how to choose.
    run.code(130)
        .stdout_has("interrupted at the server picker: the account is linked")
        .stdout_has("plex-auth select NAME");
    assert!(
        !run.stdout.contains("nothing was half-written"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("Selected Tower"), "{}", run.stdout);
    // The account stays linked; no server was chosen.
    let doc = env.run(&["status", "--json"]).json();
    assert_eq!(doc["logged_in"], true);
    assert!(doc["server"].is_null(), "{doc}");
}

#[test]
fn ctrl_d_at_the_picker_skips_on_a_new_line() {
    let env = env_with_a_server();
    let run = type_at_prompt(&env, "login --no-browser", PICKER, &[b"\x04"]);
    run.ok();
    let after = run.stdout.split(PICKER).nth(1).unwrap_or_default();
    assert!(
        after.contains("\n") && after.contains("Skipped; choose later"),
        "{after:?}"
    );
    assert!(env.run(&["status", "--json"]).json()["server"].is_null());
}

#[test]
fn ctrl_c_while_waiting_leaves_no_spinner_frame() {
    let env = Env::new();
    let run = type_at_prompt(&env, "login --no-browser --timeout 120", "left", &[b"\x03"]);
    run.code(130);
    // The spinner redraws its line with CR; whatever was drawn last must be cleared (ESC[2K)
    // before the message, so the last line on screen is the message alone.
    let last = run.stdout.trim_end().rsplit('\n').next().unwrap();
    let shown = last.rsplit('\r').next().unwrap();
    assert!(shown.contains("interrupted"), "{last:?}");
    assert!(!shown.contains("Waiting for approval"), "{last:?}");
    // The countdown was to the timeout (2 minutes), not the PIN's 30.
    assert!(
        run.stdout.contains(" 2:00 left") || run.stdout.contains(" 1:59 left"),
        "{}",
        run.stdout
    );
}

#[test]
fn select_alone_on_a_terminal_offers_the_picker() {
    let env = env_with_a_server();
    env.logged_in();
    let run = type_at_prompt(&env, "select", PICKER, &[b"1\r"]);
    run.ok().stdout_has("Selected Tower");
    let doc = env.run(&["status", "--json"]).json();
    assert_eq!(doc["server"]["name"], "Tower", "{doc}");
}

#[test]
fn select_alone_without_a_terminal_is_a_usage_error() {
    let env = env_with_a_server();
    env.logged_in();
    env.run(&["select"])
        .code(2)
        .stderr_has("select needs the server to choose")
        .stderr_has("plex-auth servers");
    assert!(env.run(&["status", "--json"]).json()["server"].is_null());
}

#[test]
fn enter_at_the_select_picker_changes_nothing() {
    let env = env_with_a_server();
    env.logged_in();
    let run = type_at_prompt(&env, "select", PICKER, &[b"\r"]);
    run.ok().stdout_has("Nothing chosen");
    assert!(env.run(&["status", "--json"]).json()["server"].is_null());
}

/// `login --with-token` typed at a terminal asks for the token and does not show it.
#[test]
fn with_token_on_a_terminal_prompts_without_echo() {
    let env = Env::new();
    let token = env.fake.token();
    let typed = format!("{token}\r");
    let run = type_at_prompt(
        &env,
        "login --with-token",
        "Paste the Plex token",
        &[typed.as_bytes()],
    );
    run.ok().stdout_has("Logged in as alice");
    assert!(
        !run.stdout.contains(&token),
        "the token was echoed: {}",
        run.stdout
    );
    assert!(!run.stderr.contains(&token));
    assert_eq!(env.run(&["status", "--json"]).json()["logged_in"], true);
}

/// Ctrl-C at the hidden prompt leaves at once (exit 130), stores nothing, and leaves the
/// terminal echoing again (`stty -a` runs on the same terminal right after).
#[test]
fn ctrl_c_at_the_token_prompt_exits_130_with_echo_back_on() {
    let env = Env::new();
    let run = type_at_prompt(
        &env,
        "login --with-token; echo \"exit=$?\"; stty -a",
        "Paste the Plex token",
        &[b"\x03"],
    );
    run.ok().stdout_has("exit=130");
    assert!(run.stdout.contains(" echo "), "{}", run.stdout);
    assert!(
        !run.stdout.contains("-echo "),
        "echo is still off: {}",
        run.stdout
    );
    env.run(&["status"]).code(3);
}

/// Ctrl-C while `servers` probes (its spinner turning) clears the spinner's line before the
/// message, as the PIN wait does.
#[test]
fn ctrl_c_while_probing_leaves_no_spinner_frame() {
    let env = Env::new();
    env.logged_in();
    env.fake.add_server(ServerSpec::owned(
        "Tower",
        "towerid",
        vec![ConnSpec::new(ConnKind::Hang)],
    ));
    let run = type_at_prompt(&env, "servers --probe-timeout 60", "probing", &[b"\x03"]);
    run.code(130);
    let last = run.stdout.trim_end().rsplit('\n').next().unwrap();
    let shown = last.rsplit('\r').next().unwrap();
    assert!(shown.contains("interrupted"), "{last:?}");
    assert!(!shown.contains("probing"), "{last:?}");
}
