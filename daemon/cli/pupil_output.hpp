// How pupils are printed by `careerlink pupils`: JSON objects (the documented field set), a
// table for people, and CSV for spreadsheets. One field list serves all three.
#pragma once

#include <iosfwd>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/store/store.hpp"

namespace careerlink::cli {

// A field that may be missing, as JSON: the value, or null.
template <class T>
nlohmann::ordered_json or_null(const std::optional<T>& v) {
  return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json pupil_json(const PupilView& pupil);

void print_pupils_table(std::ostream& out, const std::vector<PupilView>& pupils);
void print_pupils_csv(std::ostream& out, const std::vector<PupilView>& pupils);
void print_pupil_detail(std::ostream& out, const PupilView& pupil);

}  // namespace careerlink::cli
