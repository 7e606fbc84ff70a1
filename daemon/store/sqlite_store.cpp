#include "daemon/store/store.hpp"
