
use builtin;
use str;

set edit:completion:arg-completer[plex-auth] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'plex-auth'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'plex-auth'= {
            cand --config-dir 'Folder for plex-auth''s own state (config.toml, key)'
            cand --store 'Where the sealed token is kept'
            cand --key-file 'The 32-byte key that seals the token [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present, else <config-dir>/key]'
            cand --state-dir 'Folder for the event log (events.jsonl) and validate''s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]'
            cand --bazarr-config 'Bazarr''s config.yaml to keep in sync (remembered once used)'
            cand --plex-url 'Base URL of the plex.tv API (https, or http on a loopback address)'
            cand --app-url 'Base URL of the browser sign-in page'
            cand --request-timeout 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this'
            cand --color 'When to use colour [default: auto; NO_COLOR turns it off]'
            cand --json 'Print one JSON document on stdout (NDJSON events for login)'
            cand -q 'Print nothing on success'
            cand --quiet 'Print nothing on success'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand login 'Link a Plex account by PIN in the browser, or --with-token from stdin'
            cand status 'Show what is stored, where, and whether it is in sync (offline)'
            cand validate 'Ask plex.tv whether the stored token is still good (for cron)'
            cand servers 'List the account''s servers, probing every connection at once'
            cand select 'Choose the server to use (by name, machine id or list number) after testing it'
            cand logout 'Forget the token here (and in Bazarr); --revoke also signs it out at plex.tv'
            cand migrate-apikey 'Turn Bazarr''s legacy plex.apikey into a managed token (for install scripts)'
            cand rotate-key 'Replace the key that seals the token with a new one, crash-safely'
            cand log 'Show the authentication event log (never holds a token or a key)'
            cand completions 'Print a shell completion script'
            cand man 'Print a man page (plex-auth''s, or a subcommand''s)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'plex-auth;login'= {
            cand --timeout 'Stop waiting for the PIN to be approved after this many seconds in all (exit 7) [default: when the PIN expires]'
            cand --config-dir 'Folder for plex-auth''s own state (config.toml, key)'
            cand --store 'Where the sealed token is kept'
            cand --key-file 'The 32-byte key that seals the token [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present, else <config-dir>/key]'
            cand --state-dir 'Folder for the event log (events.jsonl) and validate''s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]'
            cand --bazarr-config 'Bazarr''s config.yaml to keep in sync (remembered once used)'
            cand --plex-url 'Base URL of the plex.tv API (https, or http on a loopback address)'
            cand --app-url 'Base URL of the browser sign-in page'
            cand --request-timeout 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this'
            cand --color 'When to use colour [default: auto; NO_COLOR turns it off]'
            cand --force 'Link again even when a valid token is stored'
            cand --with-token 'Read a token from standard input instead of running the PIN flow'
            cand --no-browser 'Do not open a browser; print the link only'
            cand --no-select 'Do not offer to choose a server afterwards'
            cand --json 'Print one JSON document on stdout (NDJSON events for login)'
            cand -q 'Print nothing on success'
            cand --quiet 'Print nothing on success'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'plex-auth;status'= {
            cand --config-dir 'Folder for plex-auth''s own state (config.toml, key)'
            cand --store 'Where the sealed token is kept'
            cand --key-file 'The 32-byte key that seals the token [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present, else <config-dir>/key]'
            cand --state-dir 'Folder for the event log (events.jsonl) and validate''s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]'
            cand --bazarr-config 'Bazarr''s config.yaml to keep in sync (remembered once used)'
            cand --plex-url 'Base URL of the plex.tv API (https, or http on a loopback address)'
            cand --app-url 'Base URL of the browser sign-in page'
            cand --request-timeout 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this'
            cand --color 'When to use colour [default: auto; NO_COLOR turns it off]'
            cand --json 'Print one JSON document on stdout (NDJSON events for login)'
            cand -q 'Print nothing on success'
            cand --quiet 'Print nothing on success'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'plex-auth;validate'= {
            cand --probe-timeout 'Seconds to wait for each server connection probe (all are probed at once)'
            cand --max-key-age 'Warn (without failing) when the key is older than this many days; 0 never warns'
            cand --metrics-file 'Also write Prometheus metrics to this file (node_exporter''s textfile collector), whatever the result'
            cand --config-dir 'Folder for plex-auth''s own state (config.toml, key)'
            cand --store 'Where the sealed token is kept'
            cand --key-file 'The 32-byte key that seals the token [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present, else <config-dir>/key]'
            cand --state-dir 'Folder for the event log (events.jsonl) and validate''s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]'
            cand --bazarr-config 'Bazarr''s config.yaml to keep in sync (remembered once used)'
            cand --plex-url 'Base URL of the plex.tv API (https, or http on a loopback address)'
            cand --app-url 'Base URL of the browser sign-in page'
            cand --request-timeout 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this'
            cand --color 'When to use colour [default: auto; NO_COLOR turns it off]'
            cand --server 'Also check that the selected server answers'
            cand --json 'Print one JSON document on stdout (NDJSON events for login)'
            cand -q 'Print nothing on success'
            cand --quiet 'Print nothing on success'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'plex-auth;servers'= {
            cand --probe-timeout 'Seconds to wait for each server connection probe (all are probed at once)'
            cand --config-dir 'Folder for plex-auth''s own state (config.toml, key)'
            cand --store 'Where the sealed token is kept'
            cand --key-file 'The 32-byte key that seals the token [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present, else <config-dir>/key]'
            cand --state-dir 'Folder for the event log (events.jsonl) and validate''s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]'
            cand --bazarr-config 'Bazarr''s config.yaml to keep in sync (remembered once used)'
            cand --plex-url 'Base URL of the plex.tv API (https, or http on a loopback address)'
            cand --app-url 'Base URL of the browser sign-in page'
            cand --request-timeout 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this'
            cand --color 'When to use colour [default: auto; NO_COLOR turns it off]'
            cand --json 'Print one JSON document on stdout (NDJSON events for login)'
            cand -q 'Print nothing on success'
            cand --quiet 'Print nothing on success'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'plex-auth;select'= {
            cand --probe-timeout 'Seconds to wait for each server connection probe (all are probed at once)'
            cand --config-dir 'Folder for plex-auth''s own state (config.toml, key)'
            cand --store 'Where the sealed token is kept'
            cand --key-file 'The 32-byte key that seals the token [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present, else <config-dir>/key]'
            cand --state-dir 'Folder for the event log (events.jsonl) and validate''s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]'
            cand --bazarr-config 'Bazarr''s config.yaml to keep in sync (remembered once used)'
            cand --plex-url 'Base URL of the plex.tv API (https, or http on a loopback address)'
            cand --app-url 'Base URL of the browser sign-in page'
            cand --request-timeout 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this'
            cand --color 'When to use colour [default: auto; NO_COLOR turns it off]'
            cand --insecure 'Accept this server''s certificate even when it does not verify (self-signed)'
            cand --json 'Print one JSON document on stdout (NDJSON events for login)'
            cand -q 'Print nothing on success'
            cand --quiet 'Print nothing on success'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'plex-auth;logout'= {
            cand --config-dir 'Folder for plex-auth''s own state (config.toml, key)'
            cand --store 'Where the sealed token is kept'
            cand --key-file 'The 32-byte key that seals the token [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present, else <config-dir>/key]'
            cand --state-dir 'Folder for the event log (events.jsonl) and validate''s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]'
            cand --bazarr-config 'Bazarr''s config.yaml to keep in sync (remembered once used)'
            cand --plex-url 'Base URL of the plex.tv API (https, or http on a loopback address)'
            cand --app-url 'Base URL of the browser sign-in page'
            cand --request-timeout 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this'
            cand --color 'When to use colour [default: auto; NO_COLOR turns it off]'
            cand --revoke 'Also sign the token out at plex.tv, so it stops working everywhere'
            cand --json 'Print one JSON document on stdout (NDJSON events for login)'
            cand -q 'Print nothing on success'
            cand --quiet 'Print nothing on success'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'plex-auth;migrate-apikey'= {
            cand --probe-timeout 'Seconds to wait for each server connection probe (all are probed at once)'
            cand --config-dir 'Folder for plex-auth''s own state (config.toml, key)'
            cand --store 'Where the sealed token is kept'
            cand --key-file 'The 32-byte key that seals the token [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present, else <config-dir>/key]'
            cand --state-dir 'Folder for the event log (events.jsonl) and validate''s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]'
            cand --bazarr-config 'Bazarr''s config.yaml to keep in sync (remembered once used)'
            cand --plex-url 'Base URL of the plex.tv API (https, or http on a loopback address)'
            cand --app-url 'Base URL of the browser sign-in page'
            cand --request-timeout 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this'
            cand --color 'When to use colour [default: auto; NO_COLOR turns it off]'
            cand --dry-run 'Show the change as a diff and write nothing'
            cand --restart-bazarr 'Touch Bazarr''s bazarr.restart afterwards so a running Bazarr reloads'
            cand --json 'Print one JSON document on stdout (NDJSON events for login)'
            cand -q 'Print nothing on success'
            cand --quiet 'Print nothing on success'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'plex-auth;rotate-key'= {
            cand --config-dir 'Folder for plex-auth''s own state (config.toml, key)'
            cand --store 'Where the sealed token is kept'
            cand --key-file 'The 32-byte key that seals the token [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present, else <config-dir>/key]'
            cand --state-dir 'Folder for the event log (events.jsonl) and validate''s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]'
            cand --bazarr-config 'Bazarr''s config.yaml to keep in sync (remembered once used)'
            cand --plex-url 'Base URL of the plex.tv API (https, or http on a loopback address)'
            cand --app-url 'Base URL of the browser sign-in page'
            cand --request-timeout 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this'
            cand --color 'When to use colour [default: auto; NO_COLOR turns it off]'
            cand --json 'Print one JSON document on stdout (NDJSON events for login)'
            cand -q 'Print nothing on success'
            cand --quiet 'Print nothing on success'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'plex-auth;log'= {
            cand -n 'Show only the last N events'
            cand --lines 'Show only the last N events'
            cand --since 'Show only events since this long ago (2h, 7days) or since this time (2026-01-31 08:00:00, RFC 3339, UTC)'
            cand --config-dir 'Folder for plex-auth''s own state (config.toml, key)'
            cand --store 'Where the sealed token is kept'
            cand --key-file 'The 32-byte key that seals the token [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present, else <config-dir>/key]'
            cand --state-dir 'Folder for the event log (events.jsonl) and validate''s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]'
            cand --bazarr-config 'Bazarr''s config.yaml to keep in sync (remembered once used)'
            cand --plex-url 'Base URL of the plex.tv API (https, or http on a loopback address)'
            cand --app-url 'Base URL of the browser sign-in page'
            cand --request-timeout 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this'
            cand --color 'When to use colour [default: auto; NO_COLOR turns it off]'
            cand --json 'Print one JSON document on stdout (NDJSON events for login)'
            cand -q 'Print nothing on success'
            cand --quiet 'Print nothing on success'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'plex-auth;completions'= {
            cand --config-dir 'Folder for plex-auth''s own state (config.toml, key)'
            cand --store 'Where the sealed token is kept'
            cand --key-file 'The 32-byte key that seals the token [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present, else <config-dir>/key]'
            cand --state-dir 'Folder for the event log (events.jsonl) and validate''s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]'
            cand --bazarr-config 'Bazarr''s config.yaml to keep in sync (remembered once used)'
            cand --plex-url 'Base URL of the plex.tv API (https, or http on a loopback address)'
            cand --app-url 'Base URL of the browser sign-in page'
            cand --request-timeout 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this'
            cand --color 'When to use colour [default: auto; NO_COLOR turns it off]'
            cand --json 'Print one JSON document on stdout (NDJSON events for login)'
            cand -q 'Print nothing on success'
            cand --quiet 'Print nothing on success'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'plex-auth;man'= {
            cand --config-dir 'Folder for plex-auth''s own state (config.toml, key)'
            cand --store 'Where the sealed token is kept'
            cand --key-file 'The 32-byte key that seals the token [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present, else <config-dir>/key]'
            cand --state-dir 'Folder for the event log (events.jsonl) and validate''s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]'
            cand --bazarr-config 'Bazarr''s config.yaml to keep in sync (remembered once used)'
            cand --plex-url 'Base URL of the plex.tv API (https, or http on a loopback address)'
            cand --app-url 'Base URL of the browser sign-in page'
            cand --request-timeout 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this'
            cand --color 'When to use colour [default: auto; NO_COLOR turns it off]'
            cand --json 'Print one JSON document on stdout (NDJSON events for login)'
            cand -q 'Print nothing on success'
            cand --quiet 'Print nothing on success'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'plex-auth;help'= {
            cand login 'Link a Plex account by PIN in the browser, or --with-token from stdin'
            cand status 'Show what is stored, where, and whether it is in sync (offline)'
            cand validate 'Ask plex.tv whether the stored token is still good (for cron)'
            cand servers 'List the account''s servers, probing every connection at once'
            cand select 'Choose the server to use (by name, machine id or list number) after testing it'
            cand logout 'Forget the token here (and in Bazarr); --revoke also signs it out at plex.tv'
            cand migrate-apikey 'Turn Bazarr''s legacy plex.apikey into a managed token (for install scripts)'
            cand rotate-key 'Replace the key that seals the token with a new one, crash-safely'
            cand log 'Show the authentication event log (never holds a token or a key)'
            cand completions 'Print a shell completion script'
            cand man 'Print a man page (plex-auth''s, or a subcommand''s)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'plex-auth;help;login'= {
        }
        &'plex-auth;help;status'= {
        }
        &'plex-auth;help;validate'= {
        }
        &'plex-auth;help;servers'= {
        }
        &'plex-auth;help;select'= {
        }
        &'plex-auth;help;logout'= {
        }
        &'plex-auth;help;migrate-apikey'= {
        }
        &'plex-auth;help;rotate-key'= {
        }
        &'plex-auth;help;log'= {
        }
        &'plex-auth;help;completions'= {
        }
        &'plex-auth;help;man'= {
        }
        &'plex-auth;help;help'= {
        }
    ]
    $completions[$command]
}
