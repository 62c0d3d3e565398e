//! Evaluates the assistant search on `content/` and times it.
//!
//! `cargo run --release -p kbsearch --example kb_eval [content-dir] [--misses] [--sweep] [--parts]`
//!
//! `--parts` also prints the pass rate of every other evaluation part (and, with `--misses`, the misses
//! of real3 and real4, the real parts tuned on by kind); the held-out part's and real5's misses are never
//! printed, so nobody tunes on them.

#[path = "../tests/support/local_content.rs"]
mod local_content;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use kbsearch::KnowledgeBase;
use kbsearch::eval::{evaluate, evaluate_at};

const ASKS: usize = 1000;

/// The parts after the tuning one, and whether their misses may be printed.
const PARTS: [(&str, bool); 6] = [
    ("eval/assistant-heldout.toml", false),
    ("eval/assistant-real.toml", false),
    ("eval/assistant-real2.toml", false),
    ("eval/assistant-real3.toml", true),
    ("eval/assistant-real4.toml", true),
    ("eval/assistant-real5.toml", false),
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let show_misses = args.iter().any(|a| a == "--misses");
    let sweep = args.iter().any(|a| a == "--sweep");
    let parts = args.iter().any(|a| a == "--parts");
    let dir = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .map_or_else(local_content::content_dir, PathBuf::from);

    let docs = local_content::load_docs(&dir)?;
    let cases = local_content::load_cases(&dir)?;
    if cases.is_empty() {
        return Err("no evaluation cases".into());
    }
    let n_docs = docs.len();
    let started = Instant::now();
    let kb = KnowledgeBase::build(docs)?;
    let build = started.elapsed();
    println!(
        "{n_docs} documents indexed in {build:.1?}; {} evaluation cases\n",
        cases.len()
    );

    let report = evaluate(&kb, &cases);
    print!("{report}");
    println!(
        "\ntop-1 {:.3} (target 0.8)   top-3 {:.3} (target 0.9)   refusals {:.3} (target 0.9)",
        report.top1(),
        report.top3(),
        report.refusals()
    );
    if show_misses {
        println!("\nmisses:");
        for m in &report.misses {
            println!(
                "  [{}] {:?} cov {:.2} {} expect {:?} got {:?}",
                m.kind,
                m.q,
                m.coverage,
                if m.confident { "answered" } else { "refused" },
                m.expect,
                m.got
            );
        }
    }

    if parts {
        println!("\npart             n   pass  confident off-topic  wrong first");
        for (file, listed) in PARTS {
            let cases = local_content::load_part(&dir, file)?;
            let r = evaluate(&kb, &cases);
            let t = &r.total;
            let n = t.answerable + t.offtopic;
            println!(
                "{:<14} {n:>4}  {:.3}  {:>19}  {:>11}",
                file.trim_start_matches("eval/assistant-")
                    .trim_end_matches(".toml"),
                (t.top1 + t.refused) as f64 / n.max(1) as f64,
                t.offtopic - t.refused,
                t.answerable - t.top1 - t.wrongly_refused
            );
            if show_misses && listed {
                for m in &r.misses {
                    println!(
                        "    [{}] {:?} cov {:.2} {} expect {:?} got {:?}",
                        m.kind,
                        m.q,
                        m.coverage,
                        if m.confident { "answered" } else { "refused" },
                        m.expect,
                        m.got
                    );
                }
            }
        }
    }

    if sweep {
        println!("\nthreshold  top-1  top-3  refusals");
        for t in (20..=70).step_by(2) {
            let t = t as f32 / 100.0;
            let r = evaluate_at(&kb, &cases, t);
            println!(
                "     {t:.2}  {:.3}  {:.3}  {:.3}",
                r.top1(),
                r.top3(),
                r.refusals()
            );
        }
    }

    let mut times: Vec<Duration> = Vec::with_capacity(ASKS);
    for i in 0..ASKS {
        let q = &cases[i % cases.len()].q;
        let t = Instant::now();
        std::hint::black_box(kb.ask(q));
        times.push(t.elapsed());
    }
    times.sort();
    let pct = |p: usize| times[(times.len() * p / 100).min(times.len() - 1)];
    println!(
        "\n{ASKS} asks: p50 {:.2?}  p95 {:.2?}  max {:.2?}",
        pct(50),
        pct(95),
        times[times.len() - 1]
    );
    Ok(())
}
