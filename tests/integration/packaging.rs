//! What packagers ship besides the binary: the systemd units in contrib/systemd/ and the
//! Debian package's file list. `.ci/run` also runs `systemd-analyze verify` on the units and
//! builds, installs and removes the package.

use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `Key=value` lines of a unit, comments left out.
fn settings(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#') && !l.starts_with('['))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

fn get<'a>(settings: &'a [(String, String)], key: &str) -> Vec<&'a str> {
    settings
        .iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .collect()
}

#[test]
fn the_validate_units_fail_on_trouble_but_not_on_an_unreachable_plex_tv() {
    for scope in ["system", "user"] {
        let dir = root().join("contrib/systemd").join(scope);
        let service = std::fs::read_to_string(dir.join("plex-auth-validate.service"))
            .unwrap_or_else(|e| panic!("{scope} service: {e}"));
        let timer = std::fs::read_to_string(dir.join("plex-auth-validate.timer"))
            .unwrap_or_else(|e| panic!("{scope} timer: {e}"));
        let s = settings(&service);
        // The system unit uses the machine's link (--system), the user unit the user's.
        let exec = match scope {
            "system" => "/usr/bin/plex-auth --system validate --quiet",
            _ => "/usr/bin/plex-auth validate --quiet",
        };
        assert_eq!(get(&s, "ExecStart"), [exec], "{scope}");
        assert_eq!(get(&s, "Type"), ["oneshot"], "{scope}");
        // 5 (plex.tv unreachable, retry later) is fine; 3, 4, 8 and 9 must fail the unit.
        let success: Vec<&str> = get(&s, "SuccessExitStatus")
            .iter()
            .flat_map(|v| v.split_whitespace())
            .collect();
        assert_eq!(success, ["5"], "{scope}");
        assert_eq!(get(&s, "ProtectSystem"), ["strict"], "{scope}");
        assert_eq!(get(&s, "NoNewPrivileges"), ["yes"], "{scope}");
        assert_eq!(get(&s, "ProtectHome").len(), 1, "{scope}: ProtectHome=");
        assert!(
            !get(&s, "ReadWritePaths").is_empty(),
            "{scope}: ReadWritePaths="
        );
        let t = settings(&timer);
        assert_eq!(get(&t, "WantedBy"), ["timers.target"], "{scope}");
    }
    let system = settings(
        &std::fs::read_to_string(root().join("contrib/systemd/system/plex-auth-validate.service"))
            .unwrap(),
    );
    assert_eq!(
        get(&system, "LoadCredential"),
        ["plex-auth.key:/etc/plex-auth/key"]
    );
    // --system says where the state is, as for every manual command: no variable that a
    // manual `sudo plex-auth --system ...` would have to repeat. The unit may write there.
    let env = get(&system, "Environment").join(" ");
    assert!(!env.contains("PLEX_AUTH_CONFIG_DIR"), "{env}");
    assert!(!env.contains("PLEX_AUTH_STATE_DIR"), "{env}");
    assert_eq!(get(&system, "ReadWritePaths"), ["/var/lib/plex-auth"]);
    assert_eq!(get(&system, "StateDirectory"), ["plex-auth"]);
}

/// Where `cargo deb` puts each file: `[package.metadata.deb] assets` in Cargo.toml.
fn deb_assets() -> Vec<(String, String)> {
    let manifest: toml::Table = std::fs::read_to_string(root().join("Cargo.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let assets = manifest["package"]
        .get("metadata")
        .and_then(|m| m.get("deb"))
        .and_then(|d| d.get("assets"))
        .and_then(|a| a.as_array())
        .expect("[package.metadata.deb] assets in Cargo.toml");
    assets
        .iter()
        .map(|a| {
            let a = a.as_array().unwrap();
            (
                a[0].as_str().unwrap().to_owned(),
                a[1].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn the_debian_package_ships_everything_where_debian_looks() {
    let assets = deb_assets();
    let dest = |source: &str| -> &str {
        &assets
            .iter()
            .find(|(s, _)| s == source)
            .unwrap_or_else(|| panic!("{source} is not in the package: {assets:?}"))
            .1
    };
    assert_eq!(dest("target/release/plex-auth"), "usr/bin/");
    assert_eq!(dest("man/*.1"), "usr/share/man/man1/");
    assert_eq!(
        dest("completions/plex-auth.bash"),
        "usr/share/bash-completion/completions/plex-auth"
    );
    assert_eq!(
        dest("completions/_plex-auth"),
        "usr/share/zsh/vendor-completions/_plex-auth"
    );
    assert_eq!(
        dest("completions/plex-auth.fish"),
        "usr/share/fish/vendor_completions.d/plex-auth.fish"
    );
    assert_eq!(dest("contrib/systemd/system/*"), "usr/lib/systemd/system/");
    assert_eq!(dest("contrib/systemd/user/*"), "usr/lib/systemd/user/");
    // Every source names files that exist (a glob: at least one).
    for (source, _) in &assets {
        if source.starts_with("target/") {
            continue;
        }
        let (dir, pattern) = source.rsplit_once('/').unwrap_or((".", source));
        let found = std::fs::read_dir(root().join(dir)).unwrap().any(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            match pattern.split_once('*') {
                Some((pre, post)) => name.starts_with(pre) && name.ends_with(post),
                None => name == pattern,
            }
        });
        assert!(found, "{source} matches no file");
    }
}
