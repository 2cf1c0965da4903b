import assert from "node:assert/strict";
import { after, test } from "node:test";

import { closeRasterizer, figurePng } from "../../src/plotting/rasterize";

after(closeRasterizer);

test("figurePng draws a figure as a PNG in headless Chromium, at twice the size", async () => {
  const png = await figurePng(
    { data: [{ type: "bar", x: ["a", "b"], y: [1, 2] }], layout: { title: { text: "T" } } },
    400,
    300,
  );
  assert.deepEqual([...png.subarray(1, 4)], [...Buffer.from("PNG")]);
  // IHDR: width and height, big-endian, at bytes 16 and 20.
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [800, 600]);
  const other = await figurePng({ data: [{ type: "bar", x: ["a"], y: [5] }] }, 400, 300);
  assert.notDeepEqual(other, png, "another figure gives another image");
});
