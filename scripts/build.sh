#!/bin/bash
# Configures and builds dse into a build directory (default build/). Extra arguments go to
# `meson setup` the first time, e.g. -Db_sanitize=address,undefined.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build}
shift || true
if [ ! -f "$BUILD/build.ninja" ]; then
	meson setup "$BUILD" "$ROOT" "$@"
fi
ninja -C "$BUILD"
