#include "connectors/tracker/sftp_upload.hpp"

#include <fcntl.h>
#include <libssh/libssh.h>
#include <libssh/sftp.h>

#include <fmt/format.h>
#include <array>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

namespace careerlink::tracker {
namespace {

// RAII for every libssh handle, so each path out closes what it opened (in reverse order).
struct SessionFree {
  void operator()(ssh_session s) const {
    if (ssh_is_connected(s) != 0) ssh_disconnect(s);
    ssh_free(s);
  }
};
struct KeyFree {
  void operator()(ssh_key k) const { ssh_key_free(k); }
};
struct SftpFree {
  void operator()(sftp_session s) const { sftp_free(s); }
};
struct FileClose {
  void operator()(sftp_file f) const { sftp_close(f); }
};
struct HashFree {
  void operator()(unsigned char* h) const { ssh_clean_pubkey_hash(&h); }
};
struct CharFree {
  void operator()(char* c) const { ssh_string_free_char(c); }
};
using Session = std::unique_ptr<ssh_session_struct, SessionFree>;
using Key = std::unique_ptr<ssh_key_struct, KeyFree>;
using Sftp = std::unique_ptr<sftp_session_struct, SftpFree>;
using File = std::unique_ptr<sftp_file_struct, FileClose>;

struct ParsedKey {
  Key key;
  std::string type;
};

std::expected<ParsedKey, std::string> parse_host_key(std::string_view text) {
  std::istringstream in{std::string(text)};
  std::vector<std::string> words;
  for (std::string w; in >> w;)
    words.push_back(w);
  // Tolerate a whole known_hosts line: a leading host name is not a key type.
  if (words.size() >= 3 && ssh_key_type_from_name(words[0].c_str()) == SSH_KEYTYPE_UNKNOWN &&
      ssh_key_type_from_name(words[1].c_str()) != SSH_KEYTYPE_UNKNOWN) {
    words.erase(words.begin());
  }
  if (words.size() < 2) {
    return std::unexpected(
        "sftp_host_key must be the server's public key as in known_hosts: \"ssh-ed25519 AAAA...\"");
  }
  const auto type = ssh_key_type_from_name(words[0].c_str());
  if (type == SSH_KEYTYPE_UNKNOWN) {
    return std::unexpected("sftp_host_key: \"" + words[0] + "\" is not a key type libssh knows");
  }
  ssh_key key = nullptr;
  if (ssh_pki_import_pubkey_base64(words[1].c_str(), type, &key) != SSH_OK || key == nullptr) {
    return std::unexpected("sftp_host_key: the key after \"" + words[0] +
                           "\" is not valid base64 "
                           "key data of that type");
  }
  return ParsedKey{Key(key), words[0]};
}

// "SHA256:..." as `ssh-keygen -l` prints it.
std::string fingerprint(ssh_key key) {
  unsigned char* raw = nullptr;
  size_t length = 0;
  if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &raw, &length) != 0) {
    return "(fingerprint unavailable)";
  }
  std::unique_ptr<unsigned char, HashFree> hash(raw);
  std::unique_ptr<char, CharFree> text(
      ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash.get(), length));
  return text ? std::string(text.get()) : "(fingerprint unavailable)";
}

std::string remote_path(const std::string& dir, std::string_view name) {
  if (dir.empty()) return std::string(name);
  return dir.back() == '/' ? dir + std::string(name) : dir + "/" + std::string(name);
}

std::string sftp_why(sftp_session sftp, ssh_session session) {
  const int code = sftp_get_error(sftp);
  const char* text = ssh_get_error(session);
  return fmt::format("SFTP status {}{}", code,
                     text != nullptr && *text != '\0' ? std::string(" (") + text + ")" : "");
}

}  // namespace

std::expected<void, std::string> check_host_key(std::string_view host_key) {
  auto parsed = parse_host_key(host_key);
  if (!parsed) return std::unexpected(parsed.error());
  return {};
}

std::expected<void, std::string> sftp_upload(const SftpTarget& target,
                                             const std::filesystem::path& local,
                                             std::string_view remote_name) {
  const std::string where = fmt::format("sftp://{}@{}:{}", target.user, target.host, target.port);
  auto fail = [&](const std::string& why) { return std::unexpected(where + ": " + why); };

  auto pinned = parse_host_key(target.host_key);
  if (!pinned) return fail(pinned.error());

  std::ifstream in(local, std::ios::binary);
  if (!in) return fail("cannot read " + local.string());

  Session session(ssh_new());
  if (!session) return fail("cannot create an SSH session");
  ssh_session s = session.get();
  const unsigned int port = static_cast<unsigned int>(target.port);
  const long timeout = static_cast<long>(target.timeout.count());
  const int no = 0;
  // The pinned key alone decides who the server is: no ~/.ssh/config, no known_hosts files,
  // and only the pinned key's algorithm offered, so the server shows the key we can compare.
  std::string algorithms = pinned->type;
  if (algorithms == "ssh-rsa") algorithms = "rsa-sha2-512,rsa-sha2-256,ssh-rsa";
  if (ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no) != SSH_OK ||
      ssh_options_set(s, SSH_OPTIONS_HOST, target.host.c_str()) != SSH_OK ||
      ssh_options_set(s, SSH_OPTIONS_PORT, &port) != SSH_OK ||
      ssh_options_set(s, SSH_OPTIONS_USER, target.user.c_str()) != SSH_OK ||
      ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout) != SSH_OK ||
      ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, "/dev/null") != SSH_OK ||
      ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null") != SSH_OK ||
      ssh_options_set(s, SSH_OPTIONS_HOSTKEYS, algorithms.c_str()) != SSH_OK) {
    return fail(std::string("SSH options refused: ") + ssh_get_error(s));
  }
  if (ssh_connect(s) != SSH_OK) return fail(std::string("cannot connect: ") + ssh_get_error(s));

  ssh_key seen_raw = nullptr;
  if (ssh_get_server_publickey(s, &seen_raw) != SSH_OK || seen_raw == nullptr) {
    return fail("the server showed no host key");
  }
  Key seen(seen_raw);
  if (ssh_key_cmp(seen.get(), pinned->key.get(), SSH_KEY_CMP_PUBLIC) != 0) {
    return fail(fmt::format(
        "the server's host key {} ({}) is not the one pinned in sftp_host_key ({}); refusing to "
        "send anything (if the server's key really changed, pin the new one)",
        fingerprint(seen.get()), ssh_key_type_to_char(ssh_key_type(seen.get())),
        fingerprint(pinned->key.get())));
  }

  ssh_key private_raw = nullptr;
  if (ssh_pki_import_privkey_file(target.key_file.c_str(), nullptr, nullptr, nullptr,
                                  &private_raw) != SSH_OK ||
      private_raw == nullptr) {
    return fail("cannot read the private key " + target.key_file.string() +
                " (it must be readable, and not protected by a passphrase)");
  }
  Key private_key(private_raw);
  if (ssh_userauth_publickey(s, nullptr, private_key.get()) != SSH_AUTH_SUCCESS) {
    return fail("the server refused the key " + target.key_file.string() + " for user " +
                target.user);
  }

  Sftp sftp(sftp_new(s));
  if (!sftp) return fail(std::string("cannot open the SFTP subsystem: ") + ssh_get_error(s));
  if (sftp_init(sftp.get()) != SSH_OK) {
    return fail("cannot start SFTP: " + sftp_why(sftp.get(), s));
  }

  // A dot name, so a pickup job watching for *.csv never takes half a file.
  const std::string final_path = remote_path(target.dir, remote_name);
  const std::string temp_path = remote_path(target.dir, "." + std::string(remote_name) + ".part");
  {
    File file(sftp_open(sftp.get(), temp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0640));
    if (!file) return fail("cannot create " + temp_path + ": " + sftp_why(sftp.get(), s));
    std::array<char, std::size_t{32} * 1024> chunk{};  // within every server's SFTP packet limit
    while (in) {
      in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
      const auto n = static_cast<std::size_t>(in.gcount());
      std::size_t done = 0;
      while (done < n) {
        const ssize_t wrote = sftp_write(file.get(), chunk.data() + done, n - done);
        if (wrote <= 0) {
          const std::string why = sftp_why(sftp.get(), s);
          file.reset();
          sftp_unlink(sftp.get(), temp_path.c_str());
          return fail(fmt::format("writing {} failed: {}", temp_path, why));
        }
        done += static_cast<std::size_t>(wrote);
      }
    }
    if (in.bad()) {
      file.reset();
      sftp_unlink(sftp.get(), temp_path.c_str());
      return fail("reading " + local.string() + " failed");
    }
    // Closing is when the server reports a failed write: check it, not only the writes.
    if (sftp_close(file.release()) != SSH_NO_ERROR) {
      sftp_unlink(sftp.get(), temp_path.c_str());
      return fail("closing " + temp_path + " failed: " + sftp_why(sftp.get(), s));
    }
  }
  if (sftp_rename(sftp.get(), temp_path.c_str(), final_path.c_str()) != SSH_NO_ERROR) {
    // SFTP v3 (OpenSSH) refuses to rename over an existing file: remove it, then rename.
    sftp_unlink(sftp.get(), final_path.c_str());
    if (sftp_rename(sftp.get(), temp_path.c_str(), final_path.c_str()) != SSH_NO_ERROR) {
      const std::string why = sftp_why(sftp.get(), s);
      sftp_unlink(sftp.get(), temp_path.c_str());
      return fail("cannot rename " + temp_path + " to " + final_path + ": " + why);
    }
  }
  return {};
}

}  // namespace careerlink::tracker
