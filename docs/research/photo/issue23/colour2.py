import sys, json, time, numpy as np, pandas as pd
sys.path.insert(0, "/work/wt-photo")
from ml.photo.colour import ColourClassifier
from ml.photo.model import fuse_colour
E = "/tmp/photo-exp/"
styles = pd.read_pickle(E+"styles.pkl"); ok = np.load(E+"ok.npy"); styles = styles[ok].reset_index(drop=True)
classes = json.load(open(E+"classes.json"))
F = np.load(E+"lab.npy")
y = styles["baseColour"].fillna("").astype(str).to_numpy()
hold = styles.holdout.to_numpy(); fit = ~hold
rng = np.random.default_rng(0); A = hold & (rng.random(len(hold)) < 0.5); B = hold & ~A
t = time.perf_counter()
m = ColourClassifier(C=float(sys.argv[1]) if len(sys.argv) > 1 else 1.0, max_iter=200).fit(F[fit], y[fit])
print("fit", time.perf_counter()-t, flush=True)
ph = m.predict_proba(F)
np.save(E+"p_pixels.npy", ph); json.dump(list(m.classes_), open(E+"pixel_classes.json","w"))
net_cl = np.array(classes["baseColour"], dtype=object)
pn = (np.load(E+"p_baseColour.npy") + np.load(E+"pf_baseColour.npy")) / 2
def acc(p, rows):
    return (net_cl[p[rows].argmax(1)] == y[rows])[y[rows] != ""].mean()
def ll(p, rows):
    pos = {c:i for i,c in enumerate(net_cl)}; r = np.flatnonzero(rows & (y != "") & np.isin(y, net_cl))
    return -np.log(np.maximum(p[r, [pos[v] for v in y[r]]], 1e-12)).mean()
print("net alone TTA: hold %.4f A %.4f B %.4f" % (acc(pn, hold), acc(pn, A), acc(pn, B)))
pix = fuse_colour((net_cl, pn), (m.classes_, ph), (0.0, 1.0))
print("pixels alone: hold %.4f A %.4f B %.4f" % (acc(pix, hold), acc(pix, A), acc(pix, B)))
for a in (0.25, 0.5, 0.75, 1.0):
    for b in (0.5, 0.75, 1.0, 1.25):
        f = fuse_colour((net_cl, pn), (m.classes_, ph), (a, b))
        print(f"a={a} b={b}: A acc {acc(f, A):.4f} ll {ll(f, A):.3f} | B acc {acc(f, B):.4f} | hold {acc(f, hold):.4f}", flush=True)
