//! The Markdown report: the machine, the ceilings, every run, and each
//! target (issues 6, 20 and 24) as a ratio with its verdict, or "not run"
//! for what this run did not measure.

use std::fmt::Write;
use std::time::Duration;

use crate::BackendRun;
use crate::flows::{FULL_SIGN_IN, SECURITY_KEY};
use crate::load::Stats;

pub struct Figures {
    /// The constant handler at each level.
    pub constant: Vec<(usize, Stats)>,
    pub runs: Vec<BackendRun>,
    pub seconds: u64,
    /// The dashboard's wasm + JS (gzip) and whether it is within budget.
    pub front_end: Option<(String, bool)>,
}

const MB: f64 = 1_000_000.0;

fn ms(duration: Duration) -> String {
    format!("{:.1}", duration.as_secs_f64() * 1000.0)
}

pub fn markdown(figures: &Figures) -> String {
    let mut out = String::new();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|l| l.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let date = std::process::Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let _ = writeln!(out, "### Benchmark, {date}\n");
    let _ = writeln!(
        out,
        "{cores} cores ({cpu}); load generator on the same machine; {} s per timed run.\n",
        figures.seconds
    );

    let _ = writeln!(out, "| ceiling | figure |\n|---|---|");
    for (connections, stats) in &figures.constant {
        let _ = writeln!(
            out,
            "| constant axum handler, {connections} conn. | {:.0} req/s (p50 {} ms, p99 {} ms) |",
            stats.per_second(),
            ms(stats.percentile(50.0)),
            ms(stats.percentile(99.0))
        );
    }
    for run in &figures.runs {
        if let Some(argon2) = run.argon2 {
            let _ = writeln!(
                out,
                "| argon2id hashes, all cores, before {}'s SignIn (16 conn.) | {argon2:.1} /s |",
                run.name
            );
        }
    }
    for run in &figures.runs {
        let _ = writeln!(
            out,
            "| bare write transactions, {}, 16 conn. | {:.0} /s |",
            run.name,
            run.bare_writes.per_second()
        );
    }

    for run in &figures.runs {
        let _ = writeln!(
            out,
            "\n**{}** (idle RSS {:.1} MB)\n\n| scenario | conn. | req/s | p50 ms | p99 ms | errors | peak RSS MB |\n|---|---:|---:|---:|---:|---:|---:|",
            run.name,
            run.idle_rss as f64 / MB
        );
        for (scenario, connections, stats, peak) in &run.rows {
            let _ = writeln!(
                out,
                "| {scenario} | {connections} | {:.1} | {} | {} | {} | {:.1} |",
                stats.per_second(),
                ms(stats.percentile(50.0)),
                ms(stats.percentile(99.0)),
                stats.errors,
                *peak as f64 / MB
            );
        }
    }

    let _ = writeln!(
        out,
        "\n| target | {} | verdict |\n|---|{}---|",
        figures
            .runs
            .iter()
            .map(|r| r.name)
            .collect::<Vec<_>>()
            .join(" | "),
        "---|".repeat(figures.runs.len())
    );
    let mut row = |target: &str, cell: &dyn Fn(&BackendRun) -> Cell| {
        let cells: Vec<_> = figures.runs.iter().map(cell).collect();
        let text = cells
            .iter()
            .map(|cell| {
                cell.as_ref()
                    .map_or("not run", |(figure, _)| figure.as_str())
            })
            .collect::<Vec<_>>()
            .join(" | ");
        let _ = writeln!(out, "| {target} | {text} | {} |", verdict(&cells));
    };
    row("SignIn (16 conn.) ≥ 90% of the argon2 ceiling", &|run| {
        let ratio = find(run, "SignIn (password only)", 16)?.per_second() / run.argon2?;
        judged(format!("{:.0}%", ratio * 100.0), ratio >= 0.9)
    });
    row(
        "200 concurrent sign-ins: each 200, or 503 at once past the queue",
        &|run| {
            let errors = find(run, "SignIn (password only)", 200)?.errors;
            judged(format!("{errors} errors"), errors == 0)
        },
    );
    row("/login p99 during them < 10× idle p99", &|run| {
        let (idle, loaded) = (run.login_idle_p99?, run.login_under_sign_ins_p99?);
        let ratio = loaded.as_secs_f64() / idle.as_secs_f64().max(1e-6);
        judged(
            format!("{} ms vs {} ms ({ratio:.1}×)", ms(loaded), ms(idle)),
            ratio < 10.0,
        )
    });
    row(
        "SignIn p99 beside a flood from one address ≤ 3× idle p99",
        &|run| {
            let idle = find(run, "SignIn (password only)", 1)?.percentile(99.0);
            let flooded = find(run, "SignIn beside a flood from one address", 1)?.percentile(99.0);
            let ratio = flooded.as_secs_f64() / idle.as_secs_f64().max(1e-6);
            judged(
                format!("{} ms vs {} ms ({ratio:.1}×)", ms(flooded), ms(idle)),
                ratio <= 3.0,
            )
        },
    );
    let constant_16 = figures
        .constant
        .iter()
        .find(|(connections, _)| *connections == 16)
        .map_or(0.0, |(_, stats)| stats.per_second());
    row(
        "GetAccount (token, 16 conn.) ≥ 70% of the constant handler (16 conn.)",
        &|run| {
            let ratio = find(run, "GetAccount (access token)", 16)?.per_second() / constant_16;
            judged(format!("{:.0}%", ratio * 100.0), ratio >= 0.7)
        },
    );
    row(
        "Verify2FACode (16 conn.) ≥ 60% of the bare-write ceiling",
        &|run| {
            let ratio = find(run, "Verify2FACode", 16)?.per_second() / run.bare_writes.per_second();
            judged(format!("{:.0}%", ratio * 100.0), ratio >= 0.6)
        },
    );
    row(
        "Full sign-in (16 conn.), and the p50 of its steps within it",
        &|run| {
            let whole = find(run, FULL_SIGN_IN, 16)?;
            let steps = run
                .full_sign_in_steps
                .iter()
                .map(|(step, stats)| format!("{step} {} ms", ms(stats.percentile(50.0))))
                .collect::<Vec<_>>()
                .join(", ");
            Some((format!("{:.1} /s: {steps}", whole.per_second()), None))
        },
    );
    row(
        "Security-key sign-in (16 conn.) against the bare-write ceiling",
        &|run| {
            let rate = find(run, SECURITY_KEY, 16)?.per_second();
            let ratio = rate / run.bare_writes.per_second();
            Some((format!("{rate:.0} /s, {:.0}%", ratio * 100.0), None))
        },
    );
    row("peak RSS at 200 connections ≤ 100 MB", &|run| {
        let peak = run.rows.iter().filter(|r| r.1 == 200).map(|r| r.3).max()?;
        judged(
            format!("{:.1} MB", peak as f64 / MB),
            peak as f64 <= 100.0 * MB,
        )
    });
    row("idle RSS ≤ 30 MB", &|run| {
        judged(
            format!("{:.1} MB", run.idle_rss as f64 / MB),
            run.idle_rss as f64 <= 30.0 * MB,
        )
    });
    row("the dashboard's wasm + JS within its budget", &|_| {
        let (figure, met) = figures.front_end.clone()?;
        judged(figure, met)
    });
    row("no failed request in any run", &|run| {
        let errors: usize = run.rows.iter().map(|r| r.2.errors).sum();
        judged(format!("{errors} errors"), errors == 0)
    });
    out
}

/// A target's cell for one backend: its figure and, for a target with a
/// bound, whether it is met; `None` when this run did not measure it
/// (`--only`).
type Cell = Option<(String, Option<bool>)>;

fn judged(figure: String, met: bool) -> Cell {
    Some((figure, Some(met)))
}

/// The run of `scenario` at `connections`, if it ran.
fn find<'a>(run: &'a BackendRun, scenario: &str, connections: usize) -> Option<&'a Stats> {
    run.rows
        .iter()
        .find(|r| r.0 == scenario && r.1 == connections)
        .map(|r| &r.2)
}

/// The verdict over the backends that measured the target.
fn verdict(cells: &[Cell]) -> &'static str {
    let judged: Vec<_> = cells.iter().flatten().map(|(_, met)| *met).collect();
    if judged.is_empty() {
        "not run"
    } else if judged.contains(&Some(false)) {
        "**missed**"
    } else if judged.iter().all(|met| met.is_none()) {
        "measured"
    } else if judged.len() < cells.len() {
        "met where run"
    } else {
        "met"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(per_second: usize, latency_ms: u64) -> Stats {
        let latencies = vec![Duration::from_millis(latency_ms); per_second];
        Stats::from_outcomes(vec![(latencies, 0)], Duration::from_secs(1))
    }

    fn run(rows: Vec<crate::Row>) -> BackendRun {
        BackendRun {
            name: "SQLite",
            idle_rss: 10_000_000,
            rows,
            login_idle_p99: None,
            login_under_sign_ins_p99: None,
            bare_writes: stats(1000, 1),
            argon2: Some(50.0),
            full_sign_in_steps: Vec::new(),
        }
    }

    fn target_line<'a>(table: &'a str, target: &str) -> &'a str {
        table
            .lines()
            .find(|line| line.starts_with(&format!("| {target}")))
            .unwrap_or_else(|| panic!("no line for {target} in\n{table}"))
    }

    fn figures(rows: Vec<crate::Row>) -> Figures {
        Figures {
            constant: vec![(16, stats(10_000, 1))],
            runs: vec![run(rows)],
            seconds: 1,
            front_end: None,
        }
    }

    #[test]
    fn a_target_this_run_did_not_measure_says_not_run() {
        // As `--only GetAccount` leaves it: no sign-in, no flood.
        let rows = vec![("GetAccount (access token)", 16, stats(8000, 2), 20_000_000)];
        let table = markdown(&figures(rows));
        let get_account = target_line(&table, "GetAccount (token, 16 conn.)");
        assert!(get_account.ends_with("| 80% | met |"), "{get_account}");
        for target in [
            "SignIn (16 conn.)",
            "SignIn p99 beside a flood",
            "/login p99 during them",
            "Verify2FACode (16 conn.)",
            "Full sign-in",
            "the dashboard's wasm + JS",
        ] {
            let line = target_line(&table, target);
            assert!(line.ends_with("| not run | not run |"), "{line}");
        }
    }

    #[test]
    fn a_flood_is_judged_only_against_an_idle_figure_that_was_taken() {
        let flooded = (
            "SignIn beside a flood from one address",
            1,
            stats(3, 150),
            0,
        );
        let table = markdown(&figures(vec![flooded.clone()]));
        let line = target_line(&table, "SignIn p99 beside a flood");
        assert!(line.ends_with("| not run | not run |"), "{line}");

        let idle = ("SignIn (password only)", 1, stats(20, 60), 0);
        let table = markdown(&figures(vec![idle, flooded]));
        let line = target_line(&table, "SignIn p99 beside a flood");
        assert!(
            line.ends_with("| 150.0 ms vs 60.0 ms (2.5×) | met |"),
            "{line}"
        );
    }

    #[test]
    fn one_missed_backend_misses_the_target() {
        let mut figures = figures(vec![("Verify2FACode", 16, stats(700, 5), 0)]);
        figures
            .runs
            .push(run(vec![("Verify2FACode", 16, stats(500, 5), 0)]));
        let table = markdown(&figures);
        let line = target_line(&table, "Verify2FACode (16 conn.)");
        assert!(line.ends_with("| 70% | 50% | **missed** |"), "{line}");
    }
}
