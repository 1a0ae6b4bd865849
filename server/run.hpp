#pragma once
#include "config.hpp"
#include "index.hpp"

#include <chrono>

namespace mojifinder {

// What mojifinderd serves: the index mapped from cfg.data_path (in `opened`),
// and the sessions' default language (--lang).
struct served_data {
    const index& idx;
    index::language_id language;
    std::chrono::duration<double, std::milli> opened;
};

// Logs what it serves, listens, serves until SIGINT or SIGTERM; returns the
// exit status (0 after a clean shutdown).
int run_server(const config& cfg, const served_data& data);

}  // namespace mojifinder
