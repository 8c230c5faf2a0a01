//! Bash completion, run in a real bash: load the script `plex-auth completions bash` prints,
//! ask it what a TAB completes (scripts/bash-complete sets COMP_WORDS, COMP_CWORD, COMP_LINE
//! and COMP_POINT and calls the function `complete -F` registered), and look at COMPREPLY.

use std::path::PathBuf;

use crate::util::BIN;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The bash script the binary generates now, written into `dir`.
fn bash_script(dir: &std::path::Path) -> std::path::PathBuf {
    let script = dir.join("plex-auth.bash");
    let out = std::process::Command::new(BIN)
        .args(["completions", "bash"])
        .output()
        .unwrap();
    assert!(out.status.success());
    std::fs::write(&script, out.stdout).unwrap();
    script
}

/// What `bash` (a command, with its environment) offers at the end of `line` with `script`
/// loaded, one offer a line, and what it said on stderr.
fn offered(
    mut bash: std::process::Command,
    script: &std::path::Path,
    line: &str,
) -> (Vec<String>, String) {
    let out = bash
        .arg(root().join("scripts/bash-complete"))
        .arg(script)
        .arg(line)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "bash-complete {line:?} failed: {stderr}"
    );
    let lines = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    (lines, stderr)
}

/// What bash offers at the end of `line`, with the script the binary generates now.
fn complete(line: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let script = bash_script(dir.path());
    let (lines, stderr) = offered(std::process::Command::new("bash"), &script, line);
    assert!(stderr.is_empty(), "{stderr}");
    lines
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

/// `plex-auth select <TAB>` offers the servers the last list showed, from the state folder,
/// without asking plex.tv; a stranger's server name is offered quoted and never run.
#[test]
fn select_completes_the_server_names_last_seen_without_the_network() {
    use fake_plex::{ConnKind, ConnSpec, ServerSpec};
    let env = crate::util::Env::new();
    env.logged_in();
    let live = || vec![ConnSpec::new(ConnKind::Live)];
    env.fake
        .add_server(ServerSpec::owned("Tower", "towerid", live()));
    env.fake
        .add_server(ServerSpec::owned("Living Room", "livingid", live()));
    let planted = env.dir.path().join("PWNED");
    let hostile = format!("$(touch {})", planted.display());
    env.fake
        .add_server(ServerSpec::shared(&hostile, "evilid", live()));
    env.run(&["servers"]).ok();

    let dir = tempfile::tempdir().unwrap();
    let script = bash_script(dir.path());
    let bin_dir = std::path::Path::new(BIN).parent().unwrap();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap());
    let before = env.fake.requests().len();
    let offers = |line: &str| -> Vec<String> {
        let mut bash = env.command("bash");
        bash.env("PATH", &path);
        offered(bash, &script, line).0
    };
    assert_eq!(offers("plex-auth select T"), ["Tower"]);
    assert_eq!(offers("plex-auth select liv"), ["Living\\ Room"]);
    let all = offers("plex-auth select ");
    assert_eq!(all.len(), 3, "{all:?}");
    assert!(all.iter().any(|o| o.starts_with("\\$\\(touch")), "{all:?}");
    assert_eq!(offers("plex-auth select liv"), ["Living\\ Room"]);
    // One server only: after it, no names (clap's flags, as before).
    let after = offers("plex-auth select Tower ");
    assert!(!after.iter().any(|o| o == "Tower"), "{after:?}");
    // Flags still complete, and other commands are untouched.
    assert!(offers("plex-auth select --ins").contains(&"--insecure".to_owned()));
    assert!(!planted.exists(), "a server name was run as a command");
    assert_eq!(
        env.fake.requests().len(),
        before,
        "completion asked plex.tv"
    );
}

/// A state folder whose last server list holds a plain name, one with a space and a
/// stranger's name made of shell code that would leave `planted` if it ever ran.
fn state_with_servers(planted: &std::path::Path) -> tempfile::TempDir {
    let state = tempfile::tempdir().unwrap();
    let doc = serde_json::json!({"servers": [
        {"name": "Tower", "machine_id": "towerid"},
        {"name": "Living Room", "machine_id": "livingid"},
        {"name": format!("$(touch {})", planted.display()), "machine_id": "evilid"},
    ]});
    let path = state.path().join("servers.json");
    std::fs::write(&path, doc.to_string()).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    state
}

/// Run `shell -c script` with the generated script for `shell` in `$SCRIPT`, the state
/// folder above, and the binary on PATH.
fn run_shell(shell: &str, args: &[&str], script: &str) -> (Vec<String>, bool) {
    let dir = tempfile::tempdir().unwrap();
    let planted = dir.path().join("PWNED");
    let state = state_with_servers(&planted);
    let generated = dir.path().join("completion");
    let out = std::process::Command::new(BIN)
        .args(["completions", shell])
        .output()
        .unwrap();
    std::fs::write(&generated, out.stdout).unwrap();
    let bin_dir = std::path::Path::new(BIN).parent().unwrap();
    let out = std::process::Command::new(shell)
        .args(args)
        .arg(script)
        .env("SCRIPT", &generated)
        .env("PLEX_AUTH_STATE_DIR", state.path())
        .env(
            "PATH",
            format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap()),
        )
        .output()
        .unwrap_or_else(|e| panic!("{shell}: {e}"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    (lines, planted.exists())
}

#[test]
#[ignore = "needs fish; .ci/run installs it and runs this"]
fn fish_completes_select_with_the_server_names() {
    let (got, ran) = run_shell(
        "fish",
        &["--no-config", "-c"],
        "source $SCRIPT; complete -C 'plex-auth select Liv'; echo ==; complete -C 'plex-auth select '",
    );
    assert!(!ran, "a server name was run as a command");
    assert_eq!(got[0], "Living Room", "{got:?}");
    assert_eq!(got[1], "==");
    assert_eq!(got.len(), 5, "{got:?}");
}

#[test]
#[ignore = "needs zsh; .ci/run installs it and runs this"]
fn zsh_completes_select_with_the_server_names() {
    // The select argument uses the function; the function adds the names as they are
    // (compadd, stubbed here to print what it was given, quotes them for the line).
    let (got, ran) = run_shell(
        "zsh",
        &["-fc"],
        r#"compdef() {}; compadd() { local arr=${@[-1]}; print -rl -- "${(@P)arr}" }
           source $SCRIPT
           grep -q "^'::*server -- .*:_plex_auth_servers' \\\\$" $SCRIPT || exit 3
           PREFIX=Liv; _plex_auth_servers; print -r -- '=='; PREFIX=''; _plex_auth_servers"#,
    );
    assert!(!ran, "a server name was run as a command");
    assert_eq!(got, ["Living Room", "==", "Tower", "Living Room", &got[4]]);
    assert!(got[4].starts_with("$(touch "), "{got:?}");
}
