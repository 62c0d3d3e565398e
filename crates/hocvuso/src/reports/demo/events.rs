//! The demo's events in compact form, and their reduction into the cube's day and month cells.
use std::collections::HashMap;

use crate::people::model::{SEXES, TARGET_GROUPS};
use crate::stats::cube::{self, AGE_BANDS, ETHNIC_VALUES, PersonDims};
use crate::stats::metric;

pub(super) const METRICS: [&str; 12] = [
    metric::PERSON_REGISTERED,
    metric::LESSON_OPENED,
    metric::LESSON_COMPLETED,
    metric::COURSE_COMPLETED,
    metric::CERTIFICATE_ISSUED,
    metric::CLASS_HELD,
    metric::CLASS_ATTENDANCE,
    metric::TEAM_ACTIVITY,
    metric::HOUSEHOLD_HELPED,
    metric::HOUSEHOLD_CHECK,
    metric::HOUSEHOLD_COUNT,
    metric::SCAM_REPORT,
];
pub(super) const M_REG: u8 = 0;
pub(super) const M_OPEN: u8 = 1;
pub(super) const M_DONE: u8 = 2;
pub(super) const M_COURSE: u8 = 3;
pub(super) const M_CERT: u8 = 4;
pub(super) const M_CLASS: u8 = 5;
pub(super) const M_ATTEND: u8 = 6;
pub(super) const M_TEAM: u8 = 7;
pub(super) const M_HELPED: u8 = 8;
pub(super) const M_CHECK: u8 = 9;
pub(super) const M_HOUSEHOLD: u8 = 10;
pub(super) const M_SCAM: u8 = 11;

pub(super) const ACTIVITY_KINDS: [&str; 6] = [
    "vneid_install",
    "vneid_level2",
    "online_dossier",
    "cashless_setup",
    "scam_warning",
    "smartphone_basics",
];
pub(super) const CHECKLIST_ITEMS: [(&str, f64); 4] = [
    ("smartphone", 0.93),
    ("internet", 0.73),
    ("vneid", 0.66),
    ("cashless", 0.48),
];
pub(super) const SCAM_TYPES: [&str; 6] = [
    "impersonation_police",
    "fake_bank",
    "prize",
    "job_offer",
    "otp_request",
    "investment",
];

/// Kind names by metric index (index 0 = no kind; kinds are stored +1).
pub(super) fn kind_name(m: u8, k: u8) -> Option<&'static str> {
    if k == 0 {
        return None;
    }
    let i = (k - 1) as usize;
    match m {
        M_TEAM => ACTIVITY_KINDS.get(i).copied(),
        M_CHECK => CHECKLIST_ITEMS.get(i).map(|c| c.0),
        M_SCAM => SCAM_TYPES.get(i).copied(),
        _ => None,
    }
}

pub(super) const NONE: u32 = u32::MAX;

#[derive(Clone, Copy)]
pub(super) struct Ev {
    pub(super) at: i64,
    pub(super) person: u32,
    pub(super) unit: u16,
    pub(super) metric: u8,
    pub(super) kind: u8,
    pub(super) value: i16,
}

pub(super) struct Learner {
    pub(super) unit: u16,
    pub(super) tg: u8,
    pub(super) sex: u8,
    pub(super) birth: i16,
    pub(super) ethnic: u8,
    pub(super) reg_at: i64,
}

#[derive(Default)]
pub(super) struct Reducer {
    /// (unit, metric, day) → (events, sum)
    pub(super) days: HashMap<u64, (i64, i64)>,
    /// (unit, metric, kind, month, person dims) → (events, sum)
    pub(super) months: HashMap<u64, (i64, i64)>,
    /// Active months of each learner (bit = month index in the window).
    pub(super) active: Vec<u32>,
}

pub(super) fn dims_code(l: &Learner, year: i32) -> u64 {
    let age = AGE_BANDS
        .iter()
        .position(|a| *a == cube::age_band(Some(i64::from(l.birth)), year))
        .unwrap_or(5) as u64;
    let eth = if l.ethnic == 0 { 1 } else { 0 };
    1 | (l.tg as u64) << 1 | (l.sex as u64) << 4 | age << 6 | eth << 9
}

pub(super) fn decode_dims(code: u64) -> Option<PersonDims> {
    (code & 1 == 1).then(|| PersonDims {
        target_group: TARGET_GROUPS[((code >> 1) & 7) as usize].to_owned(),
        sex: SEXES[((code >> 4) & 3) as usize].to_owned(),
        age: AGE_BANDS[((code >> 6) & 7) as usize],
        ethnic: ETHNIC_VALUES[((code >> 9) & 3) as usize],
    })
}

impl Reducer {
    pub(super) fn add(
        &mut self,
        e: &Ev,
        learners: &[Learner],
        window: &[(i32, u8, i64, i64)],
        day0: i64,
    ) {
        let day = ((e.at + 7 * 3600) / 86_400 - day0) as u64;
        let mi = window
            .iter()
            .position(|w| e.at >= w.2 && e.at < w.3)
            .unwrap_or(window.len() - 1);
        let v = i64::from(e.value);
        let d = self
            .days
            .entry((e.unit as u64) << 32 | (e.metric as u64) << 24 | day)
            .or_insert((0, 0));
        d.0 += 1;
        d.1 += v;
        let person = (e.person != NONE).then(|| &learners[e.person as usize]);
        let dims = person.map_or(0, |l| dims_code(l, window[mi].0));
        let key = (e.unit as u64) << 48
            | (e.metric as u64) << 40
            | (e.kind as u64) << 32
            | (mi as u64) << 24
            | dims;
        let m = self.months.entry(key).or_insert((0, 0));
        m.0 += 1;
        m.1 += v;
        if person.is_some() && matches!(e.metric, M_OPEN | M_DONE | M_COURSE | M_CERT | M_ATTEND) {
            self.active[e.person as usize] |= 1 << mi;
        }
    }
}
