"""PyTorch reference of the particle network, for `npm run bench:particles`.

A measuring stick, not part of the product: the same network as src/particles/model/interaction-layer.ts
(pair MLP on 7 invariants giving coefficients on r/d and u; field term g_p(q) (A p + f(|p|) p/|p|)
+ g_v(q) B v + g_c(q) c with gates g(q) = alpha + beta q, A symmetric, f a radial MLP of 3 units;
the 0.5 step integrated in at least --substeps substeps, 6 as in the CLI, with the CLI's step
control --step-control; optional property factors) and the same recipe as src/particles/training/train.ts
(Adam with epsilon 1e-7, batch 128, learning rate 0.03 lowered along a cosine to 1e-5 once per
epoch, the best validation epoch kept). Given the same weights (and the kernel's rational tanh), its
outputs match the tfjs kernel's to 1e-9: test/particles/model/reference-forward.test.ts checks a
fixture that bench/particles_torch_fixture.py writes.

usage: /usr/bin/python3 bench/particles_torch.py SPLIT.npz [--epochs 36] [--batch 128] [--hidden 6]
       [--substeps 6] [--step-control 0.2] [--factors] [--threads N (default: all CPUs)]
SPLIT.npz holds train_x, train_y, val_x, val_y (written by bench/particles.ts, the CLI's split).
Prints one JSON line: seconds, epochs, valMse, valScore, params, threads, torch version.
"""

import argparse
import json
import math
import os
import time

import numpy as np
import torch
from torch import nn

PAIRS = [(i, j) for i in range(4) for j in range(4) if i != j]
PAIR_I = torch.tensor([i for i, _ in PAIRS])
PAIR_J = torch.tensor([j for _, j in PAIRS])
SYMMETRIC = [0, 1, 2, 1, 3, 4, 2, 4, 5]  # the 6 free entries of A, row by row


class InteractionNet(nn.Module):
    """The substep interaction network of src/particles/model/interaction-layer.ts."""

    def __init__(self, hidden, substeps=6, central=3, factors=False, step_control=0.0):
        super().__init__()
        sizes = [7, *hidden, 2]
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes, sizes[1:]))
        for k, layer in enumerate(self.layers):
            nn.init.xavier_normal_(layer.weight, gain=0.1 if k + 1 == len(self.layers) else 1)
            nn.init.zeros_(layer.bias)
        self.field_p = nn.Parameter(torch.zeros(6))
        self.field_v = nn.Parameter(torch.zeros(3, 3))
        self.field_c = nn.Parameter(torch.zeros(3))
        self.gate = nn.Parameter(torch.zeros(2, 3))
        self.central0 = nn.Linear(1, central)
        self.central1 = nn.Linear(central, 1)
        nn.init.xavier_normal_(self.central0.weight)
        for t in (self.central0.bias, self.central1.weight, self.central1.bias):
            nn.init.zeros_(t)
        self.substeps = substeps
        # Property factors 1 + w . (1, qi, qj, qi qj) of alpha and beta.
        self.pair_factor = nn.Parameter(torch.zeros(2, 4)) if factors else None
        self.step_control = step_control

    def accel(self, p, v, q):
        r = p[:, PAIR_J] - p[:, PAIR_I]
        u = v[:, PAIR_J] - v[:, PAIR_I]
        d = torch.sqrt((r * r).sum(-1, keepdim=True) + 1e-6)
        radial = (r * u).sum(-1, keepdim=True) / d
        speed = torch.sqrt((u * u).sum(-1, keepdim=True) + 1e-6)
        qi, qj = q[:, PAIR_I], q[:, PAIR_J]
        h = torch.cat([d, 1 / d, radial, speed, qi, qj, qi * qj], -1)
        for k, layer in enumerate(self.layers):
            h = layer(h)
            if k + 1 < len(self.layers):
                h = torch.tanh(h)
        if self.pair_factor is not None:
            monomials = torch.cat([torch.ones_like(qi), qi, qj, qi * qj], -1)
            h = h * (1 + monomials @ self.pair_factor.T)
        pair = h[..., :1] * r / d + h[..., 1:] * u
        received = pair.view(-1, 4, 3, 3).sum(2)
        gate = lambda g: 1 + self.gate[0, g] + self.gate[1, g] * q  # noqa: E731
        a = self.field_p[SYMMETRIC].view(3, 3)
        norm = torch.sqrt((p * p).sum(-1, keepdim=True) + 1e-6)
        central = self.central1(torch.tanh(self.central0(norm))) * p / norm
        field = gate(0) * (p @ a.T + central) + gate(1) * (v @ self.field_v.T) + gate(2) * self.field_c
        return received + field

    def forward(self, x):
        if self.step_control > 0:
            return self.forward_controlled(x)
        p, v, q = x[..., :3], x[..., 3:6], x[..., 6:7]
        dt = 0.5 / self.substeps
        a = self.accel(p, v, q)
        for s in range(self.substeps):
            p = p + dt * v + 0.5 * dt * dt * a
            if s + 1 < self.substeps:
                nxt = self.accel(p, v + dt * a, q)
                v = v + 0.5 * dt * (a + nxt)
                a = nxt
        return p


    def step_length(self, p, a):
        """Step control: min over pairs of eta sqrt(d / |a_j - a_i|), within the bounds."""
        iu, ju = torch.triu_indices(4, 4, 1)
        dd = ((p[:, ju] - p[:, iu]) ** 2).sum(-1)
        aa = ((a[:, ju] - a[:, iu]) ** 2).sum(-1)
        h = self.step_control * (dd / aa.clamp_min(1e-300)).pow(0.25).min(1).values
        longest = 0.5 / self.substeps
        return h.clamp(0.5 / (self.substeps * MAX_REFINEMENT), longest)

    def forward_controlled(self, x):
        """Each sample's own substeps (as InteractionKernel with step control): the samples still
        integrating are gathered at every substep, so the cost follows the substeps taken."""
        p, v, q = x[..., :3], x[..., 3:6], x[..., 6:7]
        a = self.accel(p, v, q)
        left = torch.full((len(x),), 0.5, dtype=x.dtype)
        active = torch.arange(len(x))
        max_steps = self.substeps * MAX_REFINEMENT
        out = p
        for s in range(max_steps):
            pa, va, aa, qa = p[active], v[active], a[active], q[active]
            with torch.no_grad():
                parts = torch.ceil(left[active] / self.step_length(pa, aa) - 1e-9)
                n = parts.clamp_max(max_steps - s)
                dt = left[active] / n
                last = n == 1
            left = left.index_put((active,), left[active] - dt)
            dt3 = dt.view(-1, 1, 1)
            pa = pa + dt3 * va + 0.5 * dt3 * dt3 * aa
            out = out.index_copy(0, active, pa)
            keep = ~last
            if not keep.any():
                break
            active, pa, va, aa, qa, dt3 = active[keep], pa[keep], va[keep], aa[keep], qa[keep], dt3[keep]
            nxt = self.accel(pa, va + dt3 * aa, qa)
            p = p.index_copy(0, active, pa)
            v = v.index_copy(0, active, va + 0.5 * dt3 * (aa + nxt))
            a = a.index_copy(0, active, nxt)
        return out


MAX_REFINEMENT = 8  # as src/particles/model/step-control.ts


def train(model, tx, ty, vx, vy, epochs, batch, seed, clip=0.0):
    """Adam with a cosine schedule per epoch, gradients clipped relative to their running average
    (with clip > 0, as src/training/gradient-clip.ts) and the best epoch kept, as
    src/training/training-loop.ts."""
    gen = torch.Generator().manual_seed(seed)
    lr0, lr_min = 0.03, 1e-5
    opt = torch.optim.Adam(model.parameters(), lr=lr0, eps=1e-7)
    best, best_state = float("inf"), None
    average = 0.0
    for epoch in range(epochs):
        t = epoch / (epochs - 1) if epochs > 1 else 1
        for g in opt.param_groups:
            g["lr"] = lr_min + 0.5 * (lr0 - lr_min) * (1 + math.cos(math.pi * t))
        order = torch.randperm(len(tx), generator=gen)
        for s in range(0, len(tx), batch):
            idx = order[s : s + batch]
            opt.zero_grad()
            loss = torch.mean((model(tx[idx]) - ty[idx]) ** 2)
            loss.backward()
            if clip > 0:
                grads = [p.grad for p in model.parameters() if p.grad is not None]
                norm = torch.sqrt(sum(torch.sum(g.double() ** 2) for g in grads)).item()
                if not math.isfinite(norm):
                    continue
                if average == 0:
                    average = norm
                elif norm > 0:
                    kept = min(norm, clip * average)
                    average += 0.01 * (kept - average)
                    for g in grads:
                        g.mul_(kept / norm)
            opt.step()
        with torch.no_grad():
            val = torch.mean((model(vx) - vy) ** 2).item()
        if val < best:
            best = val
            best_state = {k: t.clone() for k, t in model.state_dict().items()}
    model.load_state_dict(best_state)
    return epochs, best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("split")
    ap.add_argument("--epochs", type=int, default=36)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--hidden", default="6")
    ap.add_argument("--substeps", type=int, default=6)
    ap.add_argument("--factors", action="store_true")
    ap.add_argument("--step-control", type=float, default=0.0)
    ap.add_argument("--clip", type=float, default=0.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    data = np.load(a.split)
    tx, ty, vx, vy = (torch.from_numpy(data[k]) for k in ("train_x", "train_y", "val_x", "val_y"))
    model = InteractionNet(
        [int(h) for h in a.hidden.split(",")],
        a.substeps,
        factors=a.factors,
        step_control=a.step_control,
    )
    params = sum(p.numel() for p in model.parameters())
    started = time.perf_counter()
    epochs, val_mse = train(model, tx, ty, vx, vy, a.epochs, a.batch, a.seed, a.clip)
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
