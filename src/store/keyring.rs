//! The OS keyring (Secret Service on Linux), always behind a timeout.
//!
//! A D-Bus socket that accepts a connection and never answers makes the keyring libraries
//! wait forever, and a desktop keyring may sit on an unlock prompt nobody sees. So every
//! call, store creation included, runs on its own thread and is waited for at most
//! `timeout`; a thread that does not answer is abandoned (not joined), and a process exits
//! normally with such a thread still blocked.

use std::sync::{Arc, OnceLock, mpsc};
use std::time::Duration;

use keyring_core::{CredentialStore, Entry, Error as KeyringError};

/// The keyring entry's service name; the user is the install's client identifier, so two
/// installs (or config dirs) sharing one keyring never overwrite each other.
pub const SERVICE: &str = "plex-auth";
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(3);
/// A user name no install has (client identifiers are UUIDs), read by `probe`.
const PROBE_USER: &str = "probe";

/// Why the keyring cannot be used, in a few plain words for a notice or an error message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct Unavailable {
    pub reason: String,
}

impl Unavailable {
    fn new(reason: impl Into<String>) -> Self {
        Unavailable {
            reason: reason.into(),
        }
    }
}

/// What the keyring is called on this platform, for `status`.
pub fn platform_name() -> &'static str {
    if cfg!(target_os = "macos") {
        "macOS Keychain"
    } else if cfg!(target_os = "windows") {
        "Windows Credential Manager"
    } else {
        "Secret Service"
    }
}

pub struct Keyring {
    timeout: Duration,
    source: Source,
    /// Set once a call timed out: the stuck thread may still hold the store (or its
    /// creation), so later calls in this run would only wait out the timeout again.
    stalled: OnceLock<Unavailable>,
}

#[derive(Clone)]
enum Source {
    Platform,
    #[cfg(test)]
    Fixed(Arc<CredentialStore>),
}

impl Source {
    fn store(&self) -> Result<Arc<CredentialStore>, Unavailable> {
        match self {
            Source::Platform => platform_store(),
            #[cfg(test)]
            Source::Fixed(store) => Ok(store.clone()),
        }
    }
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyring")
            .field("timeout", &self.timeout)
            .field("stalled", &self.stalled.get())
            .finish()
    }
}

impl Default for Keyring {
    fn default() -> Self {
        Keyring::new()
    }
}

impl Keyring {
    pub fn new() -> Self {
        Keyring::with_timeout(DEFAULT_TIMEOUT)
    }

    pub fn with_timeout(timeout: Duration) -> Self {
        Keyring {
            timeout,
            source: Source::Platform,
            stalled: OnceLock::new(),
        }
    }

    /// A keyring backed by the given store instead of the platform's (tests use the
    /// in-memory mock store).
    #[cfg(test)]
    pub(crate) fn with_store(store: Arc<CredentialStore>, timeout: Duration) -> Self {
        Keyring {
            timeout,
            source: Source::Fixed(store),
            stalled: OnceLock::new(),
        }
    }

    /// Ok when the store starts and answers a read (an absent entry is an answer).
    pub fn probe(&self) -> Result<(), Unavailable> {
        self.call(PROBE_USER, |entry| match entry.get_password() {
            Ok(_) | Err(KeyringError::NoEntry) => Ok(()),
            Err(e) => Err(e),
        })
    }

    pub fn get(&self, user: &str) -> Result<Option<String>, Unavailable> {
        self.call(user, |entry| match entry.get_password() {
            Ok(p) => Ok(Some(p)),
            Err(KeyringError::NoEntry) => Ok(None),
            Err(e) => Err(e),
        })
    }

    pub fn set(&self, user: &str, blob: &str) -> Result<(), Unavailable> {
        let blob = blob.to_owned();
        self.call(user, move |entry| entry.set_password(&blob))
    }

    /// Removes the entry; one that is already gone is fine.
    pub fn delete(&self, user: &str) -> Result<(), Unavailable> {
        self.call(user, |entry| match entry.delete_credential() {
            Ok(()) | Err(KeyringError::NoEntry) => Ok(()),
            Err(e) => Err(e),
        })
    }

    fn call<T: Send + 'static>(
        &self,
        user: &str,
        op: impl FnOnce(&Entry) -> Result<T, KeyringError> + Send + 'static,
    ) -> Result<T, Unavailable> {
        if let Some(stalled) = self.stalled.get() {
            return Err(stalled.clone());
        }
        let source = self.source.clone();
        let user = user.to_owned();
        let outcome = run_with_timeout(self.timeout, move || {
            let store = source.store()?;
            let entry = Entry::new_in_store(&store, SERVICE, &user).map_err(|e| describe(&e))?;
            op(&entry).map_err(|e| describe(&e))
        });
        match outcome {
            Ok(result) => result,
            Err(Waited::TimedOut) => {
                let reason = Unavailable::new(format!(
                    "the keyring did not answer within {}",
                    human_duration(self.timeout)
                ));
                Err(self.stalled.get_or_init(|| reason).clone())
            }
            Err(Waited::Failed(why)) => Err(Unavailable::new(why)),
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Waited {
    TimedOut,
    Failed(String),
}

/// Runs `f` on a new thread and waits at most `timeout` for its result. On timeout the
/// thread is left running, detached: its result, if it ever comes, is dropped.
fn run_with_timeout<T: Send + 'static>(
    timeout: Duration,
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Waited> {
    // Capacity 1, so a late answer is sent without blocking and the thread can end.
    let (tx, rx) = mpsc::sync_channel(1);
    std::thread::Builder::new()
        .name("plex-auth-keyring".to_owned())
        .spawn(move || {
            let _ = tx.send(f());
        })
        .map_err(|e| Waited::Failed(format!("cannot start a thread for the keyring: {e}")))?;
    match rx.recv_timeout(timeout) {
        Ok(value) => Ok(value),
        Err(mpsc::RecvTimeoutError::Timeout) => Err(Waited::TimedOut),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(Waited::Failed(
            "the keyring library failed unexpectedly".to_owned(),
        )),
    }
}

fn human_duration(d: Duration) -> String {
    if d.subsec_millis() == 0 && d.as_secs() > 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{} ms", d.as_millis())
    }
}

static PLATFORM_STORE: OnceLock<Result<Arc<CredentialStore>, Unavailable>> = OnceLock::new();

/// The platform's store, created at most once per process and made keyring-core's default.
/// Runs on a timed worker thread: on a silent bus it is this creation that hangs.
fn platform_store() -> Result<Arc<CredentialStore>, Unavailable> {
    PLATFORM_STORE
        .get_or_init(|| {
            let store = new_platform_store().map_err(|e| describe(&e))?;
            keyring_core::set_default_store(store.clone());
            Ok(store)
        })
        .clone()
}

#[cfg(target_os = "linux")]
fn new_platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(zbus_secret_service_keyring_store::Store::new()?)
}

#[cfg(target_os = "macos")]
fn new_platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(apple_native_keyring_store::keychain::Store::new()?)
}

#[cfg(target_os = "windows")]
fn new_platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(windows_native_keyring_store::Store::new()?)
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn new_platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Err(KeyringError::NotSupportedByStore(
        "plex-auth has no keyring support on this platform".to_owned(),
    ))
}

/// Turns a keyring error into a reason a person can act on. The libraries' texts are
/// kept in parentheses: they name the socket or the D-Bus error that the admin needs.
fn describe(err: &KeyringError) -> Unavailable {
    let reason = match err {
        KeyringError::PlatformFailure(inner) => {
            let text = inner.to_string();
            let detail = text.strip_prefix("zbus error: ").unwrap_or(&text);
            if text.contains("org.freedesktop.secrets") || text.contains("ServiceUnknown") {
                format!(
                    "no Secret Service (such as gnome-keyring) on the D-Bus session bus ({detail})"
                )
            } else if text.contains("Failed to connect to address")
                || text.contains("dbus session found")
                || text.contains("DBUS_SESSION_BUS_ADDRESS")
            {
                format!("no D-Bus session bus ({detail})")
            } else {
                format!("the keyring failed ({detail})")
            }
        }
        KeyringError::NoStorageAccess(inner) => {
            let text = inner.to_string();
            if text.contains("result not returned") {
                format!(
                    "the keyring has no default collection and cannot prompt to create one ({text})"
                )
            } else if text.contains("prompt") || text.contains("locked") {
                format!("the keyring is locked and cannot prompt ({text})")
            } else {
                format!("the keyring refused access ({text})")
            }
        }
        KeyringError::NoDefaultStore => "no keyring is set up for this process".to_owned(),
        KeyringError::BadEncoding(_) | KeyringError::BadDataFormat(..) => {
            "the keyring entry holds data that is not text".to_owned()
        }
        KeyringError::Ambiguous(entries) => format!(
            "the keyring holds {} matching entries for one plex-auth install",
            entries.len()
        ),
        other => format!("the keyring failed ({other})"),
    };
    Unavailable::new(reason)
}

#[cfg(test)]
mod tests {
    use super::*;
    use keyring_core::mock;
    use std::time::Instant;

    const USER: &str = "3f8a1c2e-5b7d-4e9f-a1b2-c3d4e5f60718";

    fn mock_keyring() -> (Arc<mock::Store>, Keyring) {
        let store = mock::Store::new().unwrap();
        let kr = Keyring::with_store(store.clone(), Duration::from_secs(2));
        (store, kr)
    }

    /// Makes the next call on the mock entry for `user` fail with `err`.
    fn inject(store: &Arc<mock::Store>, user: &str, err: KeyringError) {
        let store: Arc<CredentialStore> = store.clone();
        let entry = Entry::new_in_store(&store, SERVICE, user).unwrap();
        let cred: &mock::Cred = entry.as_any().downcast_ref().unwrap();
        cred.set_error(err);
    }

    #[test]
    fn get_set_delete_on_an_answering_store() {
        let (_store, kr) = mock_keyring();
        kr.probe().unwrap();
        assert_eq!(kr.get(USER).unwrap(), None);
        kr.set(USER, "AQID").unwrap();
        assert_eq!(kr.get(USER).unwrap().as_deref(), Some("AQID"));
        assert_eq!(kr.get("another-install").unwrap(), None);
        kr.delete(USER).unwrap();
        assert_eq!(kr.get(USER).unwrap(), None);
        // Deleting what is not there is not an error.
        kr.delete(USER).unwrap();
    }

    #[test]
    fn platform_errors_become_plain_reasons() {
        let (store, kr) = mock_keyring();
        inject(
            &store,
            PROBE_USER,
            KeyringError::PlatformFailure(Box::new(std::io::Error::other(
                "zbus error: Failed to connect to address 'unix:path=/nope': No such file",
            ))),
        );
        let reason = kr.probe().unwrap_err().reason;
        assert!(reason.starts_with("no D-Bus session bus ("), "{reason}");
        assert!(reason.contains("/nope"), "{reason}");

        inject(
            &store,
            USER,
            KeyringError::NoStorageAccess(Box::new(std::io::Error::other(
                "SS error: prompt dismissed",
            ))),
        );
        let reason = kr.set(USER, "x").unwrap_err().reason;
        assert!(
            reason.starts_with("the keyring is locked and cannot prompt"),
            "{reason}"
        );
        // Errors are one-shot in the mock: the entry was not written.
        assert_eq!(kr.get(USER).unwrap(), None);

        inject(
            &store,
            USER,
            KeyringError::PlatformFailure(Box::new(std::io::Error::other(
                "zbus error: org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets was not provided",
            ))),
        );
        let reason = kr.get(USER).unwrap_err().reason;
        assert!(reason.starts_with("no Secret Service"), "{reason}");

        inject(&store, USER, KeyringError::NoDefaultStore);
        assert!(kr.delete(USER).unwrap_err().reason.contains("no keyring"));
    }

    #[test]
    fn timeout_helper_returns_fast_and_abandons_the_thread() {
        let start = Instant::now();
        let r = run_with_timeout(Duration::from_millis(50), || {
            std::thread::sleep(Duration::from_secs(30));
            1
        });
        assert_eq!(r, Err(Waited::TimedOut));
        assert!(start.elapsed() < Duration::from_secs(5));
        assert_eq!(run_with_timeout(Duration::from_secs(5), || 7), Ok(7));
        let panicked = run_with_timeout(Duration::from_secs(5), || -> u8 { panic!("boom") });
        assert!(matches!(panicked, Err(Waited::Failed(_))));
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(human_duration(DEFAULT_TIMEOUT), "3 s");
        assert_eq!(human_duration(Duration::from_millis(250)), "250 ms");
    }

    #[cfg(target_os = "linux")]
    mod bus {
        use super::*;

        // The platform store is created once per process, so tests that need it with a given
        // D-Bus address run in a child copy of this test binary with its own environment.
        const CHILD_ENV: &str = "PLEX_AUTH_KEYRING_TEST_CHILD";

        fn run_child(test: &str, bus: &str) -> String {
            let name = format!(
                "{}::{test}",
                module_path!().split_once("::").map_or("", |(_, rest)| rest)
            );
            let mut child = std::process::Command::new(std::env::current_exe().unwrap())
                .args([&name, "--exact", "--ignored", "--nocapture"])
                .env(CHILD_ENV, "1")
                .env("DBUS_SESSION_BUS_ADDRESS", bus)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            let deadline = Instant::now() + Duration::from_secs(30);
            loop {
                if child.try_wait().unwrap().is_some() {
                    break;
                }
                if Instant::now() > deadline {
                    let _ = child.kill();
                    panic!(
                        "the child test {name} did not exit: a stuck keyring thread kept it alive"
                    );
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let out = child.wait_with_output().unwrap();
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(out.status.success(), "child {name} failed:\n{text}");
            assert!(
                text.contains("1 passed"),
                "child {name} ran no test:\n{text}"
            );
            text
        }

        #[test]
        fn no_session_bus_is_unavailable_at_once() {
            run_child("child_no_bus", "unix:path=/nonexistent/plex-auth-test-bus");
        }

        #[test]
        fn silent_bus_times_out_and_the_process_still_exits() {
            let tmp = tempfile::tempdir().unwrap();
            let sock = tmp.path().join("bus");
            // Connections queue in the backlog and are never answered: the D-Bus handshake
            // waits forever, as with a wedged session bus.
            let _listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
            run_child("child_silent_bus", &format!("unix:path={}", sock.display()));
        }

        /// Helper for `no_session_bus_is_unavailable_at_once`; does nothing unless run as its child.
        #[test]
        #[ignore = "run by no_session_bus_is_unavailable_at_once in a child process"]
        fn child_no_bus() {
            if std::env::var_os(CHILD_ENV).is_none() {
                return;
            }
            let kr = Keyring::new();
            let start = Instant::now();
            let reason = kr.probe().unwrap_err().reason;
            assert!(reason.starts_with("no D-Bus session bus"), "{reason}");
            assert!(reason.contains("plex-auth-test-bus"), "{reason}");
            assert!(start.elapsed() < Duration::from_secs(2));
            // Store creation failed once; later calls give the same reason without retrying.
            assert_eq!(kr.set(USER, "x").unwrap_err().reason, reason);
        }

        /// Helper for `silent_bus_times_out_and_the_process_still_exits`.
        #[test]
        #[ignore = "run by silent_bus_times_out_and_the_process_still_exits in a child process"]
        fn child_silent_bus() {
            if std::env::var_os(CHILD_ENV).is_none() {
                return;
            }
            let kr = Keyring::with_timeout(Duration::from_millis(300));
            let start = Instant::now();
            let err = kr.probe().unwrap_err();
            assert_eq!(err.reason, "the keyring did not answer within 300 ms");
            assert!(start.elapsed() < Duration::from_secs(3));
            // Later calls give the same answer without waiting again: checked on the state the
            // keyring keeps, not on a stopwatch a loaded machine would upset.
            assert_eq!(kr.stalled.get(), Some(&err));
            assert_eq!(kr.get(USER).unwrap_err(), err);
        }
    }

    /// Needs a running, unlocked Secret Service: `.ci/run` starts one with
    /// `dbus-run-session` and gnome-keyring, and runs this test by name.
    #[test]
    #[ignore = "needs a real Secret Service (run by .ci/run under dbus-run-session)"]
    fn real_secret_service_round_trip() {
        let kr = Keyring::new();
        kr.probe().unwrap();
        let user = format!("test-{}", std::process::id());
        kr.set(&user, "AQIDBA==").unwrap();
        assert_eq!(kr.get(&user).unwrap().as_deref(), Some("AQIDBA=="));
        kr.set(&user, "BQYHCA==").unwrap();
        assert_eq!(kr.get(&user).unwrap().as_deref(), Some("BQYHCA=="));
        kr.delete(&user).unwrap();
        assert_eq!(kr.get(&user).unwrap(), None);
        kr.delete(&user).unwrap();
    }
}
