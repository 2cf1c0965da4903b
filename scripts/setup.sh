#!/usr/bin/env bash
# Makes this checkout ready to run: Node dependencies (npm ci), Jupyter with nbconvert (Debian
# packages, since PyPI is out of reach) and the project's tslab kernel spec in .jupyter/.
# Idempotent and quick when everything is already in place. Set SETUP_QUIET=1 to hush it;
# pass --node-only to stop after the Node dependencies.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
say() { [ "${SETUP_QUIET:-}" = 1 ] || echo "[setup] $*" >&2; }

# 1. Node dependencies, pinned by package-lock.json.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing Node dependencies (npm ci)"
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund >&2
fi

# `--node-only`: what the server, the CLIs and the benchmarks need stops here.
[ "${1:-}" = --node-only ] && exit 0

# 2. Jupyter + nbconvert + nbclient from Debian, run by /usr/bin/python3, and Debian's Chromium,
#    which draws the static image of every plot (plotly's exporter needs a browser) and runs the
#    browser tests.
PY=/usr/bin/python3
missing=()
"$PY" -c "import nbclient, nbconvert, notebook" >/dev/null 2>&1 ||
  missing+=(jupyter-notebook jupyter-nbconvert python3-ipykernel)
# `jupyter kernelspec`, to install the project's kernel for JupyterLab or VS Code (README).
[ -x /usr/bin/jupyter-kernelspec ] || missing+=(jupyter-client)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v strace >/dev/null || missing+=(strace) # fault injection in the crash-safe save tests
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "[setup] missing Debian packages: run as root, or: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  say "installing from Debian packages: ${missing[*]}"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
fi

# 3. The project's kernel spec, generated here (it holds this checkout's absolute path, so it is
#    never committed). Jupyter finds it through JUPYTER_PATH=$root/.jupyter.
spec_dir=.jupyter/kernels/literate-ml-ts
mkdir -p "$spec_dir"
"$PY" - "$root" "$spec_dir/kernel.json" <<'PYEOF'
import json, os, sys
root, out = sys.argv[1], sys.argv[2]
spec = {
    "argv": ["bash", os.path.join(root, "scripts", "kernel-launch.sh"), "{connection_file}"],
    "display_name": "TypeScript (literate-ml-ts)",
    "language": "typescript",
}
tmp = out + ".tmp"
with open(tmp, "w") as f:
    json.dump(spec, f, indent=2)
os.replace(tmp, out)
PYEOF
# 4. plotly.js for live Jupyter pages: the classic notebook server serves JUPYTER_PATH's
#    nbextensions/, where every figure output looks for it (src/plotting/figure.ts).
ext_dir=.jupyter/nbextensions/literate-ml-ts
mkdir -p "$ext_dir"
plotly=node_modules/plotly.js-cartesian-dist-min/plotly-cartesian.min.js # PLOTLY_BUNDLE
if ! cmp -s "$plotly" "$ext_dir/plotly.min.js"; then
  cp "$plotly" "$ext_dir/plotly.min.js.tmp"
  mv "$ext_dir/plotly.min.js.tmp" "$ext_dir/plotly.min.js"
fi
say "ready (kernel spec: $spec_dir)"
