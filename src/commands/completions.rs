//! `plex-auth completions SHELL`: the completion script, generated from the clap definitions.

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::error::Result;

const BIN: &str = "plex-auth";

pub fn run(args: &CompletionsArgs) -> Result<()> {
    crate::output::write_stdout(&generate(args.shell));
    Ok(())
}

pub fn generate(shell: clap_complete::Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), BIN, &mut out);
    if shell == clap_complete::Shell::Bash {
        out = fix_bash_names(&String::from_utf8_lossy(&out)).into_bytes();
    }
    out
}

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
