#pragma once
// One line per event on standard error. Sessions and queries are logged unless
// quiet; start, stop and errors always are.
#include <fmt/format.h>

#include <cstdio>
#include <string_view>

namespace mojifinder {

void write_log_line(std::string_view line);

class logger {
public:
    explicit logger(bool quiet) noexcept : quiet_(quiet) {}

    bool quiet() const noexcept { return quiet_; }

    template <class... Args>
    void info(fmt::format_string<Args...> format, Args&&... args) const {
        if (!quiet_) write_log_line(fmt::format(format, std::forward<Args>(args)...));
    }

    template <class... Args>
    void always(fmt::format_string<Args...> format, Args&&... args) const {
        write_log_line(fmt::format(format, std::forward<Args>(args)...));
    }

private:
    bool quiet_;
};

}  // namespace mojifinder
