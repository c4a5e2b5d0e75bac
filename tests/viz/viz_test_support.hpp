#pragma once
// Shared helpers for the ladder tests: a hand-built handshake ladder and small file utilities.
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "synack/viz/ladder.hpp"

namespace synack::viz::testing {

// The RFC 9293 section 3.5 figure 6 handshake with 10 ms one-way delay; the third segment lost.
inline Ladder handshake_ladder(bool lose_third = false) {
  Ladder l;
  l.left_name = "client 198.18.0.1:40000";
  l.right_name = "server 198.18.0.2:80";
  l.states.push_back({from_micros(0), Side::left, "SYN_SENT"});
  l.arrows.push_back({from_micros(0), from_micros(10'000), Side::left,
                      "SYN seq=1000 win=65535 [mss 1460,ws 7,ts]", false, "", std::nullopt});
  l.states.push_back({from_micros(10'000), Side::right, "SYN_RECEIVED"});
  l.arrows.push_back({from_micros(10'000), from_micros(20'000), Side::right,
                      "SYN,ACK seq=5000 ack=1001 win=65535", false, "", std::nullopt});
  l.states.push_back({from_micros(20'000), Side::left, "ESTABLISHED"});
  if (lose_third) {
    l.arrows.push_back({from_micros(20'000), std::nullopt, Side::left, "ACK seq=1001 ack=5001",
                        false, "lost", std::nullopt});
  } else {
    l.arrows.push_back({from_micros(20'000), from_micros(30'000), Side::left,
                        "ACK seq=1001 ack=5001", false, "", std::nullopt});
    l.states.push_back({from_micros(30'000), Side::right, "ESTABLISHED"});
  }
  return l;
}

inline std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

inline std::string temp_path(const std::string& name) {
  return std::string(SYNACK_BINARY_DIR) + "/viz_test_" + name;
}

inline void write_file(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace synack::viz::testing
