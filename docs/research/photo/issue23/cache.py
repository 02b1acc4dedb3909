import time, numpy as np, sys
sys.path.insert(0, "/work/wt-photo")
from ml.evaluate.photo import photo_styles
from ml.photo.train import read_catalog_photos
from ml.photo.model import PhotoModel
import glob
styles = photo_styles()
styles.to_pickle("/tmp/photo-exp/styles.pkl")
t = time.perf_counter()
images, ok, hashes = read_catalog_photos(list(styles["photo"]))
print("decode", time.perf_counter() - t, ok.sum(), flush=True)
np.save("/tmp/photo-exp/images.npy", images); np.save("/tmp/photo-exp/ok.npy", ok)
folder = glob.glob("/work/wt-photo/models/photo/photo-*")[0]
model = PhotoModel.load(folder, threads=2)
t = time.perf_counter()
plain = model.run(images)
print("plain", time.perf_counter() - t, flush=True)
flip = model.run(images[:, :, ::-1].copy())
print("flip", time.perf_counter() - t, flush=True)
np.save("/tmp/photo-exp/features.npy", plain.features)
np.save("/tmp/photo-exp/features_flip.npy", flip.features)
for k in plain.probabilities:
    np.save(f"/tmp/photo-exp/p_{k}.npy", plain.probabilities[k]); np.save(f"/tmp/photo-exp/pf_{k}.npy", flip.probabilities[k])
import json; json.dump({k: list(v) for k, v in model.classes.items()}, open("/tmp/photo-exp/classes.json", "w"))
print("done")
