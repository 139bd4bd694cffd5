#!/usr/bin/env python3
"""subreaper.py CMD...: run CMD as a child subreaper's child (PR_SET_CHILD_SUBREAPER), so that
the processes CMD leaves behind are reparented to us, not to pid 1, and are never reaped.
After CMD exits (and a settle time, SUBREAPER_SETTLE seconds, 1 by default), print one line
per process reparented to us: "PID STATE COMM" plus, for a live one, " lock" when it holds
an fd open on a file whose name ends in ".lock" (a pm lock). Exits with CMD's status. Used
by tests/system/134-harden.bats to prove pm reaps its own short-lived children."""
import ctypes
import os
import subprocess
import sys
import time

PR_SET_CHILD_SUBREAPER = 36


def main():
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        sys.exit("subreaper.py: prctl: " + os.strerror(ctypes.get_errno()))
    rc = subprocess.call(sys.argv[1:])
    time.sleep(float(os.environ.get("SUBREAPER_SETTLE", "1")))
    me = os.getpid()
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) != me:
            continue
        line = f"{pid} {fields[0]} {comm}"
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                if os.readlink(f"/proc/{pid}/fd/{fd}").endswith(".lock"):
                    line += " lock"
                    break
        except OSError:
            pass
        print(line)
    sys.exit(rc)


main()
