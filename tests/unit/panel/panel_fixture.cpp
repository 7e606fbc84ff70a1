#include "tests/unit/panel/panel_fixture.hpp"

#include <gtest/gtest.h>

namespace careerlink::test {

http::HttpResponse Browser::get(const std::string& path) const {
  http::HttpClient client;
  http::HttpRequest request;
  request.url = "http://127.0.0.1:" + std::to_string(port) + path;
  if (!session.empty()) request.headers.push_back({"Cookie", "careerlink_session=" + session});
  auto r = client.send(request);
  EXPECT_TRUE(r) << r.error().to_string();
  return r ? *r : http::HttpResponse{};
}

http::HttpResponse Browser::post(const std::string& path,
                                 const std::vector<std::pair<std::string, std::string>>& form,
                                 const std::string& cookies) const {
  auto encode = [](const std::string& s) {
    std::string out;
    static constexpr std::string_view hex = "0123456789ABCDEF";
    for (const char ch : s) {
      const auto c = static_cast<unsigned char>(ch);
      if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
        out += ch;
      } else {
        out += '%';
        out += hex[c >> 4U];
        out += hex[c & 15U];
      }
    }
    return out;
  };
  std::string body;
  for (const auto& [k, v] : form) {
    if (!body.empty()) body += '&';
    body += encode(k) + "=" + encode(v);
  }
  http::HttpClient client;
  http::HttpRequest request;
  request.method = "POST";
  request.url = "http://127.0.0.1:" + std::to_string(port) + path;
  request.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
  std::string cookie = cookies;
  if (!session.empty()) {
    cookie += (cookie.empty() ? "" : "; ") + std::string("careerlink_session=") + session;
  }
  if (!cookie.empty()) request.headers.push_back({"Cookie", cookie});
  request.body = body;
  auto r = client.send(request);
  EXPECT_TRUE(r) << r.error().to_string();
  return r ? *r : http::HttpResponse{};
}

std::string cookie_from(const http::HttpResponse& r, const std::string& name) {
  for (const auto& h : r.headers) {
    if (!http::iequals(h.name, "Set-Cookie")) continue;
    if (h.value.starts_with(name + "=")) {
      const auto end = h.value.find(';');
      return h.value.substr(name.size() + 1, end - name.size() - 1);
    }
  }
  return {};
}

std::string hidden_value(const std::string& html, const std::string& name) {
  const std::string marker = "name=\"" + name + "\" value=\"";
  const auto at = html.find(marker);
  if (at == std::string::npos) return {};
  const auto start = at + marker.size();
  return html.substr(start, html.find('"', start) - start);
}

nlohmann::json interview_for(const std::string& upn, bool share, const std::string& due) {
  nlohmann::json body = nlohmann::json::parse(R"({"school_urn":"137942","date":"2026-01-12",
    "minutes":45,"kind":"one_to_one","adviser":{"name":"Jo Patel","organisation":"Career Connect",
    "qualification_level":6},"provider_type":"external",
    "consent":{"share_with_staff":true,"share_with_trackers":true,"recorded_on":"2026-01-12"},
    "plan":{"summary":"Keen on <b>engineering</b>; needs a college place",
    "intended_destination":{"activity_code":"230","provider":"Riverside College"},
    "actions":[{"id":"a1","text":"Attend the college open evening","owner":"pupil"}]}})");
  body["pupil"] = {{"upn", upn}};
  body["consent"]["share_with_staff"] = share;
  body["plan"]["actions"][0]["due"] = due;
  return body;
}

PanelService::PanelService(const std::string& extra_config) {
  data_ = dir_.path() / "data";
  auto ok = [&](const CommandResult& r) { EXPECT_EQ(r.exit_code, 0) << r.out << r.err; };
  ok(cl({"import", "ctf", sample_school("8204321_CTF_8204321_001.xml").string()}));
  ok(cl({"import", "csv", sample_school("pupils-with-tutor-groups.csv").string(), "--preset",
         "pupils"}));
  ok(cl({"import", "csv", sample_school("staff-groups.csv").string(), "--preset", "staff"}));
  const std::vector<std::vector<std::string>> users{
      {kTutor, "tutor", "11A"},        {kHeadOfYear, "head_of_year", "11"},
      {kLeader, "careers_leader", ""}, {kAdviser, "adviser", ""},
      {kAdmin, "admin", ""},
  };
  write_file(dir_.path() / "password", std::string(kPassword) + "\n");
  for (const auto& u : users) {
    std::vector<std::string> args{"users", "add", u[0], "--role", u[1], "--school", "137942"};
    if (!u[2].empty()) {
      args.emplace_back("--scope");
      args.push_back(u[2]);
    }
    args.emplace_back("--password-stdin");
    std::string command =
        std::string("'") + CAREERLINK_BINARY + "' --data-dir '" + data_.string() + "'";
    for (const auto& a : args)
      command += " '" + a + "'";
    command += " < '" + (dir_.path() / "password").string() + "'";
    ok(run_command("/bin/sh", {"-c", command}));
  }
  auto key = cl({"keys", "create", "--name", "Career Connect", "--school", "137942"});
  ok(key);
  const auto at = key.out.find("clk_");
  key_ = key.out.substr(at, key.out.find_first_of(" \n", at) - at);
  write_file(dir_.path() / "secret", "writeback-secret\n");
  port_ = free_port();
  const auto config = dir_.path() / "careerlink.toml";
  // The write-back sink is never drained (no job, nothing listens): what a tick sends stays in
  // the outbox for the test to read.
  write_file(config, "[serve]\nlisten = \"127.0.0.1:" + std::to_string(port_) +
                         "\"\nshutdown_grace_seconds = 2\n"
                         "[[sink]]\nname = \"mis\"\ntype = \"webhook\"\nurl = "
                         "\"http://127.0.0.1:9/hook\"\nsecret_file = \"" +
                         (dir_.path() / "secret").string() + "\"\n" + extra_config);
  service_ = std::make_unique<ServiceProcess>(config, data_, dir_.path() / "serve.log");
  EXPECT_TRUE(service_->wait_for_log("careerlink ready")) << service_->log();
  EXPECT_EQ(put_interview("cc-11a", interview_for(kPupil11A, true, "2026-02-05")), 201);
  EXPECT_EQ(put_interview("cc-11b", interview_for(kPupil11B, false, "2026-02-05")), 201);
}

CommandResult PanelService::cl(std::vector<std::string> args) const {
  args.insert(args.begin(), {"--data-dir", data_.string()});
  return run_careerlink(args);
}

int PanelService::put_interview(const std::string& id, const nlohmann::json& body) const {
  http::HttpClient client;
  http::HttpRequest request;
  request.method = "PUT";
  request.url = "http://127.0.0.1:" + std::to_string(port_) + "/api/v1/interviews/" + id;
  request.headers.push_back({"Authorization", "Bearer " + key_});
  request.headers.push_back({"Content-Type", "application/json"});
  request.body = body.dump();
  auto r = client.send(request);
  return r ? r->status : -1;
}

std::vector<nlohmann::json> PanelService::outbox_payloads() const {
  auto listed = cl({"outbox", "list", "--format", "json", "--payload"});
  std::vector<nlohmann::json> out;
  auto all = nlohmann::json::parse(listed.out, nullptr, false);
  if (!all.is_array()) return out;
  for (const auto& m : all) {
    out.push_back(m["payload"]);
  }
  std::ranges::reverse(out);  // the list is newest first
  return out;
}

Browser PanelService::sign_in(const std::string& email, const std::string& password) const {
  Browser b{port_, {}, {}};
  auto form = b.get("/panel/login");
  const std::string login_cookie = cookie_from(form, "careerlink_login");
  const std::string token = hidden_value(form.body, "csrf");
  auto done =
      b.post("/panel/login",
             {{"csrf", token}, {"email", email}, {"password", password}, {"next", "/panel/"}},
             "careerlink_login=" + login_cookie);
  b.session = cookie_from(done, "careerlink_session");
  if (!b.session.empty()) b.csrf = hidden_value(b.get("/panel/").body, "csrf");
  return b;
}

}  // namespace careerlink::test
