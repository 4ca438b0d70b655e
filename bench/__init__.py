"""Procession's benchmark suite (issue 5): ``python -m bench [--quick]``.

Every benchmark measures Procession side by side with plain multiprocessing in
the same invocation and reports ratios against that baseline; see
docs/PERFORMANCE.md for the figures and what they mean.
"""
