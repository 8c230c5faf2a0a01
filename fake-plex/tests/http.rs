//! The fake over real sockets, with a tiny blocking HTTP/1.1 client.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::thread;
use std::time::{Duration, Instant};

use fake_plex::{ConnKind, ConnSpec, FakePlex, Fault, ServerSpec};
use serde_json::Value;

const CID: &str = "0b6f3c2e-5a1d-4f7e-9c3b-8e2d1a4f6b90";

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|err| panic!("not JSON ({err}): {:?}", self.body))
    }
}

fn host_port(base: &str) -> &str {
    base.strip_prefix("http://").expect("an http:// base")
}

fn send(base: &str, method: &str, target: &str, headers: &[(&str, &str)], body: &str) -> Reply {
    let mut stream = TcpStream::connect(host_port(base)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut request = format!(
        "{method} {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
        host_port(base),
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read the answer");
    parse(&raw)
}

fn parse(raw: &[u8]) -> Reply {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text.split_once("\r\n\r\n").expect("a complete head");
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
    let body = if chunked {
        unchunk(body)
    } else {
        body.to_owned()
    };
    Reply {
        status,
        headers,
        body,
    }
}

fn unchunk(mut rest: &str) -> String {
    let mut out = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap();
        if size == 0 {
            break;
        }
        out.push_str(&after[..size]);
        rest = &after[size + 2..];
    }
    out
}

fn get(base: &str, target: &str, headers: &[(&str, &str)]) -> Reply {
    send(base, "GET", target, headers, "")
}

fn post(base: &str, target: &str) -> Reply {
    send(base, "POST", target, &[], "")
}

fn json_headers(reply: &Reply) {
    assert_eq!(
        reply.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    assert!(
        reply
            .header("x-request-id")
            .is_some_and(|id| !id.is_empty())
    );
}

fn create_pin(plex: &FakePlex) -> Value {
    let reply = send(
        &plex.url(),
        "POST",
        "/api/v2/pins?strong=true",
        &[
            ("Accept", "application/json"),
            ("X-Plex-Client-Identifier", CID),
            ("X-Plex-Product", "plex-auth"),
        ],
        "",
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    json_headers(&reply);
    reply.json()
}

fn poll(plex: &FakePlex, id: u64, cid: &str) -> Reply {
    get(
        &plex.url(),
        &format!("/api/v2/pins/{id}"),
        &[("X-Plex-Client-Identifier", cid)],
    )
}

fn user(plex: &FakePlex, token: &str) -> Reply {
    get(
        &plex.url(),
        "/api/v2/user",
        &[("X-Plex-Token", token), ("X-Plex-Client-Identifier", CID)],
    )
}

/// Sends a request and reports whether any byte came back within `wait`.
/// A closed connection: accepted, then reset before a byte of answer. A client waiting for an
/// answer that never comes is the failure here, hence the long read timeout.
fn assert_reset(base: &str) {
    let mut stream = TcpStream::connect(host_port(base)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    // The reset may come before the request is written, which then fails; that is fine.
    let _ = write!(stream, "GET /identity HTTP/1.1\r\nHost: x\r\n\r\n");
    let mut byte = [0u8; 1];
    match stream.read(&mut byte) {
        Ok(0) => {}
        Err(err)
            if matches!(
                err.kind(),
                ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted
            ) => {}
        other => panic!("{base} is not reset: {other:?}"),
    }
}

fn answers_within(base: &str, target: &str, wait: Duration) -> bool {
    let mut stream = TcpStream::connect(host_port(base)).expect("the connection is accepted");
    stream.set_read_timeout(Some(wait)).unwrap();
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
    )
    .unwrap();
    let mut byte = [0u8; 1];
    match stream.read(&mut byte) {
        Ok(n) => n > 0,
        Err(err) if matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => false,
        Err(err) => panic!("unexpected read error: {err}"),
    }
}

#[test]
fn starts_with_alice_and_a_loopback_url() {
    let plex = FakePlex::start();
    assert!(plex.url().starts_with("http://127.0.0.1:"));
    assert!(!plex.url().ends_with('/'));
    let token = plex.token();
    assert_eq!(token.len(), 20);
    assert!(plex.is_valid(&token));
    let reply = user(&plex, &token);
    assert_eq!(reply.status, 200);
    json_headers(&reply);
    let body = reply.json();
    assert_eq!(body["id"], 12345678);
    assert_eq!(body["uuid"], "212acf24b07315e5");
    assert_eq!(body["username"], "alice");
    assert_eq!(body["email"], "alice@example.com");
    assert_eq!(body["authToken"], token.as_str());
    assert_eq!(plex.pins_created(), 0);
}

#[test]
fn pin_life_cycle_create_poll_approve_poll() {
    let plex = FakePlex::start();
    let pin = create_pin(&plex);
    let id = pin["id"].as_u64().unwrap();
    let code = pin["code"].as_str().unwrap().to_owned();
    assert!((100_000_000..10_000_000_000).contains(&id));
    assert_eq!(code.len(), 25);
    assert_eq!(pin["clientIdentifier"], CID);
    assert_eq!(pin["product"], "plex-auth");
    assert_eq!(pin["expiresIn"], 1800);
    assert_eq!(pin["authToken"], Value::Null);
    let created = humantime::parse_rfc3339(pin["createdAt"].as_str().unwrap()).unwrap();
    let expires = humantime::parse_rfc3339(pin["expiresAt"].as_str().unwrap()).unwrap();
    assert_eq!(expires.duration_since(created).unwrap().as_secs(), 1800);
    assert_eq!(plex.pins_created(), 1);

    let waiting = poll(&plex, id, CID);
    assert_eq!(waiting.status, 200);
    json_headers(&waiting);
    assert_eq!(waiting.json()["authToken"], Value::Null);
    assert_eq!(waiting.json()["newRegistration"], Value::Null);

    assert_eq!(
        post(&plex.url(), &format!("/__test__/approve?code={code}")).status,
        204
    );
    let linked = poll(&plex, id, CID).json();
    let token = linked["authToken"].as_str().unwrap().to_owned();
    assert_eq!(linked["newRegistration"], false);
    assert_ne!(token, plex.token());
    assert!(plex.is_valid(&token));
    assert_eq!(user(&plex, &token).json()["authToken"], token.as_str());
    assert_eq!(
        post(&plex.url(), "/__test__/approve?code=nosuchcode").status,
        404
    );
}

#[test]
fn approve_pin_returns_the_token_the_poll_shows() {
    let plex = FakePlex::start();
    let pin = create_pin(&plex);
    let token = plex.approve_pin(pin["code"].as_str().unwrap()).unwrap();
    let linked = poll(&plex, pin["id"].as_u64().unwrap(), CID).json();
    assert_eq!(linked["authToken"], token.as_str());
    assert_eq!(plex.approve_pin("unknown"), None);
}

#[test]
fn short_pins_and_parameters_from_query_form_and_json() {
    let plex = FakePlex::start();
    let short = send(
        &plex.url(),
        "POST",
        &format!("/api/v2/pins.json?X-Plex-Client-Identifier={CID}"),
        &[],
        "",
    );
    assert_eq!(short.status, 201);
    let short = short.json();
    assert_eq!(short["code"].as_str().unwrap().len(), 4);
    assert_eq!(short["expiresIn"], 900);

    let form = send(
        &plex.url(),
        "POST",
        "/api/v2/pins",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        &format!("strong=true&X-Plex-Client-Identifier={CID}&X-Plex-Product=Plex+Link+CLI"),
    );
    assert_eq!(form.status, 201);
    assert_eq!(form.json()["code"].as_str().unwrap().len(), 25);
    assert_eq!(form.json()["product"], "Plex Link CLI");

    let json = send(
        &plex.url(),
        "POST",
        "/api/v2/pins",
        &[
            ("Content-Type", "application/json"),
            ("X-Plex-Client-Identifier", CID),
        ],
        r#"{"strong": true}"#,
    );
    assert_eq!(json.json()["code"].as_str().unwrap().len(), 25);

    let id = short["id"].as_u64().unwrap();
    let dotted = get(
        &plex.url(),
        &format!("/api/v2/pins/{id}.json"),
        &[("X-Plex-Client-Identifier", CID)],
    );
    assert_eq!(dotted.status, 200);
    assert_eq!(plex.pins_created(), 3);
}

#[test]
fn a_pin_needs_a_client_identifier() {
    let plex = FakePlex::start();
    let reply = post(&plex.url(), "/api/v2/pins?strong=true");
    assert_eq!(reply.status, 400);
    json_headers(&reply);
    let error = &reply.json()["errors"][0];
    assert_eq!(error["code"], 1000);
    assert_eq!(error["message"], "X-Plex-Client-Identifier is missing");
    assert_eq!(error["status"], 400);
    assert_eq!(plex.pins_created(), 0);
}

#[test]
fn expired_pins_answer_404_1020() {
    let plex = FakePlex::start();
    plex.set_pin_lifetime(1);
    let pin = create_pin(&plex);
    assert_eq!(pin["expiresIn"], 1);
    let id = pin["id"].as_u64().unwrap();
    let expires = humantime::parse_rfc3339(pin["expiresAt"].as_str().unwrap()).unwrap();
    if let Ok(left) = expires.duration_since(std::time::SystemTime::now()) {
        thread::sleep(left + Duration::from_millis(20));
    }
    let reply = poll(&plex, id, CID);
    assert_eq!(reply.status, 404);
    json_headers(&reply);
    assert_eq!(reply.json()["errors"][0]["code"], 1020);
    assert_eq!(
        reply.json()["errors"][0]["message"],
        "Code not found or expired"
    );
    assert_eq!(plex.approve_pin(pin["code"].as_str().unwrap()), None);
}

#[test]
fn another_client_identifier_or_id_gets_404() {
    let plex = FakePlex::start();
    let pin = create_pin(&plex);
    let id = pin["id"].as_u64().unwrap();
    assert_eq!(poll(&plex, id, "someone-else").status, 404);
    assert_eq!(
        get(&plex.url(), &format!("/api/v2/pins/{id}"), &[]).status,
        404
    );
    assert_eq!(poll(&plex, id + 1, CID).status, 404);
    assert_eq!(poll(&plex, id, CID).status, 200);
    let wrong_code = get(
        &plex.url(),
        &format!("/api/v2/pins/{id}?code=wrong"),
        &[("X-Plex-Client-Identifier", CID)],
    );
    assert_eq!(wrong_code.status, 404);
}

#[test]
fn approve_after_links_pins_by_themselves() {
    let plex = FakePlex::start();
    // Delays far from any poll, so that no scheduling delay can decide the outcome: the
    // setting is read at each poll, so the PIN is younger than an hour, then older than zero.
    plex.approve_after(Duration::from_secs(3600));
    let pin = create_pin(&plex);
    let id = pin["id"].as_u64().unwrap();
    assert_eq!(poll(&plex, id, CID).json()["authToken"], Value::Null);
    plex.approve_after(Duration::ZERO);
    let token = poll(&plex, id, CID).json()["authToken"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(user(&plex, &token).json()["username"], "alice");
}

#[test]
fn pins_link_approves_for_the_token_owner() {
    let plex = FakePlex::start();
    let (bob_id, bob_token) = plex.add_user("bob", "bob@example.com");
    let pin = create_pin(&plex);
    let code = pin["code"].as_str().unwrap();
    let form = |token: &str, code: &str| {
        send(
            &plex.url(),
            "PUT",
            "/api/v2/pins/link",
            &[
                ("X-Plex-Token", token),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            &format!("code={code}"),
        )
    };
    assert_eq!(form("bad-token", code).status, 401);
    assert_eq!(form(&bob_token, "nope").status, 404);
    assert_eq!(form(&bob_token, code).status, 204);
    let token = poll(&plex, pin["id"].as_u64().unwrap(), CID).json()["authToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let me = user(&plex, &token).json();
    assert_eq!(me["username"], "bob");
    assert_eq!(me["id"], bob_id);
    assert_eq!(me["friendlyName"], "Bob");
}

#[test]
fn revoked_tokens_get_401_1001() {
    let plex = FakePlex::start();
    let token = plex.token();
    assert_eq!(user(&plex, &token).status, 200);
    plex.revoke(&token);
    assert!(!plex.is_valid(&token));
    let reply = user(&plex, &token);
    assert_eq!(reply.status, 401);
    json_headers(&reply);
    assert_eq!(
        reply.json(),
        serde_json::json!({"errors":[{"code":1001,"message":"User could not be authenticated","status":401}]})
    );
    assert_eq!(get(&plex.url(), "/api/v2/user", &[]).status, 401);

    let second = plex.issue_token(12345678);
    assert_eq!(
        post(&plex.url(), &format!("/__test__/revoke?token={second}")).status,
        204
    );
    assert_eq!(user(&plex, &second).status, 401);
    assert_eq!(
        post(&plex.url(), &format!("/__test__/revoke?token={second}")).status,
        404
    );
}

#[test]
fn signout_revokes_and_ping_follows() {
    let plex = FakePlex::start();
    let token = plex.token();
    let ping = get(&plex.url(), "/api/v2/ping", &[("X-Plex-Token", &token)]);
    assert_eq!(
        (ping.status, ping.json()),
        (200, serde_json::json!({"pong": true}))
    );
    let out = send(
        &plex.url(),
        "DELETE",
        "/api/v2/users/signout",
        &[("X-Plex-Token", &token)],
        "",
    );
    assert_eq!(out.status, 204);
    assert!(out.body.is_empty());
    assert!(out.header("x-request-id").is_some());
    assert!(!plex.is_valid(&token));
    assert_eq!(
        get(&plex.url(), "/api/v2/ping", &[("X-Plex-Token", &token)]).status,
        401
    );
    let again = send(
        &plex.url(),
        "DELETE",
        "/api/v2/users/signout",
        &[("X-Plex-Token", &token)],
        "",
    );
    assert_eq!(again.status, 401);
}

#[test]
fn a_token_in_the_query_string_still_works_and_is_recorded() {
    let plex = FakePlex::start();
    let token = plex.token();
    let reply = get(
        &plex.url(),
        &format!("/api/v2/user?X-Plex-Token={token}"),
        &[("X-Plex-Client-Identifier", CID)],
    );
    assert_eq!(reply.status, 200);
    let recorded = plex.requests();
    let last = recorded.last().unwrap();
    assert_eq!(last.method, "GET");
    assert_eq!(last.path, "/api/v2/user");
    assert_eq!(last.query, format!("X-Plex-Token={token}"));
    assert_eq!(last.header("x-plex-client-identifier"), Some(CID));
    assert!(
        last.headers
            .iter()
            .all(|(k, _)| *k == k.to_ascii_lowercase())
    );
    assert_eq!(last.header("X-Plex-Token"), None);
}

#[test]
fn rate_limit_with_retry_after_then_normal() {
    let plex = FakePlex::start();
    let token = plex.token();
    plex.fault(
        Fault::RateLimited {
            retry_after: Some(1),
        },
        2,
    );
    for _ in 0..2 {
        let limited = user(&plex, &token);
        assert_eq!(limited.status, 429);
        json_headers(&limited);
        assert_eq!(limited.header("retry-after"), Some("1"));
        assert_eq!(limited.json()["errors"][0]["code"], 1003);
        assert_eq!(
            limited.json()["errors"][0]["message"],
            "API rate limit exceeded"
        );
    }
    assert_eq!(user(&plex, &token).status, 200);
    assert_eq!(plex.requests().len(), 3);
}

#[test]
fn faults_from_the_http_switch() {
    let plex = FakePlex::start();
    let token = plex.token();
    let url = plex.url();
    assert_eq!(post(&url, "/__test__/fault?kind=503&count=1").status, 204);
    assert_eq!(post(&url, "/__test__/fault?kind=malformed").status, 204);
    assert_eq!(post(&url, "/__test__/fault?kind=429").status, 204);
    assert_eq!(post(&url, "/__test__/fault?kind=422").status, 204);
    assert_eq!(post(&url, "/__test__/fault?kind=slow&ms=200").status, 204);
    assert_eq!(post(&url, "/__test__/fault?kind=bogus").status, 400);

    let outage = user(&plex, &token);
    assert_eq!(outage.status, 503);
    assert!(outage.body.is_empty());
    assert_eq!(outage.header("x-request-id"), None);

    let malformed = user(&plex, &token);
    assert_eq!(
        (malformed.status, malformed.body.as_str()),
        (200, "{not json")
    );

    let limited = user(&plex, &token);
    assert_eq!(limited.status, 429);
    assert_eq!(limited.header("retry-after"), None);

    let invalid = user(&plex, &token);
    assert_eq!(invalid.status, 422);
    assert!(invalid.body.contains("Invalid token"));

    let started = Instant::now();
    assert_eq!(user(&plex, &token).status, 200);
    assert!(started.elapsed() >= Duration::from_millis(200));
    // The switches themselves are neither faulted nor recorded.
    assert!(
        plex.requests()
            .iter()
            .all(|r| !r.path.starts_with("/__test__"))
    );
}

#[test]
fn a_hang_fault_accepts_and_never_answers() {
    let plex = FakePlex::start();
    plex.fault(Fault::Hang, 1);
    assert!(!answers_within(
        &plex.url(),
        "/api/v2/ping",
        Duration::from_millis(300)
    ));
    assert_eq!(plex.requests().last().unwrap().path, "/api/v2/ping");
    // The next request is answered, and the browser page never gets a fault.
    plex.fault(Fault::Status(500), 1);
    assert_eq!(get(&plex.url(), "/auth", &[]).status, 200);
    assert_eq!(get(&plex.url(), "/api/v2/ping", &[]).status, 500);
    assert_eq!(get(&plex.url(), "/api/v2/ping", &[]).status, 401);
}

#[test]
fn the_browser_page_answers_text() {
    let plex = FakePlex::start();
    let reply = get(&plex.url(), "/auth", &[]);
    assert_eq!(reply.status, 200);
    assert!(
        reply
            .header("content-type")
            .unwrap()
            .starts_with("text/plain")
    );
    assert!(reply.body.contains("/__test__/approve"));
}

fn conn(kind: ConnKind, local: bool, relay: bool, ipv6: bool, protocol: &'static str) -> ConnSpec {
    ConnSpec {
        kind,
        local,
        relay,
        ipv6,
        protocol,
    }
}

#[test]
fn resources_list_servers_and_devices_and_respect_filters() {
    let plex = FakePlex::start();
    let token = plex.token();
    let tower = plex.add_server(ServerSpec::owned(
        "Tower",
        "5f1e0c9d8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e",
        vec![
            conn(ConnKind::Live, true, false, false, "http"),
            conn(ConnKind::Live, false, true, false, "http"),
            conn(ConnKind::Live, false, false, true, "http"),
            conn(ConnKind::Live, false, false, false, "https"),
        ],
    ));
    assert_eq!(tower.access_token, token);
    assert_eq!(tower.uris.len(), 4);
    let shared = plex.add_server(ServerSpec {
        presence: false,
        https_required: true,
        ..ServerSpec::shared(
            "Bob's server",
            "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678",
            vec![ConnSpec::new(ConnKind::Live)],
        )
    });
    assert_ne!(shared.access_token, token);
    plex.add_device("Firefox", "client,player");

    let list = |query: &str, token: &str| {
        get(
            &plex.url(),
            &format!("/api/v2/resources{query}"),
            &[("X-Plex-Token", token), ("Accept", "application/json")],
        )
    };
    assert_eq!(list("", "bad").status, 401);

    let plain = list("", &token);
    assert_eq!(plain.status, 200);
    json_headers(&plain);
    let plain = plain.json();
    assert_eq!(plain.as_array().unwrap().len(), 3);
    assert_eq!(plain[0]["connections"].as_array().unwrap().len(), 1);

    let all = list("?includeHttps=1&includeRelay=1&includeIPv6=1", &token).json();
    let server = &all[0];
    let connections = server["connections"].as_array().unwrap();
    assert_eq!(connections.len(), 4);
    assert_eq!(connections[0]["uri"], tower.uris[0].as_str());
    assert_eq!(connections[0]["address"], "127.0.0.1");
    assert_eq!(connections[0]["protocol"], "http");
    assert_eq!(connections[0]["local"], true);
    assert_eq!(connections[1]["relay"], true);
    assert_eq!(connections[2]["IPv6"], true);
    assert_eq!(connections[3]["protocol"], "https");
    assert!(
        connections[3]["uri"]
            .as_str()
            .unwrap()
            .starts_with("https://127.0.0.1:")
    );
    let port = connections[0]["port"].as_u64().unwrap();
    assert!(tower.uris[0].ends_with(&format!(":{port}")));
    assert_eq!(server["name"], "Tower");
    assert_eq!(server["clientIdentifier"], tower.machine_id.as_str());
    assert_eq!(server["provides"], "server");
    assert_eq!(server["owned"], true);
    assert_eq!(server["ownerId"], Value::Null);
    assert_eq!(server["sourceTitle"], Value::Null);
    assert_eq!(server["accessToken"], token.as_str());
    assert_eq!(server["presence"], true);
    assert_eq!(server["relay"], true);
    for field in [
        "product",
        "productVersion",
        "platform",
        "platformVersion",
        "device",
        "createdAt",
        "lastSeenAt",
        "publicAddress",
        "home",
        "synced",
        "httpsRequired",
        "publicAddressMatches",
        "dnsRebindingProtection",
        "natLoopbackSupported",
    ] {
        assert!(server.get(field).is_some(), "{field} missing");
    }

    let bob = &all[1];
    assert_eq!(bob["owned"], false);
    assert_eq!(bob["sourceTitle"], "bob");
    assert!(bob["ownerId"].is_u64());
    assert_eq!(bob["accessToken"], shared.access_token.as_str());
    assert_eq!(bob["presence"], false);
    assert_eq!(bob["httpsRequired"], true);

    assert_eq!(all[2]["provides"], "client,player");
    assert_eq!(all[2]["connections"], serde_json::json!([]));

    // Another account sees none of alice's resources; a second token of alice's sees its own.
    let (_, other) = plex.add_user("carol", "carol@example.com");
    assert_eq!(list("", &other).json(), serde_json::json!([]));
    let second = plex.issue_token(12345678);
    assert_eq!(list("", &second).json()[0]["accessToken"], second.as_str());
}

#[test]
fn pms_identity_impostor_and_token_check() {
    let plex = FakePlex::start();
    let handle = plex.add_server(ServerSpec::owned(
        "Tower",
        "tower-machine-id",
        vec![
            ConnSpec::new(ConnKind::Live),
            ConnSpec::new(ConnKind::Impostor("other-machine".into())),
        ],
    ));
    let identity = get(
        &handle.uris[0],
        "/identity",
        &[("Accept", "application/json")],
    );
    assert_eq!(identity.status, 200);
    assert_eq!(
        identity.json(),
        serde_json::json!({"MediaContainer":{"size":0,"claimed":true,
            "machineIdentifier":"tower-machine-id","version":"1.41.3.9314-a0bfb8370"}})
    );
    let impostor = get(&handle.uris[1], "/identity", &[]).json();
    assert_eq!(
        impostor["MediaContainer"]["machineIdentifier"],
        "other-machine"
    );

    let root = get(
        &handle.uris[0],
        "/",
        &[("X-Plex-Token", &handle.access_token)],
    );
    assert_eq!(root.status, 200);
    assert_eq!(root.json()["MediaContainer"]["friendlyName"], "Tower");
    assert_eq!(
        root.json()["MediaContainer"]["machineIdentifier"],
        "tower-machine-id"
    );

    let denied = get(&handle.uris[0], "/", &[("X-Plex-Token", "wrong")]);
    assert_eq!(denied.status, 401);
    assert_eq!(
        denied.body,
        "<html><head><title>Unauthorized</title></head><body><h1>401 Unauthorized</h1></body></html>"
    );
    assert!(
        denied
            .header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(get(&handle.uris[0], "/", &[]).status, 401);

    // An owned server takes any valid token of alice's, and no revoked one.
    let fresh = plex.issue_token(12345678);
    assert_eq!(
        get(&handle.uris[0], "/", &[("X-Plex-Token", &fresh)]).status,
        200
    );
    plex.revoke(&fresh);
    assert_eq!(
        get(&handle.uris[0], "/", &[("X-Plex-Token", &fresh)]).status,
        401
    );
    let (_, bob) = plex.add_user("bob", "bob@example.com");
    assert_eq!(
        get(&handle.uris[0], "/", &[("X-Plex-Token", &bob)]).status,
        401
    );

    let seen = plex.pms_requests();
    let port: u16 = handle.uris[0].rsplit(':').next().unwrap().parse().unwrap();
    let first = &seen[0];
    assert_eq!((first.port, first.path.as_str()), (port, "/identity"));
    assert_eq!(first.machine_id, "tower-machine-id");
    let with_token = seen.iter().find(|r| r.path == "/").unwrap();
    assert_eq!(
        with_token.header("x-plex-token"),
        Some(handle.access_token.as_str())
    );
    assert_eq!(
        seen[1].machine_id, "tower-machine-id",
        "impostors are recorded as the server"
    );
}

#[test]
fn a_shared_server_takes_only_its_scoped_token() {
    let plex = FakePlex::start();
    let handle = plex.add_server(ServerSpec::shared(
        "Bob's",
        "bobs-machine",
        vec![ConnSpec::new(ConnKind::Live)],
    ));
    let uri = &handle.uris[0];
    assert_eq!(
        get(uri, "/", &[("X-Plex-Token", &plex.token())]).status,
        401
    );
    assert_eq!(
        get(uri, "/", &[("X-Plex-Token", &handle.access_token)]).status,
        200
    );
    let query = format!("/?X-Plex-Token={}", handle.access_token);
    assert_eq!(get(uri, &query, &[]).status, 200);

    let fixed = plex.add_server(ServerSpec {
        access_token: Some("fixedServerToken0001".into()),
        ..ServerSpec::owned("Fixed", "fixed", vec![ConnSpec::new(ConnKind::Live)])
    });
    assert_eq!(fixed.access_token, "fixedServerToken0001");
    assert_eq!(
        get(&fixed.uris[0], "/", &[("X-Plex-Token", &plex.token())]).status,
        401
    );
}

#[test]
fn hang_slow_and_closed_connections() {
    let plex = FakePlex::start();
    let handle = plex.add_server(ServerSpec::owned(
        "Mixed",
        "mixed",
        vec![
            ConnSpec::new(ConnKind::Hang),
            ConnSpec::new(ConnKind::Slow(Duration::from_millis(150))),
            ConnSpec::new(ConnKind::Closed),
        ],
    ));
    assert!(!answers_within(
        &handle.uris[0],
        "/identity",
        Duration::from_millis(300)
    ));
    assert_eq!(
        plex.pms_requests().len(),
        1,
        "a hanging connection still reads the request"
    );

    let started = Instant::now();
    assert_eq!(get(&handle.uris[1], "/identity", &[]).status, 200);
    assert!(started.elapsed() >= Duration::from_millis(150));

    assert_reset(&handle.uris[2]);
}

#[test]
fn set_conn_changes_a_connection_on_the_same_port() {
    let plex = FakePlex::start();
    let handle = plex.add_server(ServerSpec::owned(
        "Tower",
        "tower",
        vec![
            ConnSpec::new(ConnKind::Live),
            ConnSpec::new(ConnKind::Closed),
        ],
    ));
    let (live, closed) = (&handle.uris[0], &handle.uris[1]);
    assert_eq!(get(live, "/identity", &[]).status, 200);

    plex.set_conn("tower", 0, ConnKind::Hang);
    assert!(!answers_within(
        live,
        "/identity",
        Duration::from_millis(300)
    ));

    plex.set_conn("tower", 0, ConnKind::Closed);
    assert_reset(live);

    plex.set_conn("tower", 0, ConnKind::Live);
    assert_eq!(get(live, "/identity", &[]).status, 200);

    plex.set_conn("tower", 1, ConnKind::Impostor("someone".into()));
    let identity = get(closed, "/identity", &[]).json();
    assert_eq!(identity["MediaContainer"]["machineIdentifier"], "someone");
}

#[test]
fn dropping_the_fake_stops_it() {
    let plex = FakePlex::start();
    let handle = plex.add_server(ServerSpec::owned(
        "Tower",
        "tower",
        vec![ConnSpec::new(ConnKind::Live), ConnSpec::new(ConnKind::Hang)],
    ));
    // A request left hanging must not keep the fake alive.
    let mut hanging = TcpStream::connect(host_port(&handle.uris[1])).unwrap();
    write!(hanging, "GET /identity HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let url = plex.url();
    drop(plex);
    // Only a fake that never stops fails here; the bound is wide for a loaded machine.
    let deadline = Instant::now() + Duration::from_secs(20);
    let refused = |base: &str| TcpStream::connect(host_port(base)).is_err();
    while !(refused(&url) && refused(&handle.uris[0])) {
        assert!(Instant::now() < deadline, "still listening after drop");
        thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_closed_connection_keeps_its_port_for_the_life_of_the_fake() {
    let plex = FakePlex::start();
    let handle = plex.add_server(ServerSpec::owned(
        "Tower",
        "tower",
        vec![
            ConnSpec::new(ConnKind::Live),
            ConnSpec::new(ConnKind::Closed),
        ],
    ));
    // Whatever a connection's kind, its port stays the fake's: nothing else on the machine can
    // take it between switches, so switching back never has to bind it again.
    for _ in 0..3 {
        for uri in &handle.uris {
            assert!(
                std::net::TcpListener::bind(host_port(uri)).is_err(),
                "{uri} could be taken by another listener"
            );
        }
        plex.set_conn("tower", 0, ConnKind::Closed);
        plex.set_conn("tower", 1, ConnKind::Live);
        assert_eq!(get(&handle.uris[1], "/identity", &[]).status, 200);
        plex.set_conn("tower", 0, ConnKind::Live);
        plex.set_conn("tower", 1, ConnKind::Closed);
        assert_eq!(get(&handle.uris[0], "/identity", &[]).status, 200);
    }
}
