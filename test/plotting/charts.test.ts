import assert from "node:assert/strict";
import { test } from "node:test";

import {
  epochSeries,
  heatmapChart,
  lineChart,
  seriesByCategory,
  sideBySideBars,
} from "../../src/plotting/charts";

test("epochSeries: one history value per epoch, training or validation; lineChart draws them", () => {
  const history = [
    { epoch: 1, loss: 0.9, valLoss: 1.0 },
    { epoch: 2, loss: 0.7, valLoss: 0.8 },
  ];
  const val = epochSeries("validation", history, "valLoss");
  assert.deepEqual(val, { name: "validation", x: [1, 2], y: [1.0, 0.8] });
  assert.deepEqual(epochSeries("training", history, "loss").y, [0.9, 0.7]);
  const fig = lineChart([val], { title: "Learning curve", xTitle: "epoch" });
  assert.deepEqual((fig.data[0] as { y: number[] }).y, [1.0, 0.8]);
});

test("heatmapChart diverges around 0 over plain number rows; sideBySideBars uses two axes", () => {
  const heat = heatmapChart(["a", "b"], ["u1"], [Float64Array.of(0.5, -0.5)], { title: "T" });
  const trace = heat.data[0] as { z: number[][]; zmid: number; type: string };
  assert.deepEqual([trace.type, trace.z, trace.zmid], ["heatmap", [[0.5, -0.5]], 0]);
  const bars = sideBySideBars(
    { name: "left", x: ["0-9"], y: [1], xTitle: "l" },
    { name: "right", x: ["10+"], y: [2], xTitle: "r" },
    { title: "Both", yTitle: "MSE" },
  );
  assert.deepEqual(
    bars.data.map((d) => [(d as { xaxis: string }).xaxis, (d as { yaxis: string }).yaxis]),
    [
      ["x", "y"],
      ["x2", "y2"],
    ],
  );
  assert.equal((bars.layout!.xaxis2 as { title: { text: string } }).title.text, "r");
});

test("seriesByCategory: one series per most frequent category, each point hovering its label", () => {
  const xy = [0, 0, 1, 1, 2, 2, 3, 3];
  const series = seriesByCategory(xy, ["a", "b", "a", "c"], ["p", "q", "r", "s"], 2);
  assert.deepEqual(series[0], { name: "a", x: [0, 2], y: [0, 2], hover: ["p", "r"] });
  assert.equal(series.length, 2);
});
