#pragma once
// Test support: the real binaries as child processes, and plain blocking
// sockets with deadlines, so integration tests see exactly the bytes a user's
// telnet or nc would.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mojifinder::testing {

using namespace std::chrono_literals;

// Descriptors a child gets as socket activation passes them (standing in
// for systemd, which holds its listening sockets across restarts): `fds`
// become the child's 3, 4, ..., with LISTEN_PID set to the child's pid,
// LISTEN_FDS to their count and, unless `names` is nullopt, LISTEN_FDNAMES
// to `names`. The caller keeps its own descriptors open.
struct passed_descriptors {
    std::vector<int> fds;
    std::optional<std::string> names;
};

// A child process with its standard input, output and error on pipes.
class child_process {
public:
    // argv[0] is the program's path; `stdin_data` is written and then closed
    // (unless keep_stdin_open).
    explicit child_process(const std::vector<std::string>& argv, std::string stdin_data = {},
                           bool keep_stdin_open = false, const passed_descriptors& passed = {});
    ~child_process();
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;

    int pid() const noexcept { return pid_; }

    // One line of standard output (without its LF), or nullopt at EOF or timeout.
    std::optional<std::string> read_stdout_line(std::chrono::milliseconds timeout = 10s);

    // Sends a signal; then waits for the exit status (128+signal if killed).
    void signal(int signo);
    // Waits for exit; nullopt on timeout. Afterwards stdout()/stderr() hold everything.
    std::optional<int> wait(std::chrono::milliseconds timeout = 20s);
    // Collects standard error until it contains `text`, while the child runs:
    // to see a log line as it happens. False on timeout.
    bool wait_for_err(std::string_view text, std::chrono::milliseconds timeout = 10s);

    const std::string& out() const noexcept { return out_; }
    const std::string& err() const noexcept { return err_; }

    // Resident set size in KiB, from /proc (0 if gone).
    long rss_kib() const;
    // Open descriptors of the process, from /proc.
    int open_descriptors() const;

private:
    void pump(std::chrono::milliseconds timeout);

    int pid_ = -1;
    int in_fd_ = -1, out_fd_ = -1, err_fd_ = -1;
    std::string out_, err_;
    std::size_t out_read_ = 0;  // bytes of out_ handed out by read_stdout_line
    std::optional<int> status_;
};

// mojifinderd on 127.0.0.1 and a free port. Extra arguments are appended;
// `wrapper` goes before the server's path (e.g. prlimit and its options, which
// execs the server, so pid() is still the server's).
class server_process {
public:
    explicit server_process(std::vector<std::string> extra_args = {},
                            std::vector<std::string> wrapper = {});
    ~server_process();

    unsigned short port() const noexcept { return port_; }
    child_process& process() noexcept { return *proc_; }

    // SIGTERM, then the exit status.
    std::optional<int> stop(std::chrono::milliseconds timeout = 20s);

private:
    std::unique_ptr<child_process> proc_;
    unsigned short port_ = 0;
};

// A blocking TCP connection to 127.0.0.1 with deadlines on every wait.
class connection {
public:
    // A receive_buffer (bytes, SO_RCVBUF) is set before connecting, so the
    // window the server is offered is small from the start.
    explicit connection(unsigned short port, int receive_buffer = 0);
    ~connection();
    connection(connection&& other) noexcept;
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    void send(std::string_view bytes);
    void shutdown_write();
    // Closes with SO_LINGER 0: the peer sees a reset.
    void reset();
    // Sets SO_RCVBUF before the data flows (call right after connecting). The
    // window already offered does not shrink: data the server sends into it
    // is dropped and retransmitted with backoff, which can stall reading for
    // many seconds later; the constructor's receive_buffer avoids that.
    void set_receive_buffer(int bytes);

    // Reads until the received bytes end with `suffix`; returns them all
    // (and consumes them). Throws on timeout or EOF before that.
    std::string read_until(std::string_view suffix, std::chrono::milliseconds timeout = 10s);
    // Reads exactly n bytes.
    std::string read_exact(std::size_t n, std::chrono::milliseconds timeout = 10s);
    // Reads until the server closes; returns what came. Throws on timeout.
    std::string read_to_close(std::chrono::milliseconds timeout = 10s);
    // True when the server has closed (EOF or reset) within the timeout, with
    // nothing more sent; bytes that did come are appended to `extra`.
    bool closed_within(std::chrono::milliseconds timeout, std::string* extra = nullptr);
    // What arrives within `quiet` (may be empty): to prove the server says nothing.
    std::string read_for(std::chrono::milliseconds quiet);

    int fd() const noexcept { return fd_; }

private:
    // Appends what arrives within the deadline; false on EOF/reset.
    bool fill(std::chrono::steady_clock::time_point deadline);

    int fd_ = -1;
    std::string buffer_;
};

// A TCP socket listening on 127.0.0.1 and a free port (its port()),
// closed with the object: what a socket unit holds.
class listening_socket {
public:
    listening_socket();
    ~listening_socket();
    listening_socket(const listening_socket&) = delete;
    listening_socket& operator=(const listening_socket&) = delete;

    int fd() const noexcept { return fd_; }
    unsigned short port() const noexcept { return port_; }

private:
    int fd_ = -1;
    unsigned short port_ = 0;
};

// A port of 127.0.0.1 nobody listens on right now (for a program that binds
// it itself, such as systemd-socket-activate).
unsigned short free_port();

// The path of a built binary, from the compile definitions.
std::string server_path();
std::string client_path();

// "?> " + the answer lines + status line + "?> ": what a query gets.
std::string status_line(std::size_t count);

// What a session writes after "cat face\n": its 10 lines, the status line and
// the prompt. A well-behaved client checks it while others misbehave.
std::string cat_face_answer();

}  // namespace mojifinder::testing
