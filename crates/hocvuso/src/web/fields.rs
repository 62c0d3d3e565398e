//! [`Fields`]: one view over a plain form post and a JSON item's `data`, so a form and an offline
//! write go through the same validation.
use std::collections::BTreeMap;

/// Field values by name; a name may repeat (checkbox groups, JSON arrays).
#[derive(Debug, Default, Clone)]
pub struct Fields(BTreeMap<String, Vec<String>>);

impl Fields {
    pub(crate) fn from_pairs(pairs: Vec<(String, String)>) -> Fields {
        let mut f = Fields::default();
        for (k, v) in pairs {
            f.0.entry(k).or_default().push(v);
        }
        f
    }

    /// A JSON object: strings, numbers and booleans become one value, arrays many; null is absent.
    pub(crate) fn from_json(v: &serde_json::Value) -> Option<Fields> {
        let obj = v.as_object()?;
        let mut f = Fields::default();
        for (k, v) in obj {
            let vals = match v {
                serde_json::Value::Array(a) => a.iter().filter_map(scalar).collect(),
                serde_json::Value::Null => continue,
                other => vec![scalar(other)?],
            };
            f.0.insert(k.clone(), vals);
        }
        Some(f)
    }

    /// The first value of `name`, or "".
    pub(crate) fn get(&self, name: &str) -> &str {
        self.0
            .get(name)
            .and_then(|v| v.first())
            .map(String::as_str)
            .unwrap_or("")
    }

    pub(crate) fn all(&self, name: &str) -> &[String] {
        self.0.get(name).map(Vec::as_slice).unwrap_or(&[])
    }

    pub(crate) fn set(&mut self, name: &str, value: &str) {
        self.0.insert(name.to_owned(), vec![value.to_owned()]);
    }
}

fn scalar(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(if *b { "yes" } else { "no" }.to_owned()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_from_json_and_pairs_agree() {
        let j = serde_json::json!({"kinds": ["cashless", "other"], "people_helped": 3, "done": true, "x": null});
        let f = Fields::from_json(&j).unwrap();
        assert_eq!(f.all("kinds"), ["cashless", "other"]);
        assert_eq!(f.get("people_helped"), "3");
        assert_eq!(f.get("done"), "yes");
        assert_eq!(f.get("x"), "");
        let p = Fields::from_pairs(vec![
            ("kinds".into(), "cashless".into()),
            ("kinds".into(), "other".into()),
            ("people_helped".into(), "3".into()),
        ]);
        assert_eq!(p.all("kinds"), f.all("kinds"));
        assert_eq!(p.get("people_helped"), f.get("people_helped"));
    }
}
