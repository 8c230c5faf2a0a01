//! Request parameters the way plex.tv reads them, and the response shapes both fakes send.

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};

use crate::random;
use crate::spec::Recorded;

pub(crate) const JSON_TYPE: &str = "application/json; charset=utf-8";
/// Large enough for any form or JSON body a client sends to plex.tv.
pub(crate) const MAX_BODY: usize = 1 << 20;

/// Decodes one `application/x-www-form-urlencoded` component; a broken escape is kept as it is.
pub(crate) fn decode(component: &str) -> String {
    let bytes = component.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let escaped = bytes
                    .get(i + 1..i + 3)
                    .and_then(|hex| std::str::from_utf8(hex).ok())
                    .and_then(|hex| u8::from_str_radix(hex, 16).ok());
                match escaped {
                    Some(byte) => {
                        out.push(byte);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub(crate) fn parse_pairs(encoded: &str) -> Vec<(String, String)> {
    encoded
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(key), decode(value))
        })
        .collect()
}

pub(crate) fn truthy(value: &str) -> bool {
    value.eq_ignore_ascii_case("true") || value == "1"
}

pub(crate) fn header_pairs(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_ascii_lowercase(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect()
}

pub(crate) fn record(method: &str, path: &str, query: &str, headers: &HeaderMap) -> Recorded {
    Recorded {
        method: method.to_owned(),
        path: path.to_owned(),
        query: query.to_owned(),
        headers: header_pairs(headers),
    }
}

/// Everything a request carries that plex.tv reads parameters from.
pub(crate) struct Params {
    headers: HeaderMap,
    query: Vec<(String, String)>,
    form: Vec<(String, String)>,
    json: Option<Value>,
}

impl Params {
    pub fn new(headers: &HeaderMap, query: &str, body: &Bytes) -> Params {
        let is_json = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("json"))
            || body.trim_ascii_start().starts_with(b"{");
        let (form, json) = if body.is_empty() {
            (Vec::new(), None)
        } else if is_json {
            (Vec::new(), serde_json::from_slice(body).ok())
        } else {
            (parse_pairs(&String::from_utf8_lossy(body)), None)
        };
        Params {
            headers: headers.clone(),
            query: parse_pairs(query),
            form,
            json,
        }
    }

    /// An `X-Plex-*` value: the header, else the query string, else the body, as plex.tv does.
    pub fn plex(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .filter(|v| !v.is_empty())
            .or_else(|| self.param(name))
    }

    /// A plain parameter: the query string, else the body.
    pub fn param(&self, name: &str) -> Option<String> {
        let in_pairs = |pairs: &[(String, String)]| {
            pairs
                .iter()
                .find(|(key, value)| key.eq_ignore_ascii_case(name) && !value.is_empty())
                .map(|(_, value)| value.clone())
        };
        in_pairs(&self.query)
            .or_else(|| in_pairs(&self.form))
            .or_else(|| {
                let object = self.json.as_ref()?.as_object()?;
                let (_, value) = object
                    .iter()
                    .find(|(key, _)| key.eq_ignore_ascii_case(name))?;
                match value {
                    Value::String(s) if !s.is_empty() => Some(s.clone()),
                    Value::Bool(b) => Some(b.to_string()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                }
            })
    }

    pub fn token(&self) -> Option<String> {
        self.plex("X-Plex-Token")
    }
}

fn plex_response(status: StatusCode, body: Body) -> Response {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON_TYPE));
    let id = HeaderValue::from_str(&random::hex(32)).expect("hex is a valid header value");
    headers.insert("x-request-id", id);
    response
}

pub(crate) fn json_response(status: StatusCode, body: &Value) -> Response {
    plex_response(status, Body::from(body.to_string()))
}

/// An empty answer that still carries plex.tv's headers.
pub(crate) fn empty_response(status: StatusCode) -> Response {
    plex_response(status, Body::empty())
}

/// `status` with a body of `len` bytes, sent in 64 KiB pieces without a Content-Length, as a
/// proxy or a broken edge might: a client learns its size only by reading it.
pub(crate) fn huge_response(status: StatusCode, len: u64) -> Response {
    plex_response(status, Body::new(Filler { left: len }))
}

/// `len` bytes of spaces, made as they are read, so a huge body costs the fake no memory.
struct Filler {
    left: u64,
}

impl http_body::Body for Filler {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        const PIECE: &[u8] = &[b' '; 64 * 1024];
        if self.left == 0 {
            return std::task::Poll::Ready(None);
        }
        let n = self.left.min(PIECE.len() as u64);
        self.left -= n;
        let piece = Bytes::from_static(&PIECE[..n as usize]);
        std::task::Poll::Ready(Some(Ok(http_body::Frame::data(piece))))
    }
}

/// A body that claims to be JSON and is not.
pub(crate) fn malformed_response() -> Response {
    plex_response(StatusCode::OK, Body::from("{not json"))
}

pub(crate) fn plex_error(status: StatusCode, code: u32, message: &str) -> Response {
    json_response(
        status,
        &json!({"errors": [{"code": code, "message": message, "status": status.as_u16()}]}),
    )
}

pub(crate) fn unauthorized() -> Response {
    plex_error(
        StatusCode::UNAUTHORIZED,
        1001,
        "User could not be authenticated",
    )
}

/// plex.tv's 1020 body has no `status` member.
pub(crate) fn pin_not_found() -> Response {
    json_response(
        StatusCode::NOT_FOUND,
        &json!({"errors": [{"code": 1020, "message": "Code not found or expired"}]}),
    )
}

pub(crate) fn text_response(
    status: StatusCode,
    content_type: &'static str,
    body: String,
) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn decoding_handles_plus_escapes_and_broken_escapes() {
        assert_eq!(decode("Plex+Link%20CLI"), "Plex Link CLI");
        assert_eq!(decode("a%2Fb%3d"), "a/b=");
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz%4"), "%zz%4");
        assert_eq!(decode("%C3%A9"), "é");
    }

    #[test]
    fn pairs_allow_missing_values() {
        assert_eq!(
            parse_pairs("a=1&&b&c=x%26y"),
            vec![
                ("a".into(), "1".into()),
                ("b".into(), String::new()),
                ("c".into(), "x&y".into())
            ]
        );
        assert!(parse_pairs("").is_empty());
    }

    #[test]
    fn plex_values_come_from_header_then_query_then_body() {
        let body = Bytes::from_static(b"X-Plex-Client-Identifier=form&X-Plex-Product=Form");
        let query = "X-Plex-Client-Identifier=query";
        let h = headers(&[("x-plex-client-identifier", "header")]);
        let p = Params::new(&h, query, &body);
        assert_eq!(
            p.plex("X-Plex-Client-Identifier").as_deref(),
            Some("header")
        );
        let p = Params::new(&HeaderMap::new(), query, &body);
        assert_eq!(p.plex("X-Plex-Client-Identifier").as_deref(), Some("query"));
        assert_eq!(p.plex("X-Plex-Product").as_deref(), Some("Form"));
        assert_eq!(p.plex("X-Plex-Token"), None);
    }

    #[test]
    fn empty_values_count_as_missing() {
        let h = headers(&[("x-plex-client-identifier", "")]);
        let p = Params::new(&h, "X-Plex-Client-Identifier=", &Bytes::new());
        assert_eq!(p.plex("X-Plex-Client-Identifier"), None);
    }

    #[test]
    fn json_bodies_are_read_too() {
        let body =
            Bytes::from_static(br#"{"strong": true, "X-Plex-Client-Identifier": "j", "n": 3}"#);
        let p = Params::new(&HeaderMap::new(), "", &body);
        assert_eq!(p.param("strong").as_deref(), Some("true"));
        assert_eq!(p.plex("X-Plex-Client-Identifier").as_deref(), Some("j"));
        assert_eq!(p.param("n").as_deref(), Some("3"));
        assert!(truthy("True") && truthy("1") && !truthy("0") && !truthy("yes"));
    }

    #[test]
    fn error_bodies_have_plex_shape() {
        let response = unauthorized();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(response.headers()[header::CONTENT_TYPE], JSON_TYPE);
        assert_eq!(response.headers()["x-request-id"].len(), 32);
    }
}
