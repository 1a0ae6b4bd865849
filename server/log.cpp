#include "log.hpp"

#include <chrono>
#include <ctime>

namespace mojifinder {

void write_log_line(std::string_view line) {
    using namespace std::chrono;
    auto now = system_clock::now();
    std::time_t t = system_clock::to_time_t(now);
    std::tm utc{};
    gmtime_r(&t, &utc);
    auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
    // One fmt::print per line: stdio's lock keeps lines from different
    // threads whole.
    fmt::print(stderr, "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z {}\n", utc.tm_year + 1900,
               utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, ms, line);
}

}  // namespace mojifinder
