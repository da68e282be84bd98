"""Imported by the forkserver before it forks analysis workers.

Loading the models here, once, means every worker forked from the server starts with them
already in memory, and the pages stay shared between workers (copy-on-write) instead of each
worker holding a private copy. Importing this module anywhere else would load the models
needlessly, so only `bot.analyzer` names it, as a preload.

Two details keep that true in practice:

* BLAS threads: one BLAS thread per worker. That limit has to be in the environment before the
  forkserver starts (importing this module imports the `analysis` package, and with it numpy,
  before any line here runs), so `bot.analyzer` sets it; see there.
* gc.freeze(): after loading, every object the models created is moved to the permanent
  generation, so the cyclic GC in a worker never writes to their headers and the pages holding
  them are not copied into each worker by a collection.
"""

import gc

from analysis.worker import warm_up

warm_up()
gc.collect()
gc.freeze()
