//! What `--help` says: a command's own options, and one line for the global ones (which
//! `plex-auth --help` lists), one meaning per flag name, examples for every command, and nothing taken from
//! the environment shown as if it had been typed.

use crate::util::{BIN, Run};

/// Every subcommand, as the binary defines them.
use plex_auth::cli::COMMANDS;

/// Every variable plex-auth reads through a flag, set to a value that must not leak.
const ENV: &[(&str, &str)] = &[
    ("PLEX_AUTH_CONFIG_DIR", "/home/alice/leaked-config"),
    ("PLEX_AUTH_STORE", "file"),
    ("PLEX_AUTH_KEY_FILE", "/home/alice/leaked-key"),
    ("PLEX_AUTH_BAZARR_CONFIG", "/home/alice/leaked-bazarr.yaml"),
    ("PLEX_AUTH_PLEX_URL", "http://127.0.0.1:9/leaked-plex"),
    ("PLEX_AUTH_APP_URL", "http://127.0.0.1:9/leaked-app"),
    ("PLEX_AUTH_REQUEST_TIMEOUT", "42.5"),
    ("PLEX_AUTH_STATE_DIR", "/home/alice/leaked-state"),
    ("PLEX_AUTH_MAX_KEY_AGE", "4242"),
    ("PLEX_AUTH_BAZARR_URL", "http://127.0.0.1:9/leaked-bazarr"),
    ("PLEX_AUTH_BAZARR_RESTART_TIMEOUT", "4343"),
    ("PLEX_AUTH_METRICS_FILE", "/home/alice/leaked-metrics.prom"),
];

fn run(args: &[&str], with_env: bool) -> Run {
    let mut cmd = std::process::Command::new(BIN);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("PLEX_AUTH_") {
            cmd.env_remove(name);
        }
    }
    if with_env {
        cmd.envs(ENV.iter().copied());
    }
    Run::from(cmd.args(args).env("COLUMNS", "100").output().unwrap())
}

fn help(cmd: &str) -> String {
    run(&[cmd, "--help"], false).ok().stdout.clone()
}

#[test]
fn help_is_the_same_whatever_the_environment_holds() {
    for args in std::iter::once(vec!["--help"])
        .chain(COMMANDS.iter().map(|c| vec![*c, "--help"]))
        .chain(COMMANDS.iter().map(|c| vec![*c, "-h"]))
    {
        let clean = run(&args, false).ok().stdout.clone();
        let set = run(&args, true).ok().stdout.clone();
        for (_, value) in ENV {
            assert!(
                !set.contains(&format!("={value}")),
                "plex-auth {args:?} shows {value}:\n{set}"
            );
        }
        assert_eq!(
            clean, set,
            "plex-auth {args:?} changes with the environment"
        );
    }
}

#[test]
fn a_usage_error_does_not_show_the_environment_as_typed() {
    // A missing argument and a conflict: clap's usage line lists the flags "used".
    for args in [&["select"][..], &["completions"], &["status", "-q", "-v"]] {
        let clean = run(args, false).code(2).stderr.clone();
        let set = run(args, true).code(2).stderr.clone();
        assert!(!set.contains("--config-dir"), "{args:?}:\n{set}");
        assert!(!set.contains("leaked"), "{args:?}:\n{set}");
        assert_eq!(clean, set, "{args:?}");
    }
}

/// A subcommand's help lists its own options and one line pointing at the global ones,
/// which `plex-auth --help` lists; the subcommand still takes them.
#[test]
fn a_commands_help_shows_its_own_options_and_points_at_the_global_ones() {
    for (cmd, own) in [
        ("login", "--with-token"),
        ("validate", "--server"),
        ("servers", "--probe-timeout"),
        ("select", "--insecure"),
        ("logout", "--revoke"),
        ("migrate-apikey", "--dry-run"),
    ] {
        for text in [help(cmd), run(&[cmd, "-h"], false).ok().stdout.clone()] {
            assert!(
                text.contains(&format!("      {own}")),
                "{cmd}: no {own}:\n{text}"
            );
            assert!(!text.contains("\nGlobal options:\n"), "{cmd}:\n{text}");
            assert!(!text.contains("      --config-dir <DIR>"), "{cmd}:\n{text}");
            assert!(
                text.contains("`plex-auth --help` lists them"),
                "{cmd}:\n{text}"
            );
        }
    }
    let top = run(&["--help"], false).ok().stdout.clone();
    assert!(top.contains("\nGlobal options:\n"), "{top}");
    assert!(top.contains("--config-dir <DIR>"), "{top}");
}

#[test]
fn every_command_has_examples() {
    for cmd in std::iter::once(None).chain(COMMANDS.iter().map(Some)) {
        let (text, name) = match cmd {
            None => (run(&["--help"], false).ok().stdout.clone(), "plex-auth"),
            Some(c) => (help(c), *c),
        };
        let examples = text
            .split("\nExamples:\n")
            .nth(1)
            .unwrap_or_else(|| panic!("{name}: no Examples:\n{text}"));
        let runnable = match cmd {
            None => "  plex-auth ".to_owned(),
            Some(c) => format!("plex-auth {c}"),
        };
        assert!(examples.contains(&runnable), "{name}:\n{examples}");
    }
}

#[test]
fn each_timeout_flag_has_one_meaning() {
    assert!(help("login").contains("--timeout <SECS>"));
    for cmd in ["validate", "servers", "select", "migrate-apikey"] {
        let text = help(cmd);
        assert!(text.contains("--probe-timeout <SECS>"), "{cmd}:\n{text}");
        assert!(!text.contains("--timeout"), "{cmd}:\n{text}");
    }
}
