//! A stateful fake plex.tv, with fake Plex Media Servers, on 127.0.0.1; and the other fakes
//! plex-auth's tests talk to, on the same HTTP stack: a running Bazarr ([`FakeBazarr`]) and
//! scripted misbehaving servers ([`Hostile`]).
//!
//! plex-auth's integration tests run the real binary against it, so the API is blocking: the
//! servers run on the fake's own tokio runtime, and everything stops when the [`FakePlex`] is
//! dropped. The endpoints it answers are the ones in docs/formats.md#plextv-endpoints.

mod arr;
mod bazarr;
mod hostile;
mod http;
mod plextv;
mod pms;
mod random;
mod seerr;
mod serve;
mod spec;
mod state;
mod tautulli;
mod tls;

use std::fmt;
use std::io;
use std::net::Ipv4Addr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use axum::Router;
use axum::serve::ListenerExt;
use tokio::net::TcpListener;
use tokio::runtime::Runtime;

pub use arr::{FakeArr, TokenCheck};
pub use bazarr::FakeBazarr;
pub use hostile::{Hostile, Reply};
pub use seerr::{FakeSeerr, TokenAccount};
pub use spec::{ConnKind, ConnSpec, Fault, PmsRecorded, Recorded, ServerHandle, ServerSpec};
pub use tautulli::FakeTautulli;

use pms::Pms;
use state::{ALICE_ID, Conn, Device, Server, State};
use tls::Tls;

/// What the handlers and the test-facing API share.
pub(crate) struct Shared {
    state: Mutex<State>,
    /// `http://127.0.0.1:PORT`, for links the fake hands out about itself.
    url: String,
}

impl Shared {
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        // A test that panicked while holding the lock leaves consistent data behind: every update
        // is a single step. Carry on rather than fail every later test.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A running fake plex.tv. Every method is blocking and may be called from any thread.
pub struct FakePlex {
    shared: Arc<Shared>,
    tls: Tls,
    runtime: Option<Runtime>,
}

impl fmt::Debug for FakePlex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakePlex")
            .field("url", &self.shared.url)
            .finish_non_exhaustive()
    }
}

impl FakePlex {
    /// Starts on a free port, with the user alice (id 12345678) holding one valid token and no
    /// servers.
    ///
    /// # Panics
    /// When no runtime or loopback listener can be set up.
    pub fn start() -> FakePlex {
        FakePlex::bind(0)
            .unwrap_or_else(|err| panic!("fake-plex: cannot listen on 127.0.0.1: {err}"))
    }

    /// Like [`FakePlex::start`], on a chosen port (0 for any free one).
    pub fn bind(port: u16) -> io::Result<FakePlex> {
        let tls = Tls::generate()?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("fake-plex")
            .enable_all()
            .build()?;
        let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port))?;
        listener.set_nonblocking(true)?;
        let url = format!("http://127.0.0.1:{}", listener.local_addr()?.port());
        let shared = Arc::new(Shared {
            state: Mutex::new(State::new()),
            url,
        });
        let app = Router::new()
            .fallback(plextv::handle)
            .with_state(Arc::clone(&shared));
        {
            let _context = runtime.enter();
            let listener = TcpListener::from_std(listener)?;
            runtime.spawn(serve(listener, app));
        }
        Ok(FakePlex {
            shared,
            tls,
            runtime: Some(runtime),
        })
    }

    fn runtime(&self) -> &Runtime {
        self.runtime
            .as_ref()
            .expect("the runtime lives until the fake is dropped")
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn url(&self) -> String {
        self.shared.url.clone()
    }

    /// The PEM of the self-signed certificate (for `127.0.0.1` and `localhost`) that every
    /// [`ConnKind::LiveTls`] connection of this fake presents; a client that trusts it can
    /// verify those connections.
    pub fn tls_certificate_pem(&self) -> String {
        self.tls.certificate_pem.clone()
    }

    /// Alice's initial token.
    pub fn token(&self) -> String {
        self.shared.lock().alice_token.clone()
    }

    /// Adds an account; returns its id and one valid token.
    pub fn add_user(&self, username: &str, email: &str) -> (u64, String) {
        self.shared.lock().add_user(username, email)
    }

    /// A new valid token for an existing user.
    ///
    /// # Panics
    /// When there is no user with that id.
    pub fn issue_token(&self, user_id: u64) -> String {
        self.shared.lock().issue_token(user_id)
    }

    /// Makes a token invalid, as a sign-out on another device would.
    pub fn revoke(&self, token: &str) {
        self.shared.lock().revoke(token);
    }

    /// Signs out every device of alice's account, as plex.tv's "sign out of all devices"
    /// and its forced password resets do. Returns how many tokens stopped working.
    pub fn revoke_all(&self) -> usize {
        self.shared.lock().revoke_all(state::ALICE_ID)
    }

    /// The client identifier of the device a token was issued to through a PIN, as the
    /// account's "Authorized Devices" lists it.
    pub fn device_of(&self, token: &str) -> Option<String> {
        self.shared.lock().device_of(token)
    }

    /// A check another fake (Sonarr, Overseerr) can make, as those apps ask plex.tv: whether
    /// this fake plex.tv takes a token.
    pub fn token_check(&self) -> TokenCheck {
        let shared = Arc::clone(&self.shared);
        Arc::new(move |token: &str| shared.lock().is_valid(token))
    }

    /// Whose token this is, as Overseerr asks plex.tv: the account's Plex id.
    pub fn token_account(&self) -> TokenAccount {
        let shared = Arc::clone(&self.shared);
        Arc::new(move |token: &str| shared.lock().user_for(Some(token)).map(|u| u.id))
    }

    /// The account every test links (alice): its Plex id.
    pub fn account_id(&self) -> u64 {
        state::ALICE_ID
    }

    pub fn is_valid(&self, token: &str) -> bool {
        self.shared.lock().is_valid(token)
    }

    /// The lifetime of PINs created from now on, strong and short alike (by default 1800 s
    /// strong, 900 s short).
    pub fn set_pin_lifetime(&self, secs: u64) {
        self.shared.lock().pin_lifetime = Some(secs);
    }

    /// plex.tv's clock runs `secs` ahead of this machine's (behind when negative) for PINs
    /// created from now on: what a client sees after its own clock stepped the other way.
    pub fn set_clock_offset(&self, secs: i64) {
        self.shared.lock().clock_offset = secs;
    }

    /// PIN answers leave out `expiresIn` (on or off), leaving only `createdAt`/`expiresAt`.
    pub fn omit_expires_in(&self, omit: bool) {
        self.shared.lock().omit_expires_in = omit;
    }

    /// Links the live PIN with this code to alice with a new token, and returns that token; a PIN
    /// already linked keeps and returns its token. `None` for an unknown or expired code.
    pub fn approve_pin(&self, code: &str) -> Option<String> {
        self.shared
            .lock()
            .approve_code(code, ALICE_ID, Instant::now())
    }

    /// Links every PIN to alice once it is this old, from its first poll after that moment on.
    pub fn approve_after(&self, delay: Duration) {
        self.shared.lock().approve_after = Some(delay);
    }

    pub fn pins_created(&self) -> usize {
        self.shared.lock().pins_created
    }

    /// The next `count` requests to `/api/...` get this fault. Faults queue up in the order given.
    pub fn fault(&self, fault: Fault, count: usize) {
        self.shared.lock().push_fault(fault, count);
    }

    /// Like [`FakePlex::fault`], for the requests to one path only (e.g. `/api/v2/ping`): a
    /// request to it gets the first queued fault that applies to it, whatever else is queued.
    pub fn fault_on(&self, path: &str, fault: Fault, count: usize) {
        self.shared.lock().push_fault_for(Some(path), fault, count);
    }

    /// Every `/api/...` answer waits this long before anything else (plex.tv some distance
    /// away); `Duration::ZERO` turns it off.
    pub fn set_api_delay(&self, delay: Duration) {
        self.shared.lock().api_delay = (!delay.is_zero()).then_some(delay);
    }

    /// Every request plex.tv received, oldest first, except the `/__test__` switches.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.lock().requests.iter().cloned().collect()
    }

    /// Every request the fake servers received, oldest first.
    pub fn pms_requests(&self) -> Vec<PmsRecorded> {
        self.shared.lock().pms_requests.iter().cloned().collect()
    }

    /// Adds a server to alice's resources, with one listener per connection, bound for the life
    /// of the fake whatever the connection's kind.
    ///
    /// # Panics
    /// When the machine id is already taken, or a port cannot be bound.
    pub fn add_server(&self, spec: ServerSpec) -> ServerHandle {
        let ServerSpec {
            name,
            machine_id,
            owned,
            presence,
            https_required,
            access_token,
            connections,
        } = spec;
        let access_token = access_token.or_else(|| (!owned).then(random::token));
        let mut conns = Vec::with_capacity(connections.len());
        let mut listeners = Vec::with_capacity(connections.len());
        for spec in connections {
            let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
                .and_then(|listener| {
                    listener.set_nonblocking(true)?;
                    Ok(listener)
                })
                .unwrap_or_else(|err| panic!("fake-plex: cannot bind: {err}"));
            let port = listener
                .local_addr()
                .unwrap_or_else(|err| panic!("fake-plex: bound socket has no address: {err}"))
                .port();
            conns.push(Conn { spec, port });
            listeners.push(listener);
        }
        let uris = conns.iter().map(Conn::uri).collect();
        // The lock is held until the server is in the list, so that no accepted connection
        // looks for its server before it is there.
        let mut state = self.shared.lock();
        assert!(
            state.find_server(&machine_id).is_none(),
            "fake-plex: a server with machine id {machine_id} exists already"
        );
        let index = state.servers.len();
        for (i, listener) in listeners.into_iter().enumerate() {
            self.listen(listener, index, i);
        }
        let handle = ServerHandle {
            machine_id: machine_id.clone(),
            uris,
            access_token: access_token
                .clone()
                .unwrap_or_else(|| state.alice_token.clone()),
        };
        state.servers.push(Server {
            name,
            machine_id,
            owned,
            presence,
            https_required,
            access_token,
            created_at: humantime::format_rfc3339_seconds(
                SystemTime::now() - Duration::from_secs(30 * 86_400),
            )
            .to_string(),
            conns,
        });
        handle
    }

    /// Adds a resource that is not a server, e.g. `provides` = `"client,player"`.
    pub fn add_device(&self, name: &str, provides: &str) {
        self.shared.lock().devices.push(Device {
            name: name.to_owned(),
            provides: provides.to_owned(),
            client_id: random::hex(40),
        });
    }

    /// Changes how connection `index` of a server behaves from now on; its port stays the same.
    ///
    /// The connection's listener is never closed or bound again: it is the kind at the moment a
    /// connection is accepted that decides whether it is reset at once ([`ConnKind::Closed`]),
    /// spoken to over TLS ([`ConnKind::LiveTls`]) or in plain HTTP. The protocol and uri in
    /// /resources change with the kind: the uris in the [`ServerHandle`] are those from when the
    /// server was added. Connections accepted before the switch keep what they spoke, and
    /// answer as the new kind says.
    ///
    /// # Panics
    /// When there is no such server or connection.
    pub fn set_conn(&self, machine_id: &str, index: usize, kind: ConnKind) {
        let mut state = self.shared.lock();
        let server = state
            .find_server(machine_id)
            .unwrap_or_else(|| panic!("fake-plex: no server with machine id {machine_id}"));
        let conn = state.servers[server]
            .conns
            .get_mut(index)
            .unwrap_or_else(|| panic!("fake-plex: {machine_id} has no connection {index}"));
        conn.spec.kind = kind;
    }

    /// Starts the accept loop of connection `conn` of server `server`; it runs until the fake is
    /// dropped.
    fn listen(&self, listener: std::net::TcpListener, server: usize, conn: usize) {
        let runtime = self.runtime();
        let _context = runtime.enter();
        let listener = TcpListener::from_std(listener)
            .unwrap_or_else(|err| panic!("fake-plex: cannot listen: {err}"));
        let pms = Pms {
            shared: Arc::clone(&self.shared),
            server,
            conn,
        };
        runtime.spawn(pms::accept(listener, pms, self.tls.acceptor.clone()));
    }
}

impl Drop for FakePlex {
    fn drop(&mut self) {
        // Not a graceful shutdown: hanging handlers never finish, and must not hold up a test.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

async fn serve(listener: TcpListener, app: Router) {
    // Small answers on loopback: without NODELAY, Nagle and delayed ACKs can add 40 ms to an
    // exchange on a kept-alive connection, which would skew plex-auth's benchmarks.
    let listener = listener.tap_io(|stream| {
        let _ = stream.set_nodelay(true);
    });
    // axum retries failed accepts itself, so this only ends when the task is aborted.
    let _ = axum::serve(listener, app).await;
}
