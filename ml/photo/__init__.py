"""The photo as an input: categorize from it, "looks like this", search by photo.

No Django here, and no PyTorch at serving time (web workers run the ONNX graph through
ONNX Runtime; ``ml.photo.network`` / ``ml.photo.train`` import torch and run in ``train_models``).

Public interface (stable; extended only):

``ml.photo.images``
    ``PhotoError(ValueError)``                      a refused photo; ``str(error)`` is a message for the user
    ``load_photo(source, resolution=80) -> uint8 (80, 80, 3)``  bytes/path/file/array -> padded square
    ``load_photos(sources, resolution=80) -> uint8 (n, 80, 80, 3)``  the same for many (first refusal raises)
    ``read_bytes(source) -> bytes``                 size-checked raw bytes of a path / file / bytes
    ``content_hash(data: bytes) -> str``            SHA-256 hex of a photo's bytes (the embedding cache key)
    ``MAX_BYTES``, ``MAX_PIXELS``, ``ALLOWED_FORMATS``  the limits uploads are checked against

``ml.photo.model``  (artifact ``"photo"``)
    ``PhotoModel.embed(images) -> (n, D) float32``  L2-normalised "looks like this" vectors (cosine = dot)
    ``PhotoModel.level_probabilities(images) -> {level: (classes ndarray, (n, c) probabilities)}``
                                                    levels: articleType, gender, masterCategory, subCategory,
                                                    baseColour, usage
    ``PhotoModel.analyse(images) -> (vectors, level_probabilities)``  both from one decode (an upload)
    ``PhotoModel.model_version: str``, ``.resolution: int``, ``.metadata: dict``
    ``load_photo_model(*, store) -> PhotoModel``    the current artifact; ``ArtifactMissing`` if none
    ``images`` = a uint8 (n, R, R, 3) batch or a list of photos (bytes, paths, files), as load_photo reads

``ml.photo.index``  (artifact ``"photo_index"``)
    ``PhotoIndex.similar(product_id, k=10, exclude=()) -> list[Recommendation]``
                                                    catalog product -> same type (and gender), looks alike;
                                                    ``KeyError`` if the product has no photo in the index
    ``PhotoIndex.nearest(vectors, k=10, exclude=()) -> list[list[Recommendation]]``
                                                    query vectors (PhotoModel.embed) -> closest catalog photos
    ``product_id in index``, ``len(index)``, ``index.vector(product_id)``, ``index.version``
    ``PhotoIndex.build(*, catalog, photos, model, previous=None) -> PhotoIndex``
                                                    embed a catalog's photos, reusing ``previous``'s vectors
                                                    by content hash (same model version only)
    ``save_photo_index(index, *, store, catalog)``, ``load_photo_index(*, store) -> PhotoIndex``

``ml.photo.fusion``
    ``NamePhotoCategorizer(cascade, photo_model).predict(names, images, descriptions=None)
        -> list[CategoryPrediction]``              the cascade's prediction objects; name "" = photo alone,
                                                    image None = name alone (ValueError if a row has neither)
    ``NamePhotoCategorizer.predict_one(name="", image=None, description="") -> CategoryPrediction``

``ml.photo.train``  (imports torch)
    ``PhotoClassifier(...).fit(X uint8 batch, y frame of levels)``  the estimator (scikit-learn style)
    ``train_photo_models(*, catalog, store) -> dict``  train + save "photo" and "photo_index" from a
                                                    catalog frame with a ``photo`` column (a path; "" = none)
    ``rebuild_photo_index(*, catalog, store) -> dict``  re-embed only new photos with the current model

Django side (``main.ml_bridge``): ``photo_model()``, ``photo_index()`` (loaded once per process,
``None`` if not trained), ``photo_catalog_frame()``; ``train_models --only photo``.
"""
