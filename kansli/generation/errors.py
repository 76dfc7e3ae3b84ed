"""Why a document could not be generated, in one sentence for the drafter."""


class GenerationError(Exception):
    """Input that no template can be filled from; final, never retried."""
