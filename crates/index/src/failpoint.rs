//! Crash points for tests: with the `failpoints` feature, setting
//! `LEKRADAR_FAILPOINT=<name>` aborts the process when it reaches that step,
//! like a `kill -9` there. Without the feature every point compiles to nothing.

/// Every crash point, in the order a build and publish reach them.
pub const ALL: &[&str] = &[
    "build:after-spill",
    "build:after-segments",
    "publish:after-meta",
    "publish:after-dir-sync",
    "publish:after-manifest-tmp",
    "publish:after-rename",
    "publish:during-gc",
];

#[cfg(feature = "failpoints")]
pub(crate) fn hit(name: &str) {
    if std::env::var("LEKRADAR_FAILPOINT").is_ok_and(|v| v == name) {
        std::process::abort();
    }
}

#[cfg(not(feature = "failpoints"))]
#[inline(always)]
pub(crate) fn hit(_name: &str) {}
