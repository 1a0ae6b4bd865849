// Flow: child_process forks and execs with three pipes (and, standing in for
// socket activation, the passed descriptors from 3 up and LISTEN_* in its
// environment); every wait polls the pipes (so a chatty child never blocks
// on a full pipe) until its deadline.
// connection wraps a blocking socket whose reads are guarded by poll().
#include "process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string_view>

namespace mojifinder::testing {
namespace {

using clock = std::chrono::steady_clock;

int ms_until(clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
    return left < 0 ? 0 : static_cast<int>(left);
}

void check(bool ok, const char* what) {
    if (!ok) throw std::runtime_error(std::string(what) + ": " + std::strerror(errno));
}

// The child's environment: the parent's, without LISTEN_*, then those of
// `passed`. LISTEN_PID's digits are left for the child to write (its pid is
// known only after the fork, where nothing may allocate): `pid_entry` is
// set to that entry.
std::vector<std::string> child_environment(const passed_descriptors& passed, std::size_t& pid_entry) {
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e)
        if (!std::string_view(*e).starts_with("LISTEN_")) env.emplace_back(*e);
    pid_entry = env.size();
    if (passed.fds.empty()) return env;
    env.push_back("LISTEN_PID=" + std::string(20, '\0'));
    env.push_back("LISTEN_FDS=" + std::to_string(passed.fds.size()));
    if (passed.names) env.push_back("LISTEN_FDNAMES=" + *passed.names);
    return env;
}

// In the child after fork: decimal digits, no allocation.
void write_decimal(char* to, long value) {
    char digits[24];
    int n = 0;
    do {
        digits[n++] = static_cast<char>('0' + value % 10);
        value /= 10;
    } while (value > 0);
    while (n > 0) *to++ = digits[--n];
    *to = '\0';
}

// In the child after fork: `passed` to 3, 4, ... (through descriptors above
// them, so that none is overwritten before it is copied), without
// close-on-exec.
void pass_descriptors(const std::vector<int>& passed) {
    constexpr int first_passed = 3;
    constexpr int out_of_the_way = 100;
    int moved[64];
    std::size_t n = std::min(passed.size(), std::size(moved));
    for (std::size_t i = 0; i < n; ++i) moved[i] = fcntl(passed[i], F_DUPFD_CLOEXEC, out_of_the_way);
    for (std::size_t i = 0; i < n; ++i) dup2(moved[i], first_passed + static_cast<int>(i));
}

}  // namespace

child_process::child_process(const std::vector<std::string>& argv, std::string stdin_data,
                             bool keep_stdin_open, const passed_descriptors& passed) {
    int in[2], out[2], err[2];
    check(pipe2(in, O_CLOEXEC) == 0 && pipe2(out, O_CLOEXEC) == 0 && pipe2(err, O_CLOEXEC) == 0, "pipe");
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    std::size_t pid_entry = 0;
    std::vector<std::string> env = child_environment(passed, pid_entry);
    std::vector<char*> envp;
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    pid_ = fork();
    check(pid_ >= 0, "fork");
    if (pid_ == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(err[1], 2);
        if (!passed.fds.empty()) {
            pass_descriptors(passed.fds);
            write_decimal(envp[pid_entry] + std::strlen("LISTEN_PID="), static_cast<long>(getpid()));
        }
        execve(args[0], args.data(), envp.data());
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    close(err[1]);
    in_fd_ = in[1];
    out_fd_ = out[0];
    err_fd_ = err[0];
    fcntl(out_fd_, F_SETFL, O_NONBLOCK);
    fcntl(err_fd_, F_SETFL, O_NONBLOCK);
    ::signal(SIGPIPE, SIG_IGN);
    for (std::size_t done = 0; done < stdin_data.size();) {
        ssize_t n = write(in_fd_, stdin_data.data() + done, stdin_data.size() - done);
        if (n <= 0) break;
        done += static_cast<std::size_t>(n);
    }
    if (!keep_stdin_open) {
        close(in_fd_);
        in_fd_ = -1;
    }
}

child_process::~child_process() {
    if (!status_) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
    }
    for (int fd : {in_fd_, out_fd_, err_fd_})
        if (fd >= 0) close(fd);
}

void child_process::pump(std::chrono::milliseconds timeout) {
    pollfd fds[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
    if (poll(fds, 2, static_cast<int>(timeout.count())) <= 0) return;
    char buf[65536];
    for (int i = 0; i < 2; ++i) {
        int fd = i == 0 ? out_fd_ : err_fd_;
        if (fd < 0) continue;
        for (;;) {
            ssize_t n = read(fd, buf, sizeof buf);
            if (n <= 0) break;
            (i == 0 ? out_ : err_).append(buf, static_cast<std::size_t>(n));
        }
    }
}

std::optional<std::string> child_process::read_stdout_line(std::chrono::milliseconds timeout) {
    auto deadline = clock::now() + timeout;
    for (;;) {
        auto lf = out_.find('\n', out_read_);
        if (lf != std::string::npos) {
            std::string line = out_.substr(out_read_, lf - out_read_);
            out_read_ = lf + 1;
            return line;
        }
        if (clock::now() >= deadline || status_) return std::nullopt;
        pump(std::chrono::milliseconds(std::min(ms_until(deadline), 50)));
    }
}

void child_process::signal(int signo) {
    // Once reaped, the pid may already belong to another process.
    if (!status_) kill(pid_, signo);
}

std::optional<int> child_process::wait(std::chrono::milliseconds timeout) {
    auto deadline = clock::now() + timeout;
    while (!status_) {
        int status = 0;
        pid_t r = waitpid(pid_, &status, WNOHANG);
        if (r == pid_) {
            status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            break;
        }
        if (clock::now() >= deadline) return std::nullopt;
        pump(10ms);
    }
    pump(0ms);  // what the child wrote just before exiting
    for (int i = 0; i < 100; ++i) {
        std::size_t before = out_.size() + err_.size();
        pump(1ms);
        if (out_.size() + err_.size() == before) break;
    }
    return status_;
}

bool child_process::wait_for_err(std::string_view text, std::chrono::milliseconds timeout) {
    auto deadline = clock::now() + timeout;
    while (err_.find(text) == std::string::npos) {
        if (clock::now() >= deadline) return false;
        pump(std::chrono::milliseconds(std::min(ms_until(deadline), 50)));
    }
    return true;
}

long child_process::rss_kib() const {
    std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
    std::string key;
    while (status >> key) {
        if (key == "VmRSS:") {
            long kib = 0;
            status >> kib;
            return kib;
        }
    }
    return 0;
}

int child_process::open_descriptors() const {
    int n = 0;
    std::error_code ec;
    for (auto it = std::filesystem::directory_iterator("/proc/" + std::to_string(pid_) + "/fd", ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
        ++n;
    return n;
}

server_process::server_process(std::vector<std::string> extra_args,
                               std::vector<std::string> wrapper) {
    std::vector<std::string> argv = std::move(wrapper);
    argv.insert(argv.end(), {server_path(), "--port", "0"});
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    proc_ = std::make_unique<child_process>(argv);
    auto line = proc_->read_stdout_line(30s);
    if (!line) throw std::runtime_error("mojifinderd did not start: " + proc_->err());
    constexpr std::string_view prefix = "listening on 127.0.0.1:";
    if (line->rfind(prefix, 0) != 0) throw std::runtime_error("unexpected first line: " + *line);
    port_ = static_cast<unsigned short>(std::stoi(line->substr(prefix.size())));
}

server_process::~server_process() {
    if (proc_) stop(5s);
}

std::optional<int> server_process::stop(std::chrono::milliseconds timeout) {
    proc_->signal(SIGTERM);
    return proc_->wait(timeout);
}

connection::connection(unsigned short port, int receive_buffer) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    check(fd_ >= 0, "socket");
    if (receive_buffer > 0) set_receive_buffer(receive_buffer);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    check(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0, "connect");
}

connection::~connection() {
    if (fd_ >= 0) close(fd_);
}

connection::connection(connection&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), buffer_(std::move(other.buffer_)) {}

void connection::send(std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        check(n > 0, "send");
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

void connection::shutdown_write() { ::shutdown(fd_, SHUT_WR); }

void connection::reset() {
    linger l{1, 0};
    setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    close(fd_);
    fd_ = -1;
}

void connection::set_receive_buffer(int bytes) {
    setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
}

bool connection::fill(clock::time_point deadline) {
    pollfd p{fd_, POLLIN, 0};
    int r = poll(&p, 1, ms_until(deadline));
    if (r <= 0) return true;  // timeout: the caller checks the clock
    char buf[65536];
    ssize_t n = recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    buffer_.append(buf, static_cast<std::size_t>(n));
    return true;
}

std::string connection::read_until(std::string_view suffix, std::chrono::milliseconds timeout) {
    auto deadline = clock::now() + timeout;
    while (!std::string_view(buffer_).ends_with(suffix)) {
        if (clock::now() >= deadline)
            throw std::runtime_error("timeout waiting for '" + std::string(suffix) + "', got " +
                                     std::to_string(buffer_.size()) + " bytes");
        if (!fill(deadline))
            throw std::runtime_error("closed before '" + std::string(suffix) + "', got: " + buffer_);
    }
    return std::exchange(buffer_, {});
}

std::string connection::read_exact(std::size_t n, std::chrono::milliseconds timeout) {
    auto deadline = clock::now() + timeout;
    while (buffer_.size() < n) {
        if (clock::now() >= deadline) throw std::runtime_error("timeout in read_exact");
        if (!fill(deadline)) throw std::runtime_error("closed in read_exact");
    }
    std::string out = buffer_.substr(0, n);
    buffer_.erase(0, n);
    return out;
}

std::string connection::read_to_close(std::chrono::milliseconds timeout) {
    auto deadline = clock::now() + timeout;
    while (fill(deadline))
        if (clock::now() >= deadline) throw std::runtime_error("timeout waiting for close");
    return std::exchange(buffer_, {});
}

bool connection::closed_within(std::chrono::milliseconds timeout, std::string* extra) {
    auto deadline = clock::now() + timeout;
    bool open = true;
    while (open && clock::now() < deadline) open = fill(deadline);
    if (extra) *extra += buffer_;
    buffer_.clear();
    return !open;
}

std::string connection::read_for(std::chrono::milliseconds quiet) {
    auto deadline = clock::now() + quiet;
    while (clock::now() < deadline && fill(deadline)) {
    }
    return std::exchange(buffer_, {});
}

listening_socket::listening_socket() {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    check(fd_ >= 0, "socket");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    check(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0, "bind");
    check(listen(fd_, SOMAXCONN) == 0, "listen");
    socklen_t size = sizeof addr;
    check(getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &size) == 0, "getsockname");
    port_ = ntohs(addr.sin_port);
}

listening_socket::~listening_socket() { close(fd_); }

unsigned short free_port() {
    listening_socket taken;
    return taken.port();
}

std::string server_path() { return MOJIFINDERD_PATH; }
std::string client_path() { return MOJIFINDER_CLIENT_PATH; }

std::string status_line(std::size_t count) {
    std::string line;
    for (int i = 0; i < 66; ++i) line += "\u2500";
    return line + " " + std::to_string(count) + " found\r\n";
}

std::string cat_face_answer() {
    return "U+1F431\t\U0001F431\tCAT FACE\r\n"
           "U+1F638\t\U0001F638\tGRINNING CAT FACE WITH SMILING EYES\r\n"
           "U+1F639\t\U0001F639\tCAT FACE WITH TEARS OF JOY\r\n"
           "U+1F63A\t\U0001F63A\tSMILING CAT FACE WITH OPEN MOUTH\r\n"
           "U+1F63B\t\U0001F63B\tSMILING CAT FACE WITH HEART-SHAPED EYES\r\n"
           "U+1F63C\t\U0001F63C\tCAT FACE WITH WRY SMILE\r\n"
           "U+1F63D\t\U0001F63D\tKISSING CAT FACE WITH CLOSED EYES\r\n"
           "U+1F63E\t\U0001F63E\tPOUTING CAT FACE\r\n"
           "U+1F63F\t\U0001F63F\tCRYING CAT FACE\r\n"
           "U+1F640\t\U0001F640\tWEARY CAT FACE\r\n" +
           status_line(10) + "?> ";
}

}  // namespace mojifinder::testing
