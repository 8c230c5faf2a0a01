//! Numeric flags are checked where they are parsed: a timeout that is not a finite number of
//! seconds greater than zero is a usage error (exit 2), never a panic or a silent default.

use crate::util::{Env, Run};

const BAD: &[&str] = &["nan", "inf", "-1", "0"];

#[track_caller]
fn usage_error(run: &Run, flag: &str, value: &str) {
    run.code(2)
        .stderr_has(&format!("invalid value '{value}' for '{flag} <SECS>'"))
        .stderr_has("seconds greater than 0")
        .stdout_empty();
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

#[test]
fn request_timeout_must_be_a_positive_number_of_seconds() {
    let env = Env::new();
    for value in BAD {
        let run = env.run(&["--request-timeout", value, "status"]);
        usage_error(&run, "--request-timeout", value);
        // The global flag after the subcommand, and in the `--flag=value` form.
        let run = env.run(&["validate", &format!("--request-timeout={value}")]);
        usage_error(&run, "--request-timeout", value);
    }
}

#[test]
fn the_request_timeout_variable_is_checked_like_the_flag() {
    let env = Env::new();
    for value in BAD {
        let mut cmd = env.cmd();
        cmd.env("PLEX_AUTH_REQUEST_TIMEOUT", value).arg("validate");
        let run = Run::from(cmd.output().unwrap());
        usage_error(&run, "--request-timeout", value);
    }
}

#[test]
fn probe_timeouts_must_be_a_positive_number_of_seconds() {
    let env = Env::new();
    env.logged_in();
    let commands: &[&[&str]] = &[
        &["servers"],
        &["select", "1"],
        &["validate", "--server"],
        &["migrate-apikey", "--dry-run"],
    ];
    for command in commands {
        for value in BAD {
            // `--timeout` is the old spelling, kept so scripts keep working.
            for flag in ["--probe-timeout", "--timeout"] {
                let mut args = command.to_vec();
                args.extend([flag, value]);
                usage_error(&env.run(&args), "--probe-timeout", value);
            }
        }
    }
}

#[test]
fn login_timeout_must_be_a_whole_positive_number_of_seconds() {
    let env = Env::new();
    for value in BAD.iter().chain(&["1.5"]) {
        let run = env.run(&["login", "--no-browser", "--timeout", value]);
        usage_error(&run, "--timeout", value);
    }
    assert_eq!(env.fake.pins_created(), 0, "nothing ran");
}

#[test]
fn good_timeouts_are_accepted() {
    let env = Env::new();
    env.logged_in();
    env.run(&["--request-timeout", "0.5", "validate"]).ok();
    env.run(&["validate", "--request-timeout", "30"]).ok();
    env.run(&["servers", "--probe-timeout", "2.5"]).ok();
    env.run(&["servers", "--timeout", "2.5"]).ok();
}

#[test]
fn one_verbose_is_all_the_detail_there_is() {
    let env = Env::new();
    env.logged_in();
    env.run(&["status", "-v"]).ok();
    // A second -v would promise more than there is: refused, not ignored.
    env.run(&["status", "-vv"])
        .code(2)
        .stderr_has("cannot be used multiple times")
        .stdout_empty();
}

/// A folder whose name is not UTF-8 (`$'bad\xff'`), under the test's temp dir.
fn not_utf8_dir(env: &Env) -> std::path::PathBuf {
    use std::os::unix::ffi::OsStrExt;
    let dir = env.dir.path().join(std::ffi::OsStr::from_bytes(b"bad\xff"));
    std::fs::create_dir(&dir).unwrap();
    dir
}

/// Paths are recorded as text: one that is not UTF-8 is refused before anything is written
/// (Bazarr's file, a key), exit 2 naming the flag, for the flag and its variable alike.
#[test]
fn paths_that_are_not_utf8_are_refused_up_front() {
    let env = Env::new();
    let dir = not_utf8_dir(&env);
    let bazarr = dir.join("config.yaml");
    let original = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/bazarr/bazarr-1.5.6-fresh-install.config.yaml"
    ))
    .unwrap();
    std::fs::write(&bazarr, &original).unwrap();
    let key = dir.join("key");
    let token = env.fake.token();
    let cases: [(&str, &str, &std::path::Path); 4] = [
        ("--bazarr-config", "PLEX_AUTH_BAZARR_CONFIG", &bazarr),
        ("--key-file", "PLEX_AUTH_KEY_FILE", &key),
        ("--state-dir", "PLEX_AUTH_STATE_DIR", &dir),
        ("--config-dir", "PLEX_AUTH_CONFIG_DIR", &dir),
    ];
    for (flag, var, path) in cases {
        for by_env in [false, true] {
            let mut cmd = env.cmd();
            cmd.args(["login", "--with-token"]);
            if by_env {
                cmd.env(var, path);
            } else {
                cmd.arg(flag).arg(path);
            }
            let run = crate::util::run_with_input(cmd, &token);
            run.code(2)
                .stderr_has(&format!(
                    "the path given to {flag} (or {var}) is not valid UTF-8"
                ))
                .stdout_empty();
            assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
        }
    }
    // Nothing was written: Bazarr's file is as it was, no key, no token stored.
    assert_eq!(std::fs::read_to_string(&bazarr).unwrap(), original);
    assert!(!key.exists());
    assert!(!env.config_path().exists());
    let mut cmd = env.cmd();
    cmd.args(["validate", "--json", "--metrics-file"])
        .arg(dir.join("m.prom"));
    let run = Run::from(cmd.output().unwrap());
    run.code(2).error_code("USAGE");
    assert!(!dir.join("m.prom").exists());
}
