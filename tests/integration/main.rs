//! Integration tests: the real `plex-auth` binary against a fake plex.tv on 127.0.0.1.
//! Tests that need a real Secret Service or Bazarr's Python libraries are `#[ignore]`d here
//! and run by name from `.ci/run`, which provides them.

mod bazarr;
mod docs;
mod dynaconf;
mod flags;
mod hostile;
mod keyring;
mod login;
mod race;
mod servers;
mod signals;
mod snapshots;
mod store;
mod transactions;
mod util;
mod validate;
