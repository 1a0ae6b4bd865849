#pragma once
#include "config.hpp"

namespace mojifinder {

// Builds the index, listens, serves until SIGINT or SIGTERM; returns the exit
// status (0 after a clean shutdown).
int run_server(const config& cfg);

}  // namespace mojifinder
