import type { Figure } from "./figure";

/** Axis titles and size shared by the chart helpers. */
export interface ChartOptions {
  title: string;
  xTitle?: string;
  yTitle?: string;
  height?: number;
}

const axis = (text?: string): Record<string, unknown> => ({
  title: { text: text ?? "" },
  automargin: true,
});

/**
 * A logarithmic axis labelled at whole decades as powers of ten (1, 10, 100, ... or 10⁻⁴), never
 * "0.01" followed by bare digits.
 *
 * @example
 * await showPlot({ data, layout: { xaxis: { title: { text: "epoch" } }, yaxis: logAxis("validation MSE") } });
 */
export function logAxis(title: string): Record<string, unknown> {
  return { ...axis(title), type: "log", dtick: 1, exponentformat: "power", showexponent: "all" };
}

/**
 * One series of bars, optionally with error bars.
 *
 * @example
 * await showPlot(barChart(["a", "b"], [3, 4], { title: "Counts", yTitle: "rows" }));
 */
export function barChart(
  x: (string | number)[],
  y: number[],
  o: ChartOptions & { errors?: number[]; yRange?: [number, number] },
): Figure {
  return {
    data: [
      {
        type: "bar",
        x,
        y,
        ...(o.errors ? { error_y: { type: "data", array: o.errors, visible: true } } : {}),
      },
    ],
    layout: {
      title: { text: o.title },
      xaxis: axis(o.xTitle),
      yaxis: { ...axis(o.yTitle), ...(o.yRange ? { range: o.yRange } : {}) },
      height: o.height ?? 380,
    },
  };
}

/**
 * Histograms of one or more series. Several series are drawn side by side as shares of their own
 * totals (percent), so that a small series (hundreds of users) stays visible beside a large one
 * (thousands of movies); one series is drawn as counts.
 *
 * @example
 * await showPlot(histogram([{ name: "tokens", values: tokens }], { title: "Overview length", xTitle: "tokens" }));
 */
export function histogram(
  series: { name: string; values: ArrayLike<number> }[],
  o: ChartOptions & { bins?: number },
): Figure {
  const several = series.length > 1;
  return {
    data: series.map((s) => ({
      type: "histogram",
      name: s.name,
      x: Array.from(s.values),
      nbinsx: o.bins ?? 40,
      ...(several ? { histnorm: "percent" } : {}),
    })),
    layout: {
      title: { text: o.title },
      barmode: "group",
      bargap: several ? 0.1 : 0.02,
      xaxis: axis(o.xTitle),
      yaxis: axis(o.yTitle ?? (several ? "percent of each series" : "count")),
      showlegend: several,
      legend: { orientation: "h", y: -0.2 },
      height: o.height ?? 380,
    },
  };
}

/**
 * Bars on the left axis and a line on the right axis over the same categories, with room for the
 * right axis's title beside its tick labels.
 *
 * @example
 * await showPlot(dualAxisChart(genres, { name: "movies", y: counts }, { name: "mean rating", y: means }, { title: "Genres" }));
 */
export function dualAxisChart(
  x: (string | number)[],
  bars: { name: string; y: number[] },
  line: { name: string; y: number[] },
  o: ChartOptions,
): Figure {
  return {
    data: [
      { type: "bar", x, y: bars.y, name: bars.name, yaxis: "y" },
      { type: "scatter", mode: "markers+lines", x, y: line.y, name: line.name, yaxis: "y2" },
    ],
    layout: {
      title: { text: o.title },
      xaxis: axis(o.xTitle),
      yaxis: axis(bars.name),
      yaxis2: {
        title: { text: line.name, standoff: 12 },
        overlaying: "y",
        side: "right",
        automargin: true,
        showgrid: false,
      },
      margin: { t: 56, r: 80, b: 56, l: 64 },
      legend: { orientation: "h", y: -0.25 },
      height: o.height ?? 420,
    },
  };
}

/** One named series of points for {@link lineChart} and {@link scatterChart}. */
export interface Series {
  name: string;
  x: (string | number)[];
  y: number[];
  /** Labels drawn beside the points (scatter charts). */
  text?: string[];
  /** Text shown on hover only (scatter charts with many points). */
  hover?: string[];
}

/**
 * Lines, one per series (learning curves, for instance), on a logarithmic y axis when asked.
 *
 * @example
 * await showPlot(lineChart([{ name: "ee1", x: [1, 2], y: [3e-4, 2e-4] }], { title: "Validation MSE", logY: true }));
 */
export function lineChart(series: Series[], o: ChartOptions & { logY?: boolean }): Figure {
  return {
    data: series.map((s) => ({ type: "scatter", mode: "lines", name: s.name, x: s.x, y: s.y })),
    layout: {
      title: { text: o.title },
      xaxis: axis(o.xTitle),
      yaxis: o.logY ? logAxis(o.yTitle ?? "") : axis(o.yTitle),
      legend: { orientation: "h", y: -0.2 },
      height: o.height ?? 400,
    },
  };
}

/**
 * Points, one colour per series, labelled with their `text`, on logarithmic axes when asked.
 *
 * @example
 * await showPlot(scatterChart([{ name: "new", x: [96], y: [9800], text: ["morse"] }], { title: "Score", logX: true }));
 */
export function scatterChart(
  series: Series[],
  o: ChartOptions & { logX?: boolean; logY?: boolean },
): Figure {
  return {
    data: series.map((s) => ({
      type: "scatter",
      mode: s.text ? "markers+text" : "markers",
      name: s.name,
      x: s.x,
      y: s.y,
      ...(s.text ? { text: s.text, textposition: "middle right", textfont: { size: 10 } } : {}),
      ...(s.hover ? { text: s.hover, marker: { size: 4, opacity: 0.6 } } : {}),
    })),
    layout: {
      title: { text: o.title },
      xaxis: o.logX ? logAxis(o.xTitle ?? "") : axis(o.xTitle),
      yaxis: o.logY ? logAxis(o.yTitle ?? "") : axis(o.yTitle),
      legend: { orientation: "h", y: -0.2 },
      height: o.height ?? 460,
    },
  };
}

/**
 * One value of every epoch of a training history as a {@link Series} (for {@link lineChart}):
 * `key` picks the training loss or the validation loss.
 *
 * @example
 * await showPlot(lineChart([epochSeries("validation", model.history, "valLoss")], { title: "Learning curve" }));
 */
export function epochSeries(
  name: string,
  history: readonly { epoch: number; loss: number; valLoss: number }[],
  key: "loss" | "valLoss",
): Series {
  return { name, x: history.map((h) => h.epoch), y: history.map((h) => h[key]) };
}

/**
 * A heatmap of `z` (one row per `y` label, one column per `x` label), diverging around 0.
 *
 * @example
 * await showPlot(heatmapChart(["Drama", "Comedy"], ["user 1"], [[0.2, -0.1]], { title: "Affinity" }));
 */
export function heatmapChart(
  x: string[],
  y: string[],
  z: ArrayLike<number>[],
  o: ChartOptions & { leftMargin?: number },
): Figure {
  return {
    data: [{ type: "heatmap", x, y, z: z.map((r) => Array.from(r)), colorscale: "RdBu", zmid: 0 }],
    layout: {
      title: { text: o.title },
      xaxis: axis(o.xTitle),
      yaxis: axis(o.yTitle),
      height: o.height ?? 420,
      margin: { l: o.leftMargin ?? 160, b: 110 },
    },
  };
}

/**
 * Two bar charts side by side, each on its own axes (two breakdowns of one quantity).
 *
 * @example
 * await showPlot(sideBySideBars({ name: "by user", x: ["0-49"], y: [0.7], xTitle: "ratings" }, right, { title: "MSE", yTitle: "MSE" }));
 */
export function sideBySideBars(
  left: Series & { xTitle: string },
  right: Series & { xTitle: string },
  o: ChartOptions,
): Figure {
  return {
    data: [
      { type: "bar", x: left.x, y: left.y, name: left.name, xaxis: "x", yaxis: "y" },
      { type: "bar", x: right.x, y: right.y, name: right.name, xaxis: "x2", yaxis: "y2" },
    ],
    layout: {
      title: { text: o.title },
      grid: { rows: 1, columns: 2, pattern: "independent" },
      xaxis: axis(left.xTitle),
      xaxis2: axis(right.xTitle),
      yaxis: axis(o.yTitle),
      legend: { orientation: "h", y: -0.3 },
      height: o.height ?? 400,
    },
  };
}

/**
 * Points in the plane (`xy` interleaved: x0, y0, x1, y1, ...) as one {@link Series} per category,
 * for the `top` most frequent categories, each point hovering its label.
 *
 * @example
 * await showPlot(scatterChart(seriesByCategory(xy, genres, titles, 8), { title: "Map" }));
 */
export function seriesByCategory(
  xy: ArrayLike<number>,
  categories: string[],
  labels: string[],
  top: number,
): Series[] {
  const size = new Map<string, number>();
  for (const c of categories) size.set(c, (size.get(c) ?? 0) + 1);
  const largest = [...size].sort((a, b) => b[1] - a[1]).slice(0, top);
  return largest.map(([c]) => {
    const rows = categories.flatMap((k, i) => (k === c ? [i] : []));
    return {
      name: c,
      x: rows.map((i) => xy[2 * i]),
      y: rows.map((i) => xy[2 * i + 1]),
      hover: rows.map((i) => labels[i]),
    };
  });
}
