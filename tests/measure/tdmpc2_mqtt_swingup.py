#!/usr/bin/env python3
"""Reads a stock subscriber's log of robots/ID/state and robots/ID/command (`mosquitto_sub -F '%t %p'`) and prints, for
every episode the runtime drove whole, its return and whether the pendulum swung up and stayed up: |theta| < UP rad
(theta = atan2(sin, cos) of the robot's observation) over the episode's last HOLD states. The first episode the
runtime joined mid-way (its first state was published before the first command) and an episode cut short by the
stop are left out. Usage: tdmpc2_mqtt_swingup.py sub.log [UP=0.3] [HOLD=50]. Exit 1 unless every whole episode
stayed up, 2 when there is none."""
import json, math, sys
up = float(sys.argv[2]) if len(sys.argv) > 2 else 0.3
hold = int(sys.argv[3]) if len(sys.argv) > 3 else 50
states, answered = [], set()
for line in open(sys.argv[1]):
    p = line.rstrip('\n').split(' ', 1)
    if len(p) < 2 or not p[1].startswith('{'): continue
    m = json.loads(p[1])
    if p[0].endswith('/state'): states.append(m)
    elif p[0].endswith('/command'): answered.add(m.get('state_seq'))
# Dedupe republished states (same seq), keep publication order.
seen, uniq = set(), []
for s in states:
    if s['seq'] in seen: continue
    seen.add(s['seq']); uniq.append(s)
episodes, cur = [], []
for s in uniq:
    cur.append(s)
    if s['terminated'] or s['truncated']:
        episodes.append(cur); cur = []
rows = []
for ep in episodes:
    first, steps = ep[0], ep[1:]                # ep[0] is the reset state (reward 0); the rest are steps
    if first['seq'] not in answered or len(steps) < hold: continue   # joined mid-episode (or never driven)
    ret = sum(s['reward'] for s in steps)
    th = [math.atan2(s['obs'][1], s['obs'][0]) for s in steps]
    worst = max(abs(t) for t in th[-hold:])
    share = sum(1 for s in ep[:-1] if s['seq'] in answered) / max(1, len(ep) - 1)
    rows.append((first['seq'], len(steps), ret, worst, worst < up, share))
if not rows:
    print("tdmpc2_mqtt_swingup: no whole episode in the log"); sys.exit(2)
print(f"episode  first_seq  steps   return   max|theta| last {hold}  answered  swung up and stayed up (|theta| < {up})")
for i, (seq, n, ret, worst, ok, share) in enumerate(rows, 1):
    print(f"{i:7d}  {seq:9d}  {n:5d}  {ret:8.1f}  {worst:17.3f}  {100*share:7.1f}%  {'yes' if ok else 'NO'}")
good = sum(r[4] for r in rows)
print(f"tdmpc2_mqtt_swingup: {good} of {len(rows)} whole episodes swung up and stayed up; mean return {sum(r[2] for r in rows)/len(rows):.1f}")
sys.exit(0 if good == len(rows) else 1)
