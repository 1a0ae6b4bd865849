#pragma once
// The client's half of the line protocol, without I/O: fed the bytes a
// mojifinderd session sends, it recognizes the prompt, answer lines, the
// status line, error lines, acknowledgements of session commands (with the
// help lines before /help's) and JSON mode's objects, checks them against
// PROTOCOL.md, and says when a reply is complete. The client drives it; so
// do the tests.
#include <cstddef>
#include <string>
#include <string_view>

namespace mojifinder::protocol {

enum class server_item_kind {
    need_more,   // the buffered bytes end inside an item: feed() more, or finish()
    prompt,      // "?> ": the server waits for a line
    match,       // one answer line (text, or a JSON object with "cp")
    status,      // the status line or {"found":N,...}; `count` and `shown`
    error,       // an "error: " line or {"error":...}; `text` is the message
    ok,          // an "ok: " line or {"ok":...}: a command's acknowledgement; `text`
    help,        // a "# " line before /help's "ok: help"; `text` is the rest
    answer_end,  // the reply (status, error or ok) before this is complete
    closed,      // the server closed the connection between replies
    truncated,   // the server closed inside a line or an answer; `text` says where
    malformed,   // the server broke the protocol; `text` says how
};

struct server_item {
    server_item_kind kind = server_item_kind::need_more;
    // prompt, match, status, error, ok, help: the bytes exactly as the server sent them.
    std::string_view line;
    // error, ok, help: the message, without its prefix and CR LF (JSON: the
    // string's raw bytes unless it has escapes); status: the hints, "a, b, c";
    // truncated, malformed: why.
    std::string_view text;
    // status, answer_end: how many lines the whole answer has (0 when it failed).
    std::size_t count = 0;
    // status, answer_end: how many of them have been sent so far, /more included.
    std::size_t shown = 0;
    // answer_end: the reply was an error line.
    bool failed = false;
    // answer_end: the reply was an acknowledgement (a command's).
    bool acknowledged = false;
    // The line was a JSON object (JSON mode).
    bool json = false;
};

class answer_reader {
public:
    // Server lines are short (the longest name is under 100 bytes); a longer
    // run with no LF is not mojifinderd talking.
    static constexpr std::size_t default_max_line = 4096;

    // `classic`: the server speaks version 1 only (--classic or /classic on):
    // answer lines strictly ascending, no hints, no acknowledgements, no JSON.
    explicit answer_reader(std::size_t max_line = default_max_line, bool classic = false)
        : max_line_(max_line), classic_(classic) {}

    // From now on, version 1 only (the session has gone classic).
    void expect_classic() noexcept { classic_ = true; }

    // Appends bytes the server sent. The views of earlier items become invalid.
    void feed(std::string_view bytes);

    // The server closed the connection: no more bytes will come.
    void finish() noexcept { eof_ = true; }

    // The next item in what was fed. After closed, truncated or malformed it
    // returns the same item again: nothing can follow.
    server_item next();

private:
    enum class phase {
        start,      // before the first prompt
        idle,       // after a prompt (or a JSON reply), nothing since
        matching,   // answer lines came, the status line has not
        helping,    // help lines came, the "ok: help" has not
        ended,      // a status, error or ok line came: next must be prompt, error or close
        stopped,    // closed, truncated or malformed
    };
    struct recognized {
        server_item item;
        char32_t code_point = 0;  // of a match
    };
    recognized recognize(std::string_view rest);
    recognized recognize_json(std::string_view line);
    server_item stop(server_item_kind kind, std::string_view reason);
    server_item end_of_reply() noexcept;

    std::size_t max_line_;
    bool classic_;
    std::string buffer_;
    std::size_t pos_ = 0;  // bytes of buffer_ already consumed
    bool eof_ = false;

    phase phase_ = phase::start;
    bool json_ = false;              // the last reply ended with a JSON object: no prompt follows
    std::size_t matches_ = 0;        // answer lines since the last prompt
    char32_t last_code_point_ = 0;   // of the last answer line, to check order (classic)
    server_item ended_;              // the answer_end of the reply that ended
    // An answer cut by /limit: the next /more's lines count from its shown.
    std::size_t cut_found_ = 0, cut_shown_ = 0;
    bool cut_ = false;
    std::string message_;            // a JSON string's text, unescaped
    server_item stopped_;
    std::string reason_;
};

}  // namespace mojifinder::protocol
