//! Bazarr's `config.yaml` as a document: parse the text, read values, apply plex-auth's
//! changes, render, diff, and check that the rendered text reads back as intended. No file
//! system here; [`super::file`] reads and replaces the file.
//!
//! Edits go through yaml-edit's lossless tree, so comments, quoting, indentation, line endings,
//! flow mappings and document markers survive. Reads go through a yaml_serde view of the same
//! text, which is also how every rendered text is checked before it may replace the file.

use std::fmt;
use std::str::FromStr;

use yaml_serde::Value as Yaml;

use std::path::Path;

use crate::bazarr::BazarrError;
use crate::secret::Secret;

/// A value plex-auth writes, always as a native YAML type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Str(String),
    Bool(bool),
    Int(i64),
    List(Vec<String>),
}

/// Set `section.key` to `value`.
#[derive(Clone, PartialEq, Eq)]
pub struct Change {
    pub section: &'static str,
    pub key: &'static str,
    pub value: Value,
}

/// Keys whose values open a Plex account or Bazarr's signatures: never shown in full.
const SECRET_KEYS: &[&str] = &["token", "apikey", "legacy_token", "encryption_key"];

impl fmt::Debug for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Change");
        s.field("section", &self.section).field("key", &self.key);
        match &self.value {
            Value::Str(v) if SECRET_KEYS.contains(&self.key) && !v.is_empty() => s.field(
                "value",
                &format_args!("Str({})", Secret::new(v.as_str()).masked()),
            ),
            v => s.field("value", v),
        };
        s.finish()
    }
}

/// A parsed `config.yaml` and the changes applied to it in memory.
#[derive(Clone)]
pub struct Document {
    pub(super) original: String,
    /// The original parsed; what every key not being changed must still equal after a write.
    pub(super) original_value: Yaml,
    /// The text with the changes applied, as yaml-edit renders it. Kept as text rather than as
    /// the yaml-edit tree because that tree is neither `Send` nor `Sync`.
    pub(super) rendered: String,
    /// The parsed view the getters read: the original with the changes applied.
    pub(super) current: Yaml,
    pub(super) changes: Vec<Change>,
}

impl fmt::Debug for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Document")
            .field("changes", &self.changes)
            .finish_non_exhaustive()
    }
}

impl Document {
    /// Parse `text`, the contents of the file `shown`. Invalid YAML, a top level that is not a
    /// mapping of sections, a `general` or `plex` that is not a mapping, or YAML that the edit
    /// tree cannot reproduce byte for byte is a config error naming `shown`.
    pub fn parse(text: String, path: &Path) -> Result<Self, BazarrError> {
        let path = path.to_path_buf();
        if let Err(why) = check_shape(&text) {
            return Err(BazarrError::BadShape { path, why });
        }
        let original_value = match parse(&text) {
            Ok(value) => value,
            Err(source) => return Err(BazarrError::NotYaml { path, source }),
        };
        let Yaml::Mapping(root) = &original_value else {
            return Err(BazarrError::NotSections { path });
        };
        for section in ["general", "plex"] {
            match root.get(section) {
                None | Some(Yaml::Null) | Some(Yaml::Mapping(_)) => {}
                Some(_) => {
                    return Err(BazarrError::SectionNotMapping {
                        path,
                        section: section.to_string(),
                    });
                }
            }
        }
        // The edit tree must reproduce the file byte for byte, or an edit could change more
        // than the keys asked for.
        match yaml_edit::YamlFile::from_str(&text) {
            Ok(tree) if tree.to_string() == text && root_mapping(&tree).is_some() => {}
            _ => return Err(BazarrError::NotEditable { path }),
        }
        Ok(Document {
            current: original_value.clone(),
            original_value,
            rendered: text.clone(),
            original: text,
            changes: Vec::new(),
        })
    }

    /// The text as loaded.
    pub fn original(&self) -> &str {
        &self.original
    }

    /// The changes applied so far, the last value of each key.
    pub fn changes(&self) -> &[Change] {
        &self.changes
    }

    /// A scalar as text (`32400`, `true`, a string); `None` when missing, null or a collection.
    pub fn get_str(&self, section: &str, key: &str) -> Option<String> {
        match self.get(section, key)? {
            Yaml::String(s) => Some(s.clone()),
            Yaml::Bool(b) => Some(b.to_string()),
            Yaml::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    pub fn get_bool(&self, section: &str, key: &str) -> Option<bool> {
        self.get(section, key)?.as_bool()
    }

    pub fn get_i64(&self, section: &str, key: &str) -> Option<i64> {
        self.get(section, key)?.as_i64()
    }

    /// A sequence of scalars, each as text.
    pub fn get_list(&self, section: &str, key: &str) -> Option<Vec<String>> {
        let Yaml::Sequence(items) = self.get(section, key)? else {
            return None;
        };
        items
            .iter()
            .map(|item| match item {
                Yaml::String(s) => Some(s.clone()),
                Yaml::Bool(b) => Some(b.to_string()),
                Yaml::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect()
    }

    /// Whether `section.key` is present, even with a null value.
    pub fn has_key(&self, section: &str, key: &str) -> bool {
        self.get(section, key).is_some()
    }

    /// Whether the file already holds what `change` sets (so applying it changes nothing).
    pub fn holds(&self, change: &Change) -> bool {
        let (section, key) = (change.section, change.key);
        match &change.value {
            Value::Str(s) => matches!(self.get(section, key), Some(Yaml::String(v)) if v == s),
            Value::Bool(b) => self.get_bool(section, key) == Some(*b),
            Value::Int(i) => self.get_i64(section, key) == Some(*i),
            Value::List(items) => self.get_list(section, key).as_ref() == Some(items),
        }
    }

    /// Set these keys and no others. A missing (or null) section is created; a value that is
    /// already equal is left as written, so applying the same changes twice is a no-op.
    pub fn apply(&mut self, changes: &[Change]) {
        let Ok(tree) = yaml_edit::YamlFile::from_str(&self.rendered) else {
            // `load` checked the text parses and every edit keeps it parsing; if it ever did
            // not, `write` refuses because the recorded changes are not in the rendered text.
            self.record(changes);
            return;
        };
        let Some(root) = root_mapping(&tree) else {
            self.record(changes);
            return;
        };
        for change in changes {
            // Equal and safely written already: leave the bytes alone. An equal value written
            // plain where it needs quotes is written again, quoted.
            if self.get(change.section, change.key) == Some(&to_yaml(&change.value))
                && written_safely(&root, change)
            {
                continue;
            }
            let section = match root.get_mapping(change.section) {
                Some(m) => m,
                None => {
                    root.set(change.section, yaml_edit::Mapping::new());
                    match root.get_mapping(change.section) {
                        Some(m) => m,
                        None => continue,
                    }
                }
            };
            match &change.value {
                Value::Str(s) => section.set(change.key, scalar(s)),
                Value::Bool(b) => section.set(change.key, *b),
                Value::Int(i) => section.set(change.key, *i),
                Value::List(items) => {
                    let items: Vec<yaml_edit::YamlValue> = items
                        .iter()
                        .map(|s| yaml_edit::YamlValue::from(scalar(s)))
                        .collect();
                    section.set(change.key, items);
                }
            }
            set_in(&mut self.current, change);
        }
        self.rendered = tree.to_string();
        self.record(changes);
    }

    fn record(&mut self, changes: &[Change]) {
        for change in changes {
            self.changes
                .retain(|c| !(c.section == change.section && c.key == change.key));
            self.changes.push(change.clone());
            set_in(&mut self.current, change);
        }
    }

    pub fn render(&self) -> String {
        self.rendered.clone()
    }

    pub fn is_changed(&self) -> bool {
        self.rendered != self.original
    }

    /// A unified diff from the file as loaded to the file as it would be written, labelled with
    /// the path. Values of secret keys (tokens, API keys, the signing key) are masked, so the
    /// diff can be shown on a terminal or in a log.
    pub fn diff(&self, shown: &str) -> String {
        let diff = similar::TextDiff::from_lines(&self.original, &self.rendered)
            .unified_diff()
            .context_radius(3)
            .header(shown, &format!("{shown} (new)"))
            .to_string();
        let mut secrets: Vec<String> = [&self.original_value, &self.current]
            .into_iter()
            .flat_map(|doc| {
                SECRET_KEYS
                    .iter()
                    .filter_map(|key| match doc.get("plex")?.get(key)? {
                        Yaml::String(s) if s.len() >= 4 => Some(s.clone()),
                        _ => None,
                    })
            })
            .collect();
        // Longest first, so a value that contains another is masked whole.
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        secrets.iter().fold(diff, |text, secret| {
            text.replace(secret.as_str(), &Secret::new(secret.as_str()).masked())
        })
    }

    /// Parse the rendered text on its own and compare it with the original: each changed key
    /// must hold its new value and everything else must be equal.
    pub fn check_rendered(&self) -> std::result::Result<(), String> {
        let new = parse(&self.rendered).map_err(|e| format!("it is not valid YAML: {e}"))?;
        let (Yaml::Mapping(old_root), Yaml::Mapping(new_root)) = (&self.original_value, &new)
        else {
            return Err("its top level is not a mapping".into());
        };
        for change in &self.changes {
            let got = new.get(change.section).and_then(|s| s.get(change.key));
            if got != Some(&to_yaml(&change.value)) {
                return Err(format!(
                    "{}.{} does not hold the new value",
                    change.section, change.key
                ));
            }
        }
        let touched = |section: &str| self.changes.iter().any(|c| c.section == section);
        for (name, old) in old_root {
            let label = yaml_label(name);
            let Some(new_section) = new_root.get(name) else {
                return Err(format!("section {label} is missing"));
            };
            if !name.as_str().is_some_and(touched) {
                if new_section != old {
                    return Err(format!("section {label} changed"));
                }
                continue;
            }
            let empty = yaml_serde::Mapping::new();
            let old_keys = match old {
                Yaml::Mapping(m) => m,
                _ => &empty,
            };
            let Yaml::Mapping(new_keys) = new_section else {
                return Err(format!("section {label} is not a mapping"));
            };
            let changed = |key: &Yaml| {
                self.changes
                    .iter()
                    .any(|c| name.as_str() == Some(c.section) && key.as_str() == Some(c.key))
            };
            for (key, value) in old_keys {
                if !changed(key) && new_keys.get(key) != Some(value) {
                    return Err(format!("{label}.{} changed", yaml_label(key)));
                }
            }
            for key in new_keys.keys() {
                if !changed(key) && !old_keys.contains_key(key) {
                    return Err(format!("{label}.{} appeared", yaml_label(key)));
                }
            }
        }
        for name in new_root.keys() {
            if !old_root.contains_key(name) && !name.as_str().is_some_and(touched) {
                return Err(format!("section {} appeared", yaml_label(name)));
            }
        }
        Ok(())
    }

    fn get(&self, section: &str, key: &str) -> Option<&Yaml> {
        self.current.get(section)?.get(key)
    }
}

/// The largest config.yaml plex-auth reads. Bazarr's own files are a few KiB.
pub const MAX_SIZE: usize = 4 << 20;
/// The deepest flow nesting (`[`, `{`) accepted. Bazarr writes block style with two levels.
pub const MAX_FLOW_DEPTH: usize = 64;

/// A linear pre-scan before the YAML parsers, which take minutes on some hostile shapes (200
/// KiB of unclosed `[` took 43 s to be refused). Counts flow brackets outside quoted scalars
/// and comments; brackets inside plain scalars count too, which only errs towards refusing
/// a file with dozens of unmatched brackets in values.
pub(crate) fn check_shape(text: &str) -> std::result::Result<(), String> {
    if text.len() > MAX_SIZE {
        return Err(format!(
            "is larger than {} MiB ({} bytes), far more than any Bazarr config",
            MAX_SIZE >> 20,
            text.len()
        ));
    }
    #[derive(PartialEq)]
    enum State {
        Plain,
        Single,
        Double,
        Comment,
    }
    let mut state = State::Plain;
    let mut depth = 0usize;
    // The previous character outside quotes: a quote opens a scalar only at a token start.
    let mut prev = '\n';
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match state {
            State::Comment => {
                if c == '\n' {
                    state = State::Plain;
                    prev = c;
                }
            }
            State::Single => {
                if c == '\'' {
                    if chars.peek() == Some(&'\'') {
                        chars.next();
                    } else {
                        state = State::Plain;
                        prev = c;
                    }
                }
            }
            State::Double => match c {
                '\\' => {
                    chars.next();
                }
                '"' => {
                    state = State::Plain;
                    prev = c;
                }
                _ => {}
            },
            State::Plain => {
                let token_start = prev.is_whitespace() || "[{,:-?".contains(prev);
                match c {
                    '#' if prev.is_whitespace() => state = State::Comment,
                    '\'' if token_start => state = State::Single,
                    '"' if token_start => state = State::Double,
                    '[' | '{' => {
                        depth += 1;
                        if depth > MAX_FLOW_DEPTH {
                            return Err(format!(
                                "is nested more than {MAX_FLOW_DEPTH} levels deep in flow brackets, which no Bazarr config is"
                            ));
                        }
                    }
                    ']' | '}' => depth = depth.saturating_sub(1),
                    _ => {}
                }
                prev = c;
            }
        }
    }
    Ok(())
}

fn parse(text: &str) -> std::result::Result<Yaml, yaml_serde::Error> {
    yaml_serde::from_str(text)
}

/// A string as a scalar that reads back as the same string under YAML 1.2 (plex-auth's own
/// reader) and YAML 1.1 (Bazarr's: dynaconf's PyYAML-style loader turns `yes`, `2001-12-14`,
/// `1:30` or `0x1F` into other types, and fails on some plain text with tabs or `=`). Words
/// that are plainly text stay plain, as Bazarr writes them; other short printable text is
/// single-quoted, as Bazarr writes it; everything else is double-quoted, with escapes.
pub(crate) fn scalar(s: &str) -> yaml_edit::ScalarValue {
    if is_plain_text(s) {
        yaml_edit::ScalarValue::string(s)
    } else if s.len() <= 60 && s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        // Bazarr's own quoting for short printable text (`''`, `'12345678'`); kept short so
        // no writer folds it across lines.
        yaml_edit::ScalarValue::single_quoted(s)
    } else {
        yaml_edit::ScalarValue::double_quoted(s)
    }
}

/// Starts with a letter, has only letters, digits and `_ . - / : + ~ @`, is not one of YAML
/// 1.1's words for booleans and null, and has no `: ` or ` #`. Such a scalar is a string under
/// YAML 1.1 and 1.2 alike (numbers, dates and times all start with a digit, a sign or a dot).
pub(crate) fn is_plain_text(s: &str) -> bool {
    const WORDS: &[&str] = &["y", "n", "yes", "no", "on", "off", "true", "false", "null"];
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-/:+~@".contains(c))
        && !s.ends_with(':')
        && !WORDS.contains(&s.to_ascii_lowercase().as_str())
}

/// Whether the value already in the file reads back the same under YAML 1.1 too: a quoted
/// scalar does, and so does plain text (see [`is_plain_text`]).
fn written_safely(root: &yaml_edit::Mapping, change: &Change) -> bool {
    let quoted = |node: Option<yaml_edit::YamlNode>| {
        node.as_ref()
            .and_then(|n| n.as_scalar())
            .is_some_and(|s| s.is_quoted())
    };
    let existing = root
        .get_mapping(change.section)
        .and_then(|m| m.get(change.key));
    match &change.value {
        Value::Str(s) => is_plain_text(s) || quoted(existing),
        Value::List(items) => {
            let seq = existing.as_ref().and_then(|n| n.as_sequence().cloned());
            items
                .iter()
                .enumerate()
                .all(|(i, s)| is_plain_text(s) || quoted(seq.as_ref().and_then(|q| q.get(i))))
        }
        Value::Bool(_) | Value::Int(_) => true,
    }
}

fn root_mapping(tree: &yaml_edit::YamlFile) -> Option<yaml_edit::Mapping> {
    tree.documents().next()?.as_mapping()
}

pub(crate) fn to_yaml(value: &Value) -> Yaml {
    match value {
        Value::Str(s) => Yaml::String(s.clone()),
        Value::Bool(b) => Yaml::Bool(*b),
        Value::Int(i) => Yaml::Number((*i).into()),
        Value::List(items) => Yaml::Sequence(items.iter().cloned().map(Yaml::String).collect()),
    }
}

/// Apply one change to a parsed document, creating the section when missing or null.
pub(crate) fn set_in(doc: &mut Yaml, change: &Change) {
    let Yaml::Mapping(root) = doc else { return };
    let section = root
        .entry(Yaml::String(change.section.into()))
        .or_insert(Yaml::Null);
    if !matches!(section, Yaml::Mapping(_)) {
        *section = Yaml::Mapping(yaml_serde::Mapping::new());
    }
    if let Yaml::Mapping(m) = section {
        m.insert(Yaml::String(change.key.into()), to_yaml(&change.value));
    }
}

fn yaml_label(key: &Yaml) -> String {
    match key {
        Yaml::String(s) => s.clone(),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_check_bounds_size_and_flow_depth() {
        let deep = format!("a: {}", "[".repeat(65));
        assert!(check_shape(&deep).unwrap_err().contains("nested"));
        let ok = format!("a: {}{}", "[".repeat(64), "]".repeat(64));
        check_shape(&ok).unwrap();
        // Brackets in quoted scalars and comments do not count; apostrophes in plain text
        // do not hide brackets.
        let quoted = format!(
            "a: '{0}'\nb: \"{0}\\\"\"\nc: x # {0}\nd: 'it''s {0}'\n",
            "[".repeat(100)
        );
        check_shape(&quoted).unwrap();
        let sneaky = format!("a: don't {}", "[".repeat(100));
        assert!(check_shape(&sneaky).is_err());
        let big = "a: b\n".repeat(MAX_SIZE / 5 + 1);
        assert!(check_shape(&big).unwrap_err().contains("larger than 4 MiB"));
    }

    #[test]
    fn a_deep_document_is_refused_quickly() {
        let text = format!(
            "general:\n  a: 1\nplex:\n  ip: {}\n",
            "[".repeat(200 * 1024)
        );
        // Refused by the shape check, before any parser sees it (the parsers took 43 s and
        // more on such a file). A wide bound only: the time itself is measured elsewhere.
        let start = std::time::Instant::now();
        let err = Document::parse(text, Path::new("config.yaml")).unwrap_err();
        assert!(start.elapsed() < std::time::Duration::from_secs(20));
        assert!(matches!(err, BazarrError::BadShape { .. }), "{err}");
        assert!(err.to_string().contains("config.yaml is nested"), "{err}");
    }
}
