#include "daemon/serve/source_sync.hpp"

#include <openssl/evp.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <vector>

#include "connectors/csv/csv_mapping.hpp"
#include "connectors/csv/csv_source.hpp"
#include "daemon/importer/file_import.hpp"
#include "daemon/serve/source_folder.hpp"

namespace careerlink::serve {
namespace {

namespace fs = std::filesystem;

struct DigestDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

// SHA-256 of the file's bytes, in hex; an error says why it could not be read.
std::expected<std::string, std::string> sha256_of(const fs::path& file) {
  std::unique_ptr<std::FILE, FileCloser> in(std::fopen(file.string().c_str(), "rb"));
  if (!in) return std::unexpected(std::string("cannot be opened; check its permissions"));
  std::unique_ptr<EVP_MD_CTX, DigestDeleter> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
    return std::unexpected(std::string("SHA-256 is not available from OpenSSL"));
  }
  std::vector<char> buffer(std::size_t{64} * 1024);
  for (;;) {
    const std::size_t n = std::fread(buffer.data(), 1, buffer.size(), in.get());
    if (n > 0) EVP_DigestUpdate(ctx.get(), buffer.data(), n);
    if (n < buffer.size()) break;
  }
  if (std::ferror(in.get())) return std::unexpected(std::string("cannot be read (I/O error)"));
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  EVP_DigestFinal_ex(ctx.get(), digest.data(), &size);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xf];
  }
  return hex;
}

std::expected<CsvMapping, std::string> csv_mapping(const SourceConfig& source) {
  if (!source.preset.empty()) return preset_mapping(source.preset);
  if (!source.mapping_file) {
    return std::unexpected("source " + source.name +
                           ": a csv source needs preset = \"pupils\" or \"staff\", or "
                           "mapping_file");
  }
  auto loaded = load_mapping_file(*source.mapping_file);
  if (!loaded) return std::unexpected("source " + source.name + ": " + loaded.error().to_string());
  return std::move(*loaded);
}

std::string plural(std::size_t n, const char* what) {
  return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

}  // namespace

CtfOptions ctf_options(const Config& config) {
  CtfOptions o;
  o.max_file_bytes = config.import.max_file_size_mb << 20;
  o.max_depth = config.import.max_xml_depth;
  o.max_text_bytes = static_cast<std::size_t>(config.import.max_text_kb) << 10;
  return o;
}

std::expected<void, std::string> check_source(const SourceConfig& source) {
  if (source.type != "csv") return {};
  if (!source.preset.empty() && source.mapping_file) {
    return std::unexpected("source " + source.name + ": give preset or mapping_file, not both");
  }
  auto mapping = csv_mapping(source);
  if (!mapping) return std::unexpected(mapping.error());
  return {};
}

JobOutcome sync_source(const SourceConfig& source, const Config& config, Store& store,
                       const JobContext& context) {
  const std::string extension =
      lower(source.extension.empty() ? (source.type == "ctf" ? ".xml" : ".csv") : source.extension);
  auto listed = folder_files(source, {extension});
  if (!listed) return JobOutcome::retry_later(listed.error());
  const std::vector<fs::path>& files = *listed;

  std::unique_ptr<FileSource> reader;
  ImportOptions options;
  options.source_system = source.type;
  if (source.type == "ctf") {
    reader = std::make_unique<CtfSource>(ctf_options(config));
  } else {
    auto mapping = csv_mapping(source);
    if (!mapping) return JobOutcome::failure(mapping.error());
    options.require_dob = std::ranges::any_of(
        mapping->columns, [](const CsvColumn& c) { return c.field == CsvField::dob; });
    if (!source.school.empty()) options.school = source.school;
    CsvOptions csv_options;
    csv_options.max_file_bytes = config.import.max_file_size_mb << 20;
    reader = std::make_unique<CsvSource>(std::move(*mapping), csv_options);
  }

  std::size_t taken = 0, unchanged = 0, settling = 0;
  std::int64_t added = 0, updated = 0, rejected = 0;
  std::vector<std::string> refused;
  for (const auto& file : files) {
    if (context.stop.stop_requested()) {
      return JobOutcome::retry_later("stopped after " + plural(taken, "file") + " of " +
                                     std::to_string(files.size()));
    }
    if (still_settling(file, source)) {
      ++settling;  // still being written, perhaps: the next run takes it
      continue;
    }
    auto hash = sha256_of(file);
    if (!hash) {
      refused.push_back(file.string() + ": " + hash.error());
      continue;
    }
    auto known = store.source_file_hash(source.name, file.string());
    if (!known) return JobOutcome::retry_later("store: " + known.error().message);
    if (*known == *hash) {
      ++unchanged;
      continue;
    }
    auto result = import_file(store, *reader, file, options);
    if (!result) {
      if (result.error().store_failure) {
        return JobOutcome::retry_later("store: " + result.error().error.to_string());
      }
      spdlog::warn("source {}: refused {}", source.name, result.error().error.to_string());
      refused.push_back(result.error().error.to_string());
      continue;
    }
    ++taken;
    added += result->imported;
    updated += result->updated;
    rejected += static_cast<std::int64_t>(result->rejected.size());
    spdlog::info("source {}: took in {} ({}): {} new, {} updated, {} unchanged, {} rejected",
                 source.name, file.string(), result->format, result->imported, result->updated,
                 result->unchanged, result->rejected.size());
    const std::string outcome =
        result->rejected.empty()
            ? "imported"
            : "imported, " + std::to_string(result->rejected.size()) + " rejected";
    if (auto recorded = store.record_source_file(source.name, file.string(), *hash, outcome,
                                                 context.scheduled_for);
        !recorded) {
      return JobOutcome::retry_later("store: " + recorded.error().message);
    }
  }

  std::string message = plural(taken, "file") + " taken in (" + std::to_string(added) + " new, " +
                        std::to_string(updated) + " updated, " + std::to_string(rejected) +
                        " rejected), " + std::to_string(unchanged) + " unchanged";
  if (settling > 0) message += ", " + std::to_string(settling) + " still being written";
  if (files.empty()) message = "no " + extension + " files in " + source.folder.string();
  if (!refused.empty()) {
    message += "; refused (nothing from them was written): ";
    for (std::size_t i = 0; i < refused.size(); ++i)
      message += (i ? "; " : "") + refused[i];
    return JobOutcome::failure(message);
  }
  return JobOutcome::success(message);
}

}  // namespace careerlink::serve
