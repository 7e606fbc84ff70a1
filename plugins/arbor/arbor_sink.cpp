#include "plugins/arbor/arbor_sink.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <type_traits>
#include <variant>

namespace careerlink::arbor {

using outbox::DeliveryResult;
using Kind = outbox::DeliveryResult::Kind;

namespace {

// Says what the sink was doing when Arbor said no, so a dead letter reads on its own.
std::unexpected<ApiFailure> during(ApiFailure f, std::string_view doing) {
  f.reason = std::string(doing) + ": " + f.reason;
  return std::unexpected(std::move(f));
}

template <class Notes>
std::optional<Stamp> newest(const Notes& notes) {
  std::optional<Stamp> out;
  for (const auto& n : notes)
    if (n.reading.as_of && (!out || *n.reading.as_of > *out)) out = n.reading.as_of;
  return out;
}

}  // namespace

ArborSink::ArborSink(ArborSinkOptions options) : options_(std::move(options)) {
  style_.panel_url = options_.panel_url;
  api_ = std::make_unique<ArborApi>(options_.api);
  if (api_->origin().starts_with("http://"))
    spdlog::warn("arbor sink \"{}\": url is plain http; the API password travels unencrypted",
                 options_.name);
  if (style_.panel_url.empty())
    spdlog::warn("arbor sink \"{}\": no panel_url, so notes carry no link to the careers panel",
                 options_.name);
}

ArborSink::~ArborSink() = default;

void ArborSink::forget() {
  students_.clear();
  pupils_.clear();
}

bool ArborSink::forget(const PupilRef& pupil) {
  auto it = students_.find(pupil.school_urn + "/" + pupil.upn);
  if (it == students_.end()) return false;
  pupils_.erase(it->second);
  students_.erase(it);
  return true;
}

std::vector<DeliveryResult> ArborSink::deliver(std::span<const OutboxMessage> batch,
                                               const outbox::DeliveryContext& context) {
  std::vector<DeliveryResult> out(batch.size());
  const auto now = context.now == TimePoint{} ? std::chrono::system_clock::now() : context.now;
  std::optional<DeliveryResult> halted;  // the retry that stopped this batch
  std::size_t failed = 0;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (context.stop.stop_requested()) {
      out[i] = DeliveryResult::retry("not sent: shutting down");
    } else if (halted) {
      out[i] = DeliveryResult::retry(
          "not sent after an earlier retry in the batch: " + halted->reason, halted->retry_after);
    } else {
      out[i] = deliver_one(batch[i], now, context.stop);
      if (out[i].kind == Kind::retry) halted = out[i];
      if (out[i].kind == Kind::fail) ++failed;
    }
  }
  if (halted)
    spdlog::warn("arbor sink \"{}\": delivery paused, to retry later: {}", options_.name,
                 halted->reason);
  if (failed > 0)
    spdlog::warn("arbor sink \"{}\": {} message(s) refused; see `careerlink outbox list --dead`",
                 options_.name, failed);
  return out;
}

DeliveryResult ArborSink::deliver_one(const OutboxMessage& message, TimePoint now,
                                      const std::stop_token& stop) {
  auto event = parse_writeback_event(message.payload, message.idempotency_key);
  // A payload that cannot be read will not read better later: straight to the dead letters.
  if (!event) return DeliveryResult::fail(event.error());
  auto run = [&] {
    return std::visit(
        [&](const auto& e) -> ApiResult<void> {
          using T = std::decay_t<decltype(e)>;
          if constexpr (std::is_same_v<T, PupilStatus>) {
            return write_status(e, now, stop);
          } else if constexpr (std::is_same_v<T, PlanWithdrawn>) {
            return withdraw(e, now, stop);
          } else {
            return {};  // an event this sink has no use for
          }
        },
        *event);
  };
  auto done = run();
  // A refusal may come from memory gone stale (the student was merged or deleted in Arbor since):
  // forget the pupil and ask Arbor afresh, once, so what is remembered never decides an outcome.
  if (!done && done.error().kind == Kind::fail) {
    const PupilRef* pupil = nullptr;
    if (const auto* st = std::get_if<PupilStatus>(&*event)) pupil = &st->pupil;
    if (const auto* w = std::get_if<PlanWithdrawn>(&*event)) pupil = &w->pupil;
    if (pupil != nullptr && forget(*pupil)) done = run();
  }
  if (done) return DeliveryResult::ok();
  spdlog::debug("arbor sink \"{}\": message {} ({}): {}", options_.name, message.id,
                message.idempotency_key, done.error().reason);
  return done.error().result();
}

ApiResult<std::optional<std::string>> ArborSink::student_of(const PupilRef& pupil, TimePoint now,
                                                            const std::stop_token& stop) {
  const auto key = pupil.school_urn + "/" + pupil.upn;
  if (auto it = students_.find(key); it != students_.end())
    return std::optional<std::string>{it->second};
  auto found = api_->student_for_upn(pupil.upn, now, stop);
  if (!found) return during(std::move(found.error()), "finding the pupil's Arbor student");
  if (*found) {
    if (students_.size() >= options_.cache_limit) students_.clear();  // start again, small
    students_.emplace(key, **found);
  }
  return found;
}

ApiResult<ArborSink::PupilNotes> ArborSink::look_up_notes(const std::string& student,
                                                          const std::string& school_urn,
                                                          const std::stop_token& stop) {
  auto found = api_->notes_containing(student, marker_prefix(school_urn), stop);
  if (!found) return during(std::move(found.error()), "looking for careerlink's notes in Arbor");
  PupilNotes view;
  for (auto& note : *found) {
    auto reading = read_note(note.summary, note.content);
    if (!reading || reading->marker.school_urn != school_urn) continue;
    view.notes.push_back(KnownNote{std::move(note.href), std::move(*reading)});
  }
  // Arbor's order is not promised: the oldest note (lowest id) first makes "the first note with
  // this marker" the same note every time.
  std::ranges::stable_sort(view.notes, [](const KnownNote& a, const KnownNote& b) {
    return a.href.size() != b.href.size() ? a.href.size() < b.href.size() : a.href < b.href;
  });
  // The pupil's current note, when exactly one note is current.
  auto is_current = [](const KnownNote& k) { return k.reading.state == NoteState::current; };
  if (std::ranges::count_if(view.notes, is_current) == 1)
    view.current = std::ranges::find_if(view.notes, is_current)->reading.marker;
  return view;
}

ApiResult<void> ArborSink::write_status(const PupilStatus& s, TimePoint now,
                                        const std::stop_token& stop) {
  auto student = student_of(s.pupil, now, stop);
  if (!student) return std::unexpected(std::move(student.error()));
  if (!*student)
    return std::unexpected(ApiFailure{
        Kind::fail, 0,
        "no Arbor student holds this pupil's UPN (the UPN is in the message's payload); check "
        "the UPN in Arbor and in careerlink, then retry the message",
        std::nullopt});
  const std::string& href = **student;
  const auto target = marker_for(s);
  const auto text = status_note(s, style_);
  const NoteFields fields{text.summary, text.content,
                          std::chrono::floor<std::chrono::days>(s.as_of)};

  // Fast path: careerlink left this very note as the pupil's current one, so updating it is all
  // there is to do. Never used to create: a create always follows a search.
  if (auto it = pupils_.find(href); it != pupils_.end() && it->second.current == target) {
    auto& known = it->second;
    if (auto n = newest(known.notes); n && *n > s.as_of) return {};  // already newer in Arbor
    auto note = std::ranges::find_if(known.notes, [&](const KnownNote& k) {
      return k.reading.marker == target && k.reading.state == NoteState::current;
    });
    if (note != known.notes.end()) {
      auto updated = api_->update_note(note->href, fields, stop);
      if (updated) {
        note->reading.as_of = s.as_of;
        return {};
      }
      if (!updated.error().not_found())
        return during(std::move(updated.error()), "updating the careers note");
    }
    pupils_.erase(it);  // someone deleted the note in Arbor: look again
  }

  auto found = look_up_notes(href, s.pupil.school_urn, stop);
  if (!found) return std::unexpected(std::move(found.error()));
  auto view = std::move(*found);
  if (auto n = newest(view.notes); n && *n > s.as_of) {
    // A newer status (or a withdrawal) is already in Arbor: this one arrived late.
    spdlog::debug("arbor sink \"{}\": status as of {} is older than the notes; skipped",
                  options_.name, format_stamp(s.as_of));
    remember(href, std::move(view));
    return {};
  }

  // The note to write: the current one with the marker, else any with it, else a new one.
  auto pick = std::ranges::find_if(view.notes, [&](const KnownNote& k) {
    return k.reading.marker == target && k.reading.state == NoteState::current;
  });
  if (pick == view.notes.end())
    pick = std::ranges::find_if(view.notes,
                                [&](const KnownNote& k) { return k.reading.marker == target; });
  std::size_t index = 0;
  if (pick != view.notes.end()) {
    index = static_cast<std::size_t>(pick - view.notes.begin());
    auto updated = api_->update_note(pick->href, fields, stop);
    if (!updated) return during(std::move(updated.error()), "updating the careers note");
  } else {
    auto created = api_->create_note(href, fields, stop);
    if (!created) return during(std::move(created.error()), "creating the careers note");
    index = view.notes.size();
    view.notes.push_back(KnownNote{std::move(*created), NoteReading{target, {}, {}}});
  }
  view.notes[index].reading = NoteReading{target, NoteState::current, s.as_of};

  // Any other careerlink note still showing a RAG (an earlier plan's, the follow-up note once a
  // plan is shared, a stray duplicate) gives way, keeping no plan content.
  const auto link = deep_link(style_.panel_url, s.panel_path);
  for (std::size_t i = 0; i < view.notes.size(); ++i) {
    auto& other = view.notes[i];
    if (i == index || other.reading.state != NoteState::current) continue;
    auto words = superseded_note(other.reading.marker, s.as_of, link);
    auto updated = api_->update_note(
        other.href, NoteFields{words.summary, words.content, fields.note_date}, stop);
    if (!updated && !updated.error().not_found())
      return during(std::move(updated.error()), "marking an earlier careers note superseded");
    other.reading = NoteReading{other.reading.marker, NoteState::superseded, s.as_of};
  }
  view.current = target;
  remember(href, std::move(view));
  return {};
}

void ArborSink::remember(const std::string& student, PupilNotes notes) {
  if (pupils_.size() >= options_.cache_limit && !pupils_.contains(student)) pupils_.clear();
  pupils_[student] = std::move(notes);
}

ApiResult<void> ArborSink::withdraw(const PlanWithdrawn& w, TimePoint now,
                                    const std::stop_token& stop) {
  auto student = student_of(w.pupil, now, stop);
  if (!student) return std::unexpected(std::move(student.error()));
  // No student holds the UPN, so no note of careerlink's can be reached: nothing to remove.
  if (!*student) return {};
  const std::string& href = **student;
  pupils_.erase(href);  // the next status looks again

  const auto marker = plan_marker(w.pupil.school_urn, w.interview_id);
  const auto when = w.as_of.value_or(std::chrono::floor<std::chrono::seconds>(now));
  auto found = api_->notes_containing(href, marker_text(marker), stop);
  if (!found) return during(std::move(found.error()), "looking for the plan's note in Arbor");
  const auto words = withdrawn_note(marker, when);
  for (const auto& note : *found) {
    auto reading = read_note(note.summary, note.content);
    if (!reading || reading->marker != marker) continue;
    // Written after the withdrawal (the pupil agreed again): that is the truth now.
    if (reading->as_of && *reading->as_of > when) continue;
    if (reading->state == NoteState::withdrawn && reading->as_of && *reading->as_of >= when)
      continue;  // done already
    auto updated = api_->update_note(
        note.href,
        NoteFields{words.summary, words.content, std::chrono::floor<std::chrono::days>(when)},
        stop);
    if (!updated && !updated.error().not_found())
      return during(std::move(updated.error()), "removing the withdrawn plan from its note");
  }
  return {};
}

std::expected<std::unique_ptr<outbox::Sink>, std::string> make_arbor_sink(
    const outbox::SinkSettings& settings) {
  auto fail = [&](const std::string& why) {
    return std::unexpected("arbor sink \"" + settings.name + "\": " + why);
  };
  try {
    ArborSinkOptions options;
    options.name = settings.name;
    auto url = settings.get("url");
    if (!url || url->empty()) return fail("url is required (the school's Arbor address)");
    options.api.url = std::string(*url);
    auto username = settings.get("username");
    if (!username || username->empty())
      return fail("username is required (the Partner App's API user)");
    options.api.username = std::string(*username);

    auto password = outbox::sink_secret(settings, "password");
    if (!password) return fail(password.error());
    if (!*password) {
      return fail("the API user's password is required: set password_file or password_env");
    }
    options.api.password = std::move(**password);

    if (auto t = outbox::sink_seconds(settings, "timeout_seconds")) {
      options.api.http.connect_timeout = *t;
      options.api.http.handshake_timeout = *t;
      options.api.http.write_timeout = *t;
      options.api.http.read_timeout = *t;
    }
    if (auto v = settings.get("ca_file"); v && !v->empty())
      options.api.http.ca_bundle = std::string(*v);
    if (auto v = settings.get("client_cert"); v && !v->empty())
      options.api.http.client_cert = std::string(*v);
    if (auto v = settings.get("client_key"); v && !v->empty())
      options.api.http.client_key = std::string(*v);
    if (auto v = settings.get("proxy"); v && !v->empty()) options.api.http.proxy = std::string(*v);
    if (auto v = settings.get("verify_tls")) {
      if (*v != "true" && *v != "false") return fail("verify_tls must be true or false");
      options.api.http.verify_tls = *v == "true";
    }
    if (auto v = settings.get("panel_url"); v && !v->empty()) {
      if (!v->starts_with("https://") && !v->starts_with("http://"))
        return fail("panel_url must start with https:// or http://");
      options.panel_url = std::string(*v);
    }
    return std::make_unique<ArborSink>(std::move(options));
  } catch (const std::exception& e) {
    return fail(e.what());
  }
}

void register_arbor_sink() {
  outbox::register_sink_type("arbor", make_arbor_sink);
}

}  // namespace careerlink::arbor
