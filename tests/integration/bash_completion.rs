//! Bash completion, run in a real bash: load the script `plex-auth completions bash` prints,
//! ask it what a TAB completes (scripts/bash-complete sets COMP_WORDS, COMP_CWORD, COMP_LINE
//! and COMP_POINT and calls the function `complete -F` registered), and look at COMPREPLY.

use std::path::PathBuf;

use crate::util::BIN;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// What bash offers at the end of `line`, with the script the binary generates now.
fn complete(line: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("plex-auth.bash");
    let out = std::process::Command::new(BIN)
        .args(["completions", "bash"])
        .output()
        .unwrap();
    assert!(out.status.success());
    std::fs::write(&script, out.stdout).unwrap();
    let out = std::process::Command::new("bash")
        .arg(root().join("scripts/bash-complete"))
        .arg(&script)
        .arg(line)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "bash-complete {line:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[track_caller]
fn assert_offers(line: &str, expected: &[&str]) {
    let got = complete(line);
    for want in expected {
        assert!(
            got.iter().any(|g| g == want),
            "`{line}<TAB>` does not offer {want:?}; it offers {got:?}"
        );
    }
}

#[test]
fn the_command_names_complete() {
    assert_offers("plex-auth ", &["login", "validate", "migrate-apikey"]);
    assert_offers("plex-auth mig", &["migrate-apikey"]);
}

#[test]
fn a_subcommands_flags_complete() {
    let got = complete("plex-auth login --");
    for want in [
        "--with-token",
        "--no-browser",
        "--timeout",
        "--config-dir",
        "--json",
    ] {
        assert!(
            got.iter().any(|g| g == want),
            "login --<TAB> offers {got:?}"
        );
    }
    assert_offers("plex-auth servers --pro", &["--probe-timeout"]);
    assert_offers("plex-auth logout --re", &["--revoke"]);
    assert_offers("plex-auth migrate-apikey --dry", &["--dry-run"]);
}

#[test]
fn a_subcommands_values_complete() {
    assert_eq!(complete("plex-auth completions b"), ["bash"]);
    assert_offers("plex-auth completions ", &["bash", "zsh", "fish"]);
    assert_offers("plex-auth --store ", &["auto", "keyring", "file"]);
    assert_offers("plex-auth login --store f", &["file"]);
}

#[test]
fn man_completes_the_command_names() {
    let got = complete("plex-auth man ");
    for want in ["login", "status", "validate", "migrate-apikey", "man"] {
        assert!(got.iter().any(|g| g == want), "man <TAB> offers {got:?}");
    }
    assert!(
        !got.iter().any(|g| g == "help"),
        "no page for help: {got:?}"
    );
    assert_eq!(complete("plex-auth man va"), ["validate"]);
}
