//! plex.tv and Plex Media Server: the client, wire types, and connection probing.

pub mod client;
pub mod probe;
pub mod types;

pub use client::{Identity, PlexClient, PlexError};
