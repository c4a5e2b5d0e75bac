#pragma once
// Moving text through a testbed connection's sockets.
#include <string>
#include <string_view>

#include "synack/stack/tcp_layer.hpp"

namespace synack::testbed {

// The bytes of `s` (a view: `s` must outlive the result).
Bytes text(std::string_view s);
// Appends whatever `tcp` has to read on `s` into `into`; returns false at end of stream.
bool drain(TcpLayer& tcp, SocketId s, std::string& into);

}  // namespace synack::testbed
