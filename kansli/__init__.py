"""Kansli: the domain package — settings, models, storage, the pipeline and its rules.

The web edge lives in :mod:`service`, the queue edge in :mod:`workers`; both call into here.
"""
