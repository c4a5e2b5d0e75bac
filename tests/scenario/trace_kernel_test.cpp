// `synack trace` on traffic captured from the Linux kernel
// (tests/data/linux_kernel_connection.pcap: python3 sockets over lo in a private network namespace,
// 198.18.5.1:40100 -> :8080, tcpdump -w) shows the handshake and the four-way close with the states
// inferred from the segments.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <memory>
#include <string>

namespace {

std::string run(const std::string& command, int* status) {
  std::string out;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  std::array<char, 4096> buf{};
  while (pipe && fgets(buf.data(), buf.size(), pipe.get()) != nullptr) out += buf.data();
  *status = pclose(pipe.release());
  return out;
}

const std::string kCapture = std::string(SYNACK_TEST_DATA_DIR) + "/linux_kernel_connection.pcap";

TEST(TraceKernelCapture, ShowsHandshakeAndCloseWithInferredStates) {
  int status = -1;
  const std::string out = run(std::string(SYNACK_CLI_PATH) + " trace '" + kCapture + "'", &status);
  EXPECT_EQ(status, 0);
  EXPECT_NE(out.find("== connection 1: client 198.18.5.1:40100 <-> server 198.18.5.1:8080"),
            std::string::npos)
      << out;
  // The one connection: handshake, data, and the close, each line with its inferred states.
  EXPECT_NE(out.find("SYN_SENT     |----SYN seq=0 win=65495"), std::string::npos) << out;
  EXPECT_NE(out.find("|<---SYN,ACK seq=0 ack=1"), std::string::npos) << out;
  EXPECT_NE(out.find("ESTABLISHED  |----ACK seq=1 ack=1 [ts]"), std::string::npos) << out;
  EXPECT_NE(out.find("FIN_WAIT_1   |----FIN,ACK seq=5 ack=10"), std::string::npos) << out;
  EXPECT_NE(out.find("FIN_WAIT_2   |<---"), std::string::npos) << out;
  EXPECT_NE(out.find("| CLOSE_WAIT"), std::string::npos) << out;
  EXPECT_NE(out.find("| LAST_ACK"), std::string::npos) << out;
  EXPECT_NE(out.find("TIME_WAIT    |----ACK seq=6 ack=11 [ts]"), std::string::npos) << out;
  EXPECT_NE(out.find("| CLOSED"), std::string::npos) << out;
  EXPECT_EQ(out.find("== connection 2"), std::string::npos);
}

TEST(TraceKernelCapture, WritesWellFormedSvgAndAbsoluteNumbers) {
  int status = -1;
  const std::string svg = std::string(SYNACK_BINARY_DIR) + "/trace_kernel.svg";
  const std::string out =
      run(std::string(SYNACK_CLI_PATH) + " trace --absolute --svg '" + svg + "' '" + kCapture + "'",
          &status);
  EXPECT_EQ(status, 0);
  EXPECT_EQ(out.find("SYN seq=0 "), std::string::npos);  // absolute: the real ISN
  EXPECT_EQ(std::system(("xmllint --noout '" + svg + "'").c_str()), 0);
}

TEST(TraceKernelCapture, MissingFileFails) {
  int status = -1;
  run(std::string(SYNACK_CLI_PATH) + " trace /nonexistent.pcap 2>/dev/null", &status);
  EXPECT_NE(status, 0);
}

}  // namespace
