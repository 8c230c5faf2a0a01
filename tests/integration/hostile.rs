//! plex.tv and servers that misbehave on purpose: endless or huge answers, redirects to
//! another origin, and rate limits that ask for long waits. `fake_plex::Hostile` plays
//! plex.tv (and a Plex server) with a script per path.

use std::sync::{Arc, Mutex};

use fake_plex::{Hostile, Reply};

use crate::util::{Env, Run, run_with_input};

const USER: &str = r#"{"id":7,"uuid":"u7","username":"mallory","email":"m@example.com"}"#;

/// The binary with plex.tv at `plex`.
fn run(env: &Env, plex: &Hostile, args: &[&str]) -> Run {
    let mut cmd = env.cmd();
    cmd.env("PLEX_AUTH_PLEX_URL", plex.url()).args(args);
    Run::from(cmd.output().expect("run plex-auth"))
}

fn login(env: &Env, plex: &Hostile) {
    let mut cmd = env.cmd();
    cmd.env("PLEX_AUTH_PLEX_URL", plex.url())
        .args(["login", "--with-token"]);
    run_with_input(cmd, "mallorystoken").ok();
}

#[test]
fn endless_and_huge_answers_from_plex_tv_are_cut_off_with_exit_5() {
    for bad in [Reply::Endless, Reply::Huge] {
        let env = Env::new();
        let b = bad.clone();
        let plex = Hostile::start(move |path, n| match (path, n) {
            ("/api/v2/user", 0) => Reply::Json(USER.into()),
            _ => b.clone(),
        });
        login(&env, &plex);
        let before = env.config_text();
        run(&env, &plex, &["validate"])
            .code(5)
            .stderr_has("larger than 64 KiB");
        run(&env, &plex, &["servers"])
            .code(5)
            .stderr_has("larger than 8 MiB");
        // Nothing about the token changed; only the verdict was recorded.
        assert!(env.config_text().contains("sealed_token"));
        assert!(before.contains("sealed_token"));
    }
}

#[test]
fn an_endless_identity_answer_marks_that_connection_unusable() {
    let env = Env::new();
    let plex = Hostile::start(|path, _| match path {
        "/api/v2/user" => Reply::Json(USER.into()),
        "/pms/identity" => Reply::Endless,
        _ => Reply::Json("[]".into()),
    });
    let resources = format!(
        r#"[{{"name":"Bottomless","clientIdentifier":"deep","provides":"server","owned":true,"presence":true,
            "connections":[{{"protocol":"http","address":"127.0.0.1","port":{p},"uri":"http://127.0.0.1:{p}/pms","local":true,"relay":false,"IPv6":false}}]}}]"#,
        p = plex.port()
    );
    let plex2 = Hostile::start(move |path, _| match path {
        "/api/v2/user" => Reply::Json(USER.into()),
        "/api/v2/resources" => Reply::Json(resources.clone()),
        _ => Reply::Json("{}".into()),
    });
    login(&env, &plex2);
    let run = run(&env, &plex2, &["servers", "--json"]);
    run.ok();
    let doc = run.json();
    let conn = &doc["servers"][0]["connections"][0];
    assert_eq!(conn["reachable"], false);
    assert!(
        conn["error"].as_str().unwrap().contains("more than 64 KiB"),
        "{conn}"
    );
}

#[test]
fn a_redirect_to_another_origin_never_carries_the_token() {
    let env = Env::new();
    let elsewhere = Hostile::start(|_, _| Reply::Json(USER.into()));
    let target = format!("{}/api/v2/user", elsewhere.url());
    let plex = Hostile::start(move |path, n| match (path, n) {
        ("/api/v2/user", 0) => Reply::Json(USER.into()),
        _ => Reply::Redirect(target.clone()),
    });
    login(&env, &plex);
    run(&env, &plex, &["validate"])
        .code(5)
        .stderr_has("redirected to another address")
        .stderr_has("the token was not sent there");
    assert!(
        elsewhere.requests("/api/v2/user").is_empty(),
        "the redirect was followed"
    );
}

#[test]
fn a_long_retry_after_past_the_budget_is_not_waited_for() {
    let env = Env::new();
    let plex = Hostile::start(|path, n| match (path, n) {
        ("/api/v2/user", 0) => Reply::Json(USER.into()),
        ("/api/v2/user", _) => Reply::TooMany(10),
        _ => Reply::Json("[]".into()),
    });
    login(&env, &plex);
    run(&env, &plex, &["validate", "--request-timeout", "2"]).code(5);
    // One try: a 10 s wait would end past the call's budget (2 x 2 s), so none is started.
    assert_eq!(plex.requests("/api/v2/user").len(), 2);

    // A short one within the budget is waited for, and the retry succeeds.
    let plex = Hostile::start(|path, n| match (path, n) {
        ("/api/v2/user", 1) => Reply::TooMany(1),
        ("/api/v2/user", _) => Reply::Json(USER.into()),
        _ => Reply::Json("[]".into()),
    });
    let env = Env::new();
    login(&env, &plex);
    run(&env, &plex, &["validate", "--request-timeout", "5"]).ok();
    assert_eq!(plex.requests("/api/v2/user").len(), 3);
}

/// validate's keep-alive ping goes out with the user check, not after its answer: here plex.tv
/// holds the user check's answer until the ping has arrived, which a ping sent after that
/// answer never does (then, after a while, the user check gets a 429 and validate exit 5).
#[test]
fn validate_sends_the_ping_while_the_user_check_is_under_way() {
    use std::sync::Condvar;
    use std::time::Duration;
    let pinged = Arc::new((Mutex::new(false), Condvar::new()));
    let seen = pinged.clone();
    let plex = Hostile::start(move |path, n| match (path, n) {
        ("/api/v2/user", 0) => Reply::Json(USER.into()),
        ("/api/v2/user", _) => {
            let (lock, cvar) = &*seen;
            // Not a timing assertion: only how long a broken build takes to fail.
            let (came, _) = cvar
                .wait_timeout_while(lock.lock().unwrap(), Duration::from_secs(10), |p| !*p)
                .unwrap();
            if *came {
                Reply::Json(USER.into())
            } else {
                Reply::TooMany(600)
            }
        }
        ("/api/v2/ping", _) => {
            let (lock, cvar) = &*pinged;
            *lock.lock().unwrap() = true;
            cvar.notify_all();
            Reply::Json(r#"{"pong":true}"#.into())
        }
        _ => Reply::Json("[]".into()),
    });
    let env = Env::new();
    login(&env, &plex);
    run(&env, &plex, &["validate", "--quiet"])
        .ok()
        .stdout_empty()
        .stderr_empty();
    assert_eq!(plex.requests("/api/v2/ping").len(), 1);
    assert_eq!(plex.requests("/api/v2/user").len(), 2);
}

/// plex.tv lists odd addresses: each is skipped with its own error, never probed and never
/// remembered or written to Bazarr, and the rest of the list works (one port 99999 used to
/// fail the whole list, so every command exit 5).
#[test]
fn odd_connection_uris_are_skipped_one_by_one() {
    let env = Env::new();
    let pms = Hostile::start(|path, _| match path {
        "/pms/identity" => Reply::Json(r#"{"MediaContainer":{"machineIdentifier":"odd"}}"#.into()),
        _ => Reply::Json("{}".into()),
    });
    let p = u32::from(pms.port());
    let odd: [(String, u32); 8] = [
        (r#""file:///odd1/etc""#.to_string(), p),
        (format!(r#""ftp://127.0.0.1:{p}/odd2""#), p),
        (r#""""#.to_string(), p),
        (r#"null"#.to_string(), p),
        (r#""http://127.0.0.1:0/odd5""#.to_string(), 0),
        (r#""http://127.0.0.1:99999/odd6""#.to_string(), 99999),
        (format!(r#""http://127.0.0.1:{p}/odd7\r\nX-Odd: 1""#), p),
        (format!(r#""http://user:pass@127.0.0.1:{p}/odd8""#), p),
    ];
    let mut conns: Vec<String> = odd
        .iter()
        .map(|(uri, port)| {
            format!(
                r#"{{"protocol":"http","address":"127.0.0.1","port":{port},"uri":{uri},"local":true,"relay":false,"IPv6":false}}"#
            )
        })
        .collect();
    conns.push(format!(
        r#"{{"protocol":"http","address":"127.0.0.1","port":{p},"uri":"http://127.0.0.1:{p}/pms","local":false,"relay":false,"IPv6":false}}"#
    ));
    let resources = format!(
        r#"[{{"name":"Odd","clientIdentifier":"odd","provides":"server","owned":true,"presence":true,"connections":[{}]}},
            {{"name":"Plain","clientIdentifier":"plain","provides":"server","owned":true,"presence":true,"connections":[]}}]"#,
        conns.join(",")
    );
    let plex = Hostile::start(move |path, _| match path {
        "/api/v2/user" => Reply::Json(USER.into()),
        "/api/v2/resources" => Reply::Json(resources.clone()),
        _ => Reply::Json("{}".into()),
    });
    let bazarr = crate::bazarr::bazarr_copy(&env, "bazarr-1.5.6-fresh-install.config.yaml", None);
    let mut cmd = env.cmd();
    cmd.env("PLEX_AUTH_PLEX_URL", plex.url()).args([
        "login",
        "--with-token",
        "--bazarr-config",
        bazarr.to_str().unwrap(),
    ]);
    run_with_input(cmd, "mallorystoken").ok();

    let listed = run(&env, &plex, &["servers", "--json"]);
    listed.ok();
    let doc = listed.json();
    assert_eq!(
        doc["servers"].as_array().unwrap().len(),
        2,
        "the whole list"
    );
    let conns = doc["servers"][0]["connections"].as_array().unwrap();
    // The empty uri and the null one are the same (no address): listed once.
    assert_eq!(conns.len(), 8);
    let good = format!("http://127.0.0.1:{p}/pms");
    for c in conns {
        if c["url"] == good.as_str() {
            assert_eq!(c["state"], "reachable", "{c}");
        } else {
            assert_eq!(c["state"], "unusable", "{c}");
            assert!(
                c["error"].as_str().unwrap().starts_with("not probed: "),
                "{c}"
            );
        }
    }
    run(&env, &plex, &["servers", "-v"])
        .ok()
        .stdout_has("file:// is not http or https")
        .stdout_has("user name or password")
        .stdout_has("control characters");

    run(&env, &plex, &["select", "Odd"]).ok();
    let status = run(&env, &plex, &["status", "--json"]).json();
    assert_eq!(status["server"]["url"], good.as_str());
    assert_eq!(status["server"]["connections"], serde_json::json!([good]));
    let text = std::fs::read_to_string(&bazarr).unwrap();
    assert!(text.contains(&format!("server_url: {good}")), "{text}");
    for marker in [
        "odd1", "odd2", "odd5", "odd6", "odd7", "odd8", "file://", "ftp://", "pass@",
    ] {
        assert!(!text.contains(marker), "{marker} reached Bazarr's file");
    }
    // Only the good address was ever asked anything.
    let asked = pms.paths();
    assert!(asked.iter().all(|p| p.starts_with("/pms")), "{asked:?}");
    assert!(asked.contains(&"/pms/identity".to_string()));
}
