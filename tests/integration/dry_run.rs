//! `migrate-apikey --dry-run` writes nothing anywhere and says what a real run would do.

use fake_plex::{ConnKind, ConnSpec, ServerSpec};

use crate::bazarr::bazarr_copy;
use crate::util::Env;

#[test]
fn migrate_dry_run_writes_nothing_anywhere() {
    let env = Env::new();
    let token = env.fake.token();
    env.fake.add_server(ServerSpec::owned(
        "Tower",
        "towerid",
        vec![ConnSpec::new(ConnKind::Live)],
    ));
    let path = bazarr_copy(&env, "bazarr-1.5.2-legacy-apikey.config.yaml", Some(&token));
    let original = std::fs::read(&path).unwrap();
    let run = env.run(&[
        "migrate-apikey",
        "--dry-run",
        "--bazarr-config",
        path.to_str().unwrap(),
    ]);
    run.ok();
    assert!(!env.config_dir.exists(), "the config dir was created");
    assert!(!env.state_dir().join("events.jsonl").exists());
    assert_eq!(std::fs::read(&path).unwrap(), original);
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(!all.contains("Imported"), "{all}");
    assert_eq!(all.matches("Nothing was written").count(), 1, "{all}");
    assert!(all.contains("would"), "{all}");
    assert!(all.contains("Tower"), "{all}");

    // The OAuth case too.
    let path = bazarr_copy(
        &env,
        "bazarr-1.5.6-legacy-apikey-auto-encrypted.config.yaml",
        Some(&token),
    );
    let run = env.run(&[
        "migrate-apikey",
        "--dry-run",
        "--bazarr-config",
        path.to_str().unwrap(),
    ]);
    run.ok().stdout_has("+  auth_method: oauth");
    assert!(!env.config_dir.exists(), "the config dir was created");
    assert!(run.stderr.contains("Tower"), "{}", run.stderr);
}

#[test]
fn a_dry_run_on_a_pre_oauth_file_shows_what_the_real_run_adds() {
    let env = Env::new();
    let token = env.fake.token();
    env.fake.add_server(ServerSpec::owned(
        "Tower",
        "towerid",
        vec![ConnSpec::new(ConnKind::Live)],
    ));
    let path = bazarr_copy(&env, "bazarr-1.5.2-legacy-apikey.config.yaml", Some(&token));
    let config = path.to_str().unwrap();
    let dry = env.run(&["migrate-apikey", "--dry-run", "--bazarr-config", config]);
    dry.ok().stderr_has("beside plex.apikey");
    assert!(!dry.stderr.contains("as it is ("), "{}", dry.stderr);
    let before = std::fs::read_to_string(&path).unwrap();
    env.run(&["migrate-apikey", "--bazarr-config", config]).ok();
    let after = std::fs::read_to_string(&path).unwrap();
    assert_ne!(before, after, "the real run changes the file");
    // Every key the dry run showed as added is in the file the real run wrote (secrets are
    // masked and the new encryption key is made anew, so keys, not values), and the file
    // grew by as many lines as the diff says.
    let added: Vec<&str> = dry
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix('+').filter(|l| !l.starts_with("++")))
        .collect();
    let removed = dry
        .stdout
        .lines()
        .filter(|l| l.starts_with('-') && !l.starts_with("--"))
        .count();
    assert!(!added.is_empty(), "no diff shown:\n{}", dry.stdout);
    let key = |line: &str| line.split_once(": ").map_or(line, |(k, _)| k).to_owned();
    for line in &added {
        assert!(
            after.lines().any(|l| key(l) == key(line)),
            "{line:?} not written"
        );
    }
    assert_eq!(
        after.lines().count(),
        before.lines().count() + added.len() - removed,
        "{}",
        dry.stdout
    );
}
