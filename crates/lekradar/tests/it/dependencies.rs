//! The crate graph's rules, checked on every test run over `cargo
//! metadata` (ARCHITECTURE.md draws the graph):
//!
//! - nothing depends on `lekradar-web` but the binary: HTTP is one crate;
//! - the service, store, job runner and messages never depend on axum or hyper;
//! - `lekradar-index` depends on no Lekradar crate, `lekradar-breach` not on
//!   the index;
//! - the binary only wires crates together: it links no HTTP framework,
//!   database driver or localisation library of its own;
//! - Lekradar crates depend on each other in one direction (no cycles), and
//!   so do the modules of `lekradar-web`;
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
        "lekradar-messages",
        "lekradar-orgs",
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
    let names: Vec<String> = g
        .normal
        .keys()
        .filter(|n| n.starts_with("lekradar"))
        .cloned()
        .collect();
    assert_no_cycle("dependency", &names, &edges);
}

/// Panics with the cycle if `edges` has one among `names`.
fn assert_no_cycle(what: &str, names: &[String], edges: &dyn Fn(&str) -> Vec<String>) {
    // Depth-first search with colours.
    fn visit(
        what: &str,
        name: &str,
        edges: &dyn Fn(&str) -> Vec<String>,
        state: &mut BTreeMap<String, u8>,
        path: &mut Vec<String>,
    ) {
        match state.get(name) {
            Some(2) => return,
            Some(1) => panic!("{what} cycle: {} -> {name}", path.join(" -> ")),
            _ => {}
        }
        state.insert(name.to_owned(), 1);
        path.push(name.to_owned());
        for next in edges(name) {
            visit(what, &next, edges, state, path);
        }
        path.pop();
        state.insert(name.to_owned(), 2);
    }
    let mut state = BTreeMap::new();
    for name in names {
        visit(what, name, edges, &mut state, &mut Vec::new());
    }
}

/// The modules of `crates/web/src` use each other in one direction: the
/// state and what it holds (config, advice JSON, form tokens, metrics) below
/// the resources' handlers, the router above them. Read from the source's
/// `crate::` paths, outside comments and unit tests.
#[test]
fn web_modules_form_no_cycle() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/src");
    let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut files = vec![src.clone()];
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let relative = path.strip_prefix(&src).unwrap();
        let module = relative
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_str()
            .unwrap()
            .trim_end_matches(".rs")
            .to_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let code = text.split("#[cfg(test)]\nmod tests").next().unwrap();
        let used = uses.entry(module.clone()).or_default();
        for line in code.lines() {
            let line = line.split("//").next().unwrap();
            for (i, _) in line.match_indices("crate::") {
                let rest = &line[i + "crate::".len()..];
                let names = match rest.strip_prefix('{') {
                    Some(group) => group.split('}').next().unwrap().split(',').collect(),
                    None => vec![rest],
                };
                for name in names {
                    let name: String = name
                        .trim()
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    if !name.is_empty() && name != module {
                        used.insert(name);
                    }
                }
            }
        }
    }
    assert!(
        uses.contains_key("state") && uses.contains_key("router"),
        "expected web's modules, found {:?}",
        uses.keys()
    );
    let names: Vec<String> = uses.keys().cloned().collect();
    let edges = |name: &str| -> Vec<String> {
        uses.get(name)
            .map(|u| {
                u.iter()
                    .filter(|m| uses.contains_key(*m))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_no_cycle("web module", &names, &edges);
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
