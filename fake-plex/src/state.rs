//! Everything the fake remembers: accounts, tokens, PINs, faults, servers and recorded requests.
//!
//! Time is passed in (`now`) rather than read here, so that expiry can be tested without sleeping.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::random;
use crate::spec::{ConnKind, ConnSpec, Fault, PmsRecorded, Recorded};

pub(crate) const ALICE_ID: u64 = 12_345_678;
const ALICE_UUID: &str = "212acf24b07315e5";
const STRONG_LIFETIME: u64 = 1800;
const SHORT_LIFETIME: u64 = 900;
/// Recordings are capped so that a long benchmark run against the standalone fake stays small.
const MAX_RECORDED: usize = 100_000;

#[derive(Clone, Debug)]
pub(crate) struct User {
    pub id: u64,
    pub uuid: String,
    pub username: String,
    pub email: String,
}

struct Grant {
    user_id: u64,
    valid: bool,
    /// The client identifier of the device the token was issued to through a PIN: one
    /// entry in the account's "Authorized Devices".
    device: Option<String>,
}

#[derive(Clone, Debug)]
pub(crate) struct Pin {
    pub id: u64,
    pub code: String,
    pub client_id: String,
    pub product: String,
    /// Whole seconds, as plex.tv shows it.
    pub created_wall: SystemTime,
    pub created: Instant,
    /// The instant that `created_wall + lifetime` stands for.
    pub expires: Instant,
    pub lifetime: u64,
    pub auth_token: Option<String>,
}

impl Pin {
    pub fn expires_wall(&self) -> SystemTime {
        self.created_wall + Duration::from_secs(self.lifetime)
    }

    /// Seconds left, rounded up, so a fresh PIN shows its whole lifetime.
    pub fn expires_in(&self, now: Instant) -> u64 {
        let left = self.expires.saturating_duration_since(now);
        left.as_secs() + u64::from(left.subsec_nanos() > 0)
    }
}

pub(crate) struct Server {
    pub name: String,
    pub machine_id: String,
    pub owned: bool,
    pub presence: bool,
    pub https_required: bool,
    /// `None` only for an owned server, which then accepts any valid token of alice's.
    pub access_token: Option<String>,
    pub created_at: String,
    pub conns: Vec<Conn>,
}

/// A server connection. Its listener is bound once, when the server is added, and accepts for
/// as long as the fake runs; what it does with each connection follows `spec.kind`.
pub(crate) struct Conn {
    pub spec: ConnSpec,
    pub port: u16,
}

impl Conn {
    /// The protocol /resources shows: what a TLS listener speaks, else what the spec says.
    pub fn protocol(&self) -> &'static str {
        if self.spec.kind == ConnKind::LiveTls {
            "https"
        } else {
            self.spec.protocol
        }
    }

    pub fn uri(&self) -> String {
        format!("{}://127.0.0.1:{}", self.protocol(), self.port)
    }
}

pub(crate) struct Device {
    pub name: String,
    pub provides: String,
    pub client_id: String,
}

pub(crate) struct State {
    pub users: Vec<User>,
    tokens: HashMap<String, Grant>,
    pins: HashMap<u64, Pin>,
    pub pin_lifetime: Option<u64>,
    pub approve_after: Option<Duration>,
    /// Seconds plex.tv's clock is ahead of this machine's (negative: behind), as a client
    /// whose clock stepped sees it: shifts `createdAt` and `expiresAt` of new PINs.
    pub clock_offset: i64,
    /// PIN answers leave out `expiresIn`, so a client has only the wall-clock times.
    pub omit_expires_in: bool,
    pub pins_created: usize,
    /// Each fault with the one path it is for (`None`: any API path) and how many are left.
    faults: VecDeque<(Option<String>, Fault, usize)>,
    /// Every API answer waits this long first (plex.tv some distance away).
    pub api_delay: Option<Duration>,
    pub requests: VecDeque<Recorded>,
    pub pms_requests: VecDeque<PmsRecorded>,
    pub servers: Vec<Server>,
    pub devices: Vec<Device>,
    pub alice_token: String,
}

impl State {
    pub fn new() -> State {
        let mut state = State {
            users: vec![User {
                id: ALICE_ID,
                uuid: ALICE_UUID.to_owned(),
                username: "alice".to_owned(),
                email: "alice@example.com".to_owned(),
            }],
            tokens: HashMap::new(),
            pins: HashMap::new(),
            pin_lifetime: None,
            approve_after: None,
            clock_offset: 0,
            omit_expires_in: false,
            pins_created: 0,
            faults: VecDeque::new(),
            api_delay: None,
            requests: VecDeque::new(),
            pms_requests: VecDeque::new(),
            servers: Vec::new(),
            devices: Vec::new(),
            alice_token: String::new(),
        };
        state.alice_token = state.issue_token(ALICE_ID);
        state
    }

    pub fn add_user(&mut self, username: &str, email: &str) -> (u64, String) {
        let mut id = random::user_id();
        while self.users.iter().any(|u| u.id == id) {
            id = random::user_id();
        }
        self.users.push(User {
            id,
            uuid: random::hex(16),
            username: username.to_owned(),
            email: email.to_owned(),
        });
        (id, self.issue_token(id))
    }

    pub fn issue_token(&mut self, user_id: u64) -> String {
        assert!(
            self.users.iter().any(|u| u.id == user_id),
            "fake-plex: no user with id {user_id}"
        );
        let mut token = random::token();
        while self.tokens.contains_key(&token) {
            token = random::token();
        }
        self.tokens.insert(
            token.clone(),
            Grant {
                user_id,
                valid: true,
                device: None,
            },
        );
        token
    }

    /// Signs out every device of the account at once, as plex.tv's "sign out of all
    /// devices" (and its password resets) do. Returns how many tokens stopped working.
    pub fn revoke_all(&mut self, user_id: u64) -> usize {
        let mut n = 0;
        for grant in self.tokens.values_mut() {
            if grant.user_id == user_id && grant.valid {
                grant.valid = false;
                n += 1;
            }
        }
        n
    }

    /// The device (client identifier) a token was issued to through a PIN.
    pub fn device_of(&self, token: &str) -> Option<String> {
        self.tokens.get(token)?.device.clone()
    }

    /// Returns whether the token was valid until now.
    pub fn revoke(&mut self, token: &str) -> bool {
        match self.tokens.get_mut(token) {
            Some(grant) => std::mem::replace(&mut grant.valid, false),
            None => false,
        }
    }

    pub fn user_for(&self, token: Option<&str>) -> Option<&User> {
        let grant = self.tokens.get(token?).filter(|g| g.valid)?;
        self.users.iter().find(|u| u.id == grant.user_id)
    }

    pub fn is_valid(&self, token: &str) -> bool {
        self.user_for(Some(token)).is_some()
    }

    pub fn create_pin(
        &mut self,
        strong: bool,
        client_id: &str,
        product: &str,
        now: Instant,
        wall: SystemTime,
    ) -> &Pin {
        let mut id = random::pin_id();
        while self.pins.contains_key(&id) {
            id = random::pin_id();
        }
        let code = loop {
            let code = if strong {
                random::strong_code()
            } else {
                random::short_code()
            };
            // Short codes can collide; only a live PIN's code has to be unique.
            if !self
                .pins
                .values()
                .any(|p| p.code == code && now < p.expires)
            {
                break code;
            }
        };
        let lifetime = self.pin_lifetime.unwrap_or(if strong {
            STRONG_LIFETIME
        } else {
            SHORT_LIFETIME
        });
        let since_epoch = wall.duration_since(UNIX_EPOCH).unwrap_or_default();
        let fraction = Duration::from_nanos(u64::from(since_epoch.subsec_nanos()));
        let expires = (now + Duration::from_secs(lifetime))
            .checked_sub(fraction)
            .unwrap_or(now);
        self.pins_created += 1;
        self.pins.entry(id).or_insert(Pin {
            id,
            code,
            client_id: client_id.to_owned(),
            product: product.to_owned(),
            created_wall: UNIX_EPOCH + Duration::from_secs(since_epoch.as_secs()),
            created: now,
            expires,
            lifetime,
            auth_token: None,
        })
    }

    /// The PIN as its creator sees it, or `None` where plex.tv answers 404 / 1020.
    pub fn poll_pin(
        &mut self,
        id: u64,
        client_id: Option<&str>,
        code: Option<&str>,
        now: Instant,
    ) -> Option<&Pin> {
        let approve_after = self.approve_after;
        let pin = self.pins.get(&id)?;
        if now >= pin.expires
            || client_id != Some(pin.client_id.as_str())
            || code.is_some_and(|c| !c.eq_ignore_ascii_case(&pin.code))
        {
            return None;
        }
        if pin.auth_token.is_none() && approve_after.is_some_and(|d| now >= pin.created + d) {
            let device = pin.client_id.clone();
            let token = self.issue_token(ALICE_ID);
            self.set_device(&token, device);
            self.pins.get_mut(&id)?.auth_token = Some(token);
        }
        self.pins.get(&id)
    }

    /// Links a live PIN to `user_id` with a new token; a PIN already linked keeps its token.
    pub fn approve_code(&mut self, code: &str, user_id: u64, now: Instant) -> Option<String> {
        let id = self
            .pins
            .values()
            .find(|p| p.code.eq_ignore_ascii_case(code) && now < p.expires)?
            .id;
        if let Some(token) = &self.pins[&id].auth_token {
            return Some(token.clone());
        }
        let token = self.issue_token(user_id);
        let device = self.pins[&id].client_id.clone();
        self.set_device(&token, device);
        self.pins.get_mut(&id)?.auth_token = Some(token.clone());
        Some(token)
    }

    fn set_device(&mut self, token: &str, device: String) {
        if let Some(grant) = self.tokens.get_mut(token) {
            grant.device = Some(device);
        }
    }

    pub fn push_fault(&mut self, fault: Fault, count: usize) {
        self.push_fault_for(None, fault, count);
    }

    /// A fault for the requests to one path only (`None`: any API path).
    pub fn push_fault_for(&mut self, path: Option<&str>, fault: Fault, count: usize) {
        if count > 0 {
            self.faults
                .push_back((path.map(str::to_owned), fault, count));
        }
    }

    /// The first queued fault that applies to a request for `path`.
    pub fn next_fault(&mut self, path: &str) -> Option<Fault> {
        let index = self
            .faults
            .iter()
            .position(|(only, _, _)| only.as_deref().is_none_or(|p| p == path))?;
        let (_, fault, left) = &mut self.faults[index];
        let fault = fault.clone();
        *left -= 1;
        if *left == 0 {
            self.faults.remove(index);
        }
        Some(fault)
    }

    pub fn record(&mut self, request: Recorded) {
        if self.requests.len() == MAX_RECORDED {
            self.requests.pop_front();
        }
        self.requests.push_back(request);
    }

    pub fn record_pms(&mut self, request: PmsRecorded) {
        if self.pms_requests.len() == MAX_RECORDED {
            self.pms_requests.pop_front();
        }
        self.pms_requests.push_back(request);
    }

    pub fn server_accepts(&self, server: &Server, token: Option<&str>) -> bool {
        match &server.access_token {
            Some(own) => token == Some(own.as_str()),
            None => self.user_for(token).is_some_and(|u| u.id == ALICE_ID),
        }
    }

    pub fn find_server(&self, machine_id: &str) -> Option<usize> {
        self.servers.iter().position(|s| s.machine_id == machine_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pin(state: &mut State, strong: bool, now: Instant) -> Pin {
        state
            .create_pin(strong, "cid-1", "plex-auth", now, SystemTime::now())
            .clone()
    }

    #[test]
    fn alice_starts_with_one_valid_token() {
        let state = State::new();
        let alice = state.user_for(Some(&state.alice_token)).unwrap();
        assert_eq!(alice.id, ALICE_ID);
        assert_eq!(alice.uuid, "212acf24b07315e5");
        assert_eq!(alice.email, "alice@example.com");
        assert!(state.user_for(None).is_none());
        assert!(!state.is_valid("not-a-token"));
    }

    #[test]
    fn revoked_tokens_stop_working_and_others_keep_going() {
        let mut state = State::new();
        let first = state.alice_token.clone();
        let second = state.issue_token(ALICE_ID);
        assert!(state.revoke(&first));
        assert!(!state.revoke(&first), "a second revoke finds nothing valid");
        assert!(!state.is_valid(&first));
        assert!(state.is_valid(&second));
    }

    #[test]
    fn added_users_get_their_own_tokens() {
        let mut state = State::new();
        let (id, token) = state.add_user("bob", "bob@example.com");
        assert_ne!(id, ALICE_ID);
        let bob = state.user_for(Some(&token)).unwrap();
        assert_eq!(bob.username, "bob");
        assert_eq!(bob.uuid.len(), 16);
    }

    #[test]
    #[should_panic(expected = "no user with id 42")]
    fn tokens_for_unknown_users_are_a_test_bug() {
        State::new().issue_token(42);
    }

    #[test]
    fn pin_lifetimes_follow_strength_unless_set() {
        let mut state = State::new();
        let now = Instant::now();
        let strong = pin(&mut state, true, now);
        assert_eq!((strong.lifetime, strong.code.len()), (1800, 25));
        assert_eq!(strong.expires_in(now), 1800);
        let short = pin(&mut state, false, now);
        assert_eq!((short.lifetime, short.code.len()), (900, 4));
        state.pin_lifetime = Some(3);
        assert_eq!(pin(&mut state, true, now).lifetime, 3);
        assert_eq!(state.pins_created, 3);
    }

    #[test]
    fn expires_at_is_the_moment_the_pin_stops_answering() {
        let mut state = State::new();
        state.pin_lifetime = Some(10);
        let now = Instant::now();
        let p = pin(&mut state, true, now);
        let wall_left = p.expires_wall().duration_since(p.created_wall).unwrap();
        assert_eq!(wall_left, Duration::from_secs(10));
        // The wall clock was floored to the second, so the real expiry is up to 1 s early.
        assert!(p.expires <= now + Duration::from_secs(10));
        assert!(p.expires > now + Duration::from_secs(9));
        assert!(
            state
                .poll_pin(
                    p.id,
                    Some("cid-1"),
                    None,
                    p.expires - Duration::from_millis(1)
                )
                .is_some()
        );
        assert!(
            state
                .poll_pin(p.id, Some("cid-1"), None, p.expires)
                .is_none()
        );
    }

    #[test]
    fn polls_need_the_creating_client_and_a_matching_code() {
        let mut state = State::new();
        let now = Instant::now();
        let p = pin(&mut state, true, now);
        assert!(state.poll_pin(p.id, Some("cid-2"), None, now).is_none());
        assert!(state.poll_pin(p.id, None, None, now).is_none());
        assert!(state.poll_pin(p.id + 1, Some("cid-1"), None, now).is_none());
        assert!(
            state
                .poll_pin(p.id, Some("cid-1"), Some("nope"), now)
                .is_none()
        );
        let seen = state
            .poll_pin(p.id, Some("cid-1"), Some(&p.code), now)
            .unwrap();
        assert_eq!(seen.auth_token, None);
    }

    #[test]
    fn approving_links_a_new_token_once() {
        let mut state = State::new();
        let now = Instant::now();
        let p = pin(&mut state, false, now);
        let token = state
            .approve_code(&p.code.to_lowercase(), ALICE_ID, now)
            .unwrap();
        assert_ne!(token, state.alice_token);
        assert!(state.is_valid(&token));
        assert_eq!(
            state.approve_code(&p.code, ALICE_ID, now),
            Some(token.clone())
        );
        let seen = state.poll_pin(p.id, Some("cid-1"), None, now).unwrap();
        assert_eq!(seen.auth_token.as_deref(), Some(token.as_str()));
        assert_eq!(state.approve_code("ZZZZZ", ALICE_ID, now), None);
    }

    #[test]
    fn expired_pins_cannot_be_approved() {
        let mut state = State::new();
        state.pin_lifetime = Some(1);
        let now = Instant::now();
        let p = pin(&mut state, true, now);
        let later = now + Duration::from_secs(2);
        assert_eq!(state.approve_code(&p.code, ALICE_ID, later), None);
    }

    #[test]
    fn auto_approval_happens_at_the_first_poll_after_the_delay() {
        let mut state = State::new();
        state.approve_after = Some(Duration::from_secs(5));
        let now = Instant::now();
        let p = pin(&mut state, true, now);
        let early = state.poll_pin(p.id, Some("cid-1"), None, now + Duration::from_secs(4));
        assert_eq!(early.unwrap().auth_token, None);
        let late = state.poll_pin(p.id, Some("cid-1"), None, now + Duration::from_secs(5));
        let token = late.unwrap().auth_token.clone().unwrap();
        assert_eq!(state.user_for(Some(&token)).unwrap().id, ALICE_ID);
    }

    #[test]
    fn faults_are_served_in_order_and_counted() {
        let mut state = State::new();
        state.push_fault(Fault::Malformed, 2);
        state.push_fault(Fault::Status(500), 1);
        state.push_fault(Fault::Hang, 0);
        assert_eq!(state.next_fault("/a"), Some(Fault::Malformed));
        assert_eq!(state.next_fault("/a"), Some(Fault::Malformed));
        assert_eq!(state.next_fault("/a"), Some(Fault::Status(500)));
        assert_eq!(state.next_fault("/a"), None);
    }

    #[test]
    fn a_fault_for_one_path_waits_for_a_request_to_it() {
        let mut state = State::new();
        state.push_fault_for(Some("/api/v2/ping"), Fault::Unavailable, 1);
        state.push_fault(Fault::Malformed, 1);
        assert_eq!(state.next_fault("/api/v2/user"), Some(Fault::Malformed));
        assert_eq!(state.next_fault("/api/v2/user"), None);
        assert_eq!(state.next_fault("/api/v2/ping"), Some(Fault::Unavailable));
        assert_eq!(state.next_fault("/api/v2/ping"), None);
    }

    #[test]
    fn recordings_keep_the_newest() {
        let mut state = State::new();
        for i in 0..MAX_RECORDED + 2 {
            state.record(Recorded {
                method: "GET".into(),
                path: format!("/{i}"),
                query: String::new(),
                headers: Vec::new(),
            });
        }
        assert_eq!(state.requests.len(), MAX_RECORDED);
        assert_eq!(state.requests.front().unwrap().path, "/2");
    }
}
