//! `hocvuso demo-data --learners N`: a realistic synthetic province, clearly marked as demo.
//!
//! Villages are created for communes that have none (5–15 each). Learners get generated names ending in
//! "(demo)", `people.is_demo = TRUE`, no phone and no password (nobody can sign in as them), and are
//! spread unevenly over communes. Over the last `months` months they register, open and complete lessons
//! (≈ `lessons_per_learner` lesson events each), finish courses and get certificates; communes hold
//! classes that learners attend; community teams log activities; villages get households and checklist
//! items; people report scams. Everything is written as ordinary `stat_events` (so the data looks exactly
//! like real use) and folded into the aggregates through the same [`Cube`] rules as the live aggregator.
//! `demo_runs` gets a row, which puts a "demo data" banner on every dashboard.
mod events;
mod people;
mod rng;

use std::collections::HashMap;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};

use crate::db::bulk::{Bulk, Cell};
use crate::db::{Db, DbResult, now};
use crate::i18n::vn_time;
use crate::people::model::{CONSENT_VERSION, SEXES, TARGET_GROUPS};
use crate::stats::cube::{self, Cube};
use crate::stats::fold::write_cube;
use crate::stats::period::{DAY, Period};
use crate::units::model::{LEVEL_COMMUNE, Unit};
use events::*;
use people::*;
use rng::{Rng, seq_uuid};

#[derive(Debug, Clone)]
pub struct Options {
    pub learners: u64,
    /// Average lesson events (opened + completed) per learner.
    pub lessons_per_learner: u32,
    pub months: u32,
    pub seed: u64,
    pub progress: bool,
}

#[derive(Debug, Default)]
pub struct Summary {
    pub learners: u64,
    pub villages_created: usize,
    pub events: u64,
    pub lesson_events: u64,
    pub cells: usize,
    pub seconds: f64,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "demo data: {} learners, {} villages created, {} events ({} lesson events), {} aggregate cells, in {:.1} s",
            self.learners,
            self.villages_created,
            self.events,
            self.lesson_events,
            self.cells,
            self.seconds
        )
    }
}

struct Place {
    code: String,
    path: String,
    commune: usize,
}

/// Months of the window: (year, month, first second, last second + 1), oldest first.
fn months_window(months: u32, end: i64) -> Vec<(i32, u8, i64, i64)> {
    let today = vn_time(end).date();
    let mut y = today.year();
    let mut m = u8::from(today.month()) as i32 - (months as i32 - 1);
    while m < 1 {
        m += 12;
        y -= 1;
    }
    let offset = 7 * 3600;
    (0..months)
        .map(|_| {
            let p = Period::Month(y, m as u8);
            let start = p.first_day().midnight().assume_utc().unix_timestamp() - offset;
            let stop = p
                .last_day()
                .next_day()
                .unwrap_or(p.last_day())
                .midnight()
                .assume_utc()
                .unix_timestamp()
                - offset;
            let out = (y, m as u8, start, stop.min(end));
            m += 1;
            if m > 12 {
                m = 1;
                y += 1;
            }
            out
        })
        .collect()
}

fn bar(show: bool, len: u64, what: &str) -> ProgressBar {
    let b = if show {
        ProgressBar::new(len)
    } else {
        ProgressBar::hidden()
    };
    b.set_style(
        ProgressStyle::with_template(&format!(
            "{{bar:40}} {{pos}}/{{len}} {what} {{per_sec}} eta {{eta}}"
        ))
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    b
}

pub async fn generate(db: &Db, province: &Unit, opts: &Options) -> DbResult<Summary> {
    let started = Instant::now();
    let mut rng = Rng(opts.seed ^ 0x005E_ED0F_DA7A);
    let villages_created = ensure_villages(db, province, &mut rng).await?;

    // Places: communes and their villages.
    let units: Vec<Unit> = crate::units::store::subtree(db, &province.path)
        .await?
        .into_iter()
        .filter(|u| u.level > 1)
        .collect();
    let communes: Vec<&Unit> = units.iter().filter(|u| u.level == LEVEL_COMMUNE).collect();
    let commune_idx: HashMap<&str, usize> = communes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.code.as_str(), i))
        .collect();
    let places: Vec<Place> = units
        .iter()
        .filter_map(|u| {
            let c = if u.level == LEVEL_COMMUNE {
                commune_idx.get(u.code.as_str())
            } else {
                commune_idx.get(u.parent_code.as_deref().unwrap_or(""))
            };
            c.map(|c| Place {
                code: u.code.clone(),
                path: u.path.clone(),
                commune: *c,
            })
        })
        .collect();
    let mut commune_place = vec![0usize; communes.len()];
    let mut villages_of: Vec<Vec<usize>> = vec![Vec::new(); communes.len()];
    for (i, p) in places.iter().enumerate() {
        if p.path.trim_end_matches('/').matches('/').count() == 1 {
            commune_place[p.commune] = i;
        } else {
            villages_of[p.commune].push(i);
        }
    }
    // Communes differ a lot in size and uptake.
    let weights: Vec<f64> = (0..communes.len())
        .map(|_| 0.3 + 2.7 * rng.f().powi(2))
        .collect();
    let total_w: f64 = weights.iter().sum();

    let end = now();
    let window = months_window(opts.months.max(1), end);
    let day0 = (window[0].2 + 7 * 3600) / 86_400;
    let this_year = vn_time(end).year();
    let month_w: Vec<f64> = (0..window.len())
        .map(|i| 1.6 - i as f64 / window.len() as f64)
        .collect();
    let month_total: f64 = month_w.iter().sum();
    let time_in = |rng: &mut Rng, from: i64, to: i64| rng.range(from, to.max(from + 1));

    let id_ms = (end as u64) * 1000;
    let event_ms = id_ms + 1;
    let mut buckets: Vec<Vec<Ev>> = vec![Vec::new(); window.len()];
    let month_of = |at: i64| {
        window
            .iter()
            .position(|w| at >= w.2 && at < w.3)
            .unwrap_or(window.len() - 1)
    };
    let push = |buckets: &mut Vec<Vec<Ev>>, e: Ev| buckets[month_of(e.at)].push(e);

    // Learners, written as they are made.
    let mut bulk = Bulk::open(db).await?;
    let n = opts.learners;
    let pb = bar(opts.progress, n, "learners");
    let mut learners: Vec<Learner> = Vec::with_capacity(n as usize);
    let mut people_rows: Vec<Vec<Cell>> = Vec::with_capacity(20_000);
    let mut role_rows: Vec<Vec<Cell>> = Vec::with_capacity(20_000);
    let mut lesson_events = 0u64;
    let mut by_commune: Vec<Vec<u32>> = vec![Vec::new(); communes.len()];
    for i in 0..n {
        let mut r = rng.f() * total_w;
        let mut c = 0;
        while c + 1 < weights.len() && r >= weights[c] {
            r -= weights[c];
            c += 1;
        }
        let place = if !villages_of[c].is_empty() && rng.f() < 0.93 {
            *rng.pick(&villages_of[c])
        } else {
            commune_place[c]
        };
        let mut r = rng.f() * month_total;
        let mut mi = 0;
        while mi + 1 < month_w.len() && r >= month_w[mi] {
            r -= month_w[mi];
            mi += 1;
        }
        let reg_at = time_in(&mut rng, window[mi].2, window[mi].3);
        let age = match rng.f() {
            x if x < 0.05 => rng.range(10, 15),
            x if x < 0.23 => rng.range(15, 25),
            x if x < 0.48 => rng.range(25, 40),
            x if x < 0.78 => rng.range(40, 60),
            _ => rng.range(60, 88),
        };
        let tg = if age < 18 {
            3
        } else {
            match rng.f() {
                x if x < 0.72 => 0,
                x if x < 0.82 => 1,
                x if x < 0.91 && age < 35 => 2,
                x if x < 0.95 && age < 23 => 3,
                x if x > 0.96 => 4,
                _ => 0,
            }
        };
        let sex = match rng.f() {
            x if x < 0.51 => 0,
            x if x < 0.998 => 1,
            _ => 2,
        };
        let ethnic = if rng.f() < 0.86 {
            0
        } else {
            let mut r = rng.f();
            let mut k = 0;
            while k + 1 < MINORITIES.len() && r >= MINORITIES[k].1 {
                r -= MINORITIES[k].1;
                k += 1;
            }
            (k + 1) as u8
        };
        let birth = (this_year as i64 - age) as i16;
        let l = Learner {
            unit: place as u16,
            tg,
            sex,
            birth,
            ethnic,
            reg_at,
        };
        let pid = seq_uuid(id_ms, i);
        let (middle, given) = if sex == 0 {
            (rng.pick(&MIDDLE_F), rng.pick(&GIVEN_F))
        } else {
            (rng.pick(&MIDDLE_M), rng.pick(&GIVEN_M))
        };
        let name = format!("{} {middle} {given} (demo)", rng.pick(&FAMILY));
        let ethnic_name = if ethnic == 0 {
            "Kinh"
        } else {
            MINORITIES[(ethnic - 1) as usize].0
        };
        people_rows.push(vec![
            Cell::T(pid.clone()),
            Cell::Null,
            Cell::Null,
            Cell::T(name.clone()),
            Cell::I(i64::from(birth)),
            Cell::S(SEXES[sex as usize]),
            Cell::S(ethnic_name),
            Cell::T(places[place].code.clone()),
            Cell::S(TARGET_GROUPS[tg as usize]),
            Cell::I(reg_at),
            Cell::S(CONSENT_VERSION),
            Cell::T(format!("{} ", vntext::fold(&name))),
            Cell::I(reg_at),
            Cell::I(reg_at),
            Cell::Bool(true),
        ]);
        role_rows.push(vec![
            Cell::T(pid.clone()),
            Cell::S("learner"),
            Cell::T(places[place].code.clone()),
            Cell::T(pid),
            Cell::I(reg_at),
        ]);
        let me = i as u32;
        push(
            &mut buckets,
            Ev {
                at: reg_at,
                person: me,
                unit: place as u16,
                metric: M_REG,
                kind: 0,
                value: 1,
            },
        );
        // Lesson activity: engagement varies a lot between people (exponential, mean 1).
        let engagement = -(1.0 - rng.f()).ln();
        let k = ((opts.lessons_per_learner as f64) * engagement)
            .round()
            .min(opts.lessons_per_learner as f64 * 8.0) as u64;
        let mut made = 0;
        let mut done = 0;
        while made < k {
            let t = time_in(&mut rng, reg_at, end);
            push(
                &mut buckets,
                Ev {
                    at: t,
                    person: me,
                    unit: place as u16,
                    metric: M_OPEN,
                    kind: 0,
                    value: 1,
                },
            );
            made += 1;
            if made < k && rng.f() < 0.85 {
                let t2 = (t + rng.range(120, 1800)).min(end);
                push(
                    &mut buckets,
                    Ev {
                        at: t2,
                        person: me,
                        unit: place as u16,
                        metric: M_DONE,
                        kind: 0,
                        value: 1,
                    },
                );
                made += 1;
                done += 1;
                if done % 6 == 0 {
                    push(
                        &mut buckets,
                        Ev {
                            at: t2,
                            person: me,
                            unit: place as u16,
                            metric: M_COURSE,
                            kind: 0,
                            value: 1,
                        },
                    );
                    if rng.f() < 0.9 {
                        push(
                            &mut buckets,
                            Ev {
                                at: t2,
                                person: me,
                                unit: place as u16,
                                metric: M_CERT,
                                kind: 0,
                                value: 1,
                            },
                        );
                    }
                }
            }
        }
        lesson_events += made;
        by_commune[c].push(me);
        learners.push(l);
        if people_rows.len() >= 20_000 {
            flush_people(&mut bulk, &mut people_rows, &mut role_rows).await?;
        }
        pb.inc(1);
    }
    flush_people(&mut bulk, &mut people_rows, &mut role_rows).await?;
    pb.finish_and_clear();

    // Classes, team activities, households and scam reports, commune by commune and month by month.
    let mut people_in_place = vec![0u64; places.len()];
    for l in &learners {
        people_in_place[l.unit as usize] += 1;
    }
    for (c, members) in by_commune.iter().enumerate() {
        let spots: Vec<usize> = if villages_of[c].is_empty() {
            vec![commune_place[c]]
        } else {
            villages_of[c].clone()
        };
        for w in &window {
            for _ in 0..rng.poisson(3.0 + members.len() as f64 / 4000.0) {
                let at = time_in(&mut rng, w.2, w.3);
                let unit = *rng.pick(&spots) as u16;
                push(
                    &mut buckets,
                    Ev {
                        at,
                        person: NONE,
                        unit,
                        metric: M_CLASS,
                        kind: 0,
                        value: 1,
                    },
                );
                for _ in 0..rng.range(8, 26) {
                    if members.is_empty() {
                        break;
                    }
                    let p = *rng.pick(members);
                    if learners[p as usize].reg_at <= at {
                        let unit = learners[p as usize].unit;
                        push(
                            &mut buckets,
                            Ev {
                                at,
                                person: p,
                                unit,
                                metric: M_ATTEND,
                                kind: 0,
                                value: 1,
                            },
                        );
                    }
                }
            }
            for _ in 0..rng.poisson(members.len() as f64 / 2000.0) {
                let at = time_in(&mut rng, w.2, w.3);
                let p = if members.is_empty() {
                    NONE
                } else {
                    *rng.pick(members)
                };
                let unit = if p == NONE {
                    commune_place[c] as u16
                } else {
                    learners[p as usize].unit
                };
                let person = if p != NONE && learners[p as usize].reg_at <= at {
                    p
                } else {
                    NONE
                };
                let kind = (rng.below(SCAM_TYPES.len() as u64) + 1) as u8;
                push(
                    &mut buckets,
                    Ev {
                        at,
                        person,
                        unit,
                        metric: M_SCAM,
                        kind,
                        value: 1,
                    },
                );
            }
        }
    }
    for (place, count) in people_in_place.iter().enumerate() {
        if places[place]
            .path
            .trim_end_matches('/')
            .matches('/')
            .count()
            < 2
        {
            continue;
        }
        let households = (count / 2 + 20) as usize;
        for _ in 0..households {
            let created = time_in(&mut rng, window[0].2, window[0].3);
            push(
                &mut buckets,
                Ev {
                    at: created,
                    person: NONE,
                    unit: place as u16,
                    metric: M_HOUSEHOLD,
                    kind: 0,
                    value: 1,
                },
            );
            for (k, (_, p)) in CHECKLIST_ITEMS.iter().enumerate() {
                if rng.f() < *p {
                    let at = time_in(&mut rng, created, end);
                    push(
                        &mut buckets,
                        Ev {
                            at,
                            person: NONE,
                            unit: place as u16,
                            metric: M_CHECK,
                            kind: (k + 1) as u8,
                            value: 1,
                        },
                    );
                }
            }
        }
        for w in &window {
            for _ in 0..rng.poisson(2.0 + *count as f64 / 300.0) {
                let at = time_in(&mut rng, w.2, w.3);
                let kind = (rng.below(ACTIVITY_KINDS.len() as u64) + 1) as u8;
                let helped = rng.range(1, 4) as i16;
                push(
                    &mut buckets,
                    Ev {
                        at,
                        person: NONE,
                        unit: place as u16,
                        metric: M_TEAM,
                        kind,
                        value: helped,
                    },
                );
                push(
                    &mut buckets,
                    Ev {
                        at,
                        person: NONE,
                        unit: place as u16,
                        metric: M_HELPED,
                        kind: 0,
                        value: 1,
                    },
                );
            }
        }
    }

    // Events, month by month in time order (ids follow time, so both indexes grow at the end).
    let total_events: u64 = buckets.iter().map(|b| b.len() as u64).sum();
    let pb = bar(opts.progress, total_events, "events");
    let mut reducer = Reducer {
        active: vec![0; learners.len()],
        ..Reducer::default()
    };
    let cols = [
        "id",
        "metric",
        "unit_code",
        "unit_path",
        "person_id",
        "target_group",
        "sex",
        "birth_year",
        "ethnic_minority",
        "value",
        "at",
        "kind",
    ];
    let mut seq = 0u64;
    for bucket in &mut buckets {
        bucket.sort_by_key(|e| e.at);
        for chunk in bucket.chunks(50_000) {
            let rows: Vec<Vec<Cell>> = chunk
                .iter()
                .map(|e| {
                    reducer.add(e, &learners, &window, day0);
                    seq += 1;
                    let place = &places[e.unit as usize];
                    let mut row = vec![
                        Cell::T(seq_uuid(event_ms, seq)),
                        Cell::S(METRICS[e.metric as usize]),
                        Cell::T(place.code.clone()),
                        Cell::T(place.path.clone()),
                    ];
                    if e.person == NONE {
                        row.extend([Cell::Null, Cell::Null, Cell::Null, Cell::Null, Cell::Null]);
                    } else {
                        let l = &learners[e.person as usize];
                        row.extend([
                            Cell::T(seq_uuid(id_ms, u64::from(e.person))),
                            Cell::S(TARGET_GROUPS[l.tg as usize]),
                            Cell::S(SEXES[l.sex as usize]),
                            Cell::I(i64::from(l.birth)),
                            Cell::I(i64::from(l.ethnic != 0)),
                        ]);
                    }
                    row.push(Cell::I(i64::from(e.value)));
                    row.push(Cell::I(e.at));
                    row.push(kind_name(e.metric, e.kind).map_or(Cell::Null, Cell::S));
                    row
                })
                .collect();
            bulk.insert("stat_events", &cols, &rows).await?;
            pb.inc(chunk.len() as u64);
        }
        bucket.clear();
        bucket.shrink_to_fit();
    }
    pb.finish_and_clear();

    // Active months: masks per person and year, and the "first activity" cells.
    let mut active_rows: Vec<Vec<Cell>> = Vec::new();
    let mut active_cells: HashMap<(u16, usize, u64, [bool; 3]), i64> = HashMap::new();
    let pb = bar(opts.progress, learners.len() as u64, "active people");
    for (i, l) in learners.iter().enumerate() {
        let bits = reducer.active[i];
        if bits != 0 {
            let mut year_masks: Vec<(i32, i64)> = Vec::new();
            for (mi, w) in window.iter().enumerate() {
                if bits & (1 << mi) == 0 {
                    continue;
                }
                let slot = match year_masks.iter().position(|(y, _)| *y == w.0) {
                    Some(s) => s,
                    None => {
                        year_masks.push((w.0, 0));
                        year_masks.len() - 1
                    }
                };
                let (new, next) = cube::mark_active(year_masks[slot].1, w.1);
                year_masks[slot].1 = next;
                *active_cells
                    .entry((l.unit, mi, dims_code(l, w.0), new))
                    .or_insert(0) += 1;
            }
            for (y, mask) in year_masks {
                active_rows.push(vec![
                    Cell::T(seq_uuid(id_ms, i as u64)),
                    Cell::I(i64::from(y)),
                    Cell::T(places[l.unit as usize].path.clone()),
                    Cell::I(mask),
                ]);
            }
        }
        if active_rows.len() >= 50_000 {
            bulk.insert(
                "stat_active",
                &["person_id", "year", "unit_path", "months"],
                &active_rows,
            )
            .await?;
            active_rows.clear();
        }
        pb.inc(1);
    }
    bulk.insert(
        "stat_active",
        &["person_id", "year", "unit_path", "months"],
        &active_rows,
    )
    .await?;
    pb.finish_and_clear();

    // The cube, through the same rules as the live aggregator.
    let chains: Vec<Vec<&str>> = places.iter().map(|p| cube::path_units(&p.path)).collect();
    let mut cube = Cube::default();
    for (key, (cnt, sum)) in &reducer.days {
        let unit = (key >> 32) as usize;
        let m = ((key >> 24) & 0xff) as usize;
        let day = time::Date::from_julian_day((day0 + (key & 0xff_ffff) as i64 + 2_440_588) as i32)
            .unwrap_or(time::Date::MIN);
        cube.add_day(
            &chains[unit],
            METRICS[m],
            &Period::of_date(DAY, day).key(),
            *cnt,
            *sum,
        );
    }
    for (key, (cnt, sum)) in &reducer.months {
        let unit = (key >> 48) as usize;
        let m = ((key >> 40) & 0xff) as u8;
        let kind = kind_name(m, ((key >> 32) & 0xff) as u8);
        let w = &window[((key >> 24) & 0xff) as usize];
        let dims = decode_dims(key & 0xff_ffff);
        cube.add_periods(
            &chains[unit],
            METRICS[m as usize],
            (w.0, w.1),
            dims.as_ref(),
            kind,
            *cnt,
            *sum,
        );
    }
    for ((unit, mi, dims, new), count) in &active_cells {
        if let Some(d) = decode_dims(*dims) {
            let w = &window[*mi];
            cube.add_active(&chains[*unit as usize], (w.0, w.1), *new, &d, *count);
        }
    }
    let cells = cube.len();
    let pb = bar(opts.progress, 1, "writing aggregates");
    let mut tx = db.begin().await?;
    write_cube(&mut tx, &cube).await?;
    super::store::insert_demo_run(&mut tx, n as i64, total_events as i64).await?;
    // The aggregates changed without the aggregator: move its version so cached figures are dropped.
    crate::stats::store::fold::mark_processed(
        &mut tx,
        crate::stats::fold::JOB,
        total_events as i64,
        None,
    )
    .await?;
    crate::stats::changed(&mut tx);
    tx.commit().await?;
    pb.finish_and_clear();
    bulk.analyze().await?;
    Ok(Summary {
        learners: n,
        villages_created,
        events: total_events,
        lesson_events,
        cells,
        seconds: started.elapsed().as_secs_f64(),
    })
}

async fn flush_people(
    bulk: &mut Bulk,
    people: &mut Vec<Vec<Cell>>,
    roles: &mut Vec<Vec<Cell>>,
) -> DbResult<()> {
    bulk.insert(
        "people",
        &[
            "id",
            "phone",
            "password_hash",
            "full_name",
            "birth_year",
            "sex",
            "ethnic_group",
            "unit_code",
            "target_group",
            "consent_at",
            "consent_version",
            "search_key",
            "created_at",
            "updated_at",
            "is_demo",
        ],
        people,
    )
    .await?;
    bulk.insert(
        "roles",
        &["person_id", "role", "unit_code", "granted_by", "granted_at"],
        roles,
    )
    .await?;
    people.clear();
    roles.clear();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_covers_months_in_order() {
        let w = months_window(12, 1_750_000_000);
        assert_eq!(w.len(), 12);
        assert!(w.windows(2).all(|p| p[0].3 == p[1].2));
        assert_eq!((w[11].0, w[11].1), (2025, 6));
    }
}
