"""Loads the XGBoost models of a cinepicks run with the Python XGBoost package and checks that they give the same
predictions as cinepicks on the run's check rows:
- popularity/check.parquet: hold-out films encoded with the columns listed in popularity/manifest.json, and the
  predictions cinepicks made for them (one regression model per target);
- audience/check.parquet: held-out ratings encoded with the columns of audience/spec.json, and the probability
  of each rating class cinepicks gave them (one multi-class model).

Usage: python check-xgboost-models.py RUN_DIR   (exit code 0 when the run has a model and every prediction matches)
"""

import json
import sys
from pathlib import Path

import numpy as np
import polars as pl
import xgboost as xgb

TOLERANCE = 1e-5


def matrix(rows: pl.DataFrame, names: list) -> xgb.DMatrix:
    return xgb.DMatrix(rows.select(names).to_numpy().astype(np.float32), feature_names=names, missing=np.nan)


def booster(path: Path, names: list) -> xgb.Booster:
    model = xgb.Booster(model_file=str(path))
    if model.feature_names != names:
        raise SystemExit(f"{path}: feature names differ from the run's column list")
    return model


def popularity(folder: Path) -> float:
    """The largest difference over the popularity models' predictions."""
    manifest = json.loads((folder / "manifest.json").read_text())
    names = manifest["features"]
    rows = pl.read_parquet(folder / "check.parquet")
    if rows.height == 0:
        raise SystemExit("popularity: no check rows")
    worst = 0.0
    for target, file in manifest["models"].items():
        python = booster(folder / file, names).predict(matrix(rows, names))
        diff = float(np.max(np.abs(python - rows[f"predicted_{target}"].to_numpy())))
        worst = max(worst, diff)
        print(f"popularity {target}: {len(python)} rows, largest difference {diff:.2e} (xgboost {xgb.__version__})")
    return worst


def audience(folder: Path) -> float:
    """The largest difference over the audience model's class probabilities."""
    spec = json.loads((folder / "spec.json").read_text())
    names, classes = spec["space"]["names"], spec["classes"]
    rows = pl.read_parquet(folder / "check.parquet")
    if rows.height == 0:
        raise SystemExit("audience: no check rows")
    python = booster(folder / "model.json", names).predict(matrix(rows, names))
    rust = rows.select([f"p_{c}" for c in classes]).to_numpy()
    if python.shape != rust.shape:
        raise SystemExit(f"audience: Python gives {python.shape} probabilities, cinepicks {rust.shape}")
    diff = float(np.max(np.abs(python - rust)))
    print(f"audience {len(classes)} classes: {rows.height} rows, largest difference {diff:.2e} (xgboost {xgb.__version__})")
    return diff


def main(run: Path) -> int:
    checks = [(run / "popularity", popularity), (run / "audience", audience)]
    present = [(folder, check) for folder, check in checks if (folder / "check.parquet").exists()]
    if not present:
        print(f"{run}: no model with check rows", file=sys.stderr)
        return 1
    worst = max(check(folder) for folder, check in present)
    return 0 if worst <= TOLERANCE else 1


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(Path(sys.argv[1])))
