
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'plex-auth' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'plex-auth'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'plex-auth' {
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Folder for plex-auth''s own state (config.toml, key)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where the sealed token is kept')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The 32-byte key that seals the token; remembered in config.toml when a token is sealed with it [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present (a systemd credential), else the remembered path, else <config-dir>/key]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for the event log (events.jsonl) and validate''s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]')
            [CompletionResult]::new('--bazarr-config', '--bazarr-config', [CompletionResultType]::ParameterName, 'Bazarr''s config.yaml to keep in sync (remembered once used)')
            [CompletionResult]::new('--bazarr-url', '--bazarr-url', [CompletionResultType]::ParameterName, 'Bazarr''s own address, for --restart-bazarr and the running check (a Docker port mapping or a reverse proxy); trusted with Bazarr''s API key as given, and remembered with the Bazarr file [default: the remembered one, else general.ip, general.port and general.base_url from its config.yaml]')
            [CompletionResult]::new('--bazarr-restart-timeout', '--bazarr-restart-timeout', [CompletionResultType]::ParameterName, 'Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)')
            [CompletionResult]::new('--plex-url', '--plex-url', [CompletionResultType]::ParameterName, 'Base URL of the plex.tv API (https, or http on a loopback address) [default: https://plex.tv]')
            [CompletionResult]::new('--app-url', '--app-url', [CompletionResultType]::ParameterName, 'Base URL of the browser sign-in page [default: https://app.plex.tv/auth]')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--system', '--system', [CompletionResultType]::ParameterName, 'Use the link for the whole machine, which root''s commands and the system timer share: config.toml and the event log in /var/lib/plex-auth, the key in /etc/plex-auth/key (or the unit''s credential), the token sealed in config.toml. Each of --config-dir, --state-dir, --key-file and --store still overrides its part')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (NDJSON events for login)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Link a Plex account by PIN in the browser, or --with-token from stdin')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show what is stored, where, and whether it is in sync (offline)')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Ask plex.tv whether the stored token is still good (for cron)')
            [CompletionResult]::new('servers', 'servers', [CompletionResultType]::ParameterValue, 'List the account''s servers, probing every connection at once')
            [CompletionResult]::new('select', 'select', [CompletionResultType]::ParameterValue, 'Choose the server to use (by name, machine id or list number) after testing it')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Forget the token here (and in Bazarr); --revoke also signs it out at plex.tv')
            [CompletionResult]::new('migrate-apikey', 'migrate-apikey', [CompletionResultType]::ParameterValue, 'Turn Bazarr''s legacy plex.apikey into a managed token (for install scripts)')
            [CompletionResult]::new('rotate-key', 'rotate-key', [CompletionResultType]::ParameterValue, 'Replace the key that seals the token with a new one, crash-safely')
            [CompletionResult]::new('apps', 'apps', [CompletionResultType]::ParameterValue, 'Keep other apps on this host (Tautulli, Kometa, PlexTraktSync) on the same link')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Print the stored token (or the selected server''s) on stdout, for other tools')
            [CompletionResult]::new('log', 'log', [CompletionResultType]::ParameterValue, 'Show the authentication event log (never holds a token or a key)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print a man page (plex-auth''s, or a subcommand''s)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'plex-auth;login' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Stop waiting for the PIN to be approved after this many seconds in all (exit 7) [default: when the PIN expires]')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Folder for plex-auth''s own state (config.toml, key)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where the sealed token is kept')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The 32-byte key that seals the token; remembered in config.toml when a token is sealed with it [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present (a systemd credential), else the remembered path, else <config-dir>/key]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for the event log (events.jsonl) and validate''s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]')
            [CompletionResult]::new('--bazarr-config', '--bazarr-config', [CompletionResultType]::ParameterName, 'Bazarr''s config.yaml to keep in sync (remembered once used)')
            [CompletionResult]::new('--bazarr-url', '--bazarr-url', [CompletionResultType]::ParameterName, 'Bazarr''s own address, for --restart-bazarr and the running check (a Docker port mapping or a reverse proxy); trusted with Bazarr''s API key as given, and remembered with the Bazarr file [default: the remembered one, else general.ip, general.port and general.base_url from its config.yaml]')
            [CompletionResult]::new('--bazarr-restart-timeout', '--bazarr-restart-timeout', [CompletionResultType]::ParameterName, 'Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)')
            [CompletionResult]::new('--plex-url', '--plex-url', [CompletionResultType]::ParameterName, 'Base URL of the plex.tv API (https, or http on a loopback address) [default: https://plex.tv]')
            [CompletionResult]::new('--app-url', '--app-url', [CompletionResultType]::ParameterName, 'Base URL of the browser sign-in page [default: https://app.plex.tv/auth]')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Link again even when a valid token is stored')
            [CompletionResult]::new('--with-token', '--with-token', [CompletionResultType]::ParameterName, 'Read a token from standard input instead of running the PIN flow (on a terminal: asked for, and not shown as it is pasted)')
            [CompletionResult]::new('--from-bazarr', '--from-bazarr', [CompletionResultType]::ParameterName, 'Adopt the Plex link made in Bazarr''s web UI: open the signed token in Bazarr''s file (--bazarr-config, the remembered file, or the one found in the usual places), check it at plex.tv and store it here')
            [CompletionResult]::new('--no-browser', '--no-browser', [CompletionResultType]::ParameterName, 'Do not open a browser; print the link only')
            [CompletionResult]::new('--short-code', '--short-code', [CompletionResultType]::ParameterName, 'Use a 4-character code to enter at plex.tv/link instead of a long link [default where no browser can be opened (SSH, no display), except with --json]')
            [CompletionResult]::new('--link', '--link', [CompletionResultType]::ParameterName, 'Use the long sign-in link even where no browser can be opened')
            [CompletionResult]::new('--qr', '--qr', [CompletionResultType]::ParameterName, 'Also show the sign-in link as a QR code, to scan with a phone (uses the long link)')
            [CompletionResult]::new('--no-select', '--no-select', [CompletionResultType]::ParameterName, 'Do not offer to choose a server afterwards')
            [CompletionResult]::new('--restart-bazarr', '--restart-bazarr', [CompletionResultType]::ParameterName, 'Restart a running Bazarr through its API afterwards and check that it runs on the new Plex settings (exit 5 when it cannot be reached or does not come back)')
            [CompletionResult]::new('--system', '--system', [CompletionResultType]::ParameterName, 'Use the link for the whole machine, which root''s commands and the system timer share: config.toml and the event log in /var/lib/plex-auth, the key in /etc/plex-auth/key (or the unit''s credential), the token sealed in config.toml. Each of --config-dir, --state-dir, --key-file and --store still overrides its part')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (NDJSON events for login)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'plex-auth;status' {
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Folder for plex-auth''s own state (config.toml, key)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where the sealed token is kept')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The 32-byte key that seals the token; remembered in config.toml when a token is sealed with it [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present (a systemd credential), else the remembered path, else <config-dir>/key]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for the event log (events.jsonl) and validate''s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]')
            [CompletionResult]::new('--bazarr-config', '--bazarr-config', [CompletionResultType]::ParameterName, 'Bazarr''s config.yaml to keep in sync (remembered once used)')
            [CompletionResult]::new('--bazarr-url', '--bazarr-url', [CompletionResultType]::ParameterName, 'Bazarr''s own address, for --restart-bazarr and the running check (a Docker port mapping or a reverse proxy); trusted with Bazarr''s API key as given, and remembered with the Bazarr file [default: the remembered one, else general.ip, general.port and general.base_url from its config.yaml]')
            [CompletionResult]::new('--bazarr-restart-timeout', '--bazarr-restart-timeout', [CompletionResultType]::ParameterName, 'Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)')
            [CompletionResult]::new('--plex-url', '--plex-url', [CompletionResultType]::ParameterName, 'Base URL of the plex.tv API (https, or http on a loopback address) [default: https://plex.tv]')
            [CompletionResult]::new('--app-url', '--app-url', [CompletionResultType]::ParameterName, 'Base URL of the browser sign-in page [default: https://app.plex.tv/auth]')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--system', '--system', [CompletionResultType]::ParameterName, 'Use the link for the whole machine, which root''s commands and the system timer share: config.toml and the event log in /var/lib/plex-auth, the key in /etc/plex-auth/key (or the unit''s credential), the token sealed in config.toml. Each of --config-dir, --state-dir, --key-file and --store still overrides its part')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (NDJSON events for login)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'plex-auth;validate' {
            [CompletionResult]::new('--probe-timeout', '--probe-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each server connection probe (all are probed at once)')
            [CompletionResult]::new('--max-key-age', '--max-key-age', [CompletionResultType]::ParameterName, 'Warn (without failing) when the key is older than this many days; 0 never warns')
            [CompletionResult]::new('--metrics-file', '--metrics-file', [CompletionResultType]::ParameterName, 'Also write Prometheus metrics to this file (node_exporter''s textfile collector), whatever the result')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Folder for plex-auth''s own state (config.toml, key)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where the sealed token is kept')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The 32-byte key that seals the token; remembered in config.toml when a token is sealed with it [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present (a systemd credential), else the remembered path, else <config-dir>/key]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for the event log (events.jsonl) and validate''s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]')
            [CompletionResult]::new('--bazarr-config', '--bazarr-config', [CompletionResultType]::ParameterName, 'Bazarr''s config.yaml to keep in sync (remembered once used)')
            [CompletionResult]::new('--bazarr-url', '--bazarr-url', [CompletionResultType]::ParameterName, 'Bazarr''s own address, for --restart-bazarr and the running check (a Docker port mapping or a reverse proxy); trusted with Bazarr''s API key as given, and remembered with the Bazarr file [default: the remembered one, else general.ip, general.port and general.base_url from its config.yaml]')
            [CompletionResult]::new('--bazarr-restart-timeout', '--bazarr-restart-timeout', [CompletionResultType]::ParameterName, 'Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)')
            [CompletionResult]::new('--plex-url', '--plex-url', [CompletionResultType]::ParameterName, 'Base URL of the plex.tv API (https, or http on a loopback address) [default: https://plex.tv]')
            [CompletionResult]::new('--app-url', '--app-url', [CompletionResultType]::ParameterName, 'Base URL of the browser sign-in page [default: https://app.plex.tv/auth]')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Also check that the selected server answers')
            [CompletionResult]::new('--restart-bazarr', '--restart-bazarr', [CompletionResultType]::ParameterName, 'Restart a running Bazarr through its API afterwards and check that it runs on the new Plex settings (exit 5 when it cannot be reached or does not come back)')
            [CompletionResult]::new('--system', '--system', [CompletionResultType]::ParameterName, 'Use the link for the whole machine, which root''s commands and the system timer share: config.toml and the event log in /var/lib/plex-auth, the key in /etc/plex-auth/key (or the unit''s credential), the token sealed in config.toml. Each of --config-dir, --state-dir, --key-file and --store still overrides its part')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (NDJSON events for login)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'plex-auth;servers' {
            [CompletionResult]::new('--probe-timeout', '--probe-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each server connection probe (all are probed at once)')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Folder for plex-auth''s own state (config.toml, key)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where the sealed token is kept')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The 32-byte key that seals the token; remembered in config.toml when a token is sealed with it [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present (a systemd credential), else the remembered path, else <config-dir>/key]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for the event log (events.jsonl) and validate''s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]')
            [CompletionResult]::new('--bazarr-config', '--bazarr-config', [CompletionResultType]::ParameterName, 'Bazarr''s config.yaml to keep in sync (remembered once used)')
            [CompletionResult]::new('--bazarr-url', '--bazarr-url', [CompletionResultType]::ParameterName, 'Bazarr''s own address, for --restart-bazarr and the running check (a Docker port mapping or a reverse proxy); trusted with Bazarr''s API key as given, and remembered with the Bazarr file [default: the remembered one, else general.ip, general.port and general.base_url from its config.yaml]')
            [CompletionResult]::new('--bazarr-restart-timeout', '--bazarr-restart-timeout', [CompletionResultType]::ParameterName, 'Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)')
            [CompletionResult]::new('--plex-url', '--plex-url', [CompletionResultType]::ParameterName, 'Base URL of the plex.tv API (https, or http on a loopback address) [default: https://plex.tv]')
            [CompletionResult]::new('--app-url', '--app-url', [CompletionResultType]::ParameterName, 'Base URL of the browser sign-in page [default: https://app.plex.tv/auth]')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--system', '--system', [CompletionResultType]::ParameterName, 'Use the link for the whole machine, which root''s commands and the system timer share: config.toml and the event log in /var/lib/plex-auth, the key in /etc/plex-auth/key (or the unit''s credential), the token sealed in config.toml. Each of --config-dir, --state-dir, --key-file and --store still overrides its part')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (NDJSON events for login)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'plex-auth;select' {
            [CompletionResult]::new('--probe-timeout', '--probe-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each server connection probe (all are probed at once)')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Folder for plex-auth''s own state (config.toml, key)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where the sealed token is kept')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The 32-byte key that seals the token; remembered in config.toml when a token is sealed with it [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present (a systemd credential), else the remembered path, else <config-dir>/key]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for the event log (events.jsonl) and validate''s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]')
            [CompletionResult]::new('--bazarr-config', '--bazarr-config', [CompletionResultType]::ParameterName, 'Bazarr''s config.yaml to keep in sync (remembered once used)')
            [CompletionResult]::new('--bazarr-url', '--bazarr-url', [CompletionResultType]::ParameterName, 'Bazarr''s own address, for --restart-bazarr and the running check (a Docker port mapping or a reverse proxy); trusted with Bazarr''s API key as given, and remembered with the Bazarr file [default: the remembered one, else general.ip, general.port and general.base_url from its config.yaml]')
            [CompletionResult]::new('--bazarr-restart-timeout', '--bazarr-restart-timeout', [CompletionResultType]::ParameterName, 'Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)')
            [CompletionResult]::new('--plex-url', '--plex-url', [CompletionResultType]::ParameterName, 'Base URL of the plex.tv API (https, or http on a loopback address) [default: https://plex.tv]')
            [CompletionResult]::new('--app-url', '--app-url', [CompletionResultType]::ParameterName, 'Base URL of the browser sign-in page [default: https://app.plex.tv/auth]')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Accept this server''s certificate even when it does not verify (self-signed)')
            [CompletionResult]::new('--restart-bazarr', '--restart-bazarr', [CompletionResultType]::ParameterName, 'Restart a running Bazarr through its API afterwards and check that it runs on the new Plex settings (exit 5 when it cannot be reached or does not come back)')
            [CompletionResult]::new('--system', '--system', [CompletionResultType]::ParameterName, 'Use the link for the whole machine, which root''s commands and the system timer share: config.toml and the event log in /var/lib/plex-auth, the key in /etc/plex-auth/key (or the unit''s credential), the token sealed in config.toml. Each of --config-dir, --state-dir, --key-file and --store still overrides its part')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (NDJSON events for login)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'plex-auth;logout' {
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Folder for plex-auth''s own state (config.toml, key)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where the sealed token is kept')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The 32-byte key that seals the token; remembered in config.toml when a token is sealed with it [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present (a systemd credential), else the remembered path, else <config-dir>/key]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for the event log (events.jsonl) and validate''s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]')
            [CompletionResult]::new('--bazarr-config', '--bazarr-config', [CompletionResultType]::ParameterName, 'Bazarr''s config.yaml to keep in sync (remembered once used)')
            [CompletionResult]::new('--bazarr-url', '--bazarr-url', [CompletionResultType]::ParameterName, 'Bazarr''s own address, for --restart-bazarr and the running check (a Docker port mapping or a reverse proxy); trusted with Bazarr''s API key as given, and remembered with the Bazarr file [default: the remembered one, else general.ip, general.port and general.base_url from its config.yaml]')
            [CompletionResult]::new('--bazarr-restart-timeout', '--bazarr-restart-timeout', [CompletionResultType]::ParameterName, 'Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)')
            [CompletionResult]::new('--plex-url', '--plex-url', [CompletionResultType]::ParameterName, 'Base URL of the plex.tv API (https, or http on a loopback address) [default: https://plex.tv]')
            [CompletionResult]::new('--app-url', '--app-url', [CompletionResultType]::ParameterName, 'Base URL of the browser sign-in page [default: https://app.plex.tv/auth]')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--revoke', '--revoke', [CompletionResultType]::ParameterName, 'Also sign the token out at plex.tv, so it stops working everywhere. First: when plex.tv cannot be reached, nothing is forgotten (exit 5), so the revoke can be retried')
            [CompletionResult]::new('--clear-apikey', '--clear-apikey', [CompletionResultType]::ParameterName, 'Also clear plex.apikey in Bazarr''s file when a Bazarr 1.5.2 or older still signs in with it (kept otherwise, so that Bazarr keeps working; cleared anyway with --revoke)')
            [CompletionResult]::new('--apps', '--apps', [CompletionResultType]::ParameterName, 'Also clear the token in every registered app''s file (`plex-auth apps list`), as each app''s own sign-out does; without it the apps are left holding their tokens, and said')
            [CompletionResult]::new('--restart-bazarr', '--restart-bazarr', [CompletionResultType]::ParameterName, 'Restart a running Bazarr through its API afterwards and check that it runs on the new Plex settings (exit 5 when it cannot be reached or does not come back)')
            [CompletionResult]::new('--system', '--system', [CompletionResultType]::ParameterName, 'Use the link for the whole machine, which root''s commands and the system timer share: config.toml and the event log in /var/lib/plex-auth, the key in /etc/plex-auth/key (or the unit''s credential), the token sealed in config.toml. Each of --config-dir, --state-dir, --key-file and --store still overrides its part')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (NDJSON events for login)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'plex-auth;migrate-apikey' {
            [CompletionResult]::new('--probe-timeout', '--probe-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each server connection probe (all are probed at once)')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Folder for plex-auth''s own state (config.toml, key)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where the sealed token is kept')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The 32-byte key that seals the token; remembered in config.toml when a token is sealed with it [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present (a systemd credential), else the remembered path, else <config-dir>/key]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for the event log (events.jsonl) and validate''s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]')
            [CompletionResult]::new('--bazarr-config', '--bazarr-config', [CompletionResultType]::ParameterName, 'Bazarr''s config.yaml to keep in sync (remembered once used)')
            [CompletionResult]::new('--bazarr-url', '--bazarr-url', [CompletionResultType]::ParameterName, 'Bazarr''s own address, for --restart-bazarr and the running check (a Docker port mapping or a reverse proxy); trusted with Bazarr''s API key as given, and remembered with the Bazarr file [default: the remembered one, else general.ip, general.port and general.base_url from its config.yaml]')
            [CompletionResult]::new('--bazarr-restart-timeout', '--bazarr-restart-timeout', [CompletionResultType]::ParameterName, 'Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)')
            [CompletionResult]::new('--plex-url', '--plex-url', [CompletionResultType]::ParameterName, 'Base URL of the plex.tv API (https, or http on a loopback address) [default: https://plex.tv]')
            [CompletionResult]::new('--app-url', '--app-url', [CompletionResultType]::ParameterName, 'Base URL of the browser sign-in page [default: https://app.plex.tv/auth]')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show the change as a diff and write nothing')
            [CompletionResult]::new('--restart-bazarr', '--restart-bazarr', [CompletionResultType]::ParameterName, 'Restart a running Bazarr through its API afterwards and check that it runs on the new Plex settings (exit 5 when it cannot be reached or does not come back)')
            [CompletionResult]::new('--system', '--system', [CompletionResultType]::ParameterName, 'Use the link for the whole machine, which root''s commands and the system timer share: config.toml and the event log in /var/lib/plex-auth, the key in /etc/plex-auth/key (or the unit''s credential), the token sealed in config.toml. Each of --config-dir, --state-dir, --key-file and --store still overrides its part')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (NDJSON events for login)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'plex-auth;rotate-key' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Move the key to this new file (on another disk than the token, say) and rotate it there: later runs find it there, and the old key file is removed')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Folder for plex-auth''s own state (config.toml, key)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where the sealed token is kept')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The 32-byte key that seals the token; remembered in config.toml when a token is sealed with it [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present (a systemd credential), else the remembered path, else <config-dir>/key]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for the event log (events.jsonl) and validate''s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]')
            [CompletionResult]::new('--bazarr-config', '--bazarr-config', [CompletionResultType]::ParameterName, 'Bazarr''s config.yaml to keep in sync (remembered once used)')
            [CompletionResult]::new('--bazarr-url', '--bazarr-url', [CompletionResultType]::ParameterName, 'Bazarr''s own address, for --restart-bazarr and the running check (a Docker port mapping or a reverse proxy); trusted with Bazarr''s API key as given, and remembered with the Bazarr file [default: the remembered one, else general.ip, general.port and general.base_url from its config.yaml]')
            [CompletionResult]::new('--bazarr-restart-timeout', '--bazarr-restart-timeout', [CompletionResultType]::ParameterName, 'Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)')
            [CompletionResult]::new('--plex-url', '--plex-url', [CompletionResultType]::ParameterName, 'Base URL of the plex.tv API (https, or http on a loopback address) [default: https://plex.tv]')
            [CompletionResult]::new('--app-url', '--app-url', [CompletionResultType]::ParameterName, 'Base URL of the browser sign-in page [default: https://app.plex.tv/auth]')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--system', '--system', [CompletionResultType]::ParameterName, 'Use the link for the whole machine, which root''s commands and the system timer share: config.toml and the event log in /var/lib/plex-auth, the key in /etc/plex-auth/key (or the unit''s credential), the token sealed in config.toml. Each of --config-dir, --state-dir, --key-file and --store still overrides its part')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (NDJSON events for login)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'plex-auth;apps' {
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Folder for plex-auth''s own state (config.toml, key)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where the sealed token is kept')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The 32-byte key that seals the token; remembered in config.toml when a token is sealed with it [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present (a systemd credential), else the remembered path, else <config-dir>/key]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for the event log (events.jsonl) and validate''s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]')
            [CompletionResult]::new('--bazarr-config', '--bazarr-config', [CompletionResultType]::ParameterName, 'Bazarr''s config.yaml to keep in sync (remembered once used)')
            [CompletionResult]::new('--bazarr-url', '--bazarr-url', [CompletionResultType]::ParameterName, 'Bazarr''s own address, for --restart-bazarr and the running check (a Docker port mapping or a reverse proxy); trusted with Bazarr''s API key as given, and remembered with the Bazarr file [default: the remembered one, else general.ip, general.port and general.base_url from its config.yaml]')
            [CompletionResult]::new('--bazarr-restart-timeout', '--bazarr-restart-timeout', [CompletionResultType]::ParameterName, 'Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)')
            [CompletionResult]::new('--plex-url', '--plex-url', [CompletionResultType]::ParameterName, 'Base URL of the plex.tv API (https, or http on a loopback address) [default: https://plex.tv]')
            [CompletionResult]::new('--app-url', '--app-url', [CompletionResultType]::ParameterName, 'Base URL of the browser sign-in page [default: https://app.plex.tv/auth]')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--system', '--system', [CompletionResultType]::ParameterName, 'Use the link for the whole machine, which root''s commands and the system timer share: config.toml and the event log in /var/lib/plex-auth, the key in /etc/plex-auth/key (or the unit''s credential), the token sealed in config.toml. Each of --config-dir, --state-dir, --key-file and --store still overrides its part')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (NDJSON events for login)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Register an app: read its file now and say what it holds')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the registered apps and whether each holds the link (offline)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Forget an app; nothing in the app changes')
            [CompletionResult]::new('sync', 'sync', [CompletionResultType]::ParameterValue, 'Give the apps named (or every app) the current link and the selected server')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'plex-auth;apps;add' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'The name plex-auth knows it by [default: the kind, then kind-2, kind-3 and so on]')
            [CompletionResult]::new('--config-xml', '--config-xml', [CompletionResultType]::ParameterName, 'sonarr, radarr: the app''s config.xml, whose API key is read each time (never stored by plex-auth, sent only to LOCATION, the app''s address)')
            [CompletionResult]::new('--api-key-file', '--api-key-file', [CompletionResultType]::ParameterName, 'sonarr, radarr: a file holding only the app''s API key (Settings, General), read each time; never give a key on the command line')
            [CompletionResult]::new('--settings-json', '--settings-json', [CompletionResultType]::ParameterName, 'overseerr, jellyseerr: its settings.json, read for the Plex server it uses; on this machine its owner must hold the app''s port before a token is sent there [default: the user running plex-auth must]')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Folder for plex-auth''s own state (config.toml, key)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where the sealed token is kept')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The 32-byte key that seals the token; remembered in config.toml when a token is sealed with it [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present (a systemd credential), else the remembered path, else <config-dir>/key]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for the event log (events.jsonl) and validate''s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]')
            [CompletionResult]::new('--bazarr-config', '--bazarr-config', [CompletionResultType]::ParameterName, 'Bazarr''s config.yaml to keep in sync (remembered once used)')
            [CompletionResult]::new('--bazarr-url', '--bazarr-url', [CompletionResultType]::ParameterName, 'Bazarr''s own address, for --restart-bazarr and the running check (a Docker port mapping or a reverse proxy); trusted with Bazarr''s API key as given, and remembered with the Bazarr file [default: the remembered one, else general.ip, general.port and general.base_url from its config.yaml]')
            [CompletionResult]::new('--bazarr-restart-timeout', '--bazarr-restart-timeout', [CompletionResultType]::ParameterName, 'Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)')
            [CompletionResult]::new('--plex-url', '--plex-url', [CompletionResultType]::ParameterName, 'Base URL of the plex.tv API (https, or http on a loopback address) [default: https://plex.tv]')
            [CompletionResult]::new('--app-url', '--app-url', [CompletionResultType]::ParameterName, 'Base URL of the browser sign-in page [default: https://app.plex.tv/auth]')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--system', '--system', [CompletionResultType]::ParameterName, 'Use the link for the whole machine, which root''s commands and the system timer share: config.toml and the event log in /var/lib/plex-auth, the key in /etc/plex-auth/key (or the unit''s credential), the token sealed in config.toml. Each of --config-dir, --state-dir, --key-file and --store still overrides its part')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (NDJSON events for login)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'plex-auth;apps;list' {
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Folder for plex-auth''s own state (config.toml, key)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where the sealed token is kept')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The 32-byte key that seals the token; remembered in config.toml when a token is sealed with it [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present (a systemd credential), else the remembered path, else <config-dir>/key]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for the event log (events.jsonl) and validate''s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]')
            [CompletionResult]::new('--bazarr-config', '--bazarr-config', [CompletionResultType]::ParameterName, 'Bazarr''s config.yaml to keep in sync (remembered once used)')
            [CompletionResult]::new('--bazarr-url', '--bazarr-url', [CompletionResultType]::ParameterName, 'Bazarr''s own address, for --restart-bazarr and the running check (a Docker port mapping or a reverse proxy); trusted with Bazarr''s API key as given, and remembered with the Bazarr file [default: the remembered one, else general.ip, general.port and general.base_url from its config.yaml]')
            [CompletionResult]::new('--bazarr-restart-timeout', '--bazarr-restart-timeout', [CompletionResultType]::ParameterName, 'Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)')
            [CompletionResult]::new('--plex-url', '--plex-url', [CompletionResultType]::ParameterName, 'Base URL of the plex.tv API (https, or http on a loopback address) [default: https://plex.tv]')
            [CompletionResult]::new('--app-url', '--app-url', [CompletionResultType]::ParameterName, 'Base URL of the browser sign-in page [default: https://app.plex.tv/auth]')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Also ask whether each app''s token still works: plex.tv for a token in a file (under the app''s own identity, all at once), Sonarr''s and Radarr''s own test for theirs; one signed out shows as `revoked`')
            [CompletionResult]::new('--system', '--system', [CompletionResultType]::ParameterName, 'Use the link for the whole machine, which root''s commands and the system timer share: config.toml and the event log in /var/lib/plex-auth, the key in /etc/plex-auth/key (or the unit''s credential), the token sealed in config.toml. Each of --config-dir, --state-dir, --key-file and --store still overrides its part')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (NDJSON events for login)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'plex-auth;apps;remove' {
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Folder for plex-auth''s own state (config.toml, key)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where the sealed token is kept')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The 32-byte key that seals the token; remembered in config.toml when a token is sealed with it [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present (a systemd credential), else the remembered path, else <config-dir>/key]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for the event log (events.jsonl) and validate''s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]')
            [CompletionResult]::new('--bazarr-config', '--bazarr-config', [CompletionResultType]::ParameterName, 'Bazarr''s config.yaml to keep in sync (remembered once used)')
            [CompletionResult]::new('--bazarr-url', '--bazarr-url', [CompletionResultType]::ParameterName, 'Bazarr''s own address, for --restart-bazarr and the running check (a Docker port mapping or a reverse proxy); trusted with Bazarr''s API key as given, and remembered with the Bazarr file [default: the remembered one, else general.ip, general.port and general.base_url from its config.yaml]')
            [CompletionResult]::new('--bazarr-restart-timeout', '--bazarr-restart-timeout', [CompletionResultType]::ParameterName, 'Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)')
            [CompletionResult]::new('--plex-url', '--plex-url', [CompletionResultType]::ParameterName, 'Base URL of the plex.tv API (https, or http on a loopback address) [default: https://plex.tv]')
            [CompletionResult]::new('--app-url', '--app-url', [CompletionResultType]::ParameterName, 'Base URL of the browser sign-in page [default: https://app.plex.tv/auth]')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--revoke', '--revoke', [CompletionResultType]::ParameterName, 'Also sign the app''s own token out at plex.tv first (its device, alone); when plex.tv cannot be reached, nothing is forgotten (exit 5)')
            [CompletionResult]::new('--system', '--system', [CompletionResultType]::ParameterName, 'Use the link for the whole machine, which root''s commands and the system timer share: config.toml and the event log in /var/lib/plex-auth, the key in /etc/plex-auth/key (or the unit''s credential), the token sealed in config.toml. Each of --config-dir, --state-dir, --key-file and --store still overrides its part')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (NDJSON events for login)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'plex-auth;apps;sync' {
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Folder for plex-auth''s own state (config.toml, key)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where the sealed token is kept')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The 32-byte key that seals the token; remembered in config.toml when a token is sealed with it [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present (a systemd credential), else the remembered path, else <config-dir>/key]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for the event log (events.jsonl) and validate''s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]')
            [CompletionResult]::new('--bazarr-config', '--bazarr-config', [CompletionResultType]::ParameterName, 'Bazarr''s config.yaml to keep in sync (remembered once used)')
            [CompletionResult]::new('--bazarr-url', '--bazarr-url', [CompletionResultType]::ParameterName, 'Bazarr''s own address, for --restart-bazarr and the running check (a Docker port mapping or a reverse proxy); trusted with Bazarr''s API key as given, and remembered with the Bazarr file [default: the remembered one, else general.ip, general.port and general.base_url from its config.yaml]')
            [CompletionResult]::new('--bazarr-restart-timeout', '--bazarr-restart-timeout', [CompletionResultType]::ParameterName, 'Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)')
            [CompletionResult]::new('--plex-url', '--plex-url', [CompletionResultType]::ParameterName, 'Base URL of the plex.tv API (https, or http on a loopback address) [default: https://plex.tv]')
            [CompletionResult]::new('--app-url', '--app-url', [CompletionResultType]::ParameterName, 'Base URL of the browser sign-in page [default: https://app.plex.tv/auth]')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show each app''s change as a diff (a new token shown as a placeholder) and write, mint and send nothing')
            [CompletionResult]::new('--system', '--system', [CompletionResultType]::ParameterName, 'Use the link for the whole machine, which root''s commands and the system timer share: config.toml and the event log in /var/lib/plex-auth, the key in /etc/plex-auth/key (or the unit''s credential), the token sealed in config.toml. Each of --config-dir, --state-dir, --key-file and --store still overrides its part')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (NDJSON events for login)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'plex-auth;apps;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Register an app: read its file now and say what it holds')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the registered apps and whether each holds the link (offline)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Forget an app; nothing in the app changes')
            [CompletionResult]::new('sync', 'sync', [CompletionResultType]::ParameterValue, 'Give the apps named (or every app) the current link and the selected server')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'plex-auth;apps;help;add' {
            break
        }
        'plex-auth;apps;help;list' {
            break
        }
        'plex-auth;apps;help;remove' {
            break
        }
        'plex-auth;apps;help;sync' {
            break
        }
        'plex-auth;apps;help;help' {
            break
        }
        'plex-auth;token' {
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Folder for plex-auth''s own state (config.toml, key)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where the sealed token is kept')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The 32-byte key that seals the token; remembered in config.toml when a token is sealed with it [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present (a systemd credential), else the remembered path, else <config-dir>/key]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for the event log (events.jsonl) and validate''s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]')
            [CompletionResult]::new('--bazarr-config', '--bazarr-config', [CompletionResultType]::ParameterName, 'Bazarr''s config.yaml to keep in sync (remembered once used)')
            [CompletionResult]::new('--bazarr-url', '--bazarr-url', [CompletionResultType]::ParameterName, 'Bazarr''s own address, for --restart-bazarr and the running check (a Docker port mapping or a reverse proxy); trusted with Bazarr''s API key as given, and remembered with the Bazarr file [default: the remembered one, else general.ip, general.port and general.base_url from its config.yaml]')
            [CompletionResult]::new('--bazarr-restart-timeout', '--bazarr-restart-timeout', [CompletionResultType]::ParameterName, 'Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)')
            [CompletionResult]::new('--plex-url', '--plex-url', [CompletionResultType]::ParameterName, 'Base URL of the plex.tv API (https, or http on a loopback address) [default: https://plex.tv]')
            [CompletionResult]::new('--app-url', '--app-url', [CompletionResultType]::ParameterName, 'Base URL of the browser sign-in page [default: https://app.plex.tv/auth]')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Print the selected server''s access token instead of the account''s (asks plex.tv)')
            [CompletionResult]::new('--system', '--system', [CompletionResultType]::ParameterName, 'Use the link for the whole machine, which root''s commands and the system timer share: config.toml and the event log in /var/lib/plex-auth, the key in /etc/plex-auth/key (or the unit''s credential), the token sealed in config.toml. Each of --config-dir, --state-dir, --key-file and --store still overrides its part')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (NDJSON events for login)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'plex-auth;log' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Show only the last N events')
            [CompletionResult]::new('--lines', '--lines', [CompletionResultType]::ParameterName, 'Show only the last N events')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Show only events since this long ago (2h, 7days), today, yesterday, a date (2026-01-31) or a UTC time (2026-01-31 08:00, 08:00 today), as the log shows times')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Folder for plex-auth''s own state (config.toml, key)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where the sealed token is kept')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The 32-byte key that seals the token; remembered in config.toml when a token is sealed with it [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present (a systemd credential), else the remembered path, else <config-dir>/key]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for the event log (events.jsonl) and validate''s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]')
            [CompletionResult]::new('--bazarr-config', '--bazarr-config', [CompletionResultType]::ParameterName, 'Bazarr''s config.yaml to keep in sync (remembered once used)')
            [CompletionResult]::new('--bazarr-url', '--bazarr-url', [CompletionResultType]::ParameterName, 'Bazarr''s own address, for --restart-bazarr and the running check (a Docker port mapping or a reverse proxy); trusted with Bazarr''s API key as given, and remembered with the Bazarr file [default: the remembered one, else general.ip, general.port and general.base_url from its config.yaml]')
            [CompletionResult]::new('--bazarr-restart-timeout', '--bazarr-restart-timeout', [CompletionResultType]::ParameterName, 'Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)')
            [CompletionResult]::new('--plex-url', '--plex-url', [CompletionResultType]::ParameterName, 'Base URL of the plex.tv API (https, or http on a loopback address) [default: https://plex.tv]')
            [CompletionResult]::new('--app-url', '--app-url', [CompletionResultType]::ParameterName, 'Base URL of the browser sign-in page [default: https://app.plex.tv/auth]')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--system', '--system', [CompletionResultType]::ParameterName, 'Use the link for the whole machine, which root''s commands and the system timer share: config.toml and the event log in /var/lib/plex-auth, the key in /etc/plex-auth/key (or the unit''s credential), the token sealed in config.toml. Each of --config-dir, --state-dir, --key-file and --store still overrides its part')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (NDJSON events for login)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'plex-auth;completions' {
            [CompletionResult]::new('--server-names', '--server-names', [CompletionResultType]::ParameterName, 'Print the names of the servers plex-auth last saw that start with PREFIX, one per line, offline (what the scripts call for `plex-auth select <TAB>`)')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Folder for plex-auth''s own state (config.toml, key)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where the sealed token is kept')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The 32-byte key that seals the token; remembered in config.toml when a token is sealed with it [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present (a systemd credential), else the remembered path, else <config-dir>/key]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for the event log (events.jsonl) and validate''s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]')
            [CompletionResult]::new('--bazarr-config', '--bazarr-config', [CompletionResultType]::ParameterName, 'Bazarr''s config.yaml to keep in sync (remembered once used)')
            [CompletionResult]::new('--bazarr-url', '--bazarr-url', [CompletionResultType]::ParameterName, 'Bazarr''s own address, for --restart-bazarr and the running check (a Docker port mapping or a reverse proxy); trusted with Bazarr''s API key as given, and remembered with the Bazarr file [default: the remembered one, else general.ip, general.port and general.base_url from its config.yaml]')
            [CompletionResult]::new('--bazarr-restart-timeout', '--bazarr-restart-timeout', [CompletionResultType]::ParameterName, 'Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)')
            [CompletionResult]::new('--plex-url', '--plex-url', [CompletionResultType]::ParameterName, 'Base URL of the plex.tv API (https, or http on a loopback address) [default: https://plex.tv]')
            [CompletionResult]::new('--app-url', '--app-url', [CompletionResultType]::ParameterName, 'Base URL of the browser sign-in page [default: https://app.plex.tv/auth]')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--system', '--system', [CompletionResultType]::ParameterName, 'Use the link for the whole machine, which root''s commands and the system timer share: config.toml and the event log in /var/lib/plex-auth, the key in /etc/plex-auth/key (or the unit''s credential), the token sealed in config.toml. Each of --config-dir, --state-dir, --key-file and --store still overrides its part')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (NDJSON events for login)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'plex-auth;man' {
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Folder for plex-auth''s own state (config.toml, key)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where the sealed token is kept')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The 32-byte key that seals the token; remembered in config.toml when a token is sealed with it [default: $CREDENTIALS_DIRECTORY/plex-auth.key when present (a systemd credential), else the remembered path, else <config-dir>/key]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for the event log (events.jsonl) and validate''s counters [default: $XDG_STATE_HOME/plex-auth, else ~/.local/state/plex-auth]')
            [CompletionResult]::new('--bazarr-config', '--bazarr-config', [CompletionResultType]::ParameterName, 'Bazarr''s config.yaml to keep in sync (remembered once used)')
            [CompletionResult]::new('--bazarr-url', '--bazarr-url', [CompletionResultType]::ParameterName, 'Bazarr''s own address, for --restart-bazarr and the running check (a Docker port mapping or a reverse proxy); trusted with Bazarr''s API key as given, and remembered with the Bazarr file [default: the remembered one, else general.ip, general.port and general.base_url from its config.yaml]')
            [CompletionResult]::new('--bazarr-restart-timeout', '--bazarr-restart-timeout', [CompletionResultType]::ParameterName, 'Seconds --restart-bazarr waits for Bazarr to answer again (exit 5 after that)')
            [CompletionResult]::new('--plex-url', '--plex-url', [CompletionResultType]::ParameterName, 'Base URL of the plex.tv API (https, or http on a loopback address) [default: https://plex.tv]')
            [CompletionResult]::new('--app-url', '--app-url', [CompletionResultType]::ParameterName, 'Base URL of the browser sign-in page [default: https://app.plex.tv/auth]')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each plex.tv request before giving up (exit 5); retries after a 429 fit in twice this')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('--system', '--system', [CompletionResultType]::ParameterName, 'Use the link for the whole machine, which root''s commands and the system timer share: config.toml and the event log in /var/lib/plex-auth, the key in /etc/plex-auth/key (or the unit''s credential), the token sealed in config.toml. Each of --config-dir, --state-dir, --key-file and --store still overrides its part')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (NDJSON events for login)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'plex-auth;help' {
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Link a Plex account by PIN in the browser, or --with-token from stdin')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show what is stored, where, and whether it is in sync (offline)')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Ask plex.tv whether the stored token is still good (for cron)')
            [CompletionResult]::new('servers', 'servers', [CompletionResultType]::ParameterValue, 'List the account''s servers, probing every connection at once')
            [CompletionResult]::new('select', 'select', [CompletionResultType]::ParameterValue, 'Choose the server to use (by name, machine id or list number) after testing it')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Forget the token here (and in Bazarr); --revoke also signs it out at plex.tv')
            [CompletionResult]::new('migrate-apikey', 'migrate-apikey', [CompletionResultType]::ParameterValue, 'Turn Bazarr''s legacy plex.apikey into a managed token (for install scripts)')
            [CompletionResult]::new('rotate-key', 'rotate-key', [CompletionResultType]::ParameterValue, 'Replace the key that seals the token with a new one, crash-safely')
            [CompletionResult]::new('apps', 'apps', [CompletionResultType]::ParameterValue, 'Keep other apps on this host (Tautulli, Kometa, PlexTraktSync) on the same link')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Print the stored token (or the selected server''s) on stdout, for other tools')
            [CompletionResult]::new('log', 'log', [CompletionResultType]::ParameterValue, 'Show the authentication event log (never holds a token or a key)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print a man page (plex-auth''s, or a subcommand''s)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'plex-auth;help;login' {
            break
        }
        'plex-auth;help;status' {
            break
        }
        'plex-auth;help;validate' {
            break
        }
        'plex-auth;help;servers' {
            break
        }
        'plex-auth;help;select' {
            break
        }
        'plex-auth;help;logout' {
            break
        }
        'plex-auth;help;migrate-apikey' {
            break
        }
        'plex-auth;help;rotate-key' {
            break
        }
        'plex-auth;help;apps' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Register an app: read its file now and say what it holds')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the registered apps and whether each holds the link (offline)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Forget an app; nothing in the app changes')
            [CompletionResult]::new('sync', 'sync', [CompletionResultType]::ParameterValue, 'Give the apps named (or every app) the current link and the selected server')
            break
        }
        'plex-auth;help;apps;add' {
            break
        }
        'plex-auth;help;apps;list' {
            break
        }
        'plex-auth;help;apps;remove' {
            break
        }
        'plex-auth;help;apps;sync' {
            break
        }
        'plex-auth;help;token' {
            break
        }
        'plex-auth;help;log' {
            break
        }
        'plex-auth;help;completions' {
            break
        }
        'plex-auth;help;man' {
            break
        }
        'plex-auth;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
