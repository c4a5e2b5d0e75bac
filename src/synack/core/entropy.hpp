#pragma once
// Where the stack's secret keys come from when nobody supplies them: the operating system's
// CSPRNG. This file and entropy.cpp are the core's only contact with the platform. An embedder
// with another source (or a simulation that must repeat exactly) passes its keys in
// StackConfig::secrets instead, and this is never called.
#include <cstdint>
#include <span>

namespace synack {

// Fills `out` with bytes from the operating system's CSPRNG: getrandom(2) on Linux (blocking
// only until the kernel's pool is first seeded), getentropy(3) elsewhere (WebAssembly: the
// browser's crypto.getRandomValues). Returns 0, or the errno value of the failure.
int fill_with_os_entropy(std::span<std::uint8_t> out);

}  // namespace synack
