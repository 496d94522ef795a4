#!/usr/bin/env python3
"""Writes the XOR fixtures the Swift tests compare against, with the tutorial's NumPy formulation.

The network, initialisation and update are those of bench/reference/xor_numpy.py (float64,
np.random.seed(42), uniform [0, 1) weights and biases, summed gradients, lr 0.5):

  xor_numpy_seed42_model.json   the initial weights as a Backprop model file (weights (out, in),
                                i.e. NumPy's (in, out) matrices transposed)
  xor_numpy_trajectory.json     the loss 0.5*sum((a2 - y)^2) seen at chosen epochs (before that
                                epoch's update), and the loss and predictions after 10000 epochs

Run from this folder: python3 make_xor_fixture.py
"""
import json

import numpy as np


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def main():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
    y = np.array([[0], [1], [1], [0]], dtype=np.float64)
    np.random.seed(42)
    W1 = np.random.uniform(size=(2, 2))
    b1 = np.random.uniform(size=(1, 2))
    W2 = np.random.uniform(size=(2, 1))
    b2 = np.random.uniform(size=(1, 1))
    lr, epochs = 0.5, 10000

    model = {
        "format": "backprop-model", "version": 1, "loss": "squared-error", "reduction": "sum",
        "layers": [
            {"activation": "sigmoid", "weights": W1.T.tolist(), "biases": b1.ravel().tolist()},
            {"activation": "sigmoid", "weights": W2.T.tolist(), "biases": b2.ravel().tolist()},
        ],
        "metadata": {"source": "np.random.seed(42); np.random.uniform, as in xor_numpy.py"},
    }
    checkpoints = {1, 2, 10, 100, 1000, 5000, 10000}
    losses = {}
    for epoch in range(1, epochs + 1):
        a1 = sigmoid(X @ W1 + b1)
        a2 = sigmoid(a1 @ W2 + b2)
        if epoch in checkpoints:
            losses[str(epoch)] = float(0.5 * np.sum((a2 - y) ** 2))
        delta2 = (a2 - y) * a2 * (1.0 - a2)
        delta1 = (delta2 @ W2.T) * a1 * (1.0 - a1)
        W2 -= lr * (a1.T @ delta2)
        b2 -= lr * np.sum(delta2, axis=0, keepdims=True)
        W1 -= lr * (X.T @ delta1)
        b1 -= lr * np.sum(delta1, axis=0, keepdims=True)
    a2 = sigmoid(sigmoid(X @ W1 + b1) @ W2 + b2)
    trajectory = {
        "learning_rate": lr, "epochs": epochs, "loss_at_epoch": losses,
        "final_loss": float(0.5 * np.sum((a2 - y) ** 2)),
        "final_predictions": a2.ravel().tolist(),
        "final_weights": [W1.T.tolist(), W2.T.tolist()],
        "final_biases": [b1.ravel().tolist(), b2.ravel().tolist()],
    }
    with open("xor_numpy_seed42_model.json", "w") as f:
        json.dump(model, f, indent=2)
        f.write("\n")
    with open("xor_numpy_trajectory.json", "w") as f:
        json.dump(trajectory, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
