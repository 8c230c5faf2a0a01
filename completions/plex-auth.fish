# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_plex_auth_global_optspecs
    string join \n config-dir= system store= key-file= state-dir= bazarr-config= bazarr-url= bazarr-restart-timeout= plex-url= app-url= request-timeout= json q/quiet v/verbose color= h/help V/version
end

function __fish_plex_auth_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_plex_auth_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_plex_auth_using_subcommand
    set -l cmd (__fish_plex_auth_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c plex-auth -n "__fish_plex_auth_needs_command" -l config-dir -d 'Folder for plex-auth\'s own state (config.toml, key)' -r -F
complete -c plex-auth -n "__fish_plex_auth_needs_command" -l store -d 'Where the sealed token is kept' -r -f -a "auto\t'The OS keyring when one answers, else the config file; the choice is remembered'
keyring\t'The OS keyring (Secret Service, macOS Keychain, Windows Credential Manager)'
file\t'plex-auth\'s config.toml (the token is sealed; the key lives elsewhere)'"
complete -c plex-auth -n "__fish_plex_auth_needs_command" -l key-file -d 'The 32-byte key that seals the token; remembered in config.toml when a token is sealed with it [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present (a systemd credential), else the remembered path, else <config-dir>/key]' -r -F
complete -c plex-auth -n "__fish_plex_auth_needs_command" -l state-dir -d 'Folder for the event log (events.jsonl) and validate\'s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]' -r -F
complete -c plex-auth -n "__fish_plex_auth_needs_command" -l bazarr-config -d 'Bazarr\'s config.yaml to keep in sync (remembered once used)' -r -F
complete -c plex-auth -n "__fish_plex_auth_needs_command" -l bazarr-url -d 'Bazarr\'s own address, for --restart-bazarr and the running check (a Docker port mapping or a reverse proxy); trusted with Bazarr\'s API key as given, and remembered with the Bazarr file [default: the remembered one, else general.ip, general.port and general.base_url from its config.yaml]' -r
complete -c plex-auth -n "__fish_plex_auth_needs_command" -l bazarr-restart-timeout -d 'Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)' -r
complete -c plex-auth -n "__fish_plex_auth_needs_command" -l plex-url -d 'Base URL of the plex.tv API (https, or http on a loopback address) [default: https://plex.tv]' -r
complete -c plex-auth -n "__fish_plex_auth_needs_command" -l app-url -d 'Base URL of the browser sign-in page [default: https://app.plex.tv/auth]' -r
complete -c plex-auth -n "__fish_plex_auth_needs_command" -l request-timeout -d 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this' -r
complete -c plex-auth -n "__fish_plex_auth_needs_command" -l color -d 'When to use colour [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c plex-auth -n "__fish_plex_auth_needs_command" -l system -d 'Use the link for the whole machine, which root\'s commands and the system timer share: config.toml and the event log in /var/lib/plex-auth, the key in /etc/plex-auth/key (or the unit\'s credential), the token sealed in config.toml. Each of --config-dir, --state-dir, --key-file and --store still overrides its part'
complete -c plex-auth -n "__fish_plex_auth_needs_command" -l json -d 'Print one JSON document on stdout (NDJSON events for login)'
complete -c plex-auth -n "__fish_plex_auth_needs_command" -s q -l quiet -d 'Print nothing on success'
complete -c plex-auth -n "__fish_plex_auth_needs_command" -s v -l verbose -d 'Print more detail'
complete -c plex-auth -n "__fish_plex_auth_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c plex-auth -n "__fish_plex_auth_needs_command" -s V -l version -d 'Print version'
complete -c plex-auth -n "__fish_plex_auth_needs_command" -f -a "login" -d 'Link a Plex account by PIN in the browser, or --with-token from stdin'
complete -c plex-auth -n "__fish_plex_auth_needs_command" -f -a "status" -d 'Show what is stored, where, and whether it is in sync (offline)'
complete -c plex-auth -n "__fish_plex_auth_needs_command" -f -a "validate" -d 'Ask plex.tv whether the stored token is still good (for cron)'
complete -c plex-auth -n "__fish_plex_auth_needs_command" -f -a "servers" -d 'List the account\'s servers, probing every connection at once'
complete -c plex-auth -n "__fish_plex_auth_needs_command" -f -a "select" -d 'Choose the server to use (by name, machine id or list number) after testing it'
complete -c plex-auth -n "__fish_plex_auth_needs_command" -f -a "logout" -d 'Forget the token here (and in Bazarr); --revoke also signs it out at plex.tv'
complete -c plex-auth -n "__fish_plex_auth_needs_command" -f -a "migrate-apikey" -d 'Turn Bazarr\'s legacy plex.apikey into a managed token (for install scripts)'
complete -c plex-auth -n "__fish_plex_auth_needs_command" -f -a "rotate-key" -d 'Replace the key that seals the token with a new one, crash-safely'
complete -c plex-auth -n "__fish_plex_auth_needs_command" -f -a "apps" -d 'Keep other apps on this host (Tautulli, Kometa, PlexTraktSync) on the same link'
complete -c plex-auth -n "__fish_plex_auth_needs_command" -f -a "token" -d 'Print the stored token (or the selected server\'s) on stdout, for other tools'
complete -c plex-auth -n "__fish_plex_auth_needs_command" -f -a "log" -d 'Show the authentication event log (never holds a token or a key)'
complete -c plex-auth -n "__fish_plex_auth_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c plex-auth -n "__fish_plex_auth_needs_command" -f -a "man" -d 'Print a man page (plex-auth\'s, or a subcommand\'s)'
complete -c plex-auth -n "__fish_plex_auth_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand login" -l timeout -d 'Stop waiting for the PIN to be approved after this many seconds in all (exit 7) [default: when the PIN expires]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand login" -l config-dir -d 'Folder for plex-auth\'s own state (config.toml, key)' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand login" -l store -d 'Where the sealed token is kept' -r -f -a "auto\t'The OS keyring when one answers, else the config file; the choice is remembered'
keyring\t'The OS keyring (Secret Service, macOS Keychain, Windows Credential Manager)'
file\t'plex-auth\'s config.toml (the token is sealed; the key lives elsewhere)'"
complete -c plex-auth -n "__fish_plex_auth_using_subcommand login" -l key-file -d 'The 32-byte key that seals the token; remembered in config.toml when a token is sealed with it [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present (a systemd credential), else the remembered path, else <config-dir>/key]' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand login" -l state-dir -d 'Folder for the event log (events.jsonl) and validate\'s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand login" -l bazarr-config -d 'Bazarr\'s config.yaml to keep in sync (remembered once used)' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand login" -l bazarr-url -d 'Bazarr\'s own address, for --restart-bazarr and the running check (a Docker port mapping or a reverse proxy); trusted with Bazarr\'s API key as given, and remembered with the Bazarr file [default: the remembered one, else general.ip, general.port and general.base_url from its config.yaml]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand login" -l bazarr-restart-timeout -d 'Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand login" -l plex-url -d 'Base URL of the plex.tv API (https, or http on a loopback address) [default: https://plex.tv]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand login" -l app-url -d 'Base URL of the browser sign-in page [default: https://app.plex.tv/auth]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand login" -l request-timeout -d 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand login" -l color -d 'When to use colour [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c plex-auth -n "__fish_plex_auth_using_subcommand login" -l force -d 'Link again even when a valid token is stored'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand login" -l with-token -d 'Read a token from standard input instead of running the PIN flow (on a terminal: asked for, and not shown as it is pasted)'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand login" -l from-bazarr -d 'Adopt the Plex link made in Bazarr\'s web UI: open the signed token in Bazarr\'s file (--bazarr-config, the remembered file, or the one found in the usual places), check it at plex.tv and store it here'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand login" -l no-browser -d 'Do not open a browser; print the link only'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand login" -l short-code -d 'Use a 4-character code to enter at plex.tv/link instead of a long link [default where no browser can be opened (SSH, no display), except with --json]'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand login" -l link -d 'Use the long sign-in link even where no browser can be opened'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand login" -l qr -d 'Also show the sign-in link as a QR code, to scan with a phone (uses the long link)'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand login" -l no-select -d 'Do not offer to choose a server afterwards'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand login" -l restart-bazarr -d 'Restart a running Bazarr through its API afterwards and check that it runs on the new Plex settings (exit 5 when it cannot be reached or does not come back)'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand login" -l system -d 'Use the link for the whole machine, which root\'s commands and the system timer share: config.toml and the event log in /var/lib/plex-auth, the key in /etc/plex-auth/key (or the unit\'s credential), the token sealed in config.toml. Each of --config-dir, --state-dir, --key-file and --store still overrides its part'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand login" -l json -d 'Print one JSON document on stdout (NDJSON events for login)'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand login" -s q -l quiet -d 'Print nothing on success'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand login" -s v -l verbose -d 'Print more detail'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand login" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand login" -s V -l version -d 'Print version'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand status" -l config-dir -d 'Folder for plex-auth\'s own state (config.toml, key)' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand status" -l store -d 'Where the sealed token is kept' -r -f -a "auto\t'The OS keyring when one answers, else the config file; the choice is remembered'
keyring\t'The OS keyring (Secret Service, macOS Keychain, Windows Credential Manager)'
file\t'plex-auth\'s config.toml (the token is sealed; the key lives elsewhere)'"
complete -c plex-auth -n "__fish_plex_auth_using_subcommand status" -l key-file -d 'The 32-byte key that seals the token; remembered in config.toml when a token is sealed with it [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present (a systemd credential), else the remembered path, else <config-dir>/key]' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand status" -l state-dir -d 'Folder for the event log (events.jsonl) and validate\'s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand status" -l bazarr-config -d 'Bazarr\'s config.yaml to keep in sync (remembered once used)' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand status" -l bazarr-url -d 'Bazarr\'s own address, for --restart-bazarr and the running check (a Docker port mapping or a reverse proxy); trusted with Bazarr\'s API key as given, and remembered with the Bazarr file [default: the remembered one, else general.ip, general.port and general.base_url from its config.yaml]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand status" -l bazarr-restart-timeout -d 'Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand status" -l plex-url -d 'Base URL of the plex.tv API (https, or http on a loopback address) [default: https://plex.tv]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand status" -l app-url -d 'Base URL of the browser sign-in page [default: https://app.plex.tv/auth]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand status" -l request-timeout -d 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand status" -l color -d 'When to use colour [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c plex-auth -n "__fish_plex_auth_using_subcommand status" -l system -d 'Use the link for the whole machine, which root\'s commands and the system timer share: config.toml and the event log in /var/lib/plex-auth, the key in /etc/plex-auth/key (or the unit\'s credential), the token sealed in config.toml. Each of --config-dir, --state-dir, --key-file and --store still overrides its part'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand status" -l json -d 'Print one JSON document on stdout (NDJSON events for login)'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand status" -s q -l quiet -d 'Print nothing on success'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand status" -s v -l verbose -d 'Print more detail'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand status" -s V -l version -d 'Print version'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand validate" -l probe-timeout -d 'Seconds to wait for each server connection probe (all are probed at once)' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand validate" -l max-key-age -d 'Warn (without failing) when the key is older than this many days; 0 never warns' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand validate" -l metrics-file -d 'Also write Prometheus metrics to this file (node_exporter\'s textfile collector), whatever the result' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand validate" -l config-dir -d 'Folder for plex-auth\'s own state (config.toml, key)' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand validate" -l store -d 'Where the sealed token is kept' -r -f -a "auto\t'The OS keyring when one answers, else the config file; the choice is remembered'
keyring\t'The OS keyring (Secret Service, macOS Keychain, Windows Credential Manager)'
file\t'plex-auth\'s config.toml (the token is sealed; the key lives elsewhere)'"
complete -c plex-auth -n "__fish_plex_auth_using_subcommand validate" -l key-file -d 'The 32-byte key that seals the token; remembered in config.toml when a token is sealed with it [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present (a systemd credential), else the remembered path, else <config-dir>/key]' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand validate" -l state-dir -d 'Folder for the event log (events.jsonl) and validate\'s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand validate" -l bazarr-config -d 'Bazarr\'s config.yaml to keep in sync (remembered once used)' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand validate" -l bazarr-url -d 'Bazarr\'s own address, for --restart-bazarr and the running check (a Docker port mapping or a reverse proxy); trusted with Bazarr\'s API key as given, and remembered with the Bazarr file [default: the remembered one, else general.ip, general.port and general.base_url from its config.yaml]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand validate" -l bazarr-restart-timeout -d 'Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand validate" -l plex-url -d 'Base URL of the plex.tv API (https, or http on a loopback address) [default: https://plex.tv]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand validate" -l app-url -d 'Base URL of the browser sign-in page [default: https://app.plex.tv/auth]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand validate" -l request-timeout -d 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand validate" -l color -d 'When to use colour [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c plex-auth -n "__fish_plex_auth_using_subcommand validate" -l server -d 'Also check that the selected server answers'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand validate" -l restart-bazarr -d 'Restart a running Bazarr through its API afterwards and check that it runs on the new Plex settings (exit 5 when it cannot be reached or does not come back)'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand validate" -l system -d 'Use the link for the whole machine, which root\'s commands and the system timer share: config.toml and the event log in /var/lib/plex-auth, the key in /etc/plex-auth/key (or the unit\'s credential), the token sealed in config.toml. Each of --config-dir, --state-dir, --key-file and --store still overrides its part'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand validate" -l json -d 'Print one JSON document on stdout (NDJSON events for login)'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand validate" -s q -l quiet -d 'Print nothing on success'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand validate" -s v -l verbose -d 'Print more detail'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand validate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand validate" -s V -l version -d 'Print version'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand servers" -l probe-timeout -d 'Seconds to wait for each server connection probe (all are probed at once)' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand servers" -l config-dir -d 'Folder for plex-auth\'s own state (config.toml, key)' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand servers" -l store -d 'Where the sealed token is kept' -r -f -a "auto\t'The OS keyring when one answers, else the config file; the choice is remembered'
keyring\t'The OS keyring (Secret Service, macOS Keychain, Windows Credential Manager)'
file\t'plex-auth\'s config.toml (the token is sealed; the key lives elsewhere)'"
complete -c plex-auth -n "__fish_plex_auth_using_subcommand servers" -l key-file -d 'The 32-byte key that seals the token; remembered in config.toml when a token is sealed with it [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present (a systemd credential), else the remembered path, else <config-dir>/key]' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand servers" -l state-dir -d 'Folder for the event log (events.jsonl) and validate\'s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand servers" -l bazarr-config -d 'Bazarr\'s config.yaml to keep in sync (remembered once used)' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand servers" -l bazarr-url -d 'Bazarr\'s own address, for --restart-bazarr and the running check (a Docker port mapping or a reverse proxy); trusted with Bazarr\'s API key as given, and remembered with the Bazarr file [default: the remembered one, else general.ip, general.port and general.base_url from its config.yaml]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand servers" -l bazarr-restart-timeout -d 'Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand servers" -l plex-url -d 'Base URL of the plex.tv API (https, or http on a loopback address) [default: https://plex.tv]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand servers" -l app-url -d 'Base URL of the browser sign-in page [default: https://app.plex.tv/auth]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand servers" -l request-timeout -d 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand servers" -l color -d 'When to use colour [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c plex-auth -n "__fish_plex_auth_using_subcommand servers" -l system -d 'Use the link for the whole machine, which root\'s commands and the system timer share: config.toml and the event log in /var/lib/plex-auth, the key in /etc/plex-auth/key (or the unit\'s credential), the token sealed in config.toml. Each of --config-dir, --state-dir, --key-file and --store still overrides its part'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand servers" -l json -d 'Print one JSON document on stdout (NDJSON events for login)'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand servers" -s q -l quiet -d 'Print nothing on success'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand servers" -s v -l verbose -d 'Print more detail'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand servers" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand servers" -s V -l version -d 'Print version'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand select" -l probe-timeout -d 'Seconds to wait for each server connection probe (all are probed at once)' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand select" -l config-dir -d 'Folder for plex-auth\'s own state (config.toml, key)' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand select" -l store -d 'Where the sealed token is kept' -r -f -a "auto\t'The OS keyring when one answers, else the config file; the choice is remembered'
keyring\t'The OS keyring (Secret Service, macOS Keychain, Windows Credential Manager)'
file\t'plex-auth\'s config.toml (the token is sealed; the key lives elsewhere)'"
complete -c plex-auth -n "__fish_plex_auth_using_subcommand select" -l key-file -d 'The 32-byte key that seals the token; remembered in config.toml when a token is sealed with it [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present (a systemd credential), else the remembered path, else <config-dir>/key]' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand select" -l state-dir -d 'Folder for the event log (events.jsonl) and validate\'s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand select" -l bazarr-config -d 'Bazarr\'s config.yaml to keep in sync (remembered once used)' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand select" -l bazarr-url -d 'Bazarr\'s own address, for --restart-bazarr and the running check (a Docker port mapping or a reverse proxy); trusted with Bazarr\'s API key as given, and remembered with the Bazarr file [default: the remembered one, else general.ip, general.port and general.base_url from its config.yaml]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand select" -l bazarr-restart-timeout -d 'Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand select" -l plex-url -d 'Base URL of the plex.tv API (https, or http on a loopback address) [default: https://plex.tv]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand select" -l app-url -d 'Base URL of the browser sign-in page [default: https://app.plex.tv/auth]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand select" -l request-timeout -d 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand select" -l color -d 'When to use colour [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c plex-auth -n "__fish_plex_auth_using_subcommand select" -l insecure -d 'Accept this server\'s certificate even when it does not verify (self-signed)'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand select" -l restart-bazarr -d 'Restart a running Bazarr through its API afterwards and check that it runs on the new Plex settings (exit 5 when it cannot be reached or does not come back)'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand select" -l system -d 'Use the link for the whole machine, which root\'s commands and the system timer share: config.toml and the event log in /var/lib/plex-auth, the key in /etc/plex-auth/key (or the unit\'s credential), the token sealed in config.toml. Each of --config-dir, --state-dir, --key-file and --store still overrides its part'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand select" -l json -d 'Print one JSON document on stdout (NDJSON events for login)'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand select" -s q -l quiet -d 'Print nothing on success'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand select" -s v -l verbose -d 'Print more detail'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand select" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand select" -s V -l version -d 'Print version'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand logout" -l config-dir -d 'Folder for plex-auth\'s own state (config.toml, key)' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand logout" -l store -d 'Where the sealed token is kept' -r -f -a "auto\t'The OS keyring when one answers, else the config file; the choice is remembered'
keyring\t'The OS keyring (Secret Service, macOS Keychain, Windows Credential Manager)'
file\t'plex-auth\'s config.toml (the token is sealed; the key lives elsewhere)'"
complete -c plex-auth -n "__fish_plex_auth_using_subcommand logout" -l key-file -d 'The 32-byte key that seals the token; remembered in config.toml when a token is sealed with it [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present (a systemd credential), else the remembered path, else <config-dir>/key]' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand logout" -l state-dir -d 'Folder for the event log (events.jsonl) and validate\'s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand logout" -l bazarr-config -d 'Bazarr\'s config.yaml to keep in sync (remembered once used)' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand logout" -l bazarr-url -d 'Bazarr\'s own address, for --restart-bazarr and the running check (a Docker port mapping or a reverse proxy); trusted with Bazarr\'s API key as given, and remembered with the Bazarr file [default: the remembered one, else general.ip, general.port and general.base_url from its config.yaml]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand logout" -l bazarr-restart-timeout -d 'Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand logout" -l plex-url -d 'Base URL of the plex.tv API (https, or http on a loopback address) [default: https://plex.tv]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand logout" -l app-url -d 'Base URL of the browser sign-in page [default: https://app.plex.tv/auth]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand logout" -l request-timeout -d 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand logout" -l color -d 'When to use colour [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c plex-auth -n "__fish_plex_auth_using_subcommand logout" -l revoke -d 'Also sign the token out at plex.tv, so it stops working everywhere. First: when plex.tv cannot be reached, nothing is forgotten (exit 5), so the revoke can be retried'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand logout" -l clear-apikey -d 'Also clear plex.apikey in Bazarr\'s file when a Bazarr 1.5.2 or older still signs in with it (kept otherwise, so that Bazarr keeps working; cleared anyway with --revoke)'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand logout" -l apps -d 'Also clear the token in every registered app\'s file (`plex-auth apps list`), as each app\'s own sign-out does; without it the apps are left holding their tokens, and said'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand logout" -l restart-bazarr -d 'Restart a running Bazarr through its API afterwards and check that it runs on the new Plex settings (exit 5 when it cannot be reached or does not come back)'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand logout" -l system -d 'Use the link for the whole machine, which root\'s commands and the system timer share: config.toml and the event log in /var/lib/plex-auth, the key in /etc/plex-auth/key (or the unit\'s credential), the token sealed in config.toml. Each of --config-dir, --state-dir, --key-file and --store still overrides its part'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand logout" -l json -d 'Print one JSON document on stdout (NDJSON events for login)'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand logout" -s q -l quiet -d 'Print nothing on success'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand logout" -s v -l verbose -d 'Print more detail'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand logout" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand logout" -s V -l version -d 'Print version'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand migrate-apikey" -l probe-timeout -d 'Seconds to wait for each server connection probe (all are probed at once)' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand migrate-apikey" -l config-dir -d 'Folder for plex-auth\'s own state (config.toml, key)' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand migrate-apikey" -l store -d 'Where the sealed token is kept' -r -f -a "auto\t'The OS keyring when one answers, else the config file; the choice is remembered'
keyring\t'The OS keyring (Secret Service, macOS Keychain, Windows Credential Manager)'
file\t'plex-auth\'s config.toml (the token is sealed; the key lives elsewhere)'"
complete -c plex-auth -n "__fish_plex_auth_using_subcommand migrate-apikey" -l key-file -d 'The 32-byte key that seals the token; remembered in config.toml when a token is sealed with it [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present (a systemd credential), else the remembered path, else <config-dir>/key]' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand migrate-apikey" -l state-dir -d 'Folder for the event log (events.jsonl) and validate\'s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand migrate-apikey" -l bazarr-config -d 'Bazarr\'s config.yaml to keep in sync (remembered once used)' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand migrate-apikey" -l bazarr-url -d 'Bazarr\'s own address, for --restart-bazarr and the running check (a Docker port mapping or a reverse proxy); trusted with Bazarr\'s API key as given, and remembered with the Bazarr file [default: the remembered one, else general.ip, general.port and general.base_url from its config.yaml]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand migrate-apikey" -l bazarr-restart-timeout -d 'Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand migrate-apikey" -l plex-url -d 'Base URL of the plex.tv API (https, or http on a loopback address) [default: https://plex.tv]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand migrate-apikey" -l app-url -d 'Base URL of the browser sign-in page [default: https://app.plex.tv/auth]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand migrate-apikey" -l request-timeout -d 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand migrate-apikey" -l color -d 'When to use colour [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c plex-auth -n "__fish_plex_auth_using_subcommand migrate-apikey" -l dry-run -d 'Show the change as a diff and write nothing'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand migrate-apikey" -l restart-bazarr -d 'Restart a running Bazarr through its API afterwards and check that it runs on the new Plex settings (exit 5 when it cannot be reached or does not come back)'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand migrate-apikey" -l system -d 'Use the link for the whole machine, which root\'s commands and the system timer share: config.toml and the event log in /var/lib/plex-auth, the key in /etc/plex-auth/key (or the unit\'s credential), the token sealed in config.toml. Each of --config-dir, --state-dir, --key-file and --store still overrides its part'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand migrate-apikey" -l json -d 'Print one JSON document on stdout (NDJSON events for login)'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand migrate-apikey" -s q -l quiet -d 'Print nothing on success'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand migrate-apikey" -s v -l verbose -d 'Print more detail'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand migrate-apikey" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand migrate-apikey" -s V -l version -d 'Print version'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand rotate-key" -l to -d 'Move the key to this new file (on another disk than the token, say) and rotate it there: later runs find it there, and the old key file is removed' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand rotate-key" -l config-dir -d 'Folder for plex-auth\'s own state (config.toml, key)' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand rotate-key" -l store -d 'Where the sealed token is kept' -r -f -a "auto\t'The OS keyring when one answers, else the config file; the choice is remembered'
keyring\t'The OS keyring (Secret Service, macOS Keychain, Windows Credential Manager)'
file\t'plex-auth\'s config.toml (the token is sealed; the key lives elsewhere)'"
complete -c plex-auth -n "__fish_plex_auth_using_subcommand rotate-key" -l key-file -d 'The 32-byte key that seals the token; remembered in config.toml when a token is sealed with it [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present (a systemd credential), else the remembered path, else <config-dir>/key]' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand rotate-key" -l state-dir -d 'Folder for the event log (events.jsonl) and validate\'s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand rotate-key" -l bazarr-config -d 'Bazarr\'s config.yaml to keep in sync (remembered once used)' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand rotate-key" -l bazarr-url -d 'Bazarr\'s own address, for --restart-bazarr and the running check (a Docker port mapping or a reverse proxy); trusted with Bazarr\'s API key as given, and remembered with the Bazarr file [default: the remembered one, else general.ip, general.port and general.base_url from its config.yaml]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand rotate-key" -l bazarr-restart-timeout -d 'Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand rotate-key" -l plex-url -d 'Base URL of the plex.tv API (https, or http on a loopback address) [default: https://plex.tv]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand rotate-key" -l app-url -d 'Base URL of the browser sign-in page [default: https://app.plex.tv/auth]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand rotate-key" -l request-timeout -d 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand rotate-key" -l color -d 'When to use colour [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c plex-auth -n "__fish_plex_auth_using_subcommand rotate-key" -l system -d 'Use the link for the whole machine, which root\'s commands and the system timer share: config.toml and the event log in /var/lib/plex-auth, the key in /etc/plex-auth/key (or the unit\'s credential), the token sealed in config.toml. Each of --config-dir, --state-dir, --key-file and --store still overrides its part'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand rotate-key" -l json -d 'Print one JSON document on stdout (NDJSON events for login)'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand rotate-key" -s q -l quiet -d 'Print nothing on success'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand rotate-key" -s v -l verbose -d 'Print more detail'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand rotate-key" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand rotate-key" -s V -l version -d 'Print version'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and not __fish_seen_subcommand_from add list remove sync help" -l config-dir -d 'Folder for plex-auth\'s own state (config.toml, key)' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and not __fish_seen_subcommand_from add list remove sync help" -l store -d 'Where the sealed token is kept' -r -f -a "auto\t'The OS keyring when one answers, else the config file; the choice is remembered'
keyring\t'The OS keyring (Secret Service, macOS Keychain, Windows Credential Manager)'
file\t'plex-auth\'s config.toml (the token is sealed; the key lives elsewhere)'"
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and not __fish_seen_subcommand_from add list remove sync help" -l key-file -d 'The 32-byte key that seals the token; remembered in config.toml when a token is sealed with it [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present (a systemd credential), else the remembered path, else <config-dir>/key]' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and not __fish_seen_subcommand_from add list remove sync help" -l state-dir -d 'Folder for the event log (events.jsonl) and validate\'s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and not __fish_seen_subcommand_from add list remove sync help" -l bazarr-config -d 'Bazarr\'s config.yaml to keep in sync (remembered once used)' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and not __fish_seen_subcommand_from add list remove sync help" -l bazarr-url -d 'Bazarr\'s own address, for --restart-bazarr and the running check (a Docker port mapping or a reverse proxy); trusted with Bazarr\'s API key as given, and remembered with the Bazarr file [default: the remembered one, else general.ip, general.port and general.base_url from its config.yaml]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and not __fish_seen_subcommand_from add list remove sync help" -l bazarr-restart-timeout -d 'Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and not __fish_seen_subcommand_from add list remove sync help" -l plex-url -d 'Base URL of the plex.tv API (https, or http on a loopback address) [default: https://plex.tv]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and not __fish_seen_subcommand_from add list remove sync help" -l app-url -d 'Base URL of the browser sign-in page [default: https://app.plex.tv/auth]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and not __fish_seen_subcommand_from add list remove sync help" -l request-timeout -d 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and not __fish_seen_subcommand_from add list remove sync help" -l color -d 'When to use colour [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and not __fish_seen_subcommand_from add list remove sync help" -l system -d 'Use the link for the whole machine, which root\'s commands and the system timer share: config.toml and the event log in /var/lib/plex-auth, the key in /etc/plex-auth/key (or the unit\'s credential), the token sealed in config.toml. Each of --config-dir, --state-dir, --key-file and --store still overrides its part'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and not __fish_seen_subcommand_from add list remove sync help" -l json -d 'Print one JSON document on stdout (NDJSON events for login)'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and not __fish_seen_subcommand_from add list remove sync help" -s q -l quiet -d 'Print nothing on success'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and not __fish_seen_subcommand_from add list remove sync help" -s v -l verbose -d 'Print more detail'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and not __fish_seen_subcommand_from add list remove sync help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and not __fish_seen_subcommand_from add list remove sync help" -s V -l version -d 'Print version'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and not __fish_seen_subcommand_from add list remove sync help" -f -a "add" -d 'Register an app: read its file now and say what it holds'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and not __fish_seen_subcommand_from add list remove sync help" -f -a "list" -d 'List the registered apps and whether each holds the link (offline)'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and not __fish_seen_subcommand_from add list remove sync help" -f -a "remove" -d 'Forget an app; nothing in the app changes'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and not __fish_seen_subcommand_from add list remove sync help" -f -a "sync" -d 'Give the apps named (or every app) the current link and the selected server'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and not __fish_seen_subcommand_from add list remove sync help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from add" -l name -d 'The name plex-auth knows it by [default: the kind, then kind-2, kind-3 and so on]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from add" -l config-xml -d 'sonarr, radarr: the app\'s config.xml, whose API key is read each time (never stored by plex-auth, sent only to LOCATION, the app\'s address)' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from add" -l api-key-file -d 'sonarr, radarr: a file holding only the app\'s API key (Settings, General), read each time; never give a key on the command line' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from add" -l settings-json -d 'overseerr, jellyseerr: its settings.json, read for the Plex server it uses; on this machine its owner must hold the app\'s port before a token is sent there [default: the user running plex-auth must]' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from add" -l config-dir -d 'Folder for plex-auth\'s own state (config.toml, key)' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from add" -l store -d 'Where the sealed token is kept' -r -f -a "auto\t'The OS keyring when one answers, else the config file; the choice is remembered'
keyring\t'The OS keyring (Secret Service, macOS Keychain, Windows Credential Manager)'
file\t'plex-auth\'s config.toml (the token is sealed; the key lives elsewhere)'"
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from add" -l key-file -d 'The 32-byte key that seals the token; remembered in config.toml when a token is sealed with it [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present (a systemd credential), else the remembered path, else <config-dir>/key]' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from add" -l state-dir -d 'Folder for the event log (events.jsonl) and validate\'s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from add" -l bazarr-config -d 'Bazarr\'s config.yaml to keep in sync (remembered once used)' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from add" -l bazarr-url -d 'Bazarr\'s own address, for --restart-bazarr and the running check (a Docker port mapping or a reverse proxy); trusted with Bazarr\'s API key as given, and remembered with the Bazarr file [default: the remembered one, else general.ip, general.port and general.base_url from its config.yaml]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from add" -l bazarr-restart-timeout -d 'Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from add" -l plex-url -d 'Base URL of the plex.tv API (https, or http on a loopback address) [default: https://plex.tv]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from add" -l app-url -d 'Base URL of the browser sign-in page [default: https://app.plex.tv/auth]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from add" -l request-timeout -d 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from add" -l color -d 'When to use colour [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from add" -l system -d 'Use the link for the whole machine, which root\'s commands and the system timer share: config.toml and the event log in /var/lib/plex-auth, the key in /etc/plex-auth/key (or the unit\'s credential), the token sealed in config.toml. Each of --config-dir, --state-dir, --key-file and --store still overrides its part'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from add" -l json -d 'Print one JSON document on stdout (NDJSON events for login)'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Print nothing on success'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from add" -s v -l verbose -d 'Print more detail'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from list" -l config-dir -d 'Folder for plex-auth\'s own state (config.toml, key)' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from list" -l store -d 'Where the sealed token is kept' -r -f -a "auto\t'The OS keyring when one answers, else the config file; the choice is remembered'
keyring\t'The OS keyring (Secret Service, macOS Keychain, Windows Credential Manager)'
file\t'plex-auth\'s config.toml (the token is sealed; the key lives elsewhere)'"
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from list" -l key-file -d 'The 32-byte key that seals the token; remembered in config.toml when a token is sealed with it [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present (a systemd credential), else the remembered path, else <config-dir>/key]' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from list" -l state-dir -d 'Folder for the event log (events.jsonl) and validate\'s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from list" -l bazarr-config -d 'Bazarr\'s config.yaml to keep in sync (remembered once used)' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from list" -l bazarr-url -d 'Bazarr\'s own address, for --restart-bazarr and the running check (a Docker port mapping or a reverse proxy); trusted with Bazarr\'s API key as given, and remembered with the Bazarr file [default: the remembered one, else general.ip, general.port and general.base_url from its config.yaml]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from list" -l bazarr-restart-timeout -d 'Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from list" -l plex-url -d 'Base URL of the plex.tv API (https, or http on a loopback address) [default: https://plex.tv]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from list" -l app-url -d 'Base URL of the browser sign-in page [default: https://app.plex.tv/auth]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from list" -l request-timeout -d 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from list" -l color -d 'When to use colour [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from list" -l check -d 'Also ask whether each app\'s token still works: plex.tv for a token in a file (under the app\'s own identity, all at once), Sonarr\'s and Radarr\'s own test for theirs; one signed out shows as `revoked`'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from list" -l system -d 'Use the link for the whole machine, which root\'s commands and the system timer share: config.toml and the event log in /var/lib/plex-auth, the key in /etc/plex-auth/key (or the unit\'s credential), the token sealed in config.toml. Each of --config-dir, --state-dir, --key-file and --store still overrides its part'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from list" -l json -d 'Print one JSON document on stdout (NDJSON events for login)'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print nothing on success'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Print more detail'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from remove" -l config-dir -d 'Folder for plex-auth\'s own state (config.toml, key)' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from remove" -l store -d 'Where the sealed token is kept' -r -f -a "auto\t'The OS keyring when one answers, else the config file; the choice is remembered'
keyring\t'The OS keyring (Secret Service, macOS Keychain, Windows Credential Manager)'
file\t'plex-auth\'s config.toml (the token is sealed; the key lives elsewhere)'"
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from remove" -l key-file -d 'The 32-byte key that seals the token; remembered in config.toml when a token is sealed with it [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present (a systemd credential), else the remembered path, else <config-dir>/key]' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from remove" -l state-dir -d 'Folder for the event log (events.jsonl) and validate\'s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from remove" -l bazarr-config -d 'Bazarr\'s config.yaml to keep in sync (remembered once used)' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from remove" -l bazarr-url -d 'Bazarr\'s own address, for --restart-bazarr and the running check (a Docker port mapping or a reverse proxy); trusted with Bazarr\'s API key as given, and remembered with the Bazarr file [default: the remembered one, else general.ip, general.port and general.base_url from its config.yaml]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from remove" -l bazarr-restart-timeout -d 'Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from remove" -l plex-url -d 'Base URL of the plex.tv API (https, or http on a loopback address) [default: https://plex.tv]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from remove" -l app-url -d 'Base URL of the browser sign-in page [default: https://app.plex.tv/auth]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from remove" -l request-timeout -d 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from remove" -l color -d 'When to use colour [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from remove" -l revoke -d 'Also sign the app\'s own token out at plex.tv first (its device, alone); when plex.tv cannot be reached, nothing is forgotten (exit 5)'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from remove" -l system -d 'Use the link for the whole machine, which root\'s commands and the system timer share: config.toml and the event log in /var/lib/plex-auth, the key in /etc/plex-auth/key (or the unit\'s credential), the token sealed in config.toml. Each of --config-dir, --state-dir, --key-file and --store still overrides its part'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from remove" -l json -d 'Print one JSON document on stdout (NDJSON events for login)'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Print nothing on success'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'Print more detail'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from sync" -l config-dir -d 'Folder for plex-auth\'s own state (config.toml, key)' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from sync" -l store -d 'Where the sealed token is kept' -r -f -a "auto\t'The OS keyring when one answers, else the config file; the choice is remembered'
keyring\t'The OS keyring (Secret Service, macOS Keychain, Windows Credential Manager)'
file\t'plex-auth\'s config.toml (the token is sealed; the key lives elsewhere)'"
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from sync" -l key-file -d 'The 32-byte key that seals the token; remembered in config.toml when a token is sealed with it [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present (a systemd credential), else the remembered path, else <config-dir>/key]' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from sync" -l state-dir -d 'Folder for the event log (events.jsonl) and validate\'s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from sync" -l bazarr-config -d 'Bazarr\'s config.yaml to keep in sync (remembered once used)' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from sync" -l bazarr-url -d 'Bazarr\'s own address, for --restart-bazarr and the running check (a Docker port mapping or a reverse proxy); trusted with Bazarr\'s API key as given, and remembered with the Bazarr file [default: the remembered one, else general.ip, general.port and general.base_url from its config.yaml]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from sync" -l bazarr-restart-timeout -d 'Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from sync" -l plex-url -d 'Base URL of the plex.tv API (https, or http on a loopback address) [default: https://plex.tv]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from sync" -l app-url -d 'Base URL of the browser sign-in page [default: https://app.plex.tv/auth]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from sync" -l request-timeout -d 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from sync" -l color -d 'When to use colour [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from sync" -l dry-run -d 'Show each app\'s change as a diff (a new token shown as a placeholder) and write, mint and send nothing'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from sync" -l system -d 'Use the link for the whole machine, which root\'s commands and the system timer share: config.toml and the event log in /var/lib/plex-auth, the key in /etc/plex-auth/key (or the unit\'s credential), the token sealed in config.toml. Each of --config-dir, --state-dir, --key-file and --store still overrides its part'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from sync" -l json -d 'Print one JSON document on stdout (NDJSON events for login)'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from sync" -s q -l quiet -d 'Print nothing on success'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from sync" -s v -l verbose -d 'Print more detail'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from sync" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from sync" -s V -l version -d 'Print version'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from help" -f -a "add" -d 'Register an app: read its file now and say what it holds'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the registered apps and whether each holds the link (offline)'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Forget an app; nothing in the app changes'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from help" -f -a "sync" -d 'Give the apps named (or every app) the current link and the selected server'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand apps; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand token" -l config-dir -d 'Folder for plex-auth\'s own state (config.toml, key)' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand token" -l store -d 'Where the sealed token is kept' -r -f -a "auto\t'The OS keyring when one answers, else the config file; the choice is remembered'
keyring\t'The OS keyring (Secret Service, macOS Keychain, Windows Credential Manager)'
file\t'plex-auth\'s config.toml (the token is sealed; the key lives elsewhere)'"
complete -c plex-auth -n "__fish_plex_auth_using_subcommand token" -l key-file -d 'The 32-byte key that seals the token; remembered in config.toml when a token is sealed with it [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present (a systemd credential), else the remembered path, else <config-dir>/key]' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand token" -l state-dir -d 'Folder for the event log (events.jsonl) and validate\'s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand token" -l bazarr-config -d 'Bazarr\'s config.yaml to keep in sync (remembered once used)' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand token" -l bazarr-url -d 'Bazarr\'s own address, for --restart-bazarr and the running check (a Docker port mapping or a reverse proxy); trusted with Bazarr\'s API key as given, and remembered with the Bazarr file [default: the remembered one, else general.ip, general.port and general.base_url from its config.yaml]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand token" -l bazarr-restart-timeout -d 'Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand token" -l plex-url -d 'Base URL of the plex.tv API (https, or http on a loopback address) [default: https://plex.tv]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand token" -l app-url -d 'Base URL of the browser sign-in page [default: https://app.plex.tv/auth]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand token" -l request-timeout -d 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand token" -l color -d 'When to use colour [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c plex-auth -n "__fish_plex_auth_using_subcommand token" -l server -d 'Print the selected server\'s access token instead of the account\'s (asks plex.tv)'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand token" -l system -d 'Use the link for the whole machine, which root\'s commands and the system timer share: config.toml and the event log in /var/lib/plex-auth, the key in /etc/plex-auth/key (or the unit\'s credential), the token sealed in config.toml. Each of --config-dir, --state-dir, --key-file and --store still overrides its part'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand token" -l json -d 'Print one JSON document on stdout (NDJSON events for login)'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand token" -s q -l quiet -d 'Print nothing on success'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand token" -s v -l verbose -d 'Print more detail'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand token" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand token" -s V -l version -d 'Print version'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand log" -s n -l lines -d 'Show only the last N events' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand log" -l since -d 'Show only events since this long ago (2h, 7days), today, yesterday, a date (2026-01-31) or a UTC time (2026-01-31 08:00, 08:00 today), as the log shows times' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand log" -l config-dir -d 'Folder for plex-auth\'s own state (config.toml, key)' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand log" -l store -d 'Where the sealed token is kept' -r -f -a "auto\t'The OS keyring when one answers, else the config file; the choice is remembered'
keyring\t'The OS keyring (Secret Service, macOS Keychain, Windows Credential Manager)'
file\t'plex-auth\'s config.toml (the token is sealed; the key lives elsewhere)'"
complete -c plex-auth -n "__fish_plex_auth_using_subcommand log" -l key-file -d 'The 32-byte key that seals the token; remembered in config.toml when a token is sealed with it [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present (a systemd credential), else the remembered path, else <config-dir>/key]' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand log" -l state-dir -d 'Folder for the event log (events.jsonl) and validate\'s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand log" -l bazarr-config -d 'Bazarr\'s config.yaml to keep in sync (remembered once used)' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand log" -l bazarr-url -d 'Bazarr\'s own address, for --restart-bazarr and the running check (a Docker port mapping or a reverse proxy); trusted with Bazarr\'s API key as given, and remembered with the Bazarr file [default: the remembered one, else general.ip, general.port and general.base_url from its config.yaml]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand log" -l bazarr-restart-timeout -d 'Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand log" -l plex-url -d 'Base URL of the plex.tv API (https, or http on a loopback address) [default: https://plex.tv]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand log" -l app-url -d 'Base URL of the browser sign-in page [default: https://app.plex.tv/auth]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand log" -l request-timeout -d 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand log" -l color -d 'When to use colour [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c plex-auth -n "__fish_plex_auth_using_subcommand log" -l system -d 'Use the link for the whole machine, which root\'s commands and the system timer share: config.toml and the event log in /var/lib/plex-auth, the key in /etc/plex-auth/key (or the unit\'s credential), the token sealed in config.toml. Each of --config-dir, --state-dir, --key-file and --store still overrides its part'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand log" -l json -d 'Print one JSON document on stdout (NDJSON events for login)'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand log" -s q -l quiet -d 'Print nothing on success'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand log" -s v -l verbose -d 'Print more detail'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand log" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand log" -s V -l version -d 'Print version'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand completions" -l server-names -d 'Print the names of the servers plex-auth last saw that start with PREFIX, one per line, offline (what the scripts call for `plex-auth select <TAB>`)' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand completions" -l config-dir -d 'Folder for plex-auth\'s own state (config.toml, key)' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand completions" -l store -d 'Where the sealed token is kept' -r -f -a "auto\t'The OS keyring when one answers, else the config file; the choice is remembered'
keyring\t'The OS keyring (Secret Service, macOS Keychain, Windows Credential Manager)'
file\t'plex-auth\'s config.toml (the token is sealed; the key lives elsewhere)'"
complete -c plex-auth -n "__fish_plex_auth_using_subcommand completions" -l key-file -d 'The 32-byte key that seals the token; remembered in config.toml when a token is sealed with it [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present (a systemd credential), else the remembered path, else <config-dir>/key]' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand completions" -l state-dir -d 'Folder for the event log (events.jsonl) and validate\'s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand completions" -l bazarr-config -d 'Bazarr\'s config.yaml to keep in sync (remembered once used)' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand completions" -l bazarr-url -d 'Bazarr\'s own address, for --restart-bazarr and the running check (a Docker port mapping or a reverse proxy); trusted with Bazarr\'s API key as given, and remembered with the Bazarr file [default: the remembered one, else general.ip, general.port and general.base_url from its config.yaml]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand completions" -l bazarr-restart-timeout -d 'Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand completions" -l plex-url -d 'Base URL of the plex.tv API (https, or http on a loopback address) [default: https://plex.tv]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand completions" -l app-url -d 'Base URL of the browser sign-in page [default: https://app.plex.tv/auth]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand completions" -l request-timeout -d 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand completions" -l color -d 'When to use colour [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c plex-auth -n "__fish_plex_auth_using_subcommand completions" -l system -d 'Use the link for the whole machine, which root\'s commands and the system timer share: config.toml and the event log in /var/lib/plex-auth, the key in /etc/plex-auth/key (or the unit\'s credential), the token sealed in config.toml. Each of --config-dir, --state-dir, --key-file and --store still overrides its part'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand completions" -l json -d 'Print one JSON document on stdout (NDJSON events for login)'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand completions" -s q -l quiet -d 'Print nothing on success'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand completions" -s v -l verbose -d 'Print more detail'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand completions" -s V -l version -d 'Print version'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand man" -l config-dir -d 'Folder for plex-auth\'s own state (config.toml, key)' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand man" -l store -d 'Where the sealed token is kept' -r -f -a "auto\t'The OS keyring when one answers, else the config file; the choice is remembered'
keyring\t'The OS keyring (Secret Service, macOS Keychain, Windows Credential Manager)'
file\t'plex-auth\'s config.toml (the token is sealed; the key lives elsewhere)'"
complete -c plex-auth -n "__fish_plex_auth_using_subcommand man" -l key-file -d 'The 32-byte key that seals the token; remembered in config.toml when a token is sealed with it [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present (a systemd credential), else the remembered path, else <config-dir>/key]' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand man" -l state-dir -d 'Folder for the event log (events.jsonl) and validate\'s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand man" -l bazarr-config -d 'Bazarr\'s config.yaml to keep in sync (remembered once used)' -r -F
complete -c plex-auth -n "__fish_plex_auth_using_subcommand man" -l bazarr-url -d 'Bazarr\'s own address, for --restart-bazarr and the running check (a Docker port mapping or a reverse proxy); trusted with Bazarr\'s API key as given, and remembered with the Bazarr file [default: the remembered one, else general.ip, general.port and general.base_url from its config.yaml]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand man" -l bazarr-restart-timeout -d 'Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand man" -l plex-url -d 'Base URL of the plex.tv API (https, or http on a loopback address) [default: https://plex.tv]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand man" -l app-url -d 'Base URL of the browser sign-in page [default: https://app.plex.tv/auth]' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand man" -l request-timeout -d 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this' -r
complete -c plex-auth -n "__fish_plex_auth_using_subcommand man" -l color -d 'When to use colour [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c plex-auth -n "__fish_plex_auth_using_subcommand man" -l system -d 'Use the link for the whole machine, which root\'s commands and the system timer share: config.toml and the event log in /var/lib/plex-auth, the key in /etc/plex-auth/key (or the unit\'s credential), the token sealed in config.toml. Each of --config-dir, --state-dir, --key-file and --store still overrides its part'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand man" -l json -d 'Print one JSON document on stdout (NDJSON events for login)'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand man" -s q -l quiet -d 'Print nothing on success'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand man" -s v -l verbose -d 'Print more detail'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand man" -s V -l version -d 'Print version'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand help; and not __fish_seen_subcommand_from login status validate servers select logout migrate-apikey rotate-key apps token log completions man help" -f -a "login" -d 'Link a Plex account by PIN in the browser, or --with-token from stdin'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand help; and not __fish_seen_subcommand_from login status validate servers select logout migrate-apikey rotate-key apps token log completions man help" -f -a "status" -d 'Show what is stored, where, and whether it is in sync (offline)'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand help; and not __fish_seen_subcommand_from login status validate servers select logout migrate-apikey rotate-key apps token log completions man help" -f -a "validate" -d 'Ask plex.tv whether the stored token is still good (for cron)'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand help; and not __fish_seen_subcommand_from login status validate servers select logout migrate-apikey rotate-key apps token log completions man help" -f -a "servers" -d 'List the account\'s servers, probing every connection at once'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand help; and not __fish_seen_subcommand_from login status validate servers select logout migrate-apikey rotate-key apps token log completions man help" -f -a "select" -d 'Choose the server to use (by name, machine id or list number) after testing it'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand help; and not __fish_seen_subcommand_from login status validate servers select logout migrate-apikey rotate-key apps token log completions man help" -f -a "logout" -d 'Forget the token here (and in Bazarr); --revoke also signs it out at plex.tv'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand help; and not __fish_seen_subcommand_from login status validate servers select logout migrate-apikey rotate-key apps token log completions man help" -f -a "migrate-apikey" -d 'Turn Bazarr\'s legacy plex.apikey into a managed token (for install scripts)'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand help; and not __fish_seen_subcommand_from login status validate servers select logout migrate-apikey rotate-key apps token log completions man help" -f -a "rotate-key" -d 'Replace the key that seals the token with a new one, crash-safely'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand help; and not __fish_seen_subcommand_from login status validate servers select logout migrate-apikey rotate-key apps token log completions man help" -f -a "apps" -d 'Keep other apps on this host (Tautulli, Kometa, PlexTraktSync) on the same link'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand help; and not __fish_seen_subcommand_from login status validate servers select logout migrate-apikey rotate-key apps token log completions man help" -f -a "token" -d 'Print the stored token (or the selected server\'s) on stdout, for other tools'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand help; and not __fish_seen_subcommand_from login status validate servers select logout migrate-apikey rotate-key apps token log completions man help" -f -a "log" -d 'Show the authentication event log (never holds a token or a key)'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand help; and not __fish_seen_subcommand_from login status validate servers select logout migrate-apikey rotate-key apps token log completions man help" -f -a "completions" -d 'Print a shell completion script'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand help; and not __fish_seen_subcommand_from login status validate servers select logout migrate-apikey rotate-key apps token log completions man help" -f -a "man" -d 'Print a man page (plex-auth\'s, or a subcommand\'s)'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand help; and not __fish_seen_subcommand_from login status validate servers select logout migrate-apikey rotate-key apps token log completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand help; and __fish_seen_subcommand_from apps" -f -a "add" -d 'Register an app: read its file now and say what it holds'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand help; and __fish_seen_subcommand_from apps" -f -a "list" -d 'List the registered apps and whether each holds the link (offline)'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand help; and __fish_seen_subcommand_from apps" -f -a "remove" -d 'Forget an app; nothing in the app changes'
complete -c plex-auth -n "__fish_plex_auth_using_subcommand help; and __fish_seen_subcommand_from apps" -f -a "sync" -d 'Give the apps named (or every app) the current link and the selected server'
# Server names for `plex-auth select <TAB>`, from the last list plex-auth saw (no network).
complete -c plex-auth -n "__fish_plex_auth_using_subcommand select" -f -a "(plex-auth completions --server-names (commandline -ct) 2>/dev/null)"
