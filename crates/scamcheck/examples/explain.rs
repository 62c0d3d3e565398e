//! Shows the verdict for one message and every pattern that matched it — for admins tuning rules.
//!
//!     cargo run -p scamcheck --example explain -- /work/main/content "tin nhắn cần kiểm tra"

use std::path::Path;
use std::process::ExitCode;

use scamcheck::{Checker, CommunityData, Rules};

fn run(dir: &Path, text: &str) -> Result<(), String> {
    let read = |rel: &str| {
        let path = dir.join(rel);
        std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))
    };
    let rules = Rules::from_toml(
        &read(scamcheck::DOMAINS_FILE)?,
        &read(scamcheck::SIGNALS_FILE)?,
    )
    .map_err(|e| e.to_string())?;
    let checker = Checker::new(rules, CommunityData::default());
    let v = checker.check(text);
    println!("{} ({:.3})  learn: {}", v.verdict, v.score, v.learn);
    for r in &v.reasons {
        println!("  {:+.2} {:<22} {}", r.weight, r.code, r.message_vi);
    }
    println!("matches:");
    for m in checker.explain(text) {
        let neg = if m.negated { "  (negated)" } else { "" };
        println!("  {:<22} {:<45} ← {}{neg}", m.code, m.pattern, m.words);
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, text] = args.as_slice() else {
        eprintln!("usage: explain <content-dir> <message>");
        return ExitCode::FAILURE;
    };
    match run(Path::new(dir), text) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
