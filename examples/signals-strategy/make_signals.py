"""A strategy defined outside tradepilot: the turn-of-the-month effect on the bundled TTRC prices.

Enter on the last trading day of each month, exit on the third trading day of the next.
Run from the repository root:  python3 examples/signals-strategy/make_signals.py
Writes signals.csv (committed): date,entry,exit, one row per bar with a signal (bars not listed have none).
"""
import csv, os

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
dates = [r["date"] for r in csv.DictReader(open(os.path.join(ROOT, "data", "sample", "ttrc.csv")))]

signals = {}
for i, d in enumerate(dates):
    month = d[:7]
    if i + 1 < len(dates) and dates[i + 1][:7] != month:
        signals[d] = (1, 0)  # last trading day of the month: enter at its close
    if i >= 3 and dates[i - 3][:7] != month and dates[i - 2][:7] == month:
        signals[d] = (0, 1)  # third trading day of the month: exit

with open(os.path.join(HERE, "signals.csv"), "w", newline="") as fh:
    w = csv.writer(fh, lineterminator="\n")
    w.writerow(["date", "entry", "exit"])
    for d in sorted(signals):
        w.writerow([d, *signals[d]])
print(f"wrote signals.csv: {len(signals)} signal rows over {len(dates)} bars")
