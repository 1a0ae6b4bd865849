#include "log.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <iterator>

namespace mojifinder {

void write_log_line(std::string_view line) {
    using namespace std::chrono;
    auto now = system_clock::now();
    std::time_t t = system_clock::to_time_t(now);
    std::tm utc{};
    gmtime_r(&t, &utc);
    auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
    fmt::memory_buffer text;
    fmt::format_to(std::back_inserter(text), "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z {}\n",
                   utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min,
                   utc.tm_sec, ms, line);
    // One fwrite per line: stdio's lock keeps lines from different threads
    // whole. Its result is ignored on purpose: a log nobody reads (standard
    // error a closed pipe) must not stop the server, and fmt::print would
    // throw into the session or the signal handler that logs.
    std::fwrite(text.data(), 1, text.size(), stderr);
}

}  // namespace mojifinder
