//! The fakes of the apps plex-auth keeps in step (Sonarr, Overseerr, Tautulli) each serve an
//! axum router on 127.0.0.1:0 from a runtime of their own, so a test drives them from plain
//! blocking code and they stop when dropped.

use std::net::Ipv4Addr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::Router;
use tokio::runtime::Runtime;

/// A fake's state, shared by its handlers and its test-facing methods.
pub(crate) struct Shared<T>(Arc<Mutex<T>>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(Arc::clone(&self.0))
    }
}

impl<T> Shared<T> {
    pub(crate) fn new(inner: T) -> Shared<T> {
        Shared(Arc::new(Mutex::new(inner)))
    }

    /// A test that failed while holding the lock must not fail every later call.
    pub(crate) fn lock(&self) -> MutexGuard<'_, T> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The runtime a fake serves from; dropping it stops the fake at once.
pub(crate) struct Running(Option<Runtime>);

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}

/// Serve `router` on a fresh loopback port: the runtime (drop it to stop) and the port.
///
/// # Panics
/// When no runtime or loopback listener can be set up.
pub(crate) fn on_loopback(name: &str, router: Router) -> (Running, u16) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name(name)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{name}: a tokio runtime: {e}"));
    let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    {
        let _context = runtime.enter();
        let listener = tokio::net::TcpListener::from_std(listener).unwrap();
        runtime.spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
    }
    (Running(Some(runtime)), port)
}
