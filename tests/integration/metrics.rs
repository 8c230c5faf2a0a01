//! `validate --metrics-file`: Prometheus text format that node_exporter's textfile
//! collector accepts, written on success and on failure, with no secret in it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use fake_plex::{ConnKind, ConnSpec, Fault, ServerSpec};

use crate::util::Env;

/// One sample: its name, its labels and its value.
#[derive(Debug)]
struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

/// A small parser of the text exposition format: `# HELP name text`, `# TYPE name kind`,
/// and `name{label="value",...} number` lines. Panics on anything else, on a sample whose
/// family has no TYPE before it, and on a family declared twice.
fn parse(text: &str) -> Vec<Sample> {
    let mut types: BTreeMap<String, String> = BTreeMap::new();
    let mut helps = BTreeSet::new();
    let mut samples = Vec::new();
    assert!(text.ends_with('\n'), "the last line ends with a newline");
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let (name, help) = rest.split_once(' ').expect("HELP name text");
            assert!(valid_name(name), "bad name {name:?}");
            assert!(!help.is_empty());
            assert!(helps.insert(name.to_owned()), "second HELP for {name}");
            continue;
        }
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').expect("TYPE name kind");
            assert!(valid_name(name), "bad name {name:?}");
            assert!(
                ["counter", "gauge", "histogram", "summary", "untyped"].contains(&kind),
                "bad type {kind:?}"
            );
            assert!(
                types.insert(name.to_owned(), kind.to_owned()).is_none(),
                "second TYPE for {name}"
            );
            continue;
        }
        assert!(
            !line.starts_with('#') && !line.trim().is_empty(),
            "stray line {line:?}"
        );
        let (head, value) = line.rsplit_once(' ').expect("name value");
        let value: f64 = value
            .parse()
            .unwrap_or_else(|_| panic!("bad value in {line:?}"));
        let (name, labels) = match head.split_once('{') {
            Some((name, rest)) => {
                let body = rest.strip_suffix('}').expect("labels end with }");
                let mut labels = BTreeMap::new();
                for pair in split_labels(body) {
                    let (k, v) = pair.split_once('=').expect("label=value");
                    assert!(valid_name(k) && !k.contains(':'), "bad label name {k:?}");
                    let v = v
                        .strip_prefix('"')
                        .and_then(|v| v.strip_suffix('"'))
                        .expect("quoted label value");
                    labels.insert(k.to_owned(), v.to_owned());
                }
                (name, labels)
            }
            None => (head, BTreeMap::new()),
        };
        assert!(valid_name(name), "bad name {name:?}");
        let kind = types
            .get(name)
            .unwrap_or_else(|| panic!("sample {name} has no TYPE before it"));
        if kind == "counter" {
            assert!(name.ends_with("_total"), "counter {name} without _total");
        }
        assert!(helps.contains(name), "sample {name} has no HELP");
        samples.push(Sample {
            name: name.to_owned(),
            labels,
            value,
        });
    }
    samples
}

/// Label pairs split on the commas outside quotes.
fn split_labels(body: &str) -> Vec<&str> {
    let (mut out, mut start, mut quoted, mut escaped) = (Vec::new(), 0, false, false);
    for (i, c) in body.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            ',' if !quoted => {
                out.push(&body[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if start < body.len() {
        out.push(&body[start..]);
    }
    out
}

fn value(samples: &[Sample], name: &str, label: Option<(&str, &str)>) -> Option<f64> {
    samples
        .iter()
        .find(|s| {
            s.name == name
                && label.is_none_or(|(k, v)| s.labels.get(k).map(String::as_str) == Some(v))
        })
        .map(|s| s.value)
}

fn read(path: &Path) -> Vec<Sample> {
    parse(&std::fs::read_to_string(path).expect("metrics file written"))
}

#[test]
fn metrics_are_written_on_success_and_failure_and_parse() {
    let env = Env::new();
    let token = env.logged_in();
    env.fake.add_server(ServerSpec::owned(
        "Tower \"main\"",
        "towermachineid",
        vec![ConnSpec {
            local: true,
            ..ConnSpec::new(ConnKind::Live)
        }],
    ));
    env.run(&["select", "towermachineid"]).ok();
    let prom = env.dir.path().join("textfile").join("plex-auth.prom");
    std::fs::create_dir_all(prom.parent().unwrap()).unwrap();
    let arg = prom.to_str().unwrap();

    env.run(&["validate", "--quiet", "--server", "--metrics-file", arg])
        .ok()
        .stderr_empty();
    let m = read(&prom);
    let ok = Some(("result", "ok"));
    assert_eq!(value(&m, "plex_auth_validate_last_result", ok), Some(1.0));
    assert_eq!(value(&m, "plex_auth_validations_total", ok), Some(1.0));
    assert_eq!(
        value(&m, "plex_auth_validate_consecutive_failures", None),
        Some(0.0)
    );
    assert_eq!(
        value(&m, "plex_auth_validate_last_exit_code", None),
        Some(0.0)
    );
    assert!(
        value(
            &m,
            "plex_auth_validate_last_success_timestamp_seconds",
            None
        )
        .is_some()
    );
    assert!(value(&m, "plex_auth_token_age_seconds", None).is_some_and(|v| v < 60.0));
    assert!(value(&m, "plex_auth_key_age_seconds", None).is_some_and(|v| v < 60.0));
    let tower = Some(("server", "Tower \\\"main\\\""));
    assert_eq!(value(&m, "plex_auth_server_up", tower), Some(1.0));
    assert!(value(&m, "plex_auth_server_latency_seconds", tower).is_some_and(|v| v < 3.0));
    assert_eq!(crate::util::mode(&prom), 0o644);

    // plex.tv down (exit 5), then the token rejected (exit 4): written both times.
    env.fake.fault_on("/api/v2/user", Fault::Unavailable, 1);
    env.run(&["validate", "--quiet", "--metrics-file", arg])
        .code(5);
    let m = read(&prom);
    let unreachable = Some(("result", "unreachable"));
    assert_eq!(
        value(&m, "plex_auth_validate_last_result", unreachable),
        Some(1.0)
    );
    assert_eq!(value(&m, "plex_auth_validate_last_result", ok), Some(0.0));
    assert_eq!(
        value(&m, "plex_auth_validate_last_exit_code", None),
        Some(5.0)
    );
    assert_eq!(
        value(&m, "plex_auth_validations_total", unreachable),
        Some(1.0)
    );
    assert_eq!(
        value(&m, "plex_auth_server_up", None),
        None,
        "no --server this time"
    );

    env.fake.revoke(&token);
    let mut cmd = env.cmd();
    cmd.env("PLEX_AUTH_METRICS_FILE", &prom)
        .args(["validate", "--quiet"]);
    crate::util::Run::from(cmd.output().unwrap()).code(4);
    let m = read(&prom);
    let rejected = Some(("result", "rejected"));
    assert_eq!(
        value(&m, "plex_auth_validate_last_result", rejected),
        Some(1.0)
    );
    assert_eq!(
        value(&m, "plex_auth_validate_consecutive_failures", None),
        Some(2.0)
    );
    assert_eq!(value(&m, "plex_auth_validations_total", ok), Some(1.0));
    assert_eq!(
        value(&m, "plex_auth_validations_total", rejected),
        Some(1.0)
    );
    assert_eq!(crate::util::mode(&prom), 0o644);

    // No secret in the metrics, nor in the counters beside the log.
    let key = std::fs::read_to_string(env.key_path()).unwrap();
    for path in [prom.clone(), env.state_dir().join("validate-stats.json")] {
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains(&token), "{} holds the token", path.display());
        assert!(
            !text.contains(key.trim()),
            "{} holds the key",
            path.display()
        );
    }
}

#[test]
fn not_logged_in_still_writes_metrics_and_an_unwritable_file_does_not_change_the_exit_code() {
    let env = Env::new();
    let prom = env.dir.path().join("plex-auth.prom");
    env.run(&[
        "validate",
        "--quiet",
        "--metrics-file",
        prom.to_str().unwrap(),
    ])
    .code(3);
    let m = read(&prom);
    assert_eq!(
        value(
            &m,
            "plex_auth_validate_last_result",
            Some(("result", "error"))
        ),
        Some(1.0)
    );
    assert_eq!(
        value(&m, "plex_auth_validate_last_exit_code", None),
        Some(3.0)
    );
    assert_eq!(value(&m, "plex_auth_token_age_seconds", None), None);

    env.logged_in();
    let blocked = env.dir.path().join("a-file").join("plex-auth.prom");
    std::fs::write(env.dir.path().join("a-file"), "").unwrap();
    env.run(&[
        "validate",
        "--quiet",
        "--metrics-file",
        blocked.to_str().unwrap(),
    ])
    .ok()
    .stderr_has("could not write the metrics file");
}

#[test]
fn the_parser_rejects_what_node_exporter_would() {
    for bad in [
        "plex_auth_x 1\n",                           // no TYPE
        "# TYPE 9bad gauge\n9bad 1\n",               // bad name
        "# HELP a h\n# TYPE a gauge\na{l=\"1\" 1\n", // unclosed labels
        "# HELP a h\n# TYPE a counter\na 1\n",       // counter without _total
        "# HELP a h\n# TYPE a gauge\na one\n",       // not a number
    ] {
        assert!(
            std::panic::catch_unwind(|| parse(bad)).is_err(),
            "accepted {bad:?}"
        );
    }
}

/// A FIFO or a link to /dev/zero where the counters live must not hang a cron job or read
/// without end: validate finishes, says why the counters were not updated, leaves that file
/// alone, and still writes the metrics.
#[test]
fn counters_that_are_not_a_regular_file_are_refused_without_blocking() {
    use std::os::unix::fs::FileTypeExt;
    use std::time::Duration;
    let env = Env::new();
    env.logged_in();
    let prom = env.dir.path().join("plex-auth.prom");
    let stats = env.state_dir().join("validate-stats.json");
    std::fs::create_dir_all(env.state_dir()).unwrap();
    let fifo = std::ffi::CString::new(stats.to_str().unwrap()).unwrap();
    // SAFETY: a valid C string.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
    for what in ["a FIFO", "a character device"] {
        let mut cmd = env.cmd();
        cmd.args(["validate", "-v", "--metrics-file"]).arg(&prom);
        let spawned = crate::files::spawn(cmd);
        // Only a bound for a hang (the fault this test is about), not a timing assertion.
        let (run, _) = crate::files::finish_within(spawned, Duration::from_secs(60), "validate");
        run.ok()
            .stderr_has("validate's counters were not updated")
            .stderr_has("validate-stats.json is not a regular file")
            .stderr_has(what);
        let m = read(&prom);
        assert_eq!(
            value(&m, "plex_auth_validate_last_result", Some(("result", "ok"))),
            Some(1.0)
        );
        assert_eq!(value(&m, "plex_auth_validations_total", None), None);
        let kind = std::fs::symlink_metadata(&stats).unwrap().file_type();
        assert!(kind.is_fifo() || kind.is_symlink(), "left as it was");
        std::fs::remove_file(&stats).unwrap();
        std::os::unix::fs::symlink("/dev/zero", &stats).unwrap();
    }
    // Counters too large to be plex-auth's start again.
    std::fs::remove_file(&stats).unwrap();
    std::fs::write(&stats, vec![b' '; 1 << 20]).unwrap();
    env.run(&["validate", "--metrics-file", prom.to_str().unwrap()])
        .ok();
    let m = read(&prom);
    assert_eq!(
        value(&m, "plex_auth_validations_total", Some(("result", "ok"))),
        Some(1.0)
    );
}
