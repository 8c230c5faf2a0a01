//! plex.tv (and Plex servers) misbehaving on purpose: endless or huge answers, redirects to
//! another origin, and rate limits that ask for long waits. A script per path decides each
//! answer; unlike [`crate::FakePlex`] there is no state beyond what the script keeps.
//!
//! Scripts are plain blocking closures (a test may make one wait for another request), so
//! each is called on tokio's blocking pool, never on the thread that serves connections.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::Ipv4Addr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::http::{Request, Response, StatusCode, header};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::runtime::Runtime;

/// One scripted answer.
#[derive(Clone, Debug)]
pub enum Reply {
    /// 200 with this JSON body.
    Json(String),
    /// 200, chunked, never ends.
    Endless,
    /// 200 with a Content-Length of 200 MB, then as many bytes as the client reads.
    Huge,
    /// 302 to this URL.
    Redirect(String),
    /// 429 with this Retry-After (seconds).
    TooMany(u64),
}

type Script = Arc<dyn Fn(&str, usize) -> Reply + Send + Sync>;

struct Shared {
    script: Script,
    /// How many requests each path has had.
    counts: Mutex<HashMap<String, usize>>,
    /// Each request's path and `X-Plex-Token`.
    seen: Mutex<Vec<(String, Option<String>)>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A scripted HTTP server on 127.0.0.1: `script(path, n)` answers the n-th (from 0) request
/// for `path` (query removed). Every request's path and `X-Plex-Token` are recorded.
pub struct Hostile {
    port: u16,
    shared: Arc<Shared>,
    runtime: Option<Runtime>,
}

impl Hostile {
    /// # Panics
    /// When no runtime or loopback listener can be set up.
    pub fn start(script: impl Fn(&str, usize) -> Reply + Send + Sync + 'static) -> Hostile {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("fake-hostile")
            .enable_all()
            .build()
            .expect("hostile: a tokio runtime");
        let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .expect("hostile: a listener on 127.0.0.1");
        let port = listener.local_addr().unwrap().port();
        listener.set_nonblocking(true).unwrap();
        let shared = Arc::new(Shared {
            script: Arc::new(script),
            counts: Mutex::new(HashMap::new()),
            seen: Mutex::new(Vec::new()),
        });
        {
            let _context = runtime.enter();
            let listener = TcpListener::from_std(listener).unwrap();
            runtime.spawn(accept(listener, Arc::clone(&shared)));
        }
        Hostile {
            port,
            shared,
            runtime: Some(runtime),
        }
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The `X-Plex-Token` of every request for `path`, in order.
    pub fn requests(&self, path: &str) -> Vec<Option<String>> {
        lock(&self.shared.seen)
            .iter()
            .filter(|(p, _)| p == path)
            .map(|(_, t)| t.clone())
            .collect()
    }

    /// The path of every request, in order.
    pub fn paths(&self) -> Vec<String> {
        lock(&self.shared.seen)
            .iter()
            .map(|(p, _)| p.clone())
            .collect()
    }
}

impl Drop for Hostile {
    fn drop(&mut self) {
        // Endless answers and waiting scripts never finish: do not wait for them.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

async fn accept(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            continue;
        };
        let shared = Arc::clone(&shared);
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let shared = Arc::clone(&shared);
                async move { Ok::<_, Infallible>(answer(request, shared).await) }
            });
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn answer(request: Request<Incoming>, shared: Arc<Shared>) -> Response<Body> {
    let path = request.uri().path().to_string();
    let token = request
        .headers()
        .get("x-plex-token")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).trim().to_string());
    lock(&shared.seen).push((path.clone(), token));
    let n = {
        let mut counts = lock(&shared.counts);
        let n = counts.entry(path.clone()).or_insert(0);
        *n += 1;
        *n - 1
    };
    let script = Arc::clone(&shared.script);
    let reply = tokio::task::spawn_blocking(move || script(&path, n))
        .await
        .expect("the script panicked");
    // One request per connection, as a plain server that closes after each answer would.
    let response = Response::builder()
        .header(header::CONNECTION, "close")
        .header(header::CONTENT_TYPE, "application/json");
    match reply {
        Reply::Json(body) => response.status(StatusCode::OK).body(Body::from(body)),
        Reply::Redirect(to) => response
            .status(StatusCode::FOUND)
            .header(header::LOCATION, to)
            .body(Body::empty()),
        Reply::TooMany(secs) => response
            .status(StatusCode::TOO_MANY_REQUESTS)
            .header(header::RETRY_AFTER, secs.to_string())
            .body(Body::from(
                r#"{"errors":[{"code":1003,"message":"Too Many Requests"}]}"#,
            )),
        // No size known: hyper sends it chunked, 64 KiB of `[` a chunk, until the client
        // hangs up.
        Reply::Endless => response
            .status(StatusCode::OK)
            .body(Body::new(Filler { left: None })),
        // The size is known and true; it is only far more than any client should read.
        Reply::Huge => response
            .status(StatusCode::OK)
            .header(header::CONTENT_LENGTH, HUGE.to_string())
            .body(Body::new(Filler { left: Some(HUGE) })),
    }
    .unwrap()
}

const HUGE: u64 = 200 * 1024 * 1024;

/// Bytes made as they are read, so neither answer costs the fake memory: `[` without end
/// (`left: None`), or `left` spaces with their exact size, which hyper sends as the
/// Content-Length.
struct Filler {
    left: Option<u64>,
}

impl http_body::Body for Filler {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Infallible>>> {
        const BRACKETS: &[u8] = &[b'['; 64 * 1024];
        const SPACES: &[u8] = &[b' '; 64 * 1024];
        let piece = match &mut self.left {
            None => Bytes::from_static(BRACKETS),
            Some(0) => return Poll::Ready(None),
            Some(left) => {
                let n = (*left).min(SPACES.len() as u64);
                *left -= n;
                Bytes::from_static(&SPACES[..n as usize])
            }
        };
        Poll::Ready(Some(Ok(http_body::Frame::data(piece))))
    }

    fn size_hint(&self) -> http_body::SizeHint {
        match self.left {
            None => http_body::SizeHint::default(),
            Some(left) => http_body::SizeHint::with_exact(left),
        }
    }
}
