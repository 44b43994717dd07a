# Sourced by the scripts in scripts/: makes sure this checkout has what it needs to run —
# the Node named in .node-version (brought from the npm registry when the machine's node is not it),
# the npm packages, and redis-server (from apt when missing) — then returns with PATH set up. Other Debian
# packages a script needs (chromium for the tests) come through vo_ensure_apt_package the same way.
# Progress goes to stderr so that stdout stays clean for machine-readable output.
#
# .node-version at the repository root is the one place that names the Node version: to move to
# another, change that line; the next run brings that Node and reinstalls the npm packages.

VO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

vo_say() { printf 'vaultover: %s\n' "$*" >&2; }

# The exact version in .node-version (MAJOR.MINOR.PATCH; a leading "v" is allowed).
vo_pinned_node() {
  local file="$VO_ROOT/.node-version" version
  version="$(tr -d ' \t\r\n' <"$file" 2>/dev/null)"
  version="${version#v}"
  if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
    vo_say "$file must hold one exact Node version, MAJOR.MINOR.PATCH (found '${version:-nothing}'). Fix it and run again."
    exit 1
  fi
  printf '%s\n' "$version"
}

vo_node_version() { node -p 'process.versions.node' 2>/dev/null || echo none; }

# Puts the pinned Node first on PATH, bringing it from the npm registry into .tools/ when missing.
# With "same-major", the machine's node will do when its major is at least the pinned one's.
vo_ensure_node() {
  local policy="${1:-exact}" pinned current os arch pkg dir
  pinned="$(vo_pinned_node)" || exit 1
  current="$(vo_node_version)"
  if [ "$current" = "$pinned" ]; then return; fi
  if [ "$policy" = same-major ] && [ "$current" != none ] && [ "${current%%.*}" -ge "${pinned%%.*}" ]; then return; fi
  if ! command -v npm >/dev/null 2>&1; then
    vo_say "npm is missing, and it is needed to bring Node $pinned. Install Node.js and npm first (Debian/Ubuntu: apt-get install -y nodejs npm)."
    exit 1
  fi
  case "$(uname -s)" in Linux) os=linux ;; Darwin) os=darwin ;; *) os=unsupported ;; esac
  case "$(uname -m)" in x86_64 | amd64) arch=x64 ;; aarch64 | arm64) arch=arm64 ;; *) arch=unsupported ;; esac
  pkg="node-$os-$arch"
  dir="$VO_ROOT/.tools/node-$pinned"
  if [ ! -x "$dir/node_modules/$pkg/bin/node" ]; then
    vo_say "this machine has Node $current; bringing Node $pinned ($pkg) from the npm registry…"
    mkdir -p "$dir"
    if ! npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
      "$pkg@$pinned" >&2; then
      vo_say "could not install $pkg@$pinned from the npm registry. Check that the version in .node-version is published"
      vo_say "(npm view $pkg versions), or install Node $pinned yourself (https://nodejs.org) and run again."
      exit 1
    fi
  fi
  export PATH="$dir/node_modules/$pkg/bin:$PATH"
  # Native addons must build against the headers of the Node that will load them.
  export npm_config_nodedir="$dir/node_modules/$pkg"
  if [ "$(vo_node_version)" != "$pinned" ]; then
    vo_say "$dir holds Node $(vo_node_version), not $pinned. Delete that folder and run again."
    exit 1
  fi
}

# One line on the Node in use: version, OpenSSL, and where it comes from.
vo_describe_node() {
  local path
  path="$(command -v node)"
  VO_NODE_PATH="${path#"$VO_ROOT/"}" \
    node -p '`node ${process.version} (openssl ${process.versions.openssl}) from ${process.env.VO_NODE_PATH}`'
}

# Reinstalls the npm packages when the lock file changed, or when they were installed by another Node:
# native addons are built for one Node. The stamp records which one ran `npm ci`
# ("<version> <ABI> <platform>-<arch>"). The exact policy wants that very version; same-major is
# content with the same addon ABI, so that switching between the machine's node and the pinned one
# does not reinstall every time.
vo_ensure_packages() {
  local policy="${1:-exact}" lock="$VO_ROOT/node_modules/.package-lock.json"
  local stamp="$VO_ROOT/node_modules/.vaultover-node" now recorded=""
  now="$(node -p 'process.versions.node + " " + process.versions.modules + " " + process.platform + "-" + process.arch')"
  [ -f "$stamp" ] && recorded="$(cat "$stamp")"
  if [ -f "$lock" ] && [ ! "$VO_ROOT/package-lock.json" -nt "$lock" ]; then
    if [ "$recorded" = "$now" ]; then return; fi
    if [ "$policy" = same-major ] && [ -n "$recorded" ] && [ "${recorded#* }" = "${now#* }" ]; then return; fi
    local was="an unrecorded Node"
    [ -n "$recorded" ] && was="Node ${recorded%% *}"
    vo_say "the npm packages were installed by $was; reinstalling them for Node ${now%% *}…"
  else
    vo_say "installing npm packages (first run takes about a minute)…"
  fi
  if ! (cd "$VO_ROOT" && npm ci --no-audit --no-fund --loglevel=error >&2); then
    vo_say "npm ci failed (output above). Fix what it names (or delete node_modules) and run again."
    exit 1
  fi
  printf '%s\n' "$now" >"$stamp"
}

# True when <command> can be run: an absolute path that is executable, or a name found on PATH.
vo_has_command() {
  case "$1" in
  /*) [ -x "$1" ] ;;
  *) command -v "$1" >/dev/null 2>&1 ;;
  esac
}

# Makes sure <command> is on the machine, installing the Debian package that has it from apt when it is
# missing, so that nothing installed by hand is taken for granted (a clean CI machine has none of it):
#   vo_ensure_apt_package <command> <debian-package> <what it is for, and its size> [hint off Debian]
# <command> is a name looked up on PATH or an absolute path. Without root (or a sudo that asks for no
# password), or without apt-get, it says what to install and stops.
vo_ensure_apt_package() {
  local command="$1" package="$2" why="$3" elsewhere="${4:-}"
  if vo_has_command "$command"; then return; fi
  if ! command -v apt-get >/dev/null 2>&1; then
    vo_say "$command is missing ($why), and there is no apt-get here to install the Debian package $package."
    vo_say "${elsewhere:-Install it with your package manager}, then run again."
    exit 1
  fi
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo="sudo"
    else
      vo_say "$command is missing ($why) and I cannot install it without root."
      vo_say "Install it with \`sudo apt-get install -y $package\`, then run again."
      exit 1
    fi
  fi
  vo_say "$command is missing; installing $package from apt ($why)…"
  local log
  log="$(mktemp)"
  if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$package"; } >"$log" 2>&1; then
    cat "$log" >&2
    vo_say "apt-get could not install $package (log above). Install it yourself and run again."
    exit 1
  fi
  rm -f "$log"
  if ! vo_has_command "$command"; then
    vo_say "apt-get installed $package, but there is still no $command. Install it yourself and run again."
    exit 1
  fi
}

vo_ensure_redis() {
  vo_ensure_apt_package redis-server redis-server 'Redis for the regions; about 10 s' \
    'macOS: brew install redis; elsewhere: Redis 7 or newer from your package manager'
}

# The browser the tests open report.html in, through playwright-core, which never downloads one: the
# test looks for it at this path (test/support/report-browser.ts).
vo_ensure_chromium() {
  vo_ensure_apt_package /usr/bin/chromium chromium \
    'the browser the tests open report.html in; an 80 MB download, a minute or two' \
    'Off Debian: put a Chromium at /usr/bin/chromium'
}

# What `vaultover up --prometheus` runs: Prometheus (with promtool, which the rule tests use) and an
# exporter per Redis.
vo_ensure_prometheus() {
  vo_ensure_apt_package prometheus prometheus 'the Prometheus `vaultover up --prometheus` runs; about 11 s' \
    'macOS: brew install prometheus'
  vo_ensure_apt_package prometheus-redis-exporter prometheus-redis-exporter \
    'one Prometheus exporter per Redis; a few seconds' 'macOS: brew install redis_exporter'
}

# `ip` and `tc` for the tests of test/netns, which make network namespaces as root (CI runs as root);
# without root those tests are skipped, saying why, so nothing is installed then.
vo_ensure_netns_tools() {
  [ "$(id -u)" -eq 0 ] || return 0
  vo_ensure_apt_package ip iproute2 'ip and tc, for the network-namespace tests; a few seconds'
}

# Everything a script needs: Node, packages, Redis. `vo_setup` wants exactly the Node in
# .node-version (tests and CI); `vo_setup same-major` also takes the machine's node when its major is
# at least the pinned one's (demo, CLI, benchmarks).
vo_setup() {
  local policy="${1:-exact}"
  case "$policy" in exact | same-major) ;; *)
    vo_say "vo_setup: unknown Node policy '$policy' (exact or same-major)"
    exit 1
    ;;
  esac
  vo_ensure_node "$policy"
  vo_ensure_packages "$policy"
  vo_ensure_redis
  export PATH="$VO_ROOT/node_modules/.bin:$PATH"
  cd "$VO_ROOT"
}
