import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

import { PROJECT_ROOT } from "../../src/io/project-paths";
import { KERNEL_NAME } from "../../src/report/notebooks";

test("the generated kernel spec installs for other front-ends as the README says", () => {
  const home = mkdtempSync(join(tmpdir(), "kernel-home-"));
  const env = { ...process.env, HOME: home, JUPYTER_PATH: "" };
  const spec = join(PROJECT_ROOT, ".jupyter", "kernels", KERNEL_NAME);
  const install = spawnSync("jupyter", ["kernelspec", "install", "--user", spec], {
    env,
    encoding: "utf8",
  });
  assert.equal(install.status, 0, install.stderr);
  const list = spawnSync("jupyter", ["kernelspec", "list", "--json"], { env, encoding: "utf8" });
  const specs = (
    JSON.parse(list.stdout) as { kernelspecs: Record<string, { resource_dir: string }> }
  ).kernelspecs;
  const installed = specs[KERNEL_NAME];
  assert.ok(installed, Object.keys(specs).join(", "));
  assert.equal(
    installed.resource_dir,
    join(home, ".local", "share", "jupyter", "kernels", KERNEL_NAME),
  );
  const kernel = JSON.parse(readFileSync(join(installed.resource_dir, "kernel.json"), "utf8")) as {
    argv: string[];
  };
  assert.ok(
    kernel.argv.some((a) => a.startsWith(PROJECT_ROOT)),
    kernel.argv.join(" "),
  );
});
