"""Sweeps: many runs from one command (a Hydra multirun), gathered into one results table.

Each job of a multirun runs one parameter point, or a chunk of the rows of a design file, each
``sweep.replications`` times with seeds derived from the root ``seed`` (:mod:`sim.sweep.seeds`);
it writes its rows into its own folder, completely or not at all (:mod:`sim.sweep.store`). When
the multirun ends, :class:`sim.sweep.callbacks.SweepCallback` gathers every job's rows into
``results.parquet`` (one row per run) and ``timeseries_long.parquet`` (one row per run and step)
in the sweep folder. Re-running the same command into the same folder skips finished jobs.
"""
