"""Imported once by the extraction pool's forkserver: what every worker needs whatever the
settings (the pipeline's modules, the place gazetteer: seconds to build) is made there once,
so each forked worker is born with it instead of building its own."""

from baochi import pipeline  # noqa: F401  (imported for the workers)
from baochi.vi.gazetteer import gazetteer

gazetteer()
