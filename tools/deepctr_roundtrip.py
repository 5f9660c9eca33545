"""DeepCTR round trip: train tiny DINs with DeepCTR (TensorFlow) or
DeepCTR-Torch on generated data, export them with tools/deepctr_export.py,
and write DeepCTR's own attention scores, weights and predicted CTRs on
held-out rows next to each model. `cargo test --test deepctr` then checks
that din-viz's Rust inference reproduces them (max relative error <= 1e-5).

    python tools/deepctr_roundtrip.py --backend tf --out target/deepctr/tf.json
    DIN_DEEPCTR_FIXTURE=target/deepctr/tf.json cargo test --test deepctr

`make test-deepctr` does both for every back end whose packages import;
`--rows 24 --out tests/fixtures/deepctr_din_tf.json` (or `_torch.json`)
rewrites a committed fixture that plain `cargo test` checks without Python.
"""

import argparse
import json
import os
import platform
import sys
from collections import OrderedDict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import deepctr_export  # noqa: E402

N_ITEMS, N_CATS, N_USERS, MAXLEN = 40, 4, 30, 8
EMB_ITEM, EMB_CATE = 8, 4


def category_of(item_id):
    """Categories 1..4 for item ids 1..40 (0 is padding)."""
    return 0 if item_id == 0 else 1 + (item_id - 1) % N_CATS


def make_data(seed, rows):
    """Users who like one or two categories; a LastN of 1..8 items mostly
    from them; a candidate clicked far more often in a liked category."""
    import numpy as np

    rng = np.random.default_rng(seed)
    likes = [rng.choice(np.arange(1, N_CATS + 1), size=rng.integers(1, 3), replace=False) for _ in range(N_USERS)]
    gender = rng.integers(0, 2, size=N_USERS)
    cols = {k: [] for k in ["user", "gender", "item_id", "cate_id", "pay_score", "hist_item_id", "hist_cate_id", "seq_length"]}
    labels = []
    for _ in range(rows):
        u = int(rng.integers(0, N_USERS))
        n = int(rng.integers(1, MAXLEN + 1))
        hist = []
        for _ in range(n):
            c = int(rng.choice(likes[u])) if rng.random() < 0.85 else int(rng.integers(1, N_CATS + 1))
            hist.append(c + N_CATS * int(rng.integers(0, N_ITEMS // N_CATS)))
        cand = int(rng.integers(1, N_ITEMS + 1))
        liked = category_of(cand) in likes[u]
        share = sum(category_of(h) == category_of(cand) for h in hist) / n
        p = 1 / (1 + np.exp(-(-2.0 + 2.5 * liked + 1.5 * share)))
        labels.append(int(rng.random() < p))
        pad = hist + [0] * (MAXLEN - n)
        cols["user"].append(u)
        cols["gender"].append(int(gender[u]))
        cols["item_id"].append(cand)
        cols["cate_id"].append(category_of(cand))
        cols["pay_score"].append(float(rng.random()))
        cols["hist_item_id"].append(pad)
        cols["hist_cate_id"].append([category_of(h) for h in pad])
        cols["seq_length"].append(n)
    x = {k: np.array(v, dtype="float32" if k == "pay_score" else "int32") for k, v in cols.items()}
    return x, np.array(labels, dtype="float32")


def columns(SparseFeat, VarLenSparseFeat, DenseFeat, length_name):
    return [
        SparseFeat("user", N_USERS, embedding_dim=4),
        SparseFeat("gender", 2, embedding_dim=2),
        SparseFeat("item_id", N_ITEMS + 1, embedding_dim=EMB_ITEM),
        SparseFeat("cate_id", N_CATS + 1, embedding_dim=EMB_CATE),
        DenseFeat("pay_score", 1),
        VarLenSparseFeat(SparseFeat("hist_item_id", N_ITEMS + 1, embedding_dim=EMB_ITEM, embedding_name="item_id"),
                         maxlen=MAXLEN, length_name=length_name),
        VarLenSparseFeat(SparseFeat("hist_cate_id", N_CATS + 1, embedding_dim=EMB_CATE, embedding_name="cate_id"),
                         maxlen=MAXLEN, length_name=length_name),
    ]


# Each case: attention activation, weight normalization, MLP activation, batch norm in the MLP.
CASES = [
    ("dice unit, alpha = z, relu MLP", "dice", False, "relu", False),
    ("sigmoid unit, softmax, dice MLP with batch norm", "sigmoid", True, "dice", True),
]


def rows_of(x, n_rows, scores, alpha, ctr):
    out = []
    for r in range(n_rows):
        n = int(x["seq_length"][r])
        out.append(OrderedDict([
            ("history", [int(h) - 1 for h in x["hist_item_id"][r][:n]]),  # din-viz item j = DeepCTR id j + 1
            ("candidate", int(x["item_id"][r]) - 1),
            ("features", OrderedDict([
                ("user", int(x["user"][r])), ("gender", int(x["gender"][r])), ("pay_score", [float(x["pay_score"][r])]),
            ])),
            ("scores", [float(v) for v in scores[r][:n]]),
            ("alpha", [float(v) for v in alpha[r][:n]]),
            ("ctr", float(ctr[r])),
        ]))
    return out


def run_tf(n_rows):
    import numpy as np
    import tensorflow as tf
    import deepctr
    from deepctr.feature_column import SparseFeat, VarLenSparseFeat, DenseFeat
    from deepctr.layers.sequence import AttentionSequencePoolingLayer
    from deepctr.models import DIN

    tf.keras.utils.set_random_seed(7)
    hist = ["item_id", "cate_id"]
    cases = []
    for k, (name, att_act, norm, dnn_act, bn) in enumerate(CASES):
        fcs = columns(SparseFeat, VarLenSparseFeat, DenseFeat, None)
        model = DIN(fcs, hist, dnn_hidden_units=(16, 8), att_hidden_size=(8, 4), att_activation=att_act,
                    att_weight_normalization=norm, dnn_activation=dnn_act, dnn_use_bn=bn, seed=1024 + k)
        model.compile(tf.keras.optimizers.Adam(0.01), "binary_crossentropy")
        x, y = make_data(11 + k, 3000)
        names = [f.name for f in fcs]
        model.fit({n: x[n] for n in names}, y, batch_size=64, epochs=4, verbose=0)
        xt, _ = make_data(100 + k, n_rows)
        inputs = {n: xt[n] for n in names}
        ctr = model.predict(inputs, batch_size=256, verbose=0)[:, 0]
        att = [l for l in model.layers if isinstance(l, AttentionSequencePoolingLayer)][0]
        q, keys = tf.keras.Model(model.inputs, att.input)(inputs, training=False)
        scores = att.local_att([q, keys], training=False).numpy()[:, :, 0]
        mask = tf.constant(xt["hist_item_id"] != 0)
        att.return_score = True
        alpha = att([q, keys], mask=[None, mask], training=False).numpy()[:, 0, :]
        att.return_score = False
        doc = deepctr_export.export_tensorflow(model, fcs, hist, item_categories=[category_of(j) for j in range(N_ITEMS + 1)])
        cases.append(OrderedDict([("name", "DeepCTR TF: " + name), ("model", doc), ("rows", rows_of(xt, n_rows, scores, alpha, ctr))]))
    versions = OrderedDict([("deepctr", deepctr.__version__), ("tensorflow", tf.__version__), ("numpy", np.__version__)])
    return cases, versions


def run_torch(n_rows):
    import numpy as np
    import torch
    import deepctr_torch
    from deepctr_torch.inputs import SparseFeat, VarLenSparseFeat, DenseFeat
    from deepctr_torch.models import DIN

    torch.manual_seed(7)
    hist = ["item_id", "cate_id"]
    cases = []
    for k, (name, att_act, norm, dnn_act, bn) in enumerate(CASES):
        if dnn_act == "dice":
            dnn_act = "prelu"  # DeepCTR-Torch's DNN builds Dice for 3-D inputs only
            name = name.replace("dice MLP", "prelu MLP")
        fcs = columns(SparseFeat, VarLenSparseFeat, DenseFeat, "seq_length")
        model = DIN(fcs, hist, dnn_hidden_units=(16, 8), att_hidden_size=(8, 4), att_activation=att_act,
                    att_weight_normalization=norm, dnn_activation=dnn_act, dnn_use_bn=bn, seed=1024 + k, device="cpu")
        model.compile(torch.optim.Adam(model.parameters(), lr=0.01), "binary_crossentropy")
        x, y = make_data(11 + k, 3000)
        names = [f.name for f in fcs] + ["seq_length"]
        model.fit({n: x[n] for n in names}, y, batch_size=64, epochs=4, verbose=0)
        xt, _ = make_data(100 + k, n_rows)
        inputs = {n: xt[n] for n in names}
        model.eval()
        seen = {}
        hook = model.attention.register_forward_hook(lambda mod, args, out: seen.update(args=args))
        ctr = model.predict(inputs, batch_size=256)[:, 0]
        hook.remove()
        with torch.no_grad():
            q, keys, length = seen["args"]
            scores = model.attention.local_att(q, keys).numpy()[:, :, 0]
            model.attention.return_score = True
            alpha = model.attention(q, keys, length).numpy()[:, 0, :]
            model.attention.return_score = False
        doc = deepctr_export.export_torch(model, fcs, hist, item_categories=[category_of(j) for j in range(N_ITEMS + 1)])
        cases.append(OrderedDict([("name", "DeepCTR-Torch: " + name), ("model", doc), ("rows", rows_of(xt, n_rows, scores, alpha, ctr))]))
    versions = OrderedDict([("deepctr-torch", deepctr_torch.__version__), ("torch", torch.__version__), ("numpy", np.__version__)])
    return cases, versions


def dumps(v, indent=""):
    """JSON with one line per matrix row, item, feature row and held-out row."""
    inner = indent + " "
    if isinstance(v, dict) and len(json.dumps(v)) > 100:
        parts = ["%s%s: %s" % (inner, json.dumps(k), dumps(x, inner)) for k, x in v.items()]
        return "{\n" + ",\n".join(parts) + "\n" + indent + "}"
    if isinstance(v, list) and len(json.dumps(v)) > 100 and any(isinstance(x, (dict, list)) for x in v):
        return "[\n" + ",\n".join(inner + dumps(x, inner) for x in v) + "\n" + indent + "]"
    return json.dumps(v, ensure_ascii=False)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--backend", choices=["tf", "torch"], required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--rows", type=int, default=40, help="held-out rows per model")
    args = ap.parse_args()
    cases, versions = (run_tf if args.backend == "tf" else run_torch)(args.rows)
    versions["python"] = platform.python_version()
    doc = OrderedDict([
        ("about", "DeepCTR DIN models exported by tools/deepctr_export.py, with DeepCTR's own scores, weights and CTRs "
                  "on held-out rows; made by tools/deepctr_roundtrip.py, checked by tests/deepctr.rs"),
        ("versions", versions),
        ("cases", cases),
    ])
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        f.write(dumps(doc))
    print("wrote %s: %d models x %d held-out rows (%s)" % (args.out, len(cases), args.rows, ", ".join("%s %s" % kv for kv in versions.items())))


if __name__ == "__main__":
    main()
