#!/usr/bin/env bash
# Makes redis-server and nsqd available on this machine and prints where they are:
#   redis-server=PATH
#   nsqd=PATH
# redis-server comes from Debian's package when missing. nsqd is not packaged anywhere we can reach,
# so it is built once per machine from the Go module github.com/nsqio/nsq into a cache directory
# (HOTCONF_CACHE_DIR, default ~/.cache/hotconf) and reused after that.
# Progress goes to stderr so stdout stays machine-readable.
set -euo pipefail

NSQ_VERSION="${NSQ_VERSION:-v1.3.0}"
CACHE_DIR="${HOTCONF_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/hotconf}"
NSQ_DIR="$CACHE_DIR/nsq-$NSQ_VERSION"

log() { echo "ensure-services: $*" >&2; }

ensure_redis() {
  if ! command -v redis-server >/dev/null 2>&1; then
    log "installing redis-server from Debian's packages"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server) >&2
  fi
  command -v redis-server
}

ensure_go() {
  if command -v go >/dev/null 2>&1; then return; fi
  if [ -x /usr/local/go/bin/go ]; then export PATH="/usr/local/go/bin:$PATH"; return; fi
  log "installing Go from Debian's packages"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-go) >&2
}

# Builds nsqd (and nsqlookupd) in a throw-away wrapper module. nsq's own go.mod carries replace
# directives (github.com/judwhite/go-svc); a module required from outside does not inherit them,
# so they are copied into the wrapper.
build_nsq() {
  ensure_go
  local work
  work="$(mktemp -d)"
  log "building nsqd $NSQ_VERSION into $NSQ_DIR (once per machine)"
  (
    cd "$work"
    go mod init hotconf-nsq-build >/dev/null 2>&1
    local nsq_gomod
    nsq_gomod="$(go mod download -json "github.com/nsqio/nsq@$NSQ_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",*$/\1/p')"
    go mod edit -require="github.com/nsqio/nsq@$NSQ_VERSION"
    grep -E '^replace ' "$nsq_gomod" | sed 's/^replace //' | while read -r from _arrow to version; do
      go mod edit -replace="$from=$to@$version"
    done
    go get "github.com/nsqio/nsq/apps/nsqd@$NSQ_VERSION" "github.com/nsqio/nsq/apps/nsqlookupd@$NSQ_VERSION" >&2
    mkdir -p "$NSQ_DIR.tmp"
    go build -o "$NSQ_DIR.tmp/" github.com/nsqio/nsq/apps/nsqd github.com/nsqio/nsq/apps/nsqlookupd >&2
  )
  rm -rf "$work" "$NSQ_DIR"
  mv "$NSQ_DIR.tmp" "$NSQ_DIR"
}

ensure_nsqd() {
  if [ -n "${NSQD_BIN:-}" ] && [ -x "$NSQD_BIN" ]; then echo "$NSQD_BIN"; return; fi
  if [ ! -x "$NSQ_DIR/nsqd" ]; then build_nsq; fi
  echo "$NSQ_DIR/nsqd"
}

echo "redis-server=$(ensure_redis)"
nsqd_path="$(ensure_nsqd)"
echo "nsqd=$nsqd_path"
echo "nsqlookupd=$(dirname "$nsqd_path")/nsqlookupd"
