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
