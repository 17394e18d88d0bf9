#!/usr/bin/env python3
"""Where a process's CPU and thread switches go during a measured phase.

    bench/threads.py PID OUT [--after 3] [--seconds 10] [--rate TURNS_PER_SECOND]

Reads /proc/PID/task/*/stat and status twice, SECONDS apart (after waiting AFTER), and writes per thread group (a
thread's name without its number) the cores it used and its context switches a second, and a turn's share when the
rate is given. A thread born inside the window counts whole (all its time is inside it); one that ended inside it is
missed. bench/run runs it during the overhead scenario's open loop: at moderate load a turn's hand-offs between
threads are what it pays, and they show here and not in a profile.
"""
import argparse
import collections
import os
import re
import time

HZ = os.sysconf("SC_CLK_TCK")


def sample(pid):
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                stat = f.read()
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                status = f.read()
        except OSError:
            continue  # the thread ended between the listing and the read
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        ticks = int(fields[11]) + int(fields[12])  # utime + stime
        switches = sum(int(line.split()[1]) for line in status.splitlines() if "ctxt_switches" in line)
        out[tid] = (name, ticks, switches)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pid")
    ap.add_argument("out")
    ap.add_argument("--after", type=float, default=3)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--rate", type=float, default=0)
    a = ap.parse_args()
    time.sleep(a.after)
    try:
        before = sample(a.pid)
        t0 = time.monotonic()
        time.sleep(a.seconds)
        after = sample(a.pid)
        secs = time.monotonic() - t0
    except FileNotFoundError:
        return  # the process ended first: nothing to say
    cores, switches, count = collections.Counter(), collections.Counter(), collections.Counter()
    for tid, (name, ticks, sw) in after.items():
        _, t0_ticks, t0_sw = before.get(tid, (name, 0, 0))
        group = re.sub(r"[-#_ ]?\d+$", "", name)
        cores[group] += (ticks - t0_ticks) / HZ / secs
        switches[group] += (sw - t0_sw) / secs
        count[group] += 1
    with open(a.out, "w") as f:
        f.write(f"threads of pid {a.pid} over {secs:.1f} s: {sum(cores.values()):.2f} cores, "
                f"{sum(switches.values()):.0f} context switches/s"
                + (f", {sum(switches.values()) / a.rate:.0f} a turn" if a.rate else "") + "\n")
        f.write(f"{'group':24} {'threads':>7} {'cores':>6} {'switches/s':>10}" + (f" {'a turn':>7}" if a.rate else "")
                + "\n")
        for group, c in cores.most_common():
            if c < 0.001 and switches[group] < 1:
                continue
            f.write(f"{group:24} {count[group]:7d} {c:6.3f} {switches[group]:10.0f}"
                    + (f" {switches[group] / a.rate:7.1f}" if a.rate else "") + "\n")


if __name__ == "__main__":
    main()
