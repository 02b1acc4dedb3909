import sys, json, glob, time, numpy as np, pandas as pd
sys.path.insert(0, "/work/wt-photo")
from ml.photo.colour import ColourClassifier
from ml.photo.model import fuse_colour
E = "/tmp/photo-exp/"
styles = pd.read_pickle(E+"styles.pkl"); ok = np.load(E+"ok.npy"); styles = styles[ok].reset_index(drop=True)
classes = json.load(open(E+"classes.json")); net_cl = np.array(classes["baseColour"], dtype=object)
folder = glob.glob("/work/wt-photo/models/photo/photo-*")[0]
mean, comp = np.load(folder+"/projection_mean.npy"), np.load(folder+"/projection.npy")
feat = (np.load(E+"features.npy") + np.load(E+"features_flip.npy")) / 2
X = np.hstack([np.load(E+"lab.npy"), (feat - mean) @ comp[:, :64]])
y = styles.baseColour.fillna("").astype(str).to_numpy(); hold = styles.holdout.to_numpy()
rng = np.random.default_rng(0); A = hold & (rng.random(len(hold)) < 0.5); B = hold & ~A
t = time.perf_counter(); m = ColourClassifier(max_iter=200).fit(X[~hold], y[~hold]); print("fit", time.perf_counter()-t)
ph = m.predict_proba(X); pn = (np.load(E+"p_baseColour.npy") + np.load(E+"pf_baseColour.npy")) / 2
def acc(p, rows): return (net_cl[p[rows].argmax(1)] == y[rows])[y[rows] != ""].mean()
print("pixels+cnn alone hold", acc(fuse_colour((net_cl, pn), (m.classes_, ph), (0, 1)), hold))
for a, b in ((0.75, 0.5), (0.5, 0.75), (0.25, 1.0), (0.5, 1.0)):
    f = fuse_colour((net_cl, pn), (m.classes_, ph), (a, b)); print(a, b, "A", round(acc(f, A), 4), "B", round(acc(f, B), 4), "hold", round(acc(f, hold), 4))
