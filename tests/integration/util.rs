//! The harness: the real binary, a temporary config dir, and a fake plex.tv on 127.0.0.1:0.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;

use fake_plex::FakePlex;
use tempfile::TempDir;

pub const BIN: &str = env!("CARGO_BIN_EXE_plex-auth");

/// A `PLEX_AUTH_PROBE_GRACE` (ms) longer than any probe timeout: every connection is waited
/// for.
pub const WAIT_FOR_ALL: &str = "600000";

pub struct Env {
    pub fake: FakePlex,
    pub dir: TempDir,
    pub config_dir: PathBuf,
}

impl Env {
    pub fn new() -> Env {
        let dir = tempfile::tempdir().expect("tempdir");
        let config_dir = dir.path().join("config");
        Env {
            fake: FakePlex::start(),
            dir,
            config_dir,
        }
    }

    /// The binary with a clean, predictable environment: the fake as plex.tv, the file
    /// store, no keyring, no browser, no display, no terminal.
    pub fn cmd(&self) -> std::process::Command {
        self.command(BIN)
    }

    /// `program` (the binary, or a wrapper such as `script`) with the environment of [`cmd`].
    pub fn command(&self, program: &str) -> std::process::Command {
        let mut cmd = std::process::Command::new(program);
        for var in [
            "PLEX_AUTH_KEY_FILE",
            "PLEX_AUTH_BAZARR_CONFIG",
            "PLEX_AUTH_REQUEST_TIMEOUT",
            "PLEX_AUTH_BAZARR_RESTART_TIMEOUT",
            "BROWSER",
            "DISPLAY",
            "WAYLAND_DISPLAY",
            "SSH_CONNECTION",
            "SSH_TTY",
            "CREDENTIALS_DIRECTORY",
            "NO_COLOR",
            "XDG_STATE_HOME",
            "PLEX_AUTH_MAX_KEY_AGE",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("PLEX_AUTH_CONFIG_DIR", &self.config_dir)
            .env("PLEX_AUTH_PLEX_URL", self.fake.url())
            .env("PLEX_AUTH_APP_URL", format!("{}/auth", self.fake.url()))
            .env("PLEX_AUTH_STORE", "file")
            .env("PLEX_AUTH_STATE_DIR", self.state_dir())
            // No Bazarr runs here unless a test starts its fake and points this at it (the
            // files' own address, port 6767, might be a real Bazarr on this machine).
            .env("PLEX_AUTH_BAZARR_URL", "http://127.0.0.1:9/")
            .env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.dir.path().join("xdg"))
            .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
            .env("XDG_RUNTIME_DIR", self.dir.path().join("run"))
            // Which of two live connections a server is reached at must not depend on how
            // loaded the machine is: a better-ranked one is waited for until `--timeout`, as
            // if no grace period applied. Tests of the race itself use `run_racing`.
            .env("PLEX_AUTH_PROBE_GRACE", WAIT_FOR_ALL)
            .stdin(std::process::Stdio::null());
        cmd
    }

    /// Run with the given `PLEX_AUTH_PROBE_GRACE` (milliseconds), or plex-auth's default.
    pub fn run_racing(&self, grace_ms: Option<&str>, args: &[&str]) -> Run {
        let mut cmd = self.cmd();
        match grace_ms {
            Some(ms) => cmd.env("PLEX_AUTH_PROBE_GRACE", ms),
            None => cmd.env_remove("PLEX_AUTH_PROBE_GRACE"),
        };
        cmd.args(args);
        Run::from(cmd.output().expect("run plex-auth"))
    }

    pub fn run(&self, args: &[&str]) -> Run {
        let mut cmd = self.cmd();
        cmd.args(args);
        Run::from(cmd.output().expect("run plex-auth"))
    }

    pub fn run_stdin(&self, args: &[&str], stdin: &str) -> Run {
        let mut cmd = self.cmd();
        cmd.args(args);
        run_with_input(cmd, stdin)
    }

    /// Link alice by importing her token: the quickest way to a logged-in state.
    pub fn logged_in(&self) -> String {
        let token = self.fake.token();
        self.run_stdin(&["login", "--with-token"], &token).ok();
        token
    }

    pub fn config_path(&self) -> PathBuf {
        self.config_dir.join("config.toml")
    }

    pub fn config_text(&self) -> String {
        std::fs::read_to_string(self.config_path()).unwrap_or_default()
    }

    /// The event log and validate's counters (`--state-dir`).
    pub fn state_dir(&self) -> PathBuf {
        self.dir.path().join("state")
    }

    /// The event log's lines, each parsed (a line that is not JSON fails the test).
    pub fn events(&self) -> Vec<serde_json::Value> {
        let text =
            std::fs::read_to_string(self.state_dir().join("events.jsonl")).unwrap_or_default();
        text.lines()
            .map(|l| {
                serde_json::from_str(l).unwrap_or_else(|e| panic!("broken log line ({e}): {l:?}"))
            })
            .collect()
    }

    pub fn key_path(&self) -> PathBuf {
        self.config_dir.join("key")
    }

    /// A script that plays the browser: it approves the PIN in the link on the fake.
    pub fn browser_script(&self) -> PathBuf {
        let path = self.dir.path().join("browser.sh");
        let script = format!(
            "#!/bin/sh\n\
             code=$(printf '%s' \"$1\" | sed -n 's/.*[#?&]code=\\([A-Za-z0-9]*\\).*/\\1/p')\n\
             printf '%s\\n' \"$1\" > '{}'\n\
             curl -fsS -X POST '{}/__test__/approve?code='\"$code\" >/dev/null\n",
            self.dir.path().join("opened-url").display(),
            self.fake.url()
        );
        std::fs::write(&path, script).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }
}

/// Wait until `done` holds, checking every 20 ms. The deadline is wide: only something that
/// never happens should fail a test, however slow the machine is.
#[track_caller]
pub fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !done() {
        assert!(
            std::time::Instant::now() < deadline,
            "still waiting after 30 s for {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Run `cmd` with `input` on its stdin (then closed), collecting its output.
///
/// The input is written from its own thread while the output is collected, and a binary that
/// exits without reading it (a damaged config, a bad Bazarr file) closes the pipe first: that
/// broken pipe is the binary's choice to make, not a failure of the test.
pub fn run_with_input(mut cmd: std::process::Command, input: &str) -> Run {
    use std::io::Write;
    cmd.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("spawn");
    let mut stdin = child.stdin.take().expect("piped stdin");
    let input = input.as_bytes().to_vec();
    // `stdin` is dropped when the thread ends, which closes the pipe: the binary sees EOF.
    let writer = std::thread::spawn(move || match stdin.write_all(&input) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e),
        _ => Ok(()),
    });
    let output = child.wait_with_output().expect("wait");
    writer
        .join()
        .expect("stdin writer thread")
        .expect("write stdin");
    Run::from(output)
}

pub fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        use std::os::unix::process::ExitStatusExt;
        Run {
            code: o
                .status
                .code()
                .unwrap_or_else(|| 128 + o.status.signal().unwrap_or(0)),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Run {
    #[track_caller]
    pub fn code(&self, expected: i32) -> &Self {
        assert_eq!(
            self.code, expected,
            "exit code\n--- stdout:\n{}\n--- stderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
    #[track_caller]
    pub fn ok(&self) -> &Self {
        self.code(0)
    }
    #[track_caller]
    pub fn stdout_has(&self, needle: &str) -> &Self {
        assert!(
            self.stdout.contains(needle),
            "stdout lacks {needle:?}\n--- stdout:\n{}\n--- stderr:\n{}",
            self.stdout,
            self.stderr
        );
        self
    }
    #[track_caller]
    pub fn stderr_has(&self, needle: &str) -> &Self {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}\n--- stdout:\n{}\n--- stderr:\n{}",
            self.stdout,
            self.stderr
        );
        self
    }
    #[track_caller]
    pub fn stdout_empty(&self) -> &Self {
        assert!(self.stdout.is_empty(), "stdout not empty:\n{}", self.stdout);
        self
    }
    #[track_caller]
    pub fn stderr_empty(&self) -> &Self {
        assert!(self.stderr.is_empty(), "stderr not empty:\n{}", self.stderr);
        self
    }
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(self.stdout.trim())
            .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}):\n{}", self.stdout))
    }
    /// NDJSON: one document per line.
    pub fn events(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).expect("NDJSON line"))
            .collect()
    }
    #[track_caller]
    pub fn error_code(&self, code: &str) -> &Self {
        let doc = self.json();
        assert_eq!(doc["error"]["code"], code, "error document: {doc}");
        self
    }
}

/// Run `tests/python/<script>` with `args` on the Python CI provides (`PLEX_AUTH_TEST_PYTHON`,
/// with Bazarr's libraries and `cryptography`); its stdout. Fails the test, with the script's
/// stderr, when it does not succeed.
pub fn test_python<S: AsRef<std::ffi::OsStr>>(script: &str, args: &[S]) -> String {
    let python = std::env::var("PLEX_AUTH_TEST_PYTHON")
        .expect("PLEX_AUTH_TEST_PYTHON: a python with dynaconf, itsdangerous and cryptography");
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/python")
        .join(script);
    let out = std::process::Command::new(python)
        .arg(path)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{script}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}
