//! Lossless edits of the YAML files apps keep (Kometa's config.yml, PlexTraktSync's
//! servers.yml): set a few values at paths of keys and keep every other byte, as the Bazarr
//! edit does (`bazarr::document`), through yaml-edit's lossless tree. Every edited text is
//! parsed again on its own and must equal the original with exactly those values changed.

use std::str::FromStr;

use yaml_serde::Value as Yaml;

use super::{Edited, FormatError};

/// A value plex-auth writes into an app's YAML: always a string (quoted unless plainly text,
/// so that no YAML 1.1 reader takes a token for a number) or a list of strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Set {
    Str(String),
    List(Vec<String>),
}

/// One edit: the path of keys from the top (`["plex", "token"]`) and the value.
#[derive(Debug, Clone)]
pub(super) struct Edit {
    pub(super) path: Vec<String>,
    pub(super) value: Set,
}

impl Edit {
    pub(super) fn str(path: &[&str], value: &str) -> Edit {
        Edit {
            path: path.iter().map(|s| s.to_string()).collect(),
            value: Set::Str(value.to_owned()),
        }
    }

    pub(super) fn list(path: &[&str], items: &[String]) -> Edit {
        Edit {
            path: path.iter().map(|s| s.to_string()).collect(),
            value: Set::List(items.to_vec()),
        }
    }

    fn label(&self) -> String {
        self.path.join(".")
    }
}

/// Parse `text` as YAML that plex-auth can edit: bounded in size and nesting before any
/// parser sees it, valid, and reproduced byte for byte by the edit tree.
pub(super) fn parse(text: &str, format: &'static str) -> Result<Yaml, FormatError> {
    crate::bazarr::document::check_shape(text).map_err(|why| FormatError::Syntax {
        format,
        why: format!("the file {why}"),
    })?;
    let value: Yaml = yaml_serde::from_str(text).map_err(|e| FormatError::Syntax {
        format,
        why: e.to_string(),
    })?;
    match yaml_edit::YamlFile::from_str(text) {
        Ok(tree) if tree.to_string() == text && root(&tree).is_some() => Ok(value),
        _ => Err(FormatError::NotEditable { format }),
    }
}

/// The value at `path`, if every key on the way is a mapping that has it.
pub(super) fn get<'a>(doc: &'a Yaml, path: &[&str]) -> Option<&'a Yaml> {
    path.iter().try_fold(doc, |node, key| node.get(*key))
}

/// A scalar as the text an app reads (a token someone wrote bare may have parsed as a number).
pub(super) fn scalar_text(value: &Yaml) -> Option<String> {
    match value {
        Yaml::String(s) => Some(s.clone()),
        Yaml::Number(n) => Some(n.to_string()),
        Yaml::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Apply `edits` to `text`. An edit whose value is already there, written so that it reads
/// back the same everywhere, leaves its bytes alone. Every key on an edit's path but the
/// last must already be a mapping: plex-auth fills in an app's settings, it does not invent
/// sections.
pub(super) fn apply(
    text: &str,
    edits: &[Edit],
    format: &'static str,
) -> Result<Edited, FormatError> {
    let original = parse(text, format)?;
    let tree =
        yaml_edit::YamlFile::from_str(text).map_err(|_| FormatError::NotEditable { format })?;
    let top = root(&tree).ok_or(FormatError::NotEditable { format })?;
    let mut expected = original.clone();
    let mut changed_keys = Vec::new();
    for edit in edits {
        let keys: Vec<&str> = edit.path.iter().map(String::as_str).collect();
        let (last, parents) = keys
            .split_last()
            .ok_or(FormatError::NotEditable { format })?;
        let mut mapping = top.clone();
        for key in parents {
            mapping = mapping
                .get_mapping(key)
                .ok_or_else(|| FormatError::NotAValue {
                    at: edit.label(),
                    what: format!("under a `{key}` that is not a mapping"),
                })?;
        }
        if get(&original, &keys) == Some(&to_yaml(&edit.value))
            && written_safely(&mapping, last, &edit.value)
        {
            continue;
        }
        match &edit.value {
            Set::Str(s) => mapping.set(*last, quoted(s)),
            Set::List(items) => {
                let items: Vec<yaml_edit::YamlValue> = items
                    .iter()
                    .map(|s| yaml_edit::YamlValue::from(quoted(s)))
                    .collect();
                mapping.set(*last, items)
            }
        };
        set_at(&mut expected, &keys, to_yaml(&edit.value));
        changed_keys.push(edit.label());
    }
    let rendered = tree.to_string();
    let reread: Yaml = yaml_serde::from_str(&rendered)
        .map_err(|e| FormatError::WouldNotReadBack(format!("it is not valid YAML: {e}")))?;
    if reread != expected {
        return Err(FormatError::WouldNotReadBack(
            "a value other than the ones written changed".into(),
        ));
    }
    Ok(Edited {
        text: rendered,
        changed_keys,
    })
}

/// A string as a scalar every YAML reader takes for the same string: plain only when it is
/// plainly text, quoted otherwise (see `bazarr::document::scalar`).
fn quoted(s: &str) -> yaml_edit::ScalarValue {
    crate::bazarr::document::scalar(s)
}

fn written_safely(mapping: &yaml_edit::Mapping, key: &str, value: &Set) -> bool {
    let is_quoted = |node: Option<yaml_edit::YamlNode>| {
        node.as_ref()
            .and_then(|n| n.as_scalar())
            .is_some_and(|s| s.is_quoted())
    };
    let plain = crate::bazarr::document::is_plain_text;
    match value {
        Set::Str(s) => plain(s) || is_quoted(mapping.get(key)),
        Set::List(items) => {
            let seq = mapping.get(key).and_then(|n| n.as_sequence().cloned());
            items
                .iter()
                .enumerate()
                .all(|(i, s)| plain(s) || is_quoted(seq.as_ref().and_then(|q| q.get(i))))
        }
    }
}

fn root(tree: &yaml_edit::YamlFile) -> Option<yaml_edit::Mapping> {
    tree.documents().next()?.as_mapping()
}

fn to_yaml(value: &Set) -> Yaml {
    match value {
        Set::Str(s) => Yaml::String(s.clone()),
        Set::List(items) => Yaml::Sequence(items.iter().cloned().map(Yaml::String).collect()),
    }
}

fn set_at(doc: &mut Yaml, path: &[&str], value: Yaml) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut node = doc;
    for key in parents {
        let Some(next) = node.get_mut(*key) else {
            return;
        };
        node = next;
    }
    if let Yaml::Mapping(m) = node {
        m.insert(Yaml::String((*last).to_owned()), value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nested_value_changes_and_nothing_else() {
        let text = "# top\nplex:  # the server\n  url: http://x:32400\n  token: old # keep\nother: [1, 2]\n";
        let out = apply(text, &[Edit::str(&["plex", "token"], "abc123XYZ")], "YAML").unwrap();
        assert_eq!(
            out.text,
            "# top\nplex:  # the server\n  url: http://x:32400\n  token: abc123XYZ # keep\nother: [1, 2]\n"
        );
        assert_eq!(out.changed_keys, ["plex.token"]);
    }

    #[test]
    fn a_token_that_looks_like_a_number_is_quoted() {
        let text = "plex:\n  token: x\n";
        let out = apply(text, &[Edit::str(&["plex", "token"], "12345")], "YAML").unwrap();
        assert_eq!(out.text, "plex:\n  token: '12345'\n");
    }

    #[test]
    fn the_same_value_again_changes_nothing() {
        let text = "plex:\n  token: abc\n";
        let out = apply(text, &[Edit::str(&["plex", "token"], "abc")], "YAML").unwrap();
        assert_eq!(out.text, text);
        assert!(out.changed_keys.is_empty());
    }

    #[test]
    fn a_path_through_a_scalar_is_refused() {
        let text = "plex: none\n";
        let err = apply(text, &[Edit::str(&["plex", "token"], "abc")], "YAML").unwrap_err();
        assert!(matches!(err, FormatError::NotAValue { .. }), "{err:?}");
    }
}
