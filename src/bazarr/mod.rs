//! Bazarr's `config.yaml`: its token format, lossless edits, the keys plex-auth writes, and
//! where to find the file (design §4; facts in `bazarr.md`).

use std::path::{Path, PathBuf};

pub mod document;
pub mod error;
pub mod file;
pub mod keys;
pub mod locate;
pub mod signer;

pub use error::BazarrError;
pub mod sync;
pub mod values;

/// The file whose touch makes Bazarr's launcher restart it: `<data dir>/bazarr.restart`, where
/// the data dir holds the `config/` folder that holds `config.yaml`.
pub fn restart_file(config_yaml: &Path) -> PathBuf {
    let config_dir = config_yaml.parent().unwrap_or(Path::new(""));
    let data_dir = if config_dir.as_os_str().is_empty() {
        // A bare `config.yaml` means the current folder is `config/`.
        Path::new("..")
    } else {
        config_dir.parent().unwrap_or(Path::new(""))
    };
    data_dir.join("bazarr.restart")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restart_file_sits_in_the_data_dir() {
        assert_eq!(
            restart_file(Path::new("/opt/bazarr/data/config/config.yaml")),
            Path::new("/opt/bazarr/data/bazarr.restart")
        );
        assert_eq!(
            restart_file(Path::new("/config/config/config.yaml")),
            Path::new("/config/bazarr.restart")
        );
        assert_eq!(
            restart_file(Path::new("config/config.yaml")),
            Path::new("bazarr.restart")
        );
        assert_eq!(
            restart_file(Path::new("config.yaml")),
            Path::new("../bazarr.restart")
        );
    }
}
