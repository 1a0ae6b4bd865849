// mojifinder's command line. Flow: parse the options, pick the mode (--pick:
// the picker, picker_terminal.cpp; words: one-shot; no words: interactive
// when standard input is a terminal, else batch), and ask each line on one session, opened again when the server has
// ended it between queries; each new session first gets the session
// commands the options ask for (/classic on, /lang TAG, /limit N, /format
// json). Exit
// status from what the queries got.
#include "config.hpp"
#include "connection.hpp"
#include "line.hpp"
#include "mojifinder_version.hpp"
#include "picker_terminal.hpp"
#include "terminal.hpp"
#include "words.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>

namespace {

using namespace mojifinder::client;
using mojifinder::protocol::classify;
using mojifinder::protocol::line_kind;

constexpr const char* usage =
    "usage: mojifinder [--host ADDR] [--port N] [--lang TAG] [--limit N] [--json] [--classic] [QUERY...]";

constexpr const char* modes =
    "Queries (the server's /help says more):\n"
    "  mojifinder cat face        names with both words\n"
    "  mojifinder 'smil*'         a word that starts with smil (quote the *)\n"
    "  mojifinder -- arrow -left  without a word: after --, so -left is not an option\n"
    "  mojifinder U+1F600         a code point;  mojifinder \xF0\x9F\x98\x80   what a character is\n"
    "\n"
    "Modes:\n"
    "  --pick              the picker: a full-screen list that narrows as you type\n"
    "                      (the last word is a prefix); Up/Down, PgUp/PgDn,\n"
    "                      Home/End move, Enter picks (prints the character and\n"
    "                      copies it), Tab shows its details, Ctrl-L switches the\n"
    "                      language, Esc or Ctrl-C leaves; recently picked ones\n"
    "                      ($XDG_STATE_HOME/mojifinder/picked) while the query is empty\n"
    "  with a QUERY        one query: the matching lines and the status line\n"
    "  no QUERY, a terminal on standard input\n"
    "                      an interactive prompt with line editing and a history in\n"
    "                      $XDG_STATE_HOME/mojifinder/history (default\n"
    "                      ~/.local/state/mojifinder/history); Ctrl-D or /quit leaves.\n"
    "                      Session commands (/help, /more, /limit N, /lang de,\n"
    "                      /format json) work; answers stop after a screenful\n"
    "                      (/limit of the terminal's height, unless --limit):\n"
    "                      /more shows more. (The prompt stays the default: it\n"
    "                      takes session commands and keeps a history; --pick is\n"
    "                      the picker)\n"
    "  no QUERY, standard input a pipe or file\n"
    "                      batch: every line is a query or a session command (blank\n"
    "                      lines are skipped), answers in order\n"
    "\n"
    "Output: piped or redirected, the server's lines exactly as sent (CR LF line\n"
    "ends); on a terminal the character is bold (not with NO_COLOR) and lines end\n"
    "with LF.\n"
    "\n"
    "Exit status:\n"
    "  0  something was found (batch: by at least one query; --pick: picked)\n"
    "  1  nothing was found (batch: by no query; --pick: left without picking)\n"
    "  2  an error: a bad option, cannot connect, connection lost, or an error\n"
    "     line from the server (batch: for any query; the others are still asked)";

struct options {
    std::string host = "127.0.0.1";
    std::uint16_t port = 2323;
    std::vector<std::string> words;
    std::optional<std::uint32_t> limit;
    std::optional<std::string> language;
    bool json = false;
    bool classic = false;
    bool pick = false;
    std::string print = "char";
    bool no_copy = false;
};

// A session command the client sends first on every session it opens.
struct setup_command {
    std::string line;
    bool required;  // an option asked for it: a server that cannot is an error
};

// Rows left for an answer on a terminal: the status line, the hint and the
// prompt take three.
constexpr std::uint32_t screen_overhead = 3;
constexpr std::uint32_t min_screen_limit = 5;

void complain(std::string_view message) { fmt::print(stderr, "mojifinder: {}\n", message); }

bool is_blank(std::string_view line) { return classify(line).kind == line_kind::blank; }

// One session for every query of a run. Batch and interactive input can pause
// for longer than the server's idle timeout: then the next query opens a new
// session instead of failing, and sends the set-up commands again.
class session {
public:
    // `interactive`: after a cut answer, say how to see more.
    session(const options& opt, std::vector<setup_command> setup, bool interactive = false)
        : opt_(opt), setup_(std::move(setup)), interactive_(interactive), conn_(connect()) {}

    // One line of input: 0 something found, 1 nothing, 2 an error (already
    // printed); nullopt for a blank line, which is not sent, and for a
    // session command's acknowledgement. Throws client_error when the
    // connection fails.
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
            a = conn_->ask(mojifinder::trim_ascii_space(line), &out);
        } catch (const client_error&) {
            conn_.reset();
            throw;
        }
        if (interactive_ && a.shown < a.found)
            out.note(fmt::format("({} of {} shown: /more for the next)", a.shown, a.found));
        out.flush();  // a slow producer upstream still sees each answer at once
        if (!a.error.empty()) {
            complain(fmt::format("server error: {}", a.error));
            return 2;
        }
        if (a.acknowledged) {
            if (a.ok == "bye") quit_ = true;
            return std::nullopt;
        }
        return a.found > 0 ? 0 : 1;
    }

    // The server acknowledged /quit: the run is over.
    bool quit() const noexcept { return quit_; }

private:
    std::unique_ptr<connection> connect() const {
        auto conn = std::make_unique<connection>(opt_.host, opt_.port);
        for (const setup_command& command : setup_) {
            answer a = conn->ask(command.line, nullptr);
            bool classic = command.line == "/classic on";
            if (!a.error.empty()) throw client_error(fmt::format("{}: server error: {}", command.line, a.error));
            // A --classic (or version 1) server takes the line for a query:
            // classic already, which is what was asked, for good; other
            // commands cannot be. (A session that went classic by the command
            // can come back with /classic off: its reader stays version 2's.)
            if (classic) {
                if (!a.acknowledged) conn->expect_classic();
            } else if (!a.acknowledged && command.required)
                throw client_error(fmt::format(
                    "{}: the server takes no session commands (version 1, or --classic)", command.line));
        }
        return conn;
    }

    const options& opt_;
    std::vector<setup_command> setup_;
    bool interactive_;
    std::unique_ptr<connection> conn_;
    bool quit_ = false;
};

// What the options ask every session to do first; `screen` adds the
// interactive default /limit of a screenful.
std::vector<setup_command> setup_for(const options& opt, bool screen) {
    std::vector<setup_command> setup;
    if (opt.classic) setup.push_back({"/classic on", true});
    if (opt.language) setup.push_back({fmt::format("/lang {}", *opt.language), true});
    if (opt.limit) setup.push_back({fmt::format("/limit {}", *opt.limit), true});
    else if (screen && !opt.classic) {
        unsigned rows = terminal_rows(stdout);
        if (rows > 0)
            setup.push_back({fmt::format("/limit {}", std::max(min_screen_limit, rows - std::min(rows, screen_overhead))),
                             false});
    }
    if (opt.json) setup.push_back({"/format json", true});
    return setup;
}

int one_shot(const options& opt, answer_printer& out) {
    std::string query = fmt::format("{}", fmt::join(opt.words, " "));
    if (is_blank(query)) {
        complain("the query is empty");
        return 2;
    }
    session s(opt, setup_for(opt, false));
    return s.ask(query, out).value_or(0);  // a command acknowledged
}

int batch(const options& opt, answer_printer& out) {
    session s(opt, setup_for(opt, false));
    bool found = false;
    bool failed = false;
    std::string line;
    while (!s.quit() && std::getline(std::cin, line)) {
        std::optional<int> result = s.ask(line, out);
        found = found || result == 0;
        failed = failed || result == 2;
    }
    return failed ? 2 : found ? 0 : 1;
}

int interactive(const options& opt, answer_printer& out) {
    session s(opt, setup_for(opt, out.terminal()), true);
    line_editor editor(history_file());
    while (!s.quit()) {
        std::optional<std::string> line = editor.read_line("?> ");
        if (!line) break;
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
    app.set_version_flag("--version", fmt::format("mojifinder {}", mojifinder::version));
    app.add_option("--host", opt.host, "address of mojifinderd")->capture_default_str();
    app.add_option("--port", opt.port, "its TCP port")->capture_default_str()->check(CLI::Range(1, 65535));
    auto* limit = app.add_option("--limit", opt.limit, "at most N answer lines (/limit N; 0: no limit)")
                      ->check(CLI::Range(mojifinder::config::answer_limit_bounds.min,
                                         mojifinder::config::answer_limit_bounds.max));
    auto* json = app.add_flag("--json", opt.json, "JSON Lines: one object per answer line, then a final one");
    auto* language = app.add_option("--lang", opt.language,
                                    "keywords and short names in this language (/lang TAG: de, pt_BR)")
                         ->type_name("TAG");
    app.add_flag("--classic", opt.classic, "version 1 exactly: words of names only")
        ->excludes(limit)
        ->excludes(json)
        ->excludes(language);
    auto* pick = app.add_flag("--pick", opt.pick, "the picker: choose a character as you type (needs a terminal)")
                     ->excludes(limit)
                     ->excludes(json)
                     ->excludes("--classic");
    app.add_option("--print", opt.print, "what --pick prints: the character, its code point, name or line")
        ->check(CLI::IsMember({"char", "code", "name", "line"}))
        ->capture_default_str()
        ->needs(pick);
    app.add_flag("--no-copy", opt.no_copy, "--pick does not copy the pick to the clipboard")->needs(pick);
    app.add_option("QUERY", opt.words, "the query's words (use -- before a word starting with -)");
    app.footer(modes);

    try {
        app.parse(argc, argv);
    } catch (const CLI::Success& e) {  // --help, --version
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        fmt::print(stderr, "mojifinder: {}\n{}\n", e.what(), usage);
        return 2;
    }

    if (opt.pick) {
        if (!opt.words.empty()) {
            fmt::print(stderr, "mojifinder: --pick takes no QUERY: type it in the picker\n{}\n", usage);
            return 2;
        }
        picker_options popt{opt.host, opt.port, opt.language, picker::print_field::character, !opt.no_copy};
        if (opt.print == "code") popt.print = picker::print_field::code;
        else if (opt.print == "name") popt.print = picker::print_field::name;
        else if (opt.print == "line") popt.print = picker::print_field::line;
        try {
            return run_picker(popt);
        } catch (const client_error& e) {
            complain(e.what());
            return 2;
        }
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
