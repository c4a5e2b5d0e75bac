#!/usr/bin/env bash
# The installed package works for a project outside this tree. The core component alone
# (`cmake --install --component core`) goes into a fresh prefix; a small program is built and run
# against it twice, once through the CMake package (find_package(synack COMPONENTS core) +
# synack::core) and once through pkg-config (synack-core.pc), and neither link may need anything
# but the C++ standard library: no libsodium, libpcap or fmt on the link line, in ldd's list or
# among the library's undefined symbols. Then the full install must resolve the components that
# do need outside libraries (scenario, pcap_reader) through both routes.
set -euo pipefail
: "${SYNACK_SOURCE_DIR:?source tree}" "${SYNACK_BINARY_DIR:?configured and built build tree}"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
cache_value() {  # name: a value from the build tree's CMakeCache.txt
  sed -n "s/^$1:[A-Z]*=//p" "$SYNACK_BINARY_DIR/CMakeCache.txt"
}

prefix=$tmp/prefix
cmake --install "$SYNACK_BINARY_DIR" --prefix "$prefix" --component core >"$tmp/install.log" \
  || { cat "$tmp/install.log" >&2; fail "cmake --install --component core failed"; }
[[ -z $(find "$prefix" -name 'libsynack_*.a' ! -name libsynack_core.a) ]] \
  || fail "the core component installed other libraries: $(find "$prefix" -name 'libsynack_*.a')"
core_lib=$(find "$prefix" -name libsynack_core.a -print -quit)
[[ -n $core_lib ]] || fail "libsynack_core.a was not installed"
outside='sodium|pcap|fmt'
if nm -u -C "$core_lib" | grep -Ei "($outside)" >"$tmp/undefined.txt"; then
  fail "libsynack_core.a needs outside symbols: $(head -5 "$tmp/undefined.txt")"
fi

version=$(sed -nE 's/^project\(synack VERSION ([0-9.]+).*/\1/p' "$SYNACK_SOURCE_DIR/CMakeLists.txt")
[[ -n $version ]] || fail "cannot read the project version from CMakeLists.txt"

# Build the consumer with the compiler and sanitizer flags the library was built with, so a
# clang or sanitizer build tree is tested like a g++ one.
cxx=$(cache_value CMAKE_CXX_COMPILER)
cxx=${cxx:-g++}
extra_flags=()
if [[ $(cache_value SYNACK_SANITIZE) == ON ]]; then
  extra_flags=(-fsanitize=address,undefined -fno-omit-frame-pointer)
fi

mkdir -p "$tmp/consumer"
cat >"$tmp/consumer/main.cpp" <<'CPP'
// Uses a header-only type, compiled library code and a full Stack (whose TCP keys come from
// getrandom(2) and whose hashes are SipHash-2-4), so both the include path and the static library
// are exercised.
#include <cstdio>
#include <synack/core/seq_num.hpp>
#include <synack/stack/stack.hpp>
#include <synack/wire/address.hpp>

int main() {
  int failures = 0;
  auto check = [&](bool ok, const char* what) {
    if (!ok) {
      std::fprintf(stderr, "consumer check failed: %s\n", what);
      ++failures;
    }
  };
  // Sequence numbers compare modulo 2^32 (RFC 9293 section 3.4).
  const synack::SeqNum near_wrap{0xfffffff0u};
  check(near_wrap + 0x20u > near_wrap, "SeqNum wraps");
  check((near_wrap + 0x20u).raw() == 0x10u, "SeqNum raw after wrap");

  const auto address = synack::Ipv4Address::parse("198.18.0.1");
  check(address.has_value(), "Ipv4Address::parse");
  if (!address) return 1;
  const synack::IpAddress ip = synack::IpAddress::v4(*address);
  check(ip.to_string() == "198.18.0.1", "IpAddress::to_string");

  synack::Stack stack;
  synack::InterfaceConfig interface;
  interface.mac = synack::MacAddress{{0x02, 0, 0, 0, 0, 0x01}};
  interface.address = *address;
  interface.prefix_length = 24;
  check(stack.add_interface(interface) == 0, "first interface is index 0");
  check(stack.host().is_local_address(ip), "own address is local");
  const auto peer = synack::IpAddress::v4(*synack::Ipv4Address::parse("198.18.0.2"));
  const auto source = stack.host().source_address_for(peer);
  check(source && *source == ip, "source address for an on-link peer");

  if (failures == 0) std::puts("consumer ok");
  return failures == 0 ? 0 : 1;
}
CPP
cat >"$tmp/consumer/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.25)
project(synack_consumer LANGUAGES CXX)
find_package(synack $version EXACT REQUIRED COMPONENTS core)
if(NOT synack_DIR MATCHES "^$prefix/")
  message(FATAL_ERROR "found synack at \${synack_DIR}, not in the test prefix")
endif()
add_executable(consumer main.cpp)
target_link_libraries(consumer PRIVATE synack::core)
CMAKE

# ---- through the CMake package ----
cxxflags="${extra_flags[*]:-}"
cmake -S "$tmp/consumer" -B "$tmp/consumer/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_CXX_FLAGS="$cxxflags" \
  -DCMAKE_EXE_LINKER_FLAGS="$cxxflags" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF >"$tmp/configure.log" 2>&1 \
  || { cat "$tmp/configure.log" >&2; fail "configuring the consumer with find_package failed"; }
cmake --build "$tmp/consumer/build" -j2 >"$tmp/build.log" 2>&1 \
  || { cat "$tmp/build.log" >&2; fail "building the consumer with find_package failed"; }
[[ $("$tmp/consumer/build/consumer") == "consumer ok" ]] || fail "the CMake-built consumer failed"

# Nothing outside the C++ standard library on a link line or among a binary's libraries.
check_standalone() {  # what, link command, binary
  if grep -Eq -- "-l($outside)|lib($outside)[^ ]*\.(a|so)" <<<"$2"; then
    fail "$1 links an outside library: $2"
  fi
  if ldd "$3" | grep -Ei "lib($outside)" >"$tmp/ldd.txt"; then
    fail "$1 loads an outside library: $(cat "$tmp/ldd.txt")"
  fi
}
link_line=$(ninja -C "$tmp/consumer/build" -t commands consumer | tail -1)
[[ $link_line == *libsynack_core.a* ]] || fail "the consumer's link line has no libsynack_core.a: $link_line"
check_standalone "the CMake-built consumer" "$link_line" "$tmp/consumer/build/consumer"

# ---- through pkg-config ----
pc_file=$(find "$prefix" -name synack-core.pc -print -quit)
[[ -n $pc_file ]] || fail "synack-core.pc was not installed"
export PKG_CONFIG_PATH=${pc_file%/*}
[[ $(pkg-config --modversion synack-core) == "$version" ]] || fail "pkg-config reports another version"
[[ -z $(pkg-config --print-requires synack-core) ]] || fail "synack-core.pc requires other modules"
read -r -a pc_flags <<<"$(pkg-config --cflags --libs synack-core)"
[[ " ${pc_flags[*]} " == *" -I$prefix/"* ]] || fail "pkg-config --cflags does not point into the prefix: ${pc_flags[*]}"
"$cxx" "${extra_flags[@]}" -O1 "$tmp/consumer/main.cpp" -o "$tmp/consumer_pc" "${pc_flags[@]}" \
  || fail "compiling the consumer with pkg-config flags failed: ${pc_flags[*]}"
[[ $("$tmp/consumer_pc") == "consumer ok" ]] || fail "the pkg-config-built consumer failed"
check_standalone "the pkg-config-built consumer" "${pc_flags[*]}" "$tmp/consumer_pc"

# ---- the full install: components with outside dependencies resolve them ----
full=$tmp/full
cmake --install "$SYNACK_BINARY_DIR" --prefix "$full" >"$tmp/install-full.log" \
  || { cat "$tmp/install-full.log" >&2; fail "cmake --install failed"; }
mkdir -p "$tmp/full_consumer"
cat >"$tmp/full_consumer/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.25)
project(synack_full_consumer LANGUAGES CXX)
find_package(synack $version EXACT REQUIRED COMPONENTS scenario pcap_reader)
foreach(target synack::core synack::sim synack::viz synack::scenario synack::pcap_reader)
  if(NOT TARGET \${target})
    message(FATAL_ERROR "find_package(synack COMPONENTS scenario pcap_reader) made no \${target}")
  endif()
endforeach()
CMAKE
cmake -S "$tmp/full_consumer" -B "$tmp/full_consumer/build" -G Ninja -DCMAKE_PREFIX_PATH="$full" \
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF >"$tmp/configure-full.log" 2>&1 \
  || { cat "$tmp/configure-full.log" >&2; fail "find_package(synack COMPONENTS scenario pcap_reader) failed"; }
full_pc_file=$full/${pc_file#"$prefix"/}
export PKG_CONFIG_PATH=${full_pc_file%/*}
scenario_libs=$(pkg-config --libs synack-scenario) || fail "pkg-config cannot resolve synack-scenario"
for lib in -lsynack_scenario -lsynack_viz -lsynack_sim -lsynack_core -lsodium -lfmt; do
  [[ " $scenario_libs " == *" $lib "* ]] || fail "pkg-config --libs synack-scenario lacks $lib: $scenario_libs"
done

echo "install_consumer: ok"
