#!/usr/bin/env python3
"""Writes the scam-check corpus: content/eval/scam-corpus/{tune,heldout}.toml.

Why a generator: the corpus has to hold thousands of messages in the shapes real senders use (OTP,
balance changes, carrier offers, delivery notices…) and real-style scams of many families, with and
without diacritics, in teen code and with look-alike letters. Each shape is written once here as a
template; slots are filled from public facts (brand names, short codes, domains) with a fixed seed.

The split is made ONCE, by a hash of the *template* (not of the message), so every variant of a shape
lands on the same side: the held-out half holds shapes the rules were never tuned on. Nobody edits the
held-out file or tunes rules on its misses; new shapes go in as new templates and land where the hash
puts them. Reproduce: python3 scripts/scam_corpus.py && cargo run -p hocvuso -- eval scam
"""
import hashlib
import random
import unicodedata
from pathlib import Path

SEED = 13
OUT = Path(__file__).resolve().parent.parent / "content" / "eval" / "scam-corpus"

NAMES = ["Nguyen Van An", "Tran Thi Bich", "Le Van Cuong", "Pham Thi Dung", "Hoang Van Em", "Vu Thi Hoa",
         "Do Van Hung", "Bui Thi Lan", "Dang Van Minh", "Ngo Thi Nga"]
AMOUNTS = ["50,000", "120,000", "1,500,000", "2,000,000", "350,000", "15,000,000", "86,000", "4,250,000"]
DATES = ["05/12/2025", "12/11/2025", "28/02/2025", "01/06/2024", "17/09/2025", "30/04/2025"]
TIMES = ["08:15", "10:42", "14:03", "19:27", "21:55", "07:01"]
OTPS = ["482913", "105378", "739201", "660412", "318845", "927364"]
ACCS = ["1023", "8891", "4402", "7715", "0368", "2290"]
PHONES_MOBILE = ["0987 654 321", "0912345678", "0358 112 233", "0779.456.123", "0862 777 901", "0345678912"]
PREMIUM = ["1900 6868 19", "19001570", "1900 5555 88", "19006789"]
SCAM_DOMAINS = ["vietcombank-xacminh.com", "evn-thanhtoan.top", "bidv-hotro.vip", "dichvucong-gov.site",
                "momo-quatang.online", "viettel-khuyenmai.club", "shopee-hoantien.xyz", "vneid-capnhat.com",
                "tangqua888.fun", "nhanqua-tet.live", "ghn-giaohang.cc", "cskh-mobifone.icu", "vay-nhanh24h.shop",
                "sodo66.win", "tk88vip.bet", "hotro-bhxh.top", "j88.bet", "kiemtien-online.site"]
BANKS = [("Vietcombank", "VCB"), ("BIDV", "BIDV"), ("VietinBank", "VietinBank"), ("Agribank", "Agribank"),
         ("Techcombank", "TCB"), ("MB", "MB"), ("TPBank", "TPBank"), ("VPBank", "VPBank"), ("ACB", "ACB"),
         ("Sacombank", "Sacombank"), ("HDBank", "HDBank"), ("VIB", "VIB")]


def fold(s):
    s = s.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn")


TEEN = [(" không ", " ko "), (" được ", " dc "), (" chuyển khoản ", " ck "), (" anh ", " a "),
        (" em ", " e "), (" vậy ", " v "), (" với ", " vs "), (" gì ", " j "), (" nhé", " nha"),
        (" tài khoản ", " tk "), (" rồi ", " r ")]
LOOK = {"i": "1", "o": "0", "a": "4", "e": "3", "I": "1", "O": "0", "A": "Ä", "u": "ü"}


def teen(s):
    t = " " + s + " "
    for a, b in TEEN:
        t = t.replace(a, b)
    return t.strip()


def lookalike(s, rng):
    # Scammers swap a few letters of the words filters look for, not every letter.
    words = s.split(" ")
    for i, w in enumerate(words):
        if len(w) > 3 and rng.random() < 0.35:
            j = rng.randrange(len(w))
            c = w[j]
            if c in LOOK:
                words[i] = w[:j] + LOOK[c] + w[j + 1:]
            elif c.lower() == "i":
                words[i] = w[:j] + "!" + w[j + 1:]
    return " ".join(words)


def fill(t, rng):
    bank, bshort = rng.choice(BANKS)
    vals = {
        "name": rng.choice(NAMES), "amt": rng.choice(AMOUNTS), "date": rng.choice(DATES),
        "time": rng.choice(TIMES), "otp": rng.choice(OTPS), "acc": rng.choice(ACCS),
        "mobile": rng.choice(PHONES_MOBILE), "premium": rng.choice(PREMIUM),
        "scamdom": rng.choice(SCAM_DOMAINS), "bank": bank, "bshort": bshort,
        "n": str(rng.choice([3, 5, 7, 10, 15, 30])), "gb": str(rng.choice([1, 2, 3, 4, 5, 6])),
        "code": "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(8)),
    }
    for k, v in vals.items():
        t = t.replace("{" + k + "}", v)
    return t


def variants(t, rng, scam, n):
    out = []
    for i in range(n):
        m = fill(t, rng)
        r = i % 5
        if r == 1:
            m = fold(m)
        elif r == 2 and scam:
            m = teen(fold(m)) if rng.random() < 0.5 else teen(m)
        elif r == 3 and scam:
            m = lookalike(fold(m) if rng.random() < 0.5 else m, rng)
        elif r == 4:
            m = m.upper() if scam and rng.random() < 0.3 else m
        out.append(m)
    return out


def load(name):
    # Templates: blocks "## kind" then one template per line; blank lines and "#" comments ignored.
    kinds = []
    kind = None
    for line in (Path(__file__).resolve().parent / name).read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            kind = line[3:].strip()
        elif line.strip() and not line.startswith("#"):
            kinds.append((kind, line.strip()))
    return kinds


def esc(s):
    return s.replace("\\", "\\\\").replace('"', '\\"')


def main():
    rng = random.Random(SEED)
    halves = {"tune": [], "heldout": []}
    for fname, expect, per in [("scam_corpus_genuine.txt", "safe", 22), ("scam_corpus_scams.txt", "scam", 12)]:
        for kind, t in load(fname):
            h = hashlib.sha256(t.encode()).digest()[0]
            side = "tune" if h % 2 == 0 else "heldout"
            seen = set()
            for m in variants(t, rng, expect == "scam", per):
                if m not in seen:
                    seen.add(m)
                    halves[side].append((kind, expect, m))
    # Tuning-only additions, with their own generator so the two halves above stay exactly as they
    # were: "## safe kind" / "## scam kind" blocks of scam_corpus_tune_extra.txt.
    xrng = random.Random(SEED + 1)
    for head, t in load("scam_corpus_tune_extra.txt"):
        expect, kind = head.split(" ", 1)
        expect = "scam" if expect == "scam" else "safe"
        seen = set()
        for m in variants(t, xrng, expect == "scam", 12 if expect == "scam" else 22):
            if m not in seen:
                seen.add(m)
                halves["tune"].append((kind, expect, m))
    OUT.mkdir(parents=True, exist_ok=True)
    for side, cases in halves.items():
        lines = [f"# Generated by scripts/scam_corpus.py ({side} half; do not edit by hand).", ""]
        for kind, expect, m in cases:
            lines += ["[[case]]", f'kind = "{kind}"', f'expect = "{expect}"', f'text = "{esc(m)}"', ""]
        text = "\n".join(lines)
        if side == "tune":
            # Cases written by hand for the tuning half (kinds seen on quoted real SMS), kept verbatim.
            added = Path(__file__).resolve().parent / "scam_corpus_tune_added.toml"
            text += "\n" + added.read_text(encoding="utf-8").split("\n", 1)[1]
        (OUT / f"{side}.toml").write_text(text, encoding="utf-8")
        g = sum(1 for c in cases if c[1] == "safe")
        print(f"{side}: {g} genuine, {len(cases) - g} scams, {len({c[0] for c in cases})} kinds")


if __name__ == "__main__":
    main()
