#!/usr/bin/env python3
"""Rebuild the real-inbox proxy set that `hocvuso eval scam` scores with HOCVUSO_SCAM_EXTRA.

The message texts are NOT in the repository (their sources carry no licence and private phone
numbers). This script reads the three public source files from RAW (see README.md for where they
come from), applies the hand-made labels of labels.tsv (keyed by hash only, no text) and writes
OUT/real-tune.toml and OUT/real-heldout.toml.

    python3 scripts/real-sms/build.py [--raw DIR] [--out DIR]     # default /work/real-sms/{raw,}
    python3 scripts/real-sms/build.py --list-spam                 # print every source-spam
                                                                  # message with its key and label

Rules (fixed; do not tune them on the held-out part):
- the sources' ham is genuine; their "spam" is genuine unless it deceives for money, data or a
  paid SMS (labels.tsv says which: scam, genuine, or skip for a message too cut to judge);
- texts as the files have them (the export's HTML entities &#10; and &amp; kept, as the earlier
  rebuilds did, so that the split is theirs), trimmed;
- normalised text = NFC, lower case, whitespace collapsed; exact duplicates of it dropped (first
  kept, sources read in the order below);
- key = first 16 hex digits of sha256(normalised text);
- split once: sha256(normalised text) as a big-endian integer % 3 == 0 -> held-out, else tuning.
"""
import argparse
import hashlib
import os
import re
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
LABELS = os.path.join(HERE, "labels.tsv")

# (file, how lines are labelled by the source)
SOURCES = [
    ("sms_one.txt", "prefixed"),  # "1 text" ham, "-1 text" spam
    ("spam-vn.txt", "spam"),
    ("ham-vn.txt", "ham"),
]


def normalise(text):
    t = unicodedata.normalize("NFC", text).lower()
    return re.sub(r"\s+", " ", t).strip()


def digest(norm):
    return hashlib.sha256(norm.encode("utf-8")).digest()


def read_labels():
    labels = {}
    with open(LABELS, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) != 3 or parts[1] not in ("scam", "genuine", "skip"):
                sys.exit(f"{LABELS}:{n}: want key<TAB>scam|genuine|skip<TAB>kind")
            labels[parts[0]] = (parts[1], parts[2])
    return labels


def messages(raw):
    """(source file, source label 'spam'/'ham', text) for every line of the three files."""
    for name, how in SOURCES:
        path = os.path.join(raw, name)
        with open(path, encoding="utf-8", newline="") as f:
            data = f.read().lstrip("\ufeff")
        for line in data.replace("\r\n", "\n").split("\n"):
            if not line.strip():
                continue
            if how == "prefixed":
                m = re.match(r"^(-1|1) (.*)$", line, re.S)
                if not m:
                    sys.exit(f"{path}: line without a label: {line[:40]!r}")
                src, text = ("spam" if m.group(1) == "-1" else "ham"), m.group(2)
            else:
                src, text = how, line
            yield name, src, text.strip()


def toml_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", default="/work/real-sms/raw")
    ap.add_argument("--out", default="/work/real-sms")
    ap.add_argument("--list-spam", action="store_true")
    a = ap.parse_args()
    labels = read_labels()
    seen = set()
    parts = {"tune": [], "heldout": []}
    counts = {}
    unlabelled = []
    for name, src, text in messages(a.raw):
        norm = normalise(text)
        if not norm or norm in seen:
            continue
        seen.add(norm)
        d = digest(norm)
        key = d.hex()[:16]
        if src == "ham":
            label, kind = "genuine", "source_ham"
        elif key in labels:
            label, kind = labels[key]
        else:
            label, kind = "?", "?"
            unlabelled.append((key, name, text))
        if a.list_spam and src == "spam":
            print(f"{key}\t{label}\t{kind}\t{name}\t{text}")
            continue
        if label in ("skip", "?"):
            counts[(name, "skipped")] = counts.get((name, "skipped"), 0) + 1
            continue
        part = "heldout" if int.from_bytes(d, "big") % 3 == 0 else "tune"
        expect = "scam" if label == "scam" else "safe"
        parts[part].append((kind, expect, text))
        counts[(name, label)] = counts.get((name, label), 0) + 1
    if a.list_spam:
        return
    if unlabelled:
        for key, name, text in unlabelled:
            print(f"unlabelled {key} {name}: {text[:70]}", file=sys.stderr)
        sys.exit(f"{len(unlabelled)} source-spam messages have no label in {LABELS}")
    for part, file in (("tune", "real-tune.toml"), ("heldout", "real-heldout.toml")):
        cases = parts[part]
        with open(os.path.join(a.out, file), "w", encoding="utf-8") as f:
            f.write(f"# Real inbox proxy, {part} part; built by scripts/real-sms/build.py. Not for the repo.\n")
            for kind, expect, text in cases:
                f.write(f"\n[[case]]\nkind = {toml_str(kind)}\nexpect = \"{expect}\"\ntext = {toml_str(text)}\n")
        scams = sum(1 for c in cases if c[1] == "scam")
        print(f"{file}: {len(cases)} cases ({scams} scams, {len(cases) - scams} genuine)")
    for (name, label), n in sorted(counts.items()):
        print(f"  {name}: {label} {n}")


if __name__ == "__main__":
    main()
