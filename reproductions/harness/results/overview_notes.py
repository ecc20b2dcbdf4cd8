"""The method notes of `regularization_overview.py`'s README: how its runs
were made, worded from the run (sizes, seeds, seconds)."""


def method_notes(data, args, section_seconds, whole_set, significant):
    """The method notes below the ledger, worded for the data the run had
    and the seconds its sections took (`whole_set`: the sections trained on
    the whole training set; `significant`: the accuracy floor). What the
    numbers show is in the claims ledger, not here."""
    test_size, train_size = len(data.y_test), len(data.x_train)
    whole = [section_seconds[s] for s in whole_set if s in section_seconds]
    whole_set_cost = (f"{sum(whole) / args.whole_set_seeds / 60:.0f} minutes a "
                      "seed in this run, its trainings' own times summed"
                      if len(whole) == len(whole_set) else
                      "not all of these sections ran")
    return f"""\
Notes on the method:

- One test digit is {100 / test_size:.3g} % of accuracy here
  ({test_size:,} test digits). Seeds: {args.whole_set_seeds} for dropout,
  early stopping and DSD on the {train_size:,} training digits
  (`--whole-set-seeds`; {whole_set_cost}), {args.seeds} for augmentation and
  input noise on a stratified {args.augment_size:,} of them (`--seeds`). A
  seed changes the initial weights, the batch order, the dropout masks and
  the augmentation draws; the data and the small set stay those of `--seed`.
- A curve's final value is the mean of its last fifth of points
  (`harness.claims.measures.Final`); an accuracy difference between arms
  counts beyond its spread and beyond {significant:g}. Accuracies are
  measured in inference mode. The figures draw every seed.
- Missing units (`dropped_units.csv`): each unit of F5 and F6 dropped at test
  with rate {args.dropout_rate:g}, the others scaled by 1 / (1 - rate).
  Input noise: `dropout R` drops each pixel with rate R, scaling the rest by
  1 / (1 - R); `noise S` adds N(0, S^2) to each pixel in [0, 1]; in training
  only, before C1. The dropout-rate sweep (`dropout_rates.csv`) trains
  LeNet-5 on the small set at each `--sweep-drop-rates` (keep = 1 - rate).
- Dense-sparse-dense: sparsity is the fraction of kernel weights (biases
  excluded) exactly zero; the sparse phase re-applies its mask after every
  batch. `dsd_zeros.csv` counts per kernel the exact zeros and the dead units
  (an input channel 0 for every training digit, or a ReLU unit that never
  fires): a weight of a dead unit gets no gradient.
"""

