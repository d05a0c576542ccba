//! Helpers of the binary's integration tests: running the binary on a data
//! directory; the rest is `lekradar-testkit`'s.

#![allow(dead_code, unused_imports)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub use lekradar_testkit::{
    all_files, assert_none_in, free_port, repo_root, DemoExamples, Process,
};

/// Runs `lekradar --data-dir DATA ARGS...` to completion.
pub fn lekradar(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lekradar"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .unwrap()
}

/// A serving `lekradar` process, killed when dropped, its output collected.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub stderr: Arc<Mutex<Vec<String>>>,
    pub stdout: Arc<Mutex<Vec<String>>>,
}

pub fn collect(stream: impl std::io::Read + Send + 'static, into: Arc<Mutex<Vec<String>>>) {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            match line {
                Ok(l) => into.lock().unwrap().push(l),
                Err(_) => break,
            }
        }
    });
}

impl Server {
    /// Starts `lekradar --data-dir DATA ARGS...` (a serving command with
    /// `--listen 127.0.0.1:0`) and waits until it listens.
    pub fn start(data: &Path, args: &[&str], env: &[(&str, &str)]) -> Server {
        Server::start_in(
            Command::new(env!("CARGO_BIN_EXE_lekradar")),
            data,
            args,
            env,
        )
    }

    /// [`Server::start`] through `cmd` (a shell setting limits first).
    pub fn start_in(mut cmd: Command, data: &Path, args: &[&str], env: &[(&str, &str)]) -> Server {
        cmd.arg("--data-dir")
            .arg(data)
            .args(args)
            .env("LEKRADAR_LOG", "debug")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let stdout = Arc::new(Mutex::new(Vec::new()));
        collect(child.stderr.take().unwrap(), Arc::clone(&stderr));
        collect(child.stdout.take().unwrap(), Arc::clone(&stdout));
        let start = Instant::now();
        loop {
            let found = stderr.lock().unwrap().iter().find_map(|l| {
                l.split("listening on ")
                    .nth(1)
                    .map(|r| r.split(' ').next().unwrap().to_owned())
            });
            if let Some(base) = found {
                return Server {
                    child,
                    base,
                    stderr,
                    stdout,
                };
            }
            if let Some(status) = child.try_wait().unwrap() {
                panic!(
                    "server exited with {status} before listening:\n{}",
                    stderr.lock().unwrap().join("\n")
                );
            }
            assert!(
                start.elapsed() < Duration::from_secs(120),
                "server did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn logs(&self) -> String {
        self.stderr.lock().unwrap().join("\n")
    }

    /// The operator listener's base URL, when started with `--ops-listen`.
    pub fn ops(&self) -> String {
        let start = Instant::now();
        loop {
            let found = self.stderr.lock().unwrap().iter().find_map(|l| {
                l.split("operator endpoints on ")
                    .nth(1)
                    .filter(|r| r.starts_with("http://"))
                    .map(|r| r.split(' ').next().unwrap().to_owned())
            });
            if let Some(base) = found {
                return base;
            }
            assert!(start.elapsed() < Duration::from_secs(10), "{}", self.logs());
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn output(&self) -> String {
        self.stdout.lock().unwrap().join("\n")
    }

    /// Sends SIGTERM and waits for the exit.
    pub fn terminate(mut self) -> (std::process::ExitStatus, String) {
        let pid = self.child.id().to_string();
        assert!(Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success());
        let start = Instant::now();
        let status = loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                break s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "no exit 15 s after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        // Let the reader threads drain.
        std::thread::sleep(Duration::from_millis(100));
        (status, self.logs())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The loopback address the tests' requests come from; searched for in logs.
pub const CLIENT_ADDR: &str = "127.0.0.77";

/// curl from [`CLIENT_ADDR`]: status and body.
pub fn curl(args: &[&str]) -> (u16, String) {
    curl_from(CLIENT_ADDR, args)
}

/// curl from the loopback address `from`: status and body.
pub fn curl_from(from: &str, args: &[&str]) -> (u16, String) {
    let out = Command::new("curl")
        .args(["-s", "--interface", from, "-A", "lekradar-cli-tests"])
        .args(["-w", "\n%{http_code}"])
        .args(args)
        .output()
        .expect("curl runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (body, code) = text.rsplit_once('\n').unwrap_or(("", "0"));
    (code.trim().parse().unwrap_or(0), body.to_owned())
}

/// A direct check (`POST /api/v1/check`) of `account` at `base` from the
/// loopback address `from`, with extra headers: status and body.
pub fn check_from(base: &str, from: &str, account: &str, headers: &[&str]) -> (u16, String) {
    let body = format!("{{\"account\":\"{account}\"}}");
    let url = format!("{base}/api/v1/check");
    let mut args = vec!["-H", "content-type: application/json", "--data", &body];
    for h in headers {
        args.extend(["-H", h]);
    }
    args.push(&url);
    curl_from(from, &args)
}

/// A fresh schema `name_…` in the test PostgreSQL, as a store URL.
pub fn postgres_url(name: &str) -> String {
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(lekradar_testkit::postgres_fresh_schema(name))
        .1
}

/// The check form as a browser posts it, with curl: the form page first
/// (its token, and the cookie the token is bound to, in a cookie jar), then
/// the post with both. `args` are extra curl arguments for the post.
pub fn curl_form(base: &str, fields: &[(&str, &str)], args: &[&str]) -> (u16, String) {
    let jar = tempfile::NamedTempFile::new().unwrap();
    let jar = jar.path().to_str().unwrap().to_owned();
    let (code, page) = curl(&["-c", &jar, &format!("{base}/")]);
    assert_eq!(code, 200, "{page}");
    let token = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the form carries a token")
        .to_owned();
    let mut post: Vec<String> = vec!["-b".into(), jar.clone()];
    for (k, v) in fields {
        post.push("--data-urlencode".into());
        post.push(format!("{k}={v}"));
    }
    post.push("--data-urlencode".into());
    post.push(format!("csrf={token}"));
    post.extend(args.iter().map(|a| a.to_string()));
    post.push(format!("{base}/check"));
    let post: Vec<&str> = post.iter().map(String::as_str).collect();
    curl(&post)
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A data directory with the demo breaches (small) and the examples it prints.
pub fn demo_data(dir: &Path) -> (PathBuf, Vec<String>) {
    let data = dir.join("data");
    let out = lekradar(&data, &["demo", "--size", "2000", "--no-serve"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let found = stdout(&out)
        .lines()
        .filter(|l| l.contains("(in Demo"))
        .filter_map(|l| l.strip_prefix("try "))
        .map(|l| l.split_whitespace().next().unwrap().to_owned())
        .collect();
    (data, found)
}
