"""The reproduction suite's machinery, shared by the scripts beside it.

Data loaders, the compiled training loop, evaluation, plotting, results
writing, command-line helpers, analysis and the model zoo. Nothing here is
part of the `kreg` library: `kreg` never imports it, and it may use the
suite's whole stack (TensorFlow, pandas, matplotlib, ...). The scripts in
`reproductions/` import it as `harness` (their own folder is on `sys.path`
when they run; `pytest` adds it through `pythonpath` in `pyproject.toml`).
"""
