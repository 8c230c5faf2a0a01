//! `plex-auth man [COMMAND]`: the man page, generated from the clap definitions.

use clap::CommandFactory;

use crate::cli::{Cli, ManArgs};
use crate::error::{Error, ErrorKind, Result};

pub fn run(args: &ManArgs) -> Result<()> {
    let page = match &args.command {
        None => render(Cli::command())?,
        Some(name) => {
            let root = Cli::command();
            let sub = root
                .get_subcommands()
                .find(|c| c.get_name() == name)
                .cloned()
                .ok_or_else(|| {
                    Error::new(ErrorKind::Usage, format!("no command named {name:?}"))
                        .with_hint("see `plex-auth --help` for the commands")
                })?;
            render(sub.name(format!("plex-auth-{name}")))?
        }
    };
    crate::output::write_stdout(&page);
    Ok(())
}

pub fn render(cmd: clap::Command) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd)
        .render(&mut out)
        .map_err(|e| Error::internal(format!("cannot render the man page: {e}")))?;
    Ok(out)
}
