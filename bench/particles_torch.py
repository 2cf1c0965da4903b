"""PyTorch reference of the particle interaction network, for `npm run bench:particles`.

A measuring stick, not part of the product: the same network as src/particles/interaction-layer.ts
(pair MLP on 9 invariants, two coefficients on r/d and u, self term (a + b q) v + (c + e q) p) and
today's recipe of src/particles/train.ts before the speed work (Adam with epsilon 1e-7, batch 256,
learning rate 0.01 halved after 8 epochs without progress, stop after 30, best weights restored).

usage: /usr/bin/python3 bench/particles_torch.py SPLIT.npz [--epochs 300] [--batch 256] [--hidden 4]
       [--threads N (default: all CPUs)]
SPLIT.npz holds train_x, train_y, val_x, val_y (written by bench/particles.ts, the CLI's split).
Prints one JSON line: seconds, epochs, valMse, valScore, params, threads, torch version.
"""

import argparse
import json
import os
import time

import numpy as np
import torch
from torch import nn

PAIRS = [(i, j) for i in range(4) for j in range(4) if i != j]
PAIR_I = torch.tensor([i for i, _ in PAIRS])
PAIR_J = torch.tensor([j for _, j in PAIRS])


class InteractionNet(nn.Module):
    """The interaction network of src/particles/interaction-layer.ts."""

    def __init__(self, hidden):
        super().__init__()
        sizes = [9, *hidden, 2]
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes, sizes[1:]))
        for layer in self.layers:
            nn.init.xavier_normal_(layer.weight)
            nn.init.zeros_(layer.bias)
        self.self_v = nn.Parameter(torch.full((2,), 0.25))
        self.self_p = nn.Parameter(torch.zeros(2))

    def forward(self, x):
        p, v, q = x[..., :3], x[..., 3:6], x[..., 6:7]
        r = p[:, PAIR_J] - p[:, PAIR_I]
        u = v[:, PAIR_J] - v[:, PAIR_I]
        d = torch.sqrt((r * r).sum(-1, keepdim=True) + 1e-6)
        radial = (r * u).sum(-1, keepdim=True) / d
        speed = torch.sqrt((u * u).sum(-1, keepdim=True) + 1e-6)
        qi, qj = q[:, PAIR_I], q[:, PAIR_J]
        inv_d2 = 1 / d**2
        h = torch.cat([d, 1 / d, radial, speed, qi, qj, inv_d2, qj * inv_d2, qi * qj * inv_d2], -1)
        for k, layer in enumerate(self.layers):
            h = layer(h)
            if k + 1 < len(self.layers):
                h = torch.tanh(h)
        pair = h[..., :1] * r / d + h[..., 1:] * u
        received = pair.view(-1, 4, 3, 3).sum(2)

        def gain(g):
            return g[0] + g[1] * q

        return p + gain(self.self_v) * v + gain(self.self_p) * p + received


def train(model, tx, ty, vx, vy, epochs, batch, seed):
    """Adam, plateau halving, early stopping and best-weight restore, as the tfjs loop did."""
    gen = torch.Generator().manual_seed(seed)
    lr, min_lr, patience, lr_patience = 0.01, 1e-5, 30, 8
    opt = torch.optim.Adam(model.parameters(), lr=lr, eps=1e-7)
    best, best_state, since_best, since_lr, ran = float("inf"), None, 0, 0, 0
    for _ in range(epochs):
        ran += 1
        order = torch.randperm(len(tx), generator=gen)
        for s in range(0, len(tx), batch):
            idx = order[s : s + batch]
            opt.zero_grad()
            loss = torch.mean((model(tx[idx]) - ty[idx]) ** 2)
            loss.backward()
            opt.step()
        with torch.no_grad():
            val = torch.mean((model(vx) - vy) ** 2).item()
        if val < best:
            best, since_best, since_lr = val, 0, 0
            best_state = {k: t.clone() for k, t in model.state_dict().items()}
        else:
            since_best += 1
            since_lr += 1
        if since_best >= patience:
            break
        if since_lr >= lr_patience and lr > min_lr:
            lr = max(min_lr, lr / 2)
            for g in opt.param_groups:
                g["lr"] = lr
            since_lr = 0
    model.load_state_dict(best_state)
    return ran, best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("split")
    ap.add_argument("--epochs", type=int, default=300)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--hidden", default="4")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    data = np.load(a.split)
    tx, ty, vx, vy = (torch.from_numpy(data[k]) for k in ("train_x", "train_y", "val_x", "val_y"))
    model = InteractionNet([int(h) for h in a.hidden.split(",")])
    params = sum(p.numel() for p in model.parameters())
    started = time.perf_counter()
    epochs, val_mse = train(model, tx, ty, vx, vy, a.epochs, a.batch, a.seed)
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "seconds": seconds,
                "epochs": epochs,
                "valMse": val_mse,
                "valScore": (params / 1e6 * val_mse) ** -0.5,
                "params": params,
                "threads": torch.get_num_threads(),
                "torch": torch.__version__,
            }
        )
    )


if __name__ == "__main__":
    main()
