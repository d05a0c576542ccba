//! The runner's metrics. Labels are job kinds, states, outcomes and task
//! names — never a payload or an error message.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use lekradar_store::JobState;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

/// `lekradar_jobs{kind,state}`.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct JobLabels {
    pub kind: String,
    pub state: &'static str,
}

/// `lekradar_job_runs_total{kind,outcome}`.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RunLabels {
    pub kind: String,
    /// `done`, `retry`, `dead`, `lease_lost` (another runner holds the job
    /// now), or `error` (the outcome could not be recorded; the job runs
    /// again once its lease runs out).
    pub outcome: &'static str,
}

/// `lekradar_periodic_runs_total{task,outcome}`.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct TaskLabels {
    pub task: &'static str,
    /// `ok` or `error`.
    pub outcome: &'static str,
}

/// Jobs in the store by kind and state, and this runner's runs.
#[derive(Clone, Default)]
pub struct RunnerMetrics {
    pub jobs: Family<JobLabels, Gauge>,
    pub runs: Family<RunLabels, Counter>,
    pub periodic: Family<TaskLabels, Counter>,
    /// Kinds shown with zeros even before a job of theirs exists.
    known: Arc<Mutex<BTreeSet<String>>>,
}

impl RunnerMetrics {
    pub fn register(&self, registry: &mut Registry) {
        registry.register(
            "jobs",
            "Jobs in the store by kind and state (shared by every server on the store)",
            self.jobs.clone(),
        );
        registry.register(
            "job_runs",
            "Job attempts finished by this runner, by kind and outcome",
            self.runs.clone(),
        );
        registry.register(
            "periodic_runs",
            "Runs of this process's periodic tasks, by task and outcome",
            self.periodic.clone(),
        );
    }

    pub(crate) fn know_kind(&self, kind: &str) {
        self.known
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(kind.to_owned());
    }

    /// Sets the gauges from the store's counts (zeros for known kinds and
    /// states without jobs).
    pub(crate) fn set_counts(&self, counts: &[(String, JobState, u64)]) {
        let mut kinds = self.known.lock().unwrap_or_else(|p| p.into_inner()).clone();
        kinds.extend(counts.iter().map(|(k, _, _)| k.clone()));
        for kind in kinds {
            for state in JobState::ALL {
                let n = counts
                    .iter()
                    .find(|(k, s, _)| *k == kind && *s == state)
                    .map_or(0, |(_, _, n)| *n);
                self.jobs
                    .get_or_create(&JobLabels {
                        kind: kind.clone(),
                        state: state.as_str(),
                    })
                    .set(i64::try_from(n).unwrap_or(i64::MAX));
            }
        }
    }

    pub(crate) fn run(&self, kind: &str, outcome: &'static str) {
        self.runs
            .get_or_create(&RunLabels {
                kind: kind.to_owned(),
                outcome,
            })
            .inc();
    }

    pub(crate) fn periodic(&self, task: &'static str, ok: bool) {
        self.periodic
            .get_or_create(&TaskLabels {
                task,
                outcome: if ok { "ok" } else { "error" },
            })
            .inc();
    }
}
