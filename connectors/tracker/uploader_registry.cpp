#include <map>
#include <mutex>

#include "connectors/tracker/tracker_api.hpp"
#include "connectors/tracker/tracker_csv.hpp"
#include "connectors/tracker/tracker_uploader.hpp"

namespace careerlink::tracker {
namespace {

struct Registry {
  std::mutex mutex;
  std::map<std::string, UploaderFactory, std::less<>> factories;
};

Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace

bool register_uploader_type(std::string type, UploaderFactory factory) {
  auto& r = registry();
  std::lock_guard lock(r.mutex);
  return r.factories.emplace(std::move(type), std::move(factory)).second;
}

void register_builtin_uploaders() {
  register_uploader_type("tracker-api", make_tracker_api_uploader);
  register_uploader_type("tracker-csv", make_tracker_csv_uploader);
}

std::expected<std::unique_ptr<Uploader>, std::string> make_uploader(
    const SinkConfig& sink, const UploaderEnvironment& environment) {
  UploaderFactory factory;
  {
    auto& r = registry();
    std::lock_guard lock(r.mutex);
    auto it = r.factories.find(sink.type);
    if (it == r.factories.end()) {
      return std::unexpected("sink " + sink.name + ": \"" + sink.type +
                             "\" is not a tracker upload type this build knows");
    }
    factory = it->second;
  }
  return factory(sink, environment);
}

}  // namespace careerlink::tracker
