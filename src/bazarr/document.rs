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

use crate::error::{Error, Result};
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
    pub fn parse(text: String, shown: &str) -> Result<Self> {
        let original_value = parse(&text).map_err(|e| {
            Error::config(format!("{shown} is not valid YAML: {e}")).with_hint(
                "fix the file (Bazarr rewrites a valid one when it saves its settings); plex-auth left it as it was",
            )
        })?;
        let Yaml::Mapping(root) = &original_value else {
            return Err(Error::config(format!(
                "{shown} is empty or its top level is not a mapping of sections, so it is not a Bazarr config file"
            ))
            .with_hint("check the path, or pass --bazarr-config PATH"));
        };
        for section in ["general", "plex"] {
            match root.get(section) {
                None | Some(Yaml::Null) | Some(Yaml::Mapping(_)) => {}
                Some(_) => {
                    return Err(Error::config(format!(
                        "the `{section}` section of {shown} is not a mapping of settings"
                    ))
                    .with_hint(format!(
                        "fix or remove the `{section}:` entry (Bazarr recreates it); plex-auth left the file as it was"
                    )));
                }
            }
        }
        // The edit tree must reproduce the file byte for byte, or an edit could change more
        // than the keys asked for.
        match yaml_edit::YamlFile::from_str(&text) {
            Ok(tree) if tree.to_string() == text && root_mapping(&tree).is_some() => {}
            _ => {
                return Err(Error::config(format!(
                    "{shown} uses YAML that plex-auth cannot edit without changing other lines"
                ))
                .with_hint(
                    "stop Bazarr and let it rewrite the file, or edit the plex section by hand",
                ));
            }
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
            if self.get(change.section, change.key) == Some(&to_yaml(&change.value)) {
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
                Value::Str(s) => section.set(change.key, s.as_str()),
                Value::Bool(b) => section.set(change.key, *b),
                Value::Int(i) => section.set(change.key, *i),
                Value::List(items) => {
                    let items: Vec<yaml_edit::YamlValue> = items
                        .iter()
                        .map(|s| yaml_edit::YamlValue::scalar(s.as_str()))
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

fn parse(text: &str) -> std::result::Result<Yaml, yaml_serde::Error> {
    yaml_serde::from_str(text)
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
