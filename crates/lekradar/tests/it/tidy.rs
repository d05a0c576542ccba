//! Project hygiene checked on every test run: every Rust module starts with
//! a doc comment, every path ARCHITECTURE.md names exists, and no test is
//! silenced with `#[ignore]` or `#[should_panic]`.

use std::path::{Path, PathBuf};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy();
        if path.is_dir() {
            if !matches!(name.as_ref(), "target" | "fuzz" | "node_modules" | ".git") {
                rust_files(&path, out);
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

fn all_rust_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    rust_files(&workspace_root().join("crates"), &mut files);
    assert!(files.len() > 10, "found too few Rust files: {files:?}");
    files
}

#[test]
fn every_module_has_a_doc_comment() {
    let missing: Vec<_> = all_rust_files()
        .into_iter()
        .filter(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            !first.starts_with("//!")
        })
        .collect();
    assert!(
        missing.is_empty(),
        "modules without a leading //! doc comment: {missing:#?}"
    );
}

#[test]
fn no_silenced_tests() {
    let banned = ["#[ignore", "#[should_panic"];
    let offenders: Vec<_> = all_rust_files()
        .into_iter()
        .filter(|path| path.file_name().unwrap() != "tidy.rs")
        .filter(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            banned.iter().any(|b| text.contains(b))
        })
        .collect();
    assert!(
        offenders.is_empty(),
        "use assertions on Err/None instead: {offenders:#?}"
    );
}

/// Backticked words in ARCHITECTURE.md that look like repository paths
/// (relative; `/healthz` is an HTTP route and `postgres://…` a URL).
fn architecture_paths() -> Vec<String> {
    let text = std::fs::read_to_string(workspace_root().join("ARCHITECTURE.md")).unwrap();
    text.split('`')
        .skip(1)
        .step_by(2)
        .filter(|s| {
            !s.contains(' ')
                && !s.contains("::")
                && !s.starts_with(['-', '$', '~', '/'])
                && !s.contains("://")
                && !s.contains('<')
                && !s.contains('*')
                && (s.contains('/')
                    || s.ends_with(".md")
                    || s.ends_with(".toml")
                    || s.ends_with(".rs"))
        })
        .map(String::from)
        .collect()
}

#[test]
fn every_path_in_architecture_md_exists() {
    let root = workspace_root();
    let paths = architecture_paths();
    assert!(
        paths.len() >= 10,
        "ARCHITECTURE.md should name the crates' paths: {paths:?}"
    );
    let missing: Vec<_> = paths.iter().filter(|p| !root.join(p).exists()).collect();
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md names paths that do not exist: {missing:?}"
    );
}
