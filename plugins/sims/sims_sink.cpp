#include "plugins/sims/sims_sink.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <vector>

#include "daemon/files/atomic_files.hpp"
#include "plugins/sims/school_folder.hpp"
#include "plugins/sims/sims_events.hpp"

namespace careerlink::sims {

namespace fs = std::filesystem;
using outbox::DeliveryResult;

namespace {

struct SimsOptions {
  std::string name;
  fs::path folder;
  std::string panel_url;  // no trailing slash; "" = no deep links
};

// One school's share of a batch: its events in batch order, and where each came from.
struct SchoolBatch {
  std::vector<std::size_t> indexes;
  std::vector<SchoolEvent> events;
};

class SimsSink final : public outbox::Sink {
 public:
  explicit SimsSink(SimsOptions options) : options_(std::move(options)) {}

  [[nodiscard]] std::string_view name() const override { return options_.name; }

  std::vector<DeliveryResult> deliver(std::span<const OutboxMessage> batch,
                                      const outbox::DeliveryContext& context) override {
    std::vector<DeliveryResult> out(batch.size());
    if (context.stop.stop_requested()) {
      for (auto& r : out)
        r = DeliveryResult::retry("not written: shutting down");
      return out;
    }
    const auto now = context.now == TimePoint{} ? std::chrono::system_clock::now() : context.now;

    // Grouped by school so each school's files are rewritten once per batch, not per message.
    std::vector<std::string> order;
    std::map<std::string, SchoolBatch, std::less<>> schools;
    auto add = [&](const std::string& urn, std::size_t index, SchoolEvent event) {
      auto [it, fresh] = schools.try_emplace(urn);
      if (fresh) order.push_back(urn);
      it->second.indexes.push_back(index);
      it->second.events.push_back(std::move(event));
    };
    for (std::size_t i = 0; i < batch.size(); ++i) {
      auto event = parse_event(batch[i].payload);
      if (!event) {
        // The reason names the field, never its value: it is safe at warn.
        spdlog::warn("sims sink \"{}\": outbox message {} refused: {}", options_.name, batch[i].id,
                     event.error());
        out[i] = DeliveryResult::fail(event.error());
        continue;
      }
      const std::optional<TimePoint> happened = batch[i].created_at == TimePoint{}
                                                    ? std::nullopt
                                                    : std::optional<TimePoint>(batch[i].created_at);
      if (auto* status = std::get_if<PupilStatus>(&*event)) {
        const auto urn = status->pupil.school_urn;
        add(urn, i, SchoolEvent{std::move(*status), happened});
      } else if (auto* withdrawn = std::get_if<PlanWithdrawn>(&*event)) {
        const auto urn = withdrawn->pupil.school_urn;
        add(urn, i, SchoolEvent{std::move(*withdrawn), happened});
      }
      // Any other event: nothing to write (pupil.status carries its effect); out[i] stays ok.
    }

    for (const auto& urn : order) {
      auto& school = schools.at(urn);
      if (context.stop.stop_requested()) {
        for (auto index : school.indexes)
          out[index] = DeliveryResult::retry("not written: shutting down");
        continue;
      }
      auto update = update_school(options_.folder, urn, school.events, options_.panel_url, now);
      if (!update) {
        spdlog::warn("sims sink \"{}\": school {}: {} message(s) to retry: {}", options_.name, urn,
                     school.indexes.size(), update.error());
        for (auto index : school.indexes)
          out[index] = DeliveryResult::retry(update.error());
        continue;
      }
      log_update(urn, *update);
    }
    return out;
  }

 private:
  void log_update(const std::string& urn, const SchoolUpdate& u) const {
    const bool wrote = u.udf_written || u.documents_written > 0 || u.documents_removed > 0;
    spdlog::log(wrote ? spdlog::level::info : spdlog::level::debug,
                "sims sink \"{}\": school {}: {} change(s), {} repeat(s), {} out of date; UDF file "
                "{} ({} pupils); {} plan document(s) written, {} removed",
                options_.name, urn, u.changed, u.unchanged, u.stale,
                u.udf_written ? "rewritten" : "unchanged", u.pupils, u.documents_written,
                u.documents_removed);
  }

  SimsOptions options_;
};

// "http://127.0.0.1:8470" or "https://careers.school.example" (a trailing slash is dropped).
std::expected<std::string, std::string> checked_panel_url(std::string url) {
  while (url.ends_with('/'))
    url.pop_back();
  if (url.empty()) return url;
  const bool scheme = url.starts_with("http://") || url.starts_with("https://");
  const bool clean = std::ranges::none_of(url, [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u == 0x7f || c == '"' || c == '\'' || c == '<' || c == '>' || c == '\\';
  });
  if (!scheme || !clean || url.find("://") + 3 == url.size())
    return std::unexpected(
        "panel_url must be an http:// or https:// address, e.g. "
        "https://careers.school.example");
  return url;
}

}  // namespace

std::expected<std::unique_ptr<outbox::Sink>, std::string> make_sims_sink(
    const outbox::SinkSettings& settings) {
  auto fail = [&](const std::string& why) {
    return std::unexpected("sims sink \"" + settings.name + "\": " + why);
  };
  SimsOptions options;
  options.name = settings.name;
  const auto folder = settings.get("folder");
  if (!folder || folder->empty())
    return fail("folder is required: where the UDF file and plan documents are written");
  options.folder = fs::path(std::string(*folder));
  // A relative folder would land wherever the service happened to start.
  if (!options.folder.is_absolute())
    return fail("folder must be an absolute path, e.g. D:/careerlink/sims or /srv/careerlink/sims");
  if (auto made = files::ensure_directory(options.folder); !made)
    return fail(made.error().to_string());
  if (auto probe = files::probe_writable(options.folder); !probe)
    return fail("folder " + options.folder.string() +
                " is not writable by careerlink: " + probe.error().to_string());
  if (auto url = settings.get("panel_url")) {
    auto checked = checked_panel_url(std::string(*url));
    if (!checked) return fail(checked.error());
    options.panel_url = std::move(*checked);
  }
  spdlog::info("sims sink \"{}\": writing to {}", options.name, options.folder.string());
  return std::make_unique<SimsSink>(std::move(options));
}

void register_sims_sink() {
  outbox::register_sink_type("sims", make_sims_sink);
}

}  // namespace careerlink::sims
