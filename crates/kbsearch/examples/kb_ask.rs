//! Asks the knowledge base built from `content/` some questions and prints what it found, for reading
//! why a question is answered the way it is.
//!
//! `cargo run -p kbsearch --example kb_ask -- "zalo bi hack lam sao lay lai" "chatgpt la gi"`

// The loader shared with the tests; this example reads the documents only, not the evaluation cases.
#[path = "../tests/support/local_content.rs"]
#[allow(dead_code)]
mod local_content;

use kbsearch::KnowledgeBase;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = local_content::content_dir();
    let kb = KnowledgeBase::build(local_content::load_docs(&dir)?)?;
    for q in std::env::args().skip(1) {
        let a = kb.ask(&q);
        println!(
            "{q:?}: {} coverage {:.2}",
            if a.confident { "answered" } else { "refused" },
            a.coverage
        );
        for h in &a.hits {
            println!("  {:<36} {:.2}", h.id, h.score);
        }
        if let Some(h) = &a.also {
            println!("  also {}", h.id);
        }
    }
    Ok(())
}
