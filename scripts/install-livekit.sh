#!/usr/bin/env bash
# Build the LiveKit server from its Go module into .tools/bin/livekit-server.
# The binary is cached per machine in ~/.cache/loopboard, so later clones and CI runs on the
# same machine reuse it instead of building again (a few minutes).
# v1.13.5 is the newest release whose go.mod has no replace directives: later tags replace pion
# modules with forks that the Go module proxy does not serve, and `go install` refuses them.
set -euo pipefail
cd "$(dirname "$0")/.."
LIVEKIT_VERSION=v1.13.5
bin=.tools/bin/livekit-server
cache="${XDG_CACHE_HOME:-$HOME/.cache}/loopboard/livekit-server-$LIVEKIT_VERSION"
mkdir -p .tools/bin "$(dirname "$cache")"
if [ ! -x "$cache" ]; then
  command -v go >/dev/null || { echo "Go is needed to build livekit-server (see go.dev/doc/install)"; exit 1; }
  echo "Building livekit-server $LIVEKIT_VERSION from its Go module (a few minutes the first time)…"
  tmp=$(mktemp -d)
  GOBIN="$tmp" go install "github.com/livekit/livekit-server/cmd/server@$LIVEKIT_VERSION"
  mv "$tmp/server" "$cache"
  rmdir "$tmp"
fi
cp "$cache" "$bin"
"$bin" --version
