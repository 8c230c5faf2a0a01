//! Tautulli's `config.ini`, as configobj writes it (`plexpy/config.py`): `[Section]`
//! headers, `key = value` lines, values bare or in quotes. The token is `[PMS] pms_token`,
//! kept with `pms_client_id` (Tautulli's own `save_pms_token` stores the two together); the
//! server is `pms_identifier`, `pms_url`, `pms_ip`, `pms_port`, `pms_ssl` and
//! `pms_is_remote`. The edit is made line by line: only the values named change.

use std::net::IpAddr;

use super::{Change, Edited, FormatError, Held, Slot, View};
use crate::secret::Secret;

const FORMAT: &str = "INI";
const PMS: &str = "PMS";

/// One `key = value` line: where its value starts and ends in the line, and the value
/// unquoted.
#[derive(Debug, Clone)]
struct Entry {
    section: String,
    key: String,
    value: String,
    line: usize,
}

/// The file's lines, each with its line end, and its entries.
struct Parsed<'a> {
    lines: Vec<&'a str>,
    entries: Vec<Entry>,
    /// The line index after the last entry of `[PMS]` (where a missing key goes).
    pms_end: Option<usize>,
}

pub fn read(text: &str) -> Result<View, FormatError> {
    let parsed = parse(text)?;
    let get = |key: &str| {
        parsed
            .entries
            .iter()
            .find(|e| e.section == PMS && e.key == key)
            .map(|e| e.value.clone())
            .filter(|v| !v.is_empty())
    };
    let held = match get("pms_token") {
        Some(t) => Held::Token(Secret::new(t)),
        None => Held::Empty,
    };
    Ok(View {
        slots: vec![Slot {
            at: "[PMS] pms_token".into(),
            held,
        }],
        server_id: get("pms_identifier"),
        server_url: get("pms_url"),
        client_id: get("pms_client_id"),
    })
}

/// `[General] http_port`: where a running Tautulli answers.
pub fn http_port(text: &str) -> Option<u16> {
    let parsed = parse(text).ok()?;
    let entry = parsed
        .entries
        .iter()
        .find(|e| e.section == "General" && e.key == "http_port")?;
    entry.value.parse().ok()
}

pub fn apply(text: &str, change: &Change<'_>) -> Result<Edited, FormatError> {
    let sets: Vec<(&str, String)> = match change {
        Change::Token { token, client_id } => {
            super::check_token(token)?;
            vec![
                ("pms_token", token.expose().to_owned()),
                ("pms_client_id", (*client_id).to_owned()),
            ]
        }
        Change::Clear => vec![("pms_token", String::new())],
        Change::Server(server) => server_values(text, server)?,
    };
    edit(text, &sets)
}

/// The `[PMS]` values for a server, from its address.
fn server_values(
    text: &str,
    server: &super::Server<'_>,
) -> Result<Vec<(&'static str, String)>, FormatError> {
    let url = url::Url::parse(server.url).map_err(|_| {
        FormatError::Refused(format!(
            "the server address {} is not a URL; nothing was written",
            crate::text::safe(server.url)
        ))
    })?;
    let host = url
        .host_str()
        .ok_or_else(|| {
            FormatError::Refused("the server address has no host; nothing was written".into())
        })?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    let port = url.port_or_known_default().unwrap_or(32400);
    let ssl = if url.scheme() == "https" { "1" } else { "0" };
    let remote = if is_local(&host) { "0" } else { "1" };
    let mut values = vec![
        ("pms_identifier", server.machine_id.to_owned()),
        ("pms_url", server.url.to_owned()),
        ("pms_ip", host),
        ("pms_port", port.to_string()),
        ("pms_ssl", ssl.to_owned()),
        ("pms_is_remote", remote.to_owned()),
    ];
    // Tautulli keeps the server's name when it has one; plex-auth does not add it.
    let has_name = parse(text)?
        .entries
        .iter()
        .any(|e| e.section == PMS && e.key == "pms_name");
    if has_name {
        values.push(("pms_name", server.name.to_owned()));
    }
    Ok(values)
}

/// A private or loopback address, as a literal or inside a `*.plex.direct` name
/// (`192-168-1-5.<hash>.plex.direct`).
fn is_local(host: &str) -> bool {
    let literal = match host.strip_suffix(".plex.direct") {
        Some(rest) => rest.split('.').next().unwrap_or("").replace('-', "."),
        None => host.to_owned(),
    };
    match literal.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => ip.is_private() || ip.is_loopback() || ip.is_link_local(),
        Ok(IpAddr::V6(ip)) => {
            ip.is_loopback()
                || (ip.segments()[0] & 0xfe00) == 0xfc00
                || (ip.segments()[0] & 0xffc0) == 0xfe80
        }
        Err(_) => host == "localhost",
    }
}

/// Set each `[PMS]` key to its value, keeping every other byte. A key that is missing is
/// added after the section's last entry. Values already equal keep their bytes.
fn edit(text: &str, sets: &[(&str, String)]) -> Result<Edited, FormatError> {
    let parsed = parse(text)?;
    let Some(pms_end) = parsed.pms_end else {
        return Err(not_tautulli());
    };
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut lines: Vec<String> = parsed.lines.iter().map(|l| (*l).to_owned()).collect();
    let mut added: Vec<String> = Vec::new();
    let mut changed_keys = Vec::new();
    for (key, value) in sets {
        if value.chars().any(|c| c == '\r' || c == '\n' || c == '\0') {
            return Err(FormatError::Refused(format!(
                "the value for {key} has a line break; nothing was written"
            )));
        }
        let found = parsed
            .entries
            .iter()
            .find(|e| e.section == PMS && e.key == *key);
        match found {
            Some(e) if e.value == *value => continue,
            Some(e) => lines[e.line] = replace_value(&lines[e.line], value),
            None => added.push(format!("{key} = {}{newline}", quote(value))),
        }
        changed_keys.push(format!("[PMS] {key}"));
    }
    if !added.is_empty() {
        // After the section's last entry; that line may lack a line end (the file's last).
        let at = pms_end;
        if at > 0 && !lines[at - 1].ends_with('\n') {
            lines[at - 1].push_str(newline);
        }
        for (i, line) in added.into_iter().enumerate() {
            lines.insert(at + i, line);
        }
    }
    let new = lines.concat();
    check_only(text, &new, sets)?;
    Ok(Edited {
        text: new,
        changed_keys,
    })
}

/// The line `key = <old value>[ # comment]` with the new value, the key's spacing and any
/// comment after a bare value kept.
fn replace_value(line: &str, value: &str) -> String {
    let (body, end) = split_end(line);
    let Some(eq) = body.find('=') else {
        return line.to_owned();
    };
    let after = &body[eq + 1..];
    let lead = after.len() - after.trim_start().len();
    let (_, rest) = value_span(after.trim_start());
    format!(
        "{}{}{}{}{end}",
        &body[..=eq],
        &after[..lead],
        quote(value),
        rest
    )
}

/// A value as configobj writes it: bare when that reads back the same, else quoted.
fn quote(value: &str) -> String {
    let needs = value.is_empty() || value.contains(['#', ',', '"', '\'']) || value.trim() != value;
    if !needs {
        value.to_owned()
    } else if value.contains('"') {
        format!("'{value}'")
    } else {
        format!("\"{value}\"")
    }
}

/// The value at the start of `text` (after `=` and spaces), unquoted, and what follows it
/// (spaces and a comment).
fn value_span(text: &str) -> (String, &str) {
    let mut chars = text.chars();
    match chars.next() {
        Some(q @ ('"' | '\'')) => match text[1..].find(q) {
            Some(close) => (text[1..1 + close].to_owned(), &text[2 + close..]),
            None => (text.to_owned(), ""),
        },
        // An unquoted value ends at `#`, where configobj's inline comment starts.
        _ => match text.find('#') {
            Some(at) => (
                text[..at].trim_end().to_owned(),
                &text[text[..at].trim_end().len()..],
            ),
            None => (text.trim_end().to_owned(), &text[text.trim_end().len()..]),
        },
    }
}

fn split_end(line: &str) -> (&str, &str) {
    let body = line.trim_end_matches(['\r', '\n']);
    (body, &line[body.len()..])
}

fn parse(text: &str) -> Result<Parsed<'_>, FormatError> {
    if text.len() > 4 << 20 {
        return Err(FormatError::Syntax {
            format: FORMAT,
            why: "the file is far larger than any Tautulli config".into(),
        });
    }
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut entries = Vec::new();
    let mut section = String::new();
    let mut pms_end = None;
    for (i, line) in lines.iter().enumerate() {
        let (body, _) = split_end(line);
        let t = body.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if let Some(name) = t.strip_prefix('[') {
            let name = name.trim_start_matches('[').trim_end_matches(']').trim();
            section = name.to_owned();
            if section == PMS {
                pms_end = Some(i + 1);
            }
            continue;
        }
        let Some((key, raw)) = t.split_once('=') else {
            return Err(FormatError::Syntax {
                format: FORMAT,
                why: format!(
                    "line {} is neither a section, a setting nor a comment",
                    i + 1
                ),
            });
        };
        let (value, _) = value_span(raw.trim_start());
        entries.push(Entry {
            section: section.clone(),
            key: key.trim().to_owned(),
            value,
            line: i,
        });
        if section == PMS {
            pms_end = Some(i + 1);
        }
    }
    if pms_end.is_none() {
        return Err(not_tautulli());
    }
    Ok(Parsed {
        lines,
        entries,
        pms_end,
    })
}

fn not_tautulli() -> FormatError {
    FormatError::NotTheApp {
        what: "[PMS] section".into(),
        app: "Tautulli",
    }
}

/// The edited text, parsed again on its own, holds the new values and every other setting
/// as it was.
fn check_only(old: &str, new: &str, sets: &[(&str, String)]) -> Result<(), FormatError> {
    let map = |text: &str| -> Result<Vec<(String, String, String)>, FormatError> {
        Ok(parse(text)?
            .entries
            .into_iter()
            .map(|e| (e.section, e.key, e.value))
            .collect())
    };
    let mut want = map(old)?;
    for (key, value) in sets {
        match want.iter_mut().find(|(s, k, _)| s == PMS && k == key) {
            Some(entry) => entry.2 = value.clone(),
            None => {
                let at = want
                    .iter()
                    .rposition(|(s, _, _)| s == PMS)
                    .map_or(want.len(), |i| i + 1);
                want.insert(at, (PMS.to_owned(), (*key).to_owned(), value.clone()));
            }
        }
    }
    if map(new)? == want {
        Ok(())
    } else {
        Err(FormatError::WouldNotReadBack(
            "a setting other than the ones written changed".into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apps::Server;

    const INI: &str = "[General]\nhttp_port = 8181\napi_key = abc\n# a comment\n[PMS]\npms_name = \"Home, Den\"\npms_ip = 192.168.1.5\npms_port = 32400\npms_ssl = 0\npms_is_remote = 0\npms_url = http://192.168.1.5:32400\npms_identifier = oldid\npms_token = oldtoken123\npms_client_id = oldcid\npms_uuid = keepme\n[Monitoring]\nmonitoring_interval = 60\n";

    fn token_change<'a>(t: &'a Secret) -> Change<'a> {
        Change::Token {
            token: t,
            client_id: "newcid",
        }
    }

    #[test]
    fn read_finds_the_token_the_server_and_the_port() {
        let view = read(INI).unwrap();
        assert_eq!(view.slots[0].held, Held::Token(Secret::new("oldtoken123")));
        assert_eq!(view.server_id.as_deref(), Some("oldid"));
        assert_eq!(view.client_id.as_deref(), Some("oldcid"));
        assert_eq!(http_port(INI), Some(8181));
    }

    #[test]
    fn a_new_token_changes_the_two_values_and_nothing_else() {
        let t = Secret::new("NewToken456");
        let out = apply(INI, &token_change(&t)).unwrap();
        let want = INI
            .replace("pms_token = oldtoken123", "pms_token = NewToken456")
            .replace("pms_client_id = oldcid", "pms_client_id = newcid");
        assert_eq!(out.text, want);
        assert_eq!(out.changed_keys, ["[PMS] pms_token", "[PMS] pms_client_id"]);
        let again = apply(&out.text, &token_change(&t)).unwrap();
        assert_eq!(again.text, out.text);
        assert!(again.changed_keys.is_empty());
    }

    #[test]
    fn a_missing_key_goes_at_the_end_of_pms_and_crlf_stays() {
        let ini = "[PMS]\r\npms_ip = 10.0.0.2\r\n# trailing\r\n[Other]\r\nx = 1";
        let t = Secret::new("NewToken456");
        let out = apply(ini, &token_change(&t)).unwrap();
        assert_eq!(
            out.text,
            "[PMS]\r\npms_ip = 10.0.0.2\r\npms_token = NewToken456\r\npms_client_id = newcid\r\n# trailing\r\n[Other]\r\nx = 1"
        );
    }

    #[test]
    fn a_server_sets_its_address_keys() {
        let conns = Vec::new();
        let server = |url| Server {
            machine_id: "newid",
            name: "Tower, 2",
            url,
            connections: &conns,
        };
        let out = apply(
            INI,
            &Change::Server(server("https://192-168-1-9.abc.plex.direct:32401")),
        )
        .unwrap();
        assert!(
            out.text.contains("pms_ip = 192-168-1-9.abc.plex.direct\n"),
            "{}",
            out.text
        );
        assert!(
            out.text
                .contains("pms_port = 32401\npms_ssl = 1\npms_is_remote = 0\n")
        );
        assert!(out.text.contains("pms_identifier = newid\n"));
        assert!(out.text.contains("pms_name = \"Tower, 2\"\n"));
        assert!(out.text.contains("pms_uuid = keepme\n"));
        let out = apply(
            INI,
            &Change::Server(server("https://1-2-3-4.abc.plex.direct:32400")),
        )
        .unwrap();
        assert!(out.text.contains("pms_is_remote = 1\n"));
        let out = apply(INI, &Change::Server(server("http://10.0.0.2:32400"))).unwrap();
        assert!(
            out.text
                .contains("pms_ip = 10.0.0.2\npms_port = 32400\npms_ssl = 0\npms_is_remote = 0\n")
        );
        assert!(matches!(
            apply(INI, &Change::Server(server("not a url"))),
            Err(FormatError::Refused(_))
        ));
    }

    #[test]
    fn clear_empties_the_token_and_odd_input_is_refused() {
        let out = apply(INI, &Change::Clear).unwrap();
        assert!(out.text.contains("pms_token = \"\"\n"));
        assert_eq!(read(&out.text).unwrap().slots[0].held, Held::Empty);
        assert!(matches!(
            read("[General]\nx = 1\n"),
            Err(FormatError::NotTheApp { .. })
        ));
        let bad = Secret::new("a b");
        assert!(matches!(
            apply(INI, &token_change(&bad)),
            Err(FormatError::Refused(_))
        ));
        assert!(matches!(
            read("[PMS]\njust words\n"),
            Err(FormatError::Syntax { .. })
        ));
    }

    #[test]
    fn a_quoted_value_with_a_hash_is_one_value() {
        let ini =
            "[PMS]\npms_logs_folder = \"/logs # not a comment\"\npms_token = t1 # a comment\n";
        let view = read(ini).unwrap();
        assert_eq!(view.slots[0].held, Held::Token(Secret::new("t1")));
        let t = Secret::new("NewToken456");
        let out = apply(ini, &token_change(&t)).unwrap();
        assert_eq!(
            out.text,
            "[PMS]\npms_logs_folder = \"/logs # not a comment\"\npms_token = NewToken456 # a comment\npms_client_id = newcid\n"
        );
    }
}
