"""Reproduces every figure in RESULTS.md.  Usage (from /work/scratch/photo):

    .venv/bin/python run_experiments.py images --res 80          # uint8 photo cache
    .venv/bin/python run_experiments.py bench --backbone lite0 --res 80   # throughput/latency
    .venv/bin/python run_experiments.py norm --res 80            # normalisation check (frozen probe)
    .venv/bin/python run_experiments.py finetune --backbone lite0 --res 80 --epochs 4 [--final]
    .venv/bin/python run_experiments.py colour                   # colour-histogram figures
    .venv/bin/python run_experiments.py export --backbone lite0 --res 80 --tag lite0_80_15_e4_final

Without ``--final`` training uses train minus the inner-validation split and reports on the
inner validation split; with ``--final`` it trains on all of train and reports the holdout.
Results are appended as JSON lines to ``results.jsonl``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import numpy as np
import torch

import photo_model as pm

HERE = Path(__file__).resolve().parent
CACHE = HERE / "cache"
RESULTS = HERE / "results.jsonl"
SIM_K = 10
BENCH_IMAGES = 2048
LATENCY_REPEATS = 50
CNN_PCA_DIM = 128


def log(record: dict) -> None:
    record = {"time": time.strftime("%H:%M:%S"), **record}
    print(json.dumps(record), flush=True)
    with open(RESULTS, "a") as f:
        f.write(json.dumps(record) + "\n")


def styles():
    return pm.load_styles()


def cached_images(res: int, frame) -> np.ndarray:
    path = CACHE / f"images_{res}.npy"
    if not path.exists():
        t = time.perf_counter()
        images = pm.load_images(pm.image_paths(frame.id), res)
        np.save(path, images)
        print(f"cached {len(images)} images at {res}px in {time.perf_counter() - t:.1f}s")
    return np.load(path, mmap_mode="r")


def cached_activations(backbone: str, res: int, split: int | None, frame, flip: bool):
    net = pm.build_backbone(backbone, res)
    split = pm.default_split(net) if split is None else split
    path = CACHE / f"act_{backbone}_{res}_{split}{'_flip' if flip else ''}.npy"
    base_split = pm.default_split(net)
    if not path.exists() and split > base_split:
        base, _ = cached_activations(backbone, res, base_split, frame, flip)
        t = time.perf_counter()
        np.save(path, pm.advance_activations(base, net, base_split, split))
        log({"exp": "advance_activations", "backbone": backbone, "res": res, "from": base_split,
             "to": split, "flip": flip, "seconds": round(time.perf_counter() - t, 1)})
    if not path.exists():
        images = np.asarray(cached_images(res, frame))
        onnx_path = CACHE / f"bottom_{backbone}_{res}_{split}.onnx"
        pm.export_bottom_onnx(pm.Bottom(net, split), onnx_path, res)
        session = pm.ort_session(onnx_path)
        t = time.perf_counter()
        acts = pm.compute_activations(images, session=session, flip=flip)
        seconds = time.perf_counter() - t
        np.save(path, acts)
        log({"exp": "cache_activations", "backbone": backbone, "res": res, "split": split, "flip": flip,
             "n": len(acts), "seconds": round(seconds, 1), "img_per_s": round(len(acts) / seconds, 1),
             "shape": list(acts.shape[1:])})
    return np.load(path), split


def cmd_images(args):
    cached_images(args.res, styles())


def cmd_bench(args):
    """Throughput (catalog batch) and single-upload latency, PyTorch eager vs ONNX Runtime."""
    torch.set_num_threads(2)
    frame = styles()
    net = pm.build_backbone(args.backbone, args.res)
    split = pm.default_split(net)
    n_classes = {t: frame[t].nunique() for t in pm.TASKS}
    bottom, top = pm.Bottom(net, split), pm.Top(net, split, n_classes).eval()
    images = np.asarray(cached_images(args.res, frame)[:BENCH_IMAGES])
    paths = pm.image_paths(frame.id[:BENCH_IMAGES])
    full = pm._FullModel(bottom, top).eval()
    # PyTorch eager
    with torch.inference_mode():
        full(torch.from_numpy(images[:64].copy()))
        t = time.perf_counter()
        for s in range(0, len(images), 256):
            full(torch.from_numpy(images[s : s + 256].copy()))
        eager = len(images) / (time.perf_counter() - t)
    onnx_path = CACHE / f"bench_{args.backbone}_{args.res}.onnx"
    pm.export_onnx(bottom, top, onnx_path, args.res)
    classes = {t: np.array([str(i) for i in range(k)]) for t, k in n_classes.items()}
    model = pm.OnnxPhotoModel(onnx_path, classes, args.res)
    model.run(images[:256])
    t = time.perf_counter()
    model.run(images, batch_size=args.batch)
    ort_tensor = len(images) / (time.perf_counter() - t)
    t = time.perf_counter()
    model.embed_paths(paths, batch_size=args.batch)
    ort_files = len(paths) / (time.perf_counter() - t)
    for p in paths[:5]:
        model.classify_upload(p)
    lat = []
    for p in paths[:LATENCY_REPEATS]:
        t = time.perf_counter()
        model.classify_upload(p)
        lat.append((time.perf_counter() - t) * 1000)
    log({"exp": "bench", "backbone": args.backbone, "res": args.res, "split": split,
         "eager_img_s": round(eager, 1), "ort_img_s_preloaded": round(ort_tensor, 1),
         "ort_img_s_from_jpeg": round(ort_files, 1), "upload_ms_median": round(statistics.median(lat), 2),
         "upload_ms_p90": round(sorted(lat)[int(0.9 * len(lat))], 2), "load1": round(_load1(), 2)})


def _load1() -> float:
    return float(open("/proc/loadavg").read().split()[0])


def cmd_norm(args):
    """Which pixel normalisation suits the ported weights: frozen pooled features + logistic
    regression on a subset, inner validation accuracy for articleType."""
    from sklearn.linear_model import LogisticRegression

    torch.set_num_threads(2)
    frame = styles()
    train = frame[~frame.holdout & ~frame.inner_valid].index[:6000]
    valid = frame[frame.inner_valid].index[:2000]
    images = np.asarray(cached_images(args.res, frame))
    net = pm.build_backbone(args.backbone, args.res)
    for name, mean, std in [("tf_127_128", (127.0,) * 3, (128.0,) * 3),
                            ("imagenet", (123.675, 116.28, 103.53), (58.395, 57.12, 57.375))]:
        pm.PIXEL_MEAN, pm.PIXEL_STD = mean, std
        feats = {}
        for part, idx in [("train", train), ("valid", valid)]:
            with torch.inference_mode():
                out = [net.extract_features(pm.to_input(images[idx[s : s + 256]])).mean((2, 3)).numpy()
                       for s in range(0, len(idx), 256)]
            feats[part] = np.concatenate(out)
        clf = LogisticRegression(max_iter=300, C=1.0).fit(feats["train"], frame.articleType[train])
        acc = clf.score(feats["valid"], frame.articleType[valid])
        log({"exp": "norm", "backbone": args.backbone, "res": args.res, "norm": name,
             "n_train": len(train), "valid_articleType": round(acc, 4)})


def sim_keys(frame) -> np.ndarray:
    return (frame.articleType + "|" + frame.gender).to_numpy()


def cmd_finetune(args):
    torch.set_num_threads(args.threads)
    frame = styles()
    acts, split = cached_activations(args.backbone, args.res, args.split, frame, flip=False)
    acts_f = cached_activations(args.backbone, args.res, args.split, frame, flip=True)[0] if args.flip else None
    if args.final:
        train_mask, eval_mask = ~frame.holdout.to_numpy(), frame.holdout.to_numpy()
    else:
        train_mask = (~frame.holdout & ~frame.inner_valid).to_numpy()
        eval_mask = frame.inner_valid.to_numpy()
    tasks = tuple(args.tasks.split(","))
    classes = pm.encode_labels(frame[train_mask], tasks)
    y = pm.label_matrix(frame, classes)
    tr, ev = np.flatnonzero(train_mask), np.flatnonzero(eval_mask)
    X_train = (acts[tr], acts_f[tr]) if args.flip else acts[tr]
    clf = pm.PhotoTopClassifier(backbone=args.backbone, resolution=args.res, split=split,
                                epochs=args.epochs, lr=args.lr, batch_size=args.batch,
                                threads=args.threads, task_weights={**pm.DEFAULT_TASK_WEIGHTS})
    clf.fit(X_train, y[tr], classes)
    result = {"exp": "finetune", "backbone": args.backbone, "res": args.res, "split": split,
              "epochs": args.epochs, "flip_aug": args.flip, "lr": args.lr, "tasks": args.tasks,
              "final": args.final, "n_train": len(tr), "n_eval": len(ev),
              "train_seconds": round(clf.fit_seconds_, 1),
              "train_cpu_seconds": round(clf.fit_cpu_seconds_, 1), "load1": round(_load1(), 2)}
    # evaluate with and without test-time flip
    variants = [("", acts[ev])] + ([("_tta", (acts[ev], acts_f[ev]))] if args.flip else [])
    for suffix, X_eval in variants:
        for task, acc in clf.score(X_eval, y[ev]).items():
            result[f"{task}{suffix}"] = round(acc, 4)
    # similarity: eval photos queried against the train index
    feat_tr, _ = clf.transform(acts[tr])
    feat_ev, _ = clf.transform(acts[ev])
    keys = sim_keys(frame)
    emb_tr, emb_ev = pm.l2_normalise(feat_tr), pm.l2_normalise(feat_ev)
    result["sim@10"] = round(pm.neighbour_agreement(emb_ev, emb_tr, keys[ev], keys[tr], SIM_K), 4)
    colour_path = CACHE / "colour.npy"
    if colour_path.exists():
        colour = np.load(colour_path)
        for w in (0.3, 0.5):
            e_tr = pm.similarity_embedding(feat_tr, colour[tr], w)
            e_ev = pm.similarity_embedding(feat_ev, colour[ev], w)
            result[f"sim@10_colour{w}"] = round(pm.neighbour_agreement(e_ev, e_tr, keys[ev], keys[tr], SIM_K), 4)
    if args.save:
        tag = f"{args.backbone}_{args.res}_{split}_e{args.epochs}{'_final' if args.final else ''}"
        torch.save({"top": clf.top_.state_dict(), "classes": classes, "split": split}, CACHE / f"top_{tag}.pt")
        np.save(CACHE / f"emb_{tag}.npy", np.concatenate([feat_tr, feat_ev]))
    result["history"] = clf.history_
    log(result)


def _load_top(tag: str, backbone: str, res: int):
    saved = torch.load(CACHE / f"top_{tag}.pt", weights_only=False)
    net = pm.build_backbone(backbone, res)
    classes, split = saved["classes"], saved["split"]
    top = pm.Top(net, split, {t: len(c) for t, c in classes.items()})
    top.load_state_dict(saved["top"])
    return net, pm.Bottom(net, split).eval(), top.eval(), classes, split


def cmd_export(args):
    """Export a saved fine-tuned top + its bottom to one ONNX graph; check holdout accuracy
    and similarity from the ONNX outputs; measure catalog throughput and upload latency."""
    import json as _json

    torch.set_num_threads(2)
    frame = styles()
    net, bottom, top, classes, split = _load_top(args.tag, args.backbone, args.res)
    onnx_path = CACHE / f"model_{args.tag}.onnx"
    pm.export_onnx(bottom, top, onnx_path, args.res)
    (CACHE / f"model_{args.tag}.classes.json").write_text(_json.dumps({t: list(map(str, c)) for t, c in classes.items()}))
    model = pm.OnnxPhotoModel(onnx_path, classes, args.res)
    paths = pm.image_paths(frame.id)
    result = {"exp": "export", "tag": args.tag, "backbone": args.backbone, "res": args.res, "split": split}
    # catalog throughput from JPEG files (decode + pad + resize + network), all 40k photos
    model.run(np.asarray(cached_images(args.res, frame)[:256]))
    t = time.perf_counter()
    emb = model.embed_paths(paths, batch_size=args.batch)
    secs = time.perf_counter() - t
    result.update({"catalog_n": len(paths), "catalog_seconds": round(secs, 1),
                   "catalog_img_s": round(len(paths) / secs, 1), "load1_catalog": round(_load1(), 2)})
    # holdout accuracy from the ONNX graph (no test-time flip)
    ho = np.flatnonzero(frame.holdout)
    tr = np.flatnonzero(~frame.holdout)
    out = model.run(np.asarray(cached_images(args.res, frame))[ho])
    y = pm.label_matrix(frame, classes)
    for k, task in enumerate(classes):
        known = y[ho, k] >= 0
        result[f"onnx_{task}"] = round(float((out[task].argmax(1)[known] == y[ho, k][known]).mean()), 4)
    keys = sim_keys(frame)
    result["onnx_sim@10"] = round(pm.neighbour_agreement(emb[ho], emb[tr], keys[ho], keys[tr], SIM_K), 4)
    for p in paths[:5]:
        model.classify_upload(p)
    lat = []
    for p in paths[:LATENCY_REPEATS]:
        t = time.perf_counter()
        model.classify_upload(p)
        lat.append((time.perf_counter() - t) * 1000)
    result.update({"upload_ms_median": round(statistics.median(lat), 2),
                   "upload_ms_p90": round(sorted(lat)[int(0.9 * len(lat))], 2), "load1": round(_load1(), 2)})
    log(result)


def cmd_simvariants(args):
    """Similarity variants for a saved top: pooled features alone, + sqrt class probabilities
    (articleType, gender) weighted by w, + colour histogram.  The weight is chosen on the
    inner split of train (queries = inner-valid rows, index = the rest of train; note the final
    top saw those rows in training, so this is only a rough selection), then the holdout
    figure is reported for each variant."""
    torch.set_num_threads(args.threads)
    frame = styles()
    net, bottom, top, classes, split = _load_top(args.tag, args.backbone, args.res)
    acts, _ = cached_activations(args.backbone, args.res, split, frame, flip=False)
    clf = pm.PhotoTopClassifier(backbone=args.backbone, resolution=args.res, split=split)
    clf.top_, clf.classes_ = top, classes
    feats, probs = clf.transform(acts)
    colour = np.load(CACHE / "colour.npy")
    keys = sim_keys(frame)
    ho = np.flatnonzero(frame.holdout)
    tr = np.flatnonzero(~frame.holdout)
    iv = np.flatnonzero(frame.inner_valid)
    it = np.flatnonzero(~frame.holdout & ~frame.inner_valid)
    result = {"exp": "simvariants", "tag": args.tag}
    for w_prob in (0.0, 0.5, 1.0, 2.0):
        for w_col in (0.0, 0.3):
            parts = [pm.l2_normalise(feats)]
            if w_prob:
                parts += [w_prob * np.sqrt(probs["articleType"]), w_prob * np.sqrt(probs["gender"])]
            if w_col:
                parts.append(w_col * pm.l2_normalise(colour))
            emb = pm.l2_normalise(np.concatenate(parts, axis=1))
            name = f"prob{w_prob}_col{w_col}"
            result[f"inner_{name}"] = round(pm.neighbour_agreement(emb[iv], emb[it], keys[iv], keys[it], SIM_K), 4)
            result[f"holdout_{name}"] = round(pm.neighbour_agreement(emb[ho], emb[tr], keys[ho], keys[tr], SIM_K), 4)
    log(result)


def cmd_colour(args):
    """Colour histogram features: baseColour accuracy photo-only and with the product name."""
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    frame = styles()
    path = CACHE / "colour.npy"
    if not path.exists():
        t = time.perf_counter()
        np.save(path, pm.colour_features(pm.image_paths(frame.id)))
        log({"exp": "colour_features", "n": len(frame), "seconds": round(time.perf_counter() - t, 1)})
    colour = np.load(path)
    if args.final:
        tr, ev = np.flatnonzero(~frame.holdout), np.flatnonzero(frame.holdout)
    else:
        tr = np.flatnonzero(~frame.holdout & ~frame.inner_valid)
        ev = np.flatnonzero(frame.inner_valid)
    y = frame.baseColour.to_numpy()
    known_tr = tr[y[tr] != ""]
    known_ev = ev[y[ev] != ""]
    scaler = StandardScaler().fit(colour[known_tr])
    Xc = scaler.transform(colour)
    res = {"exp": "colour", "final": args.final, "n_train": len(known_tr), "n_eval": len(known_ev)}
    t = time.perf_counter()
    clf = LogisticRegression(max_iter=1000, C=args.C).fit(Xc[known_tr], y[known_tr])
    res["photo_colour_hist"] = round(clf.score(Xc[known_ev], y[known_ev]), 4)
    res["photo_seconds"] = round(time.perf_counter() - t, 1)
    emb_path = Path(args.emb) if args.emb else None
    if emb_path and emb_path.exists():
        emb = np.load(emb_path)
        order = np.concatenate([tr, ev])  # emb saved as train rows then eval rows
        cnn = np.empty_like(emb)
        cnn[order] = emb
        from sklearn.decomposition import PCA

        pca = PCA(CNN_PCA_DIM, random_state=0).fit(cnn[known_tr])  # keeps the LR fit to minutes
        Xcnn = StandardScaler().fit(pca.transform(cnn[known_tr])).transform(pca.transform(cnn))
        both = np.hstack([Xc, Xcnn * args.cnn_scale])
        clf2 = LogisticRegression(max_iter=1000, C=args.C).fit(both[known_tr], y[known_tr])
        res["photo_colour_hist+cnn"] = round(clf2.score(both[known_ev], y[known_ev]), 4)
    if args.skip_name:
        log(res)
        return
    tfidf = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    names = frame.productDisplayName.to_numpy()
    T = tfidf.fit_transform(names[known_tr])
    Tev = tfidf.transform(names[known_ev])
    clf3 = LogisticRegression(max_iter=1000, C=10.0).fit(T, y[known_tr])
    res["name_tfidf"] = round(clf3.score(Tev, y[known_ev]), 4)
    for scale in (0.3,):
        A = sparse.hstack([T, sparse.csr_matrix(Xc[known_tr] * scale)]).tocsr()
        B = sparse.hstack([Tev, sparse.csr_matrix(Xc[known_ev] * scale)]).tocsr()
        clf4 = LogisticRegression(max_iter=2000, C=10.0).fit(A, y[known_tr])
        res[f"name_tfidf+colour_hist(x{scale})"] = round(clf4.score(B, y[known_ev]), 4)
    log(res)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("cmd")
    parser.add_argument("--backbone", default="lite0")
    parser.add_argument("--res", type=int, default=pm.DEFAULT_RESOLUTION)
    parser.add_argument("--split", type=int, default=None)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--tasks", default=",".join(pm.TASKS))
    parser.add_argument("--flip", action="store_true")
    parser.add_argument("--final", action="store_true")
    parser.add_argument("--save", action="store_true")
    parser.add_argument("--emb", default="")
    parser.add_argument("--tag", default="")
    parser.add_argument("--skip_name", action="store_true")
    parser.add_argument("--C", type=float, default=1.0)
    parser.add_argument("--cnn_scale", type=float, default=0.5)
    args = parser.parse_args()
    {"images": cmd_images, "bench": cmd_bench, "norm": cmd_norm, "finetune": cmd_finetune,
     "colour": cmd_colour, "export": cmd_export,
     "simvariants": cmd_simvariants}[args.cmd](args)


if __name__ == "__main__":
    main()
