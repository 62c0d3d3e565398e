//! Abbreviations and teen-code people type into the assistant and into scam reports.

/// Folded abbreviation → folded expansion (tokens separated by one space).
///
/// Keys are folded (`đc` arrives as `dc`, `sđt` as `sdt`), so one entry covers both spellings. Kept sorted
/// by key so lookups can binary-search it; a test checks the order. Only forms that are unambiguous in
/// this domain belong here: `hong` is left out because it is also the folded `hỏng` (broken), `nh`
/// because it is as often `nhé` as `ngân hàng`, `z` because its `vậy` would fold into `vay` (loan).
const TABLE: &[(&str, &str)] = &[
    ("2fa", "xac thuc hai yeu to"),
    ("app", "ung dung"),
    ("bg", "bao gio"),
    ("bhxh", "bao hiem xa hoi"),
    ("bhyt", "bao hiem y te"),
    ("bik", "biet"),
    ("bit", "biet"),
    ("bn", "bao nhieu"),
    ("bt", "biet"),
    ("cccd", "can cuoc cong dan"),
    ("ck", "chuyen khoan"),
    ("cmnd", "chung minh nhan dan"),
    ("csdl", "co so du lieu"),
    ("cskh", "cham soc khach hang"),
    ("ctv", "cong tac vien"),
    ("cx", "cung"),
    ("dag", "dang"),
    ("dc", "duoc"),
    ("dk", "dang ky"),
    ("dki", "dang ky"),
    ("dky", "dang ky"),
    ("dt", "dien thoai"),
    ("dtdd", "dien thoai di dong"),
    ("dth", "dien thoai"),
    ("dvc", "dich vu cong"),
    ("dvcqg", "dich vu cong quoc gia"),
    ("face", "facebook"),
    ("fb", "facebook"),
    ("gplx", "giay phep lai xe"),
    ("hok", "khong"),
    ("j", "gi"),
    ("k", "khong"),
    ("kb", "khong biet"),
    ("kbiet", "khong biet"),
    ("kbit", "khong biet"),
    ("kg", "khong"),
    ("kh", "khong"),
    ("khg", "khong"),
    ("khum", "khong"),
    ("ko", "khong"),
    ("kq", "ket qua"),
    ("lm", "lam"),
    ("mk", "mat khau"),
    ("mn", "moi nguoi"),
    ("ms", "moi"),
    ("mxh", "mang xa hoi"),
    ("ng", "nguoi"),
    ("ns", "noi"),
    ("nt", "nhan tin"),
    ("ntn", "nhu the nao"),
    ("nv", "nhan vien"),
    ("oy", "roi"),
    ("pass", "mat khau"),
    ("r", "roi"),
    ("sdt", "so dien thoai"),
    ("stk", "so tai khoan"),
    ("tk", "tai khoan"),
    ("trc", "truoc"),
    ("tthc", "thu tuc hanh chinh"),
    ("ttin", "thong tin"),
    ("ubnd", "uy ban nhan dan"),
    ("vnid", "vneid"),
    ("vs", "voi"),
    ("wa", "qua"),
    ("zl", "zalo"),
];

/// The expansion of one folded token, if it is an abbreviation.
pub fn lookup(token: &str) -> Option<&'static str> {
    TABLE
        .binary_search_by(|(key, _)| (*key).cmp(token))
        .ok()
        .map(|i| TABLE[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_unique_and_folded() {
        for pair in TABLE.windows(2) {
            assert!(pair[0].0 < pair[1].0, "{} before {}", pair[0].0, pair[1].0);
        }
        for (key, expansion) in TABLE {
            assert_eq!(crate::fold(key), *key);
            assert_eq!(crate::fold(expansion), *expansion);
        }
    }

    #[test]
    fn finds_keys_and_nothing_else() {
        assert_eq!(lookup("cccd"), Some("can cuoc cong dan"));
        assert_eq!(lookup("zl"), Some("zalo"));
        assert_eq!(lookup("2fa"), Some("xac thuc hai yeu to"));
        assert_eq!(lookup("hong"), None);
        assert_eq!(lookup("khong"), None);
    }
}
