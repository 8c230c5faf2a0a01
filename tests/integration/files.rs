//! Hostile or odd things on disk: planted symlinks beside Bazarr's file, kills in the middle
//! of a write, a lock someone else holds, a key file that is not a file, and YAML built to
//! make parsers slow. Each one must end quickly with a clear exit code and leave nothing
//! behind.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{Env, Run};

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/bazarr/bazarr-1.5.6-fresh-install.config.yaml"
);

/// `<tmp>/bazarr/config/config.yaml`, a copy of a Bazarr 1.5.6 file, in a folder that every
/// user may write to (as a careless install leaves it).
fn open_bazarr_folder(env: &Env) -> PathBuf {
    let dir = env.dir.path().join("bazarr/config");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    let path = dir.join("config.yaml");
    std::fs::copy(FIXTURE, &path).unwrap();
    path
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn login_with_bazarr(env: &Env, path: &Path) -> Run {
    env.run_stdin(
        &[
            "login",
            "--with-token",
            "--bazarr-config",
            path.to_str().unwrap(),
        ],
        &env.fake.token(),
    )
}

/// Wait for `child` at most `limit`; kill it and fail the test when it takes longer.
pub(crate) fn finish_within(mut child: Child, limit: Duration, what: &str) -> (Run, Duration) {
    let start = Instant::now();
    loop {
        if let Some(_status) = child.try_wait().unwrap() {
            return (
                Run::from(child.wait_with_output().unwrap()),
                start.elapsed(),
            );
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "{what} still running after {limit:?}; killed it\n--- stderr:\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

pub(crate) fn spawn(mut cmd: Command) -> Child {
    cmd.stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn plex-auth")
}

#[test]
fn a_planted_lock_symlink_beside_bazarrs_file_is_never_followed() {
    let env = Env::new();
    let path = open_bazarr_folder(&env);
    let victim = env.dir.path().join("victim");
    std::os::unix::fs::symlink(&victim, path.with_extension("yaml.plex-auth.lock")).unwrap();
    login_with_bazarr(&env, &path).ok();
    assert!(
        !victim.exists(),
        "plex-auth created the target of a planted symlink"
    );
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("auth_method: oauth")
    );
    // Nothing of plex-auth's own is left in Bazarr's folder but the backup.
    assert_eq!(
        names_in(path.parent().unwrap()),
        [
            "config.yaml",
            "config.yaml.bak",
            "config.yaml.plex-auth.lock"
        ]
    );
}

#[test]
fn a_planted_backup_symlink_is_refused_with_exit_9() {
    let env = Env::new();
    let path = open_bazarr_folder(&env);
    let before = std::fs::read_to_string(&path).unwrap();
    let victim = env.dir.path().join("victim");
    std::fs::write(&victim, "not yours\n").unwrap();
    let bak = path.with_extension("yaml.bak");
    std::os::unix::fs::symlink(&victim, &bak).unwrap();
    login_with_bazarr(&env, &path)
        .code(9)
        .stderr_has("config.yaml.bak")
        .stderr_has("symbolic link");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "not yours\n");
    assert!(std::fs::symlink_metadata(&bak).unwrap().is_symlink());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
}

#[test]
fn a_backup_that_holds_a_token_is_private() {
    let env = Env::new();
    let path = open_bazarr_folder(&env);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    login_with_bazarr(&env, &path).ok();
    // Linking another account replaces a file that holds the first one's signed token.
    let (_, bob) = env.fake.add_user("bob", "bob@example.com");
    env.run_stdin(&["login", "--with-token", "--force"], &bob)
        .ok();
    let bak = path.with_extension("yaml.bak");
    assert!(
        std::fs::read_to_string(&bak)
            .unwrap()
            .contains("auth_method: oauth")
    );
    assert_eq!(crate::util::mode(&bak), 0o600);
    assert_eq!(crate::util::mode(&path), 0o644);
}

/// plex-auth's temporary files and the dot files others may leave, in `dir`.
fn temps_in(dir: &Path) -> Vec<String> {
    names_in(dir)
        .into_iter()
        .filter(|n| n.starts_with('.') || n.ends_with(".tmp"))
        .collect()
}

/// A kill between naming the new file and renaming it over the old one may leave the new
/// file under its temporary name (nothing can link an unnamed file over an existing name);
/// the next run removes it before it writes. After every kill, the same command run to the
/// end leaves no temporary file in either folder.
#[test]
fn kill_9_in_the_middle_of_writes_leaves_no_temp_files() {
    let env = Env::new();
    let path = open_bazarr_folder(&env);
    env.logged_in();
    let fixture = std::fs::read_to_string(FIXTURE).unwrap();
    let mut seed = std::process::id() as u64;
    for round in 0..40 {
        std::fs::write(&path, &fixture).unwrap();
        let mut cmd = env.cmd();
        cmd.args(["login", "--with-token", "--force", "--bazarr-config"])
            .arg(&path)
            .stdin(Stdio::piped());
        let mut child = spawn(cmd);
        {
            use std::io::Write;
            let mut stdin = child.stdin.take().unwrap();
            let _ = stdin.write_all(env.fake.token().as_bytes());
        }
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        std::thread::sleep(Duration::from_micros((seed >> 33) % 40_000));
        let _ = child.kill();
        let _ = child.wait();
        env.run_stdin(&["login", "--with-token", "--force"], &env.fake.token())
            .ok();
        for dir in [path.parent().unwrap(), env.config_dir.as_path()] {
            let stray = temps_in(dir);
            assert!(
                stray.is_empty(),
                "round {round}: left in {} after a run to the end: {stray:?}",
                dir.display()
            );
        }
    }
}

/// Exactly what a run killed between the link and the rename leaves, in both folders: the
/// next run removes those files, whatever it has to write, and nothing that only looks
/// like them.
#[test]
fn temp_files_left_by_a_killed_run_are_removed_by_the_next_run() {
    let env = Env::new();
    let path = open_bazarr_folder(&env);
    login_with_bazarr(&env, &path).ok();
    let bazarr = path.parent().unwrap().to_path_buf();
    let config = env.config_dir.clone();
    let signed = std::fs::read_to_string(&path).unwrap();
    let left = [
        (&bazarr, ".config.yaml.0123456789ab.tmp", 0o640),
        (&bazarr, ".config.yaml.bak.a1b2c3d4e5f6.tmp", 0o600),
        (&config, ".config.toml.00ff00ff00ff.tmp", 0o600),
        (&config, ".key.abcdefabcdef.tmp", 0o600),
    ];
    for (dir, name, mode) in left {
        let p = dir.join(name);
        std::fs::write(&p, &signed).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    // Not plex-auth's: Bazarr's own temporary file, another pattern, a symlink.
    let victim = env.dir.path().join("victim");
    std::fs::write(&victim, "keep").unwrap();
    std::fs::write(bazarr.join("config.yaml.tmp"), "Bazarr's").unwrap();
    std::fs::write(bazarr.join(".config.yaml.0123456789AB.tmp"), "x").unwrap();
    std::os::unix::fs::symlink(&victim, bazarr.join(".config.yaml.ffffffffffff.tmp")).unwrap();

    // A run with nothing to change in either file still tidies both folders.
    login_with_bazarr(&env, &path).ok();
    assert_eq!(
        temps_in(&bazarr),
        [
            ".config.yaml.0123456789AB.tmp",
            ".config.yaml.ffffffffffff.tmp",
            "config.yaml.tmp"
        ]
    );
    assert_eq!(temps_in(&config), Vec::<String>::new());
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
}

#[test]
fn a_held_config_lock_is_waited_for_a_few_seconds_then_exit_9() {
    let env = Env::new();
    env.logged_in();
    let lock = env.config_dir.join("config.lock");
    // -o: the lock stays with flock itself, not with `sleep`, so killing flock frees it.
    let mut holder = Command::new("flock")
        .arg("-o")
        .arg(&lock)
        .args(["sleep", "60"])
        .spawn()
        .expect("run flock");
    // Wait until flock holds it.
    let probe = std::fs::File::open(&lock).unwrap();
    let start = Instant::now();
    while probe.try_lock().is_ok() {
        probe.unlock().unwrap();
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "flock never took the lock"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // validate writes nothing there, so it does not wait for the lock.
    let mut cmd = env.cmd();
    cmd.arg("validate");
    let (run, took) = finish_within(spawn(cmd), Duration::from_secs(20), "validate");
    run.ok();
    assert!(
        took < Duration::from_secs(3),
        "waited for the lock: {took:?}"
    );

    let mut cmd = env.cmd();
    cmd.arg("logout");
    let (run, took) = finish_within(spawn(cmd), Duration::from_secs(20), "logout");
    holder.kill().unwrap();
    holder.wait().unwrap();
    run.code(9).stderr_has("config.lock").stderr_has("locked");
    assert!(took >= Duration::from_secs(3), "gave up too soon: {took:?}");
    assert!(took < Duration::from_secs(10), "waited too long: {took:?}");
    // With the holder gone, the same command works.
    env.run(&["logout"]).ok();
}

fn key_file_case(env: &Env, key: &Path) -> (Run, Duration) {
    let mut cmd = env.cmd();
    cmd.env("PLEX_AUTH_KEY_FILE", key).arg("status");
    finish_within(spawn(cmd), Duration::from_secs(10), "status")
}

#[test]
fn a_key_file_that_is_not_a_regular_file_is_exit_8_at_once() {
    let env = Env::new();
    env.logged_in();
    let fifo = env.dir.path().join("key.fifo");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let (run, took) = key_file_case(&env, &fifo);
    run.code(8)
        .stderr_has("key.fifo")
        .stderr_has("not a regular file");
    assert!(took < Duration::from_secs(3), "{took:?}");

    let (run, took) = key_file_case(&env, Path::new("/dev/zero"));
    run.code(8)
        .stderr_has("/dev/zero")
        .stderr_has("not a regular file");
    assert!(took < Duration::from_secs(3), "{took:?}");

    let big = env.dir.path().join("big.key");
    std::fs::write(&big, vec![b'A'; 8 << 20]).unwrap();
    let (run, took) = key_file_case(&env, &big);
    run.code(8).stderr_has("big.key").stderr_has("too large");
    assert!(took < Duration::from_secs(3), "{took:?}");

    // A symlink to the real key is fine.
    let link = env.dir.path().join("key.link");
    std::os::unix::fs::symlink(env.key_path(), &link).unwrap();
    key_file_case(&env, &link).0.ok();
}

#[test]
fn deeply_nested_yaml_is_refused_within_a_second() {
    let env = Env::new();
    let path = open_bazarr_folder(&env);
    // 200 KiB of unclosed flow brackets: the parsers take minutes to say no.
    let body = format!(
        "general:\n  use_plex: false\nplex:\n  ip: {}\n",
        "[".repeat(200 * 1024)
    );
    std::fs::write(&path, &body).unwrap();
    let mut cmd = env.cmd();
    cmd.args(["migrate-apikey", "--bazarr-config"]).arg(&path);
    let (run, took) = finish_within(spawn(cmd), Duration::from_secs(120), "migrate-apikey");
    run.code(9).stderr_has("config.yaml").stderr_has("nested");
    assert!(took < Duration::from_secs(1), "took {took:?}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), body);
}

/// Run as root, a key or folder another user owns or can write is refused before anything
/// is done (exit 8, with the fix), as ssh refuses such a ~/.ssh; a key others can only read
/// is said on every command that uses it, `validate` and `token` included, even under -q.
#[test]
fn as_root_a_key_or_folder_others_can_change_is_refused() {
    if !rustix::process::geteuid().is_root() {
        eprintln!("skipped: needs root (CI runs as root)");
        return;
    }
    let env = Env::new();
    env.logged_in();
    let config = env.config_text();
    let set_mode = |path: &Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    };
    // Readable by others: said, not refused.
    set_mode(&env.key_path(), 0o644);
    env.run(&["validate", "-q"]).ok().stderr_has("mode 0644");
    env.run(&["token"]).ok().stderr_has("mode 0644");
    // Writable by others, or another user's: refused, and nothing changed.
    set_mode(&env.key_path(), 0o666);
    env.run(&["validate"])
        .code(8)
        .stderr_has("refusing to run as root")
        .stderr_has("chmod 600");
    set_mode(&env.key_path(), 0o600);
    set_mode(&env.config_dir, 0o777);
    env.run(&["token"])
        .code(8)
        .stderr_has("mode 0777")
        .stdout_empty();
    set_mode(&env.config_dir, 0o700);
    std::os::unix::fs::chown(env.state_dir(), Some(12345), None).unwrap();
    env.run(&["status"])
        .code(8)
        .stderr_has("owned by uid 12345")
        .stderr_has("chown root");
    std::os::unix::fs::chown(env.state_dir(), Some(0), None).unwrap();
    assert_eq!(env.config_text(), config);
    env.run(&["validate"]).ok();
}
