// mojifinder-picker-bench: from a key to the redrawn screen, for mojifinder
// --pick (issue 14's target: <= 16 ms at p99 on a local server, answers up
// to 10,000 lines). Flow: start the picker on a pseudo-terminal of 80x24
// (forkpty) against a running mojifinderd; wait for its first frame; then,
// ROUNDS times, type each query a key at a time: write the key, read the
// picker's output until a frame (they all end with "\x1b[?25h") shows the
// answer to the new query ("N found" or an "error:" on its status line; the
// frame drawn at once for the key itself says "searching..."), and record the
// time; Ctrl-U clears the query between queries. Prints a summary on
// standard error and one JSON line on standard output for bench/run.
#include "histogram.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;
constexpr std::string_view frame_end = "\x1b[?25h";  // client/picker.hpp's frame_end

class picker_process {
public:
    picker_process(const std::string& client, std::uint16_t port, const std::string& state_dir) {
        winsize size{};
        size.ws_col = 80;
        size.ws_row = 24;
        pid_ = ::forkpty(&fd_, nullptr, nullptr, &size);
        if (pid_ < 0) throw std::runtime_error("forkpty failed");
        if (pid_ == 0) {
            ::setenv("XDG_STATE_HOME", state_dir.c_str(), 1);  // no recently picked list
            ::setenv("TERM", "xterm-256color", 1);
            std::string port_text = std::to_string(port);
            ::execl(client.c_str(), client.c_str(), "--port", port_text.c_str(), "--pick", "--no-copy",
                    static_cast<char*>(nullptr));
            ::_exit(127);
        }
    }
    ~picker_process() {
        ::kill(pid_, SIGTERM);
        ::waitpid(pid_, nullptr, 0);
        ::close(fd_);
    }
    picker_process(const picker_process&) = delete;
    picker_process& operator=(const picker_process&) = delete;

    void write_key(std::string_view bytes) {
        if (::write(fd_, bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size()))
            throw std::runtime_error("cannot write to the picker");
    }

    // Reads frames until one contains one of `wanted`; returns that frame.
    std::string read_frame_with(std::initializer_list<std::string_view> wanted) {
        auto deadline = clock_type::now() + std::chrono::seconds(10);
        for (;;) {
            std::size_t end;
            while ((end = output_.find(frame_end)) != std::string::npos) {
                std::string frame = output_.substr(0, end);
                output_.erase(0, end + frame_end.size());
                for (std::string_view w : wanted)
                    if (frame.find(w) != std::string::npos) return frame;
            }
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now()).count();
            pollfd p{fd_, POLLIN, 0};
            if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) <= 0)
                throw std::runtime_error(fmt::format("no frame with {} within 10 s", *wanted.begin()));
            char buffer[65536];
            ssize_t n = ::read(fd_, buffer, sizeof buffer);
            if (n <= 0) throw std::runtime_error("the picker ended");
            output_.append(buffer, static_cast<std::size_t>(n));
        }
    }

private:
    pid_t pid_ = -1;
    int fd_ = -1;
    std::string output_;
};

// The N of "N found" in a frame; 0 when it has none.
std::size_t found_in(const std::string& frame) {
    std::size_t at = frame.find(" found");
    if (at == std::string::npos) return 0;
    std::size_t start = at;
    while (start > 0 && frame[start - 1] >= '0' && frame[start - 1] <= '9') --start;
    return std::strtoul(frame.substr(start, at - start).c_str(), nullptr, 10);
}

}  // namespace

int main(int argc, char** argv) {
    std::uint16_t port = 2323;
    std::string client = (std::filesystem::path(argv[0]).parent_path() / "mojifinder").string();
    unsigned rounds = 5;
    // Each typed a key at a time: every prefix is a query. Answers from a
    // few lines to gc:So's 7,115; the first key of some is bigger ("c*":
    // 109,372, "s*": 29,667), reported apart from the target's.
    std::vector<std::string> queries = {"cat face", "smiling", "arrow left", "gc:So", "emoji:yes",
                                        "age:14.0", "script:greek", "block:arrows", "chess black"};
    CLI::App app("From a key to the redrawn screen in mojifinder --pick, through a pseudo-terminal.",
                 "mojifinder-picker-bench");
    app.add_option("--port", port, "mojifinderd's port on 127.0.0.1")->capture_default_str();
    app.add_option("--client", client, "the mojifinder binary")->capture_default_str();
    app.add_option("--rounds", rounds, "times each query is typed")->capture_default_str()->check(CLI::Range(1, 1000));
    app.add_option("QUERY", queries, "queries to type (default: a mix)");
    CLI11_PARSE(app, argc, argv);

    std::filesystem::path state = std::filesystem::temp_directory_path() / fmt::format("mojifinder-picker-bench.{}", ::getpid());
    std::filesystem::create_directories(state);
    mojifinder::bench::histogram latency;  // every key
    mojifinder::bench::histogram target;   // keys whose answer has at most target_found lines
    constexpr std::size_t target_found = 10000;
    std::size_t max_found = 0;
    try {
        picker_process picker(client, port, state.string());
        picker.read_frame_with({"type to search"});
        for (unsigned r = 0; r < rounds; ++r) {
            for (const std::string& query : queries) {
                for (char c : query) {
                    auto start = clock_type::now();
                    picker.write_key(std::string_view(&c, 1));
                    std::string frame = picker.read_frame_with({" found", "error: "});
                    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now() - start).count();
                    latency.record(static_cast<std::uint64_t>(ns));
                    std::size_t found = found_in(frame);
                    if (found <= target_found) target.record(static_cast<std::uint64_t>(ns));
                    max_found = std::max(max_found, found);
                }
                picker.write_key("\x15");  // Ctrl-U
                picker.read_frame_with({"type to search"});
            }
        }
        picker.write_key("\x1b");
    } catch (const std::exception& e) {
        std::filesystem::remove_all(state);
        fmt::print(stderr, "mojifinder-picker-bench: {}\n", e.what());
        return 1;
    }
    std::filesystem::remove_all(state);
    auto ms = [](std::uint64_t ns) { return static_cast<double>(ns) / 1e6; };
    fmt::print(stderr,
               "key to redrawn screen: {} keys with answers up to {} lines: p50 {:.2f} ms, p99 {:.2f} ms, max {:.2f} ms; "
               "all {} keys (largest answer {} found): p99 {:.2f} ms, max {:.2f} ms\n",
               target.count(), target_found, ms(target.percentile(50)), ms(target.percentile(99)), ms(target.max()),
               latency.count(), max_found, ms(latency.percentile(99)), ms(latency.max()));
    fmt::print("{{\"keys\":{},\"p50_ms\":{:.3f},\"p99_ms\":{:.3f},\"max_ms\":{:.3f},\"all_keys\":{},"
               "\"all_p99_ms\":{:.3f},\"all_max_ms\":{:.3f},\"max_found\":{}}}\n",
               target.count(), ms(target.percentile(50)), ms(target.percentile(99)), ms(target.max()), latency.count(),
               ms(latency.percentile(99)), ms(latency.max()), max_found);
    return 0;
}
