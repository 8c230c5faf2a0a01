//! `plex-auth completions SHELL`: the completion script, generated from the clap definitions.

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::error::Result;

pub fn run(args: &CompletionsArgs) -> Result<()> {
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "plex-auth", &mut out);
    crate::output::write_stdout(&out);
    Ok(())
}
