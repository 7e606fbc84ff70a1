// One file to an SFTP server with libssh: key auth only, the server's host key pinned in the
// config (never ~/.ssh/known_hosts), written under a temporary name and renamed into place so a
// reader on the server never sees half a file.
#pragma once

#include <chrono>
#include <expected>
#include <filesystem>
#include <string>
#include <string_view>

namespace careerlink::tracker {

struct SftpTarget {
  std::string host;
  int port = 22;
  std::string user;
  std::filesystem::path key_file;  // the client's private key (OpenSSH format, no passphrase)
  std::string host_key;            // "ssh-ed25519 AAAA..." as in known_hosts (after the host)
  std::string dir;                 // remote folder; "" = the login folder
  std::chrono::seconds timeout{30};
};

// Uploads `local` as <dir>/<remote_name>. An error says what failed (connect, host key with
// the SHA256 fingerprint seen, auth, write, rename); it never holds key material.
std::expected<void, std::string> sftp_upload(const SftpTarget& target,
                                             const std::filesystem::path& local,
                                             std::string_view remote_name);

// Checks that `host_key` parses as a public key ("type base64 [comment]"); the error says why.
std::expected<void, std::string> check_host_key(std::string_view host_key);

}  // namespace careerlink::tracker
