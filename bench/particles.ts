/**
 * `npm run bench:particles`: the particle CLI's run of the `substep` design against a PyTorch
 * reference of the same network, side by side in one run on this machine. For each data set it
 * times `npm run train:particles -- <file> --design substep --quiet` (the whole process, start-up
 * included) and
 * `bench/particles_torch.py` on the same seeded split, the same network and the same recipe (the
 * CLI's epochs and batch size, passed on; Debian's `python3-torch`, installed here when missing), then prints
 * both times, their ratio and the validation score each reaches. `--data 5bf4506e86,...` picks the
 * data sets; `--torch-threads N` sets PyTorch's threads (default: one per CPU).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { writeNpz } from "../src/io/npz";
import { particleDataFile } from "../src/io/project-paths";
import { loadParticles, N_IN, N_OUT, N_PARTICLES } from "../src/particles/data/particle-data";
import { trainValSamples } from "../src/particles/experiments/runs";
import { SUBSTEP_DESIGN } from "../src/particles/model/designs";
import { DEFAULT_SUBSTEPS } from "../src/particles/model/interaction-layer";
import { DEFAULT_TRAINING } from "../src/particles/training/train";
import { parseCommandLine } from "../src/runtime/command-line";
import { runMain } from "../src/runtime/run-main";
import { timed } from "./timing";

/** Debian's Python, where `python3-torch` installs (a `python3` earlier on PATH may be another). */
const PYTHON = "/usr/bin/python3";

/** What the PyTorch reference prints. */
interface TorchRun {
  seconds: number;
  epochs: number;
  valScore: number;
  params: number;
  threads: number;
  torch: string;
}

/** Installs Debian's python3-torch when `import torch` fails (root, apt reachable). */
function ensureTorch(): void {
  if (spawnSync(PYTHON, ["-c", "import torch"]).status === 0) return;
  console.log("python3-torch is missing: installing it with apt-get (a measuring stick only)");
  const apt = (args: string[]) =>
    spawnSync("apt-get", args, {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    }).status;
  if (apt(["update", "-qq"]) !== 0 || apt(["install", "-y", "-qq", "python3-torch"]) !== 0)
    throw new Error(
      "could not install python3-torch with apt-get (run as root with apt reachable)",
    );
}

/** Runs a command to completion; its stdout, or an error naming it with the end of its stderr. */
function run(command: string, args: string[]): string {
  const r = spawnSync(command, args, { encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0)
    throw new Error(
      `${command} ${args.join(" ")} failed (exit ${r.status}): ${r.stderr.slice(-800)}`,
    );
  return r.stdout;
}

const USAGE = `usage: npm run bench:particles -- [options]
  --data LIST          data sets by hash (default 5bf4506e86,ee1e1d5f36,22233fd544)
  --torch-threads N    PyTorch's thread count (default: its own)
  --help               this text`;

async function main(argv: string[]): Promise<void> {
  const args = parseCommandLine(argv, USAGE, {
    options: {
      data: { type: "string", default: "5bf4506e86,ee1e1d5f36,22233fd544" },
      "torch-threads": { type: "string" },
    },
  });
  if (!args) return;
  const { values } = args;
  ensureTorch();
  const scratch = mkdtempSync(join(tmpdir(), "bench-particles-"));
  const threads = values["torch-threads"] ? ["--threads", values["torch-threads"]] : [];
  console.log("data set      tfjs CLI s  PyTorch s  ratio  tfjs score  PyTorch score  (epochs)");
  try {
    for (const hash of values.data.split(",")) {
      const file = particleDataFile(hash);
      const out = join(scratch, hash);
      const cli = await timed(() =>
        run(process.execPath, [
          "--import",
          "tsx",
          "src/particles/cli.ts",
          file,
          // The PyTorch port is of the first design, pair terms along r̂ and u (not sized).
          "--design",
          "substep",
          "--quiet",
          "--out",
          out,
        ]),
      );
      const metrics = JSON.parse(readFileSync(join(out, `${hash}_metrics.json`), "utf8")) as {
        valScore: number;
        epochs: number;
        backend: string;
        params: number;
      };
      // The CLI's own seeded split, handed to PyTorch as arrays.
      const { train, val } = trainValSamples(loadParticles(file), 0);
      const split = join(scratch, `${hash}_split.npz`);
      const shape = (n: number, w: number) => [n, N_PARTICLES, w];
      writeNpz(split, {
        train_x: { data: train.x, shape: shape(train.n, N_IN), dtype: "f4" },
        train_y: { data: train.y, shape: shape(train.n, N_OUT), dtype: "f4" },
        val_x: { data: val.x, shape: shape(val.n, N_IN), dtype: "f4" },
        val_y: { data: val.y, shape: shape(val.n, N_OUT), dtype: "f4" },
      });
      const hidden = SUBSTEP_DESIGN.hidden.join(",");
      const recipe = [
        "--substeps",
        String(DEFAULT_SUBSTEPS),
        "--step-control",
        String(SUBSTEP_DESIGN.stepControl ?? 0),
        ...(SUBSTEP_DESIGN.factors ? ["--factors"] : []),
        "--epochs",
        String(DEFAULT_TRAINING.epochs),
        "--batch",
        String(DEFAULT_TRAINING.batchSize),
        "--clip",
        String(DEFAULT_TRAINING.clipGradients ?? 0),
      ];
      const lines = run(PYTHON, [
        "bench/particles_torch.py",
        split,
        "--hidden",
        hidden,
        ...recipe,
        ...threads,
      ])
        .trim()
        .split("\n");
      const torch = JSON.parse(lines[lines.length - 1]) as TorchRun;
      if (torch.params !== metrics.params)
        throw new Error(
          `the PyTorch reference has ${torch.params} parameters, the CLI's network ${metrics.params}: not the same network`,
        );
      console.log(
        `${hash}  ${cli.seconds.toFixed(1).padStart(10)}  ${torch.seconds.toFixed(1).padStart(9)}  ${(cli.seconds / torch.seconds).toFixed(2).padStart(5)}  ${metrics.valScore.toFixed(0).padStart(10)}  ${torch.valScore.toFixed(0).padStart(13)}  (${metrics.epochs} / ${torch.epochs})`,
      );
      console.log(
        `            tfjs backend ${metrics.backend}; PyTorch ${torch.torch}, ${torch.threads} threads, ${torch.params} parameters`,
      );
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

runMain(module, main);
