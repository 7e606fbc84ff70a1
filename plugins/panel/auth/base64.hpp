// Base64 in the two spellings sign-in needs: base64url without padding (RFC 4648 section 5; JWS,
// JWK, PKCE and tokens in URLs) and standard base64 without padding (the PHC password string
// format). Decoders are strict: they accept only the canonical encoding, so one value has one
// spelling.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace careerlink::panel::auth {

std::string base64url_encode(std::string_view bytes);
// nullopt for characters outside the alphabet, padding, impossible lengths or non-zero
// trailing bits.
std::optional<std::string> base64url_decode(std::string_view text);

std::string base64_encode_unpadded(std::string_view bytes);
// Standard base64 with padding (HTTP Basic authentication).
std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode_unpadded(std::string_view text);

}  // namespace careerlink::panel::auth
