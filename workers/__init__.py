"""The queue edge: RQ jobs (``jobs``), one worker process (``worker``) and its supervisor."""
