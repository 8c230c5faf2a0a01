//! `rotate-key`: a new key, the token resealed, the old key gone, and `kill -9` at any
//! moment leaves a token that opens.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::util::Env;

/// The key kept away from config.toml, as the README recommends: `--key-file` elsewhere.
fn env_with_key_elsewhere() -> (Env, PathBuf) {
    let env = Env::new();
    let key = env.dir.path().join("usb").join("plex-auth.key");
    (env, key)
}

fn run_with_key(env: &Env, key: &Path, args: &[&str]) -> crate::util::Run {
    let mut cmd = env.cmd();
    cmd.env("PLEX_AUTH_KEY_FILE", key).args(args);
    crate::util::Run::from(cmd.output().unwrap())
}

fn login_with_key(env: &Env, key: &Path) -> String {
    let token = env.fake.token();
    let mut cmd = env.cmd();
    cmd.env("PLEX_AUTH_KEY_FILE", key)
        .args(["login", "--with-token"]);
    crate::util::run_with_input(cmd, &token).ok();
    token
}

fn next_of(key: &Path) -> PathBuf {
    let mut name = key.file_name().unwrap().to_os_string();
    name.push(".next");
    key.with_file_name(name)
}

#[test]
fn rotate_key_replaces_the_key_and_the_token_still_opens() {
    let (env, key) = env_with_key_elsewhere();
    let token = login_with_key(&env, &key);
    let old_key = std::fs::read_to_string(&key).unwrap();
    let sealed_before = env.config_text();
    let status = run_with_key(&env, &key, &["status", "--json"]).json();
    assert!(status["key_created_at"].is_string(), "{status}");
    assert_eq!(status["key_age_days"], 0);

    let run = run_with_key(&env, &key, &["rotate-key"]);
    run.ok().stdout_has("Rotated the key in");
    let new_key = std::fs::read_to_string(&key).unwrap();
    assert_ne!(new_key, old_key);
    assert_eq!(crate::util::mode(&key), 0o600);
    assert!(!next_of(&key).exists());
    assert_ne!(env.config_text(), sealed_before, "the token was resealed");
    // The old key is nowhere: not in the key's folder, not in plex-auth's.
    for dir in [key.parent().unwrap(), env.config_dir.as_path()] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap_or_default();
            assert!(!text.contains(old_key.trim()));
        }
    }
    run_with_key(&env, &key, &["validate", "--quiet"])
        .ok()
        .stderr_empty();
    assert!(env.fake.is_valid(&token));
    let doc = run_with_key(&env, &key, &["rotate-key", "--json"]).json();
    assert_eq!(doc["rotated"], true);
    assert_eq!(doc["store"], "file");
    assert_eq!(doc["finished_interrupted"], false);
    run_with_key(&env, &key, &["validate", "--quiet"]).ok();
}

#[test]
fn rotate_key_when_not_logged_in_is_exit_3_and_makes_no_key() {
    let (env, key) = env_with_key_elsewhere();
    run_with_key(&env, &key, &["rotate-key"]).code(3);
    assert!(!key.exists());
}

/// A tiny xorshift, seeded from the clock: the kill moments differ from run to run.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

/// `kill -9` lands at a random moment of `rotate-key`, again and again; after each, the
/// token must open and plex.tv must accept it (`validate`, exit 0). The states the kill left
/// behind are counted so that a run shows it hit the middle of rotations, not only before
/// or after them.
#[test]
fn kill_9_at_any_moment_of_rotate_key_leaves_a_token_that_opens() {
    let tries: usize = std::env::var("ROTATE_KILL_TRIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let (env, key) = env_with_key_elsewhere();
    login_with_key(&env, &key);

    // How long one whole rotation takes here, to spread the kills over it.
    let start = Instant::now();
    for _ in 0..3 {
        run_with_key(&env, &key, &["rotate-key"]).ok();
    }
    let whole = (start.elapsed() / 3).as_micros() as u64;

    let mut rng = Rng(std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1);
    let mut states: BTreeMap<&str, usize> = BTreeMap::new();
    let mut broken = Vec::new();
    for i in 0..tries {
        let key_before = std::fs::read(&key).unwrap();
        let config_before = env.config_text();
        let mut cmd = env.cmd();
        cmd.env("PLEX_AUTH_KEY_FILE", &key)
            .arg("rotate-key")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        let mut child = cmd.spawn().unwrap();
        std::thread::sleep(Duration::from_micros(rng.below(whole + whole / 4)));
        let _ = child.kill(); // SIGKILL
        let status = child.wait().unwrap();

        let next = next_of(&key).exists();
        let key_changed = std::fs::read(&key).unwrap() != key_before;
        let sealed_changed = env.config_text() != config_before;
        let state = match (status.success(), next, sealed_changed, key_changed) {
            (true, ..) => "finished before the kill",
            (false, false, false, false) => "killed before any change",
            (false, true, false, false) => "killed with the new key written beside the old",
            (false, true, true, false) => "killed with the token resealed, key not yet moved",
            (false, false, _, true) => "killed after the key was replaced",
            _ => "other",
        };
        *states.entry(state).or_default() += 1;

        let check = run_with_key(&env, &key, &["validate", "--quiet"]);
        if check.code != 0 {
            broken.push(format!(
                "try {i} ({state}): exit {} {}",
                check.code, check.stderr
            ));
        }
    }
    eprintln!(
        "rotate-key kill loop: {tries} tries over ~{whole} us each, {} where the token did \
         not open; states: {states:?}",
        broken.len()
    );
    assert!(broken.is_empty(), "{}", broken.join("\n"));
    assert!(!states.contains_key("other"), "{states:?}");
}

/// A key handed over by systemd is read-only: the command says how to rotate it at its
/// source, and changes nothing.
#[test]
fn a_systemd_credential_key_is_refused_with_the_steps() {
    let env = Env::new();
    let creds = env.dir.path().join("creds");
    std::fs::create_dir(&creds).unwrap();
    let key = creds.join("plex-auth.key");
    std::fs::write(&key, [42u8; 32]).unwrap();
    let token = env.fake.token();
    let mut cmd = env.cmd();
    cmd.env("CREDENTIALS_DIRECTORY", &creds)
        .args(["login", "--with-token"]);
    crate::util::run_with_input(cmd, &token).ok();
    let config_before = env.config_text();

    let mut cmd = env.cmd();
    cmd.env("CREDENTIALS_DIRECTORY", &creds).arg("rotate-key");
    let run = crate::util::Run::from(cmd.output().unwrap());
    run.code(8)
        .stderr_has("systemd credential")
        .stderr_has("--key-file /etc/plex-auth/key rotate-key");
    assert_eq!(std::fs::read(&key).unwrap(), [42u8; 32]);
    assert!(!next_of(&key).exists());
    assert_eq!(env.config_text(), config_before);
}

#[test]
fn validate_warns_about_an_old_key_but_not_under_quiet() {
    let env = Env::new();
    env.logged_in();
    let text = env.config_text();
    let line = text
        .lines()
        .find(|l| l.starts_with("key_created_at"))
        .expect("a new key records when it was made")
        .to_owned();
    let old = format!(
        "key_created_at = {}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            - 100 * 86_400
    );
    std::fs::write(env.config_path(), text.replace(&line, &old)).unwrap();

    env.run(&["validate"])
        .ok()
        .stderr_has("is 100 days old (more than 90); run `plex-auth rotate-key`");
    env.run(&["validate", "--quiet"]).ok().stderr_empty();
    let run = env.run(&["validate", "--max-key-age", "0"]);
    assert!(!run.stderr.contains("days old"), "{}", run.stderr);
    let mut cmd = env.cmd();
    cmd.env("PLEX_AUTH_MAX_KEY_AGE", "365").arg("validate");
    let run = crate::util::Run::from(cmd.output().unwrap());
    assert!(!run.stderr.contains("days old"), "{}", run.stderr);
    env.run(&["validate", "--max-key-age", "99"])
        .ok()
        .stderr_has("more than 99");
    let status = env.run(&["status", "--json"]).json();
    assert_eq!(status["key_age_days"], 100);
    env.run(&["status"]).ok().stdout_has("100 days ago)");

    // A key made elsewhere, with no record: its file's time.
    let text = env.config_text();
    std::fs::write(
        env.config_path(),
        text.lines()
            .filter(|l| !l.starts_with("key_created_at"))
            .collect::<Vec<_>>()
            .join("\n"),
    )
    .unwrap();
    let status = env.run(&["status", "--json"]).json();
    assert_eq!(status["key_age_days"], 0);
}

/// Readers do not take the lock: one that read config.toml just before a rotation and the
/// key just after it reads both again, so `status` and `validate` keep working while the key
/// is rotated under them.
#[test]
fn readers_running_during_rotations_always_open_the_token() {
    let (env, key) = env_with_key_elsewhere();
    login_with_key(&env, &key);
    let failures = std::thread::scope(|scope| {
        let rotations = scope.spawn(|| {
            for _ in 0..30 {
                run_with_key(&env, &key, &["rotate-key"]).ok();
            }
        });
        let mut failures = Vec::new();
        while !rotations.is_finished() {
            let run = run_with_key(&env, &key, &["status"]);
            if run.code != 0 {
                failures.push(run.stderr);
            }
        }
        rotations.join().unwrap();
        failures
    });
    assert!(failures.is_empty(), "{failures:#?}");
}

/// The default install keeps the key beside the token: login says so once, with the one
/// command that moves it; `rotate-key --to` moves it (rotating it on the way), later runs
/// find it there, and the old file is gone.
#[test]
fn rotate_key_to_moves_the_key_off_the_tokens_disk() {
    let env = Env::new();
    env.run_stdin(&["login", "--with-token"], &env.fake.token())
        .ok()
        .stderr_has("same disk")
        .stderr_has("plex-auth rotate-key --to");
    // Not on every status: only when asked.
    let plain = env.run(&["status"]);
    plain.ok();
    assert!(!plain.stderr.contains("same disk"), "{}", plain.stderr);
    env.run(&["status", "-v"]).ok().stderr_has("same disk");

    // Another file system: /dev/shm is a tmpfs.
    let other = tempfile::tempdir_in("/dev/shm").unwrap();
    let dest = other.path().join("keys/plex-auth.key");
    let old_key = std::fs::read(env.key_path()).unwrap();
    env.run(&["rotate-key", "--to", dest.to_str().unwrap()])
        .ok()
        .stdout_has("Moved the key to");
    assert!(!env.key_path().exists(), "the old key file is gone");
    let new_key = std::fs::read(&dest).unwrap();
    assert_ne!(new_key, old_key, "the moved key is a new key");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&dest).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    assert!(!env.config_text().contains("key_moved_from"));
    env.run(&["validate"]).ok();
    let status = env.run(&["status", "-v"]);
    status.ok();
    assert!(!status.stderr.contains("same disk"), "{}", status.stderr);
}

#[test]
fn rotate_key_to_an_existing_file_changes_nothing() {
    let env = Env::new();
    env.logged_in();
    let dest = env.dir.path().join("someone-elses-file");
    std::fs::write(&dest, "keep me").unwrap();
    let config = env.config_text();
    let key = std::fs::read(env.key_path()).unwrap();
    env.run(&["rotate-key", "--to", dest.to_str().unwrap()])
        .code(8)
        .stderr_has("already exists; nothing was changed");
    assert_eq!(std::fs::read_to_string(&dest).unwrap(), "keep me");
    assert_eq!(env.config_text(), config);
    assert_eq!(std::fs::read(env.key_path()).unwrap(), key);
}
