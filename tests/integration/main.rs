//! Integration tests: the real `plex-auth` binary against a fake plex.tv on 127.0.0.1.
//! Tests that need a real Secret Service or Bazarr's Python libraries are `#[ignore]`d here
//! and run by name from `.ci/run`, which provides them.

mod bash_completion;
mod bazarr;
mod docs;
mod dynaconf;
mod files;
mod flags;
mod help;
mod hostile;
mod keyring;
mod leftovers;
mod login;
mod man;
mod offline;
mod packaging;
mod prompts;
mod servers;
mod signals;
mod snapshots;
mod store;
mod transactions;
mod util;
mod validate;
