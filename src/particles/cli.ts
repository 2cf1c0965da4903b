/**
 * `npm run train:particles -- data/particles/<hash>.npz`: trains the interaction network on one data
 * set with a seeded 10% validation split, prints shapes, parameter count, validation MSE and score,
 * time and backend, and writes `<hash>_result.npz` (arr_0: predicted test_y, float32 (n, 4, 3)),
 * `<hash>_metrics.json` and the model folder `<hash>_model/` to the output folder.
 */
import { availableParallelism } from "node:os";
import { basename, join } from "node:path";

import { folderWriteProblem } from "../io/folder-write-problem";
import { DEFAULT_MAX_INFLATED_BYTES, npzBytes } from "../io/npz";
import { OUTPUTS_DIR } from "../io/project-paths";
import { publishRunOutputs } from "../io/run-outputs";
import { modelFolderFiles } from "../io/tf-model-files";
import { deriveSeed } from "../random/derive-seed";
import { parseCommandLine, wholeNumberOption } from "../runtime/command-line";
import { runMain } from "../runtime/run-main";
import { initBackend } from "../runtime/tf-backend";
import { loadParticles, N_IN, N_OUT, N_PARTICLES } from "./data/particle-data";
import {
  type ModelResult,
  predictInteraction,
  runBaselines,
  runInteraction,
  runSized,
  trainValSamples,
} from "./experiments/runs";
import {
  DEFAULT_DESIGN_NAME,
  DESIGN_NAMES,
  DESIGN_SIZING,
  DESIGN_WIDTHS,
  type DesignName,
  designParts,
  DESIGNS,
} from "./model/designs";
import { ReplicaPool } from "./training/replica-training";
import { DEFAULT_SIZING } from "./training/sized-training";
import { DEFAULT_TRAINING, type EpochLog, GRADIENT_SHARDS } from "./training/train";

/** Epoch budget of the dense baseline: a reference point, not worth the full budget. */
const DENSE_BASELINE_EPOCHS = 60;

const USAGE = `usage: npm run train:particles -- <file.npz> [options]
  --epochs N      epochs of the cosine learning-rate schedule (default ${DEFAULT_TRAINING.epochs})
  --seed N        seed of the split, initialisation and batches (default 0)
  --design NAME   ${DESIGN_NAMES.join(", ")} (default ${DEFAULT_DESIGN_NAME}); see docs/particles.md
  --hidden LIST   hidden widths of the pair function, e.g. 16 or 16,16 (default: the design's)
  --threads N     worker threads: the data-parallel training takes up to ${GRADIENT_SHARDS}, pruning's
                  refits all N; 1 trains in this thread. The network kept is the same for
                  any N (default: one per core, here ${availableParallelism()})
  --out DIR       output folder (default outputs/particles)
  --max-inflated MB
                  refuse a file whose three arrays would inflate to more than MB MiB
                  (default ${DEFAULT_MAX_INFLATED_BYTES / 1024 ** 2})
  --baselines     also report input-position, linear least squares and dense (at most 60 epochs) baselines
  --quiet         no per-epoch lines
  --help          this text

How the size is chosen (design broad): the broad network (every part: pair inputs and outputs
along r̂, u, each particle's own velocity and three learned axes, a three-body function, the
field, an inertia) trains for a few epochs on part of the training split, first freely, then
with pressure on its parts; then parts are removed one at a time while the validation score
(params · MSE)^-0.5 on part of the validation split does not fall and its MSE stays within
${DEFAULT_SIZING.maxMseRatio} times the broad network's (a removal the network cannot take as it stands is judged
again after ${DEFAULT_SIZING.refitSteps} training steps of ${DEFAULT_SIZING.refitBatchSize} samples, against the same steps for the
network as it is), with a few short rounds of training and pruning; the kept network then trains
for the remaining epochs. The count printed and saved is that of the kept network, every
weight it holds.`;

/** Formats one result line of the report table. */
export function formatResult(r: ModelResult): string {
  const score = Number.isFinite(r.valScore) ? r.valScore.toFixed(0) : "n/a (0 params)";
  return `${r.model.padEnd(22)} params ${String(r.params).padStart(6)}  val MSE ${r.valMse.toExponential(3)}  score ${score.padStart(6)}  ${r.seconds.toFixed(1)} s`;
}

/** Runs the trainer with CLI arguments; resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  const args = parseCommandLine(argv, USAGE, {
    allowPositionals: true,
    options: {
      epochs: { type: "string", default: String(DEFAULT_TRAINING.epochs) },
      seed: { type: "string", default: "0" },
      threads: { type: "string", default: String(availableParallelism()) },
      design: { type: "string", default: DEFAULT_DESIGN_NAME },
      hidden: { type: "string" },
      out: { type: "string", default: join(OUTPUTS_DIR, "particles") },
      "max-inflated": { type: "string", default: String(DEFAULT_MAX_INFLATED_BYTES / 1024 ** 2) },
      baselines: { type: "boolean", default: false },
      quiet: { type: "boolean", default: false },
    },
  });
  if (!args) return 0;
  const { values, positionals } = args;
  if (positionals.length !== 1) {
    console.error(USAGE);
    return 2;
  }
  const file = positionals[0];
  const epochs = wholeNumberOption("epochs", values.epochs);
  if (epochs < 1) throw new Error(`--epochs must be at least 1, got ${epochs}`);
  const maxInflatedBytes = wholeNumberOption("max-inflated", values["max-inflated"]) * 1024 ** 2;
  const seed = wholeNumberOption("seed", values.seed);
  const threads = wholeNumberOption("threads", values.threads);
  if (threads < 1) throw new Error(`--threads must be at least 1, got ${threads}`);
  if (!DESIGN_NAMES.includes(values.design as DesignName))
    throw new Error(
      `--design: expected one of ${DESIGN_NAMES.join(", ")}, not ${JSON.stringify(values.design)}`,
    );
  const designName = values.design as DesignName;
  const hidden = values.hidden
    ? values.hidden.split(",").map((h) => wholeNumberOption("hidden", h))
    : DESIGN_WIDTHS[designName];
  const hash = basename(file).replace(/\.npz$/, "");

  // The replicas' threads start now and load while this one reads the data (see ReplicaPool);
  // they train, prune and predict.
  const pool = threads > 1 ? new ReplicaPool(threads) : undefined;
  try {
    const data = loadParticles(file, { maxInflatedBytes });
    // Found before a training of minutes, not after it.
    const problem = folderWriteProblem(values.out);
    if (problem) throw new Error(`--out ${values.out}: cannot write there (${problem})`);
    const backend = await initBackend();
    console.log(
      `${file}: train_x (${data.nTrain}, ${N_PARTICLES}, ${N_IN}), train_y (${data.nTrain}, ${N_PARTICLES}, ${N_OUT}), test_x (${data.nTest}, ${N_PARTICLES}, ${N_IN}); tfjs backend: ${backend}, ${threads} thread${threads === 1 ? "" : "s"}`,
    );
    const { train, val } = trainValSamples(data, seed);
    const options = {
      epochs,
      seed,
      onEpoch: values.quiet
        ? undefined
        : (l: EpochLog) =>
            console.log(
              `  epoch ${l.epoch}: loss ${l.loss.toExponential(3)}  val ${l.valLoss.toExponential(3)}  lr ${l.learningRate.toExponential(1)}  ${l.seconds.toFixed(1)} s`,
            ),
    };
    const design = { ...DESIGNS[designName], hidden, seed: deriveSeed(seed, "particle-network") };
    const sizing = DESIGN_SIZING[designName];
    const { model, result } = sizing
      ? await runSized(
          train,
          val,
          design,
          options,
          sizing,
          values.quiet ? undefined : console.log,
          threads,
          pool,
        )
      : await runInteraction(train, val, design, options, threads, pool);
    const kept = result.config ?? design;
    console.log(`structure kept: ${result.kept ?? "the design as it is (not sized)"}`);
    for (const p of designParts(kept))
      console.log(`  ${p.part.padEnd(60)} ${String(p.params).padStart(5)}`);
    const results = [result];
    if (values.baselines)
      results.push(
        ...(await runBaselines(train, val, {
          ...options,
          epochs: Math.min(epochs, DENSE_BASELINE_EPOCHS),
          onEpoch: undefined,
        })),
      );
    console.log(results.map(formatResult).join("\n"));

    const testY = await predictInteraction(model, kept, data.testX, pool);
    const metrics = {
      file,
      design: kept,
      designName,
      ...(result.kept ? { kept: result.kept, full: result.full, removals: result.removals } : {}),
      params: result.params,
      valMse: result.valMse,
      valScore: result.valScore,
      epochs: result.epochs,
      seconds: result.seconds,
      backend,
      threads,
      baselines: results.slice(1).map(({ history: _h, ...r }) => ({
        ...r,
        valScore: Number.isFinite(r.valScore) ? r.valScore : null,
      })),
    };
    // The three outputs appear together or not at all: never one run's result beside another's model.
    publishRunOutputs(values.out, {
      files: {
        [`${hash}_result.npz`]: npzBytes({
          arr_0: { data: testY, shape: [data.nTest, N_PARTICLES, N_OUT], dtype: "f4" },
        }),
        [`${hash}_metrics.json`]: JSON.stringify(metrics, null, 2) + "\n",
      },
      folders: {
        [`${hash}_model`]: await modelFolderFiles(model, {
          ...metrics,
          baselines: undefined,
          kind: "particle-interaction",
        }),
      },
    });
    const resultPath = join(values.out, `${hash}_result.npz`);
    console.log(
      `parameters: ${result.params}; validation MSE ${result.valMse.toExponential(4)}; validation score ${result.valScore.toFixed(0)}`,
    );
    console.log(
      `wrote ${resultPath}, ${join(values.out, `${hash}_metrics.json`)}, ${join(values.out, `${hash}_model/`)}`,
    );
    return 0;
  } finally {
    await pool?.close();
  }
}

runMain(module, main, "error: ");
