#!/usr/bin/env bash
# `npm run notebook`: Jupyter for interactive work, bound to 127.0.0.1 with token login, with the
# project's TypeScript kernel registered (JUPYTER_PATH) and selected by every notebook.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh"
extra=()
[ "$(id -u)" = 0 ] && extra+=(--allow-root)  # Jupyter refuses root without it (CI images, containers)
export JUPYTER_PATH="$root/.jupyter"
exec /usr/bin/jupyter notebook --ip=127.0.0.1 --port="${PORT:-8888}" --no-browser \
  --notebook-dir="$root" "${extra[@]}" "$@"
