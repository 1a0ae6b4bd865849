#pragma once
// The user's side of the client: how answers look on standard output, and the
// line editor of the interactive mode (libedit, with a persistent history).
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace mojifinder::client {

bool is_terminal(std::FILE* stream) noexcept;

// The rows of the terminal on `stream`; 0 when it is none or cannot say.
unsigned terminal_rows(std::FILE* stream) noexcept;

// Piped or redirected, the server's lines go out byte for byte (CR LF too), so
// grep and cut see what nc would. On a terminal the character is bold (unless
// NO_COLOR is set) and lines end with LF alone.
// (JSON lines are never bolded.)
class answer_printer {
public:
    explicit answer_printer(std::FILE* out);

    // Each takes the line as the server sent it, CR LF included.
    void match(std::string_view line);
    // Any other line: status, help, ok, and every JSON line but answer lines.
    void line(std::string_view line);
    // The client's own note on a terminal (a cut answer's "/more" hint).
    void note(std::string_view text);

    // False when something could not be written.
    bool flush();

    bool terminal() const noexcept { return terminal_; }

private:
    void write(std::string_view bytes);

    std::FILE* out_;
    bool terminal_;
    bool bold_;
};

// $XDG_STATE_HOME/mojifinder/NAME, else ~/.local/state/mojifinder/NAME, its
// directory created; nullopt when neither can be made.
std::optional<std::filesystem::path> state_file(std::string_view name);
// state_file("history"): the interactive prompt's.
inline std::optional<std::filesystem::path> history_file() { return state_file("history"); }

// readline() of libedit (not GNU readline). One per process: libedit's
// readline interface is global state.
class line_editor {
public:
    explicit line_editor(std::optional<std::filesystem::path> history);
    line_editor(const line_editor&) = delete;
    line_editor& operator=(const line_editor&) = delete;

    // The next line typed, or nullopt when the user pressed Ctrl-D.
    std::optional<std::string> read_line(const char* prompt);

    // Adds `line` to the history and saves it at once, so that a session
    // ended by Ctrl-C or a lost connection keeps it too.
    void remember(const std::string& line);

private:
    std::optional<std::filesystem::path> history_;
    bool warned_ = false;
};

}  // namespace mojifinder::client
