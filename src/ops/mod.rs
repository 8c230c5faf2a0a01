//! The use cases, one per change a command makes: link an account, confirm a link, adopt
//! Bazarr's, import Bazarr's apikey, choose a server, repair an address, log out, rotate the
//! key. Each is one transaction: config.toml is locked and read once, changed in memory and
//! written once, and the targets (the apps that keep a copy of the link, `target`) are
//! written inside the same lock, so two commands at the same moment (login and logout,
//! select and logout) can never leave plex-auth's store and an app's copy disagreeing.
//!
//! A command parses its arguments, reads what it needs once (`Context`, the snapshot, the
//! target), calls one op, and renders what the op returns.

pub mod app_tokens;
pub mod apps;
pub mod link;
pub mod logout;
pub mod rotate;
pub mod server;
pub mod target;

use crate::error::Error;
use target::DynTarget;

/// The store here could not be saved after `target` was written (`e`): put the target's
/// copy back, so that the two still agree, and make the error say what `not_done` (here) and
/// what became of the target's copy.
fn put_back(e: Error, not_done: &str, target: Option<&mut DynTarget>) -> Error {
    let mut e = e.context(not_done);
    if let Some(said) = target.and_then(|t| t.put_back()) {
        e.message = format!("{}; {said}", e.message);
    }
    e
}
