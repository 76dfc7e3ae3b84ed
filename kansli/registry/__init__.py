"""The registry (diarium), one module per concern; import each thing from the module that holds it.

- :mod:`.numbering`: registration numbers, registering an upload or an output, the guessed description
- :mod:`.search`: the search index (full text on both databases) and searching it
- :mod:`.retention`: retention periods, legal holds, disposal (gallring) and what still needs stored bytes
- :mod:`.archiving`: freezing a registration into an archive package
- :mod:`.record`: how a registration is written down
- :mod:`.errors`: :class:`~.errors.RegistryError`, raised by all of them
"""
