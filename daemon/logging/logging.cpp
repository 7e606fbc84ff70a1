#include "daemon/logging/logging.hpp"
