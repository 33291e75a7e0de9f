"""Stalls one named thread of a child process, the rest running on: the fault a
side-chain meets on a machine too loaded to schedule it. ptrace's interrupt stop
(PTRACE_SEIZE + PTRACE_INTERRUPT) halts exactly that thread; detaching resumes it.
The server is the test's child, so Yama's default ptrace scope allows it."""

import ctypes
import os
import time

_PTRACE_DETACH = 17
_PTRACE_SEIZE = 0x4206
_PTRACE_INTERRUPT = 0x4207
_WALL = 0x40000000

_libc = ctypes.CDLL(None, use_errno=True)
_libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
_libc.ptrace.restype = ctypes.c_long


def thread_ids(pid, name):
    """Thread ids of process `pid` whose name (comm) is `name`."""
    tids = []
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/comm" % (pid, tid)) as f:
                if f.read().strip() == name:
                    tids.append(int(tid))
        except OSError:
            pass  # the thread ended meanwhile
    return tids


def _ptrace(request, tid, data=None):
    if _libc.ptrace(request, tid, None, data) != 0:
        err = ctypes.get_errno()
        raise OSError(err, "ptrace(%#x, %d): %s" % (request, tid, os.strerror(err)))


def stall_thread(pid, name, seconds):
    """Holds the thread named `name` of `pid` stopped for `seconds`."""
    tids = thread_ids(pid, name)
    if len(tids) != 1:
        raise RuntimeError("expected one thread named %r in %d, found %d" % (name, pid, len(tids)))
    tid = tids[0]
    _ptrace(_PTRACE_SEIZE, tid)
    try:
        _ptrace(_PTRACE_INTERRUPT, tid)
        os.waitpid(tid, _WALL)
        time.sleep(seconds)
    finally:
        _ptrace(_PTRACE_DETACH, tid)
