// Flow: LISTEN_PID must be this process's pid (else nothing is passed to it);
// LISTEN_FDS is the count, from 3 up; LISTEN_FDNAMES, colon-separated, names
// each one (empty names kept, as systemd keeps them). Every name but `http`
// serves the line protocol.
#include "activation.hpp"

#include "config.hpp"
#include "line.hpp"

#include <fmt/format.h>


namespace mojifinder::protocol {
namespace {

std::vector<std::string> split_names(std::string_view list) {
    std::vector<std::string> names;
    for (;;) {
        auto colon = list.find(':');
        names.emplace_back(list.substr(0, colon));
        if (colon == std::string_view::npos) return names;
        list.remove_prefix(colon + 1);
    }
}

activation_plan failed(std::string why) { return {{}, std::move(why)}; }

}  // namespace

activation_plan plan_activation(const listen_environment& env, long own_pid) {
    if (!env.pid || !env.fds) return {};
    auto pid = whole_number<long>(*env.pid);
    if (!pid) return failed(fmt::format("LISTEN_PID={:?} is not a process id", *env.pid));
    if (*pid != own_pid) return {};
    auto count = whole_number<int>(*env.fds);
    if (!count || !config::listen_fds_bounds.contains(*count))
        return failed(fmt::format("LISTEN_FDS={:?} is not a number of descriptors from {} to {}", *env.fds,
                                  config::listen_fds_bounds.min, config::listen_fds_bounds.max));
    auto n = static_cast<std::size_t>(*count);
    if (n == 0) return {};
    std::vector<std::string> names;
    if (env.fdnames) {
        names = split_names(*env.fdnames);
        if (names.size() != n)
            return failed(fmt::format("LISTEN_FDNAMES={:?} names {} descriptor{} of LISTEN_FDS={}", *env.fdnames,
                                      names.size(), names.size() == 1 ? "" : "s", n));
    } else {
        names.assign(n, "unknown");
    }
    activation_plan plan;
    for (std::size_t i = 0; i < n; ++i) {
        listener_kind kind = names[i] == http_fdname ? listener_kind::http : listener_kind::line;
        plan.sockets.push_back({first_listen_fd + static_cast<int>(i), std::move(names[i]), kind});
    }
    return plan;
}

}  // namespace mojifinder::protocol
