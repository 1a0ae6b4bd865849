#pragma once
// The whole line protocol of one session, without I/O: fed the bytes the
// client has sent, it says what to write, when to read and when to close.
// The server, the fuzzers and the tests drive the same object.
//
// Flow: a query line goes to search::engine::run() and its answer streams
// out in steps (runs of entries straight from the index, identified code
// points from a per-core buffer), cut at the session's /limit; a line that
// starts with `/` is a session command (docs/PROTOCOL.md, "Session
// commands"), answered by one acknowledgement. The session's settings
// (mode, format, limit, language, sort, why) outlive a cooled warm_state: the server
// keeps settings() and hands them to the next core.
#include "config.hpp"
#include "index.hpp"
#include "line.hpp"
#include "search.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace mojifinder::protocol {

inline constexpr std::string_view prompt = "?> ";
inline constexpr std::string_view error_utf8 = "error: query is not valid UTF-8\r\n";
inline constexpr std::string_view error_flood = "error: line too long\r\n";
inline constexpr std::string_view error_idle = "error: idle timeout\r\n";
inline constexpr std::string_view error_shutdown = "error: server shutting down\r\n";
inline constexpr std::string_view error_busy = "error: server busy, try again later\r\n";

// What a session says after its status line's counts when a word is in no
// name: "; did you mean: a, b, c".
inline constexpr std::string_view hint_prefix = "; did you mean: ";
inline constexpr std::string_view hint_separator = ", ";

// "Unicode 15.0, CLDR 41, ICU 72.1": what a data file was made from, as
// --version, /version and the server's start-up log line say it.
std::string data_versions_text(const index::data_versions& data);

// "mojifinderd 1.1.0 (Unicode 15.0, CLDR 41, ICU 72.1)": --version and
// /version. Without data (the file cannot be opened): what the program alone
// knows, "mojifinderd 1.1.0 (ICU 72.1)".
std::string version_text(const index::data_versions* data);

// "de Deutsch": a language's tag and its name in itself, as /lang lists it,
// acknowledges a switch to it, and mojifinderd --languages prints it.
std::string language_line(const index& idx, index::language_id language);

// The status line's rule: 66 times U+2500 (format_count() starts with the space).
std::string_view status_rule() noexcept;

// " 10 found\r\n" into `out`; returns the view of what was written: the end
// of the status line of an answer sent whole, without hints.
std::string_view format_count(std::size_t count, std::span<char, 32> out) noexcept;

// " 564 found" when shown == found, else " 564 found, 20 shown": the counts
// of the status line, without hints and line end.
std::string_view format_counts(std::size_t found, std::size_t shown, std::span<char, 64> out) noexcept;

// The help text of /help, one line per element, without line ends.
std::span<const std::string_view> help_lines() noexcept;

enum class step_kind {
    read,   // nothing to write: read more (or pass eof)
    write,  // write `out`, then call next() again
    close,  // write `out` (may be empty), then close
};

// What the server should log about a step.
enum class event {
    none,
    answered,     // `query` had `found` matches
    blank,
    hang_up,
    invalid_utf8,
    too_long,
    flood,
    client_done,  // end of input and nothing left to answer
    shutdown,
    idle_timeout,
    command,      // `query` is the session command
    quit,         // /quit
};

struct step {
    step_kind kind = step_kind::read;
    std::span<const std::string_view> out;
    event what = event::none;
    std::string_view query;  // for `answered` and `command`; a view into the input buffer
    std::size_t found = 0;
    bool query_error = false;  // answered with "error: ..." (the query could not be read)
    bool kept = false;         // answered from the answer cache, without a search
};

enum class output_format : std::uint8_t {
    text,  // lines and the status line, then the prompt
    json,  // JSON Lines: an object per answer line, one final object, no prompt
};

// What a session has set with its commands; small, so that the server keeps
// it while the session is cold and the core is gone.
struct session_settings {
    search::mode mode = search::mode::full;
    output_format format = output_format::text;
    // --classic: every line is a query, as in v1 (no commands at all).
    bool classic_server = false;
    std::uint32_t limit = 0;  // /limit: answer lines per reply; 0 = no limit
    // /lang: the language of keywords and short names (search::engine::run(),
    // JSON's "short" and "keywords"). no_language: the index's English,
    // which the core puts here when it starts.
    index::language_id language = index::no_language;
    // /sort: the answer's order (code point order unless /sort relevance).
    search::order sort = search::order::code;
    // /why on: each answer line says why it matched (text: a TAB and the
    // weakest match; JSON: "match").
    bool why = false;
    // /readings on: bare words match Unihan's readings too (shui, mizu);
    // scoped readings (pinyin:shui) and toned ones (shuǐ, shui3) always do.
    bool readings = false;

    // A session of a server started with or without --classic, whose
    // default language (--lang) is `language`.
    static constexpr session_settings for_server(bool classic, index::language_id language) noexcept {
        return classic ? session_settings{search::mode::classic, output_format::text, true, 0, language}
                       : session_settings{search::mode::full, output_format::text, false, 0, language};
    }
    bool operator==(const session_settings&) const = default;
};

class answer_cache;
struct kept_reply;

class session_core {
public:
    // `cache`: the answers this core may reuse and keep (answer_cache.hpp);
    // null: every query is searched.
    session_core(const index& idx, std::size_t max_line, session_settings settings = {},
                 answer_cache* cache = nullptr);

    session_core(const session_core&) = delete;
    session_core& operator=(const session_core&) = delete;

    // The first thing to write: the prompt.
    step start() noexcept;

    // `input` is every byte received and not yet consumed; `eof` says the
    // client will send no more; `stopping` says the server is shutting down.
    // Afterwards the caller drops the first consumed() bytes of input, and
    // must keep `out` and `query` alive until they are written and logged.
    step next(std::string_view input, bool eof, bool stopping);

    std::size_t consumed() const noexcept { return consumed_; }

    // The watchdog fired while the session waited for a line.
    step idle_timeout();

    // How many bytes the input buffer needs to hold: the longest line, its CR
    // and its LF. A fuller buffer with no LF is over the limit.
    std::size_t input_limit() const noexcept { return max_line_ + 2; }

    // At most this many pieces per write: what one sendmsg takes through
    // Asio, so a small answer of scattered entries still leaves in one write.
    static constexpr std::size_t max_out = 64;

    // True while an answer is being streamed.
    bool answering() const noexcept { return answering_; }

    // Between lines with nothing pending: a fresh core with the same
    // settings() would behave the same. An answer cut by /limit keeps its
    // rest for /more, so it is not quiet.
    bool quiet() const noexcept { return !answering_ && !discarding_ && !more_; }

    // True while the rest of an over-long line is being dropped: then every
    // byte counts towards the 1 MiB limit, so any input is worth a next().
    bool discarding() const noexcept { return discarding_; }

    const session_settings& settings() const noexcept { return settings_; }

private:
    step answer_line(std::string_view line, bool stopping);
    step run_query(std::string_view query, bool stopping);
    step reuse_answer(std::string_view query, const kept_reply& kept, bool stopping);
    // finish_answer(): the reply to the query being run, out_[0..n), is complete.
    void keep_answer(std::size_t n);
    void search_again();
    step run_command(std::string_view line, bool stopping);
    step start_reply(bool stopping);
    step continue_answer(bool stopping);
    step continue_text(bool stopping);
    step copy_text(bool stopping);
    bool pull_run();
    std::string_view take_lines(std::size_t budget);
    step continue_json(bool stopping);
    step finish_answer(std::size_t n, bool stopping);
    // One error line (text) or {"error":...} (JSON), then the prompt.
    step reply_error(std::string_view message, bool stopping, event what);
    // "ok: ..." (text) or {"ok":...} (JSON), then the prompt; with `text`,
    // "# " lines before it ({"ok":...,"text":[...]}): /help, /lang.
    step reply_ok(std::string_view message, bool stopping, std::span<const std::string_view> text = {});
    step run_lang(std::string_view argument, bool stopping);
    step close_with(std::string_view message, event what);
    // Ends out_[0..n) with the prompt (text), nothing (JSON) or the shutdown line.
    step end_reply(std::size_t n, bool stopping, event what);
    bool json() const noexcept { return settings_.format == output_format::json; }

    const index& index_;
    search::engine engine_;
    answer_cache* cache_;
    // The query run_query() is answering, while its answer may still be
    // kept in cache_ (it is whole only if it ends in that same step).
    std::string_view keeping_;
    // The bytes of a kept reply this core's last step handed out.
    std::shared_ptr<const std::string> kept_reply_;
    // A kept reply cut by /limit: what its /more searches again, with the
    // settings the query had (a /lang or /sort after the query applies to
    // later queries only, as it does when /more resumes a search).
    bool more_needs_search_ = false;  // the reply came from the cache: no scratch to resume
    std::string again_query_;
    session_settings again_settings_;
    std::size_t max_line_;
    session_settings settings_;
    std::size_t consumed_ = 0;
    std::size_t discarded_ = 0;  // bytes of an over-long line dropped so far
    bool discarding_ = false;

    // The answer being streamed, and what /more resumes.
    bool answering_ = false;
    bool more_ = false;            // the last answer has lines not shown yet
    bool have_run_ = false;        // run_ holds lines not sent yet
    std::size_t found_ = 0;
    std::size_t shown_ = 0;        // answer lines sent so far, /more included
    std::size_t stop_at_ = 0;      // this reply ends when shown_ reaches it
    search::run run_{};            // what is left of the run being sent
    bool copy_lines_ = false;       // this answer is scattered: copy_text() from now on
    std::size_t run_offset_ = 0;   // bytes of that run's text already handed out

    search::scratch_lease scratch_;  // held from a query to the end of its answer (or /more)
    // Identified lines, JSON Lines and command replies of the current step.
    std::string buffer_;
    std::array<char, 64> counts_{};
    std::array<char, 64> too_long_buffer_{};
    std::string_view too_long_;  // "error: line too long (limit N bytes)\r\n"
    std::array<std::string_view, max_out> out_{};
};

}  // namespace mojifinder::protocol
