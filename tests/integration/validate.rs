//! `validate`, `status` and `logout`: the cron contract (0 / 4 / 5), and nothing lost on a
//! network failure.

use std::time::Duration;

use fake_plex::Fault;

use crate::util::Env;

#[test]
fn validate_ok_is_silent_with_quiet() {
    let env = Env::new();
    env.logged_in();
    env.run(&["validate", "--quiet"])
        .ok()
        .stdout_empty()
        .stderr_empty();
    env.run(&["validate"])
        .ok()
        .stdout_has("The token is valid: logged in as alice");
    let doc = env.run(&["validate", "--json"]).json();
    assert_eq!(doc["valid"], true);
    let status = env.run(&["status", "--json"]).json();
    assert_eq!(status["validation"]["result"], "ok");
}

#[test]
fn a_revoked_token_exits_4_with_one_line_and_is_kept() {
    let env = Env::new();
    let token = env.logged_in();
    env.fake.revoke(&token);
    let sealed_before = sealed(&env.config_text());
    let run = env.run(&["validate", "--quiet"]);
    run.code(4).stdout_empty();
    assert_eq!(
        run.stderr.lines().count(),
        1,
        "one line for cron: {}",
        run.stderr
    );
    assert!(run.stderr.contains("rejected"));
    env.run(&["validate", "--json"])
        .code(4)
        .error_code("INVALID_TOKEN");
    assert_eq!(sealed(&env.config_text()), sealed_before);
    let status = env.run(&["status", "--json"]).json();
    assert_eq!(status["validation"]["result"], "rejected");
}

fn sealed(config: &str) -> Option<String> {
    config
        .lines()
        .find(|l| l.starts_with("sealed_token"))
        .map(str::to_owned)
}

#[test]
fn outages_exit_5_and_keep_the_token() {
    let env = Env::new();
    env.logged_in();
    let before = sealed(&env.config_text());
    for (fault, count) in [
        (Fault::Unavailable, 1),
        (Fault::Malformed, 1),
        (Fault::Status(502), 1),
        // Retry-After 1 s: the first answer and three retries, then give up.
        (
            Fault::RateLimited {
                retry_after: Some(1),
            },
            4,
        ),
    ] {
        env.fake.fault_on("/api/v2/user", fault, count);
        let run = env.run(&["validate", "--json"]);
        run.code(5).error_code("CONNECTION_ERROR");
        assert!(
            run.json()["error"]["hint"]
                .as_str()
                .unwrap()
                .contains("kept")
        );
    }
    assert_eq!(sealed(&env.config_text()), before);
    // A 503 says what it was once, in words.
    env.fake.fault_on("/api/v2/user", Fault::Unavailable, 1);
    let run = env.run(&["validate"]);
    run.code(5).stderr_has("answered 503: Service Unavailable");
    assert!(!run.stderr.contains("HTTP 503"), "{}", run.stderr);
    let status = env.run(&["status", "--json"]).json();
    assert_eq!(status["validation"]["result"], "unreachable");
    env.run(&["validate"]).ok();
}

#[test]
fn a_429_is_retried_after_retry_after() {
    let env = Env::new();
    env.logged_in();
    env.fake.fault_on(
        "/api/v2/user",
        Fault::RateLimited {
            retry_after: Some(1),
        },
        2,
    );
    env.run(&["validate"]).ok();
    env.fake
        .fault_on("/api/v2/user", Fault::RateLimited { retry_after: None }, 1);
    env.run(&["validate"]).ok();
}

#[test]
fn a_hanging_or_missing_plex_tv_exits_5_without_hanging() {
    let env = Env::new();
    env.logged_in();
    env.fake.fault_on("/api/v2/user", Fault::Hang, 1);
    let start = std::time::Instant::now();
    let mut cmd = env.cmd();
    cmd.env("PLEX_AUTH_REQUEST_TIMEOUT", "1").args(["validate"]);
    let run = crate::util::Run::from(cmd.output().unwrap());
    run.code(5)
        .stderr_has(&format!(
            "could not reach plex.tv at {}",
            &env.fake.url()[7..]
        ))
        .stderr_has("timed out");
    assert!(start.elapsed() < Duration::from_secs(20));

    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let mut cmd = env.cmd();
    cmd.env("PLEX_AUTH_PLEX_URL", format!("http://127.0.0.1:{port}"))
        .args(["validate"]);
    crate::util::Run::from(cmd.output().unwrap())
        .code(5)
        .stderr_has(&format!("could not reach plex.tv at 127.0.0.1:{port}"));
}

#[test]
fn not_logged_in_is_exit_3_everywhere() {
    let env = Env::new();
    env.run(&["status"])
        .code(3)
        .stderr_has("not logged in")
        .stderr_has("plex-auth login");
    env.run(&["validate", "--json"])
        .code(3)
        .error_code("NOT_LOGGED_IN");
    env.run(&["servers"]).code(3);
    env.run(&["select", "1"]).code(3);
    assert!(env.fake.requests().is_empty(), "no request without a token");
}

#[test]
fn status_shows_the_account_masked_token_and_places() {
    let env = Env::new();
    let token = env.logged_in();
    let run = env.run(&["status"]);
    run.ok()
        .stdout_has("Logged in as alice (alice@example.com, id 12345678)")
        .stdout_has(&format!("{}…(20 chars)", &token[..4]))
        .stdout_has("from an existing token")
        .stdout_has(&env.config_path().display().to_string())
        .stdout_has(&env.key_path().display().to_string())
        .stdout_has("none chosen (choose one with `plex-auth select`)");
    // The key sits beside the token by default: said at login and under -v, not every time.
    assert!(!run.stderr.contains("same disk"), "{}", run.stderr);
    env.run(&["status", "-v"]).ok().stderr_has("same disk");
    assert!(!run.stdout.contains(&token));
    assert!(!run.stderr.contains(&token));
    assert!(
        env.fake
            .requests()
            .iter()
            .all(|r| r.path != "/api/v2/user" || r.method == "GET")
    );
}

#[test]
fn status_warns_about_loose_modes() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    env.logged_in();
    std::fs::set_permissions(env.key_path(), std::fs::Permissions::from_mode(0o644)).unwrap();
    env.run(&["status"]).ok().stderr_has("mode 0644");
}

#[test]
fn logout_forgets_revokes_and_is_idempotent() {
    let env = Env::new();
    let token = env.logged_in();
    env.run(&["logout", "--revoke"])
        .ok()
        .stdout_has("signed out at plex.tv");
    assert!(!env.fake.is_valid(&token));
    assert!(!env.config_text().contains("sealed_token"));
    assert!(!env.config_text().contains("[account]"));
    env.run(&["status"]).code(3);
    env.run(&["logout"])
        .ok()
        .stdout_has("Not logged in; nothing to do.");
    env.run(&["logout", "--revoke"]).ok();
}

#[test]
fn logout_revoke_of_an_already_revoked_token_is_fine() {
    let env = Env::new();
    let token = env.logged_in();
    env.fake.revoke(&token);
    env.run(&["logout", "--revoke", "--json"]).ok();
}

#[test]
fn logout_revoke_while_plex_tv_is_down_keeps_the_token_to_retry() {
    let env = Env::new();
    let token = env.logged_in();
    let before = env.config_text();
    env.fake.fault(Fault::Unavailable, 1);
    env.run(&["logout", "--revoke"])
        .code(5)
        .stderr_has("could not sign the token out")
        .stderr_has("nothing was changed")
        .stderr_has("plex-auth logout --revoke` again")
        .stdout_empty();
    assert_eq!(env.config_text(), before, "nothing was forgotten");
    env.run(&["status"]).ok();
    // The retry signs it out and forgets it.
    env.run(&["logout", "--revoke"]).ok();
    assert!(!env.fake.is_valid(&token));
    env.run(&["status"]).code(3);
}

#[test]
fn a_request_plex_tv_calls_malformed_is_internal_not_a_verdict() {
    let env = Env::new();
    env.logged_in();
    let before = sealed(&env.config_text());
    env.fake.fault_on("/api/v2/user", Fault::Status(400), 1);
    env.run(&["validate", "--json"])
        .code(1)
        .error_code("INTERNAL");
    assert_eq!(sealed(&env.config_text()), before);
}

/// validate keeps the token in use the way Plex's own clients do: a ping after plex.tv
/// accepted the token, with the token and the install's identifier. A ping that fails does
/// not fail validate.
#[test]
fn validate_pings_plex_tv_and_a_failed_ping_is_ignored() {
    let env = Env::new();
    let token = env.logged_in();
    let pings = || {
        env.fake
            .requests()
            .into_iter()
            .filter(|r| r.method == "GET" && r.path == "/api/v2/ping")
            .collect::<Vec<_>>()
    };
    assert!(pings().is_empty(), "login does not ping");
    env.run(&["validate", "--quiet"])
        .ok()
        .stdout_empty()
        .stderr_empty();
    let seen = pings();
    assert_eq!(seen.len(), 1, "one ping per validate");
    assert_eq!(seen[0].header("x-plex-token"), Some(token.as_str()));
    assert!(seen[0].header("x-plex-client-identifier").is_some());

    // The user check answers, the ping gets a 503: still exit 0, still silent. (The two are
    // sent at the same time, so the fault is for the ping's path, not the next request.)
    env.fake.fault_on("/api/v2/ping", Fault::Unavailable, 1);
    env.run(&["validate", "--quiet"])
        .ok()
        .stdout_empty()
        .stderr_empty();
    assert_eq!(pings().len(), 2);

    // A rejected token: the ping went out with the user check, and its answer does not
    // change the verdict.
    env.fake.revoke(&token);
    env.run(&["validate", "--quiet"]).code(4);
}

#[test]
fn a_certificate_plex_tv_does_not_trust_is_a_tls_error_not_an_outage() {
    use fake_plex::{ConnKind, ConnSpec, ServerSpec};
    let env = Env::new();
    env.logged_in();
    // A fake server that speaks TLS with a self-signed certificate plays plex.tv behind an
    // intercepting proxy: the certificate does not verify.
    let tls = env.fake.add_server(ServerSpec::owned(
        "Proxy",
        "proxyid",
        vec![ConnSpec::new(ConnKind::LiveTls)],
    ));
    let before = env.config_text();
    for json in [false, true] {
        let mut cmd = env.cmd();
        cmd.env("PLEX_AUTH_PLEX_URL", &tls.uris[0])
            .args(["validate", "--quiet"]);
        if json {
            cmd.arg("--json");
        }
        let run = crate::util::Run::from(cmd.output().unwrap());
        run.code(9);
        if json {
            run.error_code("TLS_ERROR");
        } else {
            run.stderr_has("certificate").stderr_has("not trusted");
            assert!(!run.stderr.contains("try again later"), "{}", run.stderr);
        }
    }
    let token_line = |t: &str| {
        t.lines()
            .find(|l| l.starts_with("sealed_token"))
            .map(str::to_owned)
    };
    assert_eq!(
        token_line(&before),
        token_line(&env.config_text()),
        "token kept"
    );
}

/// The status decides: a 401 or a 403 to a request that carried the token is plex.tv's
/// verdict on it (exit 4), even when its body is 200 MB that plex-auth does not read.
#[test]
fn a_401_or_403_is_exit_4_whatever_its_body() {
    const HUGE: u64 = 200 * 1024 * 1024;
    for fault in [
        Fault::Status(403),
        Fault::HugeBody {
            status: 401,
            len: HUGE,
        },
        Fault::HugeBody {
            status: 403,
            len: HUGE,
        },
    ] {
        let env = Env::new();
        env.logged_in();
        // The keep-alive ping goes at the same moment: aim at the token check.
        env.fake.fault_on("/api/v2/user", fault.clone(), 1);
        let run = env.run(&["validate", "--json"]);
        run.code(4).error_code("INVALID_TOKEN");
        assert!(
            !run.stdout.contains("larger than"),
            "{fault:?}: {}",
            run.stdout
        );
    }
    // An outage's huge body is still an outage, not a verdict.
    let env = Env::new();
    env.logged_in();
    env.fake.fault_on(
        "/api/v2/user",
        Fault::HugeBody {
            status: 503,
            len: HUGE,
        },
        1,
    );
    env.run(&["validate", "--json"])
        .code(5)
        .error_code("CONNECTION_ERROR");
}
