//! Views shared by several commands: the account, a chosen server, and the server list. Each
//! is one `Serialize` struct that is both the `--json` document and the source of the human
//! text, so the two never drift apart.

use serde::Serialize;

use crate::output::{Output, safe};
use crate::plex::probe::{Place, ServerReport, State};
use crate::plex::types::{Resource, User};
use crate::store::SelectedServer;

#[derive(Debug, Clone, Serialize)]
pub struct AccountView {
    pub username: String,
    pub email: String,
    pub id: u64,
    pub uuid: String,
}

impl From<&User> for AccountView {
    fn from(u: &User) -> Self {
        AccountView {
            username: u.username.clone(),
            email: u.email.clone(),
            id: u.id,
            uuid: u.uuid.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SelectedView {
    pub name: String,
    pub machine_id: String,
    pub url: String,
    pub local: bool,
    pub owned: bool,
    pub insecure: bool,
    pub connections: Vec<String>,
    pub latency_ms: Option<u64>,
}

impl SelectedView {
    pub fn new(s: &SelectedServer, report: &ServerReport) -> Self {
        let latency_ms = report
            .probes
            .iter()
            .find(|p| p.candidate.uri == s.url)
            .and_then(|p| p.latency_ms);
        SelectedView {
            name: s.name.clone(),
            machine_id: s.machine_id.clone(),
            url: s.url.clone(),
            local: s.local,
            owned: s.owned,
            insecure: s.insecure,
            connections: s.connections.clone(),
            latency_ms,
        }
    }

    /// "Selected Tower at https://… (local, 3 ms)." and a warning for `--insecure`.
    pub fn render(&self, out: &Output) {
        let place = if self.local { "local" } else { "remote" };
        let ms = self
            .latency_ms
            .map(|m| format!(", {m} ms"))
            .unwrap_or_default();
        out.result(format!(
            "Selected {} at {} ({place}{ms}).",
            safe(&self.name),
            safe(&self.url)
        ));
        if self.insecure {
            out.warn(format!(
                "the certificate of {} is not verified (--insecure)",
                self.name
            ));
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ConnectionView {
    pub url: String,
    pub local: bool,
    pub relay: bool,
    /// "reachable", "failed" (`error` says why), "unanswered": still running when the
    /// server's choice was made, and not waited for (`error` is null), or "unusable": an
    /// address plex.tv listed that cannot be used, never probed (`error` says why).
    pub state: State,
    pub reachable: bool,
    pub latency_ms: Option<u64>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BestConnectionView {
    pub url: String,
    pub local: bool,
    pub relay: bool,
    pub latency_ms: Option<u64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServerView {
    pub number: usize,
    pub name: String,
    pub machine_id: String,
    pub owned: bool,
    pub owner: String,
    pub online: bool,
    pub selected: bool,
    pub best_connection: Option<BestConnectionView>,
    pub connections: Vec<ConnectionView>,
    /// For `-v`: where each connection goes, in the same order.
    #[serde(skip)]
    pub places: Vec<Place>,
}

fn owner(res: &Resource) -> String {
    if res.owned {
        "you".into()
    } else {
        res.source_title.clone().unwrap_or_else(|| "shared".into())
    }
}

pub fn server_views(reports: &[ServerReport], selected: Option<&str>) -> Vec<ServerView> {
    reports
        .iter()
        .enumerate()
        .map(|(i, r)| ServerView {
            number: i + 1,
            name: r.resource.name.clone(),
            machine_id: r.resource.client_identifier.clone(),
            owned: r.resource.owned,
            owner: owner(&r.resource),
            online: r.resource.presence,
            selected: selected == Some(r.resource.client_identifier.as_str()),
            best_connection: r.best().map(|b| BestConnectionView {
                url: b.candidate.uri.clone(),
                local: b.candidate.local(),
                relay: b.candidate.relay(),
                latency_ms: b.latency_ms,
            }),
            connections: r
                .probes
                .iter()
                .map(|p| ConnectionView {
                    url: p.candidate.uri.clone(),
                    local: p.candidate.local(),
                    relay: p.candidate.relay(),
                    state: p.state,
                    reachable: p.reachable,
                    latency_ms: p.latency_ms,
                    error: p.error.clone(),
                })
                .collect(),
            places: r.probes.iter().map(|p| p.candidate.place).collect(),
        })
        .collect()
}

/// A connection's place as `servers -v` says it: the same word as in `--json`.
fn place_word(place: Place) -> &'static str {
    match place {
        Place::Local => "local",
        Place::Remote => "remote",
        Place::Relay => "relay",
    }
}

/// The server table people read (`servers`, the picker after login).
pub fn server_table(out: &Output, servers: &[ServerView]) -> String {
    let mut rows = vec![[
        "#".to_string(),
        "NAME".into(),
        "OWNER".into(),
        "ONLINE".into(),
        "BEST CONNECTION".into(),
        "LATENCY".into(),
        "ANSWERED".into(),
    ]];
    for s in servers {
        let mark = if s.selected { "*" } else { "" };
        let best = s.best_connection.as_ref();
        rows.push([
            format!("{}{mark}", s.number),
            safe(&s.name).into_owned(),
            safe(&s.owner).into_owned(),
            if s.online { "yes" } else { "no" }.into(),
            best.map_or("-".into(), |b| safe(&b.url).into_owned()),
            best.and_then(|b| b.latency_ms)
                .map_or("-".into(), |ms| format!("{ms} ms")),
            format!(
                "{}/{}",
                s.connections.iter().filter(|c| c.reachable).count(),
                s.connections.len()
            ),
        ]);
    }
    let widths: Vec<usize> = (0..7)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut lines = Vec::new();
    for (ri, row) in rows.iter().enumerate() {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        let line = cells.join("  ").trim_end().to_string();
        lines.push(if ri == 0 { out.bold(&line) } else { line });
        if ri > 0 && out.verbose {
            let s = &servers[ri - 1];
            for (c, place) in s.connections.iter().zip(&s.places) {
                let place = place_word(*place);
                let state = match (c.state, c.latency_ms, &c.error) {
                    (State::Reachable, Some(ms), _) => format!("{ms} ms"),
                    (State::Unanswered, _, _) => "not waited for (the choice was made)".into(),
                    (_, _, Some(e)) => safe(e).into_owned(),
                    _ => "-".into(),
                };
                lines.push(format!("      {place:<7}{}  {state}", safe(&c.url)));
            }
        }
    }
    if servers.iter().any(|s| s.selected) {
        lines.push("(* = selected)".into());
    }
    lines.join("\n")
}

/// When the key sits on the same disk as the sealed token in config.toml: what that means
/// and the one command that moves the key (for the file store; a keyring keeps the token
/// elsewhere).
pub fn key_beside_token(ctx: &crate::context::Context) -> Option<String> {
    let config = crate::store::config::path(&ctx.config_dir);
    if ctx.key_is_credential || !crate::fs::same_filesystem(&ctx.key_path, &config) {
        return None;
    }
    Some(format!(
        "the key ({}) is on the same disk as the sealed token ({}), so a copy of that disk \
         opens the token; to keep them apart, move the key to another disk with \
         `plex-auth rotate-key --to /PATH/ON/OTHER/DISK/plex-auth.key`",
        ctx.key_path.display(),
        config.display()
    ))
}

/// `text` as a QR code drawn with half blocks, two rows a line, with the quiet zone around
/// it, so a phone can scan it off a terminal. Drawn for the usual dark terminal: the light
/// modules are the blocks, the dark ones the background.
pub fn qr_code(text: &str) -> String {
    match qrcode::QrCode::new(text.as_bytes()) {
        Ok(code) => code
            .render::<qrcode::render::unicode::Dense1x2>()
            .dark_color(qrcode::render::unicode::Dense1x2::Light)
            .light_color(qrcode::render::unicode::Dense1x2::Dark)
            .quiet_zone(true)
            .build(),
        // Only a text too long for any QR version fails; the link is printed above anyway.
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `servers -v` names each place with the word `--json` gives it.
    #[test]
    fn place_words_are_the_json_ones() {
        for place in [Place::Local, Place::Remote, Place::Relay] {
            let json = serde_json::to_value(place).unwrap();
            assert_eq!(json.as_str(), Some(place_word(place)));
        }
    }
}

/// One registered app as `apps list`, `status` and `validate` show it.
#[derive(Debug, Clone, Serialize)]
pub struct AppView {
    pub name: String,
    pub kind: crate::apps::Kind,
    pub path: std::path::PathBuf,
    /// matches, not-given, differs, empty, elsewhere or unreadable.
    pub token: &'static str,
    /// The app holds a token of its own (a device of its own), not the account's.
    pub own_token: bool,
    pub server: Option<String>,
    pub server_matches: Option<bool>,
    /// Why the file cannot be read, or where the token comes from instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl From<&crate::ops::apps::AppStatus> for AppView {
    fn from(s: &crate::ops::apps::AppStatus) -> Self {
        use crate::ops::apps::TokenState;
        let detail = match &s.token {
            TokenState::Elsewhere(places) => Some(places.join(", ")),
            TokenState::Unreadable(why) | TokenState::Unreachable(why) => Some(why.clone()),
            _ => None,
        };
        AppView {
            name: s.entry.name.clone(),
            kind: s.entry.kind,
            path: crate::ops::apps::place(&s.entry).into(),
            token: s.token.word(),
            own_token: s.entry.own_token,
            server: s.server.clone(),
            server_matches: s.server_matches,
            detail,
        }
    }
}

/// Rows of cells as aligned columns, the header in bold.
fn columns(out: &Output, rows: &[Vec<String>]) -> Vec<String> {
    let n = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..n)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    rows.iter()
        .enumerate()
        .map(|(ri, row)| {
            let cells: Vec<String> = row
                .iter()
                .zip(&widths)
                .map(|(cell, w)| format!("{cell:<w$}"))
                .collect();
            let line = cells.join("  ").trim_end().to_string();
            if ri == 0 { out.bold(&line) } else { line }
        })
        .collect()
}

/// The apps table (`apps list`, `status`).
pub fn app_table(out: &Output, apps: &[AppView]) -> String {
    let mut rows = vec![vec![
        "NAME".to_string(),
        "KIND".into(),
        "TOKEN".into(),
        "SERVER".into(),
        "FILE".into(),
    ]];
    for a in apps {
        let token = match (a.token, a.own_token) {
            ("matches", true) => "matches (own)".to_string(),
            ("matches", false) => "matches (account's)".to_string(),
            (word, _) => word.to_string(),
        };
        let server = match (&a.server, a.server_matches) {
            (Some(s), Some(false)) => format!("{} (not the selected one)", safe(s)),
            (Some(s), _) => safe(s).into_owned(),
            (None, _) => "-".into(),
        };
        rows.push(vec![
            safe(&a.name).into_owned(),
            a.kind.to_string(),
            token,
            server,
            safe(&a.path.display().to_string()).into_owned(),
        ]);
    }
    let mut lines = columns(out, &rows);
    for a in apps {
        if let Some(detail) = &a.detail {
            lines.push(format!("{}: {}", safe(&a.name), safe(detail)));
        }
    }
    lines.join("\n")
}

/// What `apps add` found in an app's file.
pub fn app_found(view: &crate::apps::View, holds_account: bool) -> Vec<String> {
    use crate::apps::Held;
    let mut lines = Vec::new();
    for slot in &view.slots {
        let what = match &slot.held {
            Held::Token(_) if holds_account => "the account's token (plex-auth's)".to_string(),
            Held::Token(t) => format!("a token ({})", t.masked()),
            Held::Empty => "no token".to_string(),
            Held::Elsewhere(from) => {
                format!("no token itself: it reads {from}, which plex-auth leaves as it is")
            }
        };
        lines.push(format!("  {}: {what}", slot.at));
    }
    match (&view.server_id, &view.server_url) {
        (Some(id), _) => lines.push(format!("  server: {}", safe(id))),
        (None, Some(url)) => lines.push(format!("  server: {}", safe(url))),
        (None, None) => lines.push("  server: not set".into()),
    }
    lines
}

/// One app's outcome after a login, `select` or `apps sync`.
#[derive(Debug, Serialize)]
pub struct AppReportView {
    pub name: String,
    pub kind: crate::apps::Kind,
    pub path: std::path::PathBuf,
    /// updated, unchanged, elsewhere or failed.
    pub outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<crate::ops::apps::Given>,
    pub changed_keys: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl From<&crate::ops::apps::Report> for AppReportView {
    fn from(r: &crate::ops::apps::Report) -> Self {
        use crate::ops::apps::Outcome;
        let mut view = AppReportView {
            name: r.name.clone(),
            kind: r.kind,
            path: r.path.clone(),
            outcome: "unchanged",
            token: None,
            changed_keys: Vec::new(),
            error: None,
            hint: None,
            note: r.note.clone(),
        };
        match &r.outcome {
            Outcome::Done {
                changed_keys,
                given,
            } => {
                view.outcome = if changed_keys.is_empty() {
                    "unchanged"
                } else {
                    "updated"
                };
                view.token = *given;
                view.changed_keys = changed_keys.clone();
            }
            Outcome::Elsewhere(places) => {
                view.outcome = "elsewhere";
                view.note = Some(places.join(", "));
            }
            Outcome::Failed(e) => {
                view.outcome = "failed";
                view.error = Some(e.message.clone());
                view.hint = e.hint.clone();
            }
        }
        view
    }
}

/// The per-app summary people read.
pub fn app_report_lines(reports: &[crate::ops::apps::Report]) -> Vec<String> {
    use crate::ops::apps::{Given, Outcome};
    let mut lines = vec!["Apps:".to_string()];
    for r in reports {
        let name = safe(&r.name);
        let path = r.path.display();
        let line = match &r.outcome {
            Outcome::Done {
                changed_keys,
                given,
            } => {
                let token = match given {
                    Some(Given::Kept) => "kept its own token, which still works; ",
                    Some(Given::Own) => "a new token of its own; ",
                    Some(Given::Account) => "the account's token; ",
                    None => "",
                };
                if changed_keys.is_empty() {
                    format!("  {name}: {token}{path} already held it")
                } else {
                    format!(
                        "  {name}: {token}updated {path} ({})",
                        changed_keys.join(", ")
                    )
                }
            }
            Outcome::Elsewhere(places) => format!(
                "  {name}: reads its token from elsewhere ({}); left as it is",
                places.join(", ")
            ),
            Outcome::Failed(e) => match &e.hint {
                Some(hint) => format!("  {name}: NOT updated; to fix: {hint}"),
                None => format!("  {name}: NOT updated (see below)"),
            },
        };
        lines.push(line);
        if let Some(note) = &r.note {
            lines.push(format!("    note: {note}"));
        }
    }
    lines
}
