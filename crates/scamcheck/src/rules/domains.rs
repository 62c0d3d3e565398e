//! Compiling `domains.toml`.

use std::collections::HashMap;

use toml::Spanned;

use super::schema::DomainsFile;
use super::{Signal, SignalKind};
use crate::RulesError;
use crate::domain::{DomainLists, DomainRules, Kind, Official};
use crate::error::Reporter;

pub(super) fn compile(
    file: DomainsFile,
    rep: &Reporter<'_>,
    signals: &[Signal],
) -> Result<DomainRules, RulesError> {
    let mut kinds = Vec::new();
    for k in &file.kinds {
        let def = k.get_ref();
        if kinds.iter().any(|x: &Kind| x.name == def.name) {
            return Err(rep.at(k.span(), format!("kind \"{}\" defined twice", def.name)));
        }
        let lookalike_signal = signals
            .iter()
            .position(|s| s.code == def.lookalike_code && s.kind == SignalKind::Link)
            .ok_or_else(|| {
                rep.at(
                    k.span(),
                    format!(
                        "lookalike_code \"{}\" is not a signal of kind \"link\" in signals.toml",
                        def.lookalike_code
                    ),
                )
            })?;
        kinds.push(Kind {
            name: def.name.clone(),
            label_vi: def.label_vi.clone(),
            label_en: def.label_en.clone(),
            vouch: def.vouch,
            strict: def.strict,
            lookalike_signal,
            ads: def.ads,
        });
    }

    let mut officials = Vec::new();
    let mut senders: HashMap<String, usize> = HashMap::new();
    for o in &file.officials {
        let def = o.get_ref();
        let kind = kinds
            .iter()
            .position(|k| k.name == def.kind)
            .ok_or_else(|| rep.at(o.span(), format!("unknown kind \"{}\"", def.kind)))?;
        if def.domains.is_empty() {
            return Err(rep.at(o.span(), format!("\"{}\" has no domains", def.name)));
        }
        let domains = def
            .domains
            .iter()
            .map(|d| domain_name(d, rep))
            .collect::<Result<Vec<_>, _>>()?;
        let brands = def
            .brands
            .iter()
            .map(|b| word(b, rep, "brand"))
            .collect::<Result<Vec<_>, _>>()?;
        // A registry entry without a source cannot be re-checked, and a wrong one makes a scam look
        // safe: the source is required and must say where to look.
        let source = def.source.get_ref().trim();
        if source.len() < 8 {
            return Err(rep.at(
                def.source.span(),
                format!(
                    "\"{}\": source must name where the entry was checked (a URL or a document)",
                    def.name
                ),
            ));
        }
        for (list, what) in [
            (&def.sms_names, "sms name"),
            (&def.short_codes, "short code"),
        ] {
            for n in list {
                let key = crate::domain::sender_key(n.get_ref());
                let digits = key.bytes().all(|b| b.is_ascii_digit());
                let ok = match what {
                    "short code" => digits && (3..=11).contains(&key.len()),
                    _ => (2..=20).contains(&key.len()),
                };
                if !ok {
                    return Err(rep.at(
                        n.span(),
                        format!("{what} \"{}\" is not valid (short codes: 3–11 digits; names: 2–20 letters or digits)", n.get_ref()),
                    ));
                }
                if let Some(&other) = senders.get(&key)
                    && other != officials.len()
                {
                    return Err(rep.at(
                        n.span(),
                        format!(
                            "{what} \"{}\" is already listed for another entry",
                            n.get_ref()
                        ),
                    ));
                }
                senders.insert(key, officials.len());
            }
        }
        officials.push(Official {
            kind,
            name: def.name.clone(),
            domains,
            brands,
        });
    }

    let (single, multi) = homoglyphs(&file, rep)?;
    let lists = DomainLists {
        two_level: all(&file.two_level_suffixes, |s| domain_name(s, rep))?,
        tlds: all(&file.tlds, |s| word(s, rep, "ending"))?,
        risky: all(&file.risky_tlds, |s| word(s, rep, "ending"))?,
        shorteners: all(&file.shorteners, |s| domain_name(s, rep))?,
        app_links: all(&file.app_link_hosts, |s| domain_name(s, rep))?,
        extra: all(&file.extra_words, |s| word(s, rep, "extra word"))?,
        single,
        multi,
    };
    let mut rules = DomainRules::new(kinds, officials, lists);
    rules.senders = senders;
    Ok(rules)
}

fn all(
    items: &[Spanned<String>],
    f: impl Fn(&Spanned<String>) -> Result<String, RulesError>,
) -> Result<Vec<String>, RulesError> {
    items.iter().map(f).collect()
}

/// A lowercase ASCII host name such as "vietcombank.com.vn" (no scheme, no path).
fn domain_name(s: &Spanned<String>, rep: &Reporter<'_>) -> Result<String, RulesError> {
    let v = s.get_ref();
    let ok = v.contains('.')
        && v.split('.').all(|l| {
            !l.is_empty()
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        });
    if ok {
        Ok(v.clone())
    } else {
        Err(rep.at(
            s.span(),
            format!("\"{v}\" is not a lowercase domain name like \"example.com.vn\""),
        ))
    }
}

/// A lowercase ASCII word (letters, digits, dashes).
fn word(s: &Spanned<String>, rep: &Reporter<'_>, what: &str) -> Result<String, RulesError> {
    let v = s.get_ref();
    if !v.is_empty()
        && v.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        Ok(v.clone())
    } else {
        Err(rep.at(
            s.span(),
            format!("{what} \"{v}\" must be lowercase ASCII letters, digits or -"),
        ))
    }
}

type Homoglyphs = (HashMap<char, char>, Vec<(String, String)>);

/// One-character entries become a character map; longer ones ("rn" → "m") are replaced in order.
fn homoglyphs(file: &DomainsFile, rep: &Reporter<'_>) -> Result<Homoglyphs, RulesError> {
    let mut single = HashMap::new();
    let mut multi = Vec::new();
    for (from, to) in &file.homoglyphs {
        let target = to.get_ref();
        if target.chars().count() != 1 || !target.is_ascii() {
            return Err(rep.at(
                to.span(),
                format!("homoglyph \"{from}\" must map to one ASCII letter, not \"{target}\""),
            ));
        }
        let mut chars = from.chars();
        match (chars.next(), chars.next(), target.chars().next()) {
            (Some(c), None, Some(t)) => {
                single.insert(c, t);
            }
            (Some(_), Some(_), _) => multi.push((from.clone(), target.clone())),
            _ => return Err(rep.at(to.span(), "empty homoglyph")),
        }
    }
    Ok((single, multi))
}
