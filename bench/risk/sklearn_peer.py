#!/usr/bin/python3
"""scikit-learn on the same feature matrices as `pathways risk evaluate --features-out DIR`.

Reads DIR/train.csv and DIR/test.csv (person_id, cohort, neet, then the features; an empty
cell is a missing value), DIR/evaluation.json (our metrics and timings) and
DIR/test_predictions.csv (our test-cohort probabilities). Fits:
  * LogisticRegression (C=1, L2, lbfgs) after SimpleImputer(mean, add_indicator=True) and
    StandardScaler: the same preparation and penalty as our logistic regression;
  * HistGradientBoostingClassifier with scikit-learn's defaults (random_state=0).
Prints AUC side by side, training and scoring time ratios (ours / scikit-learn), recomputes
our AUC from our own predictions with sklearn.metrics.roc_auc_score (a check of our metric
code), and the model's recall against the RONI score's at the same list size.
Run with Debian's /usr/bin/python3 (python3-sklearn).
"""
import argparse
import csv
import json
import math
import os
import time

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def read_matrix(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    y = np.array([int(r[2]) for r in body])
    x = np.array([[float(v) if v != "" else np.nan for v in r[3:]] for r in body], dtype=np.float32)
    return header[3:], x, y


def recall_at(p, y, fraction=0.10):
    """Recall of the top `fraction` with ties at the cut-off shared (as pathways does)."""
    n = len(p)
    k = max(1, math.ceil(fraction * n - 1e-9))
    cut = np.sort(p)[::-1][k - 1]
    above = p > cut
    tied = p == cut
    w = above.astype(float) + tied * ((k - above.sum()) / tied.sum())
    return float((w * y).sum() / y.sum())


def timed(fn, repeat=3):
    best = None
    out = None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        dt = time.perf_counter() - t
        best = dt if best is None else min(best, dt)
    return out, best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()

    names, xtr, ytr = read_matrix(os.path.join(a.dir, "train.csv"))
    names2, xte, yte = read_matrix(os.path.join(a.dir, "test.csv"))
    assert names == names2
    ev = json.load(open(os.path.join(a.dir, "evaluation.json")))
    print(f"train: {len(ytr)} rows ({int(ytr.sum())} NEET), cohorts {', '.join(ev['train_cohorts'])}; "
          f"test: {len(yte)} rows ({int(yte.sum())} NEET), cohort {ev['test_cohort']}; {len(names)} features")

    peers = {
        "logistic": lambda: make_pipeline(SimpleImputer(strategy="mean", add_indicator=True), StandardScaler(),
                                          LogisticRegression(C=1.0, max_iter=5000)),
        "xgboost": lambda: HistGradientBoostingClassifier(random_state=0),
    }
    peer_name = {"logistic": "LogisticRegression", "xgboost": "HistGradientBoosting"}

    # Our AUC recomputed by scikit-learn from our own predictions.
    with open(os.path.join(a.dir, "test_predictions.csv"), newline="") as f:
        pred = list(csv.DictReader(f))
    ours_y = np.array([int(r["neet"]) for r in pred])

    print()
    print("| model | ours AUC | scikit-learn peer | peer AUC | AUC ours - peer | train time ours / peer | "
          "score time ours / peer | ours recall@10% | peer recall@10% |")
    print("|---|---|---|---|---|---|---|---|---|")
    for alg in ("xgboost", "logistic"):
        ours = ev["models"][alg]
        model, fit_s = timed(lambda: peers[alg]().fit(xtr, ytr), a.repeat)
        p, score_s = timed(lambda: model.predict_proba(xte)[:, 1], a.repeat)
        peer_auc = roc_auc_score(yte, p)
        ours_p = np.array([float(r[f"p_{alg}"]) for r in pred])
        check = roc_auc_score(ours_y, ours_p)
        assert abs(check - ours["auc"]) < 1e-9, f"our AUC {ours['auc']} vs sklearn's on our predictions {check}"
        print(f"| {alg} | {ours['auc']:.4f} | {peer_name[alg]} | {peer_auc:.4f} | {ours['auc'] - peer_auc:+.4f} | "
              f"{ours['train_seconds']:.3f} s / {fit_s:.3f} s = {ours['train_seconds'] / fit_s:.2f} | "
              f"{ours['score_seconds'] * 1000:.1f} ms / {score_s * 1000:.1f} ms = {ours['score_seconds'] / score_s:.2f} | "
              f"{100 * ours['recall_at_10pct']:.1f}% | {100 * recall_at(p, yte):.1f}% |")
    # The same penalty as ours: our logistic regression chose lambda by its temporal inner split;
    # scikit-learn's C is 1 / lambda on the same standardised columns.
    lam = ev["models"]["logistic"]["parameters"]["lambda"]
    same = lambda: make_pipeline(SimpleImputer(strategy="mean", add_indicator=True), StandardScaler(),
                                 LogisticRegression(C=1.0 / lam, max_iter=5000))
    model, fit_s = timed(lambda: same().fit(xtr, ytr), a.repeat)
    p, score_s = timed(lambda: model.predict_proba(xte)[:, 1], a.repeat)
    ours = ev["models"]["logistic"]
    print(f"| logistic, same penalty | {ours['auc']:.4f} | LogisticRegression(C=1/{lam:g}) | {roc_auc_score(yte, p):.4f} | "
          f"{ours['auc'] - roc_auc_score(yte, p):+.4f} | {ours['train_seconds']:.3f} s / {fit_s:.3f} s (ours includes "
          f"choosing lambda: 6 fits) | {ours['score_seconds'] * 1000:.1f} ms / {score_s * 1000:.1f} ms | "
          f"{100 * ours['recall_at_10pct']:.1f}% | {100 * recall_at(p, yte):.1f}% |")
    print()
    print("our AUCs recomputed with sklearn.metrics.roc_auc_score from our predictions: identical (|diff| < 1e-9)")

    m, r = ev["model"], ev["roni"]
    diff = m["recall_at_10pct"] - r["recall_at_10pct"]
    print()
    print(f"At the same list size (top 10% = {ev['list_size']:.0f} of {ev['n_test']} in {ev['test_cohort']}):")
    print(f"  {m['algorithm']} model recall {100 * m['recall_at_10pct']:.1f}%, precision "
          f"{100 * m['precision_at_10pct']:.1f}%, AUC {m['auc']:.3f} ({m['auc_ci'][0]:.3f}-{m['auc_ci'][1]:.3f})")
    print(f"  RONI score  recall {100 * r['recall_at_10pct']:.1f}%, precision {100 * r['precision_at_10pct']:.1f}%, "
          f"AUC {r['auc']:.3f} ({r['auc_ci'][0]:.3f}-{r['auc_ci'][1]:.3f}); {r['ties_at_cutoff']} tied at the cut-off "
          f"score {r['cutoff_score']:g}")
    if diff > 0:
        print(f"  the model finds {100 * diff:.1f} percentage points more of the NEET young people "
              f"({diff * ev['neet_test']:.1f} of {ev['neet_test']}) than the RONI score")
    else:
        print(f"  the model does NOT beat the RONI score: {100 * -diff:.1f} percentage points fewer")
    print()
    print("fairness (model, overall top-10% cut-off within each group):")
    print("| group | key | n | NEET | recall@10% | FPR@10% | ECE |")
    print("|---|---|---|---|---|---|---|")
    fmt = lambda v, pct: "-" if v is None else (f"{100 * v:.1f}%" if pct else f"{v:.3f}")
    for g in ev["fairness"]:
        print(f"| {g['group']} | {g['key']} | {g['n']} | {g['neet']} | {fmt(g['recall_at_10pct'], True)} | "
              f"{fmt(g['fpr_at_10pct'], True)} | {fmt(g['ece'], False)} |")


if __name__ == "__main__":
    main()
