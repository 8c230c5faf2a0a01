//! `plex-auth rotate-key`: a new key, the token sealed again under it, the old key gone, as
//! one crash-safe step (the steps are in `store::rotate`). Bazarr's `encryption_key` is
//! Bazarr's and is not touched.

use std::path::PathBuf;

use serde::Serialize;

use crate::cli::RotateKeyArgs;
use crate::context::{Context, KeySource};
use crate::error::{Error, Result};
use crate::store::Backend;
use crate::time::timestamp;

#[derive(Serialize)]
struct RotateView {
    rotated: bool,
    key_file: PathBuf,
    store: Backend,
    key_created_at: String,
    finished_interrupted: bool,
    /// The old key file, removed by a move (`--to`).
    #[serde(skip_serializing_if = "Option::is_none")]
    moved_from: Option<PathBuf>,
}

pub fn run(ctx: &Context, args: &RotateKeyArgs) -> Result<()> {
    if ctx.key_is_credential {
        return Err(credential_is_read_only(ctx));
    }
    let done = match &args.to {
        Some(dest) => ctx
            .vault()
            .move_key(&std::path::absolute(dest).unwrap_or_else(|_| dest.clone()))?,
        None => ctx.vault().rotate_key()?,
    };
    if let Some((old, why)) = &done.old_key_left {
        ctx.out.warn(format!(
            "the old key file {} could not be removed ({why}); it no longer opens the token: remove it yourself",
            old.display()
        ));
    }
    if args.to.is_some() && ctx.key_source == KeySource::Env {
        ctx.out.warn(format!(
            "PLEX_AUTH_KEY_FILE still names the old place: set it to {} (or unset it: the new place is remembered)",
            done.key_path.display()
        ));
    }
    if done.finished_interrupted {
        ctx.out
            .info("Finished a key rotation that had been interrupted.");
    }
    let view = RotateView {
        rotated: true,
        key_file: done.key_path.clone(),
        store: done.backend,
        key_created_at: timestamp(done.created_at),
        finished_interrupted: done.finished_interrupted,
        moved_from: done.moved_from.clone(),
    };
    if ctx.out.json {
        ctx.out.json_value(&view);
    } else if let Some(old) = &done.moved_from {
        ctx.out.result(format!(
            "Moved the key to {} and rotated it: the token is sealed under the new key there, and {} is gone.",
            done.key_path.display(),
            old.display()
        ));
    } else {
        ctx.out.result(format!(
            "Rotated the key in {}: the token is sealed under the new key and the old key is gone.",
            done.key_path.display()
        ));
    }
    Ok(())
}

/// systemd hands the key over in `$CREDENTIALS_DIRECTORY`, a read-only copy: the key has to
/// be rotated where it comes from, by the admin, outside the unit.
fn credential_is_read_only(ctx: &Context) -> Error {
    let error = Error::store(format!(
        "the key {} is a systemd credential, which is read-only here; nothing was changed",
        ctx.key_path.display()
    ));
    if ctx.config_dir == std::path::Path::new(crate::context::SYSTEM_STATE_DIR) {
        return error.with_hint(
            "rotate it at its source, outside the service: `sudo plex-auth --system rotate-key` \
             (it rotates /etc/plex-auth/key); the next run of the service reads the new key \
             (run `systemctl start plex-auth-validate.service` to check now)",
        );
    }
    error.with_hint(format!(
        "rotate it at its source, outside the service: 1) find the file after \
         LoadCredential=plex-auth.key: in the unit (such as /etc/plex-auth/key); 2) run, as \
         the same user and with the same config folder, `plex-auth --config-dir {} \
         --key-file /etc/plex-auth/key rotate-key`; 3) the next run of the service reads the \
         new key (run `systemctl start plex-auth-validate.service` to check now)",
        ctx.config_dir.display()
    ))
}
