#pragma once
// The run functions behind the catalog, one per scenario, grouped by file:
// handshake_scenarios.cpp, handshake_variants.cpp, isn_scenario.cpp, queue_scenarios.cpp,
// close_scenarios.cpp, why_2msl.cpp.
#include "synack/scenario/scenario.hpp"

namespace synack::scenario {

ScenarioResult run_handshake(const ScenarioOptions& o);
ScenarioResult run_two_way_handshake(const ScenarioOptions& o);
ScenarioResult run_four_way_handshake(const ScenarioOptions& o);
ScenarioResult run_lost_syn(const ScenarioOptions& o);
ScenarioResult run_lost_synack(const ScenarioOptions& o);
ScenarioResult run_lost_ack(const ScenarioOptions& o);
ScenarioResult run_data_on_third_ack(const ScenarioOptions& o);
ScenarioResult run_data_on_syn(const ScenarioOptions& o);
ScenarioResult run_isn(const ScenarioOptions& o);
ScenarioResult run_half_open_queue(const ScenarioOptions& o);
ScenarioResult run_syn_flood(const ScenarioOptions& o);
ScenarioResult run_four_way_close(const ScenarioOptions& o);
ScenarioResult run_half_close(const ScenarioOptions& o);
ScenarioResult run_lost_final_ack(const ScenarioOptions& o);
ScenarioResult run_why_2msl(const ScenarioOptions& o);
ScenarioResult run_simultaneous_open(const ScenarioOptions& o);
ScenarioResult run_simultaneous_close(const ScenarioOptions& o);
ScenarioResult run_retransmission_backoff(const ScenarioOptions& o);

}  // namespace synack::scenario
