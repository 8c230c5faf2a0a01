//! The server picker on a terminal: the probed server table, then a number typed at a
//! prompt. Used after a PIN login with no server chosen yet, and by `select` without an
//! argument. Only ever offered when stdin and stderr are terminals (`Context::can_prompt`).

use std::io::BufRead;

use crate::context::Context;
use crate::error::{Error, ErrorKind, Result};
use crate::plex::probe::ServerReport;
use crate::render::{server_table, server_views};

/// Print the table of `reports`, numbered as `servers` numbers them.
pub fn show(ctx: &Context, reports: &[ServerReport], selected: Option<&str>) {
    ctx.out.prompt_text(&format!(
        "\n{}",
        server_table(&ctx.out, &server_views(reports, selected))
    ));
}

/// Ask for a number from 1 to `count` until one is typed: `Some(index)` from 0, or `None`
/// for an empty answer, Ctrl-D or a terminal that went away. `empty` says what Enter does
/// ("skip", "cancel").
pub fn ask(ctx: &Context, count: usize, empty: &str) -> Result<Option<usize>> {
    loop {
        ctx.out.prompt(&format!(
            "Choose the server to use [1-{count}], or press Enter to {empty}: "
        ));
        let line = read_answer()?;
        let answer = line.as_deref().map(str::trim).unwrap_or_default();
        if answer.is_empty() {
            if line.is_none() {
                // Ctrl-D: the cursor is still after the question.
                ctx.out.prompt_text("");
            }
            return Ok(None);
        }
        match answer.parse::<usize>() {
            Ok(n) if (1..=count).contains(&n) => return Ok(Some(n - 1)),
            _ => ctx.out.warn(format!("enter a number from 1 to {count}")),
        }
    }
}

/// One typed line, or `None` at end of input (Ctrl-D) or when the terminal is gone. Ctrl-C
/// ends the process from the signal handler (exit 130); a read that comes back interrupted
/// all the same is reported as the interruption it is, never taken as an empty answer.
fn read_answer() -> Result<Option<String>> {
    let mut line = String::new();
    match std::io::stdin().lock().read_line(&mut line) {
        Ok(0) => Ok(None),
        Ok(_) => Ok(Some(line)),
        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => Err(Error::new(
            ErrorKind::Interrupted,
            crate::signals::NOTHING_HALF_WRITTEN,
        )),
        // A terminal that went away (an SSH session dropped) is the same as Ctrl-D.
        Err(_) => Ok(None),
    }
}
