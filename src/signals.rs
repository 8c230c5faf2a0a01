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
static MESSAGE: Leaked<Vec<u8>> = Leaked::none();
/// The terminal settings to put back on the way out, while a prompt has echo off.
static TERMINAL: Leaked<rustix::termios::Termios> = Leaked::none();
/// A spinner has drawn on stderr (a terminal): its line is cleared before the message.
static SPINNER_DRAWN: AtomicBool = AtomicBool::new(false);
/// Whether the message is a JSON error document (stdout) or a line for people (stderr).
static JSON: AtomicBool = AtomicBool::new(false);

pub const EXIT_INTERRUPTED: i32 = 130;

/// A value a signal handler may read at any moment: set by leaking a box, which is never
/// freed, so a reference to it stays valid whatever the handler is interrupting. Only for
/// `Sync` values: the handler may run on any thread.
struct Leaked<T>(AtomicPtr<T>);

impl<T: Sync + 'static> Leaked<T> {
    const fn none() -> Self {
        Leaked(AtomicPtr::new(std::ptr::null_mut()))
    }

    fn set(&self, value: T) {
        self.0
            .store(Box::into_raw(Box::new(value)), Ordering::SeqCst);
    }

    fn clear(&self) {
        self.0.store(std::ptr::null_mut(), Ordering::SeqCst);
    }

    fn get(&self) -> Option<&'static T> {
        // SAFETY: the pointer is null or came from `Box::into_raw` in `set`, and nothing
        // ever frees it, so it points at a live value for the rest of the process.
        unsafe { self.0.load(Ordering::SeqCst).as_ref() }
    }
}

/// Install the handlers for SIGINT and SIGTERM. `json` chooses the message's form.
pub fn install(json: bool) {
    JSON.store(json, Ordering::SeqCst);
    on_interrupt(NOTHING_HALF_WRITTEN, None);
    #[cfg(unix)]
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        // SAFETY: the handler only touches atomics and calls tcsetattr(3) (one ioctl),
        // write(2) and _exit(2), which are async-signal-safe; it allocates nothing and
        // takes no lock.
        let _ = unsafe { signal_hook::low_level::register(signal, on_signal) };
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
    MESSAGE.set(text.into_bytes());
}

/// A spinner is about to draw on stderr: an interruption clears its line first.
pub fn spinner_started() {
    SPINNER_DRAWN.store(true, Ordering::SeqCst);
}

/// While echo is off for a prompt: an interruption puts `saved` back on stdin before the
/// process ends, so the shell is not left without echo.
pub fn restore_terminal_on_exit(saved: rustix::termios::Termios) {
    TERMINAL.set(saved);
}

/// The prompt is over: nothing to put back any more (the settings stay allocated, as a
/// handler may still be reading them).
pub fn forget_terminal() {
    TERMINAL.clear();
}

#[cfg(unix)]
fn on_signal() {
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
    #[cfg(unix)]
    {
        use rustix::stdio::{stderr, stdin, stdout};
        if let Some(saved) = TERMINAL.get() {
            let _ =
                rustix::termios::tcsetattr(stdin(), rustix::termios::OptionalActions::Now, saved);
        }
        if SPINNER_DRAWN.load(Ordering::SeqCst) {
            // Back to the start of the line and erase it: no spinner frame before the message.
            let _ = rustix::io::write(stderr(), b"\r\x1b[2K");
        }
        if let Some(message) = MESSAGE.get() {
            let _ = if message.starts_with(b"{") {
                rustix::io::write(stdout(), message)
            } else {
                rustix::io::write(stderr(), message)
            };
        }
        signal_hook::low_level::exit(EXIT_INTERRUPTED)
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
