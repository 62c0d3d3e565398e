//! Robustness of the search to how citizens type: every case of the tuning part that the assistant
//! gets right (answers, or refers when it must) is asked again without diacritics, in teen code, lower-cased without punctuation,
//! and bare with a typo in its longest word; the variants it no longer answers right are listed. Only the tuning part is used.
//!
//! `cargo run --release -p kbsearch --example kb_variants [content-dir]`

#[path = "../tests/support/local_content.rs"]
mod local_content;

use std::path::PathBuf;

use kbsearch::KnowledgeBase;

/// Teen-code spellings citizens use for common words (folded form → what they type). "vay" is left
/// alone: folded, it is both "vậy" (typed "z") and "vay" (borrow).
const TEEN: &[(&str, &str)] = &[
    ("khong", "ko"),
    ("duoc", "dc"),
    ("gi", "j"),
    ("the nao", "tn"),
    ("nhu the nao", "ntn"),
    ("bao nhieu", "bn"),
    ("roi", "r"),
    ("chuyen khoan", "ck"),
    ("dien thoai", "dt"),
    ("tai khoan", "tk"),
    ("mat khau", "mk"),
    ("biet", "bit"),
];

fn teen(folded: &str) -> String {
    let mut words: Vec<String> = folded.split_whitespace().map(str::to_owned).collect();
    for (from, to) in TEEN {
        let pat: Vec<&str> = from.split(' ').collect();
        let mut i = 0;
        while i + pat.len() <= words.len() {
            if words[i..i + pat.len()]
                .iter()
                .zip(&pat)
                .all(|(w, p)| w == p)
            {
                words.splice(i..i + pat.len(), [to.to_string()]);
            }
            i += 1;
        }
    }
    words.join(" ")
}

/// The bare question with its longest word's two middle letters swapped: the slip a thumb makes.
fn typo(bare: &str) -> String {
    let longest = bare
        .split_whitespace()
        .max_by_key(|w| w.len())
        .unwrap_or_default();
    if longest.len() < 5 {
        return bare.to_owned();
    }
    let mut b = longest.as_bytes().to_vec();
    let m = b.len() / 2;
    b.swap(m - 1, m);
    let slipped = String::from_utf8(b).unwrap_or_else(|_| longest.to_owned());
    bare.replacen(longest, &slipped, 1)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args()
        .nth(1)
        .map_or_else(local_content::content_dir, PathBuf::from);
    let kb = KnowledgeBase::build(local_content::load_docs(&dir)?)?;
    // Right: the expected entry first and confident, or, for a question it must refer, a referral.
    let right = |q: &str, expect: &[String]| {
        let a = kb.ask(q);
        if expect.is_empty() {
            !a.confident
        } else {
            a.confident && a.hits.first().is_some_and(|h| expect.contains(&h.id))
        }
    };
    // [answerable, must refer] × [bare, teen, plain, typo]
    let (mut base, mut lost) = ([0usize; 2], [[0usize; 4]; 2]);
    for c in local_content::load_cases(&dir)? {
        if !right(&c.q, &c.expect) {
            continue;
        }
        let part = usize::from(c.expect.is_empty());
        base[part] += 1;
        let bare: String = vntext::fold(&c.q)
            .chars()
            .map(|ch| if ch.is_alphanumeric() { ch } else { ' ' })
            .collect();
        let bare = bare.split_whitespace().collect::<Vec<_>>().join(" ");
        let variants = [
            ("bare", vntext::fold(&c.q)),
            ("teen", teen(&bare)),
            (
                "plain",
                c.q.to_lowercase().replace(['?', ',', '.', '!'], " "),
            ),
            ("typo", typo(&bare)),
        ];
        for (i, (name, v)) in variants.iter().enumerate() {
            if !right(v, &c.expect) {
                lost[part][i] += 1;
                let a = kb.ask(v);
                println!(
                    "  [{name}] {v:?} cov {:.2} {} got {:?} expect {:?}",
                    a.coverage,
                    if a.confident { "answered" } else { "refused" },
                    a.hits.first().map(|h| h.id.as_str()),
                    c.expect
                );
            }
        }
    }
    for (part, what) in [(0, "answered right"), (1, "referred as they must be")] {
        let l = lost[part];
        println!(
            "{} tuning cases {what}; lost without diacritics {}, in teen code {}, plain {}, with a \
             typo {}",
            base[part], l[0], l[1], l[2], l[3]
        );
    }
    Ok(())
}
