//! A token of its own for an app on this host (Tautulli, Kometa, a second Bazarr…), minted
//! with the account's token and no further approval: a short PIN is made under the app's
//! own identity, linked with the account's token (`PUT /api/v2/pins/link`, what a signed-in
//! Plex app does when someone types a code), then read. Each app is then a device of its own
//! in the account's "Authorized Devices", which can be signed out alone.

use std::time::Duration;

use super::{PlexClient, PlexError};
use crate::secret::Secret;

/// How often, and how many times, the linked PIN is read before giving up: plex.tv gives
/// the token as soon as the link is made, so this is a margin, not a wait.
const READ_EVERY: Duration = Duration::from_millis(250);
const READS: u32 = 8;

#[derive(Debug, thiserror::Error)]
pub enum MintError {
    #[error(transparent)]
    Plex(#[from] PlexError),
    /// plex.tv took the link but the PIN never carried a token.
    #[error("plex.tv linked the app's PIN but gave it no token")]
    NoToken,
}

/// A new token for the app that `app` speaks for (its own client identifier), linked by the
/// account whose `account_token` `account` sends.
pub async fn token_for_app(
    app: &PlexClient,
    account: &PlexClient,
    account_token: &Secret,
) -> Result<Secret, MintError> {
    let pin = app.create_pin(false).await?;
    account.link_pin(account_token, &pin.code).await?;
    for _ in 0..READS {
        let read = app.poll_pin(pin.id).await?;
        if let Some(token) = read.auth_token.filter(|t| !t.expose().is_empty()) {
            return Ok(token);
        }
        tokio::time::sleep(READ_EVERY).await;
    }
    Err(MintError::NoToken)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plex::client::Identity;
    use reqwest::Url;

    fn client(fake: &fake_plex::FakePlex, identity: &Identity) -> PlexClient {
        let base = Url::parse(&fake.url()).unwrap();
        PlexClient::new(base, identity, Duration::from_secs(5)).unwrap()
    }

    #[test]
    fn an_app_gets_a_token_of_its_own_under_its_own_identity() {
        let fake = fake_plex::FakePlex::start();
        let account = Secret::new(fake.token());
        let app = Identity::for_app("tautulli-cid".into(), "Tautulli");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let minted = runtime
            .block_on(token_for_app(
                &client(&fake, &app),
                &client(&fake, &Identity::new("account-cid".into())),
                &account,
            ))
            .unwrap();
        assert_ne!(minted, account);
        // The new token is the account's: plex.tv knows whose it is.
        let user = runtime.block_on(client(&fake, &app).user(&minted)).unwrap();
        assert_eq!(user.username, "alice");
        let requests = fake.requests();
        let created = requests
            .iter()
            .find(|r| r.method == "POST" && r.path == "/api/v2/pins")
            .unwrap();
        assert_eq!(
            created.header("x-plex-client-identifier"),
            Some("tautulli-cid")
        );
        assert_eq!(
            created.header("x-plex-product"),
            Some("Tautulli (plex-auth)")
        );
        let linked = requests
            .iter()
            .find(|r| r.method == "PUT" && r.path == "/api/v2/pins/link")
            .unwrap();
        assert_eq!(
            linked.header("x-plex-client-identifier"),
            Some("account-cid")
        );
    }

    #[test]
    fn a_code_plex_tv_does_not_know_is_pin_gone() {
        let fake = fake_plex::FakePlex::start();
        let account = Secret::new(fake.token());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let err = runtime
            .block_on(client(&fake, &Identity::new("a".into())).link_pin(&account, "ZZZZ"))
            .unwrap_err();
        assert!(matches!(err, PlexError::PinGone(_)), "{err:?}");
    }
}
