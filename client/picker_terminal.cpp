// mojifinder --pick on a real terminal. Flow: open /dev/tty; connect and set
// the session up (/format json, /lang, /sort relevance once: an error reply
// means code order); read the recently picked list; take the terminal (raw
// mode, the alternate screen; restored by terminal_mode's destructor on
// every way out); then loop: send the picker's next line when none is in
// flight, draw the frame when something changed, poll() the terminal, the
// socket and the signal pipe (a lone ESC waits escape_timeout for the rest
// of a sequence); SIGWINCH resizes, SIGINT/SIGTERM/SIGHUP leave. After the
// terminal is restored: print the pick, copy it (OSC 52; wl-copy or xclip
// too when their display is there), remember it.
#include "picker_terminal.hpp"

#include "connection.hpp"
#include "terminal.hpp"

#include <boost/archive/iterators/base64_from_binary.hpp>
#include <boost/archive/iterators/transform_width.hpp>
#include <fmt/format.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>

namespace mojifinder::client {
namespace {

using protocol::server_item;
using protocol::server_item_kind;

// A terminal writes a key's whole escape sequence at once, so its bytes come
// in one read; 50 ms is for a sequence an SSH hop splits (vim waits 100 ms,
// ncurses' ESCDELAY 1 s: Esc would feel slow).
constexpr int escape_timeout_ms = 50;
// More picks than a tall terminal's list shows; the file stays a few KiB.
constexpr std::size_t recent_kept = 50;

// The signal handlers' only way to the loop: the signal's number, one byte.
int signal_pipe[2] = {-1, -1};

extern "C" void on_signal(int signo) {
    int saved = errno;
    auto byte = static_cast<unsigned char>(signo);
    [[maybe_unused]] auto n = ::write(signal_pipe[1], &byte, 1);
    errno = saved;
}

constexpr std::array handled_signals{SIGWINCH, SIGINT, SIGTERM, SIGHUP};

void write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;  // the terminal is gone: nothing to draw on
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

// The terminal in raw mode on the alternate screen while it lives; its
// modes and screen as they were after.
class terminal_mode {
public:
    explicit terminal_mode(int fd) : fd_(fd) {
        if (::tcgetattr(fd_, &saved_) != 0) throw client_error(fmt::format("--pick: the terminal: {}", std::strerror(errno)));
        termios raw = saved_;
        // No echo, no line editing, no signals from Ctrl-C (a key here), no
        // CR->NL; output processing stays (the frame moves the cursor itself).
        raw.c_iflag &= ~static_cast<tcflag_t>(BRKINT | ICRNL | INPCK | ISTRIP | IXON);
        raw.c_lflag &= ~static_cast<tcflag_t>(ECHO | ICANON | IEXTEN | ISIG);
        raw.c_cflag |= CS8;
        raw.c_cc[VMIN] = 1;
        raw.c_cc[VTIME] = 0;
        ::tcsetattr(fd_, TCSADRAIN, &raw);
        write_all(fd_, "\x1b[?1049h");  // the alternate screen: the shell's screen comes back after
    }
    ~terminal_mode() {
        write_all(fd_, "\x1b[?1049l\x1b[?25h\x1b[0m");
        ::tcsetattr(fd_, TCSADRAIN, &saved_);
    }
    terminal_mode(const terminal_mode&) = delete;
    terminal_mode& operator=(const terminal_mode&) = delete;

private:
    int fd_;
    termios saved_{};
};

// Handlers for the picker's signals while it lives; the old ones after.
class signal_catcher {
public:
    signal_catcher() {
        if (::pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
            throw client_error(fmt::format("--pick: pipe: {}", std::strerror(errno)));
        struct sigaction action {};
        action.sa_handler = on_signal;
        sigemptyset(&action.sa_mask);
        for (std::size_t i = 0; i < handled_signals.size(); ++i) ::sigaction(handled_signals[i], &action, &saved_[i]);
    }
    ~signal_catcher() {
        for (std::size_t i = 0; i < handled_signals.size(); ++i) ::sigaction(handled_signals[i], &saved_[i], nullptr);
        ::close(signal_pipe[0]);
        ::close(signal_pipe[1]);
    }
    signal_catcher(const signal_catcher&) = delete;
    signal_catcher& operator=(const signal_catcher&) = delete;

private:
    std::array<struct sigaction, handled_signals.size()> saved_{};
};

class tty_file {
public:
    tty_file() : fd_(::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY)) {
        if (fd_ < 0) throw client_error(fmt::format("--pick needs a terminal: /dev/tty: {}", std::strerror(errno)));
    }
    ~tty_file() { ::close(fd_); }
    tty_file(const tty_file&) = delete;
    tty_file& operator=(const tty_file&) = delete;
    int fd() const noexcept { return fd_; }

private:
    int fd_;
};

// https://no-color.org, and terminals terminfo calls monochrome: dumb,
// the VT100 family, and the "-m"/"-mono" variants (xterm-mono).
bool use_color() {
    const char* no_color = std::getenv("NO_COLOR");
    if (no_color != nullptr && *no_color != '\0') return false;
    const char* term_env = std::getenv("TERM");
    std::string_view term = term_env == nullptr ? "" : term_env;
    if (term.empty() || term == "dumb" || term.starts_with("vt1") || term.starts_with("vt2")) return false;
    return !term.ends_with("-m") && !term.ends_with("-mono");
}

void resize(picker::picker& core, int fd) {
    winsize size{};
    if (::ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0 && size.ws_row > 0) core.resize(size.ws_col, size.ws_row);
}

std::vector<picker::item> load_recent(const std::optional<std::filesystem::path>& file) {
    std::vector<picker::item> recent;
    if (!file) return recent;
    std::ifstream in(*file);
    std::string line;
    while (recent.size() < recent_kept && std::getline(in, line))
        if (auto it = picker::parse_item(line)) recent.push_back(std::move(*it));
    return recent;
}

// The pick first, then the others but a repeat of it.
void save_recent(const std::optional<std::filesystem::path>& file, const picker::item& picked,
                 const std::vector<picker::item>& recent) {
    if (!file) return;
    std::filesystem::path temporary = *file;
    temporary += ".new";
    {
        std::ofstream out(temporary, std::ios::trunc);
        out << picked.json << '\n';
        std::size_t kept = 1;
        for (const picker::item& it : recent)
            if (it.cp != picked.cp && kept++ < recent_kept) out << it.json << '\n';
        if (!out.flush()) return;  // a read-only home: the pick still stands
    }
    std::error_code ec;
    std::filesystem::rename(temporary, *file, ec);  // whole or not at all
}

// A program of that name on PATH.
bool on_path(std::string_view program) {
    const char* path = std::getenv("PATH");
    if (path == nullptr) return false;
    std::string_view dirs = path;
    while (!dirs.empty()) {
        std::string_view dir = dirs.substr(0, dirs.find(':'));
        dirs.remove_prefix(std::min(dirs.size(), dir.size() + 1));
        if (!dir.empty() && ::access(fmt::format("{}/{}", dir, program).c_str(), X_OK) == 0) return true;
    }
    return false;
}

// A local graphical session's clipboard tool, beside OSC 52 (which a
// terminal may ignore): wl-copy under Wayland, xclip under X.
void copy_with_tool(std::string_view text) {
    const char* command = nullptr;
    const char* wayland = std::getenv("WAYLAND_DISPLAY");
    const char* x11 = std::getenv("DISPLAY");
    if (wayland != nullptr && *wayland != '\0' && on_path("wl-copy")) command = "wl-copy 2>/dev/null";
    else if (x11 != nullptr && *x11 != '\0' && on_path("xclip")) command = "xclip -selection clipboard 2>/dev/null";
    if (command == nullptr) return;
    std::FILE* pipe = ::popen(command, "w");
    if (pipe == nullptr) return;
    std::fwrite(text.data(), 1, text.size(), pipe);
    ::pclose(pipe);
}

// The server's lines until one reply is whole.
struct reply_collector {
    picker::reply reply;

    // True when `item` ended a reply (then `reply` holds it).
    bool take(const server_item& item) {
        switch (item.kind) {
        case server_item_kind::match:
            if (auto it = picker::parse_item(item.line)) reply.items.push_back(std::move(*it));
            return false;
        case server_item_kind::status:
            reply.found = item.count;
            reply.shown = item.shown;
            reply.hint = std::string(item.text);
            return false;
        case server_item_kind::error: reply.error = std::string(item.text); return false;
        case server_item_kind::ok: reply.ok = std::string(item.text); return false;
        case server_item_kind::answer_end: return true;
        default: return false;  // prompt, help: nothing to show
        }
    }
};

// A session set up for the picker: JSON answers, the language, relevance
// order when the server has it.
std::unique_ptr<connection> open_session(const picker_options& opt, const std::string& language, bool& relevance) {
    auto conn = std::make_unique<connection>(opt.host, opt.port);
    answer json = conn->ask("/format json", nullptr);
    if (!json.error.empty() || !json.acknowledged)
        throw client_error("--pick: the server takes no /format json (version 1, or --classic)");
    if (!language.empty()) {
        answer lang = conn->ask(fmt::format("/lang {}", language), nullptr);
        if (!lang.error.empty()) throw client_error(fmt::format("/lang {}: server error: {}", language, lang.error));
    }
    relevance = conn->ask("/sort relevance", nullptr).error.empty();
    return conn;
}

enum class ending { picked, left, signal };

}  // namespace

std::string osc52(std::string_view text) {
    using namespace boost::archive::iterators;
    using encoder = base64_from_binary<transform_width<const char*, 6, 8>>;
    std::string encoded(encoder(text.data()), encoder(text.data() + text.size()));
    encoded.append((3 - text.size() % 3) % 3, '=');  // the iterators write no padding
    return fmt::format("\x1b]52;c;{}\x07", encoded);
}

int run_picker(const picker_options& opt) {
    tty_file tty;
    bool relevance = false;
    std::unique_ptr<connection> conn = open_session(opt, opt.language.value_or(""), relevance);
    std::optional<std::filesystem::path> recent_file = state_file("picked");
    picker::picker core(load_recent(recent_file), opt.language.value_or("en"));
    core.set_relevance(relevance);
    bool color = use_color();

    ending end = ending::left;
    int caught = 0;
    {
        signal_catcher signals;
        terminal_mode mode(tty.fd());
        resize(core, tty.fd());
        picker::key_decoder keys;
        reply_collector collector;
        bool dirty = true;
        while (core.state() == picker::outcome::running && caught == 0) {
            if (auto line = core.next_request()) conn->send(*line);
            if (dirty) {
                write_all(tty.fd(), picker::to_terminal(core.render(), color));
                dirty = false;
            }
            std::array<pollfd, 3> fds{{{tty.fd(), POLLIN, 0}, {conn->native_handle(), POLLIN, 0}, {signal_pipe[0], POLLIN, 0}}};
            int n = ::poll(fds.data(), fds.size(), keys.waiting() ? escape_timeout_ms : -1);
            if (n < 0 && errno != EINTR) throw client_error(fmt::format("--pick: poll: {}", std::strerror(errno)));
            if (n == 0) keys.expire_escape();
            if (n > 0 && (fds[2].revents & POLLIN) != 0) {
                unsigned char signo = 0;
                while (::read(signal_pipe[0], &signo, 1) == 1) {
                    if (signo == SIGWINCH) resize(core, tty.fd());
                    else caught = signo;
                }
                dirty = true;
            }
            if (n > 0 && fds[1].revents != 0) {
                conn->read_available();
                for (server_item item = conn->take_item(); item.kind != server_item_kind::need_more;
                     item = conn->take_item()) {
                    if (item.kind == server_item_kind::closed || item.kind == server_item_kind::truncated ||
                        item.kind == server_item_kind::malformed)
                        conn->fail(item);
                    if (!collector.take(item)) continue;
                    picker::reply reply = std::exchange(collector.reply, {});
                    if (core.waiting()) {
                        core.on_reply(reply);
                    } else if (reply.error == "idle timeout") {
                        // Unasked: the server ended the idle session. A new one
                        // carries on where the user is.
                        conn = open_session(opt, core.language(), relevance);
                        core.reconnected();
                        break;
                    } else {
                        throw client_error(fmt::format("the server ended the session: {}", reply.error));
                    }
                    dirty = true;
                }
            }
            if (n > 0 && fds[0].revents != 0) {
                std::array<char, 4096> buffer{};
                ssize_t got = ::read(tty.fd(), buffer.data(), buffer.size());
                if (got == 0 || (got < 0 && errno != EINTR && errno != EAGAIN))
                    throw client_error("--pick: the terminal went away");
                if (got > 0) keys.feed({buffer.data(), static_cast<std::size_t>(got)});
            }
            while (auto k = keys.next()) {
                core.on_key(*k);
                dirty = true;
            }
        }
        if (core.state() == picker::outcome::picked) end = ending::picked;
        else if (caught != 0) end = ending::signal;
    }  // the terminal and the signal handlers as they were

    if (end == ending::signal) {
        std::signal(caught, SIG_DFL);
        std::raise(caught);
        return 128 + caught;  // a signal the process ignored before
    }
    if (end == ending::left) return 1;
    const picker::item& picked = core.picked();
    fmt::print("{}\n", picker::printed(picked, opt.print));
    std::fflush(stdout);
    if (opt.copy) {
        write_all(tty.fd(), osc52(picked.character));
        copy_with_tool(picked.character);
    }
    save_recent(recent_file, picked, core.recent());
    return 0;
}

}  // namespace mojifinder::client
