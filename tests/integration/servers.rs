//! `servers`, `select` and `validate --server` against fake Plex Media Servers.

use std::time::Duration;

use fake_plex::{ConnKind, ConnSpec, ServerHandle, ServerSpec};

use crate::util::Env;

/// A probe timeout (seconds) for runs in which some connection must answer in time: wide, so
/// that a loaded machine cannot turn a slow answer into a missing one. Runs in which nothing
/// should answer keep a short one.
const WIDE: &str = "5";

fn conn(kind: ConnKind, local: bool, relay: bool) -> ConnSpec {
    ConnSpec {
        local,
        relay,
        ..ConnSpec::new(kind)
    }
}

/// Tower: a hanging local connection, a closed one, an impostor, a slower remote one and a
/// relay. Only the remote one and the relay are really Tower.
fn tower(env: &Env) -> ServerHandle {
    env.fake.add_server(ServerSpec::owned(
        "Tower",
        "towermachineid0000000000000000000000000",
        vec![
            conn(ConnKind::Hang, true, false),
            conn(ConnKind::Closed, true, false),
            conn(ConnKind::Impostor("someoneelse".into()), true, false),
            conn(ConnKind::Slow(Duration::from_millis(150)), false, false),
            conn(ConnKind::Live, false, true),
        ],
    ))
}

#[test]
fn servers_probes_everything_at_once_and_ranks_by_place() {
    let env = Env::new();
    env.logged_in();
    let tower = tower(&env);
    let bob = env.fake.add_server(ServerSpec::shared(
        "Bob's server",
        "bobmachineid",
        vec![
            conn(ConnKind::Live, true, false),
            conn(ConnKind::Live, false, false),
        ],
    ));
    env.fake.add_server(ServerSpec {
        presence: false,
        ..ServerSpec::owned(
            "Attic",
            "atticmachineid",
            vec![conn(ConnKind::Closed, true, false)],
        )
    });
    env.fake.add_device("Living room TV", "client,player");

    // How long this takes with hanging connections is measured by bench/run, not here. The
    // probe timeout is what the answering connections must beat, so it is wide for a loaded
    // machine; the hanging ones make every run here last that long.
    let run = env.run(&["servers", "--json", "--timeout", WIDE]);
    run.ok();
    let doc = run.json();
    let servers = doc["servers"].as_array().unwrap();
    let names: Vec<&str> = servers
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["Attic", "Tower", "Bob's server"],
        "owned first, by name; no devices"
    );

    let t = &servers[1];
    assert_eq!(t["machine_id"], tower.machine_id);
    assert_eq!(t["owned"], true);
    // The remote connection beats the relay though the relay answers faster.
    assert_eq!(t["best_connection"]["url"], tower.uris[3]);
    assert_eq!(t["best_connection"]["local"], false);
    assert_eq!(t["best_connection"]["relay"], false);
    let conns = t["connections"].as_array().unwrap();
    let by_uri = |u: &str| conns.iter().find(|c| c["url"] == u).unwrap().clone();
    assert_eq!(by_uri(&tower.uris[0])["reachable"], false);
    assert_eq!(by_uri(&tower.uris[1])["reachable"], false);
    let impostor = by_uri(&tower.uris[2]);
    assert_eq!(impostor["reachable"], false);
    assert!(
        impostor["error"]
            .as_str()
            .unwrap()
            .contains("another server")
    );
    assert_eq!(by_uri(&tower.uris[4])["reachable"], true);
    assert_eq!(by_uri(&tower.uris[4])["relay"], true);

    let b = &servers[2];
    assert_eq!(b["owned"], false);
    assert_ne!(b["owner"], "you");
    // A shared server's local connections point into someone else's LAN: not tried.
    let bconns = b["connections"].as_array().unwrap();
    assert_eq!(bconns.len(), 1);
    assert_eq!(bconns[0]["url"], bob.uris[1]);
    assert_eq!(servers[0]["online"], false);
    assert!(servers[0]["best_connection"].is_null());

    // No access token anywhere in any output.
    for t in [env.fake.token(), bob.access_token.clone()] {
        assert!(!run.stdout.contains(&t) && !run.stderr.contains(&t));
    }
    let human = env.run(&["servers", "-v", "--timeout", WIDE]);
    human
        .ok()
        .stdout_has("Tower")
        .stdout_has("2/5")
        .stdout_has("no answer in time");
    assert!(!human.stdout.contains(&bob.access_token));
}

#[test]
fn select_saves_the_best_connection_and_status_shows_it() {
    let env = Env::new();
    env.logged_in();
    let tower = tower(&env);
    env.run(&["select", "tower", "--timeout", WIDE])
        .ok()
        .stdout_has(&format!("Selected Tower at {}", tower.uris[3]));
    let status = env.run(&["status", "--json"]).json();
    assert_eq!(status["server"]["machine_id"], tower.machine_id);
    assert_eq!(status["server"]["url"], tower.uris[3]);
    assert_eq!(status["server"]["local"], false);
    assert_eq!(status["server"]["connections"].as_array().unwrap().len(), 5);
    env.run(&["status"])
        .ok()
        .stdout_has("Tower at http://127.0.0.1");
    // The authenticated check went to the chosen connection with a token plex.tv gave for it.
    let pms = env.fake.pms_requests();
    assert!(
        pms.iter()
            .any(|r| r.path == "/" && r.header("x-plex-token").is_some())
    );
    assert!(
        pms.iter()
            .filter(|r| r.path == "/identity")
            .all(|r| r.header("x-plex-token").is_none()),
        "identity probes carry no token"
    );
}

#[test]
fn select_by_number_and_machine_id() {
    let env = Env::new();
    env.logged_in();
    let a = env.fake.add_server(ServerSpec::owned(
        "Alpha",
        "alphaid",
        vec![conn(ConnKind::Live, true, false)],
    ));
    let b = env.fake.add_server(ServerSpec::owned(
        "Beta",
        "betaid",
        vec![conn(ConnKind::Live, true, false)],
    ));
    env.run(&["select", "2"]).ok().stdout_has("Selected Beta");
    assert_eq!(
        env.run(&["status", "--json"]).json()["server"]["url"],
        b.uris[0]
    );
    env.run(&["select", "alphaid", "--json"]).ok();
    assert_eq!(
        env.run(&["status", "--json"]).json()["server"]["url"],
        a.uris[0]
    );
}

#[test]
fn a_shared_server_never_sees_the_account_token() {
    let env = Env::new();
    let account = env.logged_in();
    let bob = env.fake.add_server(ServerSpec::shared(
        "Bob's server",
        "bobmachineid",
        vec![conn(ConnKind::Live, false, false)],
    ));
    env.run(&["select", "Bob's server"]).ok();
    let pms = env.fake.pms_requests();
    let sent: Vec<&str> = pms
        .iter()
        .filter_map(|r| r.header("x-plex-token"))
        .collect();
    assert!(sent.contains(&bob.access_token.as_str()));
    assert!(!sent.contains(&account.as_str()));
}

#[test]
fn select_errors_exit_6_and_keep_the_previous_choice() {
    let env = Env::new();
    env.logged_in();
    let good = env.fake.add_server(ServerSpec::owned(
        "Good",
        "goodid",
        vec![conn(ConnKind::Live, true, false)],
    ));
    env.fake.add_server(ServerSpec::owned(
        "Dead",
        "deadid",
        vec![
            conn(ConnKind::Closed, true, false),
            conn(ConnKind::Hang, false, false),
        ],
    ));
    env.fake.add_server(ServerSpec::owned(
        "Twin",
        "twin1",
        vec![conn(ConnKind::Live, true, false)],
    ));
    env.fake.add_server(ServerSpec::owned(
        "Twin",
        "twin2",
        vec![conn(ConnKind::Live, true, false)],
    ));
    env.run(&["select", "Good"]).ok();

    env.run(&["select", "Nope", "--json"])
        .code(6)
        .error_code("SERVER_NOT_FOUND");
    env.run(&["select", "Dead", "--timeout", "0.5"])
        .code(6)
        .stderr_has("none of Dead's connections answered");
    // Two servers with one name: which one is meant is a usage question (exit 2).
    env.run(&["select", "Twin"])
        .code(2)
        .stderr_has("twin1")
        .stderr_has("twin2");
    env.run(&["select", "99"]).code(6);
    assert_eq!(
        env.run(&["status", "--json"]).json()["server"]["url"],
        good.uris[0]
    );
}

#[test]
fn validate_server_follows_a_moved_address_and_fails_when_all_are_down() {
    let env = Env::new();
    env.logged_in();
    let s = env.fake.add_server(ServerSpec::owned(
        "Tower",
        "towerid",
        vec![
            conn(ConnKind::Live, true, false),
            conn(ConnKind::Live, false, false),
        ],
    ));
    env.run(&["select", "Tower"]).ok();
    env.run(&["validate", "--server", "--quiet"])
        .ok()
        .stdout_empty();
    env.run(&["validate", "--server"])
        .ok()
        .stdout_has(&format!("Tower answers at {}", s.uris[0]));

    env.fake.set_conn("towerid", 0, ConnKind::Hang);
    let run = env.run(&["validate", "--server", "--timeout", WIDE, "--json"]);
    run.ok();
    assert_eq!(run.json()["server"]["changed"], true);
    assert_eq!(
        env.run(&["status", "--json"]).json()["server"]["url"],
        s.uris[1]
    );

    env.fake.set_conn("towerid", 1, ConnKind::Closed);
    env.run(&["validate", "--server", "--timeout", "0.5", "--json"])
        .code(6)
        .error_code("SERVER_NOT_FOUND");
}

#[test]
fn plex_tv_down_is_exit_5_for_servers_and_select() {
    let env = Env::new();
    env.logged_in();
    env.fake.fault(fake_plex::Fault::Unavailable, 2);
    env.run(&["servers"]).code(5);
    env.run(&["select", "1"]).code(5);
}

#[test]
fn no_servers_says_so() {
    let env = Env::new();
    env.logged_in();
    env.run(&["servers"])
        .ok()
        .stdout_has("No Plex Media Servers on this account.");
}

#[test]
fn certificates_are_verified_unless_the_admin_opts_in_for_that_server() {
    let env = Env::new();
    env.logged_in();
    env.fake.add_server(ServerSpec::owned(
        "Selfsigned",
        "selfsignedid",
        vec![ConnSpec::new(ConnKind::LiveTls)],
    ));
    env.run(&["select", "Selfsigned"])
        .code(6)
        .stderr_has("invalid peer certificate: UnknownIssuer")
        .stderr_has("--insecure");
    assert!(env.run(&["status", "--json"]).json()["server"].is_null());

    env.run(&["select", "Selfsigned", "--insecure"])
        .ok()
        .stderr_has("not verified");
    let status = env.run(&["status", "--json"]).json();
    assert_eq!(status["server"]["insecure"], true);
    assert!(
        status["server"]["url"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    env.run(&["status"])
        .ok()
        .stdout_has("certificate NOT verified");
    // The opt-in is remembered for that server: listing and re-checking still reach it.
    let servers = env.run(&["servers", "--json"]).json();
    assert!(
        servers["servers"][0]["best_connection"]["url"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    env.run(&["validate", "--server"]).ok();
}

/// A shared server's name is chosen by a stranger. Printed for people, its control
/// characters are shown escaped: no cursor moves, no window title, no forged line.
#[test]
fn control_characters_in_names_are_escaped_for_people() {
    let env = Env::new();
    env.logged_in();
    let evil = "Evil\u{1b}]0;pwned\u{7}\u{1b}[2J\r\nLogged in as root\u{202e}";
    env.fake.add_server(ServerSpec::owned(
        evil,
        "evilmachineid",
        vec![conn(ConnKind::Live, true, false)],
    ));
    let runs = [
        env.run(&["servers"]),
        env.run(&["servers", "-v"]),
        env.run(&["select", "evilmachineid"]),
        env.run(&["status"]),
        env.run(&["validate", "--server"]),
        env.run(&["select", "no such server"]),
    ];
    for run in &runs {
        for text in [&run.stdout, &run.stderr] {
            assert!(
                !text.contains(['\u{1b}', '\u{7}', '\r', '\u{202e}']),
                "raw control characters printed:\n{text:?}"
            );
            assert!(
                !text.contains("\nLogged in as root"),
                "a forged line:\n{text}"
            );
        }
    }
    runs[0].ok().stdout_has("Evil\\u{1b}]0;pwned\\u{7}");
    runs[2].ok().stdout_has("Selected Evil\\u{1b}");
    // Scripts get the name as it is, escaped by JSON itself.
    let doc = env.run(&["servers", "--json"]).json();
    assert_eq!(doc["servers"][0]["name"], evil);
}

fn live(env: &Env, name: &str, id: &str, owned: bool) -> ServerHandle {
    let conns = vec![conn(ConnKind::Live, false, false)];
    env.fake.add_server(if owned {
        ServerSpec::owned(name, id, conns)
    } else {
        ServerSpec::shared(name, id, conns)
    })
}

fn selected_id(env: &Env) -> serde_json::Value {
    env.run(&["status", "--json"]).json()["server"]["machine_id"].clone()
}

/// A number that is also a shared server's name names two servers: exit 2 with both (number,
/// owner, machine id) and nothing selected; `id:` and the other number say it unambiguously,
/// and a shared server chosen is always said to be shared, even with --quiet.
#[test]
fn a_number_that_is_also_a_shared_name_is_ambiguous() {
    let env = Env::new();
    env.logged_in();
    live(&env, "Alpha", "alphaid", true);
    live(&env, "Beta", "betaid", true);
    live(&env, "1", "oneid", false);
    env.run(&["select", "2"]).ok();
    let run = env.run(&["select", "1"]);
    run.code(2)
        .stderr_has("names more than one server")
        .stderr_has("Alpha (number 1, owned by you, machine id alphaid) (by its number)")
        .stderr_has("1 (number 3, shared by bob, machine id oneid) (by its name)")
        .stderr_has("id:MACHINE_ID");
    env.run(&["select", "1", "--json"])
        .code(2)
        .error_code("USAGE");
    assert_eq!(
        selected_id(&env),
        "betaid",
        "the previous selection is kept"
    );

    env.run(&["select", "id:oneid", "--quiet"])
        .ok()
        .stdout_empty()
        .stderr_has("shared by bob");
    assert_eq!(selected_id(&env), "oneid");
    env.run(&["select", "3", "--json"])
        .ok()
        .stderr_has("1 (number 3, shared by bob, machine id oneid) is not yours");
    env.run(&["select", "id:alphaid"]).ok();
    assert_eq!(selected_id(&env), "alphaid");
    env.run(&["select", "id:nosuchid"]).code(6);
}

/// A shared server named like the owned server's machine id does not win `select <id>`.
#[test]
fn a_shared_server_named_like_a_machine_id_is_ambiguous() {
    let env = Env::new();
    env.logged_in();
    live(&env, "Tower", "towerid", true);
    live(&env, "towerid", "mallorysid", false);
    env.run(&["select", "towerid"])
        .code(2)
        .stderr_has("Tower (number 1, owned by you, machine id towerid) (by its machine id)")
        .stderr_has("towerid (number 2, shared by bob, machine id mallorysid) (by its name)");
    assert!(env.run(&["status", "--json"]).json()["server"].is_null());
    env.run(&["select", "id:towerid"])
        .ok()
        .stdout_has("Selected Tower");
    assert_eq!(selected_id(&env), "towerid");
}

/// Names that differ only by case, a trailing space or a Cyrillic "о" look the same: with
/// the exact name they are ambiguous; alone, the look-alike is used with a note.
#[test]
fn look_alike_names_are_ambiguous_and_a_lone_one_is_noted() {
    for twin in ["tower", "Tower ", "T\u{43e}wer", " TOWER", "T\u{200b}ower"] {
        let env = Env::new();
        env.logged_in();
        live(&env, "Tower", "towerid", true);
        live(&env, twin, "twinid", false);
        env.run(&["select", "Tower"])
            .code(2)
            .stderr_has("machine id towerid) (by its name)")
            .stderr_has("shared by bob, machine id twinid) (by a name that looks the same)");
        env.run(&["select", twin]).code(2);
        assert!(
            env.run(&["status", "--json"]).json()["server"].is_null(),
            "{twin:?}"
        );
    }
    let env = Env::new();
    env.logged_in();
    live(&env, "T\u{43e}wer", "cyrillicid", false);
    env.run(&["select", "tower"])
        .ok()
        .stderr_has("no server is named exactly \"tower\"")
        .stderr_has("shared by bob, machine id cyrillicid");
    assert_eq!(selected_id(&env), "cyrillicid");
}

/// Run with an open-file limit of `soft`:`hard` descriptors.
fn run_with_file_limit(env: &Env, soft: u64, hard: u64, args: &[&str]) -> crate::util::Run {
    use std::os::unix::process::CommandExt;
    let mut cmd = env.cmd();
    cmd.args(args);
    // SAFETY: only setrlimit, which is async-signal-safe, runs between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            let lim = libc::rlimit {
                rlim_cur: soft as libc::rlim_t,
                rlim_max: hard as libc::rlim_t,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &lim) == 0 {
                Ok(())
            } else {
                Err(std::io::Error::last_os_error())
            }
        });
    }
    crate::util::Run::from(cmd.output().expect("run plex-auth"))
}

/// More connections than file descriptors: the probes wait for free ones instead of failing
/// with EMFILE, so every live server is found (before, most showed as unreachable), and a
/// soft limit below the hard one is raised first.
#[test]
fn probes_fit_within_the_open_file_limit() {
    let env = Env::new();
    env.logged_in();
    let count = 60;
    for i in 0..count {
        env.fake.add_server(ServerSpec::owned(
            &format!("Server {i:02}"),
            &format!("machine{i:02}"),
            vec![
                conn(ConnKind::Live, true, false),
                conn(ConnKind::Live, false, false),
            ],
        ));
    }
    for (soft, hard) in [(64, 64), (40, 4096)] {
        let run = run_with_file_limit(&env, soft, hard, &["servers", "--json", "--timeout", WIDE]);
        run.ok();
        let doc = run.json();
        let servers = doc["servers"].as_array().unwrap();
        assert_eq!(servers.len(), count);
        let found = servers
            .iter()
            .filter(|s| !s["best_connection"].is_null())
            .count();
        let errors: Vec<&serde_json::Value> = servers
            .iter()
            .flat_map(|s| s["connections"].as_array().unwrap())
            .filter(|c| !c["error"].is_null())
            .collect();
        assert_eq!(found, count, "limit {soft}:{hard}; errors: {errors:?}");
        assert!(errors.is_empty(), "limit {soft}:{hard}; errors: {errors:?}");
    }
}
