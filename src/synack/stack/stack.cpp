#include "synack/stack/stack.hpp"

namespace synack {

Stack::Stack(const StackConfig& config)
    : host_(config.host), tcp_(host_, config.tcp, config.secrets) {
  host_.set_tcp_handler(&tcp_);
}

}  // namespace synack
