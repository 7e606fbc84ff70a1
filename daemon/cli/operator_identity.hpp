// Who is at the command line, for the audit trail: "cli:<user>" from "cli@<host>". Under sudo the
// invoking user is named, not root, so an audit line points at a person.
#pragma once

#include <string>

namespace careerlink {
class Store;
}

namespace careerlink::cli {

std::string operator_actor();
std::string operator_origin();

// Writes one audit event by the person at the command line. On failure says so on stderr and
// returns false: the caller decides whether the command may still succeed.
bool audit(Store& store, std::string action, std::string object, std::string detail);

}  // namespace careerlink::cli
