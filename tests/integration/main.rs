//! Integration tests: the real `plex-auth` binary against a fake plex.tv on 127.0.0.1.
//! Tests that need a real Secret Service or Bazarr's Python libraries are `#[ignore]`d here
//! and run by name from `.ci/run`, which provides them.

// The harness is not the product: it may print diagnostics, and its helpers are shared
// between test modules, not exported.
#![allow(clippy::print_stderr, clippy::print_stdout, unreachable_pub)]

mod apps;
mod bash_completion;
mod bazarr;
mod bazarr_plus;
mod bazarr_running;
mod docs;
mod dry_run;
mod dynaconf;
mod events;
mod files;
mod flags;
mod help;
mod hostile;
mod key_file;
mod keyring;
mod leftovers;
mod login;
mod man;
mod metrics;
mod offline;
mod packaging;
mod prompts;
mod race;
mod reads;
mod rotate;
mod servers;
mod signals;
mod snapshots;
mod state;
mod store;
mod system;
mod token;
mod transactions;
mod util;
mod validate;
