import sys, time, statistics, os, numpy as np, pandas as pd
sys.path.insert(0, "/work/wt-photo")
from ml.photo.model import load_photo_model
from ml.store import ArtifactStore
from pathlib import Path
styles = pd.read_pickle("/tmp/photo-exp/styles.pkl")
store = ArtifactStore("/work/wt-photo/models/evaluate-photo-served")
m = load_photo_model(store=store, threads=2)
paths = list(styles.photo[:2048]); print("load", os.getloadavg())
w, c = time.perf_counter(), time.process_time(); m.embed(paths); w, c = time.perf_counter()-w, time.process_time()-c
print(f"embed from JPEG: {len(paths)/w:.0f} img/s, {len(paths)/c:.0f} img/CPU-s")
s = load_photo_model(store=store); up = Path(styles.photo[styles.holdout].iloc[0]).read_bytes(); t = []
for _ in range(50):
    a = time.perf_counter(); s.analyse([up]); t.append((time.perf_counter()-a)*1000)
print(f"upload {statistics.median(t):.1f} ms median", "load", os.getloadavg())
