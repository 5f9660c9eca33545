"""Export a DIN trained with DeepCTR (TensorFlow) or DeepCTR-Torch to the
din-viz whole-model format ("din-viz model v1", weights/README.md).

    from deepctr_export import export_tensorflow, export_torch
    doc = export_tensorflow(model, feature_columns, ["item_id", "cate_id"],
                            item_categories=cate_of_item)       # dict or list: item id -> category id
    json.dump(doc, open("din.json", "w"))

`model`, `feature_columns` and `history_feature_list` are what was given to
`deepctr.models.DIN` (or `deepctr_torch.models.DIN`). The first name of
`history_feature_list` is the item feature; a second one, if any, is the
item's category feature (DeepCTR's `cate_id`), whose embedding is appended to
the item's in every key, as DeepCTR does. `item_categories` gives the category
id of every item id (needed when the model has no category feature too, to
colour the catalogue; then any grouping will do, or None for one group).

What is read, and how (from DeepCTR's source, deepctr 0.9.x and
deepctr-torch 0.3.0):

* ids 0 of the item and category vocabularies are padding; the catalogue is
  item ids 1 .. V-1, in order (din-viz item j is DeepCTR id j + 1), and the
  categories are category ids 1 .. C-1.
* The attention unit reads concat[q, k, q - k, q * k] with q and k the
  embeddings of the history features concatenated in feature-column order;
  hidden layers with the attention activation, then a dense layer to one
  score. Weight normalization off: the weight is the raw score, padded
  positions 0 ("identity"); on: softmax over the real positions ("softmax").
* Dice: p = sigmoid(batch-normalised s) with the BatchNormalization's moving
  mean and variance and its epsilon (1e-9 in DeepCTR, 1e-8 in DeepCTR-Torch);
  DeepCTR-Torch's BatchNorm1d is affine, so its scale and shift are
  exported too (dice_gamma, dice_beta).
* The MLP input is [the sparse features' embeddings in feature-column order
  (grouped by group_name, as DeepCTR's embedding_lookup), the pooled history]
  flattened, then the dense features in column order; the MLP's hidden
  layers; a bias-free dense layer to one logit; the PredictionLayer adds its
  bias and applies the sigmoid. A BatchNormalization in the MLP (dnn_use_bn)
  is folded into the dense layer before it.

Anything the format cannot express (hashing, dense-feature transforms, other
sequence features, a per-position PReLU, other activations) raises
ValueError saying what and why.
"""

import math
from collections import OrderedDict

FORMAT = "din-viz model v1"


def _floats(a):
    """A nested list of Python floats (exactly the float32 values)."""
    import numpy as np

    arr = np.asarray(a, dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError("the model has a weight that is NaN or infinite")
    return arr.tolist()


def _grouped(columns, names=None):
    """Columns in the order DeepCTR's embedding_lookup returns them: by
    group_name (in order of first appearance), then column order."""
    groups = OrderedDict()
    for fc in columns:
        if names is None or fc.name in names:
            groups.setdefault(fc.group_name, []).append(fc)
    return [fc for g in groups.values() for fc in g]


class _Spec:
    """The feature layout shared by both back ends."""

    def __init__(self, feature_columns, history_feature_list, SparseFeat, VarLenSparseFeat, DenseFeat):
        self.sparse = [f for f in feature_columns if isinstance(f, SparseFeat)]
        self.dense = [f for f in feature_columns if isinstance(f, DenseFeat)]
        varlen = [f for f in feature_columns if isinstance(f, VarLenSparseFeat)]
        hist_names = ["hist_" + h for h in history_feature_list]
        self.hist = [f for f in varlen if f.name in hist_names]
        others = [f.name for f in varlen if f.name not in hist_names]
        if others:
            raise ValueError("sequence features other than the DIN history are not supported: %s" % others)
        if not 1 <= len(history_feature_list) <= 2:
            raise ValueError("history_feature_list must name the item feature and at most one category feature")
        for f in self.sparse + self.hist:
            if getattr(f, "use_hash", False):
                raise ValueError("feature %s uses hashing, which the format cannot express" % f.name)
        for f in self.dense:
            if getattr(f, "transform_fn", None) is not None:
                raise ValueError("dense feature %s has a transform_fn, which the format cannot express" % f.name)
        query = _grouped(self.sparse, history_feature_list)
        keys = _grouped(self.hist, hist_names)
        if [f.embedding_name for f in query] != [f.embedding_name for f in keys]:
            raise ValueError("the history features and the candidate features are not in the same order")
        if len(query) != len(history_feature_list):
            raise ValueError("every name in history_feature_list needs a SparseFeat")
        self.item = query[0]
        self.category = query[1] if len(query) > 1 else None
        if self.category is not None and history_feature_list[0] != self.item.name:
            raise ValueError(
                "the item feature (%s) must come before the category feature in the feature columns" % history_feature_list[0]
            )
        self.deep_sparse = _grouped(self.sparse)


def _stack(activation, hidden, output_w, output_b, dice_eps=None):
    """A din-viz stack: hidden = [(weight rows=outputs, bias, params dict)]."""
    st = OrderedDict()
    st["activation"] = activation
    if activation == "dice":
        st["dice_eps"] = dice_eps
    st["hidden"] = [len(b) for (_, b, _) in hidden]
    layers = []
    for w, b, params in hidden:
        layer = OrderedDict([("weight", _floats(w)), ("bias", _floats(b))])
        for k, v in params.items():
            layer[k] = _floats(v)
        layers.append(layer)
    layers.append(OrderedDict([("weight", [_floats(output_w)]), ("bias", [float(output_b)])]))
    st["layers"] = layers
    return st


def _assemble(spec, tables, unit, weight_form, mlp, item_categories, category_names, trainer):
    """The din-viz document from the tables (embedding name -> numpy rows)."""
    import numpy as np

    item_table = np.asarray(tables[spec.item.embedding_name])
    n_items = item_table.shape[0] - 1
    if n_items < 1:
        raise ValueError("the item vocabulary has no item besides the padding id 0")
    if spec.category is not None:
        cate_table = np.asarray(tables[spec.category.embedding_name])
        n_cats = cate_table.shape[0] - 1
    else:
        cate_table = None
        n_cats = 1
        if item_categories is not None:
            n_cats = max(int(item_categories[j]) for j in range(1, n_items + 1))

    def cat_of(item_id):
        if item_categories is None:
            return 0
        c = int(item_categories[item_id])
        if not 1 <= c <= n_cats:
            raise ValueError("item %d has category %d, outside 1 .. %d" % (item_id, c, n_cats))
        return c - 1

    doc = OrderedDict()
    doc["format"] = FORMAT
    doc["d"] = int(item_table.shape[1])
    if cate_table is not None:
        doc["category_d"] = int(cate_table.shape[1])
    cats = []
    for c in range(1, n_cats + 1):
        name = (category_names or {}).get(c, "category %d" % c)
        entry = OrderedDict([("id", str(c)), ("en", name), ("zh", name)])
        if cate_table is not None:
            entry["embedding"] = _floats(cate_table[c])
        cats.append(entry)
    doc["categories"] = cats
    doc["items"] = [
        OrderedDict([("label", "item %d" % j), ("category", cat_of(j)), ("embedding", _floats(item_table[j]))])
        for j in range(1, n_items + 1)
    ]
    features, blocks = [], []
    for f in spec.deep_sparse:
        if f.name == spec.item.name:
            blocks.append("candidate_item")
        elif spec.category is not None and f.name == spec.category.name:
            blocks.append("candidate_category")
        else:
            features.append(OrderedDict([
                ("name", f.name), ("kind", "sparse"), ("default", 0),
                ("embedding", _floats(tables[f.embedding_name])),
            ]))
            blocks.append("feature:" + f.name)
    blocks.append("pooled")
    for f in spec.dense:
        features.append(OrderedDict([("name", f.name), ("kind", "dense"), ("size", int(f.dimension))]))
        blocks.append("feature:" + f.name)
    if features:
        doc["features"] = features
    doc["pooling"] = "attention"
    key_d = doc["d"] + doc.get("category_d", 0)
    unit = OrderedDict([("d", key_d)] + list(unit.items()))
    doc["attention"] = OrderedDict([("weight", weight_form), ("unit", unit)])
    doc["mlp"] = OrderedDict([("input", blocks)] + list(mlp.items()))
    doc["training"] = OrderedDict([("program", "tools/deepctr_export.py"), ("from", trainer)])
    return doc


# ---------------------------------------------------------------- TensorFlow


def _tf_activation(act_layers, widths, where):
    """(name, per-layer params dicts, dice eps) of DeepCTR TF activation layers."""
    import numpy as np
    import tensorflow as tf
    from deepctr.layers.activation import Dice

    first = act_layers[0] if act_layers else None
    params, eps = [], None
    if first is None:
        return "relu", [], None
    if isinstance(first, Dice):
        for layer in act_layers:
            params.append(OrderedDict([
                ("dice_alpha", layer.alphas.numpy()),
                ("dice_mean", layer.bn.moving_mean.numpy()),
                ("dice_var", layer.bn.moving_variance.numpy()),
            ]))
            eps = float(layer.bn.epsilon)
        return "dice", params, eps
    if isinstance(first, tf.keras.layers.PReLU):
        for layer, w in zip(act_layers, widths):
            a = np.asarray(layer.alpha.numpy()).reshape(-1, w)
            if not np.all(a == a[0]):
                raise ValueError("%s: a PReLU with one slope per sequence position cannot be exported" % where)
            params.append(OrderedDict([("prelu_alpha", a[0])]))
        return "prelu", params, None
    name = getattr(getattr(first, "activation", None), "__name__", None)
    if name in ("relu", "sigmoid"):
        return name, [OrderedDict() for _ in act_layers], None
    raise ValueError("%s: activation %r is not one of sigmoid, relu, PReLU, Dice" % (where, first))


def _tf_dnn(dnn, where, fold_bn=True):
    """Hidden layers (rows = outputs) of a DeepCTR TF DNN, BatchNormalization folded in."""
    import numpy as np

    widths = list(dnn.hidden_units)
    name, params, eps = _tf_activation(list(getattr(dnn, "activation_layers", [])), widths, where)
    hidden = []
    for i, w in enumerate(widths):
        kernel = np.asarray(dnn.kernels[i].numpy(), dtype=np.float64)
        bias = np.asarray(dnn.bias[i].numpy(), dtype=np.float64)
        if dnn.use_bn:
            bn = dnn.bn_layers[i]
            scale = np.asarray(bn.gamma.numpy() if bn.scale else np.ones(w), dtype=np.float64)
            shift = np.asarray(bn.beta.numpy() if bn.center else np.zeros(w), dtype=np.float64)
            inv = scale / np.sqrt(np.asarray(bn.moving_variance.numpy(), dtype=np.float64) + bn.epsilon)
            kernel = kernel * inv[None, :]
            bias = (bias - np.asarray(bn.moving_mean.numpy(), dtype=np.float64)) * inv + shift
        hidden.append((kernel.T, bias, params[i] if params else OrderedDict()))
    return name, hidden, eps


def export_tensorflow(model, feature_columns, history_feature_list, item_categories=None, category_names=None):
    """The din-viz document (a dict, json.dump it) of a deepctr.models.DIN."""
    import numpy as np
    import deepctr
    from deepctr.feature_column import SparseFeat, VarLenSparseFeat, DenseFeat
    from deepctr.layers.core import DNN, PredictionLayer
    from deepctr.layers.sequence import AttentionSequencePoolingLayer

    spec = _Spec(feature_columns, history_feature_list, SparseFeat, VarLenSparseFeat, DenseFeat)
    # DeepCTR makes one Embedding per embedding name; a history feature's
    # ("sparse_seq_emb_" + its name) replaces the candidate's ("sparse_emb_" + name).
    layer_of = {}
    for f in spec.sparse:
        layer_of[f.embedding_name] = "sparse_emb_" + f.embedding_name
    for f in spec.hist:
        layer_of[f.embedding_name] = "sparse_seq_emb_" + f.name
    tables = {name: model.get_layer(layer).get_weights()[0] for name, layer in layer_of.items()}
    att = [l for l in model.layers if isinstance(l, AttentionSequencePoolingLayer)]
    dnns = [l for l in model.layers if isinstance(l, DNN)]
    preds = [l for l in model.layers if isinstance(l, PredictionLayer)]
    if len(att) != 1 or len(dnns) != 1 or len(preds) != 1:
        raise ValueError("this does not look like a deepctr.models.DIN (attention, DNN and PredictionLayer expected once)")
    att, dnn, pred = att[0], dnns[0], preds[0]
    local = att.local_att
    a_name, a_hidden, a_eps = _tf_dnn(local.dnn, "attention unit")
    unit = _stack(a_name, a_hidden, np.asarray(local.kernel.numpy())[:, 0], float(local.bias.numpy()[0]), a_eps)
    weight_form = "softmax" if att.weight_normalization else "identity"
    m_name, m_hidden, m_eps = _tf_dnn(dnn, "MLP")
    final = [l for l in model.layers if l.__class__.__name__ == "Dense" and l.output.shape[-1] == 1]
    if len(final) != 1 or final[0].use_bias:
        raise ValueError("expected one bias-free Dense(1) before the PredictionLayer")
    out_w = np.asarray(final[0].kernel.numpy())[:, 0]
    out_b = float(pred.global_bias.numpy()[0]) if pred.use_bias else 0.0
    if pred.task != "binary":
        raise ValueError("only task='binary' (a sigmoid output) is supported")
    mlp = _stack(m_name, m_hidden, out_w, out_b, m_eps)
    return _assemble(spec, tables, unit, weight_form, mlp, item_categories, category_names, "deepctr %s (TensorFlow)" % deepctr.__version__)


# ---------------------------------------------------------------- PyTorch


def _torch_dnn(dnn, where):
    """Hidden layers of a DeepCTR-Torch DNN (BatchNorm1d folded in)."""
    import numpy as np
    import torch.nn as nn
    from deepctr_torch.layers.activation import Dice

    hidden, name, eps = [], None, None
    for i, lin in enumerate(dnn.linears):
        w = np.asarray(lin.weight.detach().cpu().numpy(), dtype=np.float64)
        b = np.asarray(lin.bias.detach().cpu().numpy(), dtype=np.float64)
        if dnn.use_bn:
            bn = dnn.bn[i]
            scale = bn.weight.detach().cpu().numpy() if bn.affine else np.ones(len(b))
            shift = bn.bias.detach().cpu().numpy() if bn.affine else np.zeros(len(b))
            inv = np.asarray(scale, dtype=np.float64) / np.sqrt(bn.running_var.detach().cpu().numpy().astype(np.float64) + bn.eps)
            w = w * inv[:, None]
            b = (b - bn.running_mean.detach().cpu().numpy()) * inv + shift
        act = dnn.activation_layers[i]
        params = OrderedDict()
        if isinstance(act, Dice):
            this = "dice"
            params["dice_alpha"] = act.alpha.detach().cpu().numpy().reshape(-1)
            params["dice_mean"] = act.bn.running_mean.detach().cpu().numpy()
            params["dice_var"] = act.bn.running_var.detach().cpu().numpy()
            if act.bn.affine:  # DeepCTR-Torch's Dice normalises with a learned scale and shift
                params["dice_gamma"] = act.bn.weight.detach().cpu().numpy()
                params["dice_beta"] = act.bn.bias.detach().cpu().numpy()
            eps = float(act.bn.eps)
        elif isinstance(act, nn.PReLU):
            this = "prelu"
            a = act.weight.detach().cpu().numpy().reshape(-1)
            params["prelu_alpha"] = np.full(len(b), a[0]) if a.size == 1 else a
        elif isinstance(act, nn.ReLU):
            this = "relu"
        elif isinstance(act, nn.Sigmoid):
            this = "sigmoid"
        else:
            raise ValueError("%s: activation %r is not one of sigmoid, relu, PReLU, Dice" % (where, act))
        if name not in (None, this):
            raise ValueError("%s: the hidden layers use different activations" % where)
        name = this
        hidden.append((w, b, params))
    return name or "relu", hidden, eps


def export_torch(model, feature_columns, history_feature_list, item_categories=None, category_names=None):
    """The din-viz document (a dict) of a deepctr_torch.models.DIN."""
    import numpy as np
    import deepctr_torch
    from deepctr_torch.inputs import SparseFeat, VarLenSparseFeat, DenseFeat

    spec = _Spec(feature_columns, history_feature_list, SparseFeat, VarLenSparseFeat, DenseFeat)
    tables = {k: v.weight.detach().cpu().numpy() for k, v in model.embedding_dict.items()}
    local = model.attention.local_att
    a_name, a_hidden, a_eps = _torch_dnn(local.dnn, "attention unit")
    unit = _stack(
        a_name, a_hidden, local.dense.weight.detach().cpu().numpy()[0], float(local.dense.bias.detach().cpu().numpy()[0]), a_eps
    )
    weight_form = "softmax" if model.attention.weight_normalization else "identity"
    m_name, m_hidden, m_eps = _torch_dnn(model.dnn, "MLP")
    if model.dnn_linear.bias is not None:
        raise ValueError("expected a bias-free dnn_linear")
    out_b = float(model.out.bias.detach().cpu().numpy()[0]) if model.out.use_bias else 0.0
    if model.out.task != "binary":
        raise ValueError("only task='binary' (a sigmoid output) is supported")
    mlp = _stack(m_name, m_hidden, model.dnn_linear.weight.detach().cpu().numpy()[0], out_b, m_eps)
    return _assemble(spec, tables, unit, weight_form, mlp, item_categories, category_names, "deepctr-torch %s" % deepctr_torch.__version__)
