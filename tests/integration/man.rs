//! The man pages: the sections a reader looks for on every page, subcommand pages that show
//! the global options and a SYNOPSIS one can type, and no link to a page that does not exist.

use std::collections::BTreeMap;

use crate::util::BIN;

/// Every subcommand, as the binary defines them.
use plex_auth::cli::COMMANDS;

/// Every page, by the name of its file without `.1`.
fn pages() -> BTreeMap<String, String> {
    let mut pages = BTreeMap::new();
    let page = |args: &[&str]| {
        let out = std::process::Command::new(BIN).args(args).output().unwrap();
        assert!(out.status.success(), "plex-auth {args:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    pages.insert("plex-auth".to_owned(), page(&["man"]));
    for cmd in COMMANDS {
        pages.insert(format!("plex-auth-{cmd}"), page(&["man", cmd]));
    }
    pages
}

/// The text of section `name`, up to the next `.SH`.
fn section<'a>(page: &'a str, name: &str) -> Option<&'a str> {
    let start = page
        .find(&format!(".SH \"{name}\"\n"))
        .or_else(|| page.find(&format!(".SH {name}\n")))?;
    let body = &page[start..];
    let body = &body[body.find('\n').unwrap() + 1..];
    Some(&body[..body.find("\n.SH ").map_or(body.len(), |end| end + 1)])
}

#[test]
fn every_page_has_the_sections_readers_look_for() {
    for (name, page) in pages() {
        for wanted in ["EXIT STATUS", "ENVIRONMENT", "FILES", "EXAMPLES"] {
            let body = section(&page, wanted).unwrap_or_else(|| panic!("{name}: no {wanted}"));
            assert!(body.contains(".TP"), "{name}: {wanted} is empty");
        }
        let exit = section(&page, "EXIT STATUS").unwrap();
        for code in ["\\fB4\\fR", "\\fB5\\fR", "\\fB8\\fR", "\\fB130\\fR"] {
            assert!(exit.contains(code), "{name}: EXIT STATUS lacks {code}");
        }
        let env = section(&page, "ENVIRONMENT").unwrap();
        for var in [
            "PLEX_AUTH_CONFIG_DIR",
            "XDG_CONFIG_HOME",
            "CREDENTIALS_DIRECTORY",
        ] {
            assert!(env.contains(var), "{name}: ENVIRONMENT lacks {var}");
        }
        let examples = section(&page, "EXAMPLES").unwrap();
        assert!(examples.contains("\\fBplex\\-auth"), "{name}: {examples}");
    }
}

#[test]
fn a_subcommands_page_is_runnable_and_complete() {
    let pages = pages();
    for cmd in COMMANDS {
        let page = &pages[&format!("plex-auth-{cmd}")];
        let synopsis = section(page, "SYNOPSIS").expect("a SYNOPSIS");
        let typed = format!("plex\\-auth {}", cmd.replace('-', "\\-"));
        assert!(
            synopsis.contains(&typed) && !synopsis.contains("plex\\-auth\\-"),
            "{cmd}: SYNOPSIS is not what one types: {synopsis}"
        );
        let global = section(page, "GLOBAL OPTIONS").unwrap_or_else(|| panic!("{cmd}: none"));
        for flag in [
            "\\-\\-config\\-dir",
            "\\-\\-store",
            "\\-\\-json",
            "\\-\\-quiet",
        ] {
            assert!(global.contains(flag), "{cmd}: GLOBAL OPTIONS lacks {flag}");
        }
    }
}

#[test]
fn every_page_linked_to_exists() {
    let pages = pages();
    for (name, page) in &pages {
        let text = page
            .replace("\\-", "-")
            .replace("\\fB", "")
            .replace("\\fR", "");
        for (at, _) in text.match_indices("(1)") {
            let before = &text[..at];
            let start = before
                .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                .map_or(0, |i| i + 1);
            let target = &before[start..];
            assert!(
                pages.contains_key(target),
                "{name} links to {target}(1), which does not exist"
            );
        }
    }
}

#[test]
fn the_pages_render_without_warnings() {
    // groff is not on every machine; where it is, it must have nothing to say.
    if std::process::Command::new("groff")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("groff is not installed; not rendering");
        return;
    }
    for (name, page) in pages() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(format!("{name}.1"));
        std::fs::write(&path, &page).unwrap();
        let out = std::process::Command::new("groff")
            .args(["-man", "-Tutf8", "-ww", "-z"])
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
