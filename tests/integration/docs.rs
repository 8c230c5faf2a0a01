//! What users read without running anything: `--help`, completions and man pages, as insta
//! snapshots (tests/integration/snapshots/integration__docs__*.snap). The man pages and
//! completions the package ships (man/, completions/) are committed too, so a plain
//! `cargo deb` needs nothing generated first; they must equal what the binary generates,
//! which the snapshots hold.
//!
//! After a change to the CLI: `cargo insta review` (or `INSTA_UPDATE=always cargo test
//! --test integration docs::`) for the snapshots, then `scripts/refresh-generated` for the
//! shipped files.

use std::path::{Path, PathBuf};

use crate::util::{BIN, Run};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn generate(args: &[&str]) -> String {
    let mut cmd = std::process::Command::new(BIN);
    // Help shows the values of these variables: generate as on a clean machine.
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("PLEX_AUTH_") {
            cmd.env_remove(name);
        }
    }
    let out = cmd
        .args(args)
        .env("COLUMNS", "100")
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert!(out.status.success(), "plex-auth {args:?} failed");
    String::from_utf8(out.stdout).expect("generated text is UTF-8")
}

/// The golden text is insta's snapshot `name`; the shipped file at `path` must be the
/// same bytes.
fn check_shipped(name: &str, path: &Path, fresh: &str, problems: &mut Vec<String>) {
    insta::assert_snapshot!(name, fresh);
    match std::fs::read(path) {
        Ok(committed) if committed == fresh.as_bytes() => {}
        Ok(_) => problems.push(format!(
            "{} differs from what the binary generates",
            path.display()
        )),
        Err(_) => problems.push(format!("{} is missing", path.display())),
    }
}

fn assert_all(problems: Vec<String>) {
    assert!(
        problems.is_empty(),
        "{}\nrefresh the shipped files with: scripts/refresh-generated",
        problems.join("\n")
    );
}

/// Every subcommand, as the binary defines them.
use plex_auth::cli::COMMANDS;

#[test]
fn help_matches_the_snapshots() {
    let mut all = vec![("help".to_owned(), generate(&["--help"]))];
    for cmd in COMMANDS {
        all.push((format!("help-{cmd}"), generate(&[cmd, "--help"])));
    }
    for (name, help) in all {
        // insta ignores trailing blank lines; the old byte-for-byte files did not.
        assert!(
            help.ends_with('\n') && !help.ends_with("\n\n"),
            "{name}: {help:?}"
        );
        insta::assert_snapshot!(name, help);
    }
}

/// The shells the binary writes completions for, and the file each is shipped in.
const COMPLETIONS: [(&str, &str); 5] = [
    ("bash", "plex-auth.bash"),
    ("zsh", "_plex-auth"),
    ("fish", "plex-auth.fish"),
    ("elvish", "plex-auth.elv"),
    ("powershell", "_plex-auth.ps1"),
];

#[test]
fn completions_are_committed_and_current() {
    let mut problems = Vec::new();
    for (shell, file) in COMPLETIONS {
        let fresh = generate(&["completions", shell]);
        assert!(!fresh.is_empty());
        let path = root().join("completions").join(file);
        check_shipped(
            &format!("completions-{shell}"),
            &path,
            &fresh,
            &mut problems,
        );
    }
    assert_all(problems);
}

#[test]
fn man_pages_are_committed_and_current() {
    let mut problems = Vec::new();
    let page = generate(&["man"]);
    assert!(page.contains(".TH plex-auth 1"));
    check_shipped(
        "man-plex-auth",
        &root().join("man/plex-auth.1"),
        &page,
        &mut problems,
    );
    for cmd in COMMANDS {
        let page = generate(&["man", cmd]);
        let path = root().join(format!("man/plex-auth-{cmd}.1"));
        check_shipped(&format!("man-plex-auth-{cmd}"), &path, &page, &mut problems);
    }
    // Nothing shipped that the binary no longer generates.
    for entry in std::fs::read_dir(root().join("man")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let known = name == "plex-auth.1"
            || COMMANDS
                .iter()
                .any(|cmd| name == format!("plex-auth-{cmd}.1"));
        if !known {
            problems.push(format!("man/{name} is no page the binary generates"));
        }
    }
    assert_all(problems);
}

#[test]
fn output_into_a_closed_pipe_exits_quietly() {
    // `plex-auth man | head -1`: the reader goes away before the writer is done. A man page
    // fits in a pipe's buffer, so close the read end before the binary writes at all; then
    // every write meets a broken pipe.
    for args in [&["man"][..], &["completions", "bash"]] {
        let mut child = std::process::Command::new(BIN)
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let run = Run::from(child.wait_with_output().unwrap());
        run.ok().stderr_empty();
    }
    // And as users type it.
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!("set -o pipefail; '{BIN}' man | head -1"))
        .output()
        .unwrap();
    Run::from(out).ok().stderr_empty().stdout_has(".ie");
}

#[test]
fn usage_errors_exit_2_and_json_mode_gets_a_document() {
    let out = std::process::Command::new(BIN)
        .args(["frobnicate"])
        .output()
        .unwrap();
    Run::from(out).code(2).stderr_has("unrecognized subcommand");
    let out = std::process::Command::new(BIN)
        .args(["select", "--json"])
        .output()
        .unwrap();
    Run::from(out).code(2).error_code("USAGE");
    let out = std::process::Command::new(BIN)
        .args(["man", "nope"])
        .output()
        .unwrap();
    Run::from(out)
        .code(2)
        .stderr_has("invalid value 'nope'")
        .stderr_has("possible values: login, status");
}

fn readme() -> String {
    std::fs::read_to_string(root().join("README.md")).unwrap()
}

/// The shell lines of the README's ```sh blocks under `## heading`.
fn readme_commands(heading: &str) -> Vec<String> {
    let text = readme();
    let start = text
        .find(&format!("\n## {heading}\n"))
        .unwrap_or_else(|| panic!("README has no {heading} section"));
    let section = &text[start + 1..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |e| e + 3)];
    let mut lines = Vec::new();
    let mut in_block = false;
    for line in section.lines() {
        match (in_block, line.trim_end()) {
            (false, "```sh") => in_block = true,
            (true, "```") => in_block = false,
            (true, l) => lines.push(l.to_owned()),
            _ => {}
        }
    }
    lines
}

#[test]
fn the_readme_starts_with_the_two_commands_a_new_user_needs() {
    let text = readme();
    let first_block = text.split("```sh\n").nth(1).unwrap();
    let first_block = &first_block[..first_block.find("```").unwrap()];
    assert!(
        first_block.contains("cargo run --release -- login"),
        "{first_block}"
    );
    assert!(
        first_block.contains("cargo test --workspace"),
        "{first_block}"
    );
}

#[test]
fn the_readme_says_how_to_install_upgrade_and_uninstall() {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let rust_version = manifest
        .lines()
        .find_map(|l| l.strip_prefix("rust-version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .unwrap();
    let text = readme();
    let install = &text[text.find("\n## Install\n").expect("an Install section")..];
    let install = &install[..install[1..].find("\n## ").unwrap()];
    for wanted in [
        format!("Rust {rust_version}"),
        "cargo install --locked --path .".into(),
        "**Upgrade**".into(),
        "**Uninstall**".into(),
        "plex-auth logout --revoke".into(),
        "rm -rf ~/.config/plex-auth".into(),
        "rm -rf ~/.local/state/plex-auth".into(),
        "MANPATH".into(),
        "keyring".into(),
        "man/man1".into(),
        "XDG_CONFIG_HOME".into(),
    ] {
        assert!(
            install.contains(&wanted),
            "README's Install lacks {wanted:?}"
        );
    }
}

#[test]
fn the_readmes_completion_install_works_on_a_fresh_account() {
    let lines: Vec<String> = readme_commands("Install")
        .into_iter()
        .filter(|l| l.starts_with("mkdir -p") || l.starts_with("plex-auth completions"))
        .map(|l| l.split(" #").next().unwrap().trim().to_owned())
        .collect();
    assert!(
        lines.iter().any(|l| l.contains("completions bash")),
        "{lines:?}"
    );
    let home = tempfile::tempdir().unwrap();
    let bin_dir = Path::new(BIN).parent().unwrap();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap());
    let out = std::process::Command::new("bash")
        .args(["-euc", &lines.join("\n")])
        .env("HOME", home.path())
        .env("PATH", path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{lines:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    for installed in [
        ".local/share/bash-completion/completions/plex-auth",
        ".zfunc/_plex-auth",
        ".config/fish/completions/plex-auth.fish",
    ] {
        let len = std::fs::metadata(home.path().join(installed)).map_or(0, |m| m.len());
        assert!(len > 0, "the README's lines did not install {installed}");
    }
}

#[test]
fn the_readmes_crontab_line_names_plex_auth_by_its_absolute_path() {
    // cron's PATH is /usr/bin:/bin: a bare `plex-auth` from ~/.cargo/bin is not found there.
    let entries: Vec<String> = readme_commands("Cron")
        .into_iter()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_digit() || c == '*'))
        .collect();
    assert!(
        !entries.is_empty(),
        "no crontab line in the README's Cron section"
    );
    for entry in entries {
        let command = entry.split_whitespace().nth(5).unwrap_or("");
        assert!(command.starts_with('/'), "{entry}");
    }
}
