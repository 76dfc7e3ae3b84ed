"""``python -m workers [--heavy]``: one worker process, as the supervisor starts it."""
import sys

from kansli import config
from workers.worker import run

run(config.load(), heavy="--heavy" in sys.argv[1:])
