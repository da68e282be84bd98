"""Imported by the forkserver before it forks analysis workers.

Loading the models here, once, means every worker forked from the server starts with them
already in memory, and the pages stay shared between workers (copy-on-write) instead of each
worker holding a private copy. Importing this module anywhere else would load the models
needlessly, so only `bot.analyzer` names it, as a preload.

Two details keep that true in practice:

* BLAS threads: numpy's OpenBLAS starts one thread per core in every process that loads it. Each
  worker already is one core's worth of work, so n workers x n BLAS threads oversubscribe the CPU
  (measured: 2 workers ran 3x SLOWER than 1 on 2 cores). The limit must be set before numpy is
  first imported, i.e. here, before the models load; an explicit setting in the environment wins.
* gc.freeze(): after loading, every object the models created is moved to the permanent
  generation, so the cyclic GC in a worker never writes to their headers and the pages holding
  them are not copied into each worker by a collection.
"""

import gc
import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

from analysis.worker import warm_up  # noqa: E402 - the limits above must precede numpy's import

warm_up()
gc.collect()
gc.freeze()
