//! `fake-plex`: the fake plex.tv on its own, for benchmarks and demos.

use std::io::{self, Read, Write};
use std::process::ExitCode;
use std::time::Duration;

use fake_plex::{ConnKind, ConnSpec, FakePlex, ServerSpec};

const USAGE: &str = "\
Usage: fake-plex [OPTIONS]

Runs a fake plex.tv (and fake Plex Media Servers) on 127.0.0.1, prints one line of JSON
{\"url\":...,\"token\":...} and serves until SIGINT or SIGTERM, or until stdin closes when
stdin is a pipe (so a test harness that dies takes the fake with it).

Options:
  --port N             port for plex.tv (default: any free one)
  --servers N          owned servers to create (default 0)
  --connections N      connections per server (default 2)
  --dead-fraction F    share of each server's connections that accept and never answer (default 0)
  --pin-lifetime S     PIN lifetime in seconds (default 1800 strong, 900 short)
  --approve-after D    approve every PIN this long after its creation (seconds, or e.g. 500ms)
  --delay-ms N         every plex.tv API answer waits N ms first (plex.tv some distance away)
  --ignore-stdin       keep running when a piped stdin closes
  -h, --help           print this help
";

#[derive(Debug, PartialEq)]
struct Options {
    port: u16,
    servers: usize,
    connections: usize,
    dead_fraction: f64,
    pin_lifetime: Option<u64>,
    approve_after: Option<Duration>,
    delay_ms: u64,
    ignore_stdin: bool,
}

enum Parsed {
    Run(Options),
    Help,
}

fn parse(args: impl IntoIterator<Item = String>) -> Result<Parsed, String> {
    let mut options = Options {
        port: 0,
        servers: 0,
        connections: 2,
        dead_fraction: 0.0,
        pin_lifetime: None,
        approve_after: None,
        delay_ms: 0,
        ignore_stdin: false,
    };
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_owned(), Some(value.to_owned()))
            }
            _ => (arg, None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(Parsed::Help),
            "--port" => options.port = number(&flag, &value()?)?,
            "--servers" => options.servers = number(&flag, &value()?)?,
            "--connections" => options.connections = number(&flag, &value()?)?,
            "--dead-fraction" => {
                let text = value()?;
                options.dead_fraction = text
                    .parse::<f64>()
                    .ok()
                    .filter(|f| (0.0..=1.0).contains(f))
                    .ok_or_else(|| format!("{flag} must be a number from 0 to 1, not {text:?}"))?;
            }
            "--pin-lifetime" => options.pin_lifetime = Some(number(&flag, &value()?)?),
            "--approve-after" => options.approve_after = Some(duration(&flag, &value()?)?),
            "--delay-ms" => options.delay_ms = number(&flag, &value()?)?,
            "--ignore-stdin" => options.ignore_stdin = true,
            _ => return Err(format!("unknown argument {flag:?}")),
        }
    }
    Ok(Parsed::Run(options))
}

fn number<T: std::str::FromStr>(flag: &str, text: &str) -> Result<T, String> {
    text.parse()
        .map_err(|_| format!("{flag} must be a whole number, not {text:?}"))
}

/// Plain seconds (`2`, `0.5`) or a humantime duration (`500ms`).
fn duration(flag: &str, text: &str) -> Result<Duration, String> {
    if let Ok(secs) = text.parse::<f64>() {
        return Duration::try_from_secs_f64(secs)
            .map_err(|_| format!("{flag} must not be negative, not {text:?}"));
    }
    humantime::parse_duration(text).map_err(|err| format!("{flag}: {err}"))
}

/// Server `i` of the benchmark set. The dead connections come first and every other connection
/// is local, so the best-ranked connections of a server are the ones that never answer.
fn bench_server(i: usize, connections: usize, dead_fraction: f64) -> ServerSpec {
    let dead = ((connections as f64) * dead_fraction).round() as usize;
    let conns = (0..connections)
        .map(|j| ConnSpec {
            local: j % 2 == 0,
            ..ConnSpec::new(if j < dead {
                ConnKind::Hang
            } else {
                ConnKind::Live
            })
        })
        .collect();
    ServerSpec::owned(
        &format!("Server {:02}", i + 1),
        &format!("{:040x}", i + 1),
        conns,
    )
}

fn main() -> ExitCode {
    let options = match parse(std::env::args().skip(1)) {
        Ok(Parsed::Run(options)) => options,
        Ok(Parsed::Help) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("fake-plex: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let plex = match FakePlex::bind(options.port) {
        Ok(plex) => plex,
        Err(err) => {
            eprintln!(
                "fake-plex: cannot listen on 127.0.0.1:{}: {err}",
                options.port
            );
            return ExitCode::FAILURE;
        }
    };
    if let Some(secs) = options.pin_lifetime {
        plex.set_pin_lifetime(secs);
    }
    if let Some(delay) = options.approve_after {
        plex.approve_after(delay);
    }
    plex.set_api_delay(Duration::from_millis(options.delay_ms));
    for i in 0..options.servers {
        plex.add_server(bench_server(i, options.connections, options.dead_fraction));
    }
    // Written by hand to keep the order scripts were shown: url first.
    let ready = format!(
        "{{\"url\":{},\"token\":{}}}",
        serde_json::Value::from(plex.url()),
        serde_json::Value::from(plex.token())
    );
    let mut stdout = io::stdout().lock();
    if writeln!(stdout, "{ready}")
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return ExitCode::FAILURE;
    }
    drop(stdout);
    if let Err(err) = wait_for_stop(options.ignore_stdin || !stdin_is_a_pipe()) {
        eprintln!("fake-plex: cannot wait for signals: {err}");
        return ExitCode::FAILURE;
    }
    drop(plex);
    ExitCode::SUCCESS
}

/// Whether stdin is a pipe or socket that a parent holds open. Only then does its end mean
/// "stop": `fake-plex &` in a script gets /dev/null (at its end from the start), and in an
/// interactive shell a background read of the terminal would stop the job with SIGTTIN.
fn stdin_is_a_pipe() -> bool {
    use std::os::fd::AsFd;
    use std::os::unix::fs::FileTypeExt;
    io::stdin()
        .as_fd()
        .try_clone_to_owned()
        .map(std::fs::File::from)
        .and_then(|f| f.metadata())
        .is_ok_and(|m| m.file_type().is_fifo() || m.file_type().is_socket())
}

fn wait_for_stop(ignore_stdin: bool) -> io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let (closed_tx, closed_rx) = tokio::sync::oneshot::channel::<()>();
        if !ignore_stdin {
            // A plain thread, not spawn_blocking: the runtime must not wait for this read at exit.
            std::thread::spawn(move || {
                let mut stdin = io::stdin().lock();
                let mut sink = [0u8; 4096];
                loop {
                    match stdin.read(&mut sink) {
                        Ok(0) => break,
                        Ok(_) => {}
                        Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                        Err(_) => break,
                    }
                }
                let _ = closed_tx.send(());
            });
        }
        let stdin_closed = async {
            if closed_rx.await.is_err() {
                // The sender is gone without a word only when stdin is ignored.
                std::future::pending::<()>().await;
            }
        };
        tokio::select! {
            result = tokio::signal::ctrl_c() => result,
            result = terminated() => result,
            () = stdin_closed => Ok(()),
        }
    })
}

#[cfg(unix)]
async fn terminated() -> io::Result<()> {
    let mut signal = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    signal.recv().await;
    Ok(())
}

#[cfg(not(unix))]
async fn terminated() -> io::Result<()> {
    std::future::pending().await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Options, String> {
        match parse(args.iter().map(|a| a.to_string()))? {
            Parsed::Run(options) => Ok(options),
            Parsed::Help => Err("help".into()),
        }
    }

    #[test]
    fn flags_parse_in_both_spellings() {
        let options = run(&[
            "--port=8080",
            "--servers",
            "20",
            "--connections",
            "4",
            "--dead-fraction",
            "0.5",
            "--pin-lifetime",
            "3",
            "--approve-after=500ms",
            "--delay-ms",
            "30",
            "--ignore-stdin",
        ])
        .unwrap();
        assert_eq!(
            options,
            Options {
                port: 8080,
                servers: 20,
                connections: 4,
                dead_fraction: 0.5,
                pin_lifetime: Some(3),
                approve_after: Some(Duration::from_millis(500)),
                delay_ms: 30,
                ignore_stdin: true,
            }
        );
        assert_eq!(
            run(&["--approve-after", "1.5"]).unwrap().approve_after,
            Some(Duration::from_millis(1500))
        );
        assert_eq!(run(&[]).unwrap().connections, 2);
    }

    #[test]
    fn bad_flags_are_refused() {
        assert!(run(&["--port"]).unwrap_err().contains("needs a value"));
        assert!(run(&["--port", "x"]).unwrap_err().contains("whole number"));
        assert!(run(&["--dead-fraction", "2"]).is_err());
        assert!(run(&["--approve-after", "-1"]).is_err());
        assert!(run(&["--frobnicate"]).unwrap_err().contains("unknown"));
        assert_eq!(run(&["-h"]).unwrap_err(), "help");
    }

    #[test]
    fn bench_servers_put_dead_connections_first() {
        let spec = bench_server(0, 4, 0.5);
        let kinds: Vec<_> = spec.connections.iter().map(|c| c.kind.clone()).collect();
        assert_eq!(
            kinds,
            [
                ConnKind::Hang,
                ConnKind::Hang,
                ConnKind::Live,
                ConnKind::Live
            ]
        );
        let local: Vec<_> = spec.connections.iter().map(|c| c.local).collect();
        assert_eq!(local, [true, false, true, false]);
        assert_eq!(spec.machine_id.len(), 40);
        assert_eq!(spec.name, "Server 01");
        assert!(
            bench_server(1, 3, 0.0)
                .connections
                .iter()
                .all(|c| c.kind == ConnKind::Live)
        );
    }
}
