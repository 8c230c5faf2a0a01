//! Kometa's `config.yml` (read with ruamel.yaml in round-trip mode at every run): the token
//! at `plex.token`, and in each library that overrides it at `libraries.<name>.plex.token`
//! (Kometa's `modules/config.py` takes a library's own `plex:` values over the global ones).
//! `ENV` (any case) means "from `KOMETA_PLEX_TOKEN` or `--plex-token`", and `<<name>>` is
//! filled from `KOMETA_<NAME>`: both are left as they are.

use yaml_serde::Value as Yaml;

use super::yaml::{self, Edit};
use super::{Change, Edited, FormatError, Held, Slot, View};
use crate::secret::Secret;

const FORMAT: &str = "YAML";

pub fn read(text: &str) -> Result<View, FormatError> {
    let doc = yaml::parse(text, FORMAT)?;
    let is_kometa =
        matches!(&doc, Yaml::Mapping(m) if m.contains_key("plex") || m.contains_key("libraries"));
    if !is_kometa {
        return Err(FormatError::NotTheApp {
            what: "`plex` or `libraries` section".into(),
            app: "Kometa",
        });
    }
    let mut slots = Vec::new();
    if let Some(plex) = plex_block(&doc, &["plex"]) {
        slots.push(slot("plex.token", plex.get("token"))?);
    }
    for name in library_names(&doc) {
        let path = ["libraries", name.as_str(), "plex"];
        if let Some(plex) = plex_block(&doc, &path)
            && let Some(token) = plex.get("token").filter(|v| !v.is_null())
        {
            slots.push(slot(&format!("libraries.{name}.plex.token"), Some(token))?);
        }
    }
    Ok(View {
        slots,
        server_id: None,
        server_url: yaml::get(&doc, &["plex", "url"]).and_then(yaml::scalar_text),
        client_id: None,
    })
}

/// The token goes wherever the file holds a literal token: the global one, and each
/// library's own that was the same as the global one (a library with a token of its own is
/// another account's server, and is left). The server's address goes to `plex.url` and to
/// each library's `plex.url` that was the global one.
pub fn apply(text: &str, change: &Change<'_>) -> Result<Edited, FormatError> {
    let doc = yaml::parse(text, FORMAT)?;
    let global = yaml::get(&doc, &["plex", "token"]).and_then(yaml::scalar_text);
    let edits = match change {
        Change::Token { token, .. } => {
            super::check_token(token)?;
            token_edits(&doc, global.as_deref(), token.expose())
        }
        Change::Clear => token_edits(&doc, global.as_deref(), ""),
        Change::Server(server) => {
            let old = yaml::get(&doc, &["plex", "url"]).and_then(yaml::scalar_text);
            let mut edits = Vec::new();
            if plex_block(&doc, &["plex"]).is_some() {
                edits.push(Edit::str(&["plex", "url"], server.url));
            }
            for name in library_names(&doc) {
                let path = ["libraries", name.as_str(), "plex", "url"];
                let url = yaml::get(&doc, &path).and_then(yaml::scalar_text);
                if url.is_some() && url == old {
                    edits.push(Edit::str(&path, server.url));
                }
            }
            edits
        }
    };
    if edits.is_empty() {
        return Ok(Edited::unchanged(text));
    }
    yaml::apply(text, &edits, FORMAT)
}

fn token_edits(doc: &Yaml, global: Option<&str>, value: &str) -> Vec<Edit> {
    let mut edits = Vec::new();
    let literal = |v: Option<&str>| v.is_some_and(|v| elsewhere(v).is_none());
    if plex_block(doc, &["plex"]).is_some() && (global.is_none() || literal(global)) {
        edits.push(Edit::str(&["plex", "token"], value));
    }
    for name in library_names(doc) {
        let path = ["libraries", name.as_str(), "plex", "token"];
        let own = yaml::get(doc, &path).and_then(yaml::scalar_text);
        if own.is_some() && own.as_deref() == global && literal(global) {
            edits.push(Edit::str(&path, value));
        }
    }
    edits
}

/// A `plex:` mapping at `path`, if there is one.
fn plex_block<'a>(doc: &'a Yaml, path: &[&str]) -> Option<&'a yaml_serde::Mapping> {
    match yaml::get(doc, path)? {
        Yaml::Mapping(m) => Some(m),
        _ => None,
    }
}

fn library_names(doc: &Yaml) -> Vec<String> {
    let Some(Yaml::Mapping(libraries)) = doc.get("libraries") else {
        return Vec::new();
    };
    libraries
        .keys()
        .filter_map(|k| k.as_str().map(str::to_owned))
        .collect()
}

fn slot(at: &str, value: Option<&Yaml>) -> Result<Slot, FormatError> {
    let held = match value {
        None | Some(Yaml::Null) => Held::Empty,
        Some(v) => match yaml::scalar_text(v) {
            Some(s) if s.is_empty() => Held::Empty,
            Some(s) => match elsewhere(&s) {
                Some(from) => Held::Elsewhere(from),
                None => Held::Token(Secret::new(s)),
            },
            None => {
                return Err(FormatError::NotAValue {
                    at: at.to_owned(),
                    what: "a list or a mapping".into(),
                });
            }
        },
    };
    Ok(Slot {
        at: at.to_owned(),
        held,
    })
}

/// Where Kometa takes a value that names another source from.
fn elsewhere(value: &str) -> Option<String> {
    if value.eq_ignore_ascii_case("env") {
        return Some("KOMETA_PLEX_TOKEN (the value is `ENV`)".into());
    }
    let name = value.strip_prefix("<<")?.strip_suffix(">>")?;
    Some(format!(
        "KOMETA_{} (the value is `<<{name}>>`)",
        name.to_ascii_uppercase()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apps::Server;

    const CONFIG: &str = "\
## Kometa configuration
libraries:
  Movies:
    collection_files:
      - default: basic
  4K Movies:
    plex:
      url: http://192.168.1.5:32400
      token: oldtoken123
  Friends:
    plex:
      url: https://friend.example:32400
      token: theirtoken9
plex:                           # Can be individually specified per library as well
  url: http://192.168.1.5:32400
  token: oldtoken123
  timeout: 60
  db_cache:
  clean_bundles: false
tmdb:
  apikey: abc
";

    fn token(t: &str) -> Secret {
        Secret::new(t)
    }

    #[test]
    fn read_finds_the_global_and_each_library_token() {
        let view = read(CONFIG).unwrap();
        let at: Vec<&str> = view.slots.iter().map(|s| s.at.as_str()).collect();
        assert_eq!(
            at,
            [
                "plex.token",
                "libraries.4K Movies.plex.token",
                "libraries.Friends.plex.token"
            ]
        );
        assert_eq!(view.server_url.as_deref(), Some("http://192.168.1.5:32400"));
        assert_eq!(view.tokens().len(), 2);
    }

    #[test]
    fn a_new_token_replaces_the_global_and_the_libraries_that_shared_it() {
        let t = token("NewToken456");
        let out = apply(
            CONFIG,
            &Change::Token {
                token: &t,
                client_id: "cid",
            },
        )
        .unwrap();
        let expected = CONFIG.replace("token: oldtoken123", "token: NewToken456");
        assert_eq!(out.text, expected);
        assert_eq!(
            out.changed_keys,
            ["plex.token", "libraries.4K Movies.plex.token"]
        );
    }

    #[test]
    fn env_and_angle_names_are_left_and_reported() {
        let text = "plex:\n  url: http://x:32400\n  token: ENV\nlibraries:\n  Movies:\n    plex:\n      token: <<plex_token>>\n";
        let view = read(text).unwrap();
        assert!(
            matches!(&view.slots[0].held, Held::Elsewhere(s) if s.contains("KOMETA_PLEX_TOKEN"))
        );
        assert!(
            matches!(&view.slots[1].held, Held::Elsewhere(s) if s.contains("KOMETA_PLEX_TOKEN") && s.contains("<<plex_token>>"))
        );
        let t = token("NewToken456");
        let out = apply(
            text,
            &Change::Token {
                token: &t,
                client_id: "cid",
            },
        )
        .unwrap();
        assert_eq!(out.text, text);
    }

    #[test]
    fn a_new_server_moves_the_urls_that_were_the_global_one() {
        let conns = vec!["http://10.0.0.9:32400".to_owned()];
        let server = Server {
            machine_id: "m",
            name: "Beta",
            url: "http://10.0.0.9:32400",
            connections: &conns,
        };
        let out = apply(CONFIG, &Change::Server(server)).unwrap();
        assert_eq!(
            out.text,
            CONFIG.replace(
                "url: http://192.168.1.5:32400",
                "url: http://10.0.0.9:32400"
            )
        );
    }

    #[test]
    fn a_file_without_plex_or_libraries_is_not_kometa() {
        assert!(matches!(
            read("tmdb:\n  apikey: x\n"),
            Err(FormatError::NotTheApp { .. })
        ));
    }
}
