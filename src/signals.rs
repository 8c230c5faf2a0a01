//! Ctrl-C and SIGTERM. The README promises exit 130 with nothing half-written, at any
//! moment. Outside a critical section a signal ends the process at once (exit 130), which is
//! safe because no temp file exists then. Inside one (a file being replaced), the signal is
//! noted and the process exits when the section ends, so a write is never cut in half and
//! its temp file never left behind. While the PIN wait runs, its own handler (tokio) stops
//! the wait cleanly instead.

use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicUsize, Ordering};

/// How many critical sections are open (a file replacement inside a transaction).
static CRITICAL: AtomicUsize = AtomicUsize::new(0);
/// A signal arrived inside a critical section.
static PENDING: AtomicBool = AtomicBool::new(false);
/// The PIN wait handles signals itself.
static HANDLED_ELSEWHERE: AtomicBool = AtomicBool::new(false);
/// What to print on the way out, made before any signal can arrive (a handler may only
/// write bytes it already has). Set at start and changed when what an interruption means
/// changes (the account is linked, only the server is left to choose); every message is
/// leaked, so the handler never reads freed memory.
static MESSAGE: AtomicPtr<Vec<u8>> = AtomicPtr::new(std::ptr::null_mut());
/// The terminal settings to put back on the way out, while a prompt has echo off.
static TERMINAL: AtomicPtr<rustix::termios::Termios> = AtomicPtr::new(std::ptr::null_mut());
/// A spinner has drawn on stderr (a terminal): its line is cleared before the message.
static SPINNER_DRAWN: AtomicBool = AtomicBool::new(false);
/// Whether the message is a JSON error document (stdout) or a line for people (stderr).
static JSON: AtomicBool = AtomicBool::new(false);

pub const EXIT_INTERRUPTED: i32 = 130;

/// Install the handlers for SIGINT and SIGTERM. `json` chooses the message's form.
pub fn install(json: bool) {
    JSON.store(json, Ordering::SeqCst);
    on_interrupt(NOTHING_HALF_WRITTEN, None);
    #[cfg(unix)]
    // SAFETY: the handler only touches atomics and calls write(2) and _exit(2), which are
    // async-signal-safe.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_signal as *const () as libc::sighandler_t;
        action.sa_flags = libc::SA_RESTART;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(libc::SIGINT, &action, std::ptr::null_mut());
        libc::sigaction(libc::SIGTERM, &action, std::ptr::null_mut());
    }
}

/// What an interruption at most moments means.
pub const NOTHING_HALF_WRITTEN: &str = "interrupted; nothing was half-written";

/// From now on, an interruption prints this message and hint (a few calls a run at most:
/// each one's bytes stay allocated for the life of the process).
pub fn on_interrupt(message: &str, hint: Option<&str>) {
    let text = if JSON.load(Ordering::SeqCst) {
        let doc = serde_json::json!({
            "error": {"code": "INTERRUPTED", "message": message, "hint": hint}
        });
        format!("{doc}\n")
    } else {
        match hint {
            Some(hint) => format!("error: {message}\n  hint: {hint}\n"),
            None => format!("error: {message}\n"),
        }
    };
    MESSAGE.store(Box::into_raw(Box::new(text.into_bytes())), Ordering::SeqCst);
}

/// A spinner is about to draw on stderr: an interruption clears its line first.
pub fn spinner_started() {
    SPINNER_DRAWN.store(true, Ordering::SeqCst);
}

/// While echo is off for a prompt: an interruption puts `saved` back on stdin before the
/// process ends, so the shell is not left without echo.
pub fn restore_terminal_on_exit(saved: rustix::termios::Termios) {
    TERMINAL.store(Box::into_raw(Box::new(saved)), Ordering::SeqCst);
}

/// The prompt is over: nothing to put back any more (the settings stay allocated, as a
/// handler may still be reading them).
pub fn forget_terminal() {
    TERMINAL.store(std::ptr::null_mut(), Ordering::SeqCst);
}

#[cfg(unix)]
extern "C" fn on_signal(_signal: libc::c_int) {
    if HANDLED_ELSEWHERE.load(Ordering::SeqCst) {
        return;
    }
    if CRITICAL.load(Ordering::SeqCst) > 0 {
        PENDING.store(true, Ordering::SeqCst);
        return;
    }
    leave();
}

/// Print the message and end the process with 130, skipping destructors (nothing is open
/// that needs them: no temp file exists outside a critical section).
fn leave() -> ! {
    let terminal = TERMINAL.load(Ordering::SeqCst);
    if !terminal.is_null() {
        // SAFETY: the pointer came from a leaked Box and is never freed. tcsetattr is one
        // ioctl, which is async-signal-safe.
        let saved = unsafe { &*terminal };
        let _ = rustix::termios::tcsetattr(
            rustix::stdio::stdin(),
            rustix::termios::OptionalActions::Now,
            saved,
        );
    }
    if SPINNER_DRAWN.load(Ordering::SeqCst) {
        // Back to the start of the line and erase it: no spinner frame before the message.
        const CLEAR: &[u8] = b"\r\x1b[2K";
        // SAFETY: write(2) on stderr from a static buffer is async-signal-safe.
        #[cfg(unix)]
        unsafe {
            libc::write(2, CLEAR.as_ptr().cast(), CLEAR.len());
        }
    }
    let message = MESSAGE.load(Ordering::SeqCst);
    if !message.is_null() {
        // SAFETY: the pointer came from a leaked Box and is never freed; write(2) on stdout
        // or stderr is async-signal-safe.
        #[cfg(unix)]
        unsafe {
            let message = &*message;
            let fd = if message.starts_with(b"{") { 1 } else { 2 };
            libc::write(fd, message.as_ptr().cast(), message.len());
        }
    }
    #[cfg(unix)]
    // SAFETY: _exit ends the process at once; it is async-signal-safe.
    unsafe {
        libc::_exit(EXIT_INTERRUPTED)
    }
    #[cfg(not(unix))]
    std::process::exit(EXIT_INTERRUPTED)
}

/// While a `Critical` lives, signals are held back: one that arrives meanwhile ends the
/// process (exit 130) when the last open section closes, never in the middle of one.
pub struct Critical(());

impl Critical {
    pub fn enter() -> Critical {
        CRITICAL.fetch_add(1, Ordering::SeqCst);
        Critical(())
    }
}

impl Drop for Critical {
    fn drop(&mut self) {
        if CRITICAL.fetch_sub(1, Ordering::SeqCst) == 1 && PENDING.load(Ordering::SeqCst) {
            leave();
        }
    }
}

/// While the returned guard lives, signals are left to a handler of the caller's (the PIN
/// wait stops itself and reports exit 130).
pub fn handled_elsewhere() -> impl Drop {
    struct Guard;
    impl Drop for Guard {
        fn drop(&mut self) {
            HANDLED_ELSEWHERE.store(false, Ordering::SeqCst);
        }
    }
    HANDLED_ELSEWHERE.store(true, Ordering::SeqCst);
    Guard
}
/// Resolves at Ctrl-C or SIGTERM, for a wait that stops itself cleanly (the PIN wait, with
/// [`handled_elsewhere`] in force).
pub async fn interrupted() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = match signal(SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
