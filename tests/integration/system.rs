//! `--system`: the link for the whole machine, as root's commands and the system timer use
//! it, at the real paths (/var/lib/plex-auth, /etc/plex-auth). Each run happens in a mount
//! namespace of its own where /etc is an overlay and /var/lib a folder of the test's, so
//! the machine's own files are never touched; the overlay's upper folder and the /var/lib
//! stand-in carry what one run leaves to the next.
//!
//! Needs root and `unshare -m`: ignored by plain `cargo test`, run by name in `.ci/run`.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{BIN, Env, Run, run_with_input};

struct Machine {
    root: tempfile::TempDir,
}

impl Machine {
    fn new() -> Machine {
        let root = tempfile::tempdir().unwrap();
        for dir in ["etc-upper", "etc-work", "var-lib"] {
            std::fs::create_dir(root.path().join(dir)).unwrap();
        }
        Machine { root }
    }

    /// What /etc/plex-auth holds inside the namespaces, seen from outside.
    fn etc(&self) -> PathBuf {
        self.root.path().join("etc-upper/plex-auth")
    }

    fn var_lib(&self) -> PathBuf {
        self.root.path().join("var-lib/plex-auth")
    }

    /// `plex-auth ARGS` as root on this machine: the test's environment (the fake plex.tv),
    /// without the variables that name plex-auth's folders.
    fn command(&self, env: &Env, args: &[&str]) -> Command {
        let r = self.root.path().display();
        let setup = format!(
            "mount --make-rprivate / && \
             mount -t overlay overlay -o lowerdir=/etc,upperdir={r}/etc-upper,workdir={r}/etc-work /etc && \
             mount --bind {r}/var-lib /var/lib && exec \"$0\" \"$@\""
        );
        let mut cmd = env.command("unshare");
        for var in [
            "PLEX_AUTH_CONFIG_DIR",
            "PLEX_AUTH_STATE_DIR",
            "PLEX_AUTH_STORE",
        ] {
            cmd.env_remove(var);
        }
        cmd.args(["-m", "sh", "-c", &setup, BIN]).args(args);
        cmd
    }

    fn run(&self, env: &Env, args: &[&str]) -> Run {
        Run::from(self.command(env, args).output().unwrap())
    }
}

/// The timer's service as the unit runs it: `--system validate --quiet`, the key handed over
/// as `$CREDENTIALS_DIRECTORY/plex-auth.key` (LoadCredential=plex-auth.key:/etc/plex-auth/key).
fn timer_run(machine: &Machine, env: &Env, creds: &Path) -> Run {
    std::fs::create_dir_all(creds).unwrap();
    std::fs::copy(machine.etc().join("key"), creds.join("plex-auth.key")).unwrap();
    let mut cmd = machine.command(env, &["--system", "validate", "--quiet"]);
    cmd.env("CREDENTIALS_DIRECTORY", creds);
    Run::from(cmd.output().unwrap())
}

#[test]
#[ignore = "needs root and mount namespaces (unshare -m); .ci/run runs it"]
fn login_the_timer_and_log_share_one_config_and_one_log() {
    let env = Env::new();
    let machine = Machine::new();
    let token = env.fake.token();
    let login = run_with_input(
        machine.command(&env, &["--system", "login", "--with-token"]),
        &token,
    );
    login.ok();
    // The files are where the README and the unit say, with the token in config.toml.
    let config = std::fs::read_to_string(machine.var_lib().join("config.toml")).unwrap();
    assert!(config.contains("sealed_token"), "{config}");
    assert!(
        !config.contains("key_file"),
        "the default key is not recorded: {config}"
    );
    assert!(machine.etc().join("key").is_file());

    let creds = env.dir.path().join("credentials");
    timer_run(&machine, &env, &creds).ok().stdout_empty();

    let status = machine.run(&env, &["--system", "status", "--json"]);
    status.ok();
    let doc = status.json();
    assert_eq!(doc["logged_in"], true, "{doc}");
    assert_eq!(doc["store"]["backend"], "file", "{doc}");
    assert_eq!(doc["store"]["location"], "/var/lib/plex-auth/config.toml");
    assert_eq!(doc["key_file"], "/etc/plex-auth/key");

    // One log, holding the login and the timer's check.
    let log = machine.run(&env, &["--system", "log", "--json"]);
    log.ok();
    let events: Vec<String> = log
        .events()
        .iter()
        .map(|e| e["event"].as_str().unwrap().to_owned())
        .collect();
    for wanted in ["login_ok", "validated_ok"] {
        assert!(events.contains(&wanted.to_owned()), "{events:?}");
    }
    assert!(machine.var_lib().join("events.jsonl").is_file());

    // A rejected token fails the timer's unit (exit 4), from the same files.
    env.fake.revoke(&token);
    timer_run(&machine, &env, &creds).code(4);
}
