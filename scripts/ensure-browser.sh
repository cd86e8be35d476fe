#!/usr/bin/env bash
# Makes /usr/bin/chromium available for the dashboard's browser tests (Playwright drives it through
# playwright-core, which downloads no browser of its own). Idempotent: installs Debian's chromium only
# when it is missing. Prints chromium=PATH.
set -euo pipefail

if [ ! -x /usr/bin/chromium ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends chromium
fi
echo "chromium=/usr/bin/chromium"
