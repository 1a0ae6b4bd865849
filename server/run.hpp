#pragma once
// Flow: main.cpp hands run_server() the mapped index and where to listen;
// run.cpp listens, serves and stops.
#include "activation.hpp"
#include "config.hpp"
#include "index.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace mojifinder {

// What mojifinderd serves: the index mapped from cfg.data_path (in `opened`),
// and the sessions' default language (--lang).
struct served_data {
    const index& idx;
    index::language_id language;
    std::chrono::duration<double, std::milli> opened;
};

// Where mojifinderd listens: on the sockets socket activation passed
// (server/socket_activation.hpp), or when none were, on its own, bound to
// --host, --port and --http-port.
struct listen_setup {
    protocol::activation_plan activation;
    // Which of --host, --port and --http-port the command line gave: passed
    // sockets replace them, and the log says they are ignored.
    std::vector<std::string> given_options;
};

// Logs what it serves, listens, serves until SIGINT or SIGTERM; returns the
// exit status (0 after a clean shutdown; 1 when it cannot listen).
int run_server(const config& cfg, const served_data& data, const listen_setup& listen);

}  // namespace mojifinder
