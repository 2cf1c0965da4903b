"""Writes test/fixtures/particle-kernel/torch-forward.json: the PyTorch port's outputs
(bench/particles_torch.py, in float64) on fixed, seeded weights and the first samples of a public
set, for the test that the tfjs kernel's forward pass matches the port
(test/particles/model/reference-forward.test.ts).

The port's tanh is replaced by the kernel's rational approximation (src/math/fast-tanh.ts), written
again here from the same coefficients, so that the two agree to rounding rather than to the
approximation's 3e-7.

usage: /usr/bin/python3 bench/particles_torch_fixture.py
"""

import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
import particles_torch  # noqa: E402

CLAMP = 7.90531110763549805
P = [-2.76076847742355e-16, 2.00018790482477e-13, -8.60467152213735e-11, 5.12229709037114e-8,
     1.48572235717979e-5, 6.37261928875436e-4, 4.89352455891786e-3]
Q = [1.19825839466702e-6, 1.18534705686654e-4, 2.268434632439e-3, 4.89352518554385e-3]


def fast_tanh(x):
    c = x.clamp(-CLAMP, CLAMP)
    x2 = c * c
    p = x2 * P[0] + P[1]
    for k in P[2:]:
        p = x2 * p + k
    q = x2 * Q[0] + Q[1]
    for k in Q[2:]:
        q = x2 * q + k
    return c * p / q


def main():
    root = os.path.join(os.path.dirname(__file__), "..")
    torch.tanh = fast_tanh
    torch.set_default_dtype(torch.float64)
    n = 32
    x = np.load(os.path.join(root, "data/particles/5bf4506e86.npz"))["train_x"][:n].astype(np.float64)
    rng = np.random.default_rng(7)
    cases = []
    for hidden, factors in (([5], True), ([4, 3], False)):
        net = particles_torch.InteractionNet(hidden, substeps=6, factors=factors)
        with torch.no_grad():
            for t in net.parameters():
                t.copy_(torch.from_numpy(rng.normal(0, 0.3, tuple(t.shape))))
            out = net(torch.from_numpy(x)).numpy()
        # The kernel's parameter order (InteractionKernel.paramSizes): the MLP's w (in, out) row by
        # row and b per layer, the factors, then the field's arrays.
        params = []
        for layer in net.layers:
            params += [layer.weight.detach().numpy().T.ravel(), layer.bias.detach().numpy()]
        if factors:
            params.append(net.pair_factor.detach().numpy().ravel())
        params += [
            net.field_p.detach().numpy(),
            net.field_v.detach().numpy().ravel(),
            net.field_c.detach().numpy(),
            net.gate.detach().numpy().ravel(),
            net.central0.weight.detach().numpy().ravel(),
            net.central0.bias.detach().numpy(),
            net.central1.weight.detach().numpy().ravel(),
            net.central1.bias.detach().numpy(),
        ]
        cases.append({
            "hidden": hidden,
            "factors": factors,
            "substeps": 6,
            "params": [p.tolist() for p in params],
            "out": out.ravel().tolist(),
        })
    fixture = {
        "about": "PyTorch port outputs (bench/particles_torch.py, float64, the kernel's tanh) "
                 "written by bench/particles_torch_fixture.py",
        "torch": torch.__version__,
        "source": "data/particles/5bf4506e86.npz",
        "samples": n,
        "cases": cases,
    }
    path = os.path.join(root, "test/fixtures/particle-kernel/torch-forward.json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(fixture, f)
        f.write("\n")
    print("wrote", path)


if __name__ == "__main__":
    main()
