"""``python -m workers``: one worker process, as the supervisor starts it."""
from kansli import config
from workers.worker import run

run(config.load())
