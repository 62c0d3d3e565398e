//! Link and file signals: look-alikes, claims that do not match the link, shorteners, IPs, .apk,
//! community-confirmed domains, and the reassurance of an all-official set of links.

use super::{Checker, Fill, Found, Input};
use crate::domain::host_matches;

impl Checker {
    /// The first organisation kind the wording speaks for ("Công an…", "Vietcombank…") among those
    /// that only ever use their own domains and hotlines.
    pub(super) fn strict_claim(&self, found: &Found) -> Option<usize> {
        let rules = &self.rules;
        found
            .hits
            .iter()
            .filter_map(|h| rules.signals[h.signal].claims)
            .find(|&k| rules.domains.kinds[k].strict)
    }

    /// Phone numbers: community-confirmed scam numbers, and a personal mobile number given as the
    /// contact of a bank, agency, carrier or power company (they use 1800/1900 hotlines).
    pub(super) fn number_signals(&self, input: &Input, found: &mut Found) {
        let rules = &self.rules;
        let c = &rules.computed;
        let claim = self.strict_claim(found);
        // On the advertising channel a content partner's hotline is often a mobile number ("LH
        // 088.8363366 (cước theo thuê bao). TCQC soạn TC gửi 9857"); a claim of a commercial brand
        // there is the advert naming its carrier, not a bank or agency giving a personal number.
        let ad_claim = claim.is_some_and(|k| rules.domains.kinds[k].ads) && self.ad_channel(input);
        // Provinces' police and health offices print mobile hotlines in notices to all citizens
        // ("Đề nghị mọi công dân … LH: 0941…"); a notice that asks or promises nothing is not a
        // personal number posing as the agency. Any request or lure keeps the number a reason.
        let asks = found.hits.iter().any(|h| {
            matches!(
                rules.signals[h.signal].kind,
                crate::rules::SignalKind::Request | crate::rules::SignalKind::Lure
            )
        });
        let public = c.public_notice.is_some_and(|i| found.has(i)) && !asks;
        // A balance-change notice names the other party of the transfer by phone number ("Ref
        // MBVCB… - 0909333143.CT tu …"): with no link and nothing asked, that number is part of the
        // record, not a contact the bank gives.
        let record =
            c.balance_notice.is_some_and(|i| found.has(i)) && input.links.is_empty() && !asks;
        // A number relayed once ("số 09… gọi cho bạn… gọi lại cho số 09…") is relayed throughout.
        let relayed: Vec<&str> = input
            .phones
            .iter()
            .filter(|p| relayed_caller(&input.text, &p.span))
            .map(|p| p.normalized.as_str())
            .collect();
        for p in &input.phones {
            let fill = |kind: Option<usize>| Fill {
                number: &input.text[p.span.clone()],
                kind_vi: kind.map_or("", |k| rules.domains.kinds[k].label_vi.as_str()),
                kind_en: kind.map_or("", |k| rules.domains.kinds[k].label_en.as_str()),
                ..Fill::default()
            };
            if self.numbers.contains(&p.normalized) {
                found.add(
                    c.community_number,
                    self.reason(c.community_number, &fill(None)),
                );
            }
            // "Bạn đã bị trừ 2.500.000đ phí dịch vụ hằng tháng… gọi ngay 0987… để hủy": a charge you
            // never asked for and a personal number to cancel it is the charge-then-cancel scam told
            // by phone instead of by link. Banks and carriers give 1800/1900 lines; a partner's mobile
            // hotline on the carrier's advertising channel is not this.
            if p.is_mobile()
                && let (Some(charge), Some(combo)) = (c.unrequested_charge, c.charge_cancel)
                && found.has(charge)
                && !found.has(combo)
                && !relayed.contains(&p.normalized.as_str())
                && !opt_out_line(&vntext::fold(&input.text))
            {
                found.add(combo, self.reason(combo, &fill(None)));
            }
            if p.is_mobile()
                && claim.is_some()
                && !ad_claim
                && !public
                && !record
                && !relayed.contains(&p.normalized.as_str())
            {
                found.add(c.claim_mobile, self.reason(c.claim_mobile, &fill(claim)));
            }
        }
    }

    /// The kind of the organisation whose brand the link's path names, when the host is not its
    /// own: "tichphan.vip/DoiDiemVietcombank" speaks for a bank as plainly as the words of a message.
    fn path_claim(&self, input: &Input, link: &crate::extract::FoundLink) -> Option<usize> {
        let raw = input.text.get(link.span.clone())?.to_lowercase();
        let (_, path) = raw.split_once(link.host.as_str())?;
        let o = self.rules.domains.brand_in_path(path)?;
        Some(self.rules.domains.officials[o].kind)
    }

    /// The message carries the advertising channel's opt-out line ("Từ chối QC, soạn TC gửi 199",
    /// "TCQC soạn TC gửi 9022") and one of the registry's short codes, in that line or elsewhere
    /// ("LH 18001091 (0đ). TCQC…"). Carriers must print the line on every advert, and their adverts
    /// for partners' content services (real inboxes, 2016–2024) link to the partner's own site:
    /// without this, each such advert read as a carrier impersonated with a foreign link.
    fn ad_channel(&self, input: &Input) -> bool {
        let folded = vntext::fold(&input.text);
        // Partners' paid-content adverts that carry no opt-out line still state the sign-up and the
        // price after the free period ("soạn A gửi 9078 (0đ) với giá cước 2.000đ/ngày. CSKH 18001091"),
        // which premium-SMS bait never does; the registry's short code is still required below.
        let priced = folded.contains("soan ")
            && ["sau km", "gia cuoc", "cuoc sau"]
                .iter()
                .any(|w| folded.contains(w));
        if !opt_out_line(&folded) && !priced {
            return false;
        }
        folded
            .split(|c: char| !c.is_ascii_digit())
            .any(|d| (3..=11).contains(&d.len()) && self.rules.domains.senders.contains_key(d))
            || repeated_short_code(&folded)
    }
}

/// The advertising channel's opt-out line in any of its spellings ("Từ chối QC, soạn TC gửi 199",
/// "TCQC soạn TC gửi 9022", "TC QC soạn TC gửi 1356", "Từ chối TC gửi 9316").
fn opt_out_line(folded: &str) -> bool {
    const OPT_OUT: &[&str] = &[
        "tu choi qc",
        "tu choi quang cao",
        "tu choi nhan",
        "tu choi, soan",
        "tu choi soan",
        "de tu choi",
        "tuchoi",
        "tcqc",
        // "TC QC soạn TC gửi 1356", "Từ chối TC gửi 9316", "Tu choi:TC gui 9466".
        "tc qc",
        "tu choi tc",
        "tu choi:tc",
        "tu choi: tc",
        "tu choi,tc",
        "tu choi, tc",
    ];
    OPT_OUT.iter().any(|w| folded.contains(w))
}

impl Checker {
    pub(super) fn link_signals(&self, input: &Input, found: &mut Found) {
        let rules = &self.rules;
        let c = &rules.computed;
        let strict_claim = self.strict_claim(found);
        let ad_channel = self.ad_channel(input);
        let mut all_vouched = !input.links.is_empty();
        let mut all_brand = !input.links.is_empty();
        let mut first_official = None;
        for link in &input.links {
            let info = rules.domains.analyze(&link.host);
            let official = info.official.map(|o| &rules.domains.officials[o]);
            let domain = info.display.as_str();
            let plain = Fill {
                domain,
                ..Fill::default()
            };
            let before = found.hits.len();
            if self.domains.iter().any(|d| host_matches(&info.ascii, d)) {
                found.add(c.community_domain, self.reason(c.community_domain, &plain));
            }
            for (sig, on) in [
                (c.ip, link.ip),
                (c.apk, link.apk),
                (c.shortener, info.shortener),
                (c.idn, info.idn),
                (c.risky_tld, info.risky_tld && official.is_none()),
            ] {
                if on {
                    found.add(sig, self.reason(sig, &plain));
                }
            }
            if let Some(o) = info.lookalike {
                let o = &rules.domains.officials[o];
                let kind = &rules.domains.kinds[o.kind];
                let fill = Fill {
                    domain,
                    official: o.domains.first().map_or("", String::as_str),
                    name: &o.name,
                    kind_vi: &kind.label_vi,
                    kind_en: &kind.label_en,
                    number: "",
                };
                found.add(
                    kind.lookalike_signal,
                    self.reason(kind.lookalike_signal, &fill),
                );
            } else if official.is_none()
                && !info.shortener
                // On the carrier's ad channel a partner's own site is an unknown host, not a claim
                // mismatch; a cheap-TLD host is never excused by a copied opt-out line.
                && (!ad_channel || info.risky_tld)
                && let Some(k) = strict_claim.or_else(|| self.path_claim(input, link))
            {
                let kind = &rules.domains.kinds[k];
                let fill = Fill {
                    domain,
                    kind_vi: &kind.label_vi,
                    kind_en: &kind.label_en,
                    ..Fill::default()
                };
                found.add(c.claim_mismatch, self.reason(c.claim_mismatch, &fill));
            }
            let flagged = found.hits.len() > before || info.lookalike.is_some();
            all_brand &= !flagged && official.is_some_and(|o| rules.domains.kinds[o.kind].ads);
            if official.is_none() && !flagged {
                found.add(c.unknown, self.reason(c.unknown, &plain));
            }
            match official {
                Some(o) if rules.domains.kinds[o.kind].vouch && !flagged => {
                    first_official.get_or_insert((domain.to_owned(), o.name.clone()));
                }
                _ => all_vouched = false,
            }
        }
        found.brand_links = all_brand && input.apks.is_empty();
        for apk in &input.apks {
            let fill = Fill {
                domain: &apk.name,
                ..Fill::default()
            };
            found.add(c.apk, self.reason(c.apk, &fill));
        }
        if all_vouched && let Some((domain, name)) = first_official {
            let fill = Fill {
                domain: &domain,
                name: &name,
                ..Fill::default()
            };
            found.add(c.official, self.reason(c.official, &fill));
        }
    }
}

/// A content partner's short code named both for signing up and for opting out ("Soạn G9 gửi 9857
/// … TCQC soạn TC gửi 9857"): carriers lease a short code to one partner, and the opt-out must go
/// to the code that charges. Premium-SMS bait gives its code once and never an opt-out, so a code
/// after "gửi" twice is the carrier's advertising channel even when the registry does not list it.
fn repeated_short_code(folded: &str) -> bool {
    let mut codes: Vec<&str> = Vec::new();
    let mut rest = folded;
    while let Some(i) = rest.find("gui ") {
        rest = &rest[i + 4..];
        let code: &str = &rest[..rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len())];
        if (3..=5).contains(&code.len()) {
            if codes.contains(&code) {
                return true;
            }
            codes.push(code);
        }
    }
    false
}

/// A number the carrier relays rather than one to contact it on: "Bạn hãy gọi lại cho số máy
/// 09…" (call-me-back), "Số máy 09… đã gọi cho Quý khách" (missed-call notice). The carrier's own
/// name in such a message is not a claim that the number is its hotline. Nor are the subscriber an
/// advert or notice is addressed to, the other side of a transfer, a login name or a transfer memo.
fn relayed_caller(text: &str, span: &std::ops::Range<usize>) -> bool {
    let before = text.get(..span.start).unwrap_or_default();
    // Long enough for the amount and the name before "số điện thoại" in a wallet's transfer OTP
    // ("chuyển 2.000.000 VND cho LU MANH THANG, số điện thoại 0918…").
    let before = vntext::fold(&before[floor_char(before, before.len().saturating_sub(80))..]);
    let after = text.get(span.end..).unwrap_or_default();
    let after = vntext::fold(&after[..floor_char(after, after.len().min(32))]);
    let before: Vec<&str> = before
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let after: Vec<&str> = after
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let ends = |tail: &[&str]| before.ends_with(tail);
    let near = |n: usize, w: &[&str]| before.iter().rev().take(n).any(|b| w.contains(b));
    ends(&["goi", "lai", "cho", "so", "may"])
        || ends(&["goi", "lai", "cho"])
        || ends(&["goi", "lai", "so"])
        || ends(&["cuoc", "goi", "nho", "tu"])
        || ends(&["cuoc", "goi", "nho", "tu", "so"])
        || after.starts_with(&["da", "goi"])
        || after.starts_with(&["vua", "goi"])
        || after.starts_with(&["goi", "cho"])
        // The subscriber the message is addressed to: "(QC) VinaPhone TANG RIENG 8491…", "cơ hội
        // cho TB 8491…", "tặng 15.000đ vào TKC cho 0918…".
        || ends(&["tb"])
        || ends(&["thue", "bao"])
        || ends(&["tang", "rieng"])
        || (ends(&["cho"]) && near(8, &["tang", "tkc", "cong"]))
        // The other side of a transfer in a wallet or bank notice: "từ khách hàng NGUYỄN VĂN A, số
        // điện thoại 0336…", "chuyển 47.000 VND cho TRẦN B, số điện thoại 0379…".
        || ((ends(&["so", "dien", "thoai"]) || ends(&["sdt"]))
            && (near(8, &["khach"]) || (near(14, &["chuyen"]) && near(8, &["cho", "tu"]))))
        // A login name or a transfer memo: "Tên đăng nhập của QK là 0918…", "Ndung CK: …-0918…".
        || (ends(&["la"]) && near(6, &["nhap"]))
        || near(4, &["ndung"])
        // A bank's notice of the customer's own number changing: "thay đổi SĐT nhận OTP từ 0936…
        // sang SĐT mới 0918…".
        || (ends(&["tu"]) && near(6, &["otp", "sdt"]))
        || ends(&["sang", "sdt", "moi"])
        || ends(&["sang", "so", "moi"])
        || ends(&["noi", "dung"])
        // The courier carrying a parcel, introduced as such: "Bưu tá 0987… sẽ gọi cho bạn", "LH
        // nhân viên giao hàng 0986…", "shipper Nguyễn Văn A 0912…". A delivery notice from Viettel
        // Post names the company, which is not the carrier giving a personal hotline.
        || near(5, &["shipper", "shiper"])
        || (near(5, &["buu"]) && near(5, &["ta"]))
        || (near(5, &["tai"]) && near(5, &["xe"]))
        || (near(6, &["giao"]) && near(6, &["hang"]) && near(6, &["vien"]))
}

/// The largest char boundary of `s` at or below `i`.
fn floor_char(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::relayed_caller;

    fn relayed(text: &str) -> bool {
        let start = text.find("09").expect("a number");
        relayed_caller(text, &(start..start + 10))
    }

    #[test]
    fn carrier_relays_are_not_contacts() {
        assert!(relayed(
            "Ban hay goi lai cho so may 0988122122 (tai). Dich vu Call Me Back-Viettel"
        ));
        assert!(relayed("Số máy 0912345678 đã gọi cho Quý khách 2 lần"));
        assert!(!relayed(
            "Viettel thông báo: liên hệ số máy 0912345678 để được hỗ trợ"
        ));
        assert!(!relayed(
            "Vietcombank: gọi ngay 0912345678 để mở khóa tài khoản"
        ));
        assert!(relayed(
            "Số 0916186405 gọi cho bạn nhưng không thực hiện được"
        ));
    }

    #[test]
    fn the_addressee_and_the_other_side_of_a_transfer_are_not_contacts() {
        assert!(relayed(
            "VINAPHONE TANG 15.000d vao TKC cho 0918474158 khi soan DK gui 9769"
        ));
        assert!(relayed(
            "(TB) Co hoi cho TB 0918474158 duoc +10.000d vao TKC"
        ));
        assert!(relayed(
            "Quy khach da duoc nhan 30.000 VND tu khach hang NGUYEN VAN DE, so dien thoai 0936255682."
        ));
        assert!(relayed(
            "Nhap ma OTP 1234 de xac nhan chuyen 2.000.000 VND cho NGUYEN VAN MANH, so dien thoai 0936255682, phi GD 0 VND"
        ));
        assert!(relayed("Ten dang nhap cua QK la 0918474158."));
        assert!(!relayed(
            "Vietcombank: vui long lien he so dien thoai 0912345678"
        ));
        assert!(!relayed(
            "Chuyen khoan phi ho so cho nhan vien 0912345678 de giai ngan"
        ));
        assert!(relayed(
            "Viettel Post: Buu pham 123 dang duoc giao. Buu ta 0912345678 se goi cho ban."
        ));
        assert!(relayed("LH nhan vien giao hang 0912345678"));
        assert!(!relayed("Vietcombank: nhan vien 0912345678 se ho tro ban"));
    }
}
