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
