//! A running Tautulli takes a new token through its own `POST /save_pms_token` (form fields
//! `token` and `client_id`, what its own Plex sign-in page sends): it keeps the token in
//! memory and writes its config.ini at once, so nothing it later writes back loses it. The
//! route needs a signed-in admin when web authentication is on (a redirect to its login
//! page then); with it off, Tautulli 2.17 takes its `X-Api-Key` in place of a CSRF token,
//! and older ones refuse (403). Tried against the real Tautulli 2.17.2.

use std::time::Duration;

use crate::secret::Secret;

#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    #[error(
        "its web authentication is on, so it takes a token only from an admin signed in to its web page"
    )]
    AuthOn,
    #[error(
        "it answered {0} (a Tautulli older than 2.17 takes a token only from its own web page)"
    )]
    Refused(u16),
    #[error("it could not be asked: {0}")]
    Unreachable(String),
}

/// Give the running Tautulli at `base` the token, with its API key.
pub async fn save_pms_token(
    base: &url::Url,
    api_key: &Secret,
    token: &Secret,
    client_id: &str,
    timeout: Duration,
) -> Result<(), LiveError> {
    let unreachable = |e: &dyn std::fmt::Display| LiveError::Unreachable(e.to_string());
    let http = super::http_client(timeout).map_err(|e| unreachable(&e))?;
    let url = base.join("save_pms_token").map_err(|e| unreachable(&e))?;
    let form = format!(
        "token={}&client_id={}",
        encode(token.expose()),
        encode(client_id)
    );
    let resp = http
        .post(url)
        .header("X-Api-Key", api_key.expose())
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body(form)
        .send()
        .await
        .map_err(|e| unreachable(&e))?;
    match resp.status().as_u16() {
        200..=299 => Ok(()),
        300..=399 | 401 => Err(LiveError::AuthOn),
        status => Err(LiveError::Refused(status)),
    }
}

fn encode(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC).to_string()
}
