//! Integration tests: the real `plex-auth` binary against a fake plex.tv on 127.0.0.1.
//! Tests that need a real Secret Service or Bazarr's Python libraries are `#[ignore]`d here
//! and run by name from `.ci/run`, which provides them.

mod bazarr;
mod docs;
mod files;
mod keyring;
mod login;
mod servers;
mod store;
mod util;
mod validate;
