// mojifinder's command line. Flow: parse the options, pick the mode (words:
// one-shot; no words: interactive when standard input is a terminal, else
// batch), and ask each query on one session, opened again when the server has
// ended it between queries. Exit status from what the queries got.
#include "connection.hpp"
#include "line.hpp"
#include "terminal.hpp"
#include "words.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>

namespace {

using namespace mojifinder::client;
using mojifinder::protocol::classify;
using mojifinder::protocol::line_kind;

constexpr const char* usage = "usage: mojifinder [--host ADDR] [--port N] [WORD...]";

constexpr const char* modes =
    "Modes:\n"
    "  with WORDs          one query: the matching lines and the status line\n"
    "  no WORDs, a terminal on standard input\n"
    "                      an interactive prompt with line editing and a history in\n"
    "                      $XDG_STATE_HOME/mojifinder/history (default\n"
    "                      ~/.local/state/mojifinder/history); Ctrl-D leaves\n"
    "  no WORDs, standard input a pipe or file\n"
    "                      batch: every line is a query (blank lines are skipped),\n"
    "                      answers in order\n"
    "\n"
    "Output: piped or redirected, the server's lines exactly as sent (CR LF line\n"
    "ends); on a terminal the character is bold (not with NO_COLOR) and lines end\n"
    "with LF.\n"
    "\n"
    "Exit status:\n"
    "  0  something was found (batch: by at least one query)\n"
    "  1  nothing was found (batch: by no query)\n"
    "  2  an error: a bad option, cannot connect, connection lost, or an error\n"
    "     line from the server (batch: for any query; the others are still asked)";

struct options {
    std::string host = "127.0.0.1";
    std::uint16_t port = 2323;
    std::vector<std::string> words;
};

void complain(std::string_view message) { fmt::print(stderr, "mojifinder: {}\n", message); }

bool is_blank(std::string_view line) { return classify(line).kind == line_kind::blank; }

// One session for every query of a run. Batch and interactive input can pause
// for longer than the server's idle timeout: then the next query opens a new
// session instead of failing.
class session {
public:
    explicit session(const options& opt) : opt_(opt), conn_(connect()) {}

    // One line of input: 0 something found, 1 nothing, 2 an error (already
    // printed); nullopt for a blank line, which is not sent. Throws
    // client_error when the connection fails.
    std::optional<int> ask(std::string_view line, answer_printer& out) {
        if (is_blank(line)) return std::nullopt;
        // The server would take such a line as more than one query, or end the
        // session on it instead of answering.
        if (line.find('\n') != std::string_view::npos) {
            complain("not sent: a query is one line");
            return 2;
        }
        if (classify(line).kind == line_kind::hang_up) {
            complain("not sent: a query cannot start with a control character or byte 0xFF");
            return 2;
        }
        if (!conn_ || conn_->ended_by_server()) {
            conn_.reset();  // if connecting fails, the next line tries again
            conn_ = connect();
        }
        answer a;
        try {
            a = conn_->ask(mojifinder::trim_ascii_space(line), out);
        } catch (const client_error&) {
            conn_.reset();
            throw;
        }
        out.flush();  // a slow producer upstream still sees each answer at once
        if (!a.error.empty()) {
            complain(fmt::format("server error: {}", a.error));
            return 2;
        }
        return a.found > 0 ? 0 : 1;
    }

private:
    std::unique_ptr<connection> connect() const { return std::make_unique<connection>(opt_.host, opt_.port); }

    const options& opt_;
    std::unique_ptr<connection> conn_;
};

int one_shot(const options& opt, answer_printer& out) {
    std::string query = fmt::format("{}", fmt::join(opt.words, " "));
    if (is_blank(query)) {
        complain("the query is empty");
        return 2;
    }
    session s(opt);
    return s.ask(query, out).value_or(2);
}

int batch(const options& opt, answer_printer& out) {
    session s(opt);
    bool found = false;
    bool failed = false;
    std::string line;
    while (std::getline(std::cin, line)) {
        std::optional<int> result = s.ask(line, out);
        found = found || result == 0;
        failed = failed || result == 2;
    }
    return failed ? 2 : found ? 0 : 1;
}

int interactive(const options& opt, answer_printer& out) {
    session s(opt);
    line_editor editor(history_file());
    while (std::optional<std::string> line = editor.read_line("?> ")) {
        if (!is_blank(*line)) editor.remember(*line);
        try {
            s.ask(*line, out);
        } catch (const client_error& e) {
            complain(e.what());  // the next line tries a new session
        }
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    options opt;
    CLI::App app("Finds Unicode characters by the words of their names, asking mojifinderd.",
                 "mojifinder");
    app.set_version_flag("--version", fmt::format("mojifinder {}", MOJIFINDER_VERSION));
    app.add_option("--host", opt.host, "address of mojifinderd")->capture_default_str();
    app.add_option("--port", opt.port, "its TCP port")->capture_default_str()->check(CLI::Range(1, 65535));
    app.add_option("WORD", opt.words, "words the names must contain (use -- before a word starting with -)");
    app.footer(modes);

    try {
        app.parse(argc, argv);
    } catch (const CLI::Success& e) {  // --help, --version
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        fmt::print(stderr, "mojifinder: {}\n{}\n", e.what(), usage);
        return 2;
    }

    answer_printer out(stdout);
    int status = 2;
    try {
        if (!opt.words.empty()) status = one_shot(opt, out);
        else if (is_terminal(stdin)) status = interactive(opt, out);
        else status = batch(opt, out);
    } catch (const client_error& e) {
        out.flush();
        complain(e.what());
        return 2;
    }
    if (!out.flush()) {
        complain("cannot write to standard output");
        return 2;
    }
    return status;
}
