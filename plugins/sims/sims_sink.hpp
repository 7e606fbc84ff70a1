// The `sims` sink: MIS write-back for on-premise SIMS, through files SIMS takes in. For each
// school it keeps a UDF value file (UPN, careers RAG, last interview date, intended destination)
// and, per pupil whose plan is shared with staff, an HTML action-plan document to link in SIMS.
// What is written where, the formats, and the school's side of it: plugins/sims/README.md.
#pragma once

#include <expected>
#include <memory>
#include <string>

#include "daemon/outbox/sink.hpp"

namespace careerlink::sims {

// Builds the sink from config (`type = "sims"`). Settings: folder (required, absolute; created
// when missing; refused when careerlink cannot write there) and panel_url (optional,
// "http(s)://host[:port]", for the deep links in the documents).
std::expected<std::unique_ptr<outbox::Sink>, std::string> make_sims_sink(
    const outbox::SinkSettings& settings);

// Adds "sims" to the sink registry. Called explicitly at start-up (a static initialiser in a
// static library can be dropped by the linker). Safe to call more than once.
void register_sims_sink();

}  // namespace careerlink::sims
