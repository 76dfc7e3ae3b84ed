"""The registry (diarium), one module per concern; import each thing from the module that holds it.

- :mod:`.numbering`: registration numbers, registering an upload or an output, the guessed description
- :mod:`.search`: the search index (full text on both databases) and searching it
- :mod:`.retention`: retention periods, legal holds, disposal (gallring) and what still needs stored bytes
- :mod:`.archiving`: freezing a registration into an archive package
- :mod:`.erms`: a case as CITS ERMS XML (FGS Ärendehantering 2.0), and checking such XML
- :mod:`.record`: the item a registration is of, and the record of it that goes into its archive package
  (the API's JSON is apart, in :mod:`service.api.representation`)
- :mod:`.errors`: :class:`~.errors.RegistryError`, raised by all of them
"""
