//! Values plex-auth writes into Bazarr's config.yaml read back exactly, under Bazarr's own
//! loader (dynaconf 3.2.6, YAML 1.1), on the first load and after Bazarr has saved the file
//! again; and none is evaluated. These need Bazarr's Python libraries, so they are
//! `#[ignore]`d here and run by name from `.ci/run`.

use std::path::{Path, PathBuf};

use fake_plex::{ConnKind, ConnSpec, ServerSpec};
use plex_auth::bazarr::file::{BazarrFile, Change, Value};
use plex_auth::bazarr::sync;

use crate::bazarr::bazarr_copy;
use crate::util::Env;

const FIXTURE: &str = "bazarr-1.5.6-oauth-server-selected.config.yaml";

/// One JSON line per file from `bazarr_check.py roundtrip`.
fn roundtrip(files: &[PathBuf]) -> Vec<serde_json::Value> {
    let mut args = vec![std::ffi::OsString::from("roundtrip")];
    args.extend(files.iter().map(|f| f.as_os_str().to_owned()));
    crate::util::test_python("bazarr_check.py", &args)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
#[ignore = "needs Bazarr's Python libraries; run by .ci/run"]
fn a_server_name_bazarr_would_evaluate_is_written_inert() {
    let env = Env::new();
    let token = env.logged_in();
    let path = bazarr_copy(&env, FIXTURE, Some(&token));
    let name = "@format {env[HOME]}";
    env.fake.add_server(ServerSpec::owned(
        name,
        "formatmachineid",
        vec![ConnSpec::new(ConnKind::Live)],
    ));
    env.run(&[
        "select",
        "formatmachineid",
        "--bazarr-config",
        path.to_str().unwrap(),
    ])
    .ok()
    .stderr_has("starts with @");
    let read = &roundtrip(&[path])[0];
    let expected = "\u{ff20}format {env[HOME]}";
    assert_eq!(read["first"]["server_name"], expected, "{read}");
    assert_eq!(read["second"]["server_name"], expected, "{read}");
}

/// Names a stranger could give a shared server: YAML and dynaconf special cases, control
/// characters, quotes, unicode, and random mixes of them.
fn hostile_names() -> Vec<String> {
    let mut names: Vec<String> = [
        "@jinja {{ cycler.__init__.__globals__.os.getpid() }}",
        "@format {env[HOME]}",
        "@int 5",
        "@json {\"a\": 1}",
        "@none",
        "@",
        "=",
        "a = b",
        "key: value",
        "a: #b",
        "# comment",
        "'single'",
        "\"double\"",
        "it's",
        "2001-12-14",
        "2001-12-14t21:59:43.10-05:00",
        "12:30",
        "1_000",
        "0x1F",
        "0o17",
        "017",
        "1e3",
        ".5",
        ".inf",
        "-.inf",
        ".NaN",
        "~",
        "null",
        "Null",
        "NULL",
        "",
        " ",
        " leading",
        "trailing ",
        "yes",
        "No",
        "on",
        "OFF",
        "y",
        "n",
        "true",
        "False",
        "[a, b]",
        "{a: b}",
        "- item",
        "? key",
        "|",
        ">",
        "&anchor",
        "*alias",
        "!tag",
        "%directive",
        "`backtick`",
        "---",
        "...",
        "tab\there",
        "new\nline",
        "cr\rhere",
        "nul\u{0}here",
        "bell\u{7}",
        "esc\u{1b}[31m",
        "del\u{7f}",
        "nel\u{85}",
        "line\u{2028}sep",
        "bom\u{feff}",
        "Série",
        "日本語のサーバー",
        "emoji 🎬",
        "rtl \u{202e}gnp.exe",
        "back\\slash",
        "$HOME ${HOME}",
        "{{ 7 * 7 }}",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    // Random mixes of the pieces above, reproducible.
    let pieces = [
        "@",
        "=",
        ":",
        " #",
        "'",
        "\"",
        "\t",
        "\n",
        "~",
        "-",
        "?",
        "{",
        "}",
        "[",
        "]",
        ",",
        "&",
        "*",
        "!",
        "|",
        ">",
        "%",
        "`",
        "\\",
        "é",
        "€",
        "\u{1b}",
        "\u{0}",
        "yes",
        "null",
        "1",
        "2001-12-14",
        " ",
        "a",
        "Z",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    while names.len() < 400 {
        let n = 1 + next() % 6;
        let name: String = (0..n)
            .map(|_| pieces[(next() % pieces.len() as u64) as usize])
            .collect();
        names.push(name);
    }
    names
}

/// What plex-auth promises to write for a name: the name itself, with a leading `@` shown as
/// `＠` (the one change `values` makes).
fn expected(name: &str) -> String {
    match name.strip_prefix('@') {
        Some(rest) => format!("\u{ff20}{rest}"),
        None => name.to_string(),
    }
}

fn write_with_name(dir: &Path, i: usize, fixture: &Path, name: &str) -> Result<PathBuf, String> {
    let path = dir.join(format!("{i:03}.yaml"));
    std::fs::copy(fixture, &path).unwrap();
    let mut file = BazarrFile::load(&path).unwrap();
    let changes = vec![
        Change {
            section: "plex",
            key: "server_name",
            value: Value::Str(name.into()),
        },
        Change {
            section: "plex",
            key: "username",
            value: Value::Str(name.into()),
        },
    ];
    sync::apply(&mut file, changes).map_err(|e| e.to_string())?;
    file.write().map_err(|e| e.to_string())?;
    Ok(path)
}

#[test]
#[ignore = "needs Bazarr's Python libraries; run by .ci/run"]
fn generated_names_read_back_unchanged_under_bazarrs_loader() {
    let env = Env::new();
    let fixture = bazarr_copy(&env, FIXTURE, None);
    let dir = env.dir.path().join("names");
    std::fs::create_dir_all(&dir).unwrap();
    let names = hostile_names();
    let mut failures = Vec::new();
    let (mut unwritable, mut unloadable, mut changed) = (0, 0, 0);
    let mut written = Vec::new();
    for (i, name) in names.iter().enumerate() {
        match write_with_name(&dir, i, &fixture, name) {
            Ok(path) => written.push((name, path)),
            Err(e) => {
                unwritable += 1;
                failures.push(format!("{name:?}: not written: {e}"));
            }
        }
    }
    let files: Vec<PathBuf> = written.iter().map(|(_, p)| p.clone()).collect();
    let results = roundtrip(&files);
    for ((name, _), read) in written.iter().zip(&results) {
        let want = expected(name);
        if let Some(err) = read.get("error") {
            unloadable += 1;
            failures.push(format!("{name:?}: does not load: {err}"));
            continue;
        }
        for pass in ["first", "second"] {
            for key in ["server_name", "username"] {
                if read[pass][key] != serde_json::Value::String(want.clone()) {
                    changed += 1;
                    failures.push(format!(
                        "{name:?}: {pass} load gives {key} = {}",
                        read[pass][key]
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} names: {unwritable} refused by plex-auth, {unloadable} unloadable, {changed} values changed\n{}",
        names.len(),
        failures.join("\n")
    );
}
