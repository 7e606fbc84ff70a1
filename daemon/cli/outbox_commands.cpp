// `careerlink outbox list|retry|drop`: what operators use to see
// what is waiting or dead, replay dead letters and drop what must never be sent. Every retry
// and drop is written to the audit trail.
#include <CLI/CLI.hpp>

#include <iomanip>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "daemon/cli/cli_context.hpp"
#include "daemon/cli/commands.hpp"
#include "daemon/cli/exit_codes.hpp"
#include "daemon/cli/operator_identity.hpp"
#include "daemon/domain/dates.hpp"

namespace careerlink::cli {
namespace {

struct ListArgs {
  bool dead = false;
  std::optional<std::string> sink;
  std::string format = "table";
  std::size_t limit = 200;
  bool payload = false;  // json: include each message's payload (pupil records: audited)
};

int list_outbox(Context& context, const ListArgs& args) {
  Store* store = context.store();
  if (!store) return exit_code::io_error;
  OutboxFilter filter;
  filter.sink = args.sink;
  if (args.dead) filter.state = OutboxState::dead;
  filter.limit = args.limit;
  auto messages = store->list_outbox(filter);
  if (!messages) {
    return store_failure(messages.error());
  }
  if (args.format == "json") {
    auto out = nlohmann::ordered_json::array();
    for (const auto& m : *messages) {
      nlohmann::ordered_json j;
      j["id"] = m.id;
      j["sink"] = m.sink;
      j["idempotency_key"] = m.idempotency_key;
      j["state"] = std::string(to_string(m.state));
      j["attempts"] = m.attempts;
      j["created_at"] = iso_utc(m.created_at);
      j["next_attempt_at"] = iso_utc(m.next_attempt_at);
      j["last_error"] = m.last_error ? nlohmann::ordered_json(*m.last_error) : nullptr;
      auto payload = nlohmann::ordered_json::parse(m.payload, nullptr, false);
      j["event"] = payload.is_object() && payload.contains("event") ? payload["event"]
                                                                    : nlohmann::ordered_json();
      if (args.payload) j["payload"] = std::move(payload);
      out.push_back(std::move(j));
    }
    if (args.payload) {
      audit(*store, "outbox.view_payloads", "outbox:" + args.sink.value_or("*"),
            std::to_string(messages->size()) + " messages");
    }
    std::cout << out.dump(2) << '\n';
    return exit_code::ok;
  }
  std::cout << std::left << std::setw(8) << "ID" << std::setw(16) << "SINK" << std::setw(10)
            << "STATE" << std::setw(9) << "TRIES" << std::setw(22) << "NEXT ATTEMPT"
            << "LAST ERROR\n";
  for (const auto& m : *messages) {
    std::cout << std::left << std::setw(8) << m.id << std::setw(16) << m.sink << std::setw(10)
              << std::string(to_string(m.state)) << std::setw(9) << m.attempts << std::setw(22)
              << iso_utc(m.next_attempt_at) << m.last_error.value_or("") << '\n';
  }
  std::cout << messages->size() << (messages->size() == 1 ? " message\n" : " messages\n");
  return exit_code::ok;
}

int retry(Context& context, std::optional<std::int64_t> id, bool all_dead,
          const std::optional<std::string>& sink) {
  Store* store = context.store();
  if (!store) return exit_code::io_error;
  const auto now = std::chrono::system_clock::now();
  if (all_dead) {
    auto count = store->requeue_all_dead(sink, now);
    if (!count) {
      return store_failure(count.error());
    }
    audit(*store, "outbox.retry_all_dead", "outbox:" + sink.value_or("*"),
          std::to_string(*count) + " dead letters requeued");
    std::cout << *count << " dead letters requeued\n";
    return exit_code::ok;
  }
  auto requeued = store->requeue_outbox(*id, now);
  if (!requeued) {
    return store_failure(requeued.error());
  }
  if (!*requeued) {
    std::cerr << "careerlink: message " << *id << " is not a dead letter\n";
    return exit_code::failure;
  }
  audit(*store, "outbox.retry", "outbox:" + std::to_string(*id), "");
  std::cout << "message " << *id << " requeued\n";
  return exit_code::ok;
}

int drop(Context& context, std::int64_t id) {
  Store* store = context.store();
  if (!store) return exit_code::io_error;
  auto dropped = store->drop_outbox(id);
  if (!dropped) {
    return store_failure(dropped.error());
  }
  if (!*dropped) {
    std::cerr << "careerlink: no outbox message " << id << '\n';
    return exit_code::failure;
  }
  audit(*store, "outbox.drop", "outbox:" + std::to_string(id), "");
  std::cout << "message " << id << " dropped\n";
  return exit_code::ok;
}

}  // namespace

void add_outbox_commands(CLI::App& app, Context& context, Action& action) {
  auto* outbox = app.add_subcommand("outbox", "See, replay and drop messages waiting for sinks");
  outbox->require_subcommand(1);

  auto list_args = std::make_shared<ListArgs>();
  auto* list = outbox->add_subcommand("list", "List outbox messages (newest first)");
  list->add_flag("--dead", list_args->dead, "only dead letters");
  list->add_flag("--payload", list_args->payload,
                 "json: include each message's payload (pupil records; the view is audited)");
  list->add_option("--sink", list_args->sink, "only this sink");
  list->add_option("--limit", list_args->limit, "at most this many (default 200)");
  list->add_option("--format", list_args->format, "table (default) or json")
      ->check(CLI::IsMember({"table", "json"}));
  list->callback([&context, &action, list_args] {
    action = [&context, list_args] { return list_outbox(context, *list_args); };
  });

  auto id = std::make_shared<std::optional<std::int64_t>>();
  auto all_dead = std::make_shared<bool>(false);
  auto sink = std::make_shared<std::optional<std::string>>();
  auto* retry_cmd = outbox->add_subcommand("retry", "Requeue a dead letter, or all of them");
  auto* id_opt = retry_cmd->add_option("ID", *id, "message id (from outbox list)");
  auto* all_opt = retry_cmd->add_flag("--all-dead", *all_dead, "requeue every dead letter");
  retry_cmd->add_option("--sink", *sink, "with --all-dead: only this sink");
  id_opt->excludes(all_opt);
  retry_cmd->callback([&context, &action, id, all_dead, sink] {
    action = [&context, id, all_dead, sink] {
      if (!*id && !*all_dead) {
        std::cerr << "careerlink outbox retry: give a message ID or --all-dead\n";
        return exit_code::usage;
      }
      return retry(context, *id, *all_dead, *sink);
    };
  });

  auto drop_id = std::make_shared<std::int64_t>(0);
  auto* drop_cmd = outbox->add_subcommand("drop", "Delete a message so it is never sent (audited)");
  drop_cmd->add_option("ID", *drop_id, "message id (from outbox list)")->required();
  drop_cmd->callback([&context, &action, drop_id] {
    action = [&context, drop_id] { return drop(context, *drop_id); };
  });
}

}  // namespace careerlink::cli
