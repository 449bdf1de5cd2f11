#!/usr/bin/env bash
# Offline-friendly install of code-server 4.100.3 (VS Code 1.100.3) on Debian 12 / Node 20, used by
# `npm start` (when desktop `code` is not on PATH) and by the end-to-end suite (`npm run test:e2e`).
# Only the npm registry and Debian apt are needed; no GitHub downloads.
#
# Usage: scripts/install-code-server.sh [DEST]
#   DEST defaults to $AGENTGRAPH_CODE_SERVER_DIR or ~/.cache/agentgraph/code-server (outside the repo).
#   Binary: DEST/node_modules/.bin/code-server. A finished install leaves DEST/.installed-4.100.3 and
#   is reused; delete DEST to reinstall.
#
# Why by hand: `npm install code-server` runs a postinstall that does a nested `npm install` whose
# @vscode/ripgrep step downloads from GitHub. We install with --ignore-scripts and do the
# postinstall's work ourselves, taking ripgrep from Debian.
set -euo pipefail
VERSION=4.100.3
DEST=${1:-${AGENTGRAPH_CODE_SERVER_DIR:-$HOME/.cache/agentgraph/code-server}}
MARKER="$DEST/.installed-$VERSION"
if [ -f "$MARKER" ] && [ -x "$DEST/node_modules/.bin/code-server" ]; then
  echo "code-server $VERSION already installed in $DEST"
  exit 0
fi
export npm_config_yes=true          # node-pty's postinstall runs `npx node-gyp ...`; ~/.npmrc may say yes=false
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

# 0. system packages (g++/make/python3 for node-gyp; krb5 headers for kerberos; rg replaces @vscode/ripgrep's download)
if ! command -v rg >/dev/null || ! dpkg -s libkrb5-dev >/dev/null 2>&1 || ! command -v g++ >/dev/null; then
  if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq build-essential python3 libkrb5-dev ripgrep
fi

mkdir -p "$DEST"; cd "$DEST"
DEST=$(pwd)
[ -f package.json ] || echo '{"name":"code-server-host","private":true}' > package.json

echo "Installing code-server $VERSION into $DEST (about 2 minutes)…"
# 1. code-server itself, without its postinstall (which would run a nested npm install that hits GitHub)
npm install --ignore-scripts --no-save "code-server@$VERSION"
# argon2 is require()d at startup (password hashing); node-pre-gyp download fails fast, then builds from source
npm rebuild argon2

# 2. what code-server's postinstall.sh does, by hand
cd node_modules/code-server/lib/vscode
npm install --ignore-scripts --omit=dev                      # uses lib/vscode/npm-shrinkwrap.json
mkdir -p node_modules/@vscode/ripgrep/bin
cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg    # instead of the GitHub download
npm rebuild kerberos native-watchdog node-pty @vscode/spdlog @vscode/deviceid   # node-gyp builds
ln -sfn node_modules node_modules.asar
(cd bin/remote-cli && ln -sfn code-linux.sh code-server)
(cd bin/helpers && ln -sfn browser-linux.sh browser.sh)
(cd extensions && npm install --omit=dev)                    # typescript for built-in TS/JS features

# 3. smoke check: all native modules load
node -e 'for (const m of ["node-pty","@vscode/spdlog","native-watchdog","kerberos","@parcel/watcher","@vscode/deviceid"]) require(require.resolve(m,{paths:[process.cwd()]}));' \
  && echo "native modules OK"
printf "auth: none\ncert: false\n" > "$DEST/config.yaml"   # keeps code-server from writing ~/.config/code-server
# XDG_* keep code-server (coder-logs, ps/procps) from writing under ~/.local, ~/.config
XDG_CONFIG_HOME="$DEST/.xdg/config" XDG_DATA_HOME="$DEST/.xdg/data" XDG_CACHE_HOME="$DEST/.xdg/cache" \
  "$DEST/node_modules/.bin/code-server" --config "$DEST/config.yaml" --version
touch "$MARKER"
echo "code-server $VERSION installed in $DEST"
