"""The headline table of `regularization_overview.py`: each section's
numbers per seed, as `[(quantity, [value per seed])]` for
`harness.results.seed_tables.headline_table`. A section's results are a
list of runs, one per seed, each `{arm: results}` (the small-set sweeps: a
table of runs, one row per variant and seed)."""


def arms_of(run):
    """A run's arms in order: its entries holding `curves`."""
    return [arm for arm, value in run.items() if isinstance(value, dict) and "curves" in value]


def augmentation_rows(seeds, args):
    """Each arm's final training and test accuracy on the small set."""
    size = seeds[0]["train_size"]
    return [row for arm in arms_of(seeds[0]) for row in (
        (f"{arm}: final train accuracy ({size} training digits)",
         [r[arm]["curves"]["train"][-1] for r in seeds]),
        (f"{arm}: final test accuracy", [r[arm]["curves"]["test"][-1] for r in seeds]))]


def early_stopping_rows(seeds, args):
    """The chosen epoch, the accuracies and losses there and at the end."""
    return [("chosen epoch (lowest validation loss)", [r["best_epoch"] for r in seeds]),
            ("epochs run", [r["epochs_run"] for r in seeds]),
            ("test accuracy, restored best weights",
             [r["restored_test_accuracy"] for r in seeds]),
            ("test accuracy, last epoch's weights", [r["test_curve"][-1] for r in seeds]),
            ("training loss at chosen epoch", [r["loss"][r["best_epoch"] - 1] for r in seeds]),
            ("training loss at last epoch", [r["loss"][-1] for r in seeds]),
            ("validation loss at chosen epoch",
             [r["val_loss"][r["best_epoch"] - 1] for r in seeds]),
            ("validation loss at last epoch", [r["val_loss"][-1] for r in seeds])]


def dropout_rows(seeds, args):
    """Each arm's final training and test accuracy and their gap."""
    rows = []
    for arm in ("no_dropout", "dropout"):
        curves = [r[arm]["curves"] for r in seeds]
        rows += [(f"{arm}: final train accuracy", [c["train"][-1] for c in curves]),
                 (f"{arm}: final test accuracy", [c["test"][-1] for c in curves]),
                 (f"{arm}: train - test gap",
                  [c["train"][-1] - c["test"][-1] for c in curves])]
    return rows


def dsd_rows(seeds, args):
    """DSD's test accuracy and sparsity at each phase's end, plain training's
    at the same epochs, and the control's (`lr_drop`) at the end."""
    dense, sparse, redense = args.dsd_epochs
    rows = []
    for phase, epoch in (("dense", dense), ("sparse", dense + sparse),
                         ("re-dense", dense + sparse + redense)):
        rows += [(f"DSD after {phase} phase (epoch {epoch}): test accuracy",
                  [r["dsd"]["curves"]["test"][epoch - 1] for r in seeds]),
                 (f"DSD after {phase} phase: kernel sparsity",
                  [r["dsd"]["sparsity"][epoch - 1] for r in seeds]),
                 (f"plain training at epoch {epoch}: test accuracy",
                  [r["plain"]["curves"]["test"][epoch - 1] for r in seeds])]
    rows += [("plain training with re-dense's learning-rate drop: final test accuracy",
              [r["lr_drop"]["curves"]["test"][-1] for r in seeds])]
    return rows


def sweep_rows(prefix):
    """A sweep's table rows: each variant's test accuracy over seeds."""
    return lambda result, args: [
        (f"{prefix}{variant}: test accuracy ({result['train_size']} training digits)",
         group["test_accuracy"].to_numpy())
        for variant, group in result["runs"].groupby("variant", sort=False)]
