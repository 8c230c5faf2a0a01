//! Racing a server's connections (issue 11): a server's choice is final as soon as its best
//! good answer cannot be beaten any more, or a grace period after its first good answer.
//! Nothing here is timed. A connection that hangs forever shows what was not waited for: the
//! command finishes with the lower-ranked choice and lists the hanging one as "unanswered"
//! (waited for, it would be "failed" with "no answer in time", after the probe timeout).

use std::time::Duration;

use fake_plex::{ConnKind, ConnSpec, ServerHandle, ServerSpec};

use crate::util::{Env, WAIT_FOR_ALL};

/// A probe timeout far longer than any of these runs should take.
const LONG: &str = "60";

fn conn(kind: ConnKind, local: bool, relay: bool) -> ConnSpec {
    ConnSpec {
        local,
        relay,
        ..ConnSpec::new(kind)
    }
}

/// Tower's best-ranked connection (local) is black-holed; its remote one answers.
fn dead_first(env: &Env) -> ServerHandle {
    env.fake.add_server(ServerSpec::owned(
        "Tower",
        "towerid",
        vec![
            conn(ConnKind::Hang, true, false),
            conn(ConnKind::Live, false, false),
        ],
    ))
}

fn connection<'a>(server: &'a serde_json::Value, url: &str) -> &'a serde_json::Value {
    server["connections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["url"] == url)
        .unwrap_or_else(|| panic!("no connection {url} in {server}"))
}

#[test]
fn a_dead_better_connection_does_not_hold_up_servers() {
    let env = Env::new();
    env.logged_in();
    let tower = dead_first(&env);
    // Alpha's best connection answers: nothing worse-ranked is waited for at all.
    let alpha = env.fake.add_server(ServerSpec::owned(
        "Alpha",
        "alphaid",
        vec![
            conn(ConnKind::Live, true, false),
            conn(ConnKind::Hang, false, false),
        ],
    ));
    let run = env.run_racing(None, &["servers", "--json", "--timeout", LONG]);
    run.ok();
    let doc = run.json();
    let (a, t) = (&doc["servers"][0], &doc["servers"][1]);
    assert_eq!(t["name"], "Tower");
    assert_eq!(t["best_connection"]["url"], tower.uris[1]);
    let hanging = connection(t, &tower.uris[0]);
    assert_eq!(hanging["state"], "unanswered", "{t}");
    assert_eq!(hanging["reachable"], false);
    assert!(hanging["error"].is_null(), "{hanging}");
    assert!(hanging["latency_ms"].is_null());
    assert_eq!(connection(t, &tower.uris[1])["state"], "reachable");

    assert_eq!(a["best_connection"]["url"], alpha.uris[0]);
    assert_eq!(connection(a, &alpha.uris[1])["state"], "unanswered", "{a}");

    env.run_racing(None, &["servers", "-v", "--timeout", LONG])
        .ok()
        .stdout_has("1/2")
        .stdout_has("not waited for");
}

#[test]
fn select_and_validate_server_take_the_live_connection() {
    let env = Env::new();
    env.logged_in();
    let tower = dead_first(&env);
    env.run_racing(None, &["select", "Tower", "--timeout", LONG])
        .ok()
        .stdout_has(&format!("Selected Tower at {}", tower.uris[1]));

    // The local connection comes back: it is the better one again.
    env.fake.set_conn("towerid", 0, ConnKind::Live);
    env.run_racing(None, &["validate", "--server", "--timeout", LONG])
        .ok()
        .stdout_has(&format!("Tower answers at {}", tower.uris[0]));
    // And goes away again: validate --server moves back without waiting for it.
    env.fake.set_conn("towerid", 0, ConnKind::Hang);
    let run = env.run_racing(None, &["validate", "--server", "--json", "--timeout", LONG]);
    run.ok();
    assert_eq!(run.json()["server"]["url"], tower.uris[1]);
    assert_eq!(run.json()["server"]["changed"], true);
    assert_eq!(
        env.run(&["status", "--json"]).json()["server"]["url"],
        tower.uris[1]
    );
}

#[test]
fn a_better_connection_that_answers_within_the_grace_period_wins() {
    let env = Env::new();
    env.logged_in();
    // The local connection answers after the remote one; the relay never does.
    let tower = env.fake.add_server(ServerSpec::owned(
        "Tower",
        "towerid",
        vec![
            conn(ConnKind::Slow(Duration::from_millis(300)), true, false),
            conn(ConnKind::Live, false, false),
            conn(ConnKind::Hang, false, true),
        ],
    ));
    // A grace period far longer than the slow answer takes, whatever the machine's load.
    let run = env.run_racing(
        Some(WAIT_FOR_ALL),
        &["servers", "--json", "--timeout", LONG],
    );
    run.ok();
    let t = &run.json()["servers"][0];
    assert_eq!(t["best_connection"]["url"], tower.uris[0], "{t}");
    assert_eq!(connection(t, &tower.uris[1])["state"], "reachable");
    // Once the best-ranked connection answered nothing could beat it: the relay was dropped.
    assert_eq!(connection(t, &tower.uris[2])["state"], "unanswered", "{t}");

    env.run_racing(Some(WAIT_FOR_ALL), &["select", "Tower", "--timeout", LONG])
        .ok()
        .stdout_has(&format!("Selected Tower at {}", tower.uris[0]));
}

#[test]
fn probe_grace_must_be_whole_milliseconds() {
    let env = Env::new();
    env.run_racing(Some("soon"), &["status"])
        .code(2)
        .stderr_has("PLEX_AUTH_PROBE_GRACE must be a whole number of milliseconds");
}
