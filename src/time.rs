//! Wall-clock helpers shared by the stored state and what people read.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch (0 on a clock set before 1970).
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// "3 minutes ago", for status lines.
pub fn ago(then: u64) -> String {
    let secs = now().saturating_sub(then);
    let (n, unit) = match secs {
        0..60 => return "just now".into(),
        60..3600 => (secs / 60, "minute"),
        3600..86400 => (secs / 3600, "hour"),
        _ => (secs / 86400, "day"),
    };
    format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" })
}

/// The last second RFC 3339 can write (9999-12-31T23:59:59Z): the formatter panics past it.
const LAST_WRITABLE: u64 = 253_402_300_799;

/// RFC 3339 in UTC, to the second: what JSON documents carry. A clock set past year 9999
/// gets that year's last second, never a panic.
pub fn timestamp(secs: u64) -> String {
    humantime::format_rfc3339_seconds(at(secs)).to_string()
}

/// `secs` since the epoch as a time the formatter takes.
fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs.min(LAST_WRITABLE))
}

/// [`timestamp`] with microseconds, of now (Bazarr's migration timestamp).
pub fn timestamp_micros_now() -> String {
    let now = SystemTime::now();
    match now.duration_since(UNIX_EPOCH) {
        Ok(d) if d.as_secs() <= LAST_WRITABLE => humantime::format_rfc3339_micros(now).to_string(),
        Ok(d) => humantime::format_rfc3339_micros(at(d.as_secs())).to_string(),
        Err(_) => humantime::format_rfc3339_micros(UNIX_EPOCH).to_string(),
    }
}

/// `M:SS`, for countdowns.
pub fn mmss(d: Duration) -> String {
    let s = d.as_secs();
    format!("{}:{:02}", s / 60, s % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_past_year_9999_are_written_without_a_panic() {
        assert_eq!(timestamp(0), "1970-01-01T00:00:00Z");
        assert_eq!(timestamp(LAST_WRITABLE + 1), "9999-12-31T23:59:59Z");
        assert_eq!(timestamp(u64::MAX), "9999-12-31T23:59:59Z");
    }
}
