//! `plex-auth man [COMMAND]`: the man page, generated from the clap definitions.
//!
//! clap_mangen renders the title, NAME, SYNOPSIS, DESCRIPTION and the options (a command's
//! own, then GLOBAL OPTIONS); the sections every page of a command-line tool should have and
//! clap knows nothing of (EXIT STATUS, ENVIRONMENT, FILES, EXAMPLES, SEE ALSO) are written
//! here as roff.

use clap::CommandFactory;

use crate::cli::{Cli, ManArgs, examples_for};
use crate::error::{Error, ErrorKind, Result};

pub fn run(args: &ManArgs) -> Result<()> {
    crate::output::write_stdout(&page(args.command.as_deref())?);
    Ok(())
}

/// The page for plex-auth (`None`) or for one of its commands.
pub fn page(command: Option<&str>) -> Result<Vec<u8>> {
    // `help` is a command clap adds; it has no page, so nothing may link to one.
    let mut root = Cli::command().disable_help_subcommand(true);
    // Building gives each subcommand its runnable name (`plex-auth validate`), the version
    // and the global options.
    root.build();
    let version = root.get_version().unwrap_or_default().to_owned();
    let (cmd, title, key) = command_of(&root, command)?;
    let has_subcommands = cmd.has_subcommands();
    let has_arguments = cmd.get_arguments().any(|a| !a.is_hide_set());
    // A command's own subcommands (`apps add`) have no pages of their own: they are
    // described on its page.
    let nested = command.is_some().then(|| nested_commands(&cmd));
    let man = clap_mangen::Man::new(cmd)
        .title(title)
        .source(format!("plex-auth {version}"))
        .manual("User Commands");

    let mut out = Vec::new();
    // Each of clap_mangen's sections starts with the same two-line preamble; keep the first.
    let render = |out: &mut Vec<u8>, section: &dyn Fn(&mut Vec<u8>) -> std::io::Result<()>| {
        let mut part = Vec::new();
        section(&mut part)
            .map_err(|e| Error::internal(format!("cannot render the man page: {e}")))?;
        let part = String::from_utf8_lossy(&part);
        for line in part.lines() {
            let preamble = line.starts_with(".ie \\n(.g .ds Aq") || line.starts_with(".el .ds Aq");
            if !preamble || out.is_empty() {
                out.extend_from_slice(line.as_bytes());
                out.push(b'\n');
            }
        }
        Ok::<_, Error>(())
    };
    render(&mut out, &|w| man.render_title(w))?;
    render(&mut out, &|w| man.render_name_section(w))?;
    render(&mut out, &|w| man.render_synopsis_section(w))?;
    render(&mut out, &|w| man.render_description_section(w))?;
    if has_arguments {
        render(&mut out, &|w| man.render_options_section(w))?;
    }
    let mut roff = String::new();
    match nested {
        Some(text) if has_subcommands => roff.push_str(&text),
        _ if has_subcommands => render(&mut out, &|w| man.render_subcommands_section(w))?,
        _ => {}
    }
    exit_status(&mut roff);
    environment(&mut roff, &root);
    files(&mut roff);
    examples(&mut roff, key);
    see_also(&mut roff, command);
    out.extend_from_slice(roff.as_bytes());
    render(&mut out, &|w| man.render_version_section(w))?;
    Ok(out)
}

/// The command a page is about, its title and its examples' key.
fn command_of<'a>(
    root: &clap::Command,
    command: Option<&'a str>,
) -> Result<(clap::Command, String, &'a str)> {
    match command {
        None => Ok((root.clone(), "plex-auth".to_owned(), "plex-auth")),
        Some(name) => {
            let sub = root.find_subcommand(name).cloned().ok_or_else(|| {
                Error::new(ErrorKind::Usage, format!("no command named {name:?}"))
                    .with_hint("see `plex-auth --help` for the commands")
            })?;
            Ok((sub, format!("plex-auth-{name}"), name))
        }
    }
}

/// The COMMANDS section of a page whose command has subcommands of its own: each one's
/// usage and what it does, then its arguments and options.
fn nested_commands(cmd: &clap::Command) -> String {
    let mut roff = String::new();
    section(&mut roff, "COMMANDS");
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let usage = sub.clone().render_usage().to_string();
        let usage = usage.trim_start_matches("Usage:").trim();
        item(
            &mut roff,
            usage,
            &sub.get_about().map(|a| a.to_string()).unwrap_or_default(),
        );
        let own = sub.get_arguments().filter(|a| {
            !a.is_hide_set()
                && !a.is_global_set()
                && !matches!(a.get_id().as_str(), "help" | "version")
        });
        roff.push_str(".RS\n");
        for arg in own {
            let name = match arg.get_long() {
                Some(long) => format!("--{long}"),
                None => arg
                    .get_value_names()
                    .and_then(|v| v.first())
                    .map_or_else(|| arg.get_id().to_string(), |v| v.to_string()),
            };
            let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
            roff.push_str(&format!(".TP\n{}\n{}\n", esc(&name), esc(&help)));
        }
        roff.push_str(".RE\n");
    }
    roff
}

/// Text for a roff line: backslashes and hyphens escaped, and a leading `.` or `'` kept from
/// being read as a request.
fn esc(text: &str) -> String {
    let text = text.replace('\\', "\\e").replace('-', "\\-");
    if text.starts_with('.') || text.starts_with('\'') {
        format!("\\&{text}")
    } else {
        text
    }
}

fn section(roff: &mut String, name: &str) {
    roff.push_str(&format!(".SH \"{name}\"\n"));
}

/// A tagged paragraph: `tag` in bold, then `text`.
fn item(roff: &mut String, tag: &str, text: &str) {
    roff.push_str(&format!(".TP\n\\fB{}\\fR\n{}\n", esc(tag), esc(text)));
}

const EXIT_CODES: &[(&str, &str)] = &[
    ("0", "Success; for validate, plex.tv accepted the token."),
    ("1", "INTERNAL: an unexpected failure."),
    ("2", "USAGE: bad arguments."),
    ("3", "NOT_LOGGED_IN: no token is stored."),
    (
        "4",
        "INVALID_TOKEN, TOKEN_EXPIRED: plex.tv rejected the token (a 401 or 403 to a request \
         that carried it, whatever the answer's body); run plex-auth login.",
    ),
    (
        "5",
        "CONNECTION_ERROR: plex.tv or a server could not be reached, timed out, answered 5xx \
         or kept answering 429. Retry later; the stored token is kept.",
    ),
    (
        "6",
        "SERVER_NOT_FOUND: no such server on the account, or none of its connections answered.",
    ),
    (
        "7",
        "PIN_EXPIRED, AUTH_TIMEOUT: the PIN expired, or login --timeout passed, before the \
         account was linked.",
    ),
    (
        "8",
        "STORE_ERROR, DECRYPT_FAILED: the keyring is unavailable, the key is missing, or the \
         sealed token does not open.",
    ),
    (
        "9",
        "CONFIG_ERROR: plex-auth's config or Bazarr's config.yaml cannot be read, parsed or \
         written safely. TLS_ERROR: the secure connection to plex.tv failed (an intercepting \
         proxy, a wrong clock); retrying will not help.",
    ),
    (
        "10",
        "OUTPUT_ERROR: standard output could not be written (a full disk, a closed \
         descriptor), so the output is missing or incomplete. A reader that stops early (a \
         closed pipe) is not an error.",
    ),
    (
        "130",
        "INTERRUPTED: Ctrl-C or SIGTERM; nothing is left half-written.",
    ),
];

fn exit_status(roff: &mut String) {
    section(roff, "EXIT STATUS");
    roff.push_str(&format!(
        "{}\n",
        esc("The same codes for every command. With --json, an error is also a JSON document \
             on standard output: {\"error\":{\"code\":\"...\",\"message\":\"...\",\"hint\":\"...\"}}.")
    ));
    for (code, meaning) in EXIT_CODES {
        item(roff, code, meaning);
    }
}

/// The variables plex-auth reads that mirror no flag.
const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "XDG_CONFIG_HOME",
        "On Linux, the config folder is $XDG_CONFIG_HOME/plex-auth (~/.config/plex-auth \
             when unset) unless --config-dir or PLEX_AUTH_CONFIG_DIR says otherwise.",
    ),
    (
        "CREDENTIALS_DIRECTORY",
        "Set by systemd for a unit with LoadCredential=; the key is read from \
             $CREDENTIALS_DIRECTORY/plex-auth.key when that file exists.",
    ),
    (
        "XDG_STATE_HOME",
        "On Linux, the event log and validate's counters go to $XDG_STATE_HOME/plex-auth \
             (~/.local/state/plex-auth when unset) unless --state-dir or PLEX_AUTH_STATE_DIR \
             says otherwise.",
    ),
    ("NO_COLOR", "When set, no colour (as --color never)."),
    (
        "BROWSER",
        "What opens the sign-in link; when set, an SSH session counts as having a browser.",
    ),
];

fn environment(roff: &mut String, root: &clap::Command) {
    section(roff, "ENVIRONMENT");
    for arg in root.get_arguments() {
        let (Some(var), Some(long)) = (arg.get_env(), arg.get_long()) else {
            continue;
        };
        let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
        let help = help.split(" [default").next().unwrap_or_default();
        item(
            roff,
            &var.to_string_lossy(),
            &format!("{}. The same as --{long}.", help.trim_end_matches('.')),
        );
    }
    for (var, meaning) in ENVIRONMENT {
        item(roff, var, meaning);
    }
}

/// The files plex-auth reads and writes, and what each holds.
const FILES: &[(&str, &str)] = &[
    (
        "~/.config/plex-auth/",
        "plex-auth's state (mode 0700): $XDG_CONFIG_HOME/plex-auth on Linux, or the folder \
             given by --config-dir.",
    ),
    (
        "~/.config/plex-auth/config.toml",
        "The client identifier, the store choice, the account, the selected server, the \
             Bazarr file, and the sealed token with --store file (mode 0600). Nothing in it \
             opens the token.",
    ),
    (
        "~/.config/plex-auth/key",
        "The 32-byte key that seals the token (mode 0600), unless --key-file or a systemd \
             credential gives another.",
    ),
    (
        "$CREDENTIALS_DIRECTORY/plex-auth.key",
        "The key, when a systemd unit passes it with \
             LoadCredential=plex-auth.key:/etc/plex-auth/key.",
    ),
    (
        "/var/lib/plex-auth/",
        "With --system: the machine's config.toml (with the sealed token), event log, \
             state.toml and validate's counters, shared by root's commands and the system timer.",
    ),
    (
        "/etc/plex-auth/key",
        "With --system: the key, which the system unit hands over as a credential.",
    ),
    (
        "<key>.next",
        "The new key, beside the key file, while rotate-key runs; one left behind by an \
             interrupted rotation is finished (or replaced) by the next rotate-key or validate.",
    ),
    (
        "~/.local/state/plex-auth/events.jsonl",
        "The event log (mode 0600), one JSON line per event: the time, the event, the \
             command, its outcome and exit code, the account's and the server's names, an \
             error code and a short detail. Never a token, a key or a sealed token. Rotated to \
             events.jsonl.1 at 1 MiB. Shown by plex-auth log.",
    ),
    (
        "~/.local/state/plex-auth/state.toml",
        "What plex-auth saw as it ran, not settings: the last validation's time and result \
             (shown by plex-auth status). Written by validate instead of config.toml.",
    ),
    (
        "~/.local/state/plex-auth/validate-stats.json",
        "The counters behind validate --metrics-file (validations by result, failures in \
             a row, the last success).",
    ),
    (
        "config.yaml, config.yaml.bak",
        "Bazarr's settings (--bazarr-config), of which plex-auth changes only the Plex \
             keys, and the previous version it keeps beside them.",
    ),
    (
        "/usr/lib/systemd/system/plex-auth-validate.timer",
        "With the service of the same name, runs plex-auth --system validate --quiet \
             regularly (and plex-auth validate --quiet in /usr/lib/systemd/user/ for a \
             user's own units).",
    ),
];

fn files(roff: &mut String) {
    section(roff, "FILES");
    for (path, meaning) in FILES {
        item(roff, path, meaning);
    }
}

fn examples(roff: &mut String, key: &str) {
    section(roff, "EXAMPLES");
    for (line, what) in examples_for(key) {
        let mut what = what.to_string();
        if let Some(first) = what.get(..1) {
            what.replace_range(..1, &first.to_uppercase());
        }
        item(roff, line, &format!("{what}."));
    }
}

fn see_also(roff: &mut String, command: Option<&str>) {
    // plex-auth's own page lists the others under SUBCOMMANDS.
    if command.is_some() {
        section(roff, "SEE ALSO");
        roff.push_str("\\fBplex\\-auth\\fR(1)\n");
    }
}
