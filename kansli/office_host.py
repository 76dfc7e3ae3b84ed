"""``python -m kansli.office_host UNOSERVER-ARGV…``: a resident LibreOffice that never outlives its worker.

unoserver starts LibreOffice's launcher, which starts soffice; neither dies with unoserver, and soffice
takes many seconds to heed a SIGTERM. This small host runs unoserver in its own process group and, when
told to stop or when its parent dies, kills the whole group at once.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from types import FrameType

from kansli.lifeline import die_with_parent


def _end_group(_signum: int, _frame: FrameType | None) -> None:
    os.killpg(os.getpgrp(), signal.SIGKILL)  # this host included: nothing of the group is left


def main(argv: list[str]) -> int:
    if os.getpgrp() != os.getpid():  # the supervisor starts it as a group of its own; alone, make one
        os.setpgid(0, 0)
    die_with_parent(signal.SIGTERM)
    signal.signal(signal.SIGTERM, _end_group)
    signal.signal(signal.SIGINT, _end_group)
    return subprocess.call(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
