#pragma once
// The client's half of the line protocol, without I/O: fed the bytes a
// mojifinderd session sends, it recognizes the prompt, answer lines, the
// status line and error lines, checks them against PROTOCOL.md, and says when
// an answer is complete. The client drives it; so do the tests.
#include <cstddef>
#include <string>
#include <string_view>

namespace mojifinder::protocol {

enum class server_item_kind {
    need_more,   // the buffered bytes end inside an item: feed() more, or finish()
    prompt,      // "?> ": the server waits for a query
    match,       // one answer line
    status,      // the status line; `count` is its number
    error,       // an "error: " line; `text` is the message
    answer_end,  // the answer (status or error line) before this is complete
    closed,      // the server closed the connection between answers
    truncated,   // the server closed inside a line or an answer; `text` says where
    malformed,   // the server broke the protocol; `text` says how
};

struct server_item {
    server_item_kind kind = server_item_kind::need_more;
    // prompt, match, status, error: the bytes exactly as the server sent them.
    std::string_view line;
    // error: the message without "error: " and CR LF; truncated, malformed: why.
    std::string_view text;
    // status: its count; answer_end: the count of the answer (0 when it failed).
    std::size_t count = 0;
    // answer_end: the answer was an error line.
    bool failed = false;
};

class answer_reader {
public:
    // Server lines are short (the longest name is under 100 bytes); a longer
    // run with no LF is not mojifinderd talking.
    static constexpr std::size_t default_max_line = 4096;

    explicit answer_reader(std::size_t max_line = default_max_line) : max_line_(max_line) {}

    // Appends bytes the server sent. The views of earlier items become invalid.
    void feed(std::string_view bytes);

    // The server closed the connection: no more bytes will come.
    void finish() noexcept { eof_ = true; }

    // The next item in what was fed. After closed, truncated or malformed it
    // returns the same item again: nothing can follow.
    server_item next();

private:
    enum class phase {
        start,     // before the first prompt
        idle,      // after a prompt, nothing since
        matching,  // answer lines came, the status line has not
        ended,     // a status or error line came: next must be prompt, error or close
        stopped,   // closed, truncated or malformed
    };
    struct recognized {
        server_item item;
        char32_t code_point = 0;  // of a match
    };
    recognized recognize(std::string_view rest) const;
    server_item stop(server_item_kind kind, std::string_view reason);

    std::size_t max_line_;
    std::string buffer_;
    std::size_t pos_ = 0;  // bytes of buffer_ already consumed
    bool eof_ = false;

    phase phase_ = phase::start;
    std::size_t matches_ = 0;        // answer lines since the last prompt
    char32_t last_code_point_ = 0;   // of the last answer line, to check order
    std::size_t answer_count_ = 0;   // of the answer that ended
    bool answer_failed_ = false;
    server_item stopped_;
    std::string reason_;
};

}  // namespace mojifinder::protocol
