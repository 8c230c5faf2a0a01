//! Where Bazarr keeps `config.yaml` (docs/formats.md#bazarrs-configyaml): `<data dir>/config/config.yaml`,
//! with the data dir at `<install>/data` by default, `/config` in the Docker images and
//! `/var/lib/bazarr` on NixOS.

use std::path::{Path, PathBuf};

use crate::bazarr::BazarrError;

const USUAL: &[&str] = &[
    "/opt/bazarr/data/config/config.yaml",
    "/var/lib/bazarr/config/config.yaml",
    "/config/config/config.yaml",
];

/// The places to look: the usual ones, then `<hint>/data/config/config.yaml` for each install
/// folder given, without repeats.
pub fn candidates(install_hints: &[PathBuf]) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = USUAL.iter().map(PathBuf::from).collect();
    for hint in install_hints {
        let path = hint.join("data").join("config").join("config.yaml");
        if !out.contains(&path) {
            out.push(path);
        }
    }
    out
}

/// The one candidate that exists. None, or several different files, is a config error that
/// lists every path looked at.
pub fn locate(candidates: &[PathBuf]) -> Result<PathBuf, BazarrError> {
    let mut found: Vec<(&PathBuf, PathBuf)> = Vec::new();
    for path in candidates.iter().filter(|p| p.is_file()) {
        // Two names for one file (a symlinked data dir) are one find.
        let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
        if !found.iter().any(|(_, r)| *r == real) {
            found.push((path, real));
        }
    }
    let looked = list(candidates.iter().map(PathBuf::as_path));
    match found.as_slice() {
        [(path, _)] => Ok((*path).clone()),
        [] => Err(BazarrError::NoneFound { looked }),
        several => Err(BazarrError::SeveralFound {
            count: several.len(),
            found: list(several.iter().map(|(p, _)| p.as_path())),
            looked,
        }),
    }
}

fn list<'a>(paths: impl Iterator<Item = &'a Path>) -> String {
    paths
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use std::fs;

    #[test]
    fn candidates_are_the_usual_places_then_the_hints() {
        let c = candidates(&[PathBuf::from("/srv/bazarr"), PathBuf::from("/opt/bazarr")]);
        assert_eq!(
            c,
            vec![
                PathBuf::from("/opt/bazarr/data/config/config.yaml"),
                PathBuf::from("/var/lib/bazarr/config/config.yaml"),
                PathBuf::from("/config/config/config.yaml"),
                PathBuf::from("/srv/bazarr/data/config/config.yaml"),
            ]
        );
    }

    fn make(dir: &Path, rel: &str) -> PathBuf {
        let path = dir.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, "general: {}\n").unwrap();
        path
    }

    #[test]
    fn exactly_one_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let a = make(dir.path(), "a/data/config/config.yaml");
        let missing = dir.path().join("b/data/config/config.yaml");
        // A folder with the right name is not a file.
        let folder = dir.path().join("c/data/config/config.yaml");
        fs::create_dir_all(&folder).unwrap();
        assert_eq!(locate(&[missing, a.clone(), folder]).unwrap(), a);
    }

    #[test]
    fn none_found_lists_every_path() {
        let dir = tempfile::tempdir().unwrap();
        let paths = candidates(&[dir.path().join("x"), dir.path().join("y")]);
        let only_tmp: Vec<PathBuf> = paths[3..].to_vec();
        let err = crate::error::Error::from(locate(&only_tmp).unwrap_err());
        assert_eq!(err.kind, ErrorKind::Config);
        for p in &only_tmp {
            assert!(err.message.contains(&p.display().to_string()));
        }
        assert!(err.hint.unwrap().contains("--bazarr-config PATH"));
    }

    #[test]
    fn several_found_is_an_error_naming_them() {
        let dir = tempfile::tempdir().unwrap();
        let a = make(dir.path(), "a/data/config/config.yaml");
        let b = make(dir.path(), "b/data/config/config.yaml");
        let err = crate::error::Error::from(locate(&[a.clone(), b.clone()]).unwrap_err());
        assert_eq!(err.kind, ErrorKind::Config);
        assert!(err.message.contains("found 2"));
        assert!(err.message.contains(&a.display().to_string()));
        assert!(err.message.contains(&b.display().to_string()));
        assert!(err.hint.unwrap().contains("--bazarr-config PATH"));
    }

    #[cfg(unix)]
    #[test]
    fn one_file_under_two_names_counts_once() {
        let dir = tempfile::tempdir().unwrap();
        let a = make(dir.path(), "a/data/config/config.yaml");
        std::os::unix::fs::symlink(dir.path().join("a"), dir.path().join("b")).unwrap();
        let b = dir.path().join("b/data/config/config.yaml");
        assert_eq!(locate(&[a.clone(), b]).unwrap(), a);
    }
}
