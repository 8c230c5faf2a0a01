//! `plex-auth log`: the authentication event log (see `events`), oldest first. `--json`
//! prints the lines as stored; `--since` and `-n` narrow it down.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;

use crate::cli::LogArgs;
use crate::context::Context;
use crate::error::{Error, ErrorKind, Result};
use crate::events;
use crate::output::safe;

pub fn run(ctx: &Context, args: &LogArgs) -> Result<()> {
    let since = args.since.as_deref().map(parse_since).transpose()?;
    let Some(dir) = &ctx.state_dir else {
        return Err(
            Error::config("cannot find a home folder for plex-auth's state")
                .with_hint("pass --state-dir DIR or set PLEX_AUTH_STATE_DIR"),
        );
    };
    let lines = events::read_lines(dir).map_err(|e| {
        Error::config(format!(
            "cannot read the event log in {}: {e}",
            dir.display()
        ))
    })?;
    let mut kept: Vec<(String, Option<Value>)> = lines
        .into_iter()
        .map(|line| {
            let value = serde_json::from_str::<Value>(&line).ok();
            (line, value)
        })
        .filter(|(_, value)| match (since, value) {
            (None, _) => true,
            (Some(since), Some(v)) => event_time(v).is_some_and(|t| t >= since),
            (Some(_), None) => false,
        })
        .collect();
    if let Some(n) = args.lines {
        kept.drain(..kept.len().saturating_sub(n));
    }
    if ctx.out.json {
        // As stored: each line is already one JSON document.
        let text: String = kept.iter().map(|(line, _)| format!("{line}\n")).collect();
        crate::output::write_stdout(text.as_bytes());
        return Ok(());
    }
    if kept.is_empty() {
        ctx.out.info(format!(
            "No events{} in {}.",
            if since.is_some() { " in that time" } else { "" },
            dir.join(events::FILE_NAME).display()
        ));
        return Ok(());
    }
    let text: Vec<String> = kept
        .iter()
        .map(|(line, value)| match value {
            Some(v) => human(v),
            None => format!("(unreadable line) {}", safe(line)),
        })
        .collect();
    ctx.out.result(text.join("\n"));
    Ok(())
}

/// `2026-01-31T08:00:00Z  validated_ok  exit 0  alice  Tower  detail`
fn human(v: &Value) -> String {
    let field = |name: &str| v.get(name).and_then(Value::as_str).unwrap_or("");
    let mut parts = vec![field("time").to_owned(), format!("{:<22}", field("event"))];
    match v.get("exit_code").and_then(Value::as_u64) {
        Some(code) => parts.push(format!("exit {code:<3}")),
        None => parts.push(format!("{:<8}", field("outcome"))),
    }
    for name in ["account", "server", "error", "detail"] {
        let value = field(name);
        if !value.is_empty() {
            parts.push(safe(value).into_owned());
        }
    }
    parts.join("  ").trim_end().to_owned()
}

fn event_time(v: &Value) -> Option<SystemTime> {
    humantime::parse_rfc3339(v.get("time")?.as_str()?).ok()
}

/// `2h`, `7days`, `30m`: that long ago. `2026-01-31T08:00:00Z` or `2026-01-31 08:00:00`
/// (UTC): that moment.
fn parse_since(text: &str) -> Result<SystemTime> {
    let text = text.trim();
    if let Ok(ago) = humantime::parse_duration(text) {
        return Ok(SystemTime::now()
            .checked_sub(ago)
            .unwrap_or(UNIX_EPOCH + Duration::ZERO));
    }
    if let Ok(at) = humantime::parse_rfc3339_weak(text) {
        return Ok(at);
    }
    Err(Error::new(
        ErrorKind::Usage,
        format!("--since {text:?} is neither a duration nor a time"),
    )
    .with_hint("use a duration such as 2h or 7days, or a UTC time such as 2026-01-31T08:00:00Z"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_takes_durations_and_times() {
        let an_hour_ago = parse_since("1h").unwrap();
        let elapsed = SystemTime::now().duration_since(an_hour_ago).unwrap();
        assert!((3599..3700).contains(&elapsed.as_secs()));
        assert_eq!(
            parse_since("2026-01-31T08:00:00Z").unwrap(),
            humantime::parse_rfc3339("2026-01-31T08:00:00Z").unwrap()
        );
        assert!(parse_since("2026-01-31 08:00:00").is_ok());
        assert_eq!(parse_since("yesterday").unwrap_err().kind, ErrorKind::Usage);
    }
}
