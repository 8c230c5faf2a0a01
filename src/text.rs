//! Text from outside (a server's name, an account's email, a URL from plex.tv) made safe to
//! print: a leaf module every layer may use.

/// A string from outside (a server's name, an account's email, a URL from plex.tv) made safe
/// to print on a terminal: every control character, newlines included, is shown escaped
/// (`\u{1b}`), so a name cannot move the cursor, retitle the window or forge a line.
pub fn safe(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// C0 and C1 controls, DEL, and the characters that reorder text on screen (bidi overrides).
fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Like [`safe`], but keeps line breaks and tabs: for messages plex-auth composed itself that
/// may quote something from outside (errors, warnings, progress).
pub fn safe_lines(text: &str) -> String {
    text.split('\n')
        .map(|line| {
            line.split('\t')
                .map(|part| safe(part).into_owned())
                .collect::<Vec<_>>()
                .join("\t")
        })
        .collect::<Vec<_>>()
        .join("\n")
}
