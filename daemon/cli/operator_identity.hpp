// Who is at the command line, for the audit trail: "cli:<user>" from "cli@<host>". Under sudo the
// invoking user is named, not root, so an audit line points at a person.
#pragma once

#include <string>

namespace careerlink::cli {

std::string operator_actor();
std::string operator_origin();

}  // namespace careerlink::cli
