//! Names and villages for the demo province: Vietnamese names as people bear them, villages for
//! communes that have none.
use super::rng::Rng;
use crate::db::{Db, DbResult};
use crate::units::{
    self,
    model::{LEVEL_COMMUNE, Unit},
};

pub(super) const FAMILY: [&str; 16] = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ",
    "Ngô", "Dương", "Lý", "Trương",
];
pub(super) const MIDDLE_F: [&str; 6] = ["Thị", "Ngọc", "Thu", "Thanh", "Minh", "Xuân"];
pub(super) const MIDDLE_M: [&str; 6] = ["Văn", "Hữu", "Đức", "Quang", "Minh", "Công"];
pub(super) const GIVEN_F: [&str; 14] = [
    "Lan", "Hoa", "Mai", "Hương", "Hạnh", "Linh", "Trang", "Thảo", "Yến", "Nga", "Vân", "Hà",
    "Tâm", "Nhung",
];
pub(super) const GIVEN_M: [&str; 14] = [
    "An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Long", "Minh", "Nam", "Phúc", "Quân", "Sơn",
    "Tuấn", "Thắng",
];
pub(super) const MINORITIES: [(&str, f64); 5] = [
    ("Bru-Vân Kiều", 0.6),
    ("Tà Ôi", 0.25),
    ("Chứt", 0.08),
    ("Mường", 0.04),
    ("Tày", 0.03),
];
pub(super) const VILLAGE_NAMES: [&str; 15] = [
    "Thôn Đông",
    "Thôn Tây",
    "Thôn Nam",
    "Thôn Bắc",
    "Thôn Trung",
    "Thôn Tân Lập",
    "Thôn An Lợi",
    "Thôn Phú Hưng",
    "Thôn Hòa Bình",
    "Thôn Xuân Mỹ",
    "Bản Ka Tăng",
    "Bản Cù Bai",
    "Thôn Thượng",
    "Thôn Hạ",
    "Thôn Mới",
];

/// Create 5–15 villages in every commune that has none.
pub(super) async fn ensure_villages(db: &Db, province: &Unit, rng: &mut Rng) -> DbResult<usize> {
    let communes = units::store::children_at_level(db, &province.code, LEVEL_COMMUNE).await?;
    let mut tx = db.begin().await?;
    let mut created = 0;
    for c in &communes {
        let has = units::store::child_count(&mut tx, &c.code).await?;
        if has > 0 {
            continue;
        }
        let n = 5 + rng.below(11) as usize;
        for name in VILLAGE_NAMES.iter().take(n) {
            let dt = if name.starts_with("Bản") {
                "bản"
            } else {
                "thôn"
            };
            crate::units::store::insert_village(&mut tx, c, name, dt).await?;
            created += 1;
        }
    }
    tx.commit().await?;
    Ok(created)
}
