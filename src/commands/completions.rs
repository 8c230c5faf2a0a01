//! `plex-auth completions SHELL`: the completion script, generated from the clap definitions,
//! with one addition for bash, zsh and fish: `plex-auth select <TAB>` offers the names of the
//! servers plex-auth last saw (`completions --server-names PREFIX`, offline, from the state
//! folder). The names come from plex.tv and may be a stranger's (a shared server): the
//! scripts take them as plain lines and quote them, and never evaluate them.

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::{Cli, CompletionsArgs};
use crate::context::Context;
use crate::error::Result;
use crate::store::server_names;

const BIN: &str = "plex-auth";

pub fn run(ctx: &Context, args: &CompletionsArgs) -> Result<()> {
    if let Some(prefix) = &args.server_names {
        let names = ctx
            .state_dir
            .as_deref()
            .map(|dir| server_names::candidates(dir, prefix))
            .unwrap_or_default();
        let text: String = names.iter().map(|n| format!("{n}\n")).collect();
        crate::output::write_stdout(text.as_bytes());
        return Ok(());
    }
    if let Some(shell) = args.shell {
        crate::output::write_stdout(&generate(shell));
    }
    Ok(())
}

pub fn generate(shell: Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), BIN, &mut out);
    let script = String::from_utf8_lossy(&out);
    match shell {
        Shell::Bash => with_bash_servers(&fix_bash_names(&script)),
        Shell::Zsh => with_zsh_servers(&script),
        Shell::Fish => format!("{script}{FISH_SERVERS}"),
        _ => script.into_owned(),
    }
    .into_bytes()
}

/// bash: clap's function first, then, for the word after `select`, the server names: read
/// line by line and quoted with `printf %q` (never through `compgen -W`, which expands).
const BASH_SERVERS: &str = r#"
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
"#;

fn with_bash_servers(script: &str) -> String {
    let registered = script.replace(
        "complete -F _plex__auth ",
        "complete -F _plex_auth_with_servers ",
    );
    match registered.find("\nif [[ \"${BASH_VERSINFO[0]}\"") {
        Some(at) => format!("{}{BASH_SERVERS}{}", &registered[..at], &registered[at..]),
        None => format!("{registered}{BASH_SERVERS}"),
    }
}

/// zsh: the `select` argument completes with a function that adds the names as they are
/// (`compadd` quotes them).
const ZSH_SERVERS: &str = r#"(( $+functions[_plex_auth_servers] )) ||
_plex_auth_servers() {
    local -a names
    names=("${(@f)$(plex-auth completions --server-names "${PREFIX}" 2>/dev/null)}")
    names=(${names:#})
    compadd -a names
}

"#;

fn with_zsh_servers(script: &str) -> String {
    let lines: Vec<String> = script
        .lines()
        .map(|line| {
            let is_server = line.starts_with("':server -- ") || line.starts_with("'::server -- ");
            match line.strip_suffix(":_default' \\") {
                Some(head) if is_server => format!("{head}:_plex_auth_servers' \\"),
                _ => line.to_owned(),
            }
        })
        .collect();
    let script = lines.join("\n") + "\n";
    match script.find("if [ \"$funcstack[1]\" = \"_plex-auth\" ]; then") {
        Some(at) => format!("{}{ZSH_SERVERS}{}", &script[..at], &script[at..]),
        None => format!("{script}{ZSH_SERVERS}"),
    }
}

/// fish: command substitution splits on lines only and adds each as it is.
const FISH_SERVERS: &str = r#"# Server names for `plex-auth select <TAB>`, from the last list plex-auth saw (no network).
complete -c plex-auth -n "__fish_plex_auth_using_subcommand select" -f -a "(plex-auth completions --server-names (commandline -ct) 2>/dev/null)"
"#;

/// clap_complete's bash script names each subcommand's case arm after a mangled name of the
/// binary: the loop that finds the subcommand spells `plex-auth` as `plex__auth`, the arms as
/// `plex__subcmd__auth`, so no arm ever matches and `plex-auth login --<TAB>` completes
/// nothing (clap issues #6421, #6529). Spell them all the way the loop does. When clap fixes
/// this, the second spelling no longer appears and this changes nothing.
fn fix_bash_names(script: &str) -> String {
    let loop_name = BIN.replace('-', "__");
    let arm_name = BIN.replace('-', "__subcmd__");
    script.replace(&arm_name, &loop_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bash_names_are_spelled_one_way() {
        let script = String::from_utf8(generate(clap_complete::Shell::Bash)).unwrap();
        assert!(!script.contains("plex__subcmd__auth"));
        assert!(script.contains("cmd=\"plex__auth__subcmd__login\""));
        assert!(script.contains("\n        plex__auth__subcmd__login)\n"));
    }
}
