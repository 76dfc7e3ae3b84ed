"""Processes that die with their parent, so that nothing Kansli started runs on after it is gone.

Linux tells a process of its parent's death when asked to (``prctl(PR_SET_PDEATHSIG)``); without that, a
killed ``kansli serve`` or worker leaves its children serving and working, holding ports and jobs.
"""
from __future__ import annotations

import ctypes
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def die_with_parent(signum: int = signal.SIGKILL) -> None:
    """Get ``signum`` when the process that started this one dies (Linux; elsewhere nothing happens).

    Called first thing in a new child: should the parent already be gone, the child ends at once.
    """
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signum)
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def children_die_with_this_process() -> None:
    """Every process this one forks from now on (RQ's work horse and scheduler) dies with it."""
    os.register_at_fork(after_in_child=die_with_parent)
