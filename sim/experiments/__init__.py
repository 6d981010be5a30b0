"""Social-lab experiments: many simulated communities (or poll participants), treatment assignment
designs, effect estimates and, beside them, the true effects from counterfactual runs.

``sim experiment=NAME`` runs one (sim/conf/experiment/NAME.yaml); in Python::

    from sim.experiments import prepare, execute
    summary, results = execute(prepare(base_config_dict, experiment_dict), "out/")

See docs/experiments.md.
"""

from sim.experiments.experiment import execute, prepare, run_experiment

__all__ = ["execute", "prepare", "run_experiment"]
