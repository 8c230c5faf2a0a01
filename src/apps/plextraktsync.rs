//! PlexTraktSync's `servers.yml` (read with PyYAML's `safe_load` at every run): one entry
//! per server under `servers:`, each with its `token`, its `urls` (tried in turn) and the
//! server's machine `id`. The entry in use is the one `.env` names in `PLEX_SERVER`
//! (`config/Config.py`, `ServerConfigFactory`); with no `.env`, a file of one entry is that
//! entry.

use yaml_serde::Value as Yaml;

use super::yaml::{self, Edit};
use super::{Change, Edited, FormatError, Held, Slot, View};
use crate::secret::Secret;

const FORMAT: &str = "YAML";

pub fn read(text: &str, env: Option<&str>) -> Result<View, FormatError> {
    let doc = yaml::parse(text, FORMAT)?;
    let name = entry(&doc, env)?;
    let at = |key: &str| yaml::get(&doc, &["servers", name.as_str(), key]);
    let held = match at("token") {
        None | Some(Yaml::Null) => Held::Empty,
        Some(v) => match yaml::scalar_text(v) {
            Some(s) if s.is_empty() => Held::Empty,
            Some(s) => Held::Token(Secret::new(s)),
            None => {
                return Err(FormatError::NotAValue {
                    at: format!("servers.{name}.token"),
                    what: "a list or a mapping".into(),
                });
            }
        },
    };
    let first_url = match at("urls") {
        Some(Yaml::Sequence(urls)) => urls.first().and_then(yaml::scalar_text),
        _ => None,
    };
    Ok(View {
        slots: vec![Slot {
            at: format!("servers.{name}.token"),
            held,
        }],
        server_id: at("id").and_then(yaml::scalar_text),
        server_url: first_url,
        client_id: None,
    })
}

pub fn apply(text: &str, env: Option<&str>, change: &Change<'_>) -> Result<Edited, FormatError> {
    let doc = yaml::parse(text, FORMAT)?;
    let name = entry(&doc, env)?;
    let path = |key| ["servers", name.as_str(), key];
    let edits = match change {
        Change::Token { token, .. } => {
            super::check_token(token)?;
            vec![Edit::str(&path("token"), token.expose())]
        }
        Change::Clear => vec![Edit::str(&path("token"), "")],
        Change::Server(server) => {
            let urls = if server.connections.is_empty() {
                vec![server.url.to_owned()]
            } else {
                server.connections.to_vec()
            };
            vec![
                Edit::list(&path("urls"), &urls),
                Edit::str(&path("id"), server.machine_id),
            ]
        }
    };
    yaml::apply(text, &edits, FORMAT)
}

/// The entry the app uses: `PLEX_SERVER` from `.env`, or the only one.
fn entry(doc: &Yaml, env: Option<&str>) -> Result<String, FormatError> {
    let Some(Yaml::Mapping(servers)) = doc.get("servers") else {
        return Err(FormatError::NotTheApp {
            what: "`servers` mapping".into(),
            app: "PlexTraktSync",
        });
    };
    let names: Vec<&str> = servers.keys().filter_map(Yaml::as_str).collect();
    let named = env.and_then(plex_server);
    let name = match (named, names.as_slice()) {
        (Some(name), _) => name,
        (None, [only]) => (*only).to_owned(),
        (None, _) => {
            return Err(FormatError::Refused(format!(
                "servers.yml has {} server entries and no .env beside it names one in PLEX_SERVER, so plex-auth cannot tell which one PlexTraktSync uses",
                names.len()
            )));
        }
    };
    match servers.get(name.as_str()) {
        Some(Yaml::Mapping(_)) => Ok(name),
        _ => Err(FormatError::Refused(format!(
            "PLEX_SERVER in .env names `{}`, which servers.yml has no entry for",
            crate::text::safe(&name)
        ))),
    }
}

/// `PLEX_SERVER` as python-dotenv reads it: `KEY=value` lines, `export ` allowed, the value
/// bare (up to a ` #` comment) or in single or double quotes.
fn plex_server(env: &str) -> Option<String> {
    env.lines().rev().find_map(|line| {
        let line = line.trim();
        let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
        let (key, value) = line.split_once('=')?;
        if key.trim() != "PLEX_SERVER" {
            return None;
        }
        let value = value.trim();
        let unquoted = match value.chars().next() {
            Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or(""),
            _ => value.split(" #").next().unwrap_or("").trim_end(),
        };
        Some(unquoted.to_owned()).filter(|v| !v.is_empty())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apps::Server;

    // As PyYAML's `dump(indent=2, sort_keys=False)` writes it.
    const SERVERS: &str = "\
servers:
  default:
    token: oldtoken123
    urls:
    - http://192.168.1.5:32400
    id: abc123
  Other:
    token: othertoken
    urls:
    - https://other.example:32400
    id: def456
";

    #[test]
    fn the_entry_env_names_is_the_one_read_and_written() {
        let env = "PLEX_USERNAME=me\nPLEX_SERVER=default # the home one\n";
        let view = read(SERVERS, Some(env)).unwrap();
        assert_eq!(view.slots[0].at, "servers.default.token");
        assert_eq!(view.server_id.as_deref(), Some("abc123"));
        assert_eq!(view.server_url.as_deref(), Some("http://192.168.1.5:32400"));
        let t = Secret::new("NewToken456");
        let out = apply(
            SERVERS,
            Some(env),
            &Change::Token {
                token: &t,
                client_id: "c",
            },
        )
        .unwrap();
        assert_eq!(out.text, SERVERS.replacen("oldtoken123", "NewToken456", 1));
    }

    #[test]
    fn a_new_server_sets_its_urls_and_id_together() {
        let conns = vec![
            "http://10.0.0.9:32400".to_owned(),
            "https://x.plex.direct:32400".to_owned(),
        ];
        let server = Server {
            machine_id: "zzz999",
            name: "Beta",
            url: "http://10.0.0.9:32400",
            connections: &conns,
        };
        let out = apply(
            SERVERS,
            Some("PLEX_SERVER='Other'"),
            &Change::Server(server),
        )
        .unwrap();
        let view = read(&out.text, Some("PLEX_SERVER='Other'")).unwrap();
        assert_eq!(view.server_id.as_deref(), Some("zzz999"));
        assert_eq!(view.server_url.as_deref(), Some("http://10.0.0.9:32400"));
        assert!(
            out.text
                .starts_with("servers:\n  default:\n    token: oldtoken123\n")
        );
    }

    #[test]
    fn several_entries_and_no_env_is_refused() {
        assert!(matches!(read(SERVERS, None), Err(FormatError::Refused(_))));
        assert!(matches!(
            read(SERVERS, Some("PLEX_SERVER=Nope")),
            Err(FormatError::Refused(_))
        ));
        let one = "servers:\n  home:\n    token: t\n    urls: []\n    id: x\n";
        assert_eq!(read(one, None).unwrap().slots[0].at, "servers.home.token");
    }
}
