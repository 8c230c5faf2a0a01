//! Reading a secret typed (or pasted) at the terminal without showing it: echo is turned
//! off on stdin for the one line, and turned back on however the read ends, Ctrl-C and
//! SIGTERM included (the signal handler restores the saved settings before it exits).

use std::io::{self, BufRead, Read, Write};

use rustix::termios::{self, LocalModes, OptionalActions, Termios};
use zeroize::Zeroizing;

/// At most this many bytes are read; a longer line is not a Plex token.
const MAX_LINE: u64 = 4097;

/// Ask `question` on stderr and read one line from the terminal on stdin with echo off.
/// `None` at end of input (Ctrl-D on an empty line).
pub fn read_hidden_line(question: &str) -> io::Result<Option<Zeroizing<String>>> {
    // Echo goes off before the question shows: turning it off discards what was typed
    // before (TCSAFLUSH), so a token pasted as soon as the question appears is kept.
    let echo = EchoOff::new()?;
    let mut stderr = io::stderr().lock();
    write!(stderr, "{question}")?;
    stderr.flush()?;
    let mut line = Zeroizing::new(String::new());
    let read = io::stdin().lock().take(MAX_LINE).read_line(&mut line);
    drop(echo);
    // The Enter that ended the line was not shown either.
    let _ = writeln!(stderr);
    match read? {
        0 => Ok(None),
        _ => Ok(Some(line)),
    }
}

/// Echo off on stdin while it lives; the settings before it are put back on drop, and by
/// the signal handler if the process is interrupted meanwhile.
struct EchoOff {
    saved: Termios,
}

impl EchoOff {
    fn new() -> io::Result<EchoOff> {
        let stdin = io::stdin();
        let saved = termios::tcgetattr(&stdin)?;
        let mut quiet = saved.clone();
        quiet.local_modes &= !(LocalModes::ECHO | LocalModes::ECHONL);
        crate::signals::restore_terminal_on_exit(saved.clone());
        if let Err(e) = termios::tcsetattr(&stdin, OptionalActions::Flush, &quiet) {
            crate::signals::forget_terminal();
            return Err(e.into());
        }
        Ok(EchoOff { saved })
    }
}

impl Drop for EchoOff {
    fn drop(&mut self) {
        let _ = termios::tcsetattr(io::stdin(), OptionalActions::Flush, &self.saved);
        crate::signals::forget_terminal();
    }
}
