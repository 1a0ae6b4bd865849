#include "terminal.hpp"

#include <editline/readline.h>
#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <clocale>
#include <cstdlib>
#include <memory>
#include <system_error>

namespace mojifinder::client {
namespace {

constexpr std::string_view crlf = "\r\n";
constexpr int history_entries = 1000;

std::string_view without_crlf(std::string_view line) noexcept {
    if (line.ends_with(crlf)) line.remove_suffix(crlf.size());
    return line;
}

// https://no-color.org: set and not empty.
bool no_color() noexcept {
    const char* value = std::getenv("NO_COLOR");
    return value != nullptr && *value != '\0';
}

}  // namespace

bool is_terminal(std::FILE* stream) noexcept { return ::isatty(::fileno(stream)) == 1; }

unsigned terminal_rows(std::FILE* stream) noexcept {
    winsize size{};
    if (::ioctl(::fileno(stream), TIOCGWINSZ, &size) != 0) return 0;
    return size.ws_row;
}

answer_printer::answer_printer(std::FILE* out)
    : out_(out), terminal_(is_terminal(out)), bold_(terminal_ && !no_color()) {}

void answer_printer::write(std::string_view bytes) { std::fwrite(bytes.data(), 1, bytes.size(), out_); }

void answer_printer::match(std::string_view line) {
    if (!terminal_) return write(line);
    if (line.starts_with('{')) return this->line(line);  // JSON mode
    // U+1F431 <TAB> 🐱 <TAB> CAT FACE
    std::string_view body = without_crlf(line);
    std::size_t first = body.find('\t');
    std::size_t second = body.find('\t', first + 1);
    if (!bold_ || second == std::string_view::npos) return fmt::print(out_, "{}\n", body);
    fmt::print(out_, "{}\x1b[1m{}\x1b[0m{}\n", body.substr(0, first + 1),
               body.substr(first + 1, second - first - 1), body.substr(second));
}

void answer_printer::line(std::string_view line) {
    if (!terminal_) return write(line);
    fmt::print(out_, "{}\n", without_crlf(line));
}

void answer_printer::note(std::string_view text) {
    if (terminal_) fmt::print(out_, "{}\n", text);
}

bool answer_printer::flush() { return std::fflush(out_) == 0 && !std::ferror(out_); }

std::optional<std::filesystem::path> state_file(std::string_view name) {
    std::filesystem::path base;
    const char* state = std::getenv("XDG_STATE_HOME");
    const char* home = std::getenv("HOME");
    if (state != nullptr && *state == '/') {  // the XDG spec ignores relative paths
        base = state;
    } else if (home != nullptr && *home != '\0') {
        base = std::filesystem::path(home) / ".local" / "state";
    } else {
        return std::nullopt;
    }
    std::filesystem::path dir = base / "mojifinder";
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);  // a failure shows when the history is saved
    return dir / name;
}

line_editor::line_editor(std::optional<std::filesystem::path> history) : history_(std::move(history)) {
    std::setlocale(LC_CTYPE, "");  // so that libedit edits UTF-8 by characters, not bytes
    rl_readline_name = "mojifinder";  // for "mojifinder:" lines in ~/.editrc
    // With the answers going to a file or pipe, the prompt and the echo must not.
    if (!is_terminal(stdout) && is_terminal(stderr)) rl_outstream = stderr;
    using_history();
    stifle_history(history_entries);
    if (history_) read_history(history_->c_str());  // no file yet is a first run, not an error
}

std::optional<std::string> line_editor::read_line(const char* prompt) {
    std::unique_ptr<char, decltype(&std::free)> line(readline(prompt), &std::free);
    if (!line) {
        // The shell's prompt on a line of its own.
        if (rl_outstream != nullptr && is_terminal(rl_outstream)) std::fputc('\n', rl_outstream);
        return std::nullopt;
    }
    return std::string(line.get());
}

void line_editor::remember(const std::string& line) {
    const HIST_ENTRY* last = history_get(history_base + history_length - 1);
    if (last != nullptr && line == last->line) return;  // a repeated query once, as shells do
    add_history(line.c_str());
    if (history_ && write_history(history_->c_str()) != 0 && !warned_) {
        warned_ = true;
        fmt::print(stderr, "mojifinder: cannot save the history in {}\n", history_->string());
    }
}

}  // namespace mojifinder::client
