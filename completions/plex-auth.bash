_plex__auth() {
    local i cur prev opts cmd
    COMPREPLY=()
    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
        cur="$2"
    else
        cur="${COMP_WORDS[COMP_CWORD]}"
    fi
    prev="$3"
    cmd=""
    opts=""

    for i in "${COMP_WORDS[@]:0:COMP_CWORD}"
    do
        case "${cmd},${i}" in
            ",$1")
                cmd="plex__auth"
                ;;
            plex__auth,apps)
                cmd="plex__auth__subcmd__apps"
                ;;
            plex__auth,completions)
                cmd="plex__auth__subcmd__completions"
                ;;
            plex__auth,help)
                cmd="plex__auth__subcmd__help"
                ;;
            plex__auth,log)
                cmd="plex__auth__subcmd__log"
                ;;
            plex__auth,login)
                cmd="plex__auth__subcmd__login"
                ;;
            plex__auth,logout)
                cmd="plex__auth__subcmd__logout"
                ;;
            plex__auth,man)
                cmd="plex__auth__subcmd__man"
                ;;
            plex__auth,migrate-apikey)
                cmd="plex__auth__subcmd__migrate__subcmd__apikey"
                ;;
            plex__auth,rotate-key)
                cmd="plex__auth__subcmd__rotate__subcmd__key"
                ;;
            plex__auth,select)
                cmd="plex__auth__subcmd__select"
                ;;
            plex__auth,servers)
                cmd="plex__auth__subcmd__servers"
                ;;
            plex__auth,status)
                cmd="plex__auth__subcmd__status"
                ;;
            plex__auth,token)
                cmd="plex__auth__subcmd__token"
                ;;
            plex__auth,validate)
                cmd="plex__auth__subcmd__validate"
                ;;
            plex__auth__subcmd__apps,add)
                cmd="plex__auth__subcmd__apps__subcmd__add"
                ;;
            plex__auth__subcmd__apps,help)
                cmd="plex__auth__subcmd__apps__subcmd__help"
                ;;
            plex__auth__subcmd__apps,list)
                cmd="plex__auth__subcmd__apps__subcmd__list"
                ;;
            plex__auth__subcmd__apps,remove)
                cmd="plex__auth__subcmd__apps__subcmd__remove"
                ;;
            plex__auth__subcmd__apps,sync)
                cmd="plex__auth__subcmd__apps__subcmd__sync"
                ;;
            plex__auth__subcmd__apps__subcmd__help,add)
                cmd="plex__auth__subcmd__apps__subcmd__help__subcmd__add"
                ;;
            plex__auth__subcmd__apps__subcmd__help,help)
                cmd="plex__auth__subcmd__apps__subcmd__help__subcmd__help"
                ;;
            plex__auth__subcmd__apps__subcmd__help,list)
                cmd="plex__auth__subcmd__apps__subcmd__help__subcmd__list"
                ;;
            plex__auth__subcmd__apps__subcmd__help,remove)
                cmd="plex__auth__subcmd__apps__subcmd__help__subcmd__remove"
                ;;
            plex__auth__subcmd__apps__subcmd__help,sync)
                cmd="plex__auth__subcmd__apps__subcmd__help__subcmd__sync"
                ;;
            plex__auth__subcmd__help,apps)
                cmd="plex__auth__subcmd__help__subcmd__apps"
                ;;
            plex__auth__subcmd__help,completions)
                cmd="plex__auth__subcmd__help__subcmd__completions"
                ;;
            plex__auth__subcmd__help,help)
                cmd="plex__auth__subcmd__help__subcmd__help"
                ;;
            plex__auth__subcmd__help,log)
                cmd="plex__auth__subcmd__help__subcmd__log"
                ;;
            plex__auth__subcmd__help,login)
                cmd="plex__auth__subcmd__help__subcmd__login"
                ;;
            plex__auth__subcmd__help,logout)
                cmd="plex__auth__subcmd__help__subcmd__logout"
                ;;
            plex__auth__subcmd__help,man)
                cmd="plex__auth__subcmd__help__subcmd__man"
                ;;
            plex__auth__subcmd__help,migrate-apikey)
                cmd="plex__auth__subcmd__help__subcmd__migrate__subcmd__apikey"
                ;;
            plex__auth__subcmd__help,rotate-key)
                cmd="plex__auth__subcmd__help__subcmd__rotate__subcmd__key"
                ;;
            plex__auth__subcmd__help,select)
                cmd="plex__auth__subcmd__help__subcmd__select"
                ;;
            plex__auth__subcmd__help,servers)
                cmd="plex__auth__subcmd__help__subcmd__servers"
                ;;
            plex__auth__subcmd__help,status)
                cmd="plex__auth__subcmd__help__subcmd__status"
                ;;
            plex__auth__subcmd__help,token)
                cmd="plex__auth__subcmd__help__subcmd__token"
                ;;
            plex__auth__subcmd__help,validate)
                cmd="plex__auth__subcmd__help__subcmd__validate"
                ;;
            plex__auth__subcmd__help__subcmd__apps,add)
                cmd="plex__auth__subcmd__help__subcmd__apps__subcmd__add"
                ;;
            plex__auth__subcmd__help__subcmd__apps,list)
                cmd="plex__auth__subcmd__help__subcmd__apps__subcmd__list"
                ;;
            plex__auth__subcmd__help__subcmd__apps,remove)
                cmd="plex__auth__subcmd__help__subcmd__apps__subcmd__remove"
                ;;
            plex__auth__subcmd__help__subcmd__apps,sync)
                cmd="plex__auth__subcmd__help__subcmd__apps__subcmd__sync"
                ;;
            *)
                ;;
        esac
    done

    case "${cmd}" in
        plex__auth)
            opts="-q -v -h -V --config-dir --system --store --key-file --state-dir --bazarr-config --bazarr-url --bazarr-restart-timeout --plex-url --app-url --request-timeout --json --quiet --verbose --color --help --version login status validate servers select logout migrate-apikey rotate-key apps token log completions man help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 1 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --config-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --store)
                    COMPREPLY=($(compgen -W "auto keyring file" -- "${cur}"))
                    return 0
                    ;;
                --key-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-restart-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --plex-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --app-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --request-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        plex__auth__subcmd__apps)
            opts="-q -v -h -V --config-dir --system --store --key-file --state-dir --bazarr-config --bazarr-url --bazarr-restart-timeout --plex-url --app-url --request-timeout --json --quiet --verbose --color --help --version add list remove sync help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --config-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --store)
                    COMPREPLY=($(compgen -W "auto keyring file" -- "${cur}"))
                    return 0
                    ;;
                --key-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-restart-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --plex-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --app-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --request-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        plex__auth__subcmd__apps__subcmd__add)
            opts="-q -v -h -V --name --config-xml --api-key-file --settings-json --config-dir --system --store --key-file --state-dir --bazarr-config --bazarr-url --bazarr-restart-timeout --plex-url --app-url --request-timeout --json --quiet --verbose --color --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config-xml)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --api-key-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --settings-json)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --store)
                    COMPREPLY=($(compgen -W "auto keyring file" -- "${cur}"))
                    return 0
                    ;;
                --key-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-restart-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --plex-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --app-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --request-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        plex__auth__subcmd__apps__subcmd__help)
            opts="add list remove sync help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        plex__auth__subcmd__apps__subcmd__help__subcmd__add)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        plex__auth__subcmd__apps__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        plex__auth__subcmd__apps__subcmd__help__subcmd__list)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        plex__auth__subcmd__apps__subcmd__help__subcmd__remove)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        plex__auth__subcmd__apps__subcmd__help__subcmd__sync)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        plex__auth__subcmd__apps__subcmd__list)
            opts="-q -v -h -V --check --config-dir --system --store --key-file --state-dir --bazarr-config --bazarr-url --bazarr-restart-timeout --plex-url --app-url --request-timeout --json --quiet --verbose --color --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --config-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --store)
                    COMPREPLY=($(compgen -W "auto keyring file" -- "${cur}"))
                    return 0
                    ;;
                --key-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-restart-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --plex-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --app-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --request-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        plex__auth__subcmd__apps__subcmd__remove)
            opts="-q -v -h -V --revoke --config-dir --system --store --key-file --state-dir --bazarr-config --bazarr-url --bazarr-restart-timeout --plex-url --app-url --request-timeout --json --quiet --verbose --color --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --config-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --store)
                    COMPREPLY=($(compgen -W "auto keyring file" -- "${cur}"))
                    return 0
                    ;;
                --key-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-restart-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --plex-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --app-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --request-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        plex__auth__subcmd__apps__subcmd__sync)
            opts="-q -v -h -V --dry-run --config-dir --system --store --key-file --state-dir --bazarr-config --bazarr-url --bazarr-restart-timeout --plex-url --app-url --request-timeout --json --quiet --verbose --color --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --config-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --store)
                    COMPREPLY=($(compgen -W "auto keyring file" -- "${cur}"))
                    return 0
                    ;;
                --key-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-restart-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --plex-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --app-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --request-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        plex__auth__subcmd__completions)
            opts="-q -v -h -V --server-names --config-dir --system --store --key-file --state-dir --bazarr-config --bazarr-url --bazarr-restart-timeout --plex-url --app-url --request-timeout --json --quiet --verbose --color --help --version bash elvish fish powershell zsh"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --server-names)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --store)
                    COMPREPLY=($(compgen -W "auto keyring file" -- "${cur}"))
                    return 0
                    ;;
                --key-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-restart-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --plex-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --app-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --request-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        plex__auth__subcmd__help)
            opts="login status validate servers select logout migrate-apikey rotate-key apps token log completions man help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        plex__auth__subcmd__help__subcmd__apps)
            opts="add list remove sync"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        plex__auth__subcmd__help__subcmd__apps__subcmd__add)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        plex__auth__subcmd__help__subcmd__apps__subcmd__list)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        plex__auth__subcmd__help__subcmd__apps__subcmd__remove)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        plex__auth__subcmd__help__subcmd__apps__subcmd__sync)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        plex__auth__subcmd__help__subcmd__completions)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        plex__auth__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        plex__auth__subcmd__help__subcmd__log)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        plex__auth__subcmd__help__subcmd__login)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        plex__auth__subcmd__help__subcmd__logout)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        plex__auth__subcmd__help__subcmd__man)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        plex__auth__subcmd__help__subcmd__migrate__subcmd__apikey)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        plex__auth__subcmd__help__subcmd__rotate__subcmd__key)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        plex__auth__subcmd__help__subcmd__select)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        plex__auth__subcmd__help__subcmd__servers)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        plex__auth__subcmd__help__subcmd__status)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        plex__auth__subcmd__help__subcmd__token)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        plex__auth__subcmd__help__subcmd__validate)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        plex__auth__subcmd__log)
            opts="-n -q -v -h -V --lines --since --config-dir --system --store --key-file --state-dir --bazarr-config --bazarr-url --bazarr-restart-timeout --plex-url --app-url --request-timeout --json --quiet --verbose --color --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --lines)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -n)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --since)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --store)
                    COMPREPLY=($(compgen -W "auto keyring file" -- "${cur}"))
                    return 0
                    ;;
                --key-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-restart-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --plex-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --app-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --request-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        plex__auth__subcmd__login)
            opts="-q -v -h -V --force --with-token --from-bazarr --no-browser --short-code --link --qr --timeout --no-select --restart-bazarr --config-dir --system --store --key-file --state-dir --bazarr-config --bazarr-url --bazarr-restart-timeout --plex-url --app-url --request-timeout --json --quiet --verbose --color --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --store)
                    COMPREPLY=($(compgen -W "auto keyring file" -- "${cur}"))
                    return 0
                    ;;
                --key-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-restart-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --plex-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --app-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --request-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        plex__auth__subcmd__logout)
            opts="-q -v -h -V --revoke --clear-apikey --apps --restart-bazarr --config-dir --system --store --key-file --state-dir --bazarr-config --bazarr-url --bazarr-restart-timeout --plex-url --app-url --request-timeout --json --quiet --verbose --color --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --config-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --store)
                    COMPREPLY=($(compgen -W "auto keyring file" -- "${cur}"))
                    return 0
                    ;;
                --key-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-restart-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --plex-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --app-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --request-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        plex__auth__subcmd__man)
            opts="-q -v -h -V --config-dir --system --store --key-file --state-dir --bazarr-config --bazarr-url --bazarr-restart-timeout --plex-url --app-url --request-timeout --json --quiet --verbose --color --help --version login status validate servers select logout migrate-apikey rotate-key apps token log completions man"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --config-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --store)
                    COMPREPLY=($(compgen -W "auto keyring file" -- "${cur}"))
                    return 0
                    ;;
                --key-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-restart-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --plex-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --app-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --request-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        plex__auth__subcmd__migrate__subcmd__apikey)
            opts="-q -v -h -V --dry-run --restart-bazarr --probe-timeout --config-dir --system --store --key-file --state-dir --bazarr-config --bazarr-url --bazarr-restart-timeout --plex-url --app-url --request-timeout --json --quiet --verbose --color --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --probe-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --store)
                    COMPREPLY=($(compgen -W "auto keyring file" -- "${cur}"))
                    return 0
                    ;;
                --key-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-restart-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --plex-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --app-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --request-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        plex__auth__subcmd__rotate__subcmd__key)
            opts="-q -v -h -V --to --config-dir --system --store --key-file --state-dir --bazarr-config --bazarr-url --bazarr-restart-timeout --plex-url --app-url --request-timeout --json --quiet --verbose --color --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --to)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --store)
                    COMPREPLY=($(compgen -W "auto keyring file" -- "${cur}"))
                    return 0
                    ;;
                --key-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-restart-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --plex-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --app-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --request-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        plex__auth__subcmd__select)
            opts="-q -v -h -V --insecure --restart-bazarr --probe-timeout --config-dir --system --store --key-file --state-dir --bazarr-config --bazarr-url --bazarr-restart-timeout --plex-url --app-url --request-timeout --json --quiet --verbose --color --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --probe-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --store)
                    COMPREPLY=($(compgen -W "auto keyring file" -- "${cur}"))
                    return 0
                    ;;
                --key-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-restart-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --plex-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --app-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --request-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        plex__auth__subcmd__servers)
            opts="-q -v -h -V --probe-timeout --config-dir --system --store --key-file --state-dir --bazarr-config --bazarr-url --bazarr-restart-timeout --plex-url --app-url --request-timeout --json --quiet --verbose --color --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --probe-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --store)
                    COMPREPLY=($(compgen -W "auto keyring file" -- "${cur}"))
                    return 0
                    ;;
                --key-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-restart-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --plex-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --app-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --request-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        plex__auth__subcmd__status)
            opts="-q -v -h -V --config-dir --system --store --key-file --state-dir --bazarr-config --bazarr-url --bazarr-restart-timeout --plex-url --app-url --request-timeout --json --quiet --verbose --color --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --config-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --store)
                    COMPREPLY=($(compgen -W "auto keyring file" -- "${cur}"))
                    return 0
                    ;;
                --key-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-restart-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --plex-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --app-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --request-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        plex__auth__subcmd__token)
            opts="-q -v -h -V --server --config-dir --system --store --key-file --state-dir --bazarr-config --bazarr-url --bazarr-restart-timeout --plex-url --app-url --request-timeout --json --quiet --verbose --color --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --config-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --store)
                    COMPREPLY=($(compgen -W "auto keyring file" -- "${cur}"))
                    return 0
                    ;;
                --key-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-restart-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --plex-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --app-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --request-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        plex__auth__subcmd__validate)
            opts="-q -v -h -V --server --restart-bazarr --probe-timeout --max-key-age --metrics-file --config-dir --system --store --key-file --state-dir --bazarr-config --bazarr-url --bazarr-restart-timeout --plex-url --app-url --request-timeout --json --quiet --verbose --color --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --probe-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-key-age)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --metrics-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --store)
                    COMPREPLY=($(compgen -W "auto keyring file" -- "${cur}"))
                    return 0
                    ;;
                --key-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bazarr-restart-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --plex-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --app-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --request-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
    esac
}

# Server names for `plex-auth select <TAB>`, from the last list plex-auth saw (no network).
_plex_auth_with_servers() {
    # clap's function fails when nothing matches (compgen's status); that is no error here.
    _plex__auth "$@" || :
    local cur="${COMP_WORDS[COMP_CWORD]}" i j name quoted
    [[ $cur == -* ]] && return 0
    for ((i = 1; i < COMP_CWORD; i++)); do
        [[ ${COMP_WORDS[i]} == select ]] || continue
        for ((j = i + 1; j < COMP_CWORD; j++)); do
            [[ ${COMP_WORDS[j]} == -* ]] || return 0
        done
        [[ ${COMP_WORDS[COMP_CWORD - 1]} == -* && ${COMP_WORDS[COMP_CWORD - 1]} != --insecure ]] && return 0
        COMPREPLY=()
        while IFS= read -r name; do
            printf -v quoted '%q' "$name"
            COMPREPLY+=("$quoted")
        done < <("${COMP_WORDS[0]}" completions --server-names "$cur" 2>/dev/null)
        return 0
    done
}

if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -F _plex_auth_with_servers -o nosort -o bashdefault -o default plex-auth
else
    complete -F _plex_auth_with_servers -o bashdefault -o default plex-auth
fi
