//! The other apps kept on the link (`plex-auth apps`): Tautulli's config.ini, Kometa's
//! config.yml, PlexTraktSync's servers.yml. Each test writes files shaped as the app writes
//! them, runs the binary, and checks what changed in them, byte for byte, and at the fake
//! plex.tv (which device each token belongs to).

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::util::Env;

/// Tautulli's config.ini as configobj writes it (see tests/python/apps_check.py, which makes
/// the same file with configobj itself).
fn tautulli_ini(token: &str, http_port: u16) -> String {
    format!(
        "[General]\nhttp_port = {http_port}\nhttp_host = 0.0.0.0\napi_key = 0123456789abcdef0123456789abcdef\n\
         [PMS]\npms_name = \"Home, Den\"\npms_ip = 192.168.1.5\npms_port = 32400\npms_ssl = 0\n\
         pms_is_remote = 0\npms_url = http://192.168.1.5:32400\npms_identifier = oldmachineid\n\
         pms_token = {token}\npms_client_id = tautulli-own-client-id\npms_uuid = 7d1c2e3f4a5b6c7d\n\
         [Monitoring]\nmonitoring_interval = 60\n"
    )
}

fn kometa_yml(token: &str) -> String {
    format!(
        "## Kometa\nlibraries:\n  Movies:\n    collection_files:\n      - default: basic\n\
         plex:                  # per library as well\n  url: http://192.168.1.5:32400\n  token: {token}\n  timeout: 60\n\
         tmdb:\n  apikey: '0123456789'\n"
    )
}

fn pts_servers(token: &str) -> String {
    format!(
        "servers:\n  default:\n    token: {token}\n    urls:\n    - http://192.168.1.5:32400\n    id: oldmachineid\n"
    )
}

struct Apps {
    tautulli: PathBuf,
    kometa: PathBuf,
    pts: PathBuf,
}

/// The three kinds' files in folders of their own, holding `token`. Tautulli's port is one
/// nothing listens on (it is stopped).
fn write_apps(env: &Env, token: &str) -> Apps {
    let root = env.dir.path();
    for dir in ["tautulli", "kometa", "pts"] {
        std::fs::create_dir_all(root.join(dir)).unwrap();
    }
    let apps = Apps {
        tautulli: root.join("tautulli/config.ini"),
        kometa: root.join("kometa/config.yml"),
        pts: root.join("pts/servers.yml"),
    };
    std::fs::write(&apps.tautulli, tautulli_ini(token, 9)).unwrap();
    std::fs::write(&apps.kometa, kometa_yml(token)).unwrap();
    std::fs::write(&apps.pts, pts_servers(token)).unwrap();
    std::fs::write(
        root.join("pts/.env"),
        "PLEX_USERNAME=alice\nPLEX_SERVER=default\n",
    )
    .unwrap();
    apps
}

/// The token a line `<key> = <value>` / `<key>: <value>` holds in `path`.
fn token_in(path: &Path, key: &str) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let line = text
        .lines()
        .find(|l| {
            let l = l.trim_start();
            l.starts_with(&format!("{key} =")) || l.starts_with(&format!("{key}:"))
        })
        .unwrap_or_else(|| panic!("no {key} in {text}"));
    let value = line.split_once(['=', ':']).unwrap().1.trim();
    value.trim_matches(['\'', '"']).to_string()
}

/// Each registered app's client identifier, from config.toml.
fn client_ids(env: &Env) -> Vec<(String, String)> {
    let cfg: toml::Value = toml::from_str(&env.config_text()).unwrap();
    cfg.get("apps")
        .and_then(|a| a.as_array())
        .map(|apps| {
            apps.iter()
                .map(|a| {
                    (
                        a["name"].as_str().unwrap().to_string(),
                        a["client_identifier"].as_str().unwrap().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn client_id(env: &Env, name: &str) -> String {
    client_ids(env)
        .into_iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no app {name}"))
        .1
}

/// A token as it is written in YAML: plain when it starts with a letter, else quoted, so
/// that no YAML reader takes it for a number (plex.tv's tokens are letters and digits).
fn yaml_scalar(token: &str) -> String {
    if token.starts_with(|c: char| c.is_ascii_alphabetic()) {
        token.to_string()
    } else {
        format!("'{token}'")
    }
}

fn add(env: &Env, kind: &str, path: &Path) -> crate::util::Run {
    env.run(&["apps", "add", kind, path.to_str().unwrap()])
}

#[test]
fn add_list_remove_without_a_link_changes_no_app_file() {
    let env = Env::new();
    let apps = write_apps(&env, "apptoken123");
    let before = std::fs::read(&apps.kometa).unwrap();
    add(&env, "kometa", apps.kometa.parent().unwrap())
        .ok()
        .stdout_has("Registered kometa (Kometa)")
        .stderr_has("plex.token: a token (appt…(11 chars))")
        .stderr_has("`plex-auth login` gives it a token of its own");
    let list = env.run(&["apps", "list", "--json"]);
    list.ok();
    let doc = list.json();
    assert_eq!(doc["apps"][0]["name"], "kometa");
    assert_eq!(doc["apps"][0]["token"], "not-given");
    add(&env, "kometa", &apps.kometa)
        .code(2)
        .stderr_has("is already registered as kometa");
    env.run(&["apps", "remove", "kometa"])
        .ok()
        .stdout_has("nothing in");
    env.run(&["apps", "remove", "kometa"])
        .code(2)
        .stderr_has("no app named kometa");
    assert_eq!(std::fs::read(&apps.kometa).unwrap(), before);
    assert!(!env.config_text().contains("[[apps]]"));
}

#[test]
fn a_file_that_is_not_the_apps_is_refused_and_not_registered() {
    let env = Env::new();
    let path = env.dir.path().join("config.yml");
    std::fs::write(&path, "tmdb:\n  apikey: x\n").unwrap();
    add(&env, "kometa", &path)
        .code(9)
        .stderr_has("so it is not a Kometa file");
    let ini = env.dir.path().join("config.ini");
    std::fs::write(&ini, "[General]\nhttp_port = 8181\n").unwrap();
    add(&env, "tautulli", &ini).code(9);
    env.run(&["apps", "add", "emby", ini.to_str().unwrap()])
        .code(2)
        .stderr_has("not a kind of app plex-auth knows");
    assert!(client_ids(&env).is_empty());
}

/// Each app gets a token of its own, issued to its own device, and nothing else in its
/// file changes.
#[test]
fn each_app_gets_a_token_of_its_own_and_nothing_else_changes() {
    let env = Env::new();
    let account = env.logged_in();
    let apps = write_apps(&env, "oldtoken999");
    let originals = [
        std::fs::read_to_string(&apps.tautulli).unwrap(),
        std::fs::read_to_string(&apps.kometa).unwrap(),
        std::fs::read_to_string(&apps.pts).unwrap(),
    ];
    add(&env, "tautulli", &apps.tautulli)
        .ok()
        .stderr_has("a new token of its own; updated");
    add(&env, "kometa", &apps.kometa).ok();
    add(&env, "plextraktsync", apps.pts.parent().unwrap()).ok();

    let tokens = [
        token_in(&apps.tautulli, "pms_token"),
        token_in(&apps.kometa, "token"),
        token_in(&apps.pts, "token"),
    ];
    for (name, token) in ["tautulli", "kometa", "plextraktsync"].iter().zip(&tokens) {
        assert_ne!(token, &account, "{name} got the account's token");
        assert!(env.fake.is_valid(token), "{name}");
        assert_eq!(
            env.fake.device_of(token),
            Some(client_id(&env, name)),
            "{name}"
        );
    }
    assert_ne!(tokens[0], tokens[1]);
    let tautulli_cid = client_id(&env, "tautulli");
    let expected = [
        originals[0]
            .replace("oldtoken999", &tokens[0])
            .replace("tautulli-own-client-id", &tautulli_cid),
        originals[1].replace("oldtoken999", &yaml_scalar(&tokens[1])),
        originals[2].replace("oldtoken999", &yaml_scalar(&tokens[2])),
    ];
    for (path, want) in [&apps.tautulli, &apps.kometa, &apps.pts]
        .iter()
        .zip(&expected)
    {
        assert_eq!(&std::fs::read_to_string(path).unwrap(), want);
    }
    let list = env.run(&["apps", "list", "--json"]).json();
    for app in list["apps"].as_array().unwrap() {
        assert_eq!(app["token"], "matches", "{app}");
        assert_eq!(app["own_token"], true, "{app}");
    }
    // No temporary file is left beside any app's file.
    for dir in ["tautulli", "kometa", "pts"] {
        let names: Vec<String> = std::fs::read_dir(env.dir.path().join(dir))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
    }
}

/// Plex signs every device out: validate names every app and the one command; after it,
/// every app holds a new working token of its own.
#[test]
fn after_a_sign_out_of_every_device_one_login_relinks_every_app() {
    let env = Env::new();
    let own = crate::bazarr::bazarr_copy(&env, "bazarr-1.5.6-fresh-install.config.yaml", None);
    env.run_stdin(
        &[
            "login",
            "--with-token",
            "--bazarr-config",
            own.to_str().unwrap(),
        ],
        &env.fake.token(),
    )
    .ok();
    let bazarr_4k = second_bazarr(&env);
    env.run(&["apps", "add", "bazarr", bazarr_4k.to_str().unwrap()])
        .ok();
    let apps = write_apps(&env, "oldtoken999");
    let second = env.dir.path().join("kometa/config-4k.yml");
    std::fs::write(&second, kometa_yml("oldtoken999")).unwrap();
    let pts2 = env.dir.path().join("pts2");
    std::fs::create_dir_all(&pts2).unwrap();
    std::fs::write(pts2.join("servers.yml"), pts_servers("oldtoken999")).unwrap();
    add(&env, "tautulli", &apps.tautulli).ok();
    add(&env, "kometa", &apps.kometa).ok();
    env.run(&[
        "apps",
        "add",
        "kometa",
        second.to_str().unwrap(),
        "--name",
        "kometa-4k",
    ])
    .ok();
    add(&env, "plextraktsync", &apps.pts).ok();
    add(&env, "plextraktsync", &pts2.join("servers.yml")).ok();
    let (sonarr, sonarr_xml) = arr(&env, "Sonarr", "oldtoken999");
    let (radarr, radarr_xml) = arr(&env, "Radarr", "oldtoken999");
    add_arr(&env, "sonarr", &sonarr.url(), &sonarr_xml).ok();
    add_arr(&env, "radarr", &radarr.url(), &radarr_xml).ok();
    let overseerr = seerr(&env, false);
    env.run(&["apps", "add", "overseerr", &overseerr.url()])
        .ok();
    let arrs_before = [
        sonarr.token(1),
        radarr.token(1),
        overseerr.admin_token(),
        bazarr_token(&bazarr_4k),
    ];
    let own_before = bazarr_token(&own);
    let files = [
        (&apps.tautulli, "pms_token"),
        (&apps.kometa, "token"),
        (&second, "token"),
        (&apps.pts, "token"),
        (&pts2.join("servers.yml"), "token"),
    ];
    let before: Vec<String> = files.iter().map(|(p, k)| token_in(p, k)).collect();

    assert!(env.fake.revoke_all() >= 8);
    let run = env.run(&["validate"]);
    run.code(4).stderr_has("plex-auth login --force");
    for name in [
        "bazarr",
        "bazarr-2",
        "tautulli",
        "kometa",
        "kometa-4k",
        "plextraktsync",
        "plextraktsync-2",
        "sonarr",
        "radarr",
        "overseerr",
    ] {
        run.stderr_has(&format!("{name} ("));
    }

    env.fake.approve_after(Duration::from_millis(200));
    env.run(&["login", "--force", "--no-browser", "--timeout", "30"])
        .ok()
        .stderr_has("a new token of its own");
    let after: Vec<String> = files.iter().map(|(p, k)| token_in(p, k)).collect();
    let mut devices = Vec::new();
    for ((old, new), (path, _)) in before.iter().zip(&after).zip(&files) {
        assert_ne!(old, new, "{}", path.display());
        assert!(env.fake.is_valid(new), "{}", path.display());
        devices.push(env.fake.device_of(new).unwrap());
    }
    let arrs_after = [
        sonarr.token(1),
        radarr.token(1),
        overseerr.admin_token(),
        bazarr_token(&bazarr_4k),
    ];
    for (old, new) in arrs_before.iter().zip(arrs_after) {
        assert_ne!(old, &new);
        assert!(env.fake.is_valid(&new));
        devices.push(env.fake.device_of(&new).unwrap());
    }
    devices.sort();
    devices.dedup();
    assert_eq!(devices.len(), 9, "each app is a device of its own");
    let own_after = bazarr_token(&own);
    assert_ne!(own_before, own_after);
    assert!(
        env.fake.is_valid(&own_after),
        "plex-auth's own Bazarr holds the new account token"
    );
    env.run(&["validate"]).ok();
}

/// Linking again keeps an app's own token while it still works.
#[test]
fn an_app_whose_own_token_still_works_keeps_it() {
    let env = Env::new();
    env.logged_in();
    let apps = write_apps(&env, "oldtoken999");
    add(&env, "kometa", &apps.kometa).ok();
    let first = token_in(&apps.kometa, "token");
    env.fake.approve_after(Duration::from_millis(200));
    env.run(&["login", "--force", "--no-browser", "--timeout", "30"])
        .ok()
        .stderr_has("kept its own token, which still works");
    assert_eq!(token_in(&apps.kometa, "token"), first);
    // Signed out alone, in the account's devices: only that app gets a new one.
    env.fake.revoke(&first);
    env.run(&["apps", "sync"])
        .ok()
        .stderr_has("a new token of its own");
    assert_ne!(token_in(&apps.kometa, "token"), first);
}

/// Tautulli writes its settings back from memory when it stops: while it runs with web
/// authentication on (so it takes a token only from a signed-in admin), its file is left
/// alone, the others are still written, and the step is named.
#[test]
fn a_running_tautulli_is_left_alone_and_the_others_still_get_theirs() {
    let env = Env::new();
    env.logged_in();
    let apps = write_apps(&env, "oldtoken999");
    let tautulli = fake_plex::FakeTautulli::start(apps.tautulli.clone(), TAUTULLI_KEY, true);
    std::fs::write(&apps.tautulli, tautulli_ini("oldtoken999", tautulli.port())).unwrap();
    let before = std::fs::read(&apps.tautulli).unwrap();
    add(&env, "kometa", &apps.kometa).ok();
    add(&env, "tautulli", &apps.tautulli)
        .code(9)
        .stderr_has("is running")
        .stderr_has("its web authentication is on")
        .stderr_has("stop Tautulli, run `plex-auth apps sync tautulli`, then start it");
    assert_eq!(std::fs::read(&apps.tautulli).unwrap(), before);
    let run = env.run(&["apps", "sync"]);
    run.code(9).stderr_has("1 of 2 apps were not updated");
    assert_eq!(std::fs::read(&apps.tautulli).unwrap(), before);
    drop(tautulli);
    env.run(&["apps", "sync", "tautulli"]).ok();
    assert_ne!(token_in(&apps.tautulli, "pms_token"), "oldtoken999");
}

const TAUTULLI_KEY: &str = "0123456789abcdef0123456789abcdef";

/// A running Tautulli with web authentication off takes the token live, through its own
/// save_pms_token with its API key (as the real Tautulli 2.17.2 does), and writes its own
/// config.ini; one older than 2.17 refuses (403) and is left alone.
#[test]
fn a_running_tautulli_takes_the_token_through_its_own_save_pms_token() {
    let env = Env::new();
    env.logged_in();
    let apps = write_apps(&env, "oldtoken999");
    let tautulli = fake_plex::FakeTautulli::start(apps.tautulli.clone(), TAUTULLI_KEY, false);
    std::fs::write(&apps.tautulli, tautulli_ini("oldtoken999", tautulli.port())).unwrap();
    add(&env, "tautulli", &apps.tautulli)
        .ok()
        .stderr_has("through Tautulli's own save_pms_token");
    assert_eq!(tautulli.requests(), ["POST /save_pms_token (X-Api-Key)"]);
    let token = token_in(&apps.tautulli, "pms_token");
    assert!(env.fake.is_valid(&token));
    assert_eq!(
        token_in(&apps.tautulli, "pms_client_id"),
        client_id(&env, "tautulli")
    );
    env.run(&["apps", "list"]).ok().stdout_has("matches (own)");
    // TAUTULLI_PMS_TOKEN in its environment: the same answer, and nothing kept.
    tautulli.set_env_token(true);
    env.fake.revoke(&token);
    env.run(&["apps", "sync", "tautulli"])
        .code(9)
        .stderr_has("a TAUTULLI_PMS_TOKEN in its environment wins over the file");
    assert_eq!(token_in(&apps.tautulli, "pms_token"), token);
    let old =
        fake_plex::FakeTautulli::start(apps.tautulli.clone(), "another-key-0000000000", false);
    let before = tautulli_ini("stale", old.port());
    std::fs::write(&apps.tautulli, &before).unwrap();
    env.run(&["apps", "sync", "tautulli"])
        .code(9)
        .stderr_has("it answered 403");
    assert_eq!(std::fs::read_to_string(&apps.tautulli).unwrap(), before);
}

/// A Tautulli bound to one address (`http_host`) is looked for there, not on 127.0.0.1.
#[test]
fn a_tautulli_bound_to_one_address_is_seen_running_there() {
    let env = Env::new();
    env.logged_in();
    let apps = write_apps(&env, "oldtoken999");
    let listener = std::net::TcpListener::bind("127.0.0.2:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // Something that answers nothing: every connection closed at once.
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            drop(conn);
        }
    });
    let ini =
        tautulli_ini("oldtoken999", port).replace("http_host = 0.0.0.0", "http_host = 127.0.0.2");
    std::fs::write(&apps.tautulli, &ini).unwrap();
    add(&env, "tautulli", &apps.tautulli)
        .code(9)
        .stderr_has(&format!("is running (it answers on port {port})"));
    assert_eq!(std::fs::read_to_string(&apps.tautulli).unwrap(), ini);
}

/// Kometa's `ENV` (and `<<name>>`) say the token comes from elsewhere: never replaced.
#[test]
fn a_token_from_the_environment_is_left_and_said() {
    let env = Env::new();
    env.logged_in();
    let path = env.dir.path().join("config.yml");
    std::fs::write(&path, kometa_yml("ENV")).unwrap();
    let before = std::fs::read(&path).unwrap();
    add(&env, "kometa", &path)
        .ok()
        .stderr_has("reads its token from elsewhere (plex.token (from KOMETA_PLEX_TOKEN");
    assert_eq!(std::fs::read(&path).unwrap(), before);
    let list = env.run(&["apps", "list", "--json"]).json();
    assert_eq!(list["apps"][0]["token"], "elsewhere");
    // Kometa loads `.env` beside config.yml: where the variable is set is named, and left.
    let dotenv = env.dir.path().join(".env");
    std::fs::write(&dotenv, "TZ=UTC\nexport KOMETA_PLEX_TOKEN = oldtoken999\n").unwrap();
    env.run(&["apps", "list"]).ok().stdout_has(&format!(
        "KOMETA_PLEX_TOKEN (the value is `ENV`), set in {}",
        dotenv.display()
    ));
    assert_eq!(
        std::fs::read_to_string(&dotenv).unwrap(),
        "TZ=UTC\nexport KOMETA_PLEX_TOKEN = oldtoken999\n"
    );
}

/// Where plex.tv will not mint an app a token (a managed user, an old answer), the app gets
/// the account's, and the summary says so.
#[test]
fn when_minting_fails_the_app_gets_the_accounts_token() {
    let env = Env::new();
    let account = env.logged_in();
    let apps = write_apps(&env, "oldtoken999");
    env.fake
        .fault_on("/api/v2/pins/link", fake_plex::Fault::Status(403), 10);
    add(&env, "kometa", &apps.kometa)
        .ok()
        .stderr_has("the account's token")
        .stderr_has("did not give it a token of its own");
    assert_eq!(token_in(&apps.kometa, "token"), account);
    let list = env.run(&["apps", "list", "--json"]).json();
    assert_eq!(list["apps"][0]["token"], "matches");
    assert_eq!(list["apps"][0]["own_token"], false);
}

/// An app changed behind plex-auth's back shows as differing in `validate`, its metrics
/// and `status`.
#[test]
fn validate_and_status_show_each_apps_copy() {
    let env = Env::new();
    env.logged_in();
    let apps = write_apps(&env, "oldtoken999");
    add(&env, "kometa", &apps.kometa).ok();
    add(&env, "plextraktsync", &apps.pts).ok();
    let text = std::fs::read_to_string(&apps.pts).unwrap();
    let token = token_in(&apps.pts, "token");
    std::fs::write(&apps.pts, text.replace(&token, "someoneelses1")).unwrap();
    let metrics = env.dir.path().join("plex-auth.prom");
    env.run(&["validate", "--metrics-file", metrics.to_str().unwrap()])
        .ok()
        .stderr_has(
            "plextraktsync (plextraktsync) does not hold the token plex-auth gave it (differs)",
        );
    let prom = std::fs::read_to_string(&metrics).unwrap();
    assert!(prom.contains(
        "plex_auth_app_token{app=\"plextraktsync\",kind=\"plextraktsync\",state=\"differs\"} 1"
    ));
    assert!(
        prom.contains("plex_auth_app_token{app=\"kometa\",kind=\"kometa\",state=\"matches\"} 1")
    );
    env.run(&["status"])
        .ok()
        .stdout_has("kometa (kometa): token matches")
        .stdout_has("plextraktsync (plextraktsync): token differs");
    let status = env.run(&["status", "--json"]).json();
    assert_eq!(status["apps"][1]["token"], "differs");
}

/// `apps remove --revoke` signs out that app's own device and nothing else.
#[test]
fn remove_revoke_signs_out_only_that_apps_token() {
    let env = Env::new();
    let account = env.logged_in();
    let apps = write_apps(&env, "oldtoken999");
    add(&env, "kometa", &apps.kometa).ok();
    add(&env, "plextraktsync", &apps.pts).ok();
    let kometa = token_in(&apps.kometa, "token");
    let pts = token_in(&apps.pts, "token");
    env.fake
        .fault_on("/api/v2/users/signout", fake_plex::Fault::Unavailable, 1);
    env.run(&["apps", "remove", "kometa", "--revoke"])
        .code(5)
        .stderr_has("was not signed out, and the app was not forgotten");
    assert!(env.fake.is_valid(&kometa));
    env.run(&["apps", "remove", "kometa", "--revoke"])
        .ok()
        .stderr_has("Signed out kometa's own token");
    assert!(!env.fake.is_valid(&kometa));
    assert!(env.fake.is_valid(&pts));
    assert!(env.fake.is_valid(&account));
    assert_eq!(client_ids(&env).len(), 1);
    // An app holding the account's token is never revoked this way.
    env.fake
        .fault_on("/api/v2/pins/link", fake_plex::Fault::Status(403), 10);
    let other = env.dir.path().join("other.yml");
    std::fs::write(&other, kometa_yml("x")).unwrap();
    add(&env, "kometa", &other).ok();
    env.run(&["apps", "remove", "kometa", "--revoke"])
        .code(2)
        .stderr_has("does not hold a token of its own");
    assert!(env.fake.is_valid(&account));
}

/// `apps sync --dry-run` shows each app's change with every token masked, and writes,
/// mints and sends nothing.
#[test]
fn sync_dry_run_shows_the_change_and_does_nothing() {
    let env = Env::new();
    env.logged_in();
    let apps = write_apps(&env, "oldtoken999");
    add(&env, "kometa", &apps.kometa).ok();
    add(&env, "plextraktsync", &apps.pts).ok();
    let own = token_in(&apps.pts, "token");
    let text = std::fs::read_to_string(&apps.kometa).unwrap();
    let changed = text.replace(
        &yaml_scalar(&token_in(&apps.kometa, "token")),
        "someoneelses1",
    );
    std::fs::write(&apps.kometa, &changed).unwrap();
    let pins = env.fake.pins_created();
    let run = env.run(&["apps", "sync", "--dry-run"]);
    run.ok()
        .stdout_has("-  token: some…(13 chars)")
        .stdout_has("+  token: new-token-of-its-own")
        .stdout_has("plextraktsync: no change")
        .stderr_has("Nothing was written");
    assert!(!run.stdout.contains("someoneelses1") && !run.stdout.contains(&own));
    assert_eq!(std::fs::read_to_string(&apps.kometa).unwrap(), changed);
    assert_eq!(env.fake.pins_created(), pins);
}

const ARR_KEY: &str = "0123456789abcdef0123456789abcdef";

/// A fake Sonarr (or Radarr) with one Plex Media Server connection holding `token`, and its
/// config.xml.
fn arr(env: &Env, app: &'static str, token: &str) -> (fake_plex::FakeArr, PathBuf) {
    let fake = fake_plex::FakeArr::start(app, ARR_KEY, env.fake.token_check());
    fake.add_plex("Plex", "192.168.1.5", token);
    let xml = env.dir.path().join(format!("{app}-config.xml"));
    std::fs::write(
        &xml,
        format!("<Config>\n  <Port>8989</Port>\n  <ApiKey>{ARR_KEY}</ApiKey>\n</Config>\n"),
    )
    .unwrap();
    (fake, xml)
}

fn add_arr(env: &Env, kind: &str, url: &str, xml: &Path) -> crate::util::Run {
    env.run(&[
        "apps",
        "add",
        kind,
        url,
        "--config-xml",
        xml.to_str().unwrap(),
    ])
}

/// Sonarr takes its token through its API: the whole connection is sent back with only the
/// token changed, its own test passes, and the key goes only to Sonarr.
#[test]
fn sonarr_gets_a_token_of_its_own_through_its_api() {
    let env = Env::new();
    let account = env.logged_in();
    let (sonarr, xml) = arr(&env, "Sonarr", "oldtoken999");
    add_arr(&env, "sonarr", &sonarr.url(), &xml)
        .ok()
        .stdout_has("Registered sonarr (Sonarr 4.0.19.2979) at")
        .stderr_has("1 Plex Media Server connection(s) (the server at 192.168.1.5:32400) there")
        .stderr_has("a new token of its own; updated");
    let token = sonarr.token(1);
    assert_ne!(token, account);
    assert!(env.fake.is_valid(&token));
    assert_eq!(env.fake.device_of(&token), Some(client_id(&env, "sonarr")));
    assert_eq!(sonarr.field(1, "host"), "192.168.1.5");
    assert_eq!(sonarr.field(1, "updateLibrary"), true);
    assert_eq!(sonarr.field(1, "signIn"), "startOAuth");
    assert!(
        !env.config_text().contains(ARR_KEY),
        "the API key is never stored"
    );
    // Again: its own token still passes Sonarr's test, so it is kept.
    env.run(&["apps", "sync", "sonarr"])
        .ok()
        .stderr_has("kept its own token");
    assert_eq!(sonarr.token(1), token);
}

/// A key Sonarr refuses, an address that is plain http across the internet, or no key
/// file: refused, and nothing registered.
#[test]
fn sonarr_with_a_wrong_key_or_an_unsafe_address_is_not_registered() {
    let env = Env::new();
    env.logged_in();
    let (sonarr, xml) = arr(&env, "Sonarr", "oldtoken999");
    let wrong = env.dir.path().join("key");
    std::fs::write(&wrong, "ffffffffffffffffffffffffffffffff\n").unwrap();
    let url = sonarr.url();
    env.run(&[
        "apps",
        "add",
        "sonarr",
        &url,
        "--api-key-file",
        wrong.to_str().unwrap(),
    ])
    .code(9)
    .stderr_has("refused its API key");
    add_arr(&env, "sonarr", "http://sonarr.example.com:8989", &xml)
        .code(2)
        .stderr_has("where the API key would travel in clear");
    env.run(&["apps", "add", "sonarr", &url])
        .code(2)
        .stderr_has("--config-xml PATH");
    assert!(client_ids(&env).is_empty());
    assert_eq!(sonarr.token(1), "oldtoken999");
}

/// On this machine, Sonarr's key goes only to a listener of config.xml's owner or root:
/// another user listening on its port while it is stopped is sent nothing.
#[test]
fn sonarrs_key_goes_to_no_other_user_on_its_port() {
    use crate::bazarr_running::{STRANGER_UID, Stranger, is_root};
    if !is_root() {
        eprintln!("skipped: needs root, to run a listener as uid {STRANGER_UID}");
        return;
    }
    let env = Env::new();
    env.logged_in();
    let (_sonarr, xml) = arr(&env, "Sonarr", "oldtoken999");
    std::os::unix::fs::chown(&xml, Some(12345), Some(12345)).unwrap();
    let stranger = Stranger::start();
    let url = format!("http://127.0.0.1:{}", stranger.port);
    let run = add_arr(&env, "sonarr", &url, &xml);
    let heard = stranger.stop();
    assert!(
        heard.is_empty(),
        "the other user's listener was sent {heard:?}"
    );
    run.code(9)
        .stderr_has("Sonarr's API key was not sent to")
        .stderr_has(&format!("belongs to uid {STRANGER_UID}"));
    assert!(client_ids(&env).is_empty());
}

/// A token Radarr's own test rejects is not saved there; the summary says so.
#[test]
fn a_token_radarr_rejects_is_not_saved() {
    let env = Env::new();
    env.logged_in();
    let radarr = fake_plex::FakeArr::start("Radarr", ARR_KEY, std::sync::Arc::new(|_: &str| false));
    radarr.add_plex("Plex", "192.168.1.5", "oldtoken999");
    let (_other, xml) = arr(&env, "Radarr", "x");
    add_arr(&env, "radarr", &radarr.url(), &xml)
        .code(9)
        .stderr_has("Radarr did not take the change: Authentication Token is invalid");
    assert_eq!(radarr.token(1), "oldtoken999");
}

/// `select` points every app at the server: PlexTraktSync's `urls` and `id`, Tautulli's
/// `pms_*` keys, Kometa's `url`.
#[test]
fn select_points_every_app_at_the_server() {
    use fake_plex::{ConnKind, ConnSpec, ServerSpec};
    let env = Env::new();
    env.logged_in();
    let apps = write_apps(&env, "oldtoken999");
    add(&env, "tautulli", &apps.tautulli).ok();
    add(&env, "kometa", &apps.kometa).ok();
    add(&env, "plextraktsync", &apps.pts).ok();
    env.fake.add_server(ServerSpec::owned(
        "Tower",
        "towerid",
        vec![ConnSpec::new(ConnKind::Live)],
    ));
    let run = env.run(&["select", "Tower"]);
    run.ok().stderr_has("Apps:");
    let cfg: toml::Value = toml::from_str(&env.config_text()).unwrap();
    let url = cfg["server"]["url"].as_str().unwrap().to_string();
    let port = url.rsplit(':').next().unwrap().to_string();
    let ini = std::fs::read_to_string(&apps.tautulli).unwrap();
    assert!(ini.contains("pms_identifier = towerid\n"), "{ini}");
    assert!(ini.contains(&format!("pms_url = {url}\n")), "{ini}");
    assert!(ini.contains("pms_ip = 127.0.0.1\n"), "{ini}");
    assert!(ini.contains(&format!("pms_port = {port}\n")), "{ini}");
    assert!(ini.contains("pms_name = Tower\n"), "{ini}");
    assert!(ini.contains("pms_uuid = 7d1c2e3f4a5b6c7d\n"), "{ini}");
    let yml = std::fs::read_to_string(&apps.kometa).unwrap();
    assert!(yml.contains(&format!("  url: {url}\n")), "{yml}");
    let servers = std::fs::read_to_string(&apps.pts).unwrap();
    assert!(servers.contains("    id: towerid\n"), "{servers}");
    assert!(servers.contains(&format!("    - {url}\n")), "{servers}");
    let list = env.run(&["apps", "list", "--json"]).json();
    for app in list["apps"].as_array().unwrap() {
        assert_eq!(app["server_matches"], true, "{app}");
    }
}

/// `logout` leaves the apps holding their tokens and says so; `--apps` clears each.
#[test]
fn logout_names_the_apps_and_clears_them_only_when_asked() {
    let env = Env::new();
    env.logged_in();
    let apps = write_apps(&env, "oldtoken999");
    add(&env, "kometa", &apps.kometa).ok();
    add(&env, "plextraktsync", &apps.pts).ok();
    let kometa = std::fs::read(&apps.kometa).unwrap();
    env.run(&["logout"])
        .ok()
        .stderr_has("these apps still hold their tokens from this link: kometa, plextraktsync");
    assert_eq!(std::fs::read(&apps.kometa).unwrap(), kometa);
    env.logged_in();
    env.run(&["logout", "--apps"]).ok().stderr_has("Apps:");
    assert_eq!(token_in(&apps.kometa, "token"), "");
    assert_eq!(token_in(&apps.pts, "token"), "");
    let list = env.run(&["apps", "list", "--json"]).json();
    assert_eq!(list["apps"][0]["token"], "empty");
}

/// The apps' own parser libraries read what plex-auth wrote, with every other value as
/// they wrote it: configobj (Tautulli), ruamel.yaml round trip (Kometa), PyYAML
/// (PlexTraktSync).
#[test]
#[ignore = "needs the apps' Python libraries; run by .ci/run"]
fn the_apps_own_libraries_read_what_plex_auth_wrote() {
    let env = Env::new();
    env.logged_in();
    let root = env.dir.path();
    for dir in ["t", "k", "p"] {
        std::fs::create_dir_all(root.join(dir)).unwrap();
    }
    let check = |args: &[&str]| crate::util::test_python("apps_check.py", args);
    let (ini, yml, pts) = (
        root.join("t/config.ini"),
        root.join("k/config.yml"),
        root.join("p"),
    );
    check(&["make-tautulli", ini.to_str().unwrap(), "oldtoken999"]);
    check(&["make-kometa", yml.to_str().unwrap(), "oldtoken999"]);
    check(&["make-plextraktsync", pts.to_str().unwrap(), "oldtoken999"]);
    let servers = pts.join("servers.yml");
    let read = |kind: &str, path: &Path| -> serde_json::Value {
        serde_json::from_str(&check(&["read", kind, path.to_str().unwrap()])).unwrap()
    };
    let before = [
        read("tautulli", &ini),
        read("kometa", &yml),
        read("plextraktsync", &servers),
    ];
    add(&env, "tautulli", &ini).ok();
    add(&env, "kometa", &yml).ok();
    add(&env, "plextraktsync", &pts).ok();
    let after = [
        read("tautulli", &ini),
        read("kometa", &yml),
        read("plextraktsync", &servers),
    ];

    let mut want = before.clone();
    let t = after[0]["PMS"]["pms_token"].as_str().unwrap().to_string();
    assert!(env.fake.is_valid(&t));
    want[0]["PMS"]["pms_token"] = t.clone().into();
    want[0]["PMS"]["pms_client_id"] = client_id(&env, "tautulli").into();
    let k = after[1]["plex"]["token"].as_str().unwrap().to_string();
    assert!(env.fake.is_valid(&k));
    want[1]["plex"]["token"] = k.clone().into();
    want[1]["libraries"]["4K Movies"]["plex"]["token"] = k.into();
    let p = after[2]["servers"]["default"]["token"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(env.fake.is_valid(&p));
    want[2]["servers"]["default"]["token"] = p.into();
    assert_eq!(after, want);
}

/// Overseerr's settings.json, as it writes it (the parts plex-auth reads, and its API key,
/// which plex-auth never needs).
fn seerr_settings(env: &Env) -> PathBuf {
    let path = env.dir.path().join("overseerr-settings.json");
    std::fs::write(
        &path,
        r#"{
  "clientId": "6c5a2f6e-0000-4000-8000-000000000001",
  "main": { "apiKey": "MTcwMDAwMDAwMDAwMGZha2VrZXk=", "csrfProtection": true, "localLogin": true },
  "plex": { "name": "Living Room", "ip": "192.168.1.5", "port": 32400, "useSsl": false, "libraries": [], "machineId": "abc123" }
}
"#,
    )
    .unwrap();
    path
}

fn seerr(env: &Env, jellyseerr: bool) -> fake_plex::FakeSeerr {
    fake_plex::FakeSeerr::start(
        jellyseerr,
        env.fake.account_id(),
        "oldtoken999",
        env.fake.token_account(),
    )
}

/// Overseerr takes its token through its own Plex sign-in (CSRF protection on): its admin
/// gets a token of its own, its device in the account's list, and the API key in its
/// settings.json is neither needed nor stored. Again later, it stays one device.
#[test]
fn overseerr_gets_a_token_of_its_own_through_its_own_sign_in() {
    let env = Env::new();
    let account = env.logged_in();
    let overseerr = seerr(&env, false);
    overseerr.set_csrf(true);
    let settings = seerr_settings(&env);
    env.run(&[
        "apps",
        "add",
        "overseerr",
        &overseerr.url(),
        "--settings-json",
        settings.to_str().unwrap(),
    ])
    .ok()
    .stdout_has("Registered overseerr (Overseerr 1.34.0)")
    .stderr_has("It uses the Plex server Living Room")
    .stderr_has("a new token of its own; updated");
    let token = overseerr.admin_token();
    assert_ne!(token, account);
    assert!(env.fake.is_valid(&token));
    assert_eq!(
        env.fake.device_of(&token),
        Some(client_id(&env, "overseerr"))
    );
    assert!(!env.config_text().contains("MTcwMDAwMDAwMDAw"));
    env.run(&["apps", "list"])
        .ok()
        .stdout_has("matches (own)")
        .stdout_has("abc123");
    env.run(&["apps", "sync", "overseerr"])
        .ok()
        .stderr_has("a new token of its own");
    let again = overseerr.admin_token();
    assert!(env.fake.is_valid(&again));
    assert_eq!(
        env.fake.device_of(&again),
        Some(client_id(&env, "overseerr"))
    );
    env.run(&["logout", "--apps"])
        .ok()
        .stderr_has("has no sign-out that clears its token");
}

/// An Overseerr not set up yet (its first sign-in would make the account its admin), a
/// Jellyseerr set up for Jellyfin, or one that turned media-server sign-in off: refused,
/// nothing registered, and no token sent.
#[test]
fn a_seerr_that_would_not_take_a_plex_sign_in_is_not_registered() {
    let env = Env::new();
    env.logged_in();
    let overseerr = seerr(&env, false);
    overseerr.set_initialized(false);
    env.run(&["apps", "add", "overseerr", &overseerr.url()])
        .code(9)
        .stderr_has("Overseerr is not set up yet");
    let jellyseerr = seerr(&env, true);
    jellyseerr.set_media_server(2, true);
    env.run(&["apps", "add", "jellyseerr", &jellyseerr.url()])
        .code(9)
        .stderr_has("Jellyseerr is not set up to sign in with Plex")
        .stderr_has("type 2");
    jellyseerr.set_media_server(1, false);
    env.run(&["apps", "add", "jellyseerr", &jellyseerr.url()])
        .code(9)
        .stderr_has("signing in with the media server is turned off");
    env.run(&[
        "apps",
        "add",
        "overseerr",
        &overseerr.url(),
        "--config-xml",
        "/x",
    ])
    .code(2)
    .stderr_has("take their token with no API key");
    env.run(&["apps", "add", "kometa", "/x", "--settings-json", "/x"])
        .code(2)
        .stderr_has("--settings-json is for overseerr and jellyseerr, not kometa");
    assert!(client_ids(&env).is_empty());
    for fake in [&overseerr, &jellyseerr] {
        assert!(!fake.requests().iter().any(|r| r.starts_with("POST")));
        assert_eq!(fake.admin_token(), "oldtoken999");
    }
    jellyseerr.set_media_server(1, true);
    env.run(&["apps", "add", "jellyseerr", &jellyseerr.url()])
        .ok()
        .stdout_has("Registered jellyseerr (Jellyseerr 2.5.2)");
    assert!(env.fake.is_valid(&jellyseerr.admin_token()));
}

/// An Overseerr whose admin is another Plex account takes the token for another user (or
/// refuses it): said, as a failure, and the admin's token is left.
#[test]
fn an_overseerr_whose_admin_is_another_account_is_a_clear_failure() {
    let env = Env::new();
    env.logged_in();
    let other_admin = fake_plex::FakeSeerr::start(false, 1, "theirs", env.fake.token_account());
    other_admin.add_user(env.fake.account_id());
    env.run(&["apps", "add", "overseerr", &other_admin.url()])
        .code(9)
        .stderr_has("took the token for its user 2, not its admin (user 1)")
        .stderr_has("1 of 1 apps were not updated");
    assert_eq!(other_admin.admin_token(), "theirs");
    let stranger = fake_plex::FakeSeerr::start(false, 1, "theirs", env.fake.token_account());
    env.run(&["apps", "add", "overseerr", &stranger.url(), "--name", "o2"])
        .code(9)
        .stderr_has("Overseerr did not take the token: 403 \"Access denied.\"");
}

/// On this machine, a token for Overseerr goes only to a listener of its settings.json's
/// owner or root: another user on its port is asked nothing.
#[test]
fn overseerrs_token_goes_to_no_other_user_on_its_port() {
    use crate::bazarr_running::{STRANGER_UID, Stranger, is_root};
    if !is_root() {
        eprintln!("skipped: needs root, to run a listener as uid {STRANGER_UID}");
        return;
    }
    let env = Env::new();
    env.logged_in();
    let settings = seerr_settings(&env);
    std::os::unix::fs::chown(&settings, Some(12345), Some(12345)).unwrap();
    let stranger = Stranger::start();
    let url = format!("http://127.0.0.1:{}", stranger.port);
    let run = env.run(&[
        "apps",
        "add",
        "overseerr",
        &url,
        "--settings-json",
        settings.to_str().unwrap(),
    ]);
    let heard = stranger.stop();
    assert!(
        heard.is_empty(),
        "the other user's listener was sent {heard:?}"
    );
    run.code(9)
        .stderr_has("Overseerr's Plex token was not sent to")
        .stderr_has(&format!("belongs to uid {STRANGER_UID}"));
    assert!(client_ids(&env).is_empty());
}

const FOURK_ID: &str = "5d6e7f80-9a1b-4c2d-8e3f-405162738495";

/// A second Bazarr (for 4K) in its data folder, as 1.5.6 writes it after it made its client
/// identifier, not linked to Plex yet.
fn second_bazarr(env: &Env) -> PathBuf {
    let dir = env.dir.path().join("bazarr-4k/config");
    std::fs::create_dir_all(&dir).unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/bazarr/bazarr-1.5.6-fresh-install.config.yaml");
    let text = std::fs::read_to_string(fixture)
        .unwrap()
        .replace(
            "client_identifier: ''",
            &format!("client_identifier: {FOURK_ID}"),
        )
        .replace("port: 6767", "port: 6768");
    let path = dir.join("config.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

/// The token a Bazarr file holds, opened with its own key, as Bazarr opens it.
fn bazarr_token(path: &Path) -> String {
    let doc: yaml_serde::Value =
        yaml_serde::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let signed = doc["plex"]["token"].as_str().unwrap_or_default();
    let key = doc["plex"]["encryption_key"].as_str().unwrap_or_default();
    plex_auth::bazarr::signer::verify(key, signed)
        .unwrap()
        .expose()
        .to_string()
}

/// Beside plex-auth's own Bazarr (`--bazarr-config`, the account's token), a second one is
/// registered from its data folder and given a token of its own, under the client
/// identifier it sends; both are listed; plex-auth's own cannot be registered twice.
#[test]
fn a_second_bazarr_gets_a_token_of_its_own_beside_plex_auths_own() {
    let env = Env::new();
    let own = crate::bazarr::bazarr_copy(&env, "bazarr-1.5.6-fresh-install.config.yaml", None);
    let account = env.fake.token();
    env.run_stdin(
        &[
            "login",
            "--with-token",
            "--bazarr-config",
            own.to_str().unwrap(),
        ],
        &account,
    )
    .ok();
    let second = second_bazarr(&env);
    let folder = env.dir.path().join("bazarr-4k");
    env.run(&["apps", "add", "bazarr", folder.to_str().unwrap()])
        .ok()
        .stdout_has("Registered bazarr-2 (Bazarr) at")
        .stderr_has("a new token of its own; updated");
    let token = bazarr_token(&second);
    assert_ne!(token, account);
    assert!(env.fake.is_valid(&token));
    assert_eq!(client_id(&env, "bazarr-2"), FOURK_ID);
    assert_eq!(env.fake.device_of(&token).as_deref(), Some(FOURK_ID));
    assert_eq!(
        bazarr_token(&own),
        account,
        "plex-auth's own Bazarr keeps the account's"
    );
    let list = env.run(&["apps", "list", "--json"]);
    let apps: serde_json::Value = serde_json::from_str(&list.ok().stdout).unwrap();
    let row = |name: &str| {
        apps["apps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("no {name} in {apps}"))
    };
    assert_eq!(row("bazarr")["token"], "matches");
    assert_eq!(row("bazarr")["own_token"], false);
    assert_eq!(row("bazarr-2")["token"], "matches");
    assert_eq!(row("bazarr-2")["own_token"], true);
    env.run(&["apps", "add", "bazarr", own.to_str().unwrap()])
        .code(2)
        .stderr_has("is plex-auth's own Bazarr");
    let other = env.dir.path().join("other.yaml");
    std::fs::write(
        &other,
        "foo: 1
plex:
  token: ''
",
    )
    .unwrap();
    env.run(&["apps", "add", "bazarr", other.to_str().unwrap()])
        .code(9)
        .stderr_has("so it is not a config.yaml Bazarr wrote");
    assert_eq!(
        std::fs::read_to_string(&other).unwrap(),
        "foo: 1\nplex:\n  token: ''\n"
    );
    env.run(&[
        "apps",
        "add",
        "bazarr",
        second.to_str().unwrap(),
        "--name",
        "bazarr",
    ])
    .code(2)
    .stderr_has("is the name of plex-auth's own Bazarr");
    env.run(&["apps", "sync", "bazarr-2"])
        .ok()
        .stderr_has("kept its own token, which still works");
    assert_eq!(bazarr_token(&second), token);
    env.run(&["logout", "--apps"]).ok();
    let doc: yaml_serde::Value =
        yaml_serde::from_str(&std::fs::read_to_string(&second).unwrap()).unwrap();
    assert_eq!(
        doc["plex"]["token"], "",
        "its own sign-out clears the token"
    );
}

/// `validate` asks Sonarr's own test whether the token it holds works: one signed out
/// alone is named with its fix, and so is a Sonarr that cannot be asked, in the output and
/// in the metrics.
#[test]
fn validate_asks_sonarr_whether_its_token_works() {
    let env = Env::new();
    env.logged_in();
    let (sonarr, xml) = arr(&env, "Sonarr", "oldtoken999");
    add_arr(&env, "sonarr", &sonarr.url(), &xml).ok();
    let prom = env.dir.path().join("plex-auth.prom");
    let metrics = prom.to_str().unwrap();
    env.run(&["validate", "--metrics-file", metrics]).ok();
    let series = |state: &str| {
        format!("plex_auth_app_token{{app=\"sonarr\",kind=\"sonarr\",state=\"{state}\"}} 1")
    };
    assert!(
        std::fs::read_to_string(&prom)
            .unwrap()
            .contains(&series("matches"))
    );
    env.fake.revoke(&sonarr.token(1));
    env.run(&["validate", "--metrics-file", metrics])
        .ok()
        .stderr_has(
            "sonarr (sonarr) says the token it holds no longer works; `plex-auth apps sync sonarr`",
        );
    assert!(
        std::fs::read_to_string(&prom)
            .unwrap()
            .contains(&series("differs"))
    );
    env.run(&["apps", "sync", "sonarr"])
        .ok()
        .stderr_has("a new token of its own");
    let clean = env.run(&["validate"]);
    assert!(
        !clean.ok().stderr.contains("sonarr (sonarr)"),
        "{}",
        clean.stderr
    );
    drop(sonarr);
    env.run(&["validate", "--metrics-file", metrics])
        .ok()
        .stderr_has("sonarr (sonarr) could not be asked whether its token works");
    assert!(
        std::fs::read_to_string(&prom)
            .unwrap()
            .contains(&series("unreachable"))
    );
}

/// Sonarr's Plex Watchlist import list holds a plex.tv token too, shown by its API: it gets
/// the same token of its own as the connection, through the same whole-object PUT; a
/// Radarr with only a watchlist is kept as well; logout --apps clears both.
#[test]
fn the_arrs_plex_watchlist_gets_the_token_too() {
    let env = Env::new();
    env.logged_in();
    let (sonarr, xml) = arr(&env, "Sonarr", "oldtoken999");
    sonarr.add_watchlist("Plex Watchlist", "oldtoken999");
    add_arr(&env, "sonarr", &sonarr.url(), &xml)
        .ok()
        .stderr_has("1 Plex Media Server connection(s) (the server at 192.168.1.5:32400) and 1 Plex Watchlist import list(s) there")
        .stderr_has("Plex Watchlist accessToken");
    let token = sonarr.token(1);
    assert_eq!(sonarr.watchlist_token(1), token);
    assert!(env.fake.is_valid(&token));
    let radarr = fake_plex::FakeArr::start("Radarr", ARR_KEY, env.fake.token_check());
    radarr.add_watchlist("Plex Watchlist", "oldtoken999");
    let (_unused, radarr_xml) = arr(&env, "Radarr", "x");
    add_arr(&env, "radarr", &radarr.url(), &radarr_xml)
        .ok()
        .stderr_has("0 Plex Media Server connection(s) and 1 Plex Watchlist import list(s)");
    assert!(env.fake.is_valid(&radarr.watchlist_token(1)));
    env.fake.revoke(&radarr.watchlist_token(1));
    env.run(&["validate"])
        .ok()
        .stderr_has("radarr (radarr) says the token it holds no longer works");
    env.run(&["logout", "--apps"]).ok();
    assert_eq!(sonarr.watchlist_token(1), "");
    assert_eq!(sonarr.token(1), "");
}

/// `apps list --check` asks plex.tv (as each app) whether the token each app holds still
/// works: one signed out alone in Plex's device list shows as revoked, which the offline
/// list cannot tell; the others still match.
#[test]
fn apps_list_check_finds_a_token_signed_out_alone() {
    let env = Env::new();
    env.logged_in();
    let apps = write_apps(&env, "oldtoken999");
    add(&env, "kometa", &apps.kometa).ok();
    add(&env, "plextraktsync", &apps.pts).ok();
    env.fake.revoke(&token_in(&apps.kometa, "token"));
    let state = |list: &serde_json::Value, name: &str| {
        list["apps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == name)
            .map(|a| a["token"].as_str().unwrap().to_string())
            .unwrap()
    };
    let offline = env.run(&["apps", "list", "--json"]).json();
    assert_eq!(state(&offline, "kometa"), "matches");
    let online = env.run(&["apps", "list", "--check", "--json"]).json();
    assert_eq!(state(&online, "kometa"), "revoked");
    assert_eq!(state(&online, "plextraktsync"), "matches");
    env.run(&["apps", "list", "--check"])
        .ok()
        .stdout_has("revoked");
}
