import sys, json, glob, numpy as np, pandas as pd
sys.path.insert(0, "/work/wt-photo")
from ml.photo.model import similarity_vectors
E = "/tmp/photo-exp/"
styles = pd.read_pickle(E+"styles.pkl"); ok = np.load(E+"ok.npy"); styles = styles[ok].reset_index(drop=True)
classes = json.load(open(E+"classes.json"))
folder = glob.glob("/work/wt-photo/models/photo/photo-*")[0]
proj = (np.load(folder+"/projection_mean.npy"), np.load(folder+"/projection.npy"))
P = {k: np.load(E+f"p_{k}.npy") for k in ("articleType", "gender")}
PF = {k: (np.load(E+f"p_{k}.npy")+np.load(E+f"pf_{k}.npy"))/2 for k in P}
V = similarity_vectors(np.load(E+"features.npy"), P, np.load(E+"hsv.npy"), proj)
hold = styles.holdout.to_numpy()
key = (styles.articleType + "|" + styles.gender).to_numpy()
t_idx = np.flatnonzero(~hold); q_idx = np.flatnonzero(hold)
rng = np.random.default_rng(0); half = rng.random(len(q_idx)) < 0.5
S = V[q_idx] @ V[t_idx].T
def share(score):
    top = np.argpartition(-score, 10, axis=1)[:, :10]
    r = (key[t_idx][top] == key[q_idx][:, None]).mean(axis=1); return round(r[half].mean(),4), round(r[~half].mean(),4), round(r.mean(), 4)
print("base", share(S), flush=True)
def logp(level, p):
    cl = {c:i for i,c in enumerate(classes[level])}
    col = np.array([cl.get(v, -1) for v in styles[level].to_numpy()[t_idx]])
    lp = np.log(np.maximum(p, 1e-4)); out = lp[:, np.maximum(col,0)]; out[:, col<0] = np.log(1e-4); return out
LT = logp("articleType", PF["articleType"][q_idx]); LG = logp("gender", PF["gender"][q_idx])
for a in (0.1, 0.3, 1.0, 3.0):
    print("tta", a, share(S + a*LT + a*LG), flush=True)
# the query's joint (type, gender) from net x kNN votes
m = 30
top = np.argpartition(-S, m, axis=1)[:, :m]
for beta in (0.5, 1.0):
    post = {}
    for level in ("articleType", "gender"):
        cl = {c:i for i,c in enumerate(classes[level])}
        lab = np.array([cl.get(v, 0) for v in styles[level].to_numpy()[t_idx]])
        votes = np.zeros_like(PF[level][q_idx])
        np.add.at(votes, (np.repeat(np.arange(len(q_idx)), m), lab[top].ravel()), 1.0/m)
        q = PF[level][q_idx] * (votes + 0.02) ** beta; post[level] = q / q.sum(1, keepdims=True)
    for a in (0.3, 1.0, 3.0):
        print("knn", beta, a, share(S + a*logp("articleType", post["articleType"]) + a*logp("gender", post["gender"])), flush=True)
