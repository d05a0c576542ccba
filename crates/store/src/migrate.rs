//! Schema migrations: the embedded SQL files of each backend and the checks
//! both runners share. The rules (numbering, never editing an applied file,
//! mirrored trees) are in `crates/store/migrations/README.md`.
//!
//! Each backend keeps a `schema_migrations` table (version, name, checksum,
//! applied_at). Opening a store compares it with the migrations compiled in:
//! an applied migration that this program does not know (a newer program
//! wrote it), or whose name or checksum differs, stops the open; pending
//! migrations are then applied in order, each in its own transaction together
//! with its `schema_migrations` row.

use sha2::{Digest as _, Sha256};

use crate::StoreError;

/// One embedded migration file, `NNNN_name.sql`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

// Add each new file to both lists; a unit test checks that the lists and
// the directories agree.
pub(crate) const SQLITE: &[Migration] = &[
    Migration {
        version: 1,
        name: "api_keys",
        sql: include_str!("../migrations/sqlite/0001_api_keys.sql"),
    },
    Migration {
        version: 2,
        name: "rate_budgets",
        sql: include_str!("../migrations/sqlite/0002_rate_budgets.sql"),
    },
    Migration {
        version: 3,
        name: "jobs",
        sql: include_str!("../migrations/sqlite/0003_jobs.sql"),
    },
    Migration {
        version: 4,
        name: "subscriptions",
        sql: include_str!("../migrations/sqlite/0004_subscriptions.sql"),
    },
    Migration {
        version: 5,
        name: "subscription_mail_to",
        sql: include_str!("../migrations/sqlite/0005_subscription_mail_to.sql"),
    },
    Migration {
        version: 6,
        name: "jobs_partial_indexes",
        sql: include_str!("../migrations/sqlite/0006_jobs_partial_indexes.sql"),
    },
    Migration {
        version: 7,
        name: "orgs",
        sql: include_str!("../migrations/sqlite/0007_orgs.sql"),
    },
    Migration {
        version: 8,
        name: "org_watchlists",
        sql: include_str!("../migrations/sqlite/0008_org_watchlists.sql"),
    },
    Migration {
        version: 9,
        name: "org_api_keys",
        sql: include_str!("../migrations/sqlite/0009_org_api_keys.sql"),
    },
    Migration {
        version: 10,
        name: "org_alerts",
        sql: include_str!("../migrations/sqlite/0010_org_alerts.sql"),
    },
    Migration {
        version: 11,
        name: "org_passkeys",
        sql: include_str!("../migrations/sqlite/0011_org_passkeys.sql"),
    },
    Migration {
        version: 12,
        name: "org_phone_confirmation",
        sql: include_str!("../migrations/sqlite/0012_org_phone_confirmation.sql"),
    },
    Migration {
        version: 13,
        name: "org_watch_matching",
        sql: include_str!("../migrations/sqlite/0013_org_watch_matching.sql"),
    },
    Migration {
        version: 14,
        name: "index_catalog",
        sql: include_str!("../migrations/sqlite/0014_index_catalog.sql"),
    },
];

pub(crate) const POSTGRES: &[Migration] = &[
    Migration {
        version: 1,
        name: "api_keys",
        sql: include_str!("../migrations/postgres/0001_api_keys.sql"),
    },
    Migration {
        version: 2,
        name: "rate_budgets",
        sql: include_str!("../migrations/postgres/0002_rate_budgets.sql"),
    },
    Migration {
        version: 3,
        name: "jobs",
        sql: include_str!("../migrations/postgres/0003_jobs.sql"),
    },
    Migration {
        version: 4,
        name: "subscriptions",
        sql: include_str!("../migrations/postgres/0004_subscriptions.sql"),
    },
    Migration {
        version: 5,
        name: "subscription_mail_to",
        sql: include_str!("../migrations/postgres/0005_subscription_mail_to.sql"),
    },
    Migration {
        version: 6,
        name: "jobs_partial_indexes",
        sql: include_str!("../migrations/postgres/0006_jobs_partial_indexes.sql"),
    },
    Migration {
        version: 7,
        name: "orgs",
        sql: include_str!("../migrations/postgres/0007_orgs.sql"),
    },
    Migration {
        version: 8,
        name: "org_watchlists",
        sql: include_str!("../migrations/postgres/0008_org_watchlists.sql"),
    },
    Migration {
        version: 9,
        name: "org_api_keys",
        sql: include_str!("../migrations/postgres/0009_org_api_keys.sql"),
    },
    Migration {
        version: 10,
        name: "org_alerts",
        sql: include_str!("../migrations/postgres/0010_org_alerts.sql"),
    },
    Migration {
        version: 11,
        name: "org_passkeys",
        sql: include_str!("../migrations/postgres/0011_org_passkeys.sql"),
    },
    Migration {
        version: 12,
        name: "org_phone_confirmation",
        sql: include_str!("../migrations/postgres/0012_org_phone_confirmation.sql"),
    },
    Migration {
        version: 13,
        name: "org_watch_matching",
        sql: include_str!("../migrations/postgres/0013_org_watch_matching.sql"),
    },
    Migration {
        version: 14,
        name: "index_catalog",
        sql: include_str!("../migrations/postgres/0014_index_catalog.sql"),
    },
];

impl Migration {
    /// SHA-256 (hex) of the file text with line endings normalised, so a
    /// checkout that converts to CRLF does not look like an edit.
    pub fn checksum(&self) -> String {
        let text = self.sql.replace("\r\n", "\n");
        Sha256::digest(text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    #[cfg(test)]
    pub fn file_name(&self) -> String {
        format!("{:04}_{}.sql", self.version, self.name)
    }
}

/// A row of `schema_migrations`.
#[derive(Debug, Clone)]
pub(crate) struct Applied {
    pub version: i64,
    pub name: String,
    pub checksum: String,
}

/// Checks what the database has applied against what this program knows and
/// returns the migrations still to apply, in order.
pub(crate) fn plan(
    known: &'static [Migration],
    applied: &[Applied],
) -> Result<Vec<&'static Migration>, StoreError> {
    let latest_known = known.last().map_or(0, |m| m.version);
    for row in applied {
        match known.iter().find(|m| m.version == row.version) {
            None if row.version > latest_known => {
                return Err(StoreError::SchemaTooNew {
                    version: row.version,
                    name: row.name.clone(),
                    known: latest_known,
                })
            }
            None => {
                return Err(StoreError::MigrationChanged {
                    version: row.version,
                    name: row.name.clone(),
                })
            }
            Some(m) => verify(m, row)?,
        }
    }
    let latest_applied = applied.iter().map(|r| r.version).max().unwrap_or(0);
    let pending: Vec<_> = known
        .iter()
        .filter(|m| !applied.iter().any(|r| r.version == m.version))
        .collect();
    if let Some(gap) = pending.iter().find(|m| m.version < latest_applied) {
        return Err(StoreError::MigrationMissing {
            version: gap.version,
            name: gap.name.to_owned(),
        });
    }
    Ok(pending)
}

/// The applied row of `migration` matches the embedded file.
pub(crate) fn verify(migration: &Migration, row: &Applied) -> Result<(), StoreError> {
    if row.name != migration.name || row.checksum != migration.checksum() {
        return Err(StoreError::MigrationChanged {
            version: row.version,
            name: row.name.clone(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn files(dir: &str) -> Vec<String> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(dir);
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn every_migration_file_is_embedded_in_order() {
        for (dir, list) in [("sqlite", SQLITE), ("postgres", POSTGRES)] {
            let embedded: Vec<String> = list.iter().map(Migration::file_name).collect();
            assert_eq!(files(dir), embedded, "migrations/{dir} vs. migrate.rs");
            for (i, m) in list.iter().enumerate() {
                assert_eq!(m.version, i as i64 + 1, "numbers run 0001, 0002, …");
                assert!(!m.sql.trim().is_empty());
            }
        }
    }

    fn row(m: &Migration) -> Applied {
        Applied {
            version: m.version,
            name: m.name.to_owned(),
            checksum: m.checksum(),
        }
    }

    const THREE: &[Migration] = &[
        Migration {
            version: 1,
            name: "a",
            sql: "A",
        },
        Migration {
            version: 2,
            name: "b",
            sql: "B",
        },
        Migration {
            version: 3,
            name: "c",
            sql: "C",
        },
    ];

    #[test]
    fn plans_pending_migrations() {
        assert_eq!(plan(THREE, &[]).unwrap().len(), 3);
        let pending = plan(THREE, &[row(&THREE[0])]).unwrap();
        assert_eq!(
            pending.iter().map(|m| m.version).collect::<Vec<_>>(),
            [2, 3]
        );
        assert!(plan(THREE, &THREE.iter().map(row).collect::<Vec<_>>())
            .unwrap()
            .is_empty());
    }

    #[test]
    fn refuses_unknown_changed_and_gapped_histories() {
        let mut newer = row(&THREE[2]);
        newer.version = 4;
        assert!(matches!(
            plan(THREE, &[newer]),
            Err(StoreError::SchemaTooNew {
                version: 4,
                known: 3,
                ..
            })
        ));
        let mut edited = row(&THREE[1]);
        edited.checksum = Migration {
            sql: "B2",
            ..THREE[1]
        }
        .checksum();
        assert!(matches!(
            plan(THREE, &[row(&THREE[0]), edited]),
            Err(StoreError::MigrationChanged { version: 2, .. })
        ));
        let mut renamed = row(&THREE[0]);
        renamed.name = "z".into();
        assert!(matches!(
            plan(THREE, &[renamed]),
            Err(StoreError::MigrationChanged { version: 1, .. })
        ));
        assert!(matches!(
            plan(THREE, &[row(&THREE[0]), row(&THREE[2])]),
            Err(StoreError::MigrationMissing { version: 2, .. })
        ));
    }

    #[test]
    fn checksum_ignores_crlf_only() {
        let lf = Migration {
            sql: "a\nb\n",
            ..THREE[0]
        };
        let crlf = Migration {
            sql: "a\r\nb\r\n",
            ..THREE[0]
        };
        let other = Migration {
            sql: "a\nc\n",
            ..THREE[0]
        };
        assert_eq!(lf.checksum(), crlf.checksum());
        assert_ne!(lf.checksum(), other.checksum());
    }
}
