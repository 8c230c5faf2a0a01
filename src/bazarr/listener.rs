//! Who listens at a loopback address, from Linux's socket tables. Bazarr's API key gives
//! full control of Bazarr (its settings, provider passwords, the Plex token), and while
//! Bazarr is stopped any local user can bind its port: so the key goes only to a listener
//! held by the owner of Bazarr's data or by root.
//!
//! `/proc/net/tcp` and `/proc/net/tcp6` give each listening socket's address and inode;
//! `/proc/<pid>/fd` shows which processes hold that inode, and `/proc/<pid>/status` their
//! user ids. The owner of `/proc/<pid>` itself is not used: a process that makes itself
//! non-dumpable shows it as root.

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::Path;

/// What holds the socket that would take a connection to an address on this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listener {
    /// Every process holding it (and the socket itself) belongs to a trusted user.
    Trusted,
    /// Nothing listens there: a connection is refused.
    Nothing,
    /// A process (or the socket) of another user: these user ids.
    Other(Vec<u32>),
    /// Who holds it cannot be told; why.
    Unknown(String),
}

/// The listener at `addr` (a loopback address), trusted when its socket and every process
/// holding it belong to `owner` or to root.
pub fn who_listens(addr: SocketAddr, owner: u32) -> Listener {
    let mut sockets = Vec::new();
    let mut read_any = false;
    for (table, v6) in [("/proc/net/tcp", false), ("/proc/net/tcp6", true)] {
        if let Ok(text) = std::fs::read_to_string(table) {
            read_any = true;
            sockets.extend(listening(&text, v6));
        }
    }
    if !read_any {
        return Listener::Unknown("this system does not show who holds its sockets".into());
    }
    let matching: Vec<&Socket> = sockets.iter().filter(|s| s.takes(addr)).collect();
    if matching.is_empty() {
        return Listener::Nothing;
    }
    let inodes: BTreeSet<u64> = matching.iter().map(|s| s.inode).collect();
    let holders = holders(&inodes);
    let trusted = |uid: &u32| *uid == 0 || *uid == owner;
    let mut others: BTreeSet<u32> = matching
        .iter()
        .map(|s| s.uid)
        .filter(|u| !trusted(u))
        .collect();
    others.extend(holders.iter().flatten().filter(|u| !trusted(u)));
    if !others.is_empty() {
        return Listener::Other(others.into_iter().collect());
    }
    if holders.is_empty() {
        return Listener::Unknown("no process holding its socket could be seen".into());
    }
    Listener::Trusted
}

/// One listening socket from `/proc/net/tcp{,6}`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Socket {
    ip: IpAddr,
    port: u16,
    uid: u32,
    inode: u64,
}

impl Socket {
    /// Whether a connection to `addr` could reach this socket: the same port, and the same
    /// address or a wildcard one (an IPv6 wildcard may take IPv4 connections too).
    fn takes(&self, addr: SocketAddr) -> bool {
        if self.port != addr.port() {
            return false;
        }
        match (self.ip, addr.ip()) {
            (IpAddr::V4(s), IpAddr::V4(a)) => s == a || s.is_unspecified(),
            (IpAddr::V6(s), IpAddr::V4(a)) => s.is_unspecified() || s == a.to_ipv6_mapped(),
            (IpAddr::V6(s), IpAddr::V6(a)) => s == a || s.is_unspecified(),
            (IpAddr::V4(_), IpAddr::V6(_)) => false,
        }
    }
}

/// The state `/proc/net/tcp` shows for a listening socket.
const LISTEN: &str = "0A";

/// The listening sockets of one table. Lines that do not parse are skipped.
fn listening(table: &str, v6: bool) -> Vec<Socket> {
    table.lines().skip(1).filter_map(|l| parse(l, v6)).collect()
}

fn parse(line: &str, v6: bool) -> Option<Socket> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    if fields.get(3) != Some(&LISTEN) {
        return None;
    }
    let (ip, port) = fields.get(1)?.split_once(':')?;
    Some(Socket {
        ip: if v6 { ipv6(ip)? } else { ipv4(ip)? },
        port: u16::from_str_radix(port, 16).ok()?,
        uid: fields.get(7)?.parse().ok()?,
        inode: fields.get(9)?.parse().ok()?,
    })
}

/// The kernel prints the address as the 32-bit words it holds in memory (network byte
/// order), each read as a native integer: the native bytes of each word are the address.
fn ipv4(hex: &str) -> Option<IpAddr> {
    (hex.len() == 8).then_some(())?;
    let word = u32::from_str_radix(hex, 16).ok()?;
    Some(IpAddr::V4(Ipv4Addr::from(word.to_ne_bytes())))
}

fn ipv6(hex: &str) -> Option<IpAddr> {
    (hex.len() == 32).then_some(())?;
    let mut bytes = [0u8; 16];
    for (i, chunk) in bytes.chunks_mut(4).enumerate() {
        let word = u32::from_str_radix(hex.get(i * 8..i * 8 + 8)?, 16).ok()?;
        chunk.copy_from_slice(&word.to_ne_bytes());
    }
    Some(IpAddr::V6(Ipv6Addr::from(bytes)))
}

/// The user ids (real, effective, saved, filesystem) of every process that holds one of
/// `inodes` open, one entry per process. Processes whose descriptors cannot be read (another
/// user's, when not root) are not seen.
fn holders(inodes: &BTreeSet<u64>) -> Vec<Vec<u32>> {
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let wanted: BTreeSet<String> = inodes.iter().map(|i| format!("socket:[{i}]")).collect();
    procs
        .flatten()
        .filter(|p| {
            p.file_name()
                .to_string_lossy()
                .bytes()
                .all(|b| b.is_ascii_digit())
        })
        .filter(|p| holds(&p.path(), &wanted))
        .filter_map(|p| uids(&p.path()))
        .collect()
}

fn holds(proc_dir: &Path, wanted: &BTreeSet<String>) -> bool {
    let Ok(fds) = std::fs::read_dir(proc_dir.join("fd")) else {
        return false;
    };
    fds.flatten().any(|fd| {
        std::fs::read_link(fd.path())
            .is_ok_and(|target| wanted.contains(target.to_string_lossy().as_ref()))
    })
}

/// The `Uid:` line of `/proc/<pid>/status`.
fn uids(proc_dir: &Path) -> Option<Vec<u32>> {
    let status = std::fs::read_to_string(proc_dir.join("status")).ok()?;
    let line = status.lines().find_map(|l| l.strip_prefix("Uid:"))?;
    let ids: Vec<u32> = line
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    (!ids.is_empty()).then_some(ids)
}

/// The owner of Bazarr's data: the owner of its config file, else of the file's folder.
pub fn data_owner(config: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::metadata(config).ok();
        meta.or_else(|| std::fs::metadata(config.parent()?).ok())
            .map(|m| m.uid())
    }
    #[cfg(not(unix))]
    {
        let _ = config;
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TCP: &str = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1A6F 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0000000000000000 100 0 0 10 0
   1: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 77 1 0000000000000000 100 0 0 10 0
   2: 0100007F:1A6F 0100007F:9C40 01 00000000:00000000 00:00000000 00000000  1000        0 4300 1 0000000000000000 20 4 30 10 -1
";
    const TCP6: &str = "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:1A6F 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000 65534        0 99 1 0000000000000000 100 0 0 10 0
";

    fn v4(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    #[test]
    fn listening_sockets_are_read_with_their_address_owner_and_inode() {
        // Only sockets in LISTEN (0A); the established connection is left out.
        let sockets = listening(TCP, false);
        assert_eq!(sockets.len(), 2);
        if cfg!(target_endian = "little") {
            assert_eq!(sockets[0].ip, IpAddr::V4(Ipv4Addr::LOCALHOST));
            assert_eq!(sockets[0].port, 6767);
            assert_eq!(sockets[0].uid, 1000);
            assert_eq!(sockets[0].inode, 4242);
            assert!(sockets[0].takes(v4("127.0.0.1:6767")));
            assert!(!sockets[0].takes(v4("127.0.0.1:6768")));
            assert!(!sockets[0].takes(v4("127.0.0.2:6767")));
            // 0.0.0.0:80 takes any IPv4 address on its port.
            assert!(sockets[1].takes(v4("127.0.0.9:80")));
            let six = listening(TCP6, true);
            assert_eq!(six[0].ip, IpAddr::V6(Ipv6Addr::LOCALHOST));
            assert!(six[0].takes("[::1]:6767".parse().unwrap()));
            assert!(!six[0].takes(v4("127.0.0.1:6767")));
        }
    }

    #[test]
    fn an_ipv6_wildcard_may_take_ipv4_connections() {
        let wildcard = Socket {
            ip: IpAddr::V6(Ipv6Addr::UNSPECIFIED),
            port: 6767,
            uid: 0,
            inode: 1,
        };
        assert!(wildcard.takes(v4("127.0.0.1:6767")));
        let mapped = Socket {
            ip: IpAddr::V6(Ipv4Addr::LOCALHOST.to_ipv6_mapped()),
            ..wildcard.clone()
        };
        assert!(mapped.takes(v4("127.0.0.1:6767")));
        let v4_only = Socket {
            ip: IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            ..wildcard
        };
        assert!(!v4_only.takes("[::1]:6767".parse().unwrap()));
    }

    #[test]
    fn garbage_lines_are_skipped() {
        assert!(listening("header\nnot a socket line\n   0: zz:zz 0 0A\n", false).is_empty());
        assert_eq!(ipv4("0100007"), None);
        assert_eq!(ipv6("00"), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_listener_of_this_process_is_found_and_judged_by_its_user() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let me = std::fs::read_to_string("/proc/self/status").unwrap();
        let uid: u32 = me
            .lines()
            .find_map(|l| l.strip_prefix("Uid:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(who_listens(addr, uid), Listener::Trusted);
        if uid != 0 {
            assert_eq!(who_listens(addr, uid + 1), Listener::Other(vec![uid]));
        }
        drop(listener);
        assert_eq!(who_listens(addr, uid), Listener::Nothing);
    }
}
