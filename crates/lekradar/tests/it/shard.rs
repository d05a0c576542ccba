//! Ingest spread over processes, as an operator runs it with a shell loop:
//! `ingest --shard I/N` in N processes at once against one index, then
//! `publish --breach NAME`. The published breach is byte for byte what one
//! `ingest` of the same files builds (segments and per-domain counts; the
//! metadata but for timestamps). Shards that are missing, fed other files,
//! or of two runs, and a data directory whose key is not the index's, are
//! refused with what to do; a
//! killed shard is simply run again; a publish cut after its commit is not
//! applied twice; nothing identifying is written in the clear.

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use lekradar_testkit::{all_files, assert_none_in, copy_dir};

use crate::support::{lekradar, stderr, stdout};

fn ok(data: &Path, args: &[&str]) -> String {
    let out = lekradar(data, args);
    assert!(
        out.status.success(),
        "{args:?}: {}{}",
        stdout(&out),
        stderr(&out)
    );
    stdout(&out)
}

fn fails(data: &Path, args: &[&str]) -> String {
    let out = lekradar(data, args);
    let text = stdout(&out) + &stderr(&out);
    assert!(!out.status.success(), "{args:?} should fail: {text}");
    assert!(!text.contains("panicked"), "{text}");
    text
}

/// The index's files of one kind (`seg-`, `dom-`), with their bytes.
fn files_of(index: &Path, prefix: &str) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = std::fs::read_dir(index)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    out.sort();
    out
}

/// `breach show` without the timestamps.
fn shown(data: &Path) -> String {
    ok(data, &["breach", "show", "Telecom"])
        .lines()
        .filter(|l| !l.contains("Date =") && !l.starts_with("Added ="))
        .collect::<Vec<_>>()
        .join("\n")
}

fn shard_cmd(data: &Path, shard: &str, files: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lekradar"));
    cmd.arg("--data-dir")
        .arg(data)
        .args(["ingest", "--breach", "Telecom", "--region", "NL,BE"])
        .args(["--shard", shard])
        .args(files);
    cmd
}

fn run(mut cmd: Command) -> Output {
    cmd.output().unwrap()
}

#[test]
fn shards_published_together_equal_one_ingest_and_bad_shards_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (sharded, single) = (dir.path().join("sharded"), dir.path().join("single"));
    let dump = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    let (d1, d2, other) = (dump("d1.csv"), dump("d2.jsonl.gz"), dump("other.csv"));
    ok(&sharded, &["key", "init"]);
    std::fs::create_dir_all(&single).unwrap();
    std::fs::copy(sharded.join("oprf.key"), single.join("oprf.key")).unwrap();
    let gen = |args: &[&str]| ok(&sharded, &[&["gen-data"], args].concat());
    gen(&[
        "--kind",
        "telecom",
        "--rows",
        "20000",
        "--seed",
        "7",
        "--regions",
        "NL,BE",
        &d1,
    ]);
    gen(&["--rows", "4000", "--seed", "8", "--format", "jsonl", &d2]);
    gen(&["--rows", "300", "--seed", "9", &other]);
    for data in [&sharded, &single] {
        ok(
            data,
            &["breach", "add", "Telecom", "--breach-date", "2024-01-01"],
        );
    }
    let files = [d1.as_str(), d2.as_str()];

    // The reference: one ingest of both files.
    ok(
        &single,
        &[
            &["ingest", "--breach", "Telecom", "--region", "NL,BE"],
            &files[..],
        ]
        .concat(),
    );

    // Publishing with nothing staged, then with a shard missing.
    let text = fails(&sharded, &["publish", "--breach", "Telecom"]);
    assert!(
        text.contains("no shards of breach \"Telecom\" are staged"),
        "{text}"
    );
    let before = files_of(&sharded.join("index"), "MANIFEST");

    // Shards 0 and 1 of 3 at once, shard 2 killed at once and then not yet run.
    let children: Vec<_> = ["0/3", "1/3"]
        .iter()
        .map(|s| shard_cmd(&sharded, s, &files).spawn().unwrap())
        .collect();
    let mut killed = shard_cmd(&sharded, "2/3", &files).spawn().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    killed.kill().unwrap();
    killed.wait().unwrap();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let text = fails(&sharded, &["publish", "--breach", "Telecom"]);
    assert!(
        text.contains("1 of 3 shards are not staged yet (shards 2)"),
        "{text}"
    );
    assert_eq!(
        files_of(&sharded.join("index"), "MANIFEST"),
        before,
        "nothing published"
    );

    // Shard 2 keyed with another data directory's key, or fed other files.
    let stranger = dir.path().join("stranger");
    ok(&stranger, &["key", "init"]);
    let index = sharded.join("index");
    let out = run({
        let mut c = shard_cmd(&stranger, "2/3", &files);
        c.arg("--index").arg(&index);
        c
    });
    let text = stderr(&out);
    assert!(!out.status.success(), "{text}");
    assert!(
        text.contains("holds an index keyed with another OPRF key"),
        "another deployment's index is refused: {text}"
    );
    let text = fails(
        &stranger,
        &["--index", index.to_str().unwrap(), "lookup", "x@y.example"],
    );
    assert!(text.contains("keyed with another OPRF key"), "{text}");
    let out = run(shard_cmd(&sharded, "2/3", &[d1.as_str(), other.as_str()]));
    assert!(out.status.success(), "{}", stderr(&out));
    let text = fails(&sharded, &["publish", "--breach", "Telecom"]);
    assert!(text.contains("did not read the same input"), "{text}");
    assert_eq!(files_of(&index, "MANIFEST"), before, "nothing published");

    // Run again as it should be: it replaces its staged files.
    let out = run(shard_cmd(&sharded, "2/3", &files));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("all 3 shards are staged"),
        "{}",
        stdout(&out)
    );

    // A publish cut after its commit, before it deleted the shards: the
    // staged shards (saved aside here) come back, and publishing them again
    // changes nothing.
    let saved = dir.path().join("saved-shards");
    copy_dir(&index.join("shards"), &saved);
    let text = ok(&sharded, &["publish", "--breach", "Telecom"]);
    assert!(text.contains("3 shards merged and published"), "{text}");
    assert!(!index.join("shards/Telecom").exists(), "shards deleted");
    let published = files_of(&index, "MANIFEST");
    copy_dir(&saved, &index.join("shards"));
    let text = ok(&sharded, &["publish", "--breach", "Telecom"]);
    assert!(text.contains("were already published"), "{text}");
    assert_eq!(files_of(&index, "MANIFEST"), published, "not applied twice");

    // Byte for byte what one ingest built.
    let reference = single.join("index");
    assert_eq!(files_of(&index, "seg-"), files_of(&reference, "seg-"));
    assert_eq!(files_of(&index, "dom-"), files_of(&reference, "dom-"));
    assert_eq!(shown(&sharded), shown(&single));
    let truth: serde_json::Value =
        serde_json::from_slice(&std::fs::read(format!("{d1}.truth.json")).unwrap()).unwrap();
    let some: Vec<String> = truth["rows"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| {
            let ids = |k: &str| r[k].as_array().cloned().unwrap_or_default();
            [ids("phones"), ids("emails")].concat()
        })
        .filter_map(|v| v.as_str().map(str::to_owned))
        .take(40)
        .collect();
    assert!(some.len() >= 20, "{some:?}");
    for id in some.iter().take(10) {
        assert_eq!(
            ok(&sharded, &["lookup", id]),
            ok(&single, &["lookup", id]),
            "{id}"
        );
    }

    // Two runs' shards at once are refused, and --discard removes them.
    for shard in ["0/2", "0/3"] {
        let out = run(shard_cmd(&sharded, shard, &[other.as_str()]));
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let text = fails(&sharded, &["publish", "--breach", "Telecom"]);
    assert!(
        text.contains("different shard counts (2 shards, 3 shards)"),
        "{text}"
    );
    let text = ok(&sharded, &["publish", "--breach", "Telecom", "--discard"]);
    assert!(text.contains("4 staged shard files deleted"), "{text}");
    let text = fails(
        &sharded,
        &["ingest", "--breach", "Telecom", "--shard", "3/3", &other],
    );
    assert!(
        text.contains("the shard must be 0..N-1 of N shards"),
        "{text}"
    );

    // Nothing identifying in the clear, staged shards included (the saved copy).
    let mut written = Vec::new();
    all_files(&sharded, &mut written);
    all_files(&saved, &mut written);
    assert_none_in(&written, &some);
}
