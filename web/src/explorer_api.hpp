#pragma once
// The explorer page's whole interface to the C++ code: two functions taking and returning JSON
// text, exported from the WebAssembly module as plain C symbols (no Emscripten header, so the
// same file builds natively too).
//
//   synack_catalog()      -> [{"name", "claim"}, ...]
//   synack_run(request)   request {"scenario", "seed", "faults": ["drop:server:1"],
//                                  "settings": ["msl=2s"], "pcap": true}
//                         -> {"ok", "error"?, "name", "claim", "passed", "checks", "evidence",
//                             "counters", "ladders": [{"title", "svg", "text", "arrows",
//                             "states", "timers"}], "command", "pcap_base64"?}
//
// Returned pointers stay valid until the next call.
extern "C" {
const char* synack_catalog();
const char* synack_run(const char* request_json);
}
