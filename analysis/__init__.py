"""Post-processing of run outputs (one run folder, or every run under a multirun folder)."""
