#pragma once
// Flow: socket activation, sans I/O. The server reads LISTEN_PID, LISTEN_FDS
// and LISTEN_FDNAMES (sd_listen_fds(3)) and its own pid; plan_activation()
// turns them into the descriptors to adopt, each with the kind of session it
// serves, or says why the values are wrong. server/socket_activation.cpp checks and
// adopts the descriptors themselves.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mojifinder::protocol {

// The variables as the process found them; nullopt when unset.
struct listen_environment {
    std::optional<std::string> pid;      // LISTEN_PID
    std::optional<std::string> fds;      // LISTEN_FDS
    std::optional<std::string> fdnames;  // LISTEN_FDNAMES
};

// The first passed descriptor (SD_LISTEN_FDS_START); the others follow it.
inline constexpr int first_listen_fd = 3;

// What a passed descriptor serves: `http` (the name mojifinderd-http.socket's
// FileDescriptorName= gives) is HTTP; every other name (`line`, `unknown`, a
// unit's default name, or no name at all) the line protocol.
enum class listener_kind : std::uint8_t { line, http };
inline constexpr std::string_view http_fdname = "http";

struct passed_socket {
    int fd;
    std::string name;  // from LISTEN_FDNAMES; "unknown" when it names none
    listener_kind kind;

    bool operator==(const passed_socket&) const = default;
};

struct activation_plan {
    // Empty with no error: nothing was passed to this process; bind as configured.
    std::vector<passed_socket> sockets;
    // Set when the variables are meant for this process but malformed: the
    // server says so and exits 1.
    std::string error;
};

// The sockets `env` passes to the process `own_pid`. Values meant for
// another process (LISTEN_PID absent or not own_pid, as after a fork) pass
// nothing, as do LISTEN_FDS absent or 0. LISTEN_FDNAMES, when set, must name
// every descriptor (a colon-separated list of LISTEN_FDS names), as
// sd_listen_fds_with_names(3) requires.
activation_plan plan_activation(const listen_environment& env, long own_pid);

}  // namespace mojifinder::protocol
