#pragma once
// Flow: json_writer writes JSON text onto a std::string without building a
// document first: the punctuation and the member names (the callers'
// constants: plain ASCII, nothing to escape) are written here, every string
// value that needs escaping goes through Boost.JSON's serializer, and a
// value with nothing to escape (nearly all: names, keywords, blocks) is
// copied between its quotes, the same bytes the serializer writes
// (json_writer_test compares them). Text gathers in a small buffer and goes
// onto the string when it is full and when the outermost container closes
// (or flush()). Every object the server writes per result (json_lines,
// http_api) uses it: a json::object per result cost ~0.9 us, most of an
// /api/search answer's time (perf; HttpCore in mojifinder-micro).

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace mojifinder::protocol {

// No value may be a view into the string written to: it would dangle when
// the string grows.
class json_writer {
public:
    explicit json_writer(std::string& out) noexcept : out_(out) {}
    json_writer(const json_writer&) = delete;
    json_writer& operator=(const json_writer&) = delete;
    // What was written and not yet flushed is lost: the outermost
    // container's end flushes; a writer that leaves one open calls flush().
    ~json_writer() = default;

    // A container opens and closes; its members or elements are separated
    // by commas here, so callers only say what comes.
    void begin_object();
    void end_object();
    void begin_array();
    void end_array();
    // A member's name (an object's next member); its value follows.
    void key(std::string_view name);
    void string(std::string_view value);
    void number(std::uint64_t value);
    // A member whose value is a string or a number: key() and its value.
    void member(std::string_view name, std::string_view value);
    void member(std::string_view name, std::uint64_t value);
    // An array of strings.
    void strings(std::span<const std::string_view> values);
    // Puts what is buffered onto the string.
    void flush();

private:
    void separate();
    void open(char bracket);
    void close(char bracket);
    // Room for `n` more bytes in the buffer (flushing it first if needed);
    // false when `n` is more than the buffer holds at all.
    bool room(std::size_t n);
    void escaped(std::string_view value);

    std::string& out_;
    std::array<char, 1024> buffer_;
    std::size_t used_ = 0;
    std::size_t depth_ = 0;
    // Whether the innermost open container has had an element: the next
    // one is preceded by a comma. A member's value never is (after_key_).
    bool first_ = true;
    bool after_key_ = false;
};

}  // namespace mojifinder::protocol
