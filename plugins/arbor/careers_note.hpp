// The words careerlink writes into an Arbor pastoral note, and how it recognises its own notes
// again. Pure functions, no I/O.
//
// Each note's summary ends with a marker naming the note: "[careerlink 137942/plan/12]" for the
// plan of interview 12 at school 137942, "[careerlink 137942/follow-up]" for a pupil with no
// shared plan. The sink finds a note again by searching Arbor for its marker, which is what makes
// delivery idempotent (a retried create finds the note the lost response had made). The content
// ends with "As of <as_of>." so a late, older event never overwrites a newer note.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "plugins/arbor/writeback_event.hpp"

namespace careerlink::arbor {

struct NoteMarker {
  std::string school_urn;
  std::optional<std::int64_t> interview_id;  // none: the pupil's follow-up note

  friend bool operator==(const NoteMarker&, const NoteMarker&) = default;
};

// The note a `pupil.status` is written to: its plan's note, or the follow-up note.
NoteMarker marker_for(const PupilStatus& status);
NoteMarker plan_marker(std::string school_urn, std::int64_t interview_id);

std::string marker_text(const NoteMarker& marker);
// What every marker of that school's notes starts with ("[careerlink 137942/").
std::string marker_prefix(std::string_view school_urn);
// The marker in a summary, if it holds one.
std::optional<NoteMarker> find_marker(std::string_view summary);

// What a careerlink note currently says.
enum class NoteState {
  current,     // carries the pupil's RAG (and the plan, for a plan note)
  superseded,  // replaced by another careerlink note of the same pupil; no plan content left
  withdrawn,   // the pupil withdrew agreement to share; no plan content left
};

struct NoteReading {
  NoteMarker marker;
  NoteState state = NoteState::current;
  std::optional<Stamp> as_of;  // from the content's last "As of ..."
};

// Nullopt when the summary carries no careerlink marker (a note someone else wrote).
std::optional<NoteReading> read_note(std::string_view summary, std::string_view content);

struct NoteText {
  std::string summary;
  std::string content;
};

struct NoteStyle {
  std::string panel_url;  // "http://127.0.0.1:8470"; empty: no deep link
  std::size_t max_content = 10'000;
  std::size_t max_open_actions = 10;
};

// The plan note (status.plan set) or the follow-up note, with RAG, flags, last interview,
// intended destination, the plan's summary and next open actions, and the deep link.
NoteText status_note(const PupilStatus& status, const NoteStyle& style);
// Left in place of a note that no longer carries the pupil's current RAG.
NoteText superseded_note(const NoteMarker& marker, Stamp as_of, std::string_view link);
// Left in place of a plan the pupil no longer agrees to share.
NoteText withdrawn_note(const NoteMarker& marker, Stamp as_of);

// panel_url + panel_path, without a doubled slash; empty when panel_url is.
std::string deep_link(std::string_view panel_url, std::string_view panel_path);
// "2026-10-01" -> "01/10/2026" (how English schools write dates); other text unchanged.
std::string uk_date(std::string_view iso_date);

}  // namespace careerlink::arbor
