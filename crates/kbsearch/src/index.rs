//! The tantivy side: schema, building the in-RAM index, turning a question into a scored query.
//!
//! Text is analysed by `vntext` before tantivy sees it (tantivy's folding does not know combining marks
//! or tone placement), so every field uses the plain whitespace tokenizer over pre-made terms.

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::{FAST, Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
use tantivy::{Index, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};

use crate::analysis::{Analyzed, QueryTerms, Vocabulary};
use crate::confidence::{FUZZY_BIGRAM_MIN_LEN, FUZZY_MIN_LEN, max_edits};

/// Relative weight of each way a question term can meet a document. Exact (accented) matches outrank
/// folded ones so "mã" prefers documents that say "mã" over ones that say "má"; the title/question part
/// outranks the body because it states what the document is about. Fuzzy matches score a constant and
/// only break ties among otherwise missed documents.
mod weight {
    pub const HEAD_EXACT: f32 = 1.5;
    pub const HEAD_FOLDED: f32 = 2.0;
    pub const HEAD_BIGRAM: f32 = 2.0;
    pub const BODY_EXACT: f32 = 0.5;
    pub const BODY_FOLDED: f32 = 0.7;
    pub const BODY_BIGRAM: f32 = 0.7;
    pub const FUZZY_HEAD: f32 = 0.3;
    pub const FUZZY_BODY: f32 = 0.1;
}

/// tantivy refuses a smaller indexing arena.
const WRITER_MEMORY: usize = 15_000_000;

#[derive(Clone, Copy)]
struct Part {
    exact: Field,
    folded: Field,
    bigram: Field,
}

pub struct SearchIndex {
    searcher: Searcher,
    head: Part,
    body: Part,
    /// Document ordinal (position in the caller's `Vec<Doc>`) of each tantivy doc, per segment.
    ords: Vec<Vec<usize>>,
}

impl SearchIndex {
    /// Indexes `(head, body)` per document, in the order given.
    pub fn build(docs: &[(Analyzed, Analyzed)]) -> tantivy::Result<Self> {
        let mut builder = Schema::builder();
        let text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("whitespace")
                .set_index_option(IndexRecordOption::WithFreqs),
        );
        let mut part = |name: &str| Part {
            exact: builder.add_text_field(&format!("{name}_exact"), text.clone()),
            folded: builder.add_text_field(&format!("{name}_folded"), text.clone()),
            bigram: builder.add_text_field(&format!("{name}_bigram"), text.clone()),
        };
        let (head, body) = (part("head"), part("body"));
        let ord = builder.add_u64_field("ord", FAST);
        let index = Index::create_in_ram(builder.build());

        let mut writer: IndexWriter = index.writer_with_num_threads(1, WRITER_MEMORY)?;
        for (i, (h, b)) in docs.iter().enumerate() {
            let mut doc = TantivyDocument::new();
            for (p, a) in [(head, h), (body, b)] {
                doc.add_text(p.exact, a.exact.join(" "));
                doc.add_text(p.folded, a.folded.join(" "));
                doc.add_text(p.bigram, a.bigrams.join(" "));
            }
            doc.add_u64(ord, i as u64);
            writer.add_document(doc)?;
        }
        writer.commit()?;
        writer.wait_merging_threads()?;

        // The index never changes after build, so no reload watcher.
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let searcher = reader.searcher();
        let mut ords = Vec::with_capacity(searcher.segment_readers().len());
        for segment in searcher.segment_readers() {
            let column = segment.fast_fields().u64("ord")?;
            let map = (0..segment.max_doc())
                .map(|d| column.first(d).unwrap_or_default() as usize)
                .collect();
            ords.push(map);
        }
        Ok(SearchIndex {
            searcher,
            head,
            body,
            ords,
        })
    }

    /// Top `k` document ordinals with their scores, best first.
    pub fn search(
        &self,
        q: &QueryTerms,
        vocab: &Vocabulary,
        k: usize,
    ) -> tantivy::Result<Vec<(usize, f32)>> {
        if k == 0 {
            return Ok(Vec::new());
        }
        let query = self.query(q, vocab);
        let top = self
            .searcher
            .search(&query, &TopDocs::with_limit(k).order_by_score())?;
        Ok(top
            .into_iter()
            .filter_map(|(score, addr)| {
                let ord = *self
                    .ords
                    .get(addr.segment_ord as usize)?
                    .get(addr.doc_id as usize)?;
                Some((ord, score))
            })
            .collect())
    }

    /// Fuzzy clauses only for terms the knowledge base does not know: they exist for typos, and a typo
    /// that lands on a real word is already handled by folding. Glued bigrams are matched fuzzily too,
    /// which is how a slip in a short syllable ("mat kau") still finds "mật khẩu".
    fn query(&self, q: &QueryTerms, vocab: &Vocabulary) -> BooleanQuery {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut add = |query: Box<dyn Query>, boost: f32| {
            clauses.push((Occur::Should, Box::new(BoostQuery::new(query, boost))));
        };
        let term = |field: Field, text: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, text),
                IndexRecordOption::WithFreqs,
            ))
        };
        let fuzzy = |field: Field, text: &str, edits: usize| -> Box<dyn Query> {
            Box::new(FuzzyTermQuery::new(
                Term::from_field_text(field, text),
                edits as u8,
                true,
            ))
        };
        for t in &q.terms {
            if let Some(exact) = &t.exact {
                add(term(self.head.exact, exact), weight::HEAD_EXACT);
                add(term(self.body.exact, exact), weight::BODY_EXACT);
            }
            add(term(self.head.folded, &t.folded), weight::HEAD_FOLDED);
            add(term(self.body.folded, &t.folded), weight::BODY_FOLDED);
            if t.folded.len() >= FUZZY_MIN_LEN && !vocab.knows_term(&t.folded) {
                let edits = max_edits(&t.folded);
                add(
                    fuzzy(self.head.folded, &t.folded, edits),
                    weight::FUZZY_HEAD,
                );
                add(
                    fuzzy(self.body.folded, &t.folded, edits),
                    weight::FUZZY_BODY,
                );
                // Two syllables typed as one word ("matkhau") meet the glued bigram.
                add(term(self.head.bigram, &t.folded), weight::HEAD_BIGRAM);
                add(term(self.body.bigram, &t.folded), weight::BODY_BIGRAM);
            }
        }
        for b in &q.bigrams {
            add(term(self.head.bigram, b), weight::HEAD_BIGRAM);
            add(term(self.body.bigram, b), weight::BODY_BIGRAM);
            if b.len() >= FUZZY_BIGRAM_MIN_LEN && !vocab.knows_bigram(b) {
                // One edit: a two-edit automaton over a long glued pair costs milliseconds to build.
                add(fuzzy(self.head.bigram, b, 1), weight::FUZZY_HEAD);
                add(fuzzy(self.body.bigram, b, 1), weight::FUZZY_BODY);
            }
        }
        BooleanQuery::new(clauses)
    }
}
