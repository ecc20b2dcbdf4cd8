"""Claims ledgers: every claim of an article, with a status that a declared
rule derives from the written tables.

- `ledger`: the ledger's row (`Claim`), its statuses and kinds, and how it is
  written, read and shown;
- `measures`: named numbers of the written tables (a cell, a curve's final
  value, one value per seed, a number derived from others), each with its
  spread;
- `evidence`: reads measures for a rule and records their names, the row's
  evidence;
- `rules`: the small vocabulary of rule kinds, each deciding a status and
  writing its own rule text from the same thresholds and numbers;
- `declare`: a script's claims as declarations (`Declared`, `NotTested`),
  and `derive`, which turns them into the ledger.

Import from the modules; this package imports nothing.
"""
