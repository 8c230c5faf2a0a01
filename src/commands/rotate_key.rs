//! `plex-auth rotate-key`: a new key, the token sealed again under it, the old key gone, as
//! one crash-safe step (the steps are in `store::rotate`). Bazarr's `encryption_key` is
//! Bazarr's and is not touched.

use std::path::PathBuf;

use serde::Serialize;

use crate::context::Context;
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
}

pub fn run(ctx: &Context) -> Result<()> {
    if ctx.key_is_credential {
        return Err(credential_is_read_only(ctx));
    }
    let done = ctx.vault().rotate_key()?;
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
    };
    if ctx.out.json {
        ctx.out.json_value(&view);
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
