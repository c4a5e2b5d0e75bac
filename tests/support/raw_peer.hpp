#pragma once
// Tests script misbehaving peers with the scenario library's ScriptedPeer: it sends exactly the
// segments a test builds (any source address, flags and numbers) and records what it receives.
#include "synack/scenario/scripted_peer.hpp"

namespace synack::testing {

using RawPeer = scenario::ScriptedPeer;
using scenario::make_header;
using scenario::RawSegment;

}  // namespace synack::testing
