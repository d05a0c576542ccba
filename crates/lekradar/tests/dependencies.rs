//! The crate graph's rules, checked on every test run over `cargo
//! metadata` (ARCHITECTURE.md draws the graph):
//!
//! - nothing depends on `lekradar-web` but the binary: HTTP is one crate;
//! - the service, store and job runner never depend on axum or hyper;
//! - `lekradar-index` depends on no Lekradar crate, `lekradar-breach` not on
//!   the index;
//! - the binary only wires crates together: it links no HTTP framework,
//!   database driver or localisation library of its own;
//! - Lekradar crates depend on each other in one direction (no cycles);
//! - the test-support crate is only ever a dev-dependency.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

/// Normal dependencies and dev-dependencies of every workspace crate.
struct Graph {
    normal: BTreeMap<String, BTreeSet<String>>,
    dev: BTreeMap<String, BTreeSet<String>>,
}

fn graph() -> Graph {
    let out = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut normal = BTreeMap::new();
    let mut dev = BTreeMap::new();
    for package in meta["packages"].as_array().unwrap() {
        let name = package["name"].as_str().unwrap().to_owned();
        let (mut n, mut d) = (BTreeSet::new(), BTreeSet::new());
        for dep in package["dependencies"].as_array().unwrap() {
            let dep_name = dep["name"].as_str().unwrap().to_owned();
            match dep["kind"].as_str() {
                Some("dev") => d.insert(dep_name),
                // Normal and build dependencies.
                _ => n.insert(dep_name),
            };
        }
        normal.insert(name.clone(), n);
        dev.insert(name, d);
    }
    assert!(
        normal.len() >= 15,
        "expected the whole workspace, found {:?}",
        normal.keys()
    );
    Graph { normal, dev }
}

fn deps<'a>(map: &'a BTreeMap<String, BTreeSet<String>>, name: &str) -> &'a BTreeSet<String> {
    map.get(name)
        .unwrap_or_else(|| panic!("{name} is not a workspace crate"))
}

#[test]
fn only_the_binary_depends_on_web() {
    let g = graph();
    let users: Vec<&String> = g
        .normal
        .iter()
        .chain(g.dev.iter())
        .filter(|(_, d)| d.contains("lekradar-web"))
        .map(|(name, _)| name)
        .collect();
    assert_eq!(users, ["lekradar"], "crates depending on lekradar-web");
}

#[test]
fn no_http_below_web() {
    let g = graph();
    for name in [
        "lekradar-service",
        "lekradar-store",
        "lekradar-jobs",
        "lekradar-l10n",
        "lekradar-private",
        "lekradar-catalogue",
    ] {
        let d = deps(&g.normal, name);
        for http in [
            "axum",
            "hyper",
            "hyper-util",
            "tower",
            "tower-http",
            "lekradar-web",
        ] {
            assert!(!d.contains(http), "{name} depends on {http}");
        }
    }
}

#[test]
fn index_and_breach_stay_low() {
    let g = graph();
    let lekradar = |d: &BTreeSet<String>| -> Vec<String> {
        d.iter()
            .filter(|n| n.starts_with("lekradar"))
            .cloned()
            .collect()
    };
    assert_eq!(
        lekradar(deps(&g.normal, "lekradar-index")),
        Vec::<String>::new(),
        "lekradar-index depends on no Lekradar crate"
    );
    assert!(
        !deps(&g.normal, "lekradar-breach").contains("lekradar-index"),
        "lekradar-breach must not depend on the index"
    );
}

#[test]
fn the_binary_only_wires() {
    let g = graph();
    let d = deps(&g.normal, "lekradar");
    for library in [
        "axum",
        "hyper",
        "tower",
        "fluent-bundle",
        "rusqlite",
        "tokio-postgres",
        "deadpool-postgres",
        "prometheus-client",
        "governor",
    ] {
        assert!(!d.contains(library), "the binary links {library} itself");
    }
}

#[test]
fn lekradar_crates_form_no_cycle() {
    let g = graph();
    // Through normal dependencies (the test-support crate, a dev-dependency
    // of the crates it serves, depends on some of them).
    let edges = |name: &str| -> Vec<String> {
        deps(&g.normal, name)
            .iter()
            .filter(|d| {
                d.starts_with("lekradar") && g.normal.contains_key(*d) && d.as_str() != name
            })
            .cloned()
            .collect()
    };
    // Depth-first search with colours.
    fn visit(
        name: &str,
        edges: &dyn Fn(&str) -> Vec<String>,
        state: &mut BTreeMap<String, u8>,
        path: &mut Vec<String>,
    ) {
        match state.get(name) {
            Some(2) => return,
            Some(1) => panic!("dependency cycle: {} -> {name}", path.join(" -> ")),
            _ => {}
        }
        state.insert(name.to_owned(), 1);
        path.push(name.to_owned());
        for next in edges(name) {
            visit(&next, edges, state, path);
        }
        path.pop();
        state.insert(name.to_owned(), 2);
    }
    let mut state = BTreeMap::new();
    for name in g.normal.keys().filter(|n| n.starts_with("lekradar")) {
        visit(name, &edges, &mut state, &mut Vec::new());
    }
}

#[test]
fn testkit_is_for_tests_only() {
    let g = graph();
    for (name, d) in &g.normal {
        assert!(
            !d.contains("lekradar-testkit"),
            "{name} depends on lekradar-testkit outside its tests"
        );
    }
}
