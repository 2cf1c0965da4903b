#!/usr/bin/env bash
# Starts the project's tslab kernel with the repository root as its working directory, so that
# notebooks import `./src/...` with plain relative paths (tslab compiles with rootDir = cwd).
# Jupyter calls it as: kernel-launch.sh <connection-file>.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
exec node "$root/node_modules/tslab/bin/tslab" kernel --config-path "$1"
