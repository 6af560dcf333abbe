#!/usr/bin/env python3
"""Reads `mosquitto_sub -t robots/ID/state -t robots/ID/command -F '%U %t %p'` output (a stock subscriber's
timestamps) and prints, over the runtime's window, the share of non-terminal states answered and the median /
p99 state->command delay. Usage: mqtt_phase.py sub.log   (issue 11's 20 Hz measurement)."""
import json, sys
st, ans = {}, {}
for line in open(sys.argv[1]):
    p = line.split(' ', 2)
    if len(p) < 3: continue
    t, m = float(p[0]), json.loads(p[2])
    if p[1].endswith('/state'): st[m['seq']] = (t, m)
    elif m.get('state_seq') in st and m['state_seq'] not in ans: ans[m['state_seq']] = t
lo, hi = min(ans), max(ans)
win = [s for s in st if lo <= s <= hi and not (st[s][1]['terminated'] or st[s][1]['truncated'])]
a = [s for s in win if s in ans]
d = sorted((ans[s] - st[s][0]) * 1000 for s in a)
share = 100 * len(a) / len(win)
print(f"seq {lo}..{hi}: {len(win)} states, answered {len(a)} ({share:.1f}%), delay median {d[len(d)//2]:.2f} ms, p99 {d[int(0.99*(len(d)-1))]:.2f} ms")
sys.exit(0 if share >= 98 and d[len(d)//2] <= 20 else 1)
