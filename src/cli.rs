//! The command line, as clap sees it. Only definitions live here: the doc comments are the
//! help text, and `completions/` and `man/` are generated from these types.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Link a Plex account to this machine, keep the link healthy, and keep Bazarr's Plex
/// settings in sync.
///
/// Exit codes: 0 ok, 1 internal error, 2 usage, 3 not logged in, 4 token rejected,
/// 5 plex.tv or a server unreachable (retry later), 6 server not found, 7 PIN expired or
/// timed out, 8 token store unavailable or token does not open, 9 config error or TLS
/// failure, 130 interrupted.
#[derive(Debug, Parser)]
#[command(
    name = "plex-auth",
    version,
    propagate_version = true,
    max_term_width = 100,
    override_usage = "plex-auth [OPTIONS] <COMMAND>",
    after_help = examples("plex-auth")
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes. Each one but the output switches also comes from an
/// environment variable; help names the variable but never shows its value.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Folder for plex-auth's own state (config.toml, key)
    #[arg(
        long,
        global = true,
        env = "PLEX_AUTH_CONFIG_DIR",
        value_parser = Utf8Path,
        hide_env_values = true,
        value_name = "DIR"
    )]
    pub config_dir: Option<PathBuf>,

    /// Use the link for the whole machine, which root's commands and the system timer share:
    /// config.toml and the event log in /var/lib/plex-auth, the key in /etc/plex-auth/key (or
    /// the unit's credential), the token sealed in config.toml. Each of --config-dir,
    /// --state-dir, --key-file and --store still overrides its part
    #[arg(long, global = true)]
    pub system: bool,

    /// Where the sealed token is kept
    #[arg(
        long,
        global = true,
        env = "PLEX_AUTH_STORE",
        hide_env_values = true,
        value_enum,
        value_name = "STORE"
    )]
    pub store: Option<StoreArg>,

    /// The 32-byte key that seals the token; remembered in config.toml when a token is
    /// sealed with it [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present (a systemd
    /// credential), else the remembered path, else <config-dir>/key]
    #[arg(
        long,
        global = true,
        env = "PLEX_AUTH_KEY_FILE",
        value_parser = Utf8Path,
        hide_env_values = true,
        value_name = "PATH"
    )]
    pub key_file: Option<PathBuf>,

    /// Folder for the event log (events.jsonl) and validate's counters [default:
    /// $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]
    #[arg(
        long,
        global = true,
        env = "PLEX_AUTH_STATE_DIR",
        value_parser = Utf8Path,
        hide_env_values = true,
        value_name = "DIR"
    )]
    pub state_dir: Option<PathBuf>,

    /// Bazarr's config.yaml to keep in sync (remembered once used)
    #[arg(
        long,
        global = true,
        env = "PLEX_AUTH_BAZARR_CONFIG",
        value_parser = Utf8Path,
        hide_env_values = true,
        value_name = "PATH"
    )]
    pub bazarr_config: Option<PathBuf>,

    /// Bazarr's own address, for --restart-bazarr and the running check (a Docker port
    /// mapping or a reverse proxy); trusted with Bazarr's API key as given, and remembered
    /// with the Bazarr file [default: the remembered one, else general.ip, general.port and
    /// general.base_url from its config.yaml]
    #[arg(
        long,
        global = true,
        env = "PLEX_AUTH_BAZARR_URL",
        hide_env_values = true,
        value_name = "URL"
    )]
    pub bazarr_url: Option<String>,

    /// Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)
    #[arg(
        long,
        global = true,
        env = "PLEX_AUTH_BAZARR_RESTART_TIMEOUT",
        hide_env_values = true,
        value_name = "SECS",
        default_value_t = 90.0,
        value_parser = seconds,
        allow_negative_numbers = true
    )]
    pub bazarr_restart_timeout: f64,

    /// Base URL of the plex.tv API (https, or http on a loopback address) [default:
    /// https://plex.tv]
    #[arg(
        long,
        global = true,
        env = "PLEX_AUTH_PLEX_URL",
        hide_env_values = true,
        value_name = "URL"
    )]
    pub plex_url: Option<String>,

    /// Base URL of the browser sign-in page [default: https://app.plex.tv/auth]
    #[arg(
        long,
        global = true,
        env = "PLEX_AUTH_APP_URL",
        hide_env_values = true,
        value_name = "URL"
    )]
    pub app_url: Option<String>,

    /// Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429
    /// fit in twice this
    #[arg(
        long,
        global = true,
        env = "PLEX_AUTH_REQUEST_TIMEOUT",
        hide_env_values = true,
        value_name = "SECS",
        default_value_t = 15.0,
        value_parser = seconds,
        allow_negative_numbers = true
    )]
    pub request_timeout: f64,

    /// Print one JSON document on stdout (NDJSON events for login)
    #[arg(long, global = true)]
    pub json: bool,

    /// Print nothing on success
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Print more detail
    #[arg(short, long, global = true)]
    pub verbose: bool,

    /// When to use colour [default: auto; NO_COLOR turns it off]
    #[arg(long, global = true, value_enum, value_name = "WHEN")]
    pub color: Option<ColorArg>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StoreArg {
    /// The OS keyring when one answers, else the config file; the choice is remembered
    Auto,
    /// The OS keyring (Secret Service, macOS Keychain, Windows Credential Manager)
    Keyring,
    /// plex-auth's config.toml (the token is sealed; the key lives elsewhere)
    File,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Link a Plex account by PIN in the browser, or --with-token from stdin
    #[command(
        name = names::LOGIN,
        override_usage = usage(names::LOGIN, ""),
        after_help = examples(names::LOGIN)
    )]
    Login(LoginArgs),
    /// Show what is stored, where, and whether it is in sync (offline)
    #[command(
        name = names::STATUS,
        override_usage = usage(names::STATUS, ""),
        after_help = examples(names::STATUS)
    )]
    Status,
    /// Ask plex.tv whether the stored token is still good (for cron)
    #[command(
        name = names::VALIDATE,
        override_usage = usage(names::VALIDATE, ""),
        after_help = examples(names::VALIDATE)
    )]
    Validate(ValidateArgs),
    /// List the account's servers, probing every connection at once
    #[command(
        name = names::SERVERS,
        override_usage = usage(names::SERVERS, ""),
        after_help = examples(names::SERVERS)
    )]
    Servers(ServersArgs),
    /// Choose the server to use (by name, machine id or list number) after testing it
    ///
    /// The argument names a server in one of four ways: a plain number from 1 to the count
    /// is its number in the list `plex-auth servers` shows; a machine id; a name, exactly;
    /// or a name that looks the same (up to case, spaces at either end or in a row, invisible
    /// characters, and letters of another script drawn like Latin ones, such as a Cyrillic
    /// "о"). It must name exactly one server. When it names more than one (a number that is
    /// also a shared server's name, a machine id that is another server's name, two servers
    /// with one name, names that look alike), nothing is selected: exit 2, listing each
    /// candidate with its number, owner and machine id. Then name it by machine id alone:
    /// `id:MACHINE_ID`. A name that only looks the same is used when it is the only match,
    /// with a note saying so. Choosing a server someone else shares with the account always
    /// says "shared by OWNER", even with --quiet or --json. No such server is exit 6.
    #[command(
        name = names::SELECT,
        override_usage = usage(names::SELECT, " [NAME|MACHINE_ID|N]"),
        after_help = examples(names::SELECT)
    )]
    Select(SelectArgs),
    /// Forget the token here (and in Bazarr); --revoke also signs it out at plex.tv
    ///
    /// In Bazarr's file it makes the changes Bazarr's own logout makes, and names the keys
    /// it changed on stderr (never their values): plex.token, plex.username, plex.email,
    /// plex.user_id, plex.encryption_key and plex.legacy_token emptied; plex.auth_method set
    /// to apikey; plex.apikey emptied and plex.apikey_encrypted false, unless a Bazarr 1.5.2
    /// or older still signs in with that apikey (kept then; --clear-apikey or --revoke clear
    /// it); the server keys (server_machine_id, server_name, server_url, server_local)
    /// emptied; plex.ip, port and ssl reset to 127.0.0.1, 32400 and false; and
    /// general.use_plex false. The config.yaml.bak plex-auth made is removed, as it holds the
    /// token. The apps registered with `plex-auth apps add` keep their tokens unless --apps
    /// is given, and are named.
    #[command(
        name = names::LOGOUT,
        override_usage = usage(names::LOGOUT, ""),
        after_help = examples(names::LOGOUT)
    )]
    Logout(LogoutArgs),
    /// Turn Bazarr's legacy plex.apikey into a managed token (for install scripts)
    #[command(
        name = names::MIGRATE_APIKEY,
        override_usage = usage(names::MIGRATE_APIKEY, ""),
        after_help = examples(names::MIGRATE_APIKEY)
    )]
    MigrateApikey(MigrateArgs),
    /// Replace the key that seals the token with a new one, crash-safely
    ///
    /// Makes a new random key, seals the token again under it, and replaces the key file, so
    /// the old key no longer opens anything. Stopped at any moment (a crash, kill -9, a
    /// power cut), it leaves either the old key and token or the new ones, both working; run
    /// it again to finish. Works with every store and with a key kept elsewhere
    /// (--key-file). A key given as a systemd credential is read-only there: rotate it at its
    /// source instead (see the README). Bazarr's own plex.encryption_key belongs to Bazarr
    /// and is never changed by this command.
    #[command(
        name = names::ROTATE_KEY,
        override_usage = usage(names::ROTATE_KEY, ""),
        after_help = examples(names::ROTATE_KEY)
    )]
    RotateKey(RotateKeyArgs),
    /// Keep other apps on this host (Tautulli, Kometa, PlexTraktSync) on the same link
    ///
    /// Each registered app gets a token of its own, a device of its own in the account's
    /// "Authorized Devices" named like "Kometa (plex-auth)", minted with the account's token
    /// and no further approval; `login` gives every app its token, `select` points every
    /// app at the server, `validate` checks each app's copy, and `apps sync` does it again
    /// for the apps named (or all). plex-auth edits only the token and the keys that travel
    /// with it, keeping every other byte, the owner and the mode; a value that names another
    /// source (Kometa's `ENV`, `<<name>>`) is left as it is. Tautulli writes its settings back
    /// from memory when it stops, so it is written only while it is stopped.
    #[command(
        name = names::APPS,
        override_usage = usage(names::APPS, " <COMMAND>"),
        after_help = examples(names::APPS),
        subcommand_required = true
    )]
    Apps(AppsArgs),
    /// Print the stored token (or the selected server's) on stdout, for other tools
    ///
    /// Prints one line, the token, and nothing else on stdout, so that other tools can use
    /// it: curl -H "X-Plex-Token: $(plex-auth token)". With --server, prints the access
    /// token plex.tv gives for the selected server (for a server the account owns, that may
    /// be the account's token). Exit 3 when no account is linked, 6 with --server when no
    /// server is selected. Anyone who can run this as you can read the token: it is the
    /// same as reading the key and the sealed token.
    #[command(
        name = names::TOKEN,
        override_usage = usage(names::TOKEN, ""),
        after_help = examples(names::TOKEN)
    )]
    Token(TokenArgs),
    /// Show the authentication event log (never holds a token or a key)
    ///
    /// One line per event: logins, expired PINs, validations and their verdict, servers
    /// chosen or moved, Bazarr's file written or refused, logouts, revocations, key
    /// rotations and tokens that did not open, with the time, the command, the outcome, the
    /// exit code, the account and the server. No token, key or sealed token is ever written
    /// to it. It lives in the state folder (--state-dir) as events.jsonl, mode 0600, and is
    /// rotated to events.jsonl.1 at 1 MiB. With --json the lines are printed as stored
    /// (one JSON document per line).
    #[command(
        name = names::LOG,
        override_usage = usage(names::LOG, ""),
        after_help = examples(names::LOG)
    )]
    Log(LogArgs),
    /// Print a shell completion script
    #[command(
        name = names::COMPLETIONS,
        override_usage = usage(names::COMPLETIONS, " <SHELL>"),
        after_help = examples(names::COMPLETIONS)
    )]
    Completions(CompletionsArgs),
    /// Print a man page (plex-auth's, or a subcommand's)
    #[command(
        name = names::MAN,
        override_usage = usage(names::MAN, " [COMMAND]"),
        after_help = examples(names::MAN)
    )]
    Man(ManArgs),
}

/// `--restart-bazarr`, for the commands that write Bazarr's file: one definition, so that
/// the flag reads and behaves the same under each of them.
#[derive(Debug, Args)]
pub struct RestartArgs {
    /// Restart a running Bazarr through its API afterwards and check that it runs on the new
    /// Plex settings (exit 5 when it cannot be reached or does not come back)
    #[arg(long = "restart-bazarr", id = "restart_bazarr")]
    pub bazarr: bool,
}

/// `--probe-timeout` (once `--timeout`), for the commands that probe server connections.
#[derive(Debug, Args)]
pub struct ProbeArgs {
    /// Seconds to wait for each server connection probe (all are probed at once)
    #[arg(
        long = "probe-timeout",
        alias = "timeout",
        value_name = "SECS",
        default_value_t = 3.0,
        value_parser = seconds,
        allow_negative_numbers = true
    )]
    pub timeout: f64,
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// Link again even when a valid token is stored
    #[arg(long)]
    pub force: bool,

    /// Read a token from standard input instead of running the PIN flow (on a terminal: asked
    /// for, and not shown as it is pasted)
    #[arg(long)]
    pub with_token: bool,

    /// Adopt the Plex link made in Bazarr's web UI: open the signed token in Bazarr's file
    /// (--bazarr-config, the remembered file, or the one found in the usual places), check it
    /// at plex.tv and store it here
    #[arg(long, conflicts_with = "with_token")]
    pub from_bazarr: bool,

    /// Do not open a browser; print the link only
    #[arg(long)]
    pub no_browser: bool,

    /// Use a 4-character code to enter at plex.tv/link instead of a long link [default
    /// where no browser can be opened (SSH, no display), except with --json]
    #[arg(long, conflicts_with_all = ["link", "qr"])]
    pub short_code: bool,

    /// Use the long sign-in link even where no browser can be opened
    #[arg(long)]
    pub link: bool,

    /// Also show the sign-in link as a QR code, to scan with a phone (uses the long link)
    #[arg(long)]
    pub qr: bool,

    /// Stop waiting for the PIN to be approved after this many seconds in all (exit 7)
    /// [default: when the PIN expires]
    #[arg(long, value_name = "SECS", value_parser = whole_seconds, allow_negative_numbers = true)]
    pub timeout: Option<u64>,

    /// Do not offer to choose a server afterwards
    #[arg(long)]
    pub no_select: bool,

    #[command(flatten)]
    pub restart: RestartArgs,
}

#[derive(Debug, Args)]
pub struct AppsArgs {
    #[command(subcommand)]
    pub command: AppsCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum AppsCommand {
    /// Register an app: read its file now and say what it holds
    #[command(override_usage = "plex-auth apps add [OPTIONS] <KIND> [LOCATION]")]
    Add {
        /// tautulli (its config.ini), kometa (its config.yml), plextraktsync (its config
        /// folder, holding servers.yml and .env), sonarr or radarr (its address, with
        /// --config-xml or --api-key-file), overseerr or jellyseerr (its address)
        #[arg(value_name = "KIND", value_parser = app_kind)]
        kind: crate::apps::Kind,
        /// The app's file, or the folder it is in [default: the first of the app's usual
        /// places that exists]; for sonarr, radarr, overseerr and jellyseerr, the app's
        /// address (http://127.0.0.1:8989, http://127.0.0.1:5055)
        #[arg(value_name = "LOCATION", value_parser = Utf8Path)]
        location: Option<PathBuf>,
        /// The name plex-auth knows it by [default: the kind, then kind-2, kind-3 and so on]
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
        /// sonarr, radarr: the app's config.xml, whose API key is read each time (never
        /// stored by plex-auth, sent only to LOCATION, the app's address)
        #[arg(long, value_name = "PATH", value_parser = Utf8Path, conflicts_with = "api_key_file")]
        config_xml: Option<PathBuf>,
        /// sonarr, radarr: a file holding only the app's API key (Settings, General), read
        /// each time; never give a key on the command line
        #[arg(long, value_name = "PATH", value_parser = Utf8Path)]
        api_key_file: Option<PathBuf>,
        /// overseerr, jellyseerr: its settings.json, read for the Plex server it uses; on
        /// this machine its owner must hold the app's port before a token is sent there
        /// [default: the user running plex-auth must]
        #[arg(long, value_name = "PATH", value_parser = Utf8Path)]
        settings_json: Option<PathBuf>,
    },
    /// List the registered apps and whether each holds the link (offline)
    List {
        /// Also ask whether each app's token still works: plex.tv for a token in a file
        /// (under the app's own identity, all at once), Sonarr's and Radarr's own test for
        /// theirs; one signed out shows as `revoked`
        #[arg(long)]
        check: bool,
    },
    /// Forget an app; nothing in the app changes
    Remove {
        /// The app's name, as `plex-auth apps list` shows it
        #[arg(value_name = "NAME")]
        name: String,
        /// Also sign the app's own token out at plex.tv first (its device, alone); when
        /// plex.tv cannot be reached, nothing is forgotten (exit 5)
        #[arg(long)]
        revoke: bool,
    },
    /// Give the apps named (or every app) the current link and the selected server
    Sync {
        /// The apps' names [default: every registered app]
        #[arg(value_name = "NAME")]
        names: Vec<String>,
        /// Show each app's change as a diff (a new token shown as a placeholder) and write,
        /// mint and send nothing
        #[arg(long)]
        dry_run: bool,
    },
}

fn app_kind(value: &str) -> Result<crate::apps::Kind, String> {
    value.parse()
}

#[derive(Debug, Args)]
pub struct TokenArgs {
    /// Print the selected server's access token instead of the account's (asks plex.tv)
    #[arg(long)]
    pub server: bool,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Also check that the selected server answers
    // validate restarts Bazarr only after the server check, so --restart-bazarr needs
    // --server here. The rule is on --server because --restart-bazarr is shared with
    // commands that have no --server.
    #[arg(long, required_if_eq("restart_bazarr", "true"))]
    pub server: bool,

    #[command(flatten)]
    pub restart: RestartArgs,

    #[command(flatten)]
    pub probe: ProbeArgs,

    /// Warn (without failing) when the key is older than this many days; 0 never warns
    #[arg(
        long,
        env = "PLEX_AUTH_MAX_KEY_AGE",
        hide_env_values = true,
        value_name = "DAYS",
        default_value_t = 90
    )]
    pub max_key_age: u64,

    /// Also write Prometheus metrics to this file (node_exporter's textfile collector),
    /// whatever the result
    #[arg(
        long,
        env = "PLEX_AUTH_METRICS_FILE",
        value_parser = Utf8Path,
        hide_env_values = true,
        value_name = "PATH"
    )]
    pub metrics_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ServersArgs {
    #[command(flatten)]
    pub probe: ProbeArgs,
}

#[derive(Debug, Args)]
pub struct SelectArgs {
    /// Server name, machine id (or id:MACHINE_ID), or the number `plex-auth servers` shows;
    /// none, on a terminal: choose from the probed list
    #[arg(value_name = "NAME|MACHINE_ID|N")]
    pub server: Option<String>,

    /// Accept this server's certificate even when it does not verify (self-signed)
    #[arg(long)]
    pub insecure: bool,

    #[command(flatten)]
    pub restart: RestartArgs,

    #[command(flatten)]
    pub probe: ProbeArgs,
}

#[derive(Debug, Args)]
pub struct RotateKeyArgs {
    /// Move the key to this new file (on another disk than the token, say) and rotate it
    /// there: later runs find it there, and the old key file is removed
    #[arg(long, value_name = "PATH")]
    pub to: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct LogoutArgs {
    /// Also sign the token out at plex.tv, so it stops working everywhere. First: when
    /// plex.tv cannot be reached, nothing is forgotten (exit 5), so the revoke can be retried
    #[arg(long)]
    pub revoke: bool,

    /// Also clear plex.apikey in Bazarr's file when a Bazarr 1.5.2 or older still signs in
    /// with it (kept otherwise, so that Bazarr keeps working; cleared anyway with --revoke)
    #[arg(long)]
    pub clear_apikey: bool,

    /// Also clear the token in every registered app's file (`plex-auth apps list`), as each
    /// app's own sign-out does; without it the apps are left holding their tokens, and said
    #[arg(long)]
    pub apps: bool,

    #[command(flatten)]
    pub restart: RestartArgs,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// Show the change as a diff and write nothing
    #[arg(long)]
    pub dry_run: bool,

    #[command(flatten)]
    pub restart: RestartArgs,

    #[command(flatten)]
    pub probe: ProbeArgs,
}

#[derive(Debug, Args)]
pub struct LogArgs {
    /// Show only the last N events
    #[arg(short = 'n', long = "lines", value_name = "N")]
    pub lines: Option<usize>,

    /// Show only events since this long ago (2h, 7days), today, yesterday, a date
    /// (2026-01-31) or a UTC time (2026-01-31 08:00, 08:00 today), as the log shows times
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to print completions for
    #[arg(value_enum, required_unless_present = "server_names")]
    pub shell: Option<clap_complete::Shell>,

    /// Print the names of the servers plex-auth last saw that start with PREFIX, one per
    /// line, offline (what the scripts call for `plex-auth select <TAB>`)
    #[arg(long, value_name = "PREFIX", hide = true, allow_hyphen_values = true)]
    pub server_names: Option<String>,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Print this subcommand's page instead of plex-auth's
    #[arg(value_name = "COMMAND", value_parser = clap::builder::PossibleValuesParser::new(COMMANDS))]
    pub command: Option<String>,
}

/// What a subcommand's help shows: its own options, then one line for the global ones
/// (35 lines of them under every command buried the few that matter there).
const SUBCOMMAND_HELP: &str = "\
{before-help}{about-with-newline}
{usage-heading} {usage}

{all-args}

Global options (--config-dir, --system, --store, --key-file, --bazarr-config, --json, -q, -v and
more) work here too: `plex-auth --help` lists them.{after-help}";

/// The command line as users meet it: every subcommand takes the global options, and its
/// help lists only its own, with one line pointing at `plex-auth --help` for the rest.
/// Completions are generated from [`Cli`] itself, so that they still offer the globals.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    let mut root = Cli::command();
    // clap copies each global option into every subcommand when it builds them, and skips a
    // subcommand that has one already: give each a hidden copy first. (A copy cannot be
    // hidden after the build: clap's lookup table would point at the wrong options.)
    let globals: Vec<clap::Arg> = root
        .get_arguments()
        .filter(|a| a.is_global_set())
        .cloned()
        .collect();
    let names: Vec<String> = root
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    for name in names {
        root = root.mut_subcommand(name, |sub| {
            globals
                .iter()
                .fold(sub, |sub, arg| sub.arg(arg.clone().hide(true)))
                .help_template(SUBCOMMAND_HELP)
        });
    }
    root
}

/// Each subcommand's name as typed. clap's parser, `man COMMAND`, the examples, the checks
/// before a run and the event log all take a command's name from here.
pub mod names {
    pub const LOGIN: &str = "login";
    pub const STATUS: &str = "status";
    pub const VALIDATE: &str = "validate";
    pub const SERVERS: &str = "servers";
    pub const SELECT: &str = "select";
    pub const LOGOUT: &str = "logout";
    pub const MIGRATE_APIKEY: &str = "migrate-apikey";
    pub const ROTATE_KEY: &str = "rotate-key";
    pub const APPS: &str = "apps";
    pub const TOKEN: &str = "token";
    pub const LOG: &str = "log";
    pub const COMPLETIONS: &str = "completions";
    pub const MAN: &str = "man";
}

/// The subcommands' names in the order `--help` lists them, for `man COMMAND` (checked
/// against [`Command`] by a test).
pub const COMMANDS: &[&str] = &[
    names::LOGIN,
    names::STATUS,
    names::VALIDATE,
    names::SERVERS,
    names::SELECT,
    names::LOGOUT,
    names::MIGRATE_APIKEY,
    names::ROTATE_KEY,
    names::APPS,
    names::TOKEN,
    names::LOG,
    names::COMPLETIONS,
    names::MAN,
];

impl Command {
    /// The command's name as typed, for the event log.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Login(_) => names::LOGIN,
            Command::Status => names::STATUS,
            Command::Validate(_) => names::VALIDATE,
            Command::Servers(_) => names::SERVERS,
            Command::Select(_) => names::SELECT,
            Command::Logout(_) => names::LOGOUT,
            Command::MigrateApikey(_) => names::MIGRATE_APIKEY,
            Command::RotateKey(_) => names::ROTATE_KEY,
            Command::Apps(_) => names::APPS,
            Command::Token(_) => names::TOKEN,
            Command::Log(_) => names::LOG,
            Command::Completions(_) => names::COMPLETIONS,
            Command::Man(_) => names::MAN,
        }
    }
}

/// A subcommand's usage line: its name, `[OPTIONS]`, then what follows them (`" <SHELL>"`).
fn usage(name: &str, operands: &str) -> String {
    format!("plex-auth {name} [OPTIONS]{operands}")
}

/// A command's examples: (command line, what it does).
type Examples = &'static [(&'static str, &'static str)];

/// The examples of each command's help and man page, and of plex-auth's own ("plex-auth").
const EXAMPLES: &[(&str, Examples)] = &[
    (
        "plex-auth",
        &[
            (
                "plex-auth login",
                "link an account (a browser, or a link and a code)",
            ),
            ("plex-auth servers", "list the account's servers"),
            ("plex-auth select 1", "use the first one (and tell Bazarr)"),
            (
                "plex-auth validate --quiet",
                "for cron: silent unless something is wrong",
            ),
            ("plex-auth login --help", "more about a command"),
        ],
    ),
    (
        names::LOGIN,
        &[
            (
                "plex-auth login",
                "open a browser, or print the link and code over SSH",
            ),
            (
                "plex-auth login --no-browser --timeout 300",
                "print the link; wait 5 minutes at most",
            ),
            (
                "plex-auth login --with-token < token.txt",
                "store a token you already have",
            ),
            (
                "plex-auth login --json --no-browser",
                "NDJSON events for an installer to show",
            ),
        ],
    ),
    (
        names::APPS,
        &[
            (
                "plex-auth apps add tautulli /opt/Tautulli/config.ini",
                "register Tautulli; it gets a token of its own at the next login",
            ),
            (
                "plex-auth apps add kometa /srv/kometa/config --name kometa-4k",
                "register a Kometa by its config folder, under a name",
            ),
            ("plex-auth apps list", "which apps hold the link"),
            (
                "plex-auth apps sync",
                "give every app the current link again",
            ),
        ],
    ),
    (
        names::STATUS,
        &[
            (
                "plex-auth status",
                "who is linked, where the token and key live",
            ),
            ("plex-auth status --json", "the same as one JSON document"),
        ],
    ),
    (
        names::VALIDATE,
        &[
            (
                "plex-auth validate --quiet",
                "for cron: silent on success, exit 4 or 5 on trouble",
            ),
            (
                "plex-auth validate --server",
                "also check the selected server still answers",
            ),
            ("plex-auth validate --json", "the result as JSON"),
            (
                "plex-auth validate --quiet --metrics-file /var/lib/prometheus/node-exporter/plex-auth.prom",
                "for node_exporter's textfile collector",
            ),
        ],
    ),
    (
        names::SERVERS,
        &[
            (
                "plex-auth servers",
                "list servers, probing every connection at once",
            ),
            (
                "plex-auth servers --probe-timeout 1 --json",
                "give each probe 1 second; JSON",
            ),
        ],
    ),
    (
        names::SELECT,
        &[
            (
                "plex-auth select 1",
                "the first server `plex-auth servers` lists",
            ),
            (
                "plex-auth select 'Living Room'",
                "by name (or by machine id)",
            ),
            (
                "plex-auth select id:a1b2c3d4e5f60718293a4b5c6d7e8f9012345678",
                "by machine id only, when the bare id is also a name",
            ),
            (
                "plex-auth select 1 --bazarr-config /opt/bazarr/data/config/config.yaml",
                "and write it to Bazarr",
            ),
        ],
    ),
    (
        names::LOGOUT,
        &[
            ("plex-auth logout", "forget the token here (and in Bazarr)"),
            ("plex-auth logout --revoke", "also sign it out at plex.tv"),
        ],
    ),
    (
        names::MIGRATE_APIKEY,
        &[
            (
                "plex-auth migrate-apikey --dry-run",
                "show the change to Bazarr's file",
            ),
            (
                "plex-auth migrate-apikey --bazarr-config /opt/bazarr/data/config/config.yaml",
                "migrate this file",
            ),
            (
                "plex-auth migrate-apikey --restart-bazarr",
                "and make a running Bazarr reload",
            ),
        ],
    ),
    (
        names::ROTATE_KEY,
        &[
            (
                "plex-auth rotate-key",
                "a new key; the token resealed; the old key gone",
            ),
            (
                "plex-auth rotate-key --to /mnt/usb/plex-auth.key",
                "move the key off the token's disk, rotating it on the way",
            ),
            (
                "plex-auth rotate-key --key-file /mnt/usb/plex-auth.key",
                "rotate a key kept on another volume",
            ),
        ],
    ),
    (
        names::TOKEN,
        &[
            (
                "curl -H \"X-Plex-Token: $(plex-auth token)\" https://plex.tv/api/v2/user",
                "use the account's token in another tool",
            ),
            (
                "plex-auth token --server",
                "the selected server's access token",
            ),
        ],
    ),
    (
        names::LOG,
        &[
            ("plex-auth log", "every event, oldest first"),
            ("plex-auth log --since 24h", "the last day's events"),
            (
                "plex-auth log -n 20 --json",
                "the last 20 lines as stored, for a script",
            ),
        ],
    ),
    (
        names::COMPLETIONS,
        &[
            (
                "plex-auth completions bash > ~/.local/share/bash-completion/completions/plex-auth",
                "bash (mkdir -p the folder first)",
            ),
            (
                "plex-auth completions zsh > ~/.zfunc/_plex-auth",
                "zsh (~/.zfunc in fpath)",
            ),
            (
                "plex-auth completions fish > ~/.config/fish/completions/plex-auth.fish",
                "fish",
            ),
        ],
    ),
    (
        names::MAN,
        &[
            ("plex-auth man | man -l -", "read plex-auth's page"),
            ("plex-auth man validate | man -l -", "read validate's page"),
        ],
    ),
];

/// Examples for `command`'s help and man page: (command line, what it does).
pub fn examples_for(command: &str) -> Examples {
    EXAMPLES
        .iter()
        .find(|(name, _)| *name == command)
        .map_or(&[], |(_, examples)| examples)
}

/// The "Examples:" block at the end of `command`'s help: each line, then what it does.
pub fn examples(command: &str) -> String {
    let mut text = String::from("Examples:\n");
    for (line, what) in examples_for(command) {
        text.push_str(&format!("  {line}\n          {what}\n"));
    }
    text.pop();
    text
}

/// A timeout in seconds: a finite number greater than zero (`0.5`, `30`). Anything else is a
/// usage error (exit 2) here, at the edge, from a flag or from its environment variable.
fn seconds(value: &str) -> Result<f64, String> {
    match value.trim().parse::<f64>() {
        Ok(secs) if secs.is_finite() && secs > 0.0 => Ok(secs),
        _ => Err("expected a number of seconds greater than 0, such as 0.5 or 30".into()),
    }
}

/// A timeout in whole seconds, 1 or more.
fn whole_seconds(value: &str) -> Result<u64, String> {
    match value.trim().parse::<u64>() {
        Ok(secs) if secs > 0 => Ok(secs),
        _ => Err("expected a whole number of seconds greater than 0, such as 300".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_are_finite_and_positive() {
        assert_eq!(seconds("0.5"), Ok(0.5));
        assert_eq!(seconds("30"), Ok(30.0));
        for bad in [
            "nan", "NaN", "inf", "-inf", "-1", "0", "-0", "", "3s", "1e999",
        ] {
            assert!(seconds(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(whole_seconds("300"), Ok(300));
        for bad in ["0", "-1", "1.5", "nan", "inf", ""] {
            assert!(whole_seconds(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    /// The defaults the help names are the ones used.
    #[test]
    fn the_url_defaults_in_help_are_the_real_ones() {
        use clap::CommandFactory;
        let root = Cli::command();
        for (id, default) in [
            ("plex_url", crate::context::DEFAULT_PLEX_URL),
            ("app_url", crate::context::DEFAULT_APP_URL),
        ] {
            let arg = root.get_arguments().find(|a| a.get_id() == id).unwrap();
            let help = arg.get_help().unwrap().to_string();
            assert!(help.contains(&format!("[default: {default}]")), "{help}");
        }
    }

    #[test]
    fn every_command_has_examples() {
        for name in std::iter::once("plex-auth").chain(COMMANDS.iter().copied()) {
            assert!(!examples_for(name).is_empty(), "{name} has no examples");
        }
    }

    #[test]
    fn man_knows_every_command() {
        use clap::CommandFactory;
        let names: Vec<_> = Cli::command()
            .get_subcommands()
            .map(|c| c.get_name().to_owned())
            .collect();
        assert_eq!(names, COMMANDS);
    }
}

/// A path flag's parser: the path must be UTF-8. plex-auth records paths in config.toml and
/// in Bazarr's file, which hold text only, so a path that is not text would fail half-way
/// (after Bazarr's file was written, or leaving a key nothing records): refused here, before
/// anything happens, naming the flag (and its variable, which goes through here too).
#[derive(Clone, Copy, Debug)]
pub struct Utf8Path;

impl clap::builder::TypedValueParser for Utf8Path {
    type Value = PathBuf;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<PathBuf, clap::Error> {
        if let Some(text) = value.to_str() {
            return Ok(PathBuf::from(text));
        }
        let flag = arg
            .and_then(clap::Arg::get_long)
            .map_or_else(|| "a path".to_owned(), |long| format!("--{long}"));
        let env = arg
            .and_then(clap::Arg::get_env)
            .map(|e| format!(" (or {})", e.to_string_lossy()))
            .unwrap_or_default();
        let shown = crate::output::safe(&value.to_string_lossy()).into_owned();
        Err(clap::Error::raw(
            clap::error::ErrorKind::InvalidValue,
            format!(
                "the path given to {flag}{env} is not valid UTF-8 ({shown}); plex-auth records \
                 paths in config.toml and Bazarr's file, which hold text only: rename it, or \
                 reach it through a symlink whose path is text\n"
            ),
        )
        .with_cmd(cmd))
    }
}
