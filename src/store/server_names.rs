//! The names of the servers plex-auth last saw on the account, kept in the state folder so
//! that shell completion of `plex-auth select <TAB>` can offer them without a network call.
//!
//! The names come from plex.tv, and a shared server's name is chosen by a stranger: they are
//! stored and offered as plain lines, never as shell text, and a name that could not be one
//! line of plain text (a control character, a line break) is left out. The file is bounded
//! both ways: at most [`MAX_SERVERS`] names are written and at most [`MAX_BYTES`] read.

use std::io::{self, Read};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::fs as fsutil;

pub const FILE_NAME: &str = "servers.json";
const MAX_SERVERS: usize = 1000;
const MAX_NAME_CHARS: usize = 200;
const MAX_BYTES: u64 = 512 * 1024;

#[derive(Serialize, Deserialize, Default)]
struct Cache {
    servers: Vec<Entry>,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    name: String,
    machine_id: String,
}

/// Remember the account's servers (name, machine id), in the order `servers` lists them.
pub fn remember<'a>(
    state_dir: &Path,
    servers: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> io::Result<()> {
    let cache = Cache {
        servers: servers
            .into_iter()
            .filter(|(name, id)| completable(name) && completable(id))
            .take(MAX_SERVERS)
            .map(|(name, id)| Entry {
                name: name.to_owned(),
                machine_id: id.to_owned(),
            })
            .collect(),
    };
    let bytes = serde_json::to_vec(&cache).map_err(io::Error::other)?;
    fsutil::ensure_private_dir(state_dir)?;
    fsutil::replace_file(&state_dir.join(FILE_NAME), &bytes, fsutil::Mode::Private)
}

/// What completes `prefix`: the names that start with it (ignoring case), else the machine
/// ids that do. Anything unreadable is no candidates: completion never fails out loud.
pub fn candidates(state_dir: &Path, prefix: &str) -> Vec<String> {
    let Ok(cache) = read(state_dir) else {
        return Vec::new();
    };
    let lower = prefix.to_lowercase();
    let names: Vec<String> = cache
        .servers
        .iter()
        .filter(|e| e.name.to_lowercase().starts_with(&lower))
        .map(|e| e.name.clone())
        .collect();
    if !names.is_empty() {
        return names;
    }
    cache
        .servers
        .into_iter()
        .filter(|e| e.machine_id.starts_with(prefix))
        .map(|e| e.machine_id)
        .collect()
}

fn read(state_dir: &Path) -> io::Result<Cache> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    let file = fsutil::open_private(&state_dir.join(FILE_NAME), options)?;
    let mut bytes = Vec::new();
    file.take(MAX_BYTES).read_to_end(&mut bytes)?;
    serde_json::from_slice(&bytes).map_err(io::Error::other)
}

/// A name that can be offered as one plain line.
fn completable(text: &str) -> bool {
    !text.is_empty()
        && text.chars().count() <= MAX_NAME_CHARS
        && !text.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_then_ids_complete_and_unsafe_names_are_left_out() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("state");
        remember(
            &dir,
            [
                ("Tower", "towerid"),
                ("tiny box", "t1"),
                ("evil\nname", "e1"),
                ("Basement", "b2"),
            ],
        )
        .unwrap();
        assert_eq!(candidates(&dir, "t"), ["Tower", "tiny box"]);
        assert_eq!(candidates(&dir, ""), ["Tower", "tiny box", "Basement"]);
        assert_eq!(candidates(&dir, "b2"), ["b2"]);
        assert!(candidates(&dir, "evil").is_empty());
        assert!(candidates(&tmp.path().join("none"), "").is_empty());
    }

    #[test]
    fn a_cache_that_is_not_a_regular_file_gives_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let fifo = tmp.path().join(FILE_NAME);
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        assert!(candidates(tmp.path(), "").is_empty());
    }
}
