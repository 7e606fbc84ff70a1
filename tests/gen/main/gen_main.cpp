// careerlink_gen: writes seeded test files (CTF, CSV) of any size. See tests/gen/.
//   careerlink_gen ctf --pupils N --seed S [--version V] [--out FILE]
#include <charconv>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>

#include "tests/gen/ctf_generator.hpp"
// The csv subcommand is another engineer's; it is wired in once its files exist. The .cpp is
// checked too so the build stays green while only the header has landed.
#if __has_include("tests/gen/csv_generator.hpp") && __has_include("tests/gen/csv_generator.cpp")
#include "tests/gen/csv_generator.hpp"
#define CAREERLINK_GEN_HAS_CSV 1
#endif

namespace {

constexpr std::string_view kUsage =
    "usage: careerlink_gen ctf --pupils N --seed S [--version V] [--out FILE]\n"
#ifdef CAREERLINK_GEN_HAS_CSV
    "       careerlink_gen csv ...   (see careerlink_gen csv --help)\n"
#endif
    ;

template <typename T>
bool parse_number(std::string_view text, T& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size();
}

int ctf_main(int argc, char** argv) {
  careerlink::testgen::CtfGenOptions options;
  std::string out_path;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return 0;
    }
    if (!has_value) {
      std::cerr << "careerlink_gen ctf: " << arg << " needs a value\n" << kUsage;
      return 2;
    }
    const std::string_view value = argv[++i];
    if (arg == "--pupils") {
      if (!parse_number(value, options.pupils)) {
        std::cerr << "careerlink_gen ctf: --pupils wants a whole number\n";
        return 2;
      }
    } else if (arg == "--seed") {
      if (!parse_number(value, options.seed)) {
        std::cerr << "careerlink_gen ctf: --seed wants a whole number\n";
        return 2;
      }
    } else if (arg == "--version") {
      options.version = value;
    } else if (arg == "--out") {
      out_path = value;
    } else {
      std::cerr << "careerlink_gen ctf: unknown option " << arg << "\n" << kUsage;
      return 2;
    }
  }
  if (out_path.empty()) {
    careerlink::testgen::write_ctf(std::cout, options);
    std::cout.flush();
    return std::cout ? 0 : 1;
  }
  std::ofstream out(out_path, std::ios::binary);
  if (!out) {
    std::cerr << "careerlink_gen ctf: cannot write " << out_path << "\n";
    return 1;
  }
  careerlink::testgen::write_ctf(out, options);
  out.close();
  if (!out) {
    std::cerr << "careerlink_gen ctf: writing " << out_path << " failed\n";
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string_view command = argv[1];
  if (command == "ctf") return ctf_main(argc - 1, argv + 1);
#ifdef CAREERLINK_GEN_HAS_CSV
  if (command == "csv") return careerlink::testgen::csv_main(argc - 1, argv + 1);
#endif
  std::cerr << "careerlink_gen: unknown command '" << command << "'\n" << kUsage;
  return 2;
}
