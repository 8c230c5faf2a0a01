//! Everything a command needs to know about its surroundings, resolved once from flags,
//! environment and defaults. This is the only module that reads the environment (clap reads
//! the variables that mirror flags).

use std::env;
use std::io::IsTerminal;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use reqwest::Url;

use crate::cli::{ColorArg, GlobalArgs, StoreArg};
use crate::error::{Error, ErrorKind, Result};
use crate::output::Output;
use crate::store::{self, StorePref, Vault};

pub const DEFAULT_PLEX_URL: &str = "https://plex.tv";
pub const DEFAULT_APP_URL: &str = "https://app.plex.tv/auth";

pub struct Context {
    pub config_dir: PathBuf,
    pub key_path: PathBuf,
    /// Where `key_path` came from (shown by `status`).
    pub key_source: KeySource,
    /// The key is the systemd credential in `$CREDENTIALS_DIRECTORY`, which is read-only.
    pub key_is_credential: bool,
    /// The event log's folder; `None` when no home folder can be found (nothing is logged).
    pub state_dir: Option<PathBuf>,
    /// `--bazarr-config` / `PLEX_AUTH_BAZARR_CONFIG`; the remembered path is in config.toml.
    pub bazarr_flag: Option<PathBuf>,
    /// `--bazarr-url` / `PLEX_AUTH_BAZARR_URL`: where Bazarr's API answers, when not where its
    /// config.yaml says.
    pub bazarr_url: Option<Url>,
    /// The Bazarr file and the `--bazarr-url` remembered with it in config.toml.
    remembered_bazarr: Option<(PathBuf, Url)>,
    /// config.toml as read when the command started (the one read a command makes outside
    /// its transactions); `None` when it could not be read.
    config: Option<store::Config>,
    /// `--bazarr-url` typed on the command line (not from `PLEX_AUTH_BAZARR_URL`, which
    /// stays set where it is set): what a command remembers with the Bazarr file.
    pub bazarr_url_typed: bool,
    /// How long `--restart-bazarr` waits for Bazarr to answer again.
    pub bazarr_restart_timeout: std::time::Duration,
    /// `--plex-url` / `PLEX_AUTH_PLEX_URL`, checked where it is used ([`Context::plex_url`]),
    /// so offline commands run whatever it holds.
    plex_url: Setting,
    /// `--app-url` / `PLEX_AUTH_APP_URL`, checked where it is used ([`Context::app_url`]).
    app_url: Setting,
    pub request_timeout: std::time::Duration,
    /// How long a better-ranked server connection is still waited for once another one has
    /// answered (`PLEX_AUTH_PROBE_GRACE`, read by `probe_grace()` below).
    pub probe_grace: std::time::Duration,
    pub out: Output,
    pub env: Environment,
    /// One per process: a keyring that timed out once is not waited for again.
    vault: Vault,
    /// The process's one async runtime (built in `lib::run`): every plex.tv and server
    /// request runs on it, so the one HTTP client is only ever used from one runtime.
    runtime: tokio::runtime::Runtime,
}

/// Where the key file's path came from, in order of precedence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeySource {
    /// `--key-file`.
    Flag,
    /// `PLEX_AUTH_KEY_FILE`.
    Env,
    /// `key_file` in config.toml, recorded when the token was sealed with a key elsewhere.
    Recorded,
    /// `$CREDENTIALS_DIRECTORY/plex-auth.key` (a systemd credential).
    Credential,
    /// `<config dir>/key`.
    Default,
}

impl KeySource {
    pub fn describe(self) -> &'static str {
        match self {
            KeySource::Flag => "--key-file",
            KeySource::Env => "PLEX_AUTH_KEY_FILE",
            KeySource::Recorded => "recorded in config.toml",
            KeySource::Credential => "systemd credential",
            KeySource::Default => "default",
        }
    }
}

/// Facts about the session that decide whether to open a browser or prompt.
#[derive(Debug, Clone, Default)]
pub struct Environment {
    pub ssh: bool,
    pub display: bool,
    pub browser_set: bool,
    pub stdin_tty: bool,
}

impl Environment {
    /// No browser can be shown: an SSH session, or no display on Linux. `BROWSER` overrides
    /// both, since it names something that knows how to open a link here.
    pub fn headless(&self) -> bool {
        if self.browser_set {
            return false;
        }
        self.ssh || (cfg!(target_os = "linux") && !self.display)
    }
}

/// The key file a run uses, where its path came from, and what a seal records of it.
struct KeyChoice {
    path: PathBuf,
    source: KeySource,
    /// The key is the systemd credential in `$CREDENTIALS_DIRECTORY`.
    is_credential: bool,
    /// What a seal records as `key_file`: nothing for the default (found anyway) or for a
    /// credential (its folder changes with every service start).
    record: Option<PathBuf>,
}

impl KeyChoice {
    fn of(
        args: &GlobalArgs,
        from_env: &FromEnv,
        config_dir: &Path,
        remembered: Option<&store::Config>,
    ) -> KeyChoice {
        let creds = env::var_os("CREDENTIALS_DIRECTORY").map(PathBuf::from);
        let key_home = if args.system {
            Path::new(SYSTEM_KEY_DIR)
        } else {
            config_dir
        };
        let default_key = store::key::default_key_path(key_home, creds.as_deref());
        let (path, source) = match &args.key_file {
            Some(path) if from_env.key_file => (absolute(path), KeySource::Env),
            Some(path) => (absolute(path), KeySource::Flag),
            // A systemd credential (LoadCredential=) is the key under its unit, even when a
            // path was recorded at login: the unit says where the key comes from.
            None if creds.as_ref().is_some_and(|c| default_key.starts_with(c)) => {
                (default_key.clone(), KeySource::Credential)
            }
            // The path recorded when the token was sealed.
            None => match remembered.and_then(|cfg| cfg.key_file.clone()) {
                Some(path) => (path, KeySource::Recorded),
                None => (default_key.clone(), KeySource::Default),
            },
        };
        let is_credential = creds.as_ref().is_some_and(|dir| path.starts_with(dir));
        let record = (path != default_key && !is_credential).then(|| path.clone());
        KeyChoice {
            path,
            source,
            is_credential,
            record,
        }
    }
}

/// Where messages go and how they look: --json, --quiet, -v, and colour on a terminal.
fn output(args: &GlobalArgs) -> Output {
    let stderr_tty = std::io::stderr().is_terminal();
    let color = match args.color {
        Some(ColorArg::Always) => true,
        Some(ColorArg::Never) => false,
        None | Some(ColorArg::Auto) => stderr_tty && env::var_os("NO_COLOR").is_none(),
    };
    Output::new(args.json, args.quiet, args.verbose, color, stderr_tty)
}

impl Environment {
    fn detect() -> Environment {
        Environment {
            ssh: env::var_os("SSH_CONNECTION").is_some() || env::var_os("SSH_TTY").is_some(),
            display: env::var_os("DISPLAY").is_some() || env::var_os("WAYLAND_DISPLAY").is_some(),
            browser_set: env::var_os("BROWSER").is_some_and(|b| !b.is_empty()),
            stdin_tty: std::io::stdin().is_terminal(),
        }
    }
}

impl Context {
    pub fn from_args(
        args: &GlobalArgs,
        from_env: FromEnv,
        runtime: tokio::runtime::Runtime,
    ) -> Result<Context> {
        let config_dir = match &args.config_dir {
            Some(dir) => absolute(dir),
            None if args.system => PathBuf::from(SYSTEM_STATE_DIR),
            None => default_config_dir()?,
        };
        // config.toml, read once for the whole command: what it remembers (the key's place,
        // Bazarr's address) is settled here, and commands decide on the same copy. One that
        // cannot be read only means nothing is remembered here; the command reports why.
        let remembered = store::config::load(&config_dir).ok();
        let key = KeyChoice::of(args, &from_env, &config_dir, remembered.as_ref());
        let store_pref = match args.store {
            // A system service has no keyring session to reach.
            None if args.system => StorePref::File,
            None | Some(StoreArg::Auto) => StorePref::Auto,
            Some(StoreArg::Keyring) => StorePref::Keyring,
            Some(StoreArg::File) => StorePref::File,
        };
        let plex_url = Setting::new(
            args.plex_url.as_deref(),
            from_env.plex_url,
            DEFAULT_PLEX_URL,
            "--plex-url",
            "PLEX_AUTH_PLEX_URL",
        );
        let app_url = Setting::new(
            args.app_url.as_deref(),
            from_env.app_url,
            DEFAULT_APP_URL,
            "--app-url",
            "PLEX_AUTH_APP_URL",
        );

        let bazarr_url = args.bazarr_url.as_deref().map(bazarr_url).transpose()?;
        let remembered_bazarr = remembered.as_ref().and_then(|cfg| {
            let url = self::bazarr_url(cfg.bazarr_url.as_deref()?).ok()?;
            Some((cfg.bazarr_config.clone()?, url))
        });

        let vault =
            Vault::new(config_dir.clone(), key.path.clone(), store_pref).recording_key(key.record);
        Ok(Context {
            config_dir,
            key_path: key.path,
            key_source: key.source,
            key_is_credential: key.is_credential,
            state_dir: match &args.state_dir {
                Some(dir) => Some(absolute(dir)),
                None if args.system => Some(PathBuf::from(SYSTEM_STATE_DIR)),
                None => default_state_dir(),
            },
            bazarr_flag: args.bazarr_config.as_ref().map(|p| absolute(p)),
            bazarr_url,
            remembered_bazarr,
            config: remembered,
            bazarr_url_typed: args.bazarr_url.is_some() && !from_env.bazarr_url,
            bazarr_restart_timeout: std::time::Duration::from_secs_f64(
                args.bazarr_restart_timeout.clamp(1.0, 3600.0),
            ),
            plex_url,
            app_url,
            request_timeout: std::time::Duration::from_secs_f64(
                args.request_timeout.clamp(0.1, 600.0),
            ),
            probe_grace: probe_grace()?,
            out: output(args),
            env: Environment::detect(),
            vault,
            runtime,
        })
    }

    /// Run async work (requests, probes, the PIN wait) to completion. Prompts, the browser
    /// and the keyring stay outside: they block, and run between calls to this.
    /// config.toml as read when the command started; `None` when it could not be read.
    pub fn config(&self) -> Option<&store::Config> {
        self.config.as_ref()
    }

    pub fn block_on<F: std::future::Future>(&self, fut: F) -> F::Output {
        self.runtime.block_on(fut)
    }

    /// How server probes are timed: `--timeout` (seconds) for each probe, and the grace period.
    pub fn probe_timing(&self, timeout_secs: f64) -> crate::plex::probe::Timing {
        crate::plex::probe::Timing::new(timeout_secs, self.probe_grace)
    }

    /// The plex.tv API base, checked now: a bad value stops the command that needs it
    /// (exit 9), naming where it came from.
    /// Where Bazarr's API answers for the Bazarr file at `path`: `--bazarr-url` when given,
    /// else the one remembered with that same file, else `None` (its config.yaml says).
    pub fn bazarr_url_for(&self, path: &Path) -> Option<&Url> {
        self.bazarr_url.as_ref().or_else(|| {
            self.remembered_bazarr
                .as_ref()
                .filter(|(file, _)| file == path)
                .map(|(_, url)| url)
        })
    }

    pub fn plex_url(&self) -> Result<Url> {
        self.plex_url.url()
    }

    /// The browser sign-in page's base, checked now.
    pub fn app_url(&self) -> Result<Url> {
        self.app_url.url()
    }

    pub fn vault(&self) -> &Vault {
        &self.vault
    }

    /// Prompts need a person: stdin and stderr both terminals, and not in JSON mode.
    pub fn can_prompt(&self) -> bool {
        self.env.stdin_tty && self.out.stderr_tty && !self.out.json
    }
}

/// `PLEX_AUTH_PROBE_GRACE`: milliseconds a better-ranked server connection is still waited
/// for once another one has answered (default `probe::GRACE`). Not a flag: it is for
/// benchmarks and tests. 0 takes the best connection that has answered at the first good
/// answer; a value at least as long as `--timeout` waits for every connection to answer or
/// time out, as plex-auth did before it raced them.
fn probe_grace() -> Result<std::time::Duration> {
    const VAR: &str = "PLEX_AUTH_PROBE_GRACE";
    let Some(text) = env::var_os(VAR) else {
        return Ok(crate::plex::probe::GRACE);
    };
    text.to_str()
        .and_then(|t| t.trim().parse::<u64>().ok())
        .map(std::time::Duration::from_millis)
        .ok_or_else(|| {
            Error::new(
                ErrorKind::Usage,
                format!(
                    "{VAR} must be a whole number of milliseconds, such as 0 or 250, not {text:?}"
                ),
            )
        })
}

/// Which settings came from their environment variable rather than the command line, as
/// clap saw them: an error about a bad value names where the value came from.
#[derive(Debug, Clone, Copy, Default)]
pub struct FromEnv {
    pub key_file: bool,
    pub plex_url: bool,
    pub app_url: bool,
    pub bazarr_url: bool,
}

impl FromEnv {
    pub fn of(matches: &clap::ArgMatches) -> FromEnv {
        // A global option may be typed before or after the subcommand; clap records it at
        // the level where it was given.
        let from_env = |id: &str| {
            let source = matches.value_source(id).or_else(|| {
                matches.subcommand().and_then(|(_, sub)| {
                    sub.try_get_raw(id)
                        .ok()
                        .flatten()
                        .and_then(|_| sub.value_source(id))
                })
            });
            source == Some(clap::parser::ValueSource::EnvVariable)
        };
        FromEnv {
            key_file: from_env("key_file"),
            plex_url: from_env("plex_url"),
            app_url: from_env("app_url"),
            bazarr_url: from_env("bazarr_url"),
        }
    }
}

/// A URL setting as given, with the name to blame when it is bad: the flag when it was typed,
/// else the environment variable that set it.
struct Setting {
    raw: String,
    source: &'static str,
}

impl Setting {
    fn new(
        value: Option<&str>,
        from_env: bool,
        default: &str,
        flag: &'static str,
        var: &'static str,
    ) -> Setting {
        let source = if value.is_some() && from_env {
            var
        } else {
            flag
        };
        Setting {
            raw: value.unwrap_or(default).to_owned(),
            source,
        }
    }

    fn url(&self) -> Result<Url> {
        base_url(&self.raw, self.source)
    }
}

/// `--system`: config.toml, the event log and validate's counters (the system unit's
/// `StateDirectory=`).
pub const SYSTEM_STATE_DIR: &str = "/var/lib/plex-auth";
/// `--system`: the key's folder, apart from the token (the unit hands the key over with
/// `LoadCredential=plex-auth.key:/etc/plex-auth/key`).
pub const SYSTEM_KEY_DIR: &str = "/etc/plex-auth";

fn default_config_dir() -> Result<PathBuf> {
    directories::ProjectDirs::from("", "", "plex-auth")
        .map(|dirs| dirs.config_dir().to_path_buf())
        .ok_or_else(|| {
            Error::config("cannot find a home folder for plex-auth's config")
                .with_hint("pass --config-dir DIR or set PLEX_AUTH_CONFIG_DIR")
        })
}

/// `$XDG_STATE_HOME/plex-auth` (`~/.local/state/plex-auth`) on Linux; the local data folder
/// where the platform has no state folder.
fn default_state_dir() -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "plex-auth")?;
    Some(
        dirs.state_dir()
            .unwrap_or_else(|| dirs.data_local_dir())
            .to_path_buf(),
    )
}

/// Paths are stored (Bazarr's file) and compared, so make them absolute once, here.
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// A base URL must be https, or http to a loopback address (a local fake). Anything else is
/// refused before a request is made, so a typo or a hostile variable cannot send a token in
/// clear text.
pub fn base_url(raw: &str, flag: &str) -> Result<Url> {
    let url = Url::parse(raw).map_err(|e| {
        Error::config(format!("{flag} {raw:?} is not a URL ({e})"))
            .with_hint("use a URL such as https://plex.tv")
    })?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback_host(&url) => Ok(url),
        "http" => Err(Error::config(format!(
            "{flag} {raw} uses plain http to a host that is not this machine; the token would travel unencrypted"
        ))
        .with_hint("use https, or http only to 127.0.0.1, ::1 or localhost")),
        other => Err(Error::config(format!(
            "{flag} {raw} has scheme {other:?}; only https is allowed"
        ))),
    }
}

/// Bazarr's address from `--bazarr-url`: http or https (Bazarr itself serves plain http, on
/// this machine or in a container next to it).
fn bazarr_url(raw: &str) -> Result<Url> {
    let mut url = Url::parse(raw.trim()).map_err(|e| {
        Error::config(format!("--bazarr-url {raw:?} is not a URL ({e})"))
            .with_hint("use Bazarr's address, such as http://127.0.0.1:6767")
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(Error::config(format!(
            "--bazarr-url {raw} is not an http or https address"
        )));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

pub fn is_loopback_host(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls() {
        assert!(base_url("https://plex.tv", "--plex-url").is_ok());
        assert!(base_url("http://127.0.0.1:8080", "--plex-url").is_ok());
        assert!(base_url("http://127.9.9.9", "--plex-url").is_ok());
        assert!(base_url("http://[::1]:80", "--plex-url").is_ok());
        assert!(base_url("http://localhost:1", "--plex-url").is_ok());
        let e = base_url("http://plex.tv", "--plex-url").unwrap_err();
        assert_eq!(e.kind, crate::error::ErrorKind::Config);
        assert!(base_url("http://127.0.0.1.evil.com", "--plex-url").is_err());
        assert!(base_url("ftp://127.0.0.1", "--plex-url").is_err());
        assert!(base_url("not a url", "--plex-url").is_err());
    }

    #[test]
    fn headless_rules() {
        let mut e = Environment {
            ssh: true,
            display: true,
            ..Default::default()
        };
        assert!(e.headless());
        e.browser_set = true;
        assert!(!e.headless());
    }
}
