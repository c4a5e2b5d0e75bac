#!/usr/bin/env bash
# Installs the Debian packages synack needs, and only those that are missing,
# so running it again is cheap. Needs root (or sudo) on Debian 12.
# The explorer page (web/) adds emscripten and chromium from Debian and playwright-core from npm
# (web/package-lock.json, into web/node_modules; no browser download: the tests use chromium).
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/.." && pwd)

packages=(
  build-essential cmake ninja-build pkg-config g++ clang-14 libclang-rt-14-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libsodium-dev libpcap-dev libcli11-dev libfmt-dev nlohmann-json3-dev
  tshark tcpdump librsvg2-bin libxml2-utils iproute2 iputils-ping curl python3
  emscripten chromium
  fonts-wqy-microhei  # CJK glyphs for the page's Chinese in headless chromium (make screenshots)
  hping3 nmap python3-scapy bc  # the attack tests in tests/interop; bc for their timings
)
# Node.js and npm for emscripten's tools and the browser tests, unless a node is there already
# (a NodeSource node carries its own npm, which Debian's npm package would conflict with).
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)

# playwright-core for the explorer's browser tests, as web/package-lock.json pins it.
install_npm_packages() {
  if [[ ! -f "$source_dir/web/node_modules/playwright-core/package.json" ]]; then
    echo "install-deps: npm ci in web/ (playwright-core)"
    (cd "$source_dir/web" && npm ci --no-audit --no-fund)
  fi
}

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  install_npm_packages
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
[[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer once, non-interactively.
echo "wireshark-common wireshark-common/install-setuid boolean false" | "${sudo_cmd[@]}" debconf-set-selections
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
install_npm_packages
