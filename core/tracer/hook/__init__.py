"""The hook that runs inside every traced interpreter (standard library only;
this folder goes on their PYTHONPATH, so its modules are imported there by
their own names: sitecustomize, procession_trace, ...)."""
