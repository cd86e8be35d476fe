#!/usr/bin/env bash
# Builds the project's Go program go/recipe-peer (the recipe's Go consumer and admin, for the tests and
# the bench) once per machine into the cache beside nsqd, and prints where it is:
#   recipe-peer=PATH
# The binary's name carries a hash of the Go sources, so a change to them builds a new one.
# Progress goes to stderr so stdout stays machine-readable.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE_DIR="${HOTCONF_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/hotconf}"

log() { echo "ensure-go-peer: $*" >&2; }

ensure_go() {
  if command -v go >/dev/null 2>&1; then return; fi
  if [ -x /usr/local/go/bin/go ]; then export PATH="/usr/local/go/bin:$PATH"; return; fi
  log "installing Go from Debian's packages"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-go) >&2
}

sources_hash="$(cd "$ROOT/go" && find . -type f \( -name '*.go' -o -name 'go.mod' -o -name 'go.sum' \) | LC_ALL=C sort |
  xargs sha256sum | sha256sum | cut -c1-12)"
binary="$CACHE_DIR/recipe-peer-$sources_hash"

if [ ! -x "$binary" ]; then
  ensure_go
  log "building go/recipe-peer into $binary (once per machine)"
  mkdir -p "$CACHE_DIR"
  # Built beside its final name and renamed into place, so parallel runs never see half a binary.
  (cd "$ROOT/go" && go build -o "$binary.tmp.$$" ./recipe-peer) >&2
  mv -f "$binary.tmp.$$" "$binary"
fi
echo "recipe-peer=$binary"
