#include "explorer_api.hpp"

#include <cstdio>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "synack/scenario/scenario.hpp"
#include "synack/viz/svg_renderer.hpp"
#include "synack/viz/text_renderer.hpp"
#include "synack/wire/tcp.hpp"

namespace synack::explorer {
namespace {

using Json = nlohmann::ordered_json;

// Where the run's capture goes in the module's in-memory file system before it is read back.
constexpr const char* kPcapPath = "/tmp/synack-explorer.pcap";

std::string base64(const std::string& bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
    std::uint32_t v = 0;
    for (std::size_t k = 0; k < 3; ++k)
      v = (v << 8) | (k < n ? static_cast<std::uint8_t>(bytes[i + k]) : 0u);
    for (std::size_t k = 0; k < 4; ++k) out += k <= n ? kAlphabet[(v >> (18 - 6 * k)) & 0x3F] : '=';
  }
  return out;
}

std::string read_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

const char* side_name(viz::Side s) {
  return s == viz::Side::left ? "left" : "right";
}

Json arrow_json(const viz::Arrow& a) {
  Json j;
  j["from"] = side_name(a.from);
  j["sent_us"] = to_micros(a.sent);
  j["arrival_us"] = a.arrival ? Json(to_micros(*a.arrival)) : Json(nullptr);
  j["label"] = a.label;
  j["retransmission"] = a.retransmission;
  j["annotation"] = a.annotation;
  if (a.details) {
    const viz::SegmentDetails& d = *a.details;
    j["flags"] = tcp_flags_to_string(d.flags);
    j["seq"] = d.seq;
    j["ack"] = d.ack;
    j["seq_relative"] = d.seq_relative ? Json(*d.seq_relative) : Json(nullptr);
    j["ack_relative"] = d.ack_relative ? Json(*d.ack_relative) : Json(nullptr);
    j["length"] = d.length;
    j["window"] = d.window;
    j["options"] = d.options;
    j["wire_ordinal"] = d.wire_ordinal;
  }
  return j;
}

Json ladder_json(const viz::Ladder& l) {
  Json j;
  j["title"] = l.title;
  j["left_name"] = l.left_name;
  j["right_name"] = l.right_name;
  viz::SvgOptions svg;
  svg.interactive = true;
  j["svg"] = viz::render_svg(l, svg);
  viz::TextOptions text;
  text.colour = false;
  j["text"] = viz::render_text(l, text);
  j["arrows"] = Json::array();
  for (const viz::Arrow& a : l.arrows) j["arrows"].push_back(arrow_json(a));
  j["states"] = Json::array();
  for (const viz::StateMark& m : l.states)
    j["states"].push_back(
        {{"side", side_name(m.side)}, {"t_us", to_micros(m.time)}, {"state", m.state}});
  j["timers"] = Json::array();
  for (const viz::TimerMark& m : l.timers)
    j["timers"].push_back(
        {{"side", side_name(m.side)}, {"t_us", to_micros(m.time)}, {"text", m.text}});
  return j;
}

// The CLI command that repeats this run.
std::string command_line(const scenario::Scenario& s, const scenario::ScenarioOptions& o) {
  std::string c =
      "synack scenario run " + std::string(s.name) + " --seed " + std::to_string(o.seed);
  for (const auto& f : o.faults) c += " --fault " + scenario::to_string(f);
  for (const auto& k : scenario::to_strings(o.knobs)) c += " --set " + k;
  return c;
}

Json error(std::string message) {
  return Json{{"ok", false}, {"error", std::move(message)}};
}

Json run(const Json& request) {
  const std::string name = request.value("scenario", "");
  const scenario::Scenario* s = scenario::find_scenario(name);
  if (s == nullptr) return error("no scenario named '" + name + "'");
  scenario::ScenarioOptions o;
  o.seed = request.value("seed", std::uint64_t{1});
  for (const auto& text : request.value("faults", std::vector<std::string>{})) {
    auto fault = scenario::parse_fault(text);
    if (!fault) return error(fault.error());
    o.faults.push_back(*fault);
  }
  for (const auto& text : request.value("settings", std::vector<std::string>{})) {
    auto knobs = scenario::with_knob(o.knobs, text);
    if (!knobs) return error(knobs.error());
    o.knobs = *knobs;
  }
  const bool want_pcap = request.value("pcap", false);
  if (want_pcap) {
    std::remove(kPcapPath);
    o.pcap_path = kPcapPath;
  }
  const scenario::ScenarioResult r = s->run(o);
  Json j;
  j["ok"] = true;
  j["name"] = s->name;
  j["claim"] = s->claim;
  j["seed"] = o.seed;
  j["passed"] = r.passed();
  j["accepts_faults"] = r.accepts_faults;
  j["command"] = command_line(*s, o);
  j["checks"] = Json::array();
  for (const auto& c : r.checks)
    j["checks"].push_back({{"requirement", c.requirement}, {"held", c.held}});
  j["evidence"] = Json::array();
  for (const auto& e : r.evidence) j["evidence"].push_back({{"name", e.name}, {"value", e.value}});
  j["counters"] = Json::array();
  for (const auto& set : r.counters) {
    Json values = Json::object();
    for (const auto& [counter, value] : set.values) values[counter] = value;
    j["counters"].push_back({{"host", set.host}, {"values", values}});
  }
  j["ladders"] = Json::array();
  for (const auto& l : r.ladders) j["ladders"].push_back(ladder_json(l));
  if (want_pcap && r.pcap) j["pcap_base64"] = base64(read_file(kPcapPath));
  return j;
}

std::string& reply() {
  static std::string text;
  return text;
}

}  // namespace
}  // namespace synack::explorer

extern "C" const char* synack_catalog() {
  using synack::explorer::Json;
  Json list = Json::array();
  for (const auto& s : synack::scenario::catalog())
    list.push_back({{"name", s.name}, {"claim", s.claim}});
  synack::explorer::reply() = list.dump();
  return synack::explorer::reply().c_str();
}

extern "C" const char* synack_run(const char* request_json) {
  using synack::explorer::Json;
  Json request = Json::parse(request_json == nullptr ? "" : request_json, nullptr, false);
  const Json response = request.is_object()
                            ? synack::explorer::run(request)
                            : synack::explorer::error("request is not a JSON object");
  synack::explorer::reply() = response.dump();
  return synack::explorer::reply().c_str();
}
