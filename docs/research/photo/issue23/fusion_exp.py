"""name + photo per level on the holdout: before (network colour) and after (network x pixels),
and the fusion's colour weight on a random half of the holdout."""
import sys, glob, joblib, numpy as np, pandas as pd
sys.path.insert(0, "/work/wt-photo")
from ml.evaluate.photo import photo_styles, level_marginals, _scores
from ml.photo.model import load_photo_model, BATCH_THREADS
from ml.photo.fusion import DEFAULT_WEIGHTS, combine
from ml.store import ArtifactStore
from ml.catalog.schema import LEVELS, NAME, COLOUR
styles = photo_styles(); test = styles[styles.holdout].reset_index(drop=True)
cascade = joblib.load("/work/wt-photo/models/evaluate-photo-served/cascade.joblib")
model = load_photo_model(store=ArtifactStore("/work/wt-photo/models/evaluate-photo-served"), threads=BATCH_THREADS)
after = model.level_probabilities(list(test.photo))
colour = model.colour; model.colour = None
before = model.level_probabilities(list(test.photo)); model.colour = colour
paths, flat = cascade.distributions(list(test[NAME]))
rows = list(range(len(test)))
rng = np.random.default_rng(0); A = rng.random(len(test)) < 0.5
for name, photo in (("before", before), ("after", after)):
    m = level_marginals(cascade, *combine(cascade.paths_, paths, flat, photo, rows, DEFAULT_WEIGHTS))
    print(name, {lv: round(_scores(m, test, lv)[0] * 100, 2) for lv in LEVELS}, flush=True)
for w in (0.25, 0.5, 0.75, 1.0):
    m = level_marginals(cascade, *combine(cascade.paths_, paths, flat, after, rows, {**DEFAULT_WEIGHTS, COLOUR: w}))
    a = _scores({COLOUR: (m[COLOUR][0], m[COLOUR][1][A])}, test[A].reset_index(drop=True), COLOUR)
    b = _scores({COLOUR: (m[COLOUR][0], m[COLOUR][1][~A])}, test[~A].reset_index(drop=True), COLOUR)
    print(f"colour w={w}: half A acc {a[0]:.4f} ll {a[1]:.3f} | half B acc {b[0]:.4f} ll {b[1]:.3f}", flush=True)
