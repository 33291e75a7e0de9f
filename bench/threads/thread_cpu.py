#!/usr/bin/env python3
"""CPU and wake-ups of each thread of a running process, grouped by thread name.

    python3 bench/threads/thread_cpu.py PID [SECONDS] [--total]

Reads /proc/PID/task/*/schedstat (the scheduler's exact run time in ns, and the
number of times each thread was scheduled in) at the start and the end of the
window, so a thread at 0.1 % of a core is measured, not rounded to 4 ms ticks.
Threads with the same name (the three au-gm-render workers, the au-net pool)
are added together. Prints percent of one core and wake-ups a second per name,
busiest first, then the total; with --total, only the total percent (what
bench/listeners/run_side_by_side.sh reads as a server's idle figure).
"""
import collections
import os
import sys
import time


def snapshot(pid):
    run_ns, wakeups = collections.Counter(), collections.Counter()
    for tid in os.listdir("/proc/%s/task" % pid):
        try:
            with open("/proc/%s/task/%s/comm" % (pid, tid)) as f:
                name = f.read().strip()
            with open("/proc/%s/task/%s/schedstat" % (pid, tid)) as f:
                fields = f.read().split()
        except OSError:  # the thread ended meanwhile
            continue
        run_ns[name] += int(fields[0])
        wakeups[name] += int(fields[2])
    return run_ns, wakeups


def main():
    args = [a for a in sys.argv[1:] if a != "--total"]
    total_only = len(args) != len(sys.argv) - 1
    if len(args) not in (1, 2):
        sys.exit("usage: thread_cpu.py PID [SECONDS] [--total]")
    pid = args[0]
    seconds = float(args[1]) if len(args) == 2 else 10.0
    run0, wake0 = snapshot(pid)
    start = time.monotonic()
    time.sleep(seconds)
    run1, wake1 = snapshot(pid)
    elapsed = time.monotonic() - start
    total_cpu = total_wake = 0.0
    for name in sorted(run1, key=lambda n: run0[n] - run1[n]):
        cpu = (run1[name] - run0[name]) / 1e9 / elapsed * 100
        wake = (wake1[name] - wake0[name]) / elapsed
        total_cpu += cpu
        total_wake += wake
        if not total_only:
            print("%-18s %6.2f %%  %7.0f wake-ups/s" % (name, cpu, wake))
    if total_only:
        print("%.3f" % total_cpu)
    else:
        print("%-18s %6.2f %%  %7.0f wake-ups/s" % ("total", total_cpu, total_wake))


if __name__ == "__main__":
    main()
