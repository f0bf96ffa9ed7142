#!/usr/bin/env python3
"""Calibration of the guide reader's confidence on the labelled dev sets.

Usage: scripts/calibration.py KAOHE_BIN SET_DIR [SET_DIR ...]
For every element call on every labelled guide page (elements marked uncertain left out),
buckets the reader's confidence and prints, per bucket, how many calls fell in it and the
share that agrees with the labels — separately for "present" and "missing" calls, since
the assessment deducts on "missing"."""
import json, os, subprocess, sys

EL = {"item_name": "事项名称", "legal_basis": "设定依据", "conditions": "申请条件", "materials": "办理材料",
      "fee": "收费标准及依据", "location": "办理地点", "hours": "办理时间", "phone": "联系电话", "process": "办理流程"}
BUCKETS = [(0.0, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01)]
kaohe = sys.argv[1]
stats = {}
# The assessment's view of a "missing" call: the reader's confidence times its doubt about
# pages with many gaps (assess::rules::silence_doubt), against the rubric's review_below.
def silence_doubt(missing):
    return 1.0 if missing <= 2 else (0.75 if missing <= 4 else 0.6)
REVIEW_BELOW = 0.8
deducted = [0, 0]
review = [0, 0]
for root in sys.argv[2:]:
    rows = json.load(open(os.path.join(root, "labels.json"), encoding="utf-8"))["service_guides"]
    for r in rows:
        if not r.get("is_service_guide", True):
            continue
        out = subprocess.run([kaohe, "inspect", os.path.join(root, r["file"]), "--format", "json"],
                             capture_output=True, timeout=60)
        facts = json.loads(out.stdout)
        guide = facts.get("guide")
        if not guide:
            continue  # no guide read: the assessment treats the page as not a guide
        els = guide.get("elements") or {}
        n_missing = sum(1 for zh in EL.values() if not (els.get(zh) or {}).get("present"))
        for k, zh in EL.items():
            if k in r.get("uncertain", []):
                continue
            e = els.get(zh) or {}
            conf = e.get("confidence", 0.0)
            got = bool(e.get("present"))
            want = bool(r["elements"][k])
            if not got:
                c = conf * silence_doubt(n_missing)
                bucket = deducted if c >= REVIEW_BELOW else review
                bucket[0] += 1
                bucket[1] += got == want
            for lo, hi in BUCKETS:
                if lo <= conf < hi:
                    key = ("present" if got else "missing", lo, hi)
                    n, ok = stats.get(key, (0, 0))
                    stats[key] = (n + 1, ok + (got == want))
print("| call | confidence | calls | agree with labels |")
print("|---|---|---|---|")
for call in ("missing", "present"):
    for lo, hi in BUCKETS:
        n, ok = stats.get((call, lo, hi), (0, 0))
        if n:
            print(f"| {call} | {lo:.1f}–{min(hi, 1.0):.1f} | {n} | {ok}/{n} ({ok / n:.2f}) |")
print()
print("| a \"missing\" call becomes | calls | right |")
print("|---|---|---|")
for name, (n, ok) in (("deducted (≥ review_below)", deducted), ("needs review (< review_below)", review)):
    if n:
        print(f"| {name} | {n} | {ok}/{n} ({ok / n:.2f}) |")
