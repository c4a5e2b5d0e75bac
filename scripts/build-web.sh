#!/usr/bin/env bash
# Builds the explorer page (web/) with Debian's Emscripten: a configure of its own (emcmake,
# SYNACK_WEB=ON) in WEB_BUILD_DIR, the finished single-file page in OUTPUT_DIR/index.html.
# Usage: scripts/build-web.sh [WEB_BUILD_DIR [OUTPUT_DIR]]   (defaults: build/wasm build/web,
# where `make web` and the web.page test build it and `synack explore` looks for it)
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/.." && pwd)
build_dir=$(realpath -m "${1:-$source_dir/build/wasm}")
output_dir=$(realpath -m "${2:-$source_dir/build/web}")

if ! command -v emcmake >/dev/null; then
  echo "build-web: emcmake not found; scripts/install-deps.sh installs Debian's emscripten" >&2
  exit 1
fi
# Debian's emcc runs its JavaScript optimizer with the system's node; with the nodesource build
# of node, acorn (a Debian package) is found only through NODE_PATH.
export NODE_PATH="${NODE_PATH:+$NODE_PATH:}/usr/share/nodejs"
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
if [[ ! -f "$build_dir/build.ninja" ]]; then
  emcmake cmake -S "$source_dir" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DSYNACK_WEB=ON -DSYNACK_WERROR="${SYNACK_WERROR:-OFF}" "${launcher[@]}" \
    -DSYNACK_WEB_OUTPUT_DIR="$output_dir"
fi
cmake --build "$build_dir" -j "${JOBS:-$(nproc)}"
echo "build-web: $output_dir/index.html"
