
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
            cand --bazarr-config 'Bazarr''s config.yaml to keep in sync (remembered once used)'
            cand --bazarr-url 'Bazarr''s own address, for --restart-bazarr and the running check (a Docker port mapping or a reverse proxy) [default: general.ip, general.port and general.base_url from its config.yaml]'
            cand --bazarr-restart-timeout 'Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)'
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
            cand completions 'Print a shell completion script'
            cand man 'Print a man page (plex-auth''s, or a subcommand''s)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'plex-auth;login'= {
            cand --timeout 'Stop waiting for the PIN to be approved after this many seconds in all (exit 7) [default: when the PIN expires]'
            cand --config-dir 'Folder for plex-auth''s own state (config.toml, key)'
            cand --store 'Where the sealed token is kept'
            cand --key-file 'The 32-byte key that seals the token [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present, else <config-dir>/key]'
            cand --bazarr-config 'Bazarr''s config.yaml to keep in sync (remembered once used)'
            cand --bazarr-url 'Bazarr''s own address, for --restart-bazarr and the running check (a Docker port mapping or a reverse proxy) [default: general.ip, general.port and general.base_url from its config.yaml]'
            cand --bazarr-restart-timeout 'Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)'
            cand --plex-url 'Base URL of the plex.tv API (https, or http on a loopback address)'
            cand --app-url 'Base URL of the browser sign-in page'
            cand --request-timeout 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this'
            cand --color 'When to use colour [default: auto; NO_COLOR turns it off]'
            cand --force 'Link again even when a valid token is stored'
            cand --with-token 'Read a token from standard input instead of running the PIN flow'
            cand --no-browser 'Do not open a browser; print the link only'
            cand --no-select 'Do not offer to choose a server afterwards'
            cand --restart-bazarr 'Restart a running Bazarr through its API afterwards and check that it runs on the new Plex settings (exit 5 when it cannot be reached or does not come back)'
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
            cand --bazarr-config 'Bazarr''s config.yaml to keep in sync (remembered once used)'
            cand --bazarr-url 'Bazarr''s own address, for --restart-bazarr and the running check (a Docker port mapping or a reverse proxy) [default: general.ip, general.port and general.base_url from its config.yaml]'
            cand --bazarr-restart-timeout 'Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)'
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
            cand --config-dir 'Folder for plex-auth''s own state (config.toml, key)'
            cand --store 'Where the sealed token is kept'
            cand --key-file 'The 32-byte key that seals the token [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present, else <config-dir>/key]'
            cand --bazarr-config 'Bazarr''s config.yaml to keep in sync (remembered once used)'
            cand --bazarr-url 'Bazarr''s own address, for --restart-bazarr and the running check (a Docker port mapping or a reverse proxy) [default: general.ip, general.port and general.base_url from its config.yaml]'
            cand --bazarr-restart-timeout 'Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)'
            cand --plex-url 'Base URL of the plex.tv API (https, or http on a loopback address)'
            cand --app-url 'Base URL of the browser sign-in page'
            cand --request-timeout 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this'
            cand --color 'When to use colour [default: auto; NO_COLOR turns it off]'
            cand --server 'Also check that the selected server answers'
            cand --restart-bazarr 'Restart a running Bazarr through its API afterwards and check that it runs on the new Plex settings (exit 5 when it cannot be reached or does not come back)'
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
            cand --bazarr-config 'Bazarr''s config.yaml to keep in sync (remembered once used)'
            cand --bazarr-url 'Bazarr''s own address, for --restart-bazarr and the running check (a Docker port mapping or a reverse proxy) [default: general.ip, general.port and general.base_url from its config.yaml]'
            cand --bazarr-restart-timeout 'Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)'
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
            cand --bazarr-config 'Bazarr''s config.yaml to keep in sync (remembered once used)'
            cand --bazarr-url 'Bazarr''s own address, for --restart-bazarr and the running check (a Docker port mapping or a reverse proxy) [default: general.ip, general.port and general.base_url from its config.yaml]'
            cand --bazarr-restart-timeout 'Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)'
            cand --plex-url 'Base URL of the plex.tv API (https, or http on a loopback address)'
            cand --app-url 'Base URL of the browser sign-in page'
            cand --request-timeout 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this'
            cand --color 'When to use colour [default: auto; NO_COLOR turns it off]'
            cand --insecure 'Accept this server''s certificate even when it does not verify (self-signed)'
            cand --restart-bazarr 'Restart a running Bazarr through its API afterwards and check that it runs on the new Plex settings (exit 5 when it cannot be reached or does not come back)'
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
            cand --bazarr-config 'Bazarr''s config.yaml to keep in sync (remembered once used)'
            cand --bazarr-url 'Bazarr''s own address, for --restart-bazarr and the running check (a Docker port mapping or a reverse proxy) [default: general.ip, general.port and general.base_url from its config.yaml]'
            cand --bazarr-restart-timeout 'Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)'
            cand --plex-url 'Base URL of the plex.tv API (https, or http on a loopback address)'
            cand --app-url 'Base URL of the browser sign-in page'
            cand --request-timeout 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this'
            cand --color 'When to use colour [default: auto; NO_COLOR turns it off]'
            cand --revoke 'Also sign the token out at plex.tv, so it stops working everywhere'
            cand --restart-bazarr 'Restart a running Bazarr through its API afterwards and check that it runs on the new Plex settings (exit 5 when it cannot be reached or does not come back)'
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
            cand --bazarr-config 'Bazarr''s config.yaml to keep in sync (remembered once used)'
            cand --bazarr-url 'Bazarr''s own address, for --restart-bazarr and the running check (a Docker port mapping or a reverse proxy) [default: general.ip, general.port and general.base_url from its config.yaml]'
            cand --bazarr-restart-timeout 'Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)'
            cand --plex-url 'Base URL of the plex.tv API (https, or http on a loopback address)'
            cand --app-url 'Base URL of the browser sign-in page'
            cand --request-timeout 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this'
            cand --color 'When to use colour [default: auto; NO_COLOR turns it off]'
            cand --dry-run 'Show the change as a diff and write nothing'
            cand --restart-bazarr 'Restart a running Bazarr through its API afterwards and check that it runs on the new Plex settings (exit 5 when it cannot be reached or does not come back)'
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
            cand --bazarr-config 'Bazarr''s config.yaml to keep in sync (remembered once used)'
            cand --bazarr-url 'Bazarr''s own address, for --restart-bazarr and the running check (a Docker port mapping or a reverse proxy) [default: general.ip, general.port and general.base_url from its config.yaml]'
            cand --bazarr-restart-timeout 'Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)'
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
            cand --bazarr-config 'Bazarr''s config.yaml to keep in sync (remembered once used)'
            cand --bazarr-url 'Bazarr''s own address, for --restart-bazarr and the running check (a Docker port mapping or a reverse proxy) [default: general.ip, general.port and general.base_url from its config.yaml]'
            cand --bazarr-restart-timeout 'Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)'
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
        &'plex-auth;help;completions'= {
        }
        &'plex-auth;help;man'= {
        }
        &'plex-auth;help;help'= {
        }
    ]
    $completions[$command]
}
