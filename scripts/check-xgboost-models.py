"""Loads the popularity models of a cinepicks run with the Python XGBoost package and checks that they give
the same predictions as cinepicks on the run's check rows (popularity/check.parquet: hold-out films encoded
with the columns listed in popularity/manifest.json, and the predictions cinepicks made for them).

Usage: python check-xgboost-models.py RUN_DIR   (exit code 0 when every prediction matches)
"""

import json
import sys
from pathlib import Path

import numpy as np
import polars as pl
import xgboost as xgb

TOLERANCE = 1e-5


def main(run: Path) -> int:
    folder = run / "popularity"
    manifest = json.loads((folder / "manifest.json").read_text())
    names = manifest["features"]
    rows = pl.read_parquet(folder / "check.parquet")
    if rows.height == 0:
        print("no check rows", file=sys.stderr)
        return 1
    x = rows.select(names).to_numpy().astype(np.float32)
    matrix = xgb.DMatrix(x, feature_names=names, missing=np.nan)
    worst = 0.0
    for target, file in manifest["models"].items():
        booster = xgb.Booster(model_file=str(folder / file))
        if booster.feature_names != names:
            print(f"{file}: feature names differ from the manifest", file=sys.stderr)
            return 1
        python = booster.predict(matrix)
        rust = rows[f"predicted_{target}"].to_numpy()
        diff = float(np.max(np.abs(python - rust)))
        worst = max(worst, diff)
        print(f"{target}: {len(python)} rows, largest difference {diff:.2e} (xgboost {xgb.__version__})")
    return 0 if worst <= TOLERANCE else 1


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(Path(sys.argv[1])))
