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
    let text: Vec<String> = std::iter::once(HEADER.to_owned())
        .chain(kept.iter().map(|(line, value)| match value {
            Some(v) => human(v),
            None => format!("(unreadable line) {}", safe(line)),
        }))
        .collect();
    ctx.out.result(text.join("\n"));
    Ok(())
}

/// The column names above [`human`]'s rows; the last column holds whichever of the
/// account, server, error code and detail an event has.
const HEADER: &str =
    "TIME                  EVENT                   RESULT    ACCOUNT, SERVER, ERROR, DETAIL";

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

/// When `--since` starts, read as a person writes it. Times are UTC, as the log shows them:
/// - a duration (`2h`, `7days`, `30m`, `2h ago`): that long ago;
/// - `now`, `today` (since 00:00 today), `yesterday` (since 00:00 yesterday);
/// - a date (`2026-12-01`: since its first second), a date and time (`2026-12-01 08:00`,
///   `2026-12-01T08:00:00Z`), or a time of today (`08:00`, `08:00:30`).
fn parse_since(text: &str) -> Result<SystemTime> {
    since_at(text, SystemTime::now()).ok_or_else(|| {
        Error::new(
            ErrorKind::Usage,
            format!("--since {:?} is neither a duration nor a time", text.trim()),
        )
        .with_hint(
            "use a duration (2h, 7days), today or yesterday, a date (2026-01-31), \
             or a UTC time (2026-01-31 08:00, 08:00)",
        )
    })
}

const DAY: Duration = Duration::from_secs(86_400);

fn since_at(text: &str, now: SystemTime) -> Option<SystemTime> {
    let text = text.trim();
    let ago = |d: Duration| Some(now.checked_sub(d).unwrap_or(UNIX_EPOCH));
    let midnight = || {
        let secs = now.duration_since(UNIX_EPOCH).ok()?.as_secs();
        Some(UNIX_EPOCH + Duration::from_secs(secs - secs % DAY.as_secs()))
    };
    match text.to_ascii_lowercase().as_str() {
        "now" => return Some(now),
        "today" => return midnight(),
        "yesterday" => return midnight()?.checked_sub(DAY),
        _ => {}
    }
    let duration = text.strip_suffix("ago").map_or(text, str::trim_end);
    if let Ok(d) = humantime::parse_duration(duration) {
        return ago(d);
    }
    let today = || {
        let secs = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        crate::time::timestamp(secs)[..10].to_owned()
    };
    let full = match text.len() {
        // 2026-12-01
        10 if text.as_bytes()[4] == b'-' => format!("{text}T00:00:00Z"),
        // 08:00 and 08:00:30, today
        5 | 8 if text.as_bytes()[2] == b':' => format!("{}T{text}{}", today(), seconds(text)),
        // 2026-12-01 08:00 and 2026-12-01T08:00
        16 => format!("{text}:00Z"),
        _ => text.to_owned(),
    };
    humantime::parse_rfc3339_weak(&full).ok()
}

/// The `:00` that `HH:MM` lacks.
fn seconds(time: &str) -> &'static str {
    if time.len() == 5 { ":00" } else { "" }
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
        assert_eq!(parse_since("last week").unwrap_err().kind, ErrorKind::Usage);
        assert_eq!(
            parse_since("2026-13-01").unwrap_err().kind,
            ErrorKind::Usage
        );
    }

    #[test]
    fn since_takes_dates_words_and_times_of_today() {
        let at = |t: &str| humantime::parse_rfc3339(t).unwrap();
        let now = at("2026-12-02T15:30:00Z");
        let since = |text: &str| since_at(text, now);
        assert_eq!(since("2026-12-01"), Some(at("2026-12-01T00:00:00Z")));
        assert_eq!(since("2026-12-01 08:00"), Some(at("2026-12-01T08:00:00Z")));
        assert_eq!(since("2026-12-01T08:00"), Some(at("2026-12-01T08:00:00Z")));
        assert_eq!(since("today"), Some(at("2026-12-02T00:00:00Z")));
        assert_eq!(since("Yesterday"), Some(at("2026-12-01T00:00:00Z")));
        assert_eq!(since("now"), Some(now));
        assert_eq!(since("2h"), Some(at("2026-12-02T13:30:00Z")));
        assert_eq!(since("2h ago"), Some(at("2026-12-02T13:30:00Z")));
        assert_eq!(since("3 days ago"), Some(at("2026-11-29T15:30:00Z")));
        assert_eq!(since("25:00"), None);
        assert_eq!(since(""), None);
    }
}
