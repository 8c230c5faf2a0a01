//! Where there is no Unix: a named temporary file and a plain rename.

use std::ffi::OsStr;
use std::io::{self, Write};
use std::path::Path;

use super::Mode;

pub(super) fn replace_in(
    dir: &Path,
    name: &OsStr,
    bytes: &[u8],
    _mode: Mode<'_>,
    expected: Option<&[u8]>,
) -> io::Result<bool> {
    if let Some(expected) = expected
        && std::fs::read(dir.join(name)).ok().as_deref() != Some(expected)
    {
        return Ok(false);
    }
    let hex = super::temp_suffix()?;
    let tmp = dir.join(format!(".{}.{hex}.tmp", name.to_string_lossy()));
    let result = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .and_then(|()| std::fs::rename(&tmp, dir.join(name)));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map(|()| true)
}
