//! A statement and its arguments, independent of the backend.

/// One bound value.
#[derive(Debug, Clone)]
pub enum Arg {
    I64(Option<i64>),
    F64(Option<f64>),
    Text(Option<String>),
    Bool(Option<bool>),
    /// A BLOB (SQLite) or BYTEA (PostgreSQL): images, kept as their bytes.
    Bytes(Option<Vec<u8>>),
}

impl From<i64> for Arg {
    fn from(v: i64) -> Self {
        Arg::I64(Some(v))
    }
}
impl From<Option<i64>> for Arg {
    fn from(v: Option<i64>) -> Self {
        Arg::I64(v)
    }
}
impl From<i32> for Arg {
    fn from(v: i32) -> Self {
        Arg::I64(Some(v.into()))
    }
}
impl From<f64> for Arg {
    fn from(v: f64) -> Self {
        Arg::F64(Some(v))
    }
}
impl From<bool> for Arg {
    fn from(v: bool) -> Self {
        Arg::Bool(Some(v))
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Self {
        Arg::Text(Some(v))
    }
}
impl From<&String> for Arg {
    fn from(v: &String) -> Self {
        Arg::Text(Some(v.clone()))
    }
}
impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::Text(Some(v.to_owned()))
    }
}
impl From<Option<String>> for Arg {
    fn from(v: Option<String>) -> Self {
        Arg::Text(v)
    }
}
impl From<&[u8]> for Arg {
    fn from(v: &[u8]) -> Self {
        Arg::Bytes(Some(v.to_vec()))
    }
}
impl From<Vec<u8>> for Arg {
    fn from(v: Vec<u8>) -> Self {
        Arg::Bytes(Some(v))
    }
}
impl From<Option<&str>> for Arg {
    fn from(v: Option<&str>) -> Self {
        Arg::Text(v.map(str::to_owned))
    }
}

/// SQL text plus arguments in placeholder order.
#[derive(Debug, Clone)]
pub struct Query {
    pub(crate) sql: std::borrow::Cow<'static, str>,
    pub(crate) args: Vec<Arg>,
}

/// Start a statement: `q("SELECT … WHERE code = $1").bind(code)`.
pub fn q(sql: impl Into<std::borrow::Cow<'static, str>>) -> Query {
    Query {
        sql: sql.into(),
        args: Vec::new(),
    }
}

impl Query {
    pub fn bind(mut self, v: impl Into<Arg>) -> Self {
        self.args.push(v.into());
        self
    }
}

/// "$first, $first+1, …" for `n` values.
pub fn placeholders(first: usize, n: usize) -> String {
    let mut s = String::with_capacity(n * 6);
    push_placeholders(&mut s, first, n);
    s
}

/// "($1, $2), ($3, $4), …" for `rows` tuples of `width` values.
pub fn tuples(rows: usize, width: usize) -> String {
    // Written in place: a multi-row insert of 100 sync items names over a thousand placeholders.
    let mut s = String::with_capacity(rows * (width * 7 + 4));
    for r in 0..rows {
        if r > 0 {
            s.push_str(", ");
        }
        s.push('(');
        push_placeholders(&mut s, r * width + 1, width);
        s.push(')');
    }
    s
}

fn push_placeholders(s: &mut String, first: usize, n: usize) {
    use std::fmt::Write;
    for i in first..first + n {
        if i > first {
            s.push_str(", ");
        }
        let _ = write!(s, "${i}");
    }
}

/// The statement as SQLite should get it. SQLite looks a numbered placeholder's name up by walking a
/// list (`sqlite3_bind_parameter_name`), once per bound value, so a 1,000-value multi-row INSERT costs a
/// million steps before it runs; plain `?` placeholders are not in that list. When every `$n` appears
/// once and in order (what [`tuples`] and [`placeholders`] write), they become `?`; otherwise (a
/// placeholder used twice, or out of order) the text is kept. Text inside quotes is never touched.
pub fn for_sqlite(sql: std::borrow::Cow<'static, str>, args: usize) -> String {
    if args < 8 {
        return sql.into_owned();
    }
    let bytes = sql.as_bytes();
    let mut out = String::with_capacity(sql.len());
    let mut expected = 1usize;
    let mut last = 0;
    let mut i = 0;
    let mut quoted = false;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' => quoted = !quoted,
            b'$' if !quoted => {
                let digits = bytes[i + 1..]
                    .iter()
                    .take_while(|b| b.is_ascii_digit())
                    .count();
                if digits > 0 {
                    // Compared as text: `$03` names placeholder 3 too, and a `?` put in its place
                    // would be read back as `$3`; such text is left as it is.
                    if sql[i + 1..i + 1 + digits] != *expected.to_string() {
                        return sql.into_owned();
                    }
                    expected += 1;
                    out.push_str(&sql[last..i]);
                    out.push('?');
                    i += 1 + digits;
                    last = i;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    out.push_str(&sql[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn sequential_placeholders_become_anonymous() {
        let sql = format!("INSERT INTO t (a, b) VALUES {}", tuples(5, 2));
        assert_eq!(
            for_sqlite(sql.into(), 10),
            "INSERT INTO t (a, b) VALUES (?, ?), (?, ?), (?, ?), (?, ?), (?, ?)"
        );
    }

    #[test]
    fn reused_or_reordered_placeholders_are_kept() {
        let reused = "SELECT $1, $2, $3, $4, $5, $6, $7, $8, $1";
        assert_eq!(for_sqlite(reused.into(), 8), reused);
        let reordered = "SELECT $2, $1, $3, $4, $5, $6, $7, $8";
        assert_eq!(for_sqlite(reordered.into(), 8), reordered);
        let quoted = "SELECT '$1', $1, $2, $3, $4, $5, $6, $7, $8";
        assert_eq!(
            for_sqlite(quoted.into(), 8),
            "SELECT '$1', ?, ?, ?, ?, ?, ?, ?, ?"
        );
        assert_eq!(for_sqlite("SELECT $1".into(), 1), "SELECT $1");
    }

    proptest! {
        // Whatever the text, a rewrite is undone by numbering the `?`s again: nothing but placeholder
        // names ever changes, and only when they were already 1, 2, 3… in order.
        #[test]
        fn rewriting_only_renames_placeholders(
            parts in proptest::collection::vec(
                prop_oneof!["[a-z ,()'$0-9]{0,6}".prop_map(Some), Just(None)], 0..40)
        ) {
            // `None` is the next placeholder in order, so runs that can be rewritten are common.
            let mut k = 0;
            let sql: String = parts
                .into_iter()
                .map(|p| p.unwrap_or_else(|| { k += 1; format!("${k}") }))
                .collect();
            let out = for_sqlite(sql.clone().into(), 8);
            let mut n = 0;
            let undone: String = out
                .chars()
                .map(|c| if c == '?' { n += 1; format!("${n}") } else { c.to_string() })
                .collect();
            prop_assert_eq!(undone, sql);
        }
    }
}
