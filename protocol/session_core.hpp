#pragma once
// The whole line protocol of one session, without I/O: fed the bytes the
// client has sent, it says what to write, when to read and when to close.
// The server, the fuzzers and the tests drive the same object.
#include "config.hpp"
#include "index.hpp"
#include "line.hpp"

#include <array>
#include <cstddef>
#include <span>
#include <string_view>

namespace mojifinder::protocol {

inline constexpr std::string_view prompt = "?> ";
inline constexpr std::string_view error_utf8 = "error: query is not valid UTF-8\r\n";
inline constexpr std::string_view error_flood = "error: line too long\r\n";
inline constexpr std::string_view error_idle = "error: idle timeout\r\n";
inline constexpr std::string_view error_shutdown = "error: server shutting down\r\n";
inline constexpr std::string_view error_busy = "error: server busy, try again later\r\n";

// The status line's rule: 66 times U+2500 (format_count() starts with the space).
std::string_view status_rule() noexcept;

// " 10 found\r\n" into `out`; returns the view of what was written.
std::string_view format_count(std::size_t count, std::span<char, 32> out) noexcept;

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
};

struct step {
    step_kind kind = step_kind::read;
    std::span<const std::string_view> out;
    event what = event::none;
    std::string_view query;  // for `answered`; a view into the input buffer
    std::size_t found = 0;
};

class session_core {
public:
    session_core(const index& idx, std::size_t max_line) noexcept;

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
    step idle_timeout() noexcept;

    // How many bytes the input buffer needs to hold: the longest line, its CR
    // and its LF. A fuller buffer with no LF is over the limit.
    std::size_t input_limit() const noexcept { return max_line_ + 2; }

    // At most this many pieces per write: what one sendmsg takes through
    // Asio, so a small answer of scattered entries still leaves in one write.
    static constexpr std::size_t max_out = 64;

    // True while an answer is being streamed.
    bool answering() const noexcept { return answering_; }

    // Between lines with nothing pending: a fresh core would behave the same.
    bool quiet() const noexcept { return !answering_ && !discarding_; }

    // True while the rest of an over-long line is being dropped: then every
    // byte counts towards the 1 MiB limit, so any input is worth a next().
    bool discarding() const noexcept { return discarding_; }

private:
    step answer_line(std::string_view line, bool stopping);
    step continue_answer(bool stopping);
    step write_then_prompt(std::string_view message, bool stopping, event what);
    step close_with(std::string_view message, event what);

    const index& index_;
    std::size_t max_line_;
    std::size_t consumed_ = 0;
    std::size_t discarded_ = 0;  // bytes of an over-long line dropped so far
    bool discarding_ = false;

    // The answer being streamed.
    bool answering_ = false;
    std::span<const index::entry_id> matches_;
    std::size_t cursor_ = 0;       // first match not yet sent in full
    std::size_t run_end_ = 0;      // end of the run of consecutive entries at cursor_
    std::size_t run_offset_ = 0;   // bytes of that run already handed out

    search_scratch scratch_;
    std::array<char, 32> count_{};
    std::array<char, 64> too_long_buffer_{};
    std::string_view too_long_;  // "error: line too long (limit N bytes)\r\n"
    std::array<std::string_view, max_out> out_{};
};

}  // namespace mojifinder::protocol
