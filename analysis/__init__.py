"""Post-processing of run outputs: tables of runs, designs for sweeps, sensitivity analysis and
sweep reports (``python -m analysis summaries|design|gather|report``)."""
