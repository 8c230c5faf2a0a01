//! The layers point one way (docs/architecture.md): `commands/` -> `ops/` -> the domain
//! (`plex/`, `store/`, `bazarr/`) -> `fs/`. This reads `src/` and fails on an import that
//! points up, on a function longer than the limit, and on more `unsafe` than allowed.

use std::fs;
use std::path::{Path, PathBuf};

/// Modules no domain or fs file may use: they belong to the layers above. (`signals`,
/// `secret`, `text` and `time` sit below everything: a write holds signals back while a file
/// is replaced, whichever layer makes it.)
const ABOVE_DOMAIN: &[&str] = &[
    "error", "output", "context", "cli", "commands", "render", "ops", "picker", "terminal",
    "events", "metrics",
];
const DOMAIN: &[&str] = &["plex", "store", "bazarr", "apps"];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The file's code without its unit tests (which may check what an error becomes above).
fn code_of(path: &Path) -> String {
    let text = fs::read_to_string(path).unwrap();
    let end = ["#[cfg(test)]", "#[cfg(all(test"]
        .iter()
        .filter_map(|m| text.find(m))
        .min()
        .unwrap_or(text.len());
    text[..end].to_string()
}

/// The first folder under `src/` a file lives in (`plex` for src/plex/pin.rs), or its
/// module name for a file at the top.
fn layer_of(path: &Path) -> String {
    let rel = path.strip_prefix(src()).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

fn uses(code: &str, module: &str) -> Vec<String> {
    let needle = format!("crate::{module}");
    code.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .filter(|l| {
            l.match_indices(&needle).any(|(i, _)| {
                let after = l[i + needle.len()..].chars().next();
                !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
            })
        })
        .map(|l| l.trim().to_string())
        .collect()
}

#[test]
fn the_domain_and_fs_import_nothing_from_the_layers_above() {
    let mut files = Vec::new();
    sources(&src(), &mut files);
    let mut wrong = Vec::new();
    for path in &files {
        let layer = layer_of(path);
        let forbidden: Vec<&str> = match layer.as_str() {
            l if DOMAIN.contains(&l) => ABOVE_DOMAIN.to_vec(),
            "fs" => ABOVE_DOMAIN.iter().chain(DOMAIN).copied().collect(),
            _ => continue,
        };
        let code = code_of(path);
        for module in forbidden {
            for line in uses(&code, module) {
                wrong.push(format!("{}: {line}", path.display()));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports that point up:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn ops_import_nothing_from_the_commands_or_the_cli() {
    let mut files = Vec::new();
    sources(&src().join("ops"), &mut files);
    let mut wrong = Vec::new();
    for path in &files {
        let code = code_of(path);
        for module in ["commands", "cli"] {
            for line in uses(&code, module) {
                wrong.push(format!("{}: {line}", path.display()));
            }
        }
    }
    assert!(wrong.is_empty(), "ops that reach up:\n{}", wrong.join("\n"));
}

/// Every `fn` in `code` with its first line and its length in lines (to its closing brace,
/// found by counting braces outside strings, chars and comments: rough, and enough here).
fn functions(code: &str) -> Vec<(usize, String, usize)> {
    let lines: Vec<&str> = code.lines().collect();
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim_start();
        let is_fn = [
            "fn ",
            "pub fn ",
            "pub(crate) fn ",
            "pub(super) fn ",
            "async fn ",
            "pub async fn ",
            "const fn ",
            "pub const fn ",
        ]
        .iter()
        .any(|p| t.starts_with(p));
        if !is_fn || t.ends_with(';') {
            continue;
        }
        let name = t
            .split("fn ")
            .nth(1)
            .unwrap_or("")
            .split(['(', '<'])
            .next()
            .unwrap_or("")
            .to_string();
        let mut depth = 0i32;
        let mut opened = false;
        for (j, l) in lines.iter().enumerate().skip(i) {
            for c in strip(l).chars() {
                match c {
                    '{' => {
                        depth += 1;
                        opened = true;
                    }
                    '}' => depth -= 1,
                    _ => {}
                }
            }
            if opened && depth <= 0 {
                found.push((i + 1, name.clone(), j - i + 1));
                break;
            }
            if !opened && l.trim_end().ends_with(';') {
                break;
            }
        }
    }
    found
}

/// A line without its comment, string and char contents (braces there do not count).
fn strip(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars().peekable();
    let mut in_str = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' if in_str => {
                chars.next();
            }
            '"' => in_str = !in_str,
            '/' if !in_str && chars.peek() == Some(&'/') => break,
            '\'' if !in_str => {
                // A char literal ('{', '\'') or a lifetime ('a): skip a literal whole.
                let rest: String = chars.clone().take(3).collect();
                if rest.starts_with('\\') {
                    chars.nth(2);
                } else if rest.chars().nth(1) == Some('\'') {
                    chars.nth(1);
                }
            }
            _ if in_str => {}
            _ => out.push(c),
        }
    }
    out
}

#[test]
fn no_function_is_longer_than_its_layer_allows() {
    let mut files = Vec::new();
    sources(&src(), &mut files);
    let mut long = Vec::new();
    for path in &files {
        let limit = if layer_of(path) == "commands" { 60 } else { 80 };
        for (line, name, len) in functions(&code_of(path)) {
            if len > limit {
                long.push(format!(
                    "{}:{line} {name} {len} lines (limit {limit})",
                    path.display()
                ));
            }
        }
    }
    assert!(long.is_empty(), "functions too long:\n{}", long.join("\n"));
}

#[test]
fn unsafe_stays_in_at_most_three_places() {
    let mut files = Vec::new();
    sources(&src(), &mut files);
    let mut places = Vec::new();
    for path in &files {
        for (i, line) in fs::read_to_string(path).unwrap().lines().enumerate() {
            let code = strip(line);
            if code.contains("unsafe {")
                || code.contains("unsafe fn")
                || code.contains("unsafe impl")
            {
                places.push(format!("{}:{}", path.display(), i + 1));
            }
        }
    }
    assert!(
        places.len() <= 3,
        "unsafe in {} places:\n{}",
        places.len(),
        places.join("\n")
    );
}

#[test]
fn the_checker_finds_a_long_function_and_an_import_that_points_up() {
    let body = "    let x = 1;\n".repeat(90);
    let code = format!("fn long() {{\n{body}}}\nfn short() {{ let s = \"}}\"; }}\n");
    let found = functions(&code);
    assert_eq!(found[0], (1, "long".to_string(), 92));
    assert_eq!(found[1], (93, "short".to_string(), 1));
    assert_eq!(uses("use crate::error::Result;", "error").len(), 1);
    assert!(uses("use crate::errors_elsewhere;", "error").is_empty());
    assert!(uses("// see crate::error", "error").is_empty());
}
