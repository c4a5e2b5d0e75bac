#!/usr/bin/env bash
# The installed package works for a project outside this tree: `cmake --install` into a fresh
# prefix, then build and run a small program against it twice, once through the CMake package
# (find_package(synack) + synack::synack) and once through pkg-config (synack.pc).
set -euo pipefail
: "${SYNACK_SOURCE_DIR:?source tree}" "${SYNACK_BINARY_DIR:?configured and built build tree}"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
cache_value() {  # name: a value from the build tree's CMakeCache.txt
  sed -n "s/^$1:[A-Z]*=//p" "$SYNACK_BINARY_DIR/CMakeCache.txt"
}

prefix=$tmp/prefix
cmake --install "$SYNACK_BINARY_DIR" --prefix "$prefix" >"$tmp/install.log" \
  || { cat "$tmp/install.log" >&2; fail "cmake --install failed"; }

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
// Uses a header-only type, compiled library code and a full Stack, so both the include path and
// the static library with its dependencies (fmt, libsodium, libpcap) are exercised.
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
find_package(synack $version EXACT REQUIRED)
if(NOT synack_DIR MATCHES "^$prefix/")
  message(FATAL_ERROR "found synack at \${synack_DIR}, not in the test prefix")
endif()
add_executable(consumer main.cpp)
target_link_libraries(consumer PRIVATE synack::synack)
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

# ---- through pkg-config ----
pc_file=$(find "$prefix" -name synack.pc -print -quit)
[[ -n $pc_file ]] || fail "synack.pc was not installed"
export PKG_CONFIG_PATH=${pc_file%/*}
[[ $(pkg-config --modversion synack) == "$version" ]] || fail "pkg-config reports another version"
read -r -a pc_flags <<<"$(pkg-config --cflags --libs synack)"
[[ " ${pc_flags[*]} " == *" -I$prefix/"* ]] || fail "pkg-config --cflags does not point into the prefix: ${pc_flags[*]}"
"$cxx" "${extra_flags[@]}" -O1 "$tmp/consumer/main.cpp" -o "$tmp/consumer_pc" "${pc_flags[@]}" \
  || fail "compiling the consumer with pkg-config flags failed: ${pc_flags[*]}"
[[ $("$tmp/consumer_pc") == "consumer ok" ]] || fail "the pkg-config-built consumer failed"

echo "install_consumer: ok"
