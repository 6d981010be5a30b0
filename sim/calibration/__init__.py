"""Calibration to an observed community: targets, priors, ABC-SMC (pyabc), the posterior and its use.

* :mod:`sim.calibration.config`: the ``calibrate`` section (``sim calibrate=NAME``), validated;
* :mod:`sim.calibration.targets`: observed targets with their uncertainty, and the simulated statistics;
* :mod:`sim.calibration.abc`: ABC-SMC with a SQLite history that a rerun resumes;
* :mod:`sim.calibration.outputs`: posterior samples, summary, posterior-predictive check, figures, report;
* :mod:`sim.calibration.posterior`: parameters drawn from a finished calibration (``calibration=<folder>``);
* :mod:`sim.calibration.uncertain`: a scenario or an experiment run over posterior draws.
"""
