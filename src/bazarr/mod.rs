//! Bazarr's `config.yaml`: its token format, lossless edits, the keys plex-auth writes, and
//! where to find the file (docs/architecture.md#targets; the format in docs/formats.md#bazarrs-configyaml).

pub mod document;
pub mod error;
pub mod file;
pub mod keys;
pub mod listener;
pub mod locate;
pub mod secrets;
pub mod signer;

pub use error::BazarrError;
pub mod api;
pub mod sync;
pub mod values;
