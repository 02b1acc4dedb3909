import sys, json, glob, time, numpy as np, pandas as pd
sys.path.insert(0, ".")  # run from the checkout; reads the caches cache.py wrote
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
E = "/tmp/photo-exp/"
styles = pd.read_pickle(E+"styles.pkl"); ok = np.load(E+"ok.npy"); styles = styles[ok].reset_index(drop=True)
F = np.load(E+"features.npy"); FF = np.load(E+"features_flip.npy")
print(F.shape, len(styles))
hold = styles.holdout.to_numpy()
key = (styles.articleType + "|" + styles.gender).to_numpy()
t_idx = np.flatnonzero(~hold); q_idx = np.flatnonzero(hold)
rng = np.random.default_rng(0); half = rng.random(len(q_idx)) < 0.5
def share(Q, T):
    S = Q @ T.T
    top = np.argpartition(-S, 10, axis=1)[:, :10]
    r = (key[t_idx][top] == key[q_idx][:, None]).mean(axis=1); return round(r[half].mean(),4), round(r[~half].mean(),4), round(r.mean(), 4)
def norm(X): return X / np.linalg.norm(X, axis=1, keepdims=True)
X = (F + FF) / 2
print("raw features", share(norm(X[q_idx]), norm(X[t_idx])), flush=True)
y = key[t_idx].copy()
counts = pd.Series(y).value_counts()
y = np.where(pd.Series(y).map(counts).to_numpy() >= 5, y, "rare")
for n in (32, 64, 128):
    t = time.time()
    lda = LinearDiscriminantAnalysis(n_components=min(n, len(set(y))-1), solver="eigen", shrinkage=0.1).fit(X[t_idx], y)
    Z = lda.transform(X)
    print("lda", n, share(norm(Z[q_idx]), norm(Z[t_idx])), round(time.time()-t,1), flush=True)
