//! Compiling `signals.toml`.

use std::collections::HashMap;

use toml::Spanned;

use super::schema::SignalsFile;
use super::{Advice, COMPUTED, Computed, Scoring, Signal, SignalKind, is_lesson_link};
use crate::RulesError;
use crate::domain::DomainRules;
use crate::error::Reporter;
use crate::pattern::{self, Matcher, Pattern, Seq, fold_pattern_phrase, fold_phrase};

const PLACEHOLDERS: [&str; 5] = ["domain", "official", "name", "kind", "number"];

pub(super) fn lesson(s: &Spanned<String>, rep: &Reporter<'_>) -> Result<String, RulesError> {
    if is_lesson_link(s.get_ref()) {
        Ok(s.get_ref().clone())
    } else {
        Err(rep.at(
            s.span(),
            format!(
                "lesson link \"{}\" must look like \"course-slug/lesson-slug\"",
                s.get_ref()
            ),
        ))
    }
}

/// Signal metadata (no patterns yet: those need the brands from domains.toml).
pub(super) fn signals(file: &SignalsFile, rep: &Reporter<'_>) -> Result<Vec<Signal>, RulesError> {
    let mut out: Vec<Signal> = Vec::new();
    for s in &file.signals {
        let def = s.get_ref();
        let at = |msg: String| rep.at(s.span(), format!("signal \"{}\": {msg}", def.code));
        if def.code.is_empty()
            || !def
                .code
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            return Err(at(
                "code must be lowercase ASCII letters, digits or _".into()
            ));
        }
        if out.iter().any(|o| o.code == def.code) {
            return Err(at("defined twice".into()));
        }
        let weight_ok = if def.kind == SignalKind::Safe {
            (-1.0..0.0).contains(&def.weight)
        } else if def.kind == SignalKind::Offer {
            def.weight == 0.0
        } else {
            def.weight > 0.0 && def.weight <= 1.0
        };
        if !weight_ok {
            return Err(at(format!(
                "weight {} out of range (safe signals: -1 < w < 0, offer: 0, others: 0 < w <= 1)",
                def.weight
            )));
        }
        for text in [&def.message_vi, &def.message_en] {
            if text.trim().is_empty() {
                return Err(at("empty message".into()));
            }
            check_placeholders(text).map_err(at)?;
        }
        let computed = COMPUTED.iter().any(|(c, _)| *c == def.code);
        let combo = !def.requires.is_empty();
        if combo
            && !matches!(
                def.kind,
                SignalKind::Request | SignalKind::Pressure | SignalKind::Lure
            )
        {
            return Err(at(
                "requires only applies to request, pressure or lure signals".into(),
            ));
        }
        let needs_patterns = !computed && !def.kind.is_hard() && !combo;
        if needs_patterns && def.patterns.is_empty() {
            return Err(at("needs at least one pattern".into()));
        }
        if !needs_patterns && !def.patterns.is_empty() {
            return Err(at(
                "is computed (from links, numbers, the sender or other signals) and takes no patterns"
                    .into(),
            ));
        }
        if def.family.is_some()
            && (matches!(def.kind, SignalKind::Safe | SignalKind::Offer) || def.kind.is_hard())
        {
            return Err(at(
                "family only applies to phrase signals that raise the score".into(),
            ));
        }
        if def.include_brands && def.claims.is_none() {
            return Err(at("include_brands needs claims = \"<kind>\"".into()));
        }
        out.push(Signal {
            code: def.code.clone(),
            kind: def.kind,
            weight: def.weight,
            message_vi: def.message_vi.clone(),
            message_en: def.message_en.clone(),
            learn: lesson(&def.learn, rep)?,
            negatable: def.negatable,
            claims: None,
            family: def.family.clone(),
            requires: Vec::new(),
            offer: def.offer,
            in_ads: def.in_ads,
        });
    }
    Ok(out)
}

fn check_placeholders(text: &str) -> Result<(), String> {
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| "'{' without '}' in message".to_owned())?;
        let name = &after[..close];
        if !PLACEHOLDERS.contains(&name) {
            return Err(format!(
                "unknown placeholder {{{name}}} (use {})",
                PLACEHOLDERS.map(|p| format!("{{{p}}}")).join(", ")
            ));
        }
        rest = &after[close + 1..];
    }
    Ok(())
}

/// `requires = [...]` names other phrase signals; resolved to indices once all are known.
pub(super) fn resolve_requires(
    file: &SignalsFile,
    rep: &Reporter<'_>,
    signals: &mut [Signal],
) -> Result<(), RulesError> {
    for (i, def) in file.signals.iter().enumerate() {
        let mut req = Vec::new();
        for code in &def.get_ref().requires {
            let j = signals
                .iter()
                .position(|s| {
                    &s.code == code
                        && !s.kind.is_hard()
                        && !matches!(s.kind, SignalKind::Safe | SignalKind::Offer)
                })
                .filter(|&j| j != i && file.signals[j].get_ref().requires.is_empty())
                .ok_or_else(|| {
                    rep.at(
                        def.span(),
                        format!(
                            "signal \"{}\": requires \"{code}\", which is not another phrase signal that raises the score",
                            def.get_ref().code
                        ),
                    )
                })?;
            req.push(j);
        }
        signals[i].requires = req;
    }
    Ok(())
}

pub(super) fn resolve_claims(
    file: &SignalsFile,
    rep: &Reporter<'_>,
    signals: &mut [Signal],
    domains: &DomainRules,
) -> Result<(), RulesError> {
    for (def, sig) in file.signals.iter().zip(signals.iter_mut()) {
        if let Some(claim) = &def.get_ref().claims {
            let kind = domains.kinds.iter().position(|k| &k.name == claim);
            sig.claims = Some(kind.ok_or_else(|| {
                rep.at(
                    def.span(),
                    format!(
                        "signal \"{}\": claims unknown kind \"{claim}\" (kinds are defined in domains.toml)",
                        sig.code
                    ),
                )
            })?);
        }
    }
    Ok(())
}

pub(super) fn computed(
    signals: &[Signal],
    file: &SignalsFile,
    rep: &Reporter<'_>,
) -> Result<Computed, RulesError> {
    let find = |code: &str| -> Result<usize, RulesError> {
        let kind = COMPUTED.iter().find(|(c, _)| *c == code).map(|(_, k)| *k);
        signals
            .iter()
            .position(|s| s.code == code && Some(s.kind) == kind)
            .ok_or_else(|| {
                let line_hint = file.signals.last().map_or(0..0, |s| s.span());
                rep.at(
                    line_hint,
                    format!(
                        "missing signal \"{code}\" of kind \"{}\" (raised by the checker itself)",
                        kind.map_or("link", kind_name)
                    ),
                )
            })
    };
    Ok(Computed {
        claim_mismatch: find("link_claim_mismatch")?,
        claim_mobile: find("claim_mobile_number")?,
        idn: find("link_idn")?,
        shortener: find("link_shortener")?,
        ip: find("link_ip")?,
        apk: find("link_apk")?,
        risky_tld: find("link_risky_tld")?,
        unknown: find("link_unknown")?,
        official: find("link_official")?,
        community_number: find("community_number")?,
        community_domain: find("community_domain")?,
        sender_known: find("sender_known")?,
        sender_personal: find("sender_personal")?,
        model_scam: find("model_scam")?,
        model_genuine: find("model_genuine")?,
        public_notice: signals
            .iter()
            .position(|s| s.code == "public_notice" && s.kind == SignalKind::Safe),
        balance_notice: signals
            .iter()
            .position(|s| s.code == "balance_notice" && s.kind == SignalKind::Safe),
        unrequested_charge: signals
            .iter()
            .position(|s| s.code == "unrequested_charge" && s.kind == SignalKind::Lure),
        charge_cancel: signals
            .iter()
            .position(|s| s.code == "charge_cancel" && !s.requires.is_empty()),
    })
}

fn kind_name(k: SignalKind) -> &'static str {
    match k {
        SignalKind::Request => "request",
        SignalKind::Impersonation => "impersonation",
        SignalKind::Pressure => "pressure",
        SignalKind::Lure => "lure",
        SignalKind::Safe => "safe",
        SignalKind::Offer => "offer",
        SignalKind::Link => "link",
        SignalKind::Community => "community",
    }
}

pub(super) fn patterns(
    file: &SignalsFile,
    rep: &Reporter<'_>,
    domains: &DomainRules,
) -> Result<Matcher, RulesError> {
    let mut groups: HashMap<String, Vec<Seq>> = HashMap::new();
    for (name, phrases) in &file.groups {
        let seqs: Vec<Seq> = phrases
            .get_ref()
            .iter()
            .map(|p| fold_pattern_phrase(p))
            .collect();
        if seqs.is_empty() || seqs.iter().any(Vec::is_empty) {
            return Err(rep.at(phrases.span(), format!("group {name} has an empty phrase")));
        }
        groups.insert(name.clone(), seqs);
    }
    let gap = *file.scoring.default_gap.get_ref();
    let mut out = Vec::new();
    for (index, s) in file.signals.iter().enumerate() {
        let def = s.get_ref();
        for p in &def.patterns {
            let items = pattern::parse(p.get_ref(), &groups, gap)
                .map_err(|e| rep.at(p.span(), format!("signal \"{}\": {e}", def.code)))?;
            out.push(Pattern {
                signal: index,
                items,
                source: p.get_ref().as_str().into(),
            });
        }
        if def.include_brands
            && let Some(claim) = &def.claims
        {
            out.extend(brand_patterns(domains, claim, index));
        }
    }
    Ok(Matcher::new(out))
}

/// Brand words of a kind ("vietcombank", "momo") as single-word patterns, so adding a bank to
/// domains.toml also teaches the checker to recognise messages speaking in its name.
fn brand_patterns(domains: &DomainRules, kind: &str, signal: usize) -> Vec<Pattern> {
    let Some(k) = domains.kinds.iter().position(|x| x.name == kind) else {
        return Vec::new();
    };
    domains
        .officials
        .iter()
        .filter(|o| o.kind == k)
        .flat_map(|o| &o.brands)
        .filter(|b| b.len() >= 3)
        .map(|b| Pattern {
            signal,
            items: vec![pattern::Item::Alt(vec![fold_phrase(b)])],
            source: format!("{b} (brand in domains.toml)").into(),
        })
        .collect()
}

pub(super) fn scoring(file: &SignalsFile, rep: &Reporter<'_>) -> Result<Scoring, RulesError> {
    let s = &file.scoring;
    let (scam, suspicious, cap) = (
        *s.scam.get_ref(),
        *s.suspicious.get_ref(),
        *s.safe_cap.get_ref(),
    );
    if !(0.0 < suspicious && suspicious < scam && scam <= 1.0) {
        return Err(rep.at(s.suspicious.span(), "need 0 < suspicious < scam <= 1"));
    }
    if !(0.0..1.0).contains(&cap) {
        return Err(rep.at(s.safe_cap.span(), "safe_cap must be in 0..1"));
    }
    let gap = *s.default_gap.get_ref();
    if !(1..=10).contains(&gap) {
        return Err(rep.at(s.default_gap.span(), "default_gap must be 1..=10"));
    }
    let window = *s.negation_window.get_ref();
    if window > 10 {
        return Err(rep.at(
            s.negation_window.span(),
            "negation_window must be at most 10",
        ));
    }
    Ok(Scoring {
        scam,
        suspicious,
        safe_cap: cap,
        negation_window: window,
        negations: s
            .negations
            .iter()
            .map(|n| fold_phrase(n))
            .filter(|q| !q.is_empty())
            .collect(),
        cancel_before: s
            .negation_cancel_before
            .iter()
            .flat_map(|w| fold_phrase(w))
            .collect(),
    })
}

pub(super) fn advice(file: &SignalsFile, rep: &Reporter<'_>) -> Result<[Advice; 5], RulesError> {
    let one = |a: &super::schema::AdviceDef| -> Result<Advice, RulesError> {
        Ok(Advice {
            vi: a.vi.clone(),
            en: a.en.clone(),
            learn: lesson(&a.learn, rep)?,
        })
    };
    // In the order of `Level::index`.
    Ok([
        one(&file.advice.safe)?,
        one(&file.advice.advertising)?,
        one(&file.advice.no_record)?,
        one(&file.advice.suspicious)?,
        one(&file.advice.scam)?,
    ])
}
