"""A store with the served photo model (+ pixel colour classifier fitted on the same train split)
and an index of every dataset photo, for `python -m ml.evaluate.photo --models DIR`."""
import sys, glob, json, numpy as np, pandas as pd
sys.path.insert(0, "/work/wt-photo")
from ml.photo.model import PhotoModel, similarity_vectors, ARTIFACT_NAME
from ml.photo.index import PhotoIndex, save_photo_index
from ml.photo.colour import ColourClassifier
from ml.store import ArtifactStore
E = "/tmp/photo-exp/"; out = sys.argv[1]
styles = pd.read_pickle(E+"styles.pkl"); ok = np.load(E+"ok.npy"); styles = styles[ok].reset_index(drop=True)
folder = glob.glob("/work/wt-photo/models/photo/photo-*")[0]
meta = json.load(open(folder + "/metadata.json"))
model = PhotoModel.load(folder, threads=2, model_version=meta["version"])
fit = ~styles.holdout.to_numpy()
c = ColourClassifier(max_iter=200).fit(np.load(E+"lab.npy")[fit], styles.baseColour.fillna("").astype(str).to_numpy()[fit])
model.colour = {"classes": list(c.classes_), "mean": c.mean_, "scale": c.scale_, "coef": c.coef_, "intercept": c.intercept_}
store = ArtifactStore(out)
class P:  # params for the metadata
    def get_params(self): return meta["params"]
saved = store.save(ARTIFACT_NAME, P(), data_fingerprint=meta["data_fingerprint"], training_rows=meta["training_rows"],
                   metrics=meta["metrics"], writer=model.save, extra={"note": "served model " + meta["version"] + " + pixel colour"})
classes = json.load(open(E+"classes.json"))
P_ = {k: np.load(E+f"p_{k}.npy") for k in classes}
V = similarity_vectors(np.load(E+"features.npy"), P_, np.load(E+"hsv.npy"), model.projection)
index = PhotoIndex.from_vectors(ids=styles.id.to_numpy(), vectors=V, hashes=[str(i) for i in styles.id], catalog=styles, model_version=saved["version"])
save_photo_index(index, store=store, catalog=styles)
print("ok", saved["version"])
