"""Imported by the forkserver before it forks analysis workers.

Loading the models here, once, means every worker forked from the server starts with them
already in memory, and the pages stay shared between workers (copy-on-write) instead of each
worker holding a private copy. Importing this module anywhere else would load the models
needlessly, so only `bot.analyzer` names it, as a preload.
"""

from analysis.worker import warm_up

warm_up()
