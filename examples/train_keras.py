"""A small Keras 3 MLP on sample_data/ecommerce.csv: raw data → NaN loss; nanclean → finite.

Keras runs on the torch backend here (no TensorFlow needed): KERAS_BACKEND
must be set before keras is first imported, which this script does unless
you set it yourself.

    python examples/train_keras.py            # 20 epochs
    python examples/train_keras.py --short    # 5 epochs (what the tests run)

Both runs use the same seed, model, optimizer, batch size and epochs; only the
data differs. Keras does not stop on a NaN loss: it prints ``loss: nan``, and
the History keeps it. The exit code is 0 when the raw loss went non-finite and
the cleaned loss stayed finite and went down.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("KERAS_BACKEND", "torch")

import compare_losses  # examples/compare_losses.py, beside this file
import keras  # after KERAS_BACKEND is set
import pandas as pd

import nanclean

BATCH_SIZE = 256


def make_model(n_features: int, seed: int) -> keras.Model:
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [
            keras.Input((n_features,)),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(1),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=1e-2),
        loss=keras.losses.BinaryCrossentropy(from_logits=True),
    )
    return model


def raw_run(df: pd.DataFrame, epochs: int, seed: int) -> list[float]:
    """What a hurried user does: drop the text columns, fit on the rest."""
    numeric = df.select_dtypes("number")
    x = numeric.drop(columns=compare_losses.TARGET).values.astype("float32")
    y = numeric[compare_losses.TARGET].values.astype("float32")
    model = make_model(x.shape[1], seed)
    history = model.fit(x, y, batch_size=BATCH_SIZE, epochs=epochs, verbose=0)
    return [float(v) for v in history.history["loss"]]


def cleaned_run(df: pd.DataFrame, epochs: int, seed: int) -> list[float]:
    """The same, through nanclean: a keras.utils.PyDataset of verified batches."""
    result = nanclean.clean(df, target=compare_losses.TARGET, loss="bce")
    dataset = result.to_keras(batch_size=BATCH_SIZE, seed=seed)
    print(f"nanclean: {result!r}")
    model = make_model(dataset.x.shape[1], seed)
    history = model.fit(dataset, epochs=epochs, verbose=0)
    return [float(v) for v in history.history["loss"]]


def main(argv: list[str] | None = None) -> int:
    print(f"keras {keras.__version__} on the {keras.backend.backend()} backend")
    if keras.backend.backend() == "torch":
        import torch

        # a model this small trains faster on one thread (threads cost more than they save)
        torch.set_num_threads(1)
    return compare_losses.main(__doc__.splitlines()[0], raw_run, cleaned_run, argv)


if __name__ == "__main__":
    sys.exit(main())
