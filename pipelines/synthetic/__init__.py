"""Synthetic extracts for development, tests and benchmarks.

`generate()` writes the city, county and ICB extracts of docs/source-extracts.md under
`<out>/landing/` and, for tests and benchmarks only, the truth behind them under `<out>/truth/`.
"""

from pipelines.synthetic.generator import GenerateSummary, generate

__all__ = ["GenerateSummary", "generate"]
