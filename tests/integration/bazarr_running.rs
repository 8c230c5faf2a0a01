//! A running Bazarr (issue 9): it holds its settings in memory and writes them back on every
//! save, so a change to its file only lasts once it restarted through its own API. These run
//! the binary against `fake_bazarr`, which behaves that way.

use std::path::{Path, PathBuf};

use fake_plex::{ConnKind, ConnSpec, ServerSpec};

use crate::bazarr::bazarr_copy;
use crate::util::{Env, Run, run_with_input};
use fake_plex::FakeBazarr;

fn run(env: &Env, bazarr: &str, args: &[&str], stdin: &str) -> Run {
    let mut cmd = env.cmd();
    cmd.env("PLEX_AUTH_BAZARR_URL", bazarr).args(args);
    run_with_input(cmd, stdin)
}

fn token_in(path: &Path) -> String {
    let doc: yaml_serde::Value =
        yaml_serde::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc["plex"]["token"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn running(env: &Env, fixture: &str) -> (PathBuf, FakeBazarr) {
    let path = bazarr_copy(env, fixture, Some(&env.fake.token()));
    let fake = FakeBazarr::start(&path);
    (path, fake)
}

const FRESH: &str = "bazarr-1.5.6-fresh-install.config.yaml";
const LEGACY: &str = "bazarr-1.5.6-legacy-apikey-auto-encrypted.config.yaml";

#[test]
fn a_change_to_a_running_bazarr_warns_that_its_next_save_undoes_it() {
    let env = Env::new();
    let (path, bazarr) = running(&env, FRESH);
    let p = path.to_str().unwrap();
    run(
        &env,
        &bazarr.url(),
        &["login", "--with-token", "--bazarr-config", p],
        &env.fake.token(),
    )
    .ok()
    .stderr_has("ignores the change")
    .stderr_has("plex.token")
    .stderr_has("login --restart-bazarr`");
    assert!(!token_in(&path).is_empty());
    assert_eq!(bazarr.restarts(), 0);
    // What the warning says: Bazarr's next save writes its old settings back.
    bazarr.save();
    assert_eq!(token_in(&path), "");
}

#[test]
fn restart_bazarr_restarts_it_through_its_api_and_checks_the_new_values_are_live() {
    let env = Env::new();
    let (path, bazarr) = running(&env, FRESH);
    let p = path.to_str().unwrap();
    run(
        &env,
        &bazarr.url(),
        &[
            "login",
            "--with-token",
            "--restart-bazarr",
            "--bazarr-config",
            p,
        ],
        &env.fake.token(),
    )
    .ok()
    .stderr_has("Restarted Bazarr")
    .stderr_has("runs on the new Plex settings");
    assert_eq!(bazarr.restarts(), 1);
    let live = bazarr.live("plex", "token").unwrap();
    assert_eq!(live.as_str().unwrap(), token_in(&path));
    bazarr.save();
    assert_eq!(
        token_in(&path),
        live.as_str().unwrap(),
        "a save keeps it now"
    );
    let requests = bazarr.requests();
    assert_eq!(requests[0], "GET /api/system/status", "{requests:?}");
    assert_eq!(requests[1], "GET /api/system/settings", "{requests:?}");
    assert_eq!(
        requests[2], "POST /api/system?action=restart",
        "{requests:?}"
    );
    assert_eq!(requests.last().unwrap(), "GET /api/system/settings");
    assert!(
        !path
            .parent()
            .unwrap()
            .parent()
            .unwrap()
            .join("bazarr.restart")
            .exists()
    );

    // Nothing left to restart: a second run leaves it running.
    run(&env, &bazarr.url(), &["login", "--restart-bazarr"], "")
        .ok()
        .stderr_has("no restart needed");
    assert_eq!(bazarr.restarts(), 1);

    // status sees whether it answers, without its API key.
    let status = env.run(&["status", "--json"]);
    assert_eq!(status.json()["bazarr"]["running"], false);
    let keyed = bazarr.keyed_requests().len();
    let status = run(&env, &bazarr.url(), &["status", "--json"], "");
    assert_eq!(status.json()["bazarr"]["running"], true);
    assert_eq!(bazarr.keyed_requests().len(), keyed);
}

#[test]
fn restart_bazarr_waits_for_a_bazarr_that_ends_inside_the_restart_request() {
    // The fake ends the old process inside the request, as Bazarr 1.5.3+ and Bazarr+ do:
    // the connection closes with no answer, which means "restarting", not a failure.
    let env = Env::new();
    let (path, bazarr) = running(&env, FRESH);
    let p = path.to_str().unwrap();
    let args = [
        "login",
        "--with-token",
        "--restart-bazarr",
        "--bazarr-config",
        p,
    ];
    let out = run(&env, &bazarr.url(), &args, &env.fake.token());
    out.ok()
        .stderr_has("Restarted Bazarr")
        .stderr_has("runs on the new Plex settings");
    assert!(!out.stderr.contains("failed"), "{}", out.stderr);
    assert_eq!(bazarr.restarts(), 1);
    assert_eq!(
        bazarr.live("plex", "token").unwrap().as_str().unwrap(),
        token_in(&path)
    );
}

#[test]
fn restart_bazarr_still_works_with_a_bazarr_that_answers_the_restart() {
    // Bazarr 1.5.2 and older return 204 from the restart handler.
    let env = Env::new();
    let (path, bazarr) = running(&env, FRESH);
    bazarr.answers_restart();
    let p = path.to_str().unwrap();
    let args = [
        "login",
        "--with-token",
        "--restart-bazarr",
        "--bazarr-config",
        p,
    ];
    run(&env, &bazarr.url(), &args, &env.fake.token())
        .ok()
        .stderr_has("Restarted Bazarr");
    assert_eq!(bazarr.restarts(), 1);
    assert_eq!(
        bazarr.live("plex", "token").unwrap().as_str().unwrap(),
        token_in(&path)
    );
}

#[test]
fn status_asks_a_running_bazarr_nothing_that_needs_its_api_key() {
    let env = Env::new();
    let (path, bazarr) = running(&env, FRESH);
    let p = path.to_str().unwrap();
    run(
        &env,
        &bazarr.url(),
        &["login", "--with-token", "--bazarr-config", p],
        &env.fake.token(),
    )
    .ok();
    let before = bazarr.requests().len();
    let keyed = bazarr.keyed_requests().len();
    let status = run(&env, &bazarr.url(), &["status", "--json"], "");
    let json = status.json();
    assert_eq!(json["bazarr"]["running"], true);
    assert!(json["bazarr"].get("live").is_none(), "{json}");
    run(&env, &bazarr.url(), &["status"], "")
        .ok()
        .stdout_has("Bazarr answers at")
        .stdout_has("sends it no API key");
    let asked = &bazarr.requests()[before..];
    assert_eq!(asked, ["GET /api/system/ping", "GET /api/system/ping"]);
    assert_eq!(bazarr.keyed_requests().len(), keyed, "status sent the key");
}

#[test]
fn restart_bazarr_is_exit_5_when_bazarr_does_not_answer_or_come_back() {
    let env = Env::new();
    let (path, bazarr) = running(&env, FRESH);
    let p = path.to_str().unwrap();
    let token = env.fake.token();
    // Nothing listens there.
    run(
        &env,
        "http://127.0.0.1:9/",
        &[
            "login",
            "--with-token",
            "--restart-bazarr",
            "--bazarr-config",
            p,
        ],
        &token,
    )
    .code(5)
    .stderr_has("holds the new Plex settings")
    .stderr_has("does not answer");
    assert!(
        !token_in(&path).is_empty(),
        "the file is written either way"
    );

    bazarr.never_comes_back();
    let mut cmd = env.cmd();
    cmd.env("PLEX_AUTH_BAZARR_URL", bazarr.url())
        .env("PLEX_AUTH_BAZARR_RESTART_TIMEOUT", "3")
        .args(["logout", "--restart-bazarr"]);
    run_with_input(cmd, "")
        .code(5)
        .stderr_has("did not answer again within 3 s")
        .stderr_has("holds the new Plex settings");
    assert_eq!(bazarr.restarts(), 1);
}

#[test]
fn a_wrong_api_key_is_refused_and_said_so() {
    let env = Env::new();
    let (path, bazarr) = running(&env, FRESH);
    let text = std::fs::read_to_string(&path).unwrap();
    // Bazarr runs with the key it read at start; the file now says another one.
    std::fs::write(
        &path,
        text.replace(
            "apikey: dd5706718ef782d2b3221435636f921a",
            "apikey: wrongkey",
        ),
    )
    .unwrap();
    let p = path.to_str().unwrap();
    run(
        &env,
        &bazarr.url(),
        &[
            "login",
            "--with-token",
            "--restart-bazarr",
            "--bazarr-config",
            p,
        ],
        &env.fake.token(),
    )
    .code(5)
    .stderr_has("refused auth.apikey");
    assert_eq!(bazarr.restarts(), 0);
}

#[test]
fn the_address_comes_from_the_file_unless_bazarr_url_says_otherwise() {
    let env = Env::new();
    let path = bazarr_copy(&env, FRESH, None);
    let bazarr = FakeBazarr::start(&path);
    let text = std::fs::read_to_string(&path).unwrap();
    let port = format!("  port: {}\n", bazarr.port());
    std::fs::write(&path, text.replacen("  port: 6767\n", &port, 1)).unwrap();
    let p = path.to_str().unwrap();
    let mut cmd = env.cmd();
    cmd.env_remove("PLEX_AUTH_BAZARR_URL").args([
        "login",
        "--with-token",
        "--restart-bazarr",
        "--bazarr-config",
        p,
    ]);
    run_with_input(cmd, &env.fake.token())
        .ok()
        .stderr_has(&format!("http://127.0.0.1:{}/", bazarr.port()));
    assert_eq!(bazarr.restarts(), 1);
}

#[test]
fn migrate_apikey_refuses_a_running_bazarr_unless_it_may_restart_it() {
    let env = Env::new();
    env.fake.add_server(ServerSpec::owned(
        "Tower",
        "towerid",
        vec![ConnSpec::new(ConnKind::Live)],
    ));
    let (path, bazarr) = running(&env, LEGACY);
    let before = std::fs::read(&path).unwrap();
    let p = path.to_str().unwrap();
    run(
        &env,
        &bazarr.url(),
        &["migrate-apikey", "--bazarr-config", p],
        "",
    )
    .code(9)
    .stderr_has("Bazarr is running")
    .stderr_has("nothing was written")
    .stderr_has("migrate-apikey --restart-bazarr`");
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert!(!env.config_path().exists() || !env.config_text().contains("sealed_token"));

    run(
        &env,
        &bazarr.url(),
        &["migrate-apikey", "--restart-bazarr", "--bazarr-config", p],
        "",
    )
    .ok()
    .stderr_has("Restarted Bazarr");
    assert_eq!(bazarr.restarts(), 1);
    assert_eq!(bazarr.live("plex", "auth_method").unwrap(), "oauth");
    assert_eq!(bazarr.live("plex", "disable_auto_migration").unwrap(), true);
    assert!(
        !path
            .parent()
            .unwrap()
            .parent()
            .unwrap()
            .join("bazarr.restart")
            .exists()
    );
}

#[test]
fn select_of_a_shared_server_leaves_bazarrs_server_keys_alone() {
    let env = Env::new();
    env.fake.add_server(ServerSpec::shared(
        "Friend",
        "friendid",
        vec![ConnSpec {
            local: false,
            ..ConnSpec::new(ConnKind::Live)
        }],
    ));
    let path = bazarr_copy(&env, FRESH, None);
    let p = path.to_str().unwrap();
    env.run_stdin(
        &["login", "--with-token", "--bazarr-config", p],
        &env.fake.token(),
    )
    .ok();
    let before = std::fs::read(&path).unwrap();
    let out = env.run(&["select", "Friend", "--json"]);
    out.ok().stderr_has("shared with the account");
    let json = out.json();
    assert_eq!(json["selected"]["machine_id"], "friendid");
    assert_eq!(json["bazarr"]["server_written"], false);
    assert_eq!(json["bazarr"]["reason"], "not-owned");
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert_eq!(
        env.run(&["status", "--json"]).json()["server"]["machine_id"],
        "friendid"
    );
    // The message reads as a sentence naming the file, and status gives the step that can
    // change Bazarr's server (an owned one), not a select that cannot.
    let text = env.run(&["select", "Friend"]);
    text.ok()
        .stderr_has(&format!("leaves the server keys in {p} as they are"));
    assert!(!text.stderr.contains("as they are in;"), "{}", text.stderr);
    let status = env.run(&["status"]);
    status
        .ok()
        .stdout_has("the selected Friend is shared with the account");
    assert!(
        !status.stdout.contains("run `plex-auth select`)"),
        "{}",
        status.stdout
    );
}

/// A listener run as another user (uid 65534) on 127.0.0.1: it answers every request with
/// 200 and prints `KEYED` or `PLAIN` and the request line, before answering.
pub(crate) struct Stranger {
    child: std::process::Child,
    pub(crate) port: u16,
}

const STRANGER: &str = r#"
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
print(s.getsockname()[1], flush=True)
while True:
    c, _ = s.accept()
    data = b""
    c.settimeout(5)
    try:
        while b"\r\n\r\n" not in data:
            chunk = c.recv(4096)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    lines = data.decode("latin-1").split("\r\n")
    keyed = any(l.lower().startswith("x-api-key:") for l in lines[1:])
    print(("KEYED " if keyed else "PLAIN ") + lines[0], flush=True)
    body = b'{"status":"OK"}'
    c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)
    c.close()
"#;

/// The user the stranger runs as, and the owner given to Bazarr's file when it is not his.
pub(crate) const STRANGER_UID: u32 = 65534;
const BAZARR_UID: u32 = 12345;

impl Stranger {
    pub(crate) fn start() -> Stranger {
        use std::io::BufRead;
        use std::os::unix::process::CommandExt;
        let python = ["/usr/bin/python3", "/usr/local/bin/python3"]
            .into_iter()
            .find(|p| Path::new(p).exists())
            .expect("a python3 that any user can run, for the listener of another user");
        let mut child = std::process::Command::new(python)
            .args(["-c", STRANGER])
            .uid(STRANGER_UID)
            .gid(STRANGER_UID)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        let stdout = child.stdout.as_mut().unwrap();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .unwrap();
        let port = line.trim().parse().expect("the listener's port");
        Stranger { child, port }
    }

    /// Stop it and return what it was sent, one line per request.
    pub(crate) fn stop(mut self) -> Vec<String> {
        use std::io::Read;
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        let mut out = String::new();
        self.child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        out.lines().map(str::to_string).collect()
    }
}

impl Drop for Stranger {
    // A failed assertion must not leave the listener running.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// Bazarr's file at `path`, listening (it says) on `port`, owned by `uid`.
fn bazarr_on(path: &Path, port: u16, uid: u32) {
    let text = std::fs::read_to_string(path).unwrap();
    let start = text.find("\n  port: ").unwrap() + 1;
    let end = start + text[start..].find('\n').unwrap();
    let text = format!("{}  port: {port}{}", &text[..start], &text[end..]);
    std::fs::write(path, text).unwrap();
    std::os::unix::fs::chown(path, Some(uid), Some(uid)).unwrap();
}

/// Run with Bazarr's address taken from its file (no `--bazarr-url`).
fn run_from_file(env: &Env, args: &[&str], stdin: &str) -> Run {
    let mut cmd = env.cmd();
    cmd.env_remove("PLEX_AUTH_BAZARR_URL").args(args);
    run_with_input(cmd, stdin)
}

#[test]
fn bazarrs_api_key_goes_only_to_a_listener_that_is_bazarrs() {
    if !is_root() {
        eprintln!(
            "skipped: needs root, to run a listener as uid {STRANGER_UID} and give Bazarr's file to uid {BAZARR_UID}"
        );
        return;
    }
    let env = Env::new();
    let token = env.fake.token();
    let path = bazarr_copy(&env, FRESH, None);
    let p = path.to_str().unwrap();

    // Bazarr is stopped; another user listens on its port.
    let stranger = Stranger::start();
    let port = stranger.port;
    bazarr_on(&path, port, BAZARR_UID);
    let login = ["login", "--with-token", "--bazarr-config", p];
    let linked = run_from_file(&env, &login, &token);
    let restarted = run_from_file(&env, &["login", "--restart-bazarr"], "");
    let status = run_from_file(&env, &["status", "--json"], "");
    let logged_out = run_from_file(&env, &["logout"], "");
    // Nothing at all reached it: no key, and not even a question without one.
    let heard = stranger.stop();
    assert!(
        heard.is_empty(),
        "the other user's listener was sent {heard:?}"
    );

    linked
        .ok()
        .stderr_has(&format!(
            "Bazarr's API key was not sent to http://127.0.0.1:{port}/"
        ))
        .stderr_has(&format!("belongs to uid {STRANGER_UID}"))
        .stderr_has(&format!("not to uid {BAZARR_UID} (the owner of"))
        .stderr_has("the check whether Bazarr is running was skipped")
        .stderr_has("--bazarr-url");
    restarted
        .code(5)
        .stderr_has("the restart was skipped")
        .stderr_has("was not sent")
        .stderr_has("--bazarr-url");
    let json = status.json();
    assert!(json["bazarr"].get("running").is_none(), "{json}");
    assert!(
        json["warnings"].to_string().contains("was not sent"),
        "{json}"
    );
    logged_out.ok().stderr_has("was not sent");

    // An address the user names is trusted as it is.
    let stranger = Stranger::start();
    let url = format!("http://127.0.0.1:{}/", stranger.port);
    run(&env, &url, &login, &token).ok();
    let heard = stranger.stop();
    assert!(
        heard
            .iter()
            .any(|l| l.starts_with("KEYED GET /api/system/status")),
        "{heard:?}"
    );

    // The owner of Bazarr's data listening: that is Bazarr, and it gets the key.
    let stranger = Stranger::start();
    bazarr_on(&path, stranger.port, STRANGER_UID);
    run_from_file(&env, &login, &token).ok();
    let heard = stranger.stop();
    assert!(
        heard
            .iter()
            .any(|l| l.starts_with("KEYED GET /api/system/status")),
        "{heard:?}"
    );
}

#[test]
fn migrate_apikey_with_bazarr_stopped_sends_its_key_to_no_one_on_its_port() {
    if !is_root() {
        eprintln!("skipped: needs root, to run a listener as uid {STRANGER_UID}");
        return;
    }
    // The README's install sequence: Bazarr stopped, then migrate-apikey. Another user has
    // taken Bazarr's port meanwhile.
    let env = Env::new();
    env.fake.add_server(ServerSpec::owned(
        "Tower",
        "towerid",
        vec![ConnSpec::new(ConnKind::Live)],
    ));
    let path = bazarr_copy(&env, LEGACY, Some(&env.fake.token()));
    let stranger = Stranger::start();
    bazarr_on(&path, stranger.port, BAZARR_UID);
    let p = path.to_str().unwrap();
    let migrated = run_from_file(&env, &["migrate-apikey", "--bazarr-config", p], "");
    let heard = stranger.stop();
    assert!(
        heard.is_empty(),
        "the other user's listener was sent {heard:?}"
    );
    migrated
        .ok()
        .stderr_has("Bazarr's API key was not sent")
        .stderr_has("the check whether Bazarr is running was skipped");
    let doc: yaml_serde::Value =
        yaml_serde::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(doc["plex"]["auth_method"], "oauth");
}

/// `--bazarr-url` typed once is remembered with the Bazarr file, as the file is: later
/// commands on it ask Bazarr there (Bazarr behind a port mapping, not at its file's port).
#[test]
fn bazarr_url_is_remembered_with_the_bazarr_file() {
    let env = Env::new();
    env.fake.add_server(ServerSpec::owned(
        "Tower",
        "towerid",
        vec![ConnSpec::new(ConnKind::Live)],
    ));
    let (path, bazarr) = running(&env, FRESH);
    let p = path.to_str().unwrap();
    let without_variable = |args: &[&str], stdin: &str| {
        let mut cmd = env.cmd();
        cmd.env_remove("PLEX_AUTH_BAZARR_URL").args(args);
        run_with_input(cmd, stdin)
    };
    let url = bazarr.url();
    without_variable(
        &[
            "login",
            "--with-token",
            "--bazarr-config",
            p,
            "--bazarr-url",
            &url,
            "--restart-bazarr",
        ],
        &env.fake.token(),
    )
    .ok();
    assert_eq!(bazarr.restarts(), 1);
    // No flag now: status looks where the flag said, and select sees the running Bazarr.
    without_variable(&["status"], "")
        .ok()
        .stdout_has(&format!("Bazarr answers at {url}"));
    without_variable(&["select", "Tower"], "")
        .ok()
        .stderr_has("ignores the change");
    without_variable(&["select", "Tower", "--restart-bazarr"], "").ok();
    assert_eq!(bazarr.restarts(), 2);
}
