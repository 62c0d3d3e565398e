#[path = "../tests/support/local_content.rs"]
mod local_content;
fn main() {
    let dir = local_content::content_dir();
    let kb = kbsearch::KnowledgeBase::build(local_content::load_docs(&dir)).unwrap();
    for c in local_content::load_cases(&dir) {
        let a = kb.ask(&c.q);
        let ok = if c.expect.is_empty() { "OFF".to_string() } else { a.hits.iter().position(|h| c.expect.contains(&h.id)).map_or("miss".into(), |r| format!("r{r}")) };
        println!("{}\t{}\t{}\t{}", ok, c.kind, kb.debug_signals(&c.q), vntext::nfc(&c.q));
    }
}
