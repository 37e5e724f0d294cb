"""Record the blog post's TensorFlow 1 program, bit for bit, over 2000 steps.

Run with a Python that has TensorFlow (never needed by lrlab or its tests)::

    python tests/data/generate_tf1_long_run.py [--steps 2000] [--out PATH]

The graph is the blog post's (``/work/shared/seed/tf1-program.py``): ``w = 5``,
``loss = (w + 1)^2``, plain gradient descent with
``exponential_decay(0.2, global_step, 1, 0.95, staircase=True)``. Before each
update it records, at global step ``t = 0 .. steps``:

- ``lr``: the learning rate the graph gives at global step ``t`` (the rate the
  update from ``w[t]`` to ``w[t + 1]`` uses);
- ``w``: the parameter after ``t`` updates;
- ``loss``: the loss at ``w[t]``;
- ``grad``: the gradient TensorFlow computes at ``w[t]``.

Each value is stored as the 8 hex digits of its float32 bit pattern, so the
file says exactly what TensorFlow computed, with no printing or parsing in
between. Provenance (versions, platform, command, date) goes into the file.
"""

import argparse
import datetime
import json
import platform
import sys
from pathlib import Path

import numpy as np
import tensorflow as tf

tf1 = tf.compat.v1


def bits(value):
    """Bit pattern of a float32 as 8 hex digits."""
    return f"{int(np.float32(value).view(np.uint32)):08x}"


def record(steps):
    tf1.disable_v2_behavior()
    graph = tf1.Graph()
    with graph.as_default():
        global_step = tf1.Variable(0, trainable=False)
        learning_rate = tf1.train.exponential_decay(0.2, global_step, 1, 0.95, staircase=True)
        w = tf1.Variable(tf1.constant(5, tf1.float32))
        loss = tf1.square(w + 1)
        optimizer = tf1.train.GradientDescentOptimizer(learning_rate)
        grads_and_vars = optimizer.compute_gradients(loss)
        train_step = optimizer.apply_gradients(grads_and_vars, global_step=global_step)
        grad = grads_and_vars[0][0]
        rows = {"global_step": [], "lr": [], "w": [], "loss": [], "grad": []}
        with tf1.Session(graph=graph) as sess:
            sess.run(tf1.global_variables_initializer())
            for _ in range(steps + 1):
                # One fetch per tensor, as the blog post's program does.
                rows["global_step"].append(int(sess.run(global_step)))
                rows["lr"].append(bits(sess.run(learning_rate)))
                rows["w"].append(bits(sess.run(w)))
                rows["loss"].append(bits(sess.run(loss)))
                rows["grad"].append(bits(sess.run(grad)))
                sess.run(train_step)
    return rows


def main(argv=None):
    here = Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--out", type=Path, default=here / "tf1-long-run.json")
    args = parser.parse_args(argv)

    rows = record(args.steps)
    if rows["global_step"] != list(range(args.steps + 1)):
        raise SystemExit("global_step did not count 0, 1, 2, ... as expected")
    data = {
        "description": (
            "The seed's TensorFlow 1 program (tf1-program.py) run for "
            f"{args.steps} updates. Entry t holds, at global step t: the learning "
            "rate (used by the update from w[t] to w[t+1]), w after t updates, the "
            "loss at w[t] and the gradient at w[t]; each a float32 bit pattern in hex."
        ),
        "provenance": {
            "tensorflow": tf.__version__,
            "numpy": np.__version__,
            "python": platform.python_version(),
            "platform": platform.platform(),
            "machine": platform.machine(),
            "libc": " ".join(platform.libc_ver()),
            "command": " ".join(
                ["python", "tests/data/generate_tf1_long_run.py",
                 *(sys.argv[1:] if argv is None else argv)]
            ),
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d"),
        },
        "steps": args.steps,
        "lr": rows["lr"],
        "w": rows["w"],
        "loss": rows["loss"],
        "grad": rows["grad"],
    }
    args.out.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({args.steps + 1} entries)")


if __name__ == "__main__":
    main()
