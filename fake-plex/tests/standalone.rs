//! The `fake-plex` binary as a demo or a script starts it.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const FAKE: &str = env!("CARGO_BIN_EXE_fake-plex");

/// Start the fake and read its ready line.
fn start(stdin: Stdio) -> (Child, String) {
    let mut child = Command::new(FAKE)
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("fake-plex starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .expect("the ready line");
    assert!(line.starts_with("{\"url\":\"http://127.0.0.1:"), "{line}");
    (child, line)
}

/// Whether the child ends within `wait`.
fn ends_within(child: &mut Child, wait: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < wait {
        if child.try_wait().unwrap().is_some() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

#[test]
fn started_with_ampersand_it_keeps_running() {
    // `fake-plex &` in a script has stdin on /dev/null, which is at its end from the start.
    let (mut child, _) = start(Stdio::null());
    // Only an early end fails this: a slow machine can make it pass late, never fail.
    let ended = ends_within(&mut child, Duration::from_secs(1));
    let _ = child.kill();
    let _ = child.wait();
    assert!(!ended, "fake-plex ended on its own with stdin on /dev/null");
}

#[test]
fn a_closed_pipe_on_stdin_still_stops_it() {
    let (mut child, _) = start(Stdio::piped());
    drop(child.stdin.take());
    let ended = ends_within(&mut child, Duration::from_secs(30));
    if !ended {
        let _ = child.kill();
    }
    assert!(ended, "fake-plex kept running after its stdin pipe closed");
}
