//! Builds the browser client of the private check (`js/`: @noble/curves,
//! @noble/hashes, libphonenumber-js, bundled by esbuild) into `OUT_DIR`,
//! where `pages` embeds it. Installs the npm packages from the lockfile when
//! they are missing. Without Node.js the bundle is empty (with a warning):
//! the pages then work as without JavaScript.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let js = manifest.join("js");
    let out =
        PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join("private-check.js");
    for path in [
        "js/src",
        "js/build.mjs",
        "js/package.json",
        "js/package-lock.json",
    ] {
        println!("cargo:rerun-if-changed={path}");
    }
    println!("cargo:rerun-if-env-changed=LEKRADAR_SKIP_JS");
    if std::env::var_os("LEKRADAR_SKIP_JS").is_some() {
        empty(&out, "LEKRADAR_SKIP_JS is set");
        return;
    }
    if let Err(reason) = bundle(&js, &out) {
        empty(&out, &reason);
    }
}

fn bundle(js: &Path, out: &Path) -> Result<(), String> {
    let installed = js.join("node_modules/.package-lock.json");
    let stale = match (
        installed.metadata(),
        js.join("package-lock.json").metadata(),
    ) {
        (Ok(i), Ok(l)) => match (i.modified(), l.modified()) {
            (Ok(i), Ok(l)) => i < l,
            _ => true,
        },
        _ => true,
    };
    if stale {
        run(
            Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
                .current_dir(js),
            "npm ci",
        )?;
    }
    run(
        Command::new("node")
            .arg("build.mjs")
            .arg(out)
            .current_dir(js),
        "node build.mjs",
    )
}

fn run(cmd: &mut Command, what: &str) -> Result<(), String> {
    match cmd.output() {
        Ok(o) if o.status.success() => Ok(()),
        Ok(o) => Err(format!(
            "{what} failed: {}",
            String::from_utf8_lossy(&o.stderr).trim()
        )),
        Err(e) => Err(format!("{what} could not run ({e}); is Node.js installed?")),
    }
}

fn empty(out: &Path, reason: &str) {
    println!("cargo:warning=the private-check browser bundle was not built: {reason}; pages will check without it");
    let _ = std::fs::write(out, "");
}
