//! Tautulli's `config.ini`, as configobj reads and writes it (Tautulli's `plexpy/config.py`):
//! `[Section]` headers, `key = value` lines, values bare, quoted or comma-separated lists.
//! The token is `[PMS] pms_token`, kept with `pms_client_id` (Tautulli's own
//! `save_pms_token` stores the two together); the server is `pms_identifier`, `pms_url`,
//! `pms_ip`, `pms_port`, `pms_ssl` and `pms_is_remote`, and `pms_name` where the file has it.
//!
//! The parser follows configobj's own grammar rather than a generic INI one, because the
//! edit is checked by reading the result back: a value read differently from the way
//! configobj reads it would pass that check and still break Tautulli.

use std::collections::{BTreeMap, HashSet};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use url::{Host, Url};

use super::{Change, Edited, FormatError, Held, Server, Slot, View};
use crate::secret::Secret;

const FORMAT: &str = "INI";
const PMS: &str = "PMS";
const TOKEN_KEY: &str = "pms_token";

/// A value as configobj hands it to Tautulli. No `Debug`: a value may be the token.
#[derive(Clone, PartialEq, Eq)]
enum Value {
    One(String),
    /// Unquoted commas make a list, which Tautulli reads as a list, not as the text.
    List(Vec<String>),
}

/// One line: its text, and the line end after it (empty on a last line without one).
struct Line<'a> {
    body: &'a str,
    end: &'a str,
}

/// One `key = value` setting and where its value sits, so that only those bytes change.
struct Entry {
    section: Vec<String>,
    key: String,
    value: Value,
    /// The line of `key =`, and the line the value ends on (a `"""` value may run on).
    first: usize,
    last: usize,
    /// Where the value's text starts in `first`, and where what follows it (spaces, an
    /// inline comment) starts in `last`.
    value_start: usize,
    tail_start: usize,
}

struct Ini<'a> {
    /// A UTF-8 byte order mark, which configobj accepts and keeps.
    bom: &'a str,
    lines: Vec<Line<'a>>,
    entries: Vec<Entry>,
    /// The last line of `[PMS]`'s own settings (its header when it has none): a missing
    /// key goes after it, so trailing comments stay with the section that follows.
    pms_end: Option<usize>,
}

impl Ini<'_> {
    fn pms(&self, key: &str) -> Option<&Entry> {
        self.entries
            .iter()
            .find(|e| e.section == [PMS] && e.key == key)
    }

    /// A `[PMS]` value that is there and not empty; a list is not a value plex-auth can use.
    fn value_of(&self, key: &str) -> Result<Option<String>, FormatError> {
        match self.pms(key).map(|e| &e.value) {
            None => Ok(None),
            Some(Value::One(v)) => Ok(Some(v.clone()).filter(|v| !v.is_empty())),
            Some(Value::List(_)) => Err(not_a_value(key)),
        }
    }
}

pub fn read(text: &str) -> Result<View, FormatError> {
    let ini = parse(text)?;
    if ini.pms_end.is_none() {
        return Err(not_tautulli());
    }
    let held = match ini.value_of(TOKEN_KEY)? {
        Some(token) => Held::Token(Secret::new(token)),
        None => Held::Empty,
    };
    Ok(View {
        slots: vec![Slot {
            at: slot_name(TOKEN_KEY),
            held,
        }],
        server_id: ini.value_of("pms_identifier")?,
        server_url: ini.value_of("pms_url")?,
        client_id: ini.value_of("pms_client_id")?,
    })
}

/// `[General] http_port`: where a running Tautulli answers (to tell whether it runs).
pub fn http_port(text: &str) -> Option<u16> {
    general(text, "http_port")?.parse().ok()
}

/// `[General] http_host` when it names one address (not a wildcard such as `0.0.0.0` or
/// `::`): a Tautulli bound there answers only there.
pub fn http_host(text: &str) -> Option<IpAddr> {
    let host: IpAddr = general(text, "http_host")?.parse().ok()?;
    (!host.is_unspecified()).then_some(host)
}

/// Where a running Tautulli's web server answers on this host, for its own
/// `/save_pms_token`: plain http at its `http_host` (else 127.0.0.1), `http_port` and
/// `http_root`. `None` when it serves https (its own certificate, which nothing here can
/// check) or has no port.
pub fn web_url(text: &str) -> Option<url::Url> {
    if general(text, "enable_https").as_deref() == Some("1") {
        return None;
    }
    let port = http_port(text)?;
    let host = http_host(text).unwrap_or(IpAddr::V4(std::net::Ipv4Addr::LOCALHOST));
    let root = general(text, "http_root").unwrap_or_default();
    let root = root.trim_matches('/');
    let host = match host {
        IpAddr::V6(ip) => format!("[{ip}]"),
        IpAddr::V4(ip) => ip.to_string(),
    };
    let path = match root.is_empty() {
        true => "/".to_owned(),
        false => format!("/{root}/"),
    };
    url::Url::parse(&format!("http://{host}:{port}{path}")).ok()
}

/// `[General] api_key`, which Tautulli's web server takes in place of a CSRF token.
pub fn api_key(text: &str) -> Option<Secret> {
    general(text, "api_key")
        .filter(|k| k.len() >= 16 && k.chars().all(|c| c.is_ascii_alphanumeric()))
        .map(Secret::new)
}

fn general(text: &str, key: &str) -> Option<String> {
    let ini = parse(text).ok()?;
    let entry = ini
        .entries
        .iter()
        .find(|e| e.section == ["General"] && e.key == key)?;
    match &entry.value {
        Value::One(v) => Some(v.trim().to_owned()),
        Value::List(_) => None,
    }
}

pub fn apply(text: &str, change: &Change<'_>) -> Result<Edited, FormatError> {
    let ini = parse(text)?;
    if ini.pms_end.is_none() {
        return Err(not_tautulli());
    }
    let sets: Vec<(&'static str, String)> = match change {
        Change::Token { token, client_id } => {
            super::check_token(token)?;
            vec![
                (TOKEN_KEY, token.expose().to_owned()),
                ("pms_client_id", (*client_id).to_owned()),
            ]
        }
        Change::Server(server) => server_values(&ini, server)?,
        Change::Clear => match ini.pms(TOKEN_KEY) {
            // Tautulli reads a missing key as its default, the empty token: already signed out.
            None => Vec::new(),
            Some(_) => vec![(TOKEN_KEY, String::new())],
        },
    };
    let (new, changed_keys) = edit(&ini, &sets)?;
    if changed_keys.is_empty() {
        return Ok(Edited::unchanged(text));
    }
    check_only(text, &new, &sets)?;
    Ok(Edited {
        text: new,
        changed_keys,
    })
}

/// The `[PMS]` values for a server, from its address as Tautulli's own setup stores them.
fn server_values(
    ini: &Ini<'_>,
    server: &Server<'_>,
) -> Result<Vec<(&'static str, String)>, FormatError> {
    let shown = server.url.escape_debug();
    let refused = |what: &str| {
        FormatError::Refused(format!(
            "the server address {shown} {what}; nothing was written"
        ))
    };
    let url = Url::parse(server.url).map_err(|_| refused("is not a URL"))?;
    // Tautulli only speaks HTTP(S) to Plex; anything else would leave it unable to connect.
    if !matches!(url.scheme(), "http" | "https") {
        return Err(refused("is not an http or https URL"));
    }
    let host = url.host().ok_or_else(|| refused("has no host"))?;
    let ip = match &host {
        Host::Domain(name) => (*name).to_owned(),
        // Bare, without brackets, as plex.tv lists an IPv6 address.
        Host::Ipv4(addr) => addr.to_string(),
        Host::Ipv6(addr) => addr.to_string(),
    };
    let port = url.port_or_known_default().unwrap_or(32400);
    let ssl = if url.scheme() == "https" { "1" } else { "0" };
    let remote = if is_local(&host) { "0" } else { "1" };
    let mut values = vec![
        ("pms_identifier", server.machine_id.to_owned()),
        ("pms_url", server.url.to_owned()),
        ("pms_ip", ip),
        ("pms_port", port.to_string()),
        ("pms_ssl", ssl.to_owned()),
        ("pms_is_remote", remote.to_owned()),
    ];
    // Tautulli shows the name it keeps; a file without one is left without one.
    if ini.pms("pms_name").is_some() {
        values.push(("pms_name", server.name.to_owned()));
    }
    Ok(values)
}

/// A host on this network: a private or loopback literal, `localhost`, or a `*.plex.direct`
/// name whose first label spells such an address (`192-168-1-5.<hash>.plex.direct`).
fn is_local(host: &Host<&str>) -> bool {
    match host {
        Host::Ipv4(addr) => local_ip(IpAddr::V4(*addr)),
        Host::Ipv6(addr) => local_ip(IpAddr::V6(*addr)),
        Host::Domain(name) => *name == "localhost" || plex_direct_ip(name).is_some_and(local_ip),
    }
}

fn plex_direct_ip(name: &str) -> Option<IpAddr> {
    let rest = name.strip_suffix(".plex.direct")?;
    let (label, hash) = rest.split_once('.')?;
    if hash.is_empty() {
        return None;
    }
    // Plex writes the address's dots (or an IPv6 address's colons) as dashes.
    let v4 = label.replace('-', ".").parse::<Ipv4Addr>().map(IpAddr::V4);
    v4.or_else(|_| label.replace('-', ":").parse::<Ipv6Addr>().map(IpAddr::V6))
        .ok()
}

fn local_ip(addr: IpAddr) -> bool {
    match addr {
        IpAddr::V4(a) => a.is_private() || a.is_loopback() || a.is_link_local(),
        IpAddr::V6(a) => {
            let top = a.segments()[0];
            a.is_loopback()
                || (top & 0xfe00) == 0xfc00
                || (top & 0xffc0) == 0xfe80
                || a.to_ipv4_mapped()
                    .is_some_and(|v4| local_ip(IpAddr::V4(v4)))
        }
    }
}

/// Sets each `[PMS]` key to its value: the new text and the keys that changed. Only a
/// changed value's bytes are rewritten; a missing key is added after the section's last
/// setting, with the file's line end.
fn edit(
    ini: &Ini<'_>,
    sets: &[(&'static str, String)],
) -> Result<(String, Vec<String>), FormatError> {
    let pms_end = ini.pms_end.ok_or_else(not_tautulli)?;
    let mut out: Vec<String> = ini
        .lines
        .iter()
        .map(|l| format!("{}{}", l.body, l.end))
        .collect();
    let mut added = Vec::new();
    let mut changed_keys = Vec::new();
    for (key, value) in sets {
        match ini.pms(key) {
            None => added.push(format!("{key} = {}", written(key, value)?)),
            Some(e) => match &e.value {
                Value::List(_) => return Err(not_a_value(key)),
                Value::One(old) if old == value => continue,
                Value::One(_) => replace(&mut out, ini, e, &written(key, value)?),
            },
        }
        changed_keys.push(slot_name(key));
    }
    if !added.is_empty() {
        insert_after(&mut out, ini, pms_end, &added);
    }
    Ok((format!("{}{}", ini.bom, out.concat()), changed_keys))
}

/// The setting's line with `value` (already quoted) in place of the old value's text.
fn replace(out: &mut [String], ini: &Ini<'_>, e: &Entry, value: &str) {
    let prefix = &ini.lines[e.first].body[..e.value_start];
    let last = &ini.lines[e.last];
    let tail = &last.body[e.tail_start..];
    // An empty value (`key =`, `key = # note`) leaves no room around the new one; configobj
    // writes `key = value`, so a space goes where there is none.
    let empty = e.first == e.last && e.value_start == e.tail_start;
    let before = if empty && !prefix.ends_with(is_space) {
        " "
    } else {
        ""
    };
    let after = if empty && tail.starts_with('#') {
        " "
    } else {
        ""
    };
    out[e.first] = format!("{prefix}{before}{value}{after}{tail}{}", last.end);
    for line in &mut out[e.first + 1..=e.last] {
        line.clear();
    }
}

fn insert_after(out: &mut [String], ini: &Ini<'_>, at: usize, added: &[String]) {
    let own = ini.lines[at].end;
    let end = if own.is_empty() {
        ini.lines
            .iter()
            .map(|l| l.end)
            .find(|e| !e.is_empty())
            .unwrap_or("\n")
    } else {
        own
    };
    let nl = if end.ends_with("\r\n") { "\r\n" } else { "\n" };
    let text = added.join(nl);
    if own.is_empty() {
        // The file's last line had no line end: the added lines end the file the same way.
        out[at].push_str(nl);
        out[at].push_str(&text);
    } else {
        out[at].push_str(&text);
        out[at].push_str(nl);
    }
}

/// A value as configobj writes it: bare when that reads back as the same text, otherwise
/// in the quotes configobj would choose. A line break or NUL cannot be written at all.
fn written(key: &str, value: &str) -> Result<String, FormatError> {
    if value.contains(['\r', '\n', '\0']) {
        return Err(FormatError::Refused(format!(
            "the value for {} has a line break or a NUL; nothing was written",
            slot_name(key)
        )));
    }
    let bare = !value.is_empty()
        && !value.contains(['#', ',', '"', '\''])
        && value.trim_matches(is_space) == value;
    if bare {
        return Ok(value.to_owned());
    }
    let quote = if !value.contains('"') {
        "\""
    } else if !value.contains('\'') {
        "'"
    } else if !value.contains("\"\"\"") {
        "\"\"\""
    } else if !value.contains("'''") {
        "'''"
    } else {
        return Err(FormatError::Refused(format!(
            "the value for {} has both kinds of triple quote; nothing was written",
            slot_name(key)
        )));
    };
    Ok(format!("{quote}{value}{quote}"))
}

/// The edit read back on its own: every setting of the file as it was, except the ones
/// written, which must hold their new values. This is the `check_only` of `mod.rs` for
/// Tautulli: it catches an edit that a quoting slip would have made to mean something else.
fn check_only(old: &str, new: &str, sets: &[(&'static str, String)]) -> Result<(), FormatError> {
    let mut want = settings(&parse(old)?);
    for (key, value) in sets {
        let at = (vec![PMS.to_owned()], (*key).to_owned());
        want.insert(at, Value::One(value.clone()));
    }
    let reread = parse(new)
        .map_err(|e| FormatError::WouldNotReadBack(format!("it would not parse: {e}")))?;
    let got = settings(&reread);
    // Names only in the reason: a value may be the token.
    if let Some(((section, key), _)) = want.iter().find(|(at, v)| got.get(*at) != Some(*v)) {
        return Err(FormatError::WouldNotReadBack(format!(
            "{} would not hold what it should",
            setting_name(section, key)
        )));
    }
    if let Some((section, key)) = got.keys().find(|at| !want.contains_key(*at)) {
        return Err(FormatError::WouldNotReadBack(format!(
            "{} would appear",
            setting_name(section, key)
        )));
    }
    Ok(())
}

fn settings(ini: &Ini<'_>) -> BTreeMap<(Vec<String>, String), Value> {
    ini.entries
        .iter()
        .map(|e| ((e.section.clone(), e.key.clone()), e.value.clone()))
        .collect()
}

fn setting_name(section: &[String], key: &str) -> String {
    format!("[{}] {key}", section.join("."))
}

fn slot_name(key: &str) -> String {
    format!("[{PMS}] {key}")
}

fn not_tautulli() -> FormatError {
    FormatError::NotTheApp {
        what: "[PMS] section".into(),
        app: "Tautulli",
    }
}

fn not_a_value(key: &str) -> FormatError {
    FormatError::NotAValue {
        at: slot_name(key),
        what: "a comma-separated list".into(),
    }
}

fn syntax(line: usize, why: &str) -> FormatError {
    FormatError::Syntax {
        format: FORMAT,
        why: format!("line {} {why}", line + 1),
    }
}

/// Python's `\s` and `str.strip()`, which configobj uses; they also count the separators
/// U+001C..U+001F, which Rust does not.
fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// What may follow a value or a header: spaces, then nothing or a `#` comment.
fn is_tail(s: &str) -> bool {
    let rest = s.trim_start_matches(is_space);
    rest.is_empty() || rest.starts_with('#')
}

fn unquote(s: &str) -> &str {
    let b = s.as_bytes();
    if b.len() >= 2 && b[0] == b[b.len() - 1] && matches!(b[0], b'"' | b'\'') {
        &s[1..s.len() - 1]
    } else {
        s
    }
}

/// configobj splits on `\n` and strips any `\r`/`\n` from the end of each line.
fn split_lines(text: &str) -> Vec<Line<'_>> {
    text.split_inclusive('\n')
        .map(|l| {
            let body = l.trim_end_matches(['\r', '\n']);
            Line {
                body,
                end: &l[body.len()..],
            }
        })
        .collect()
}

/// The whole file, line by line, as configobj's `_parse` reads it; anything configobj
/// would reject (and Tautulli with it) is a syntax error, so it is never edited.
fn parse(text: &str) -> Result<Ini<'_>, FormatError> {
    let (bom, rest) = match text.strip_prefix('\u{feff}') {
        Some(rest) => (&text[..3], rest),
        None => ("", text),
    };
    let lines = split_lines(rest);
    let mut entries: Vec<Entry> = Vec::new();
    let mut path: Vec<String> = Vec::new();
    let mut sections: HashSet<Vec<String>> = HashSet::new();
    let mut keys: HashSet<(Vec<String>, String)> = HashSet::new();
    let mut pms_end = None;
    let mut i = 0;
    while i < lines.len() {
        let trimmed = lines[i].body.trim_matches(is_space);
        if trimmed.is_empty() || trimmed.starts_with('#') {
            i += 1;
            continue;
        }
        if trimmed.starts_with('[') {
            let (depth, name) = section_header(lines[i].body)
                .ok_or_else(|| syntax(i, "is not a section header configobj can read"))?;
            if depth > path.len() + 1 {
                return Err(syntax(i, "opens a section nested deeper than its parent"));
            }
            path.truncate(depth - 1);
            path.push(name);
            if !sections.insert(path.clone()) {
                return Err(syntax(i, "repeats a section"));
            }
            if path == [PMS] {
                pms_end = Some(i);
            }
            i += 1;
            continue;
        }
        let entry = setting(&lines, i, &path)?;
        if !keys.insert((path.clone(), entry.key.clone())) {
            return Err(syntax(i, "repeats a key of its section"));
        }
        if path == [PMS] {
            pms_end = Some(entry.last);
        }
        i = entry.last + 1;
        entries.push(entry);
    }
    Ok(Ini {
        bom,
        lines,
        entries,
        pms_end,
    })
}

/// `[name]`, `[[name]]`…: the depth and the name. As in configobj's `_sectionmarker`, the
/// name is the shortest text followed by only closing brackets and a comment, and the
/// brackets must pair up.
fn section_header(body: &str) -> Option<(usize, String)> {
    let mut rest = body.trim_start_matches(is_space);
    let mut depth = 0;
    while let Some(r) = rest.strip_prefix('[') {
        depth += 1;
        rest = r.trim_start_matches(is_space);
    }
    let ends = rest
        .char_indices()
        .map(|(at, _)| at)
        .skip(1)
        .chain([rest.len()]);
    for end in ends {
        let name = &rest[..end];
        if let Some(closing) = closing_brackets(&rest[end..])
            && section_name_ok(name)
        {
            return (closing == depth).then(|| (depth, unquote(name).to_owned()));
        }
    }
    None
}

fn section_name_ok(name: &str) -> bool {
    match name.chars().next() {
        Some(q @ ('"' | '\'')) => {
            name.len() >= 2
                && name.ends_with(q)
                && !name[1..name.len() - 1].trim_matches(is_space).is_empty()
        }
        Some(c) => !is_space(c),
        None => false,
    }
}

fn closing_brackets(s: &str) -> Option<usize> {
    let mut count = 0;
    let mut rest = s;
    while let Some(r) = rest.trim_start_matches(is_space).strip_prefix(']') {
        count += 1;
        rest = r;
    }
    (count > 0 && is_tail(rest)).then_some(count)
}

/// A `key = value` line (configobj's `_keyword`), and a `"""` value's further lines.
fn setting(lines: &[Line<'_>], i: usize, path: &[String]) -> Result<Entry, FormatError> {
    let body = lines[i].body;
    let indent = body.len() - body.trim_start_matches(is_space).len();
    let (key, eq) = split_key(&body[indent..])
        .ok_or_else(|| syntax(i, "is neither a section, a setting nor a comment"))?;
    let after = &body[indent + eq + 1..];
    let value_start = body.len() - after.trim_start_matches(is_space).len();
    let raw = &body[value_start..];
    let (value, last, tail_start) = if raw.starts_with("\"\"\"") || raw.starts_with("'''") {
        triple_quoted(lines, i, value_start)
            .ok_or_else(|| syntax(i, "has a triple-quoted value that does not close"))?
    } else {
        let (value, end) =
            parse_value(raw).ok_or_else(|| syntax(i, "has a value configobj cannot read"))?;
        (value, i, value_start + end)
    };
    Ok(Entry {
        section: path.to_vec(),
        key,
        value,
        first: i,
        last,
        value_start,
        tail_start,
    })
}

/// The key (unquoted) and where its `=` is: a quoted key is the shortest quoted text
/// followed by `=`; a bare one runs to the first `=`.
fn split_key(rest: &str) -> Option<(String, usize)> {
    match rest.chars().next()? {
        q @ ('"' | '\'') => rest
            .char_indices()
            .skip(1)
            .filter(|&(_, c)| c == q)
            .find_map(|(close, _)| {
                let spaced = rest[close + 1..].trim_start_matches(is_space);
                spaced
                    .starts_with('=')
                    .then(|| (rest[1..close].to_owned(), rest.len() - spaced.len()))
            }),
        '=' => None,
        _ => {
            let eq = rest.find('=')?;
            Some((rest[..eq].trim_end_matches(is_space).to_owned(), eq))
        }
    }
}

/// A value in triple quotes (configobj's `_multiline`): closed on its own line, or running
/// on until the first line with the same quotes. The value, its last line, and where the
/// text after the closing quotes starts.
fn triple_quoted(
    lines: &[Line<'_>],
    i: usize,
    value_start: usize,
) -> Option<(Value, usize, usize)> {
    let raw = &lines[i].body[value_start..];
    let (quote, inner) = raw.split_at(3);
    if let Some(end) = closing_at(inner, quote) {
        let tail_start = value_start + 3 + end + 3;
        return Some((Value::One(inner[..end].to_owned()), i, tail_start));
    }
    if inner.contains(quote) {
        return None;
    }
    let mut text = inner.to_owned();
    for (j, line) in lines.iter().enumerate().skip(i + 1) {
        text.push('\n');
        if !line.body.contains(quote) {
            text.push_str(line.body);
            continue;
        }
        let end = closing_at(line.body, quote)?;
        text.push_str(&line.body[..end]);
        return Some((Value::One(text), j, end + 3));
    }
    None
}

/// The shortest text of `s` that `quote` closes with only a comment after it.
fn closing_at(s: &str, quote: &str) -> Option<usize> {
    (0..s.len())
        .filter(|&at| s.is_char_boundary(at) && s[at..].starts_with(quote))
        .find(|&at| is_tail(&s[at + quote.len()..]))
}

/// The last item of a value, and whether it was the empty reading (nothing at all after a
/// comma, which configobj drops: `a, b,` is two items).
struct Last {
    text: String,
    nothing: bool,
}

/// A value as configobj's `_valueexp` reads it: `(item , )* last? tail`, or a lone comma
/// for the empty list. Readings are tried in the order the regular expression tries them
/// (more items first, each item's shortest reading first), so the same text comes out.
/// The value, and where the text after it starts.
fn parse_value(raw: &str) -> Option<(Value, usize)> {
    let mut items = Vec::new();
    let mut dead = vec![false; raw.len() + 1];
    if let Some((last, end)) = list_from(raw, 0, &mut items, &mut dead) {
        let value = match last {
            _ if items.is_empty() => Value::One(last.map(|l| l.text).unwrap_or_default()),
            Some(l) if !l.nothing => {
                items.push(l.text);
                Value::List(items)
            }
            _ => Value::List(items),
        };
        return Some((value, end));
    }
    let rest = raw.strip_prefix(',')?;
    is_tail(rest).then(|| (Value::List(Vec::new()), 1))
}

/// Items from `pos` on. `dead` marks the places already known to lead nowhere, which keeps
/// the backtracking from going exponential on a line full of quotes.
fn list_from(
    raw: &str,
    pos: usize,
    items: &mut Vec<String>,
    dead: &mut [bool],
) -> Option<(Option<Last>, usize)> {
    if dead[pos] {
        return None;
    }
    for end in readings(raw, pos, true) {
        for next in after_comma(raw, end) {
            items.push(text_of(raw, pos, end).to_owned());
            if let Some(found) = list_from(raw, next, items, dead) {
                return Some(found);
            }
            items.pop();
        }
    }
    let found = last_from(raw, pos);
    if found.is_none() {
        dead[pos] = true;
    }
    found
}

/// The optional last item, then the tail.
fn last_from(raw: &str, pos: usize) -> Option<(Option<Last>, usize)> {
    for end in readings(raw, pos, false) {
        if is_tail(&raw[end..]) {
            let text = text_of(raw, pos, end).to_owned();
            return Some((
                Some(Last {
                    text,
                    nothing: false,
                }),
                end,
            ));
        }
    }
    if !is_tail(&raw[pos..]) {
        return None;
    }
    // configobj's empty reading is not allowed straight after a comma.
    let last = (!raw[..pos].ends_with(',')).then(|| Last {
        text: String::new(),
        nothing: true,
    });
    Some((last, pos))
}

/// Where one item starting at `pos` can end, in the order configobj tries them: quoted text
/// up to each later matching quote, or bare text of each length. A bare item before a
/// comma stops at `#`; the last one may hold `#` but not start with a space.
fn readings(raw: &str, pos: usize, in_list: bool) -> Vec<usize> {
    let rest = &raw[pos..];
    let Some(first) = rest.chars().next() else {
        return Vec::new();
    };
    if first == '"' || first == '\'' {
        return rest
            .char_indices()
            .skip(1)
            .filter(|&(_, c)| c == first)
            .map(|(at, _)| pos + at + 1)
            .collect();
    }
    if first == ',' || first == '#' || (!in_list && is_space(first)) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut end = first.len_utf8();
    loop {
        out.push(pos + end);
        let Some(c) = rest[end..].chars().next() else {
            break;
        };
        if c == ',' || (in_list && c == '#') {
            break;
        }
        end += c.len_utf8();
    }
    out
}

/// The places after `\s*,\s*` at `at`, the most spaces taken first.
fn after_comma(raw: &str, at: usize) -> Vec<usize> {
    let spaced = raw[at..].trim_start_matches(is_space);
    let Some(rest) = spaced.strip_prefix(',') else {
        return Vec::new();
    };
    let comma_end = raw.len() - rest.len();
    let skipped = rest.len() - rest.trim_start_matches(is_space).len();
    let mut out: Vec<usize> = (comma_end..=comma_end + skipped)
        .filter(|&p| raw.is_char_boundary(p))
        .collect();
    out.reverse();
    out
}

fn text_of(raw: &str, pos: usize, end: usize) -> &str {
    if raw[pos..].starts_with(['"', '\'']) {
        &raw[pos + 1..end - 1]
    } else {
        &raw[pos..end]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Shaped like the file Tautulli writes, with a hand-added comment and inline comment.
    const SAMPLE: &str = "\
[General]
first_run_complete = 1
http_port = 8181
http_host = 0.0.0.0
api_key = 0a1b2c3d4e5f67890a1b2c3d4e5f6789
home_sections = current_activity, watch_stats, library_stats, recently_added
# Added by hand: Tautulli drops comments when it saves.
http_root = \"\"
[PMS]
pms_ip = 192.168.1.5
pms_port = 32400
pms_token = OldToken123abcXYZ
pms_client_id = 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0
pms_identifier = 0123456789abcdef0123456789abcdef01234567
pms_ssl = 0
pms_is_remote = 0
pms_url = http://192.168.1.5:32400
pms_uuid = 7e57ab1e5ca1ab1e0ff1ce0ddba11000
pms_name = \"Home, Den\"
pms_logs_folder = /config/plex logs  # set by hand
[Monitoring]
monitoring_interval = 60
";

    const NEW_TOKEN: &str = "NewToken456def";

    fn set_token<'a>(token: &'a Secret, client_id: &'a str) -> Change<'a> {
        Change::Token { token, client_id }
    }

    fn server(url: &str) -> Change<'_> {
        Change::Server(Server {
            machine_id: "fedcba9876543210",
            name: "Tower",
            url,
            connections: &[],
        })
    }

    fn pms_value(text: &str, key: &str) -> Option<String> {
        match &parse(text).unwrap().pms(key)?.value {
            Value::One(v) => Some(v.clone()),
            Value::List(_) => panic!("{key} is a list"),
        }
    }

    #[test]
    fn read_finds_the_token_and_the_ids() {
        let view = read(SAMPLE).unwrap();
        assert_eq!(view.slots.len(), 1);
        assert_eq!(view.slots[0].at, "[PMS] pms_token");
        assert_eq!(
            view.slots[0].held,
            Held::Token(Secret::new("OldToken123abcXYZ"))
        );
        assert_eq!(
            view.server_id.as_deref(),
            Some("0123456789abcdef0123456789abcdef01234567")
        );
        assert_eq!(view.server_url.as_deref(), Some("http://192.168.1.5:32400"));
        assert_eq!(
            view.client_id.as_deref(),
            Some("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0")
        );
        assert_eq!(pms_value(SAMPLE, "pms_name").as_deref(), Some("Home, Den"));
        assert_eq!(
            pms_value(SAMPLE, "pms_logs_folder").as_deref(),
            Some("/config/plex logs")
        );
        assert_eq!(http_port(SAMPLE), Some(8181));
    }

    #[test]
    fn a_missing_or_empty_token_reads_as_empty() {
        for text in [
            "[PMS]\npms_ip = 1.2.3.4\n",
            "[PMS]\npms_token =\n",
            "[PMS]\npms_token = \"\"  # x\n",
        ] {
            let view = read(text).unwrap();
            assert_eq!(view.slots[0].held, Held::Empty, "{text:?}");
            assert_eq!(view.server_id, None);
        }
    }

    #[test]
    fn a_new_token_changes_exactly_the_two_values() {
        let token = Secret::new(NEW_TOKEN);
        let out = apply(SAMPLE, &set_token(&token, "new-client-id")).unwrap();
        let want = SAMPLE
            .replace(
                "pms_token = OldToken123abcXYZ\n",
                "pms_token = NewToken456def\n",
            )
            .replace(
                "pms_client_id = 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0\n",
                "pms_client_id = new-client-id\n",
            );
        assert_ne!(want, SAMPLE);
        assert_eq!(out.text, want);
        assert_eq!(out.changed_keys, ["[PMS] pms_token", "[PMS] pms_client_id"]);
    }

    #[test]
    fn the_same_token_twice_is_a_no_op() {
        let token = Secret::new(NEW_TOKEN);
        let once = apply(SAMPLE, &set_token(&token, "new-client-id")).unwrap();
        let twice = apply(&once.text, &set_token(&token, "new-client-id")).unwrap();
        assert_eq!(twice.text, once.text);
        assert!(twice.changed_keys.is_empty());
        // Only the token differs: the client id line keeps its bytes and is not listed.
        let other = Secret::new("Another789");
        let out = apply(&once.text, &set_token(&other, "new-client-id")).unwrap();
        assert_eq!(out.changed_keys, ["[PMS] pms_token"]);
    }

    #[test]
    fn a_missing_key_goes_after_the_last_pms_setting() {
        let token = Secret::new(NEW_TOKEN);
        let text = "[PMS]\npms_ip = 10.0.0.2\n\n# Monitoring follows\n[Monitoring]\nmonitoring_interval = 60";
        let out = apply(text, &set_token(&token, "cid")).unwrap();
        assert_eq!(
            out.text,
            "[PMS]\npms_ip = 10.0.0.2\npms_token = NewToken456def\npms_client_id = cid\n\n# Monitoring follows\n[Monitoring]\nmonitoring_interval = 60"
        );
        assert_eq!(out.changed_keys, ["[PMS] pms_token", "[PMS] pms_client_id"]);
        // At the very end of a file without a final newline, the file still ends without one.
        let out = apply(
            "[General]\nx = 1\n[PMS]\npms_ip = 10.0.0.2",
            &set_token(&token, "cid"),
        )
        .unwrap();
        assert_eq!(
            out.text,
            "[General]\nx = 1\n[PMS]\npms_ip = 10.0.0.2\npms_token = NewToken456def\npms_client_id = cid"
        );
        // An empty section gets its keys right after the header.
        let out = apply("[PMS]\n[Other]\ny = 2\n", &set_token(&token, "cid")).unwrap();
        assert_eq!(
            out.text,
            "[PMS]\npms_token = NewToken456def\npms_client_id = cid\n[Other]\ny = 2\n"
        );
    }

    #[test]
    fn a_value_that_needs_quotes_is_quoted_as_configobj_would() {
        let token = Secret::new(NEW_TOKEN);
        let cases = [
            ("id, with comma", "\"id, with comma\""),
            ("hash # inside", "\"hash # inside\""),
            (" padded", "\" padded\""),
            ("", "\"\""),
            ("say \"hi\"", "'say \"hi\"'"),
            ("it's \"both\"", "\"\"\"it's \"both\"\"\"\""),
            ("plain-id", "plain-id"),
        ];
        for (value, shown) in cases {
            let out = apply(SAMPLE, &set_token(&token, value)).unwrap();
            assert!(
                out.text.contains(&format!("\npms_client_id = {shown}\n")),
                "{value:?}: {}",
                out.text
            );
            assert_eq!(
                pms_value(&out.text, "pms_client_id").as_deref(),
                Some(value)
            );
        }
        let out = apply("[PMS]\npms_token = a\n", &set_token(&token, "a, b")).unwrap();
        assert_eq!(
            out.text,
            "[PMS]\npms_token = NewToken456def\npms_client_id = \"a, b\"\n"
        );
    }

    #[test]
    fn a_plex_direct_address_on_the_lan_is_local() {
        let out = apply(SAMPLE, &server("https://192-168-1-5.abc.plex.direct:32400")).unwrap();
        let want = SAMPLE
            .replace(
                "pms_ip = 192.168.1.5\n",
                "pms_ip = 192-168-1-5.abc.plex.direct\n",
            )
            .replace("pms_ssl = 0\n", "pms_ssl = 1\n")
            .replace(
                "pms_identifier = 0123456789abcdef0123456789abcdef01234567\n",
                "pms_identifier = fedcba9876543210\n",
            )
            .replace(
                "pms_url = http://192.168.1.5:32400\n",
                "pms_url = https://192-168-1-5.abc.plex.direct:32400\n",
            )
            .replace("pms_name = \"Home, Den\"\n", "pms_name = Tower\n");
        assert_eq!(out.text, want);
        assert_eq!(
            out.changed_keys,
            [
                "[PMS] pms_identifier",
                "[PMS] pms_url",
                "[PMS] pms_ip",
                "[PMS] pms_ssl",
                "[PMS] pms_name"
            ]
        );
        assert_eq!(pms_value(&out.text, "pms_is_remote").as_deref(), Some("0"));
        assert_eq!(pms_value(&out.text, "pms_port").as_deref(), Some("32400"));
    }

    #[test]
    fn a_public_plex_direct_address_is_remote() {
        let out = apply(SAMPLE, &server("https://1-2-3-4.abc.plex.direct:32400")).unwrap();
        assert_eq!(
            pms_value(&out.text, "pms_ip").as_deref(),
            Some("1-2-3-4.abc.plex.direct")
        );
        assert_eq!(pms_value(&out.text, "pms_port").as_deref(), Some("32400"));
        assert_eq!(pms_value(&out.text, "pms_ssl").as_deref(), Some("1"));
        assert_eq!(pms_value(&out.text, "pms_is_remote").as_deref(), Some("1"));
        assert_eq!(
            pms_value(&out.text, "pms_uuid").as_deref(),
            Some("7e57ab1e5ca1ab1e0ff1ce0ddba11000")
        );
    }

    #[test]
    fn a_plain_lan_address_and_others() {
        let out = apply(SAMPLE, &server("http://10.0.0.2:32400")).unwrap();
        assert!(
            out.text
                .contains("pms_ip = 10.0.0.2\npms_port = 32400\npms_token = OldToken123abcXYZ\n"),
            "{}",
            out.text
        );
        assert!(
            out.text
                .contains("pms_ssl = 0\npms_is_remote = 0\npms_url = http://10.0.0.2:32400\n")
        );
        let out = apply(SAMPLE, &server("https://plex.example.com")).unwrap();
        assert_eq!(pms_value(&out.text, "pms_port").as_deref(), Some("443"));
        assert_eq!(pms_value(&out.text, "pms_is_remote").as_deref(), Some("1"));
        let out = apply(SAMPLE, &server("http://[fd00::5]:32400")).unwrap();
        assert_eq!(pms_value(&out.text, "pms_ip").as_deref(), Some("fd00::5"));
        assert_eq!(pms_value(&out.text, "pms_is_remote").as_deref(), Some("0"));
        // A file without `pms_name` does not get one.
        let out = apply("[PMS]\npms_token = a\n", &server("http://10.0.0.2:32400")).unwrap();
        assert_eq!(pms_value(&out.text, "pms_name"), None);
        assert_eq!(pms_value(&out.text, "pms_uuid"), None);
    }

    #[test]
    fn an_address_that_is_not_a_url_is_refused() {
        for url in ["not a url", "192.168.1.5:32400", "ftp://10.0.0.2/"] {
            assert!(
                matches!(apply(SAMPLE, &server(url)), Err(FormatError::Refused(_))),
                "{url}"
            );
        }
    }

    #[test]
    fn clear_empties_the_token_and_nothing_else() {
        let out = apply(SAMPLE, &Change::Clear).unwrap();
        assert_eq!(
            out.text,
            SAMPLE.replace("pms_token = OldToken123abcXYZ\n", "pms_token = \"\"\n")
        );
        assert_eq!(out.changed_keys, ["[PMS] pms_token"]);
        assert_eq!(read(&out.text).unwrap().slots[0].held, Held::Empty);
        let again = apply(&out.text, &Change::Clear).unwrap();
        assert!(again.changed_keys.is_empty());
        let none = apply("[PMS]\npms_ip = 1.2.3.4\n", &Change::Clear).unwrap();
        assert_eq!(none, Edited::unchanged("[PMS]\npms_ip = 1.2.3.4\n"));
    }

    #[test]
    fn a_file_without_pms_is_not_tautulli() {
        let want = || FormatError::NotTheApp {
            what: "[PMS] section".into(),
            app: "Tautulli",
        };
        let text = "[General]\nhttp_port = 8181\n";
        assert_eq!(read(text), Err(want()));
        assert_eq!(apply(text, &Change::Clear), Err(want()));
        assert_eq!(read(""), Err(want()));
    }

    #[test]
    fn a_bad_token_or_value_is_refused() {
        for bad in ["has space", "", "quote\"d"] {
            let token = Secret::new(bad);
            assert!(matches!(
                apply(SAMPLE, &set_token(&token, "cid")),
                Err(FormatError::Refused(_))
            ));
        }
        let token = Secret::new(NEW_TOKEN);
        for cid in ["two\nlines", "cr\rhere", "nul\0"] {
            assert!(matches!(
                apply(SAMPLE, &set_token(&token, cid)),
                Err(FormatError::Refused(_))
            ));
        }
    }

    #[test]
    fn a_crlf_file_stays_crlf() {
        let crlf = SAMPLE.replace('\n', "\r\n");
        let token = Secret::new(NEW_TOKEN);
        let out = apply(&crlf, &set_token(&token, "new-client-id")).unwrap();
        let want = crlf
            .replace(
                "pms_token = OldToken123abcXYZ\r\n",
                "pms_token = NewToken456def\r\n",
            )
            .replace(
                "pms_client_id = 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0\r\n",
                "pms_client_id = new-client-id\r\n",
            );
        assert_eq!(out.text, want);
        assert_eq!(read(&crlf).unwrap(), read(SAMPLE).unwrap());
        let out = apply("[PMS]\r\npms_ip = x\r\n[B]\r\n", &set_token(&token, "c")).unwrap();
        assert_eq!(
            out.text,
            "[PMS]\r\npms_ip = x\r\npms_token = NewToken456def\r\npms_client_id = c\r\n[B]\r\n"
        );
    }

    #[test]
    fn a_list_is_not_a_value_to_replace() {
        let text = "[PMS]\npms_token = abc, def\n";
        let want = || FormatError::NotAValue {
            at: "[PMS] pms_token".into(),
            what: "a comma-separated list".into(),
        };
        assert_eq!(read(text), Err(want()));
        let token = Secret::new(NEW_TOKEN);
        assert_eq!(apply(text, &set_token(&token, "c")), Err(want()));
    }

    #[test]
    fn comments_after_values_stay() {
        let text = "[PMS]\npms_token = t1 # linked 2024\npms_client_id = # none yet\n";
        assert_eq!(
            read(text).unwrap().slots[0].held,
            Held::Token(Secret::new("t1"))
        );
        let token = Secret::new(NEW_TOKEN);
        let out = apply(text, &set_token(&token, "cid")).unwrap();
        assert_eq!(
            out.text,
            "[PMS]\npms_token = NewToken456def # linked 2024\npms_client_id = cid # none yet\n"
        );
    }

    #[test]
    fn values_read_as_configobj_reads_them() {
        let one = |s: &str| Some(Value::One(s.to_owned()));
        let list = |v: &[&str]| Some(Value::List(v.iter().map(|s| (*s).to_owned()).collect()));
        let value = |raw: &str| parse_value(raw).map(|(v, _)| v);
        assert!(value("\"a\" # c") == one("a"));
        assert!(value("\"a, b\"") == one("a, b"));
        assert!(value("x#y") == one("x"));
        assert!(value("two words  ") == one("two words"));
        assert!(value("\"a\"b\"") == one("a\"b"));
        assert!(value("a, b,") == list(&["a", "b"]));
        assert!(value("\"a\", \"\"") == list(&["a", ""]));
        assert!(value("a,") == list(&["a"]));
        assert!(value(",") == list(&[]));
        assert!(value("") == one(""));
        assert!(value("\"open").is_none());
        assert!(value("\"a\" b").is_none());
    }

    #[test]
    fn a_multi_line_value_elsewhere_is_kept() {
        let text = "\u{feff}[General]\nmotd = \"\"\"line one\nline, two\"\"\" # note\n[PMS]\npms_token = abc\n";
        assert_eq!(
            read(text).unwrap().slots[0].held,
            Held::Token(Secret::new("abc"))
        );
        let token = Secret::new(NEW_TOKEN);
        let out = apply(text, &set_token(&token, "c")).unwrap();
        assert_eq!(
            out.text,
            "\u{feff}[General]\nmotd = \"\"\"line one\nline, two\"\"\" # note\n[PMS]\npms_token = NewToken456def\npms_client_id = c\n"
        );
    }

    #[test]
    fn what_configobj_rejects_is_a_syntax_error() {
        for text in [
            "[PMS]\njust words\n",
            "[PMS]\npms_token = a\npms_token = b\n",
            "[PMS]\n[PMS]\n",
            "[PMS\n",
            "[PMS]]\n",
            "[PMS]\n[[[deep]]]\n",
            "[PMS]\nmotd = \"\"\"never closed\n",
        ] {
            assert!(
                matches!(read(text), Err(FormatError::Syntax { .. })),
                "{text:?}"
            );
        }
    }

    #[test]
    fn check_only_catches_any_other_change() {
        let other = SAMPLE.replace("monitoring_interval = 60", "monitoring_interval = 61");
        assert!(matches!(
            check_only(SAMPLE, &other, &[]),
            Err(FormatError::WouldNotReadBack(_))
        ));
        let unset = [(TOKEN_KEY, NEW_TOKEN.to_owned())];
        assert!(matches!(
            check_only(SAMPLE, SAMPLE, &unset),
            Err(FormatError::WouldNotReadBack(_))
        ));
        let extra = SAMPLE.replace("[Monitoring]\n", "[Monitoring]\nnew_key = 1\n");
        assert!(matches!(
            check_only(SAMPLE, &extra, &[]),
            Err(FormatError::WouldNotReadBack(_))
        ));
        assert_eq!(check_only(SAMPLE, SAMPLE, &[]), Ok(()));
    }
}
