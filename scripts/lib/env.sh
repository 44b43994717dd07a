# Sourced by the scripts in scripts/: makes sure this checkout has what it needs to run —
# Node 24 (brought from the npm registry when the machine's node is older), the npm packages,
# and redis-server (from apt when missing) — then returns with PATH set up.
# Progress goes to stderr so that stdout stays clean for machine-readable output.

VO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VO_NODE_MAJOR=24

vo_say() { printf 'vaultover: %s\n' "$*" >&2; }

vo_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

vo_ensure_node() {
  if ! command -v npm >/dev/null 2>&1; then
    vo_say "npm is missing. Install Node.js and npm first (Debian/Ubuntu: apt-get install -y nodejs npm)."
    exit 1
  fi
  if [ "$(vo_node_major)" -ge "$VO_NODE_MAJOR" ]; then return; fi
  local os arch pkg dir
  case "$(uname -s)" in Linux) os=linux ;; Darwin) os=darwin ;; *) os=unsupported ;; esac
  case "$(uname -m)" in x86_64 | amd64) arch=x64 ;; aarch64 | arm64) arch=arm64 ;; *) arch=unsupported ;; esac
  pkg="node-$os-$arch"
  dir="$VO_ROOT/.tools/node$VO_NODE_MAJOR"
  if [ ! -x "$dir/node_modules/$pkg/bin/node" ]; then
    vo_say "this machine has Node $(node -v 2>/dev/null || echo none); bringing Node $VO_NODE_MAJOR ($pkg) from the npm registry…"
    mkdir -p "$dir"
    if ! npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
      "$pkg@$VO_NODE_MAJOR" >&2; then
      vo_say "could not install $pkg@$VO_NODE_MAJOR. Install Node $VO_NODE_MAJOR yourself (https://nodejs.org) and run again."
      exit 1
    fi
  fi
  export PATH="$dir/node_modules/$pkg/bin:$PATH"
  # Native addons must build against the headers of the Node that will load them.
  export npm_config_nodedir="$dir/node_modules/$pkg"
}

vo_ensure_packages() {
  local stamp="$VO_ROOT/node_modules/.package-lock.json"
  if [ -f "$stamp" ] && [ ! "$VO_ROOT/package-lock.json" -nt "$stamp" ]; then return; fi
  vo_say "installing npm packages (first run takes about a minute)…"
  (cd "$VO_ROOT" && npm ci --no-audit --no-fund --loglevel=error >&2)
}

vo_ensure_redis() {
  if command -v redis-server >/dev/null 2>&1; then return; fi
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo="sudo"
    else
      vo_say "redis-server is missing and I cannot install it without root."
      vo_say "Install it with: sudo apt-get install -y redis-server   (macOS: brew install redis)"
      exit 1
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    vo_say "redis-server is missing. Install Redis 7 or newer with your package manager and run again."
    exit 1
  fi
  vo_say "installing redis-server from apt (about 10 s)…"
  local log
  log="$(mktemp)"
  if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server; } >"$log" 2>&1; then
    cat "$log" >&2
    vo_say "apt-get could not install redis-server (log above). Install it yourself and run again."
    exit 1
  fi
  rm -f "$log"
}

# Everything a script needs: Node, packages, Redis.
vo_setup() {
  vo_ensure_node
  vo_ensure_packages
  vo_ensure_redis
  export PATH="$VO_ROOT/node_modules/.bin:$PATH"
  cd "$VO_ROOT"
}
