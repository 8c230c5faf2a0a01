//! What can go wrong with Bazarr's config.yaml, before it becomes an exit code. The message
//! says what happened; `error.rs` adds the kind (always a config error, exit 9) and the hint.

use std::io;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum BazarrError {
    #[error(transparent)]
    Random(#[from] crate::secret::RandomError),
    /// A Bazarr+ secret that cannot be opened.
    #[error("{why} in {}", .path.display())]
    Sealed {
        path: PathBuf,
        why: super::secrets::SecretError,
    },
    #[error("Bazarr's config file {} does not exist", .path.display())]
    Missing { path: PathBuf },
    #[error("cannot read Bazarr's config file {}: {source}", .path.display())]
    Unreadable {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{} is not UTF-8 text, so it is not a Bazarr config file", .path.display())]
    NotText { path: PathBuf },
    #[error("{} {why}; plex-auth did not try to parse it", .path.display())]
    BadShape { path: PathBuf, why: String },
    #[error("{} is not valid YAML: {source}", .path.display())]
    NotYaml {
        path: PathBuf,
        #[source]
        source: yaml_serde::Error,
    },
    #[error("{} is empty or its top level is not a mapping of sections, so it is not a Bazarr config file", .path.display())]
    NotSections { path: PathBuf },
    #[error("the `{section}` section of {} is not a mapping of settings", .path.display())]
    SectionNotMapping { path: PathBuf, section: String },
    #[error("{} uses YAML that plex-auth cannot edit without changing other lines", .path.display())]
    NotEditable { path: PathBuf },
    #[error("{what} {}: {source}", .path.display())]
    Io {
        what: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{} is not a regular file", .path.display())]
    NotRegular { path: PathBuf },
    #[error("{} kept being replaced while plex-auth waited to lock it", .path.display())]
    KeptReplaced { path: PathBuf },
    #[error("{} changed on disk after plex-auth read it (Bazarr or another tool saved it); nothing was written", .path.display())]
    ChangedOnDisk { path: PathBuf },
    #[error("{} was saved by another program (Bazarr?) while plex-auth was writing it; that save was kept and nothing was written", .path.display())]
    SavedMeanwhile { path: PathBuf },
    #[error("{} was saved by another program (Bazarr?) while plex-auth was writing it, each of the {tries} times plex-auth tried; every save was kept and nothing was written to it", .path.display())]
    KeptSaving { path: PathBuf, tries: u32 },
    #[error("refusing to write {}: the edited file would not read back as intended ({why}); nothing was written", .path.display())]
    WouldNotReadBack { path: PathBuf, why: String },
    #[error("the backup path {} is a symbolic link; plex-auth does not write through or over links it did not make, so nothing was written", .path.display())]
    BackupIsLink { path: PathBuf },
    #[error("cannot remove {}, which still holds the token: {source}", .path.display())]
    BackupNotRemoved {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error(
        "refusing to write plex.{key} {value} to Bazarr's file: it is not a value Bazarr can safely read; nothing was written"
    )]
    UnsafeValue { key: &'static str, value: String },
    #[error("plex.apikey in {} is signed (apikey_encrypted: true) but plex.encryption_key is empty, so it cannot be opened", .path.display())]
    ApikeyWithoutKey { path: PathBuf },
    #[error("the signature of plex.apikey in {} does not match plex.encryption_key", .path.display())]
    ApikeyBadSignature { path: PathBuf },
    #[error("plex.apikey in {} is signed but cannot be read: {why}", .path.display())]
    ApikeyUnreadable { path: PathBuf, why: String },
    #[error("no Bazarr config.yaml found; looked at: {looked}")]
    NoneFound { looked: String },
    #[error("found {count} Bazarr config files: {found}; looked at: {looked}")]
    SeveralFound {
        count: usize,
        found: String,
        looked: String,
    },
    #[error(transparent)]
    Lock(#[from] crate::fs::LockError),
}
