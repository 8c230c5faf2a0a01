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
