//! Coverage: how much of a unit's households the teams have reached.
use super::*;

#[derive(Debug, Clone, sqlx::FromRow)]
pub(super) struct VillageTotals {
    code: String,
    name: String,
    households: i64,
    people_helped: i64,
    activities: i64,
    active_members: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub(super) struct ItemCount {
    village_code: String,
    item: String,
    n: i64,
}

/// One village's coverage: households, how many have each checklist item, people helped, members active.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Coverage {
    pub code: String,
    pub name: String,
    pub households: i64,
    /// Households with each item done, in [`CHECK_ITEMS`] order.
    pub items: Vec<i64>,
    pub people_helped: i64,
    pub activities: i64,
    /// Members who logged an activity in the village in the last 90 days.
    pub active_members: i64,
}

impl Coverage {
    /// Households with item `i` done.
    pub(crate) fn item(&self, i: &usize) -> i64 {
        self.items[*i]
    }

    /// Share of households with item `i`, in percent.
    pub(crate) fn share(&self, i: &usize) -> f64 {
        if self.households == 0 {
            0.0
        } else {
            self.items[*i] as f64 * 100.0 / self.households as f64
        }
    }
}

/// Coverage of every village of a commune (or of one village when `only` is given).
pub async fn coverage(db: &Db, commune: &str, only: Option<&str>) -> DbResult<Vec<Coverage>> {
    let since = crate::i18n::vn_time(now() - 90 * 24 * 3600);
    let since = format!(
        "{:04}-{:02}-{:02}",
        since.year(),
        u8::from(since.month()),
        since.day()
    );
    let villages: Vec<VillageTotals> = db
        .fetch_all(
            q("SELECT u.code, u.name,
                 (SELECT COUNT(*) FROM households h WHERE h.village_code = u.code) AS households,
                 (SELECT CAST(COALESCE(SUM(a.people_helped), 0) AS BIGINT) FROM activities a WHERE a.village_code = u.code)
                   AS people_helped,
                 (SELECT COUNT(*) FROM activities a WHERE a.village_code = u.code) AS activities,
                 (SELECT COUNT(DISTINCT am.person_id) FROM activity_members am JOIN activities a ON a.id = am.activity_id
                   WHERE a.village_code = u.code AND a.happened_on >= $2) AS active_members
               FROM units u WHERE u.parent_code = $1 AND u.level = 3 AND ($3 = '' OR u.code = $3)
               ORDER BY u.name")
            .bind(commune)
            .bind(&since)
            .bind(only.unwrap_or("")),
        )
        .await?;
    let counts: Vec<ItemCount> = db
        .fetch_all(
            q("SELECT h.village_code, c.item, COUNT(*) AS n
               FROM household_checks c JOIN households h ON h.id = c.household_id JOIN units u ON u.code = h.village_code
               WHERE u.parent_code = $1 AND c.done GROUP BY h.village_code, c.item")
            .bind(commune),
        )
        .await?;
    Ok(villages
        .into_iter()
        .map(|v| {
            let items = CHECK_ITEMS
                .iter()
                .map(|item| {
                    counts
                        .iter()
                        .find(|c| c.village_code == v.code && c.item == *item)
                        .map_or(0, |c| c.n)
                })
                .collect();
            Coverage {
                code: v.code,
                name: v.name,
                households: v.households,
                items,
                people_helped: v.people_helped,
                activities: v.activities,
                active_members: v.active_members,
            }
        })
        .collect())
}
