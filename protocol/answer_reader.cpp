// Flow: next() recognizes what starts at the first unconsumed byte (a prompt,
// a complete line, or not enough yet), then checks it against the phase of the
// session: start -> prompt -> idle -> answer lines -> status line -> ended.
// In `ended`, a prompt, an error line or the close first yields answer_end and
// stays unconsumed, so the next call yields it. Anything the protocol does not
// allow stops the reader for good.
#include "answer_reader.hpp"

#include "session_core.hpp"

#include <fmt/format.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>

namespace mojifinder::protocol {
namespace {

constexpr std::string_view crlf = "\r\n";
constexpr std::string_view error_prefix = "error: ";
constexpr std::string_view found_suffix = " found";
constexpr std::string_view prompt_bytes = prompt;  // `prompt` is also an item kind below

bool is_upper_hex(char c) noexcept { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'); }
bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// Control bytes would reach the user's terminal; mojifinderd never sends them.
bool is_printable(std::string_view text) noexcept {
    return std::none_of(text.begin(), text.end(), [](char c) {
        auto b = static_cast<unsigned char>(c);
        return b < 0x20 || b == 0x7F;
    });
}

// "U+1F431<TAB>🐱<TAB>CAT FACE": the code point, when the line is exactly that
// shape (canonical hex, the character itself, a printable name).
std::optional<char32_t> parse_match(std::string_view body) {
    if (!body.starts_with("U+")) return std::nullopt;
    body.remove_prefix(2);
    std::string_view hex = body.substr(0, body.find('\t'));
    if (hex.size() < 4 || hex.size() > 6 || hex.size() == body.size()) return std::nullopt;
    if (!std::all_of(hex.begin(), hex.end(), is_upper_hex)) return std::nullopt;
    if (hex.size() > 4 && hex.front() == '0') return std::nullopt;
    std::uint32_t cp = 0;
    std::from_chars(hex.data(), hex.data() + hex.size(), cp, 16);
    if (cp < 0x20 || cp > 0x10FFFF || U_IS_SURROGATE(cp)) return std::nullopt;
    body.remove_prefix(hex.size() + 1);

    char utf8[U8_MAX_LENGTH];
    std::size_t length = 0;
    U8_APPEND_UNSAFE(utf8, length, cp);
    if (!body.starts_with(std::string_view(utf8, length))) return std::nullopt;
    body.remove_prefix(length);
    if (body.size() < 2 || body.front() != '\t' || !is_printable(body.substr(1))) return std::nullopt;
    return static_cast<char32_t>(cp);
}

// "──…── 10 found": the count.
std::optional<std::size_t> parse_status(std::string_view body) {
    std::string_view rule = status_rule();
    if (!body.starts_with(rule)) return std::nullopt;
    body.remove_prefix(rule.size());
    if (body.size() <= 1 + found_suffix.size() || body.front() != ' ' || !body.ends_with(found_suffix))
        return std::nullopt;
    std::string_view digits = body.substr(1, body.size() - 1 - found_suffix.size());
    if (!std::all_of(digits.begin(), digits.end(), is_digit)) return std::nullopt;
    if (digits.size() > 1 && digits.front() == '0') return std::nullopt;
    std::size_t count = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), count);
    if (ec != std::errc{}) return std::nullopt;
    return count;
}

}  // namespace

void answer_reader::feed(std::string_view bytes) {
    buffer_.erase(0, pos_);
    pos_ = 0;
    buffer_.append(bytes);
}

answer_reader::recognized answer_reader::recognize(std::string_view rest) const {
    using enum server_item_kind;
    if (rest.starts_with(prompt_bytes)) return {{prompt, rest.substr(0, prompt_bytes.size())}};
    if (rest.size() < prompt_bytes.size() && prompt_bytes.starts_with(rest))
        return {{eof_ ? truncated : need_more, {}, "the server closed inside the prompt"}};

    std::size_t lf = rest.find('\n');
    if (std::min(lf, rest.size()) > max_line_) return {{malformed, {}, "a line too long"}};
    if (lf == std::string_view::npos)
        return {{eof_ ? truncated : need_more, {}, "the server closed in the middle of a line"}};

    std::string_view line = rest.substr(0, lf + 1);
    if (!line.ends_with(crlf)) return {{malformed, {}, "a line not ended by CR LF"}};
    std::string_view body = line.substr(0, line.size() - crlf.size());
    if (body.starts_with(error_prefix)) {
        std::string_view message = body.substr(error_prefix.size());
        if (!is_printable(message)) return {{malformed, {}, "an error line with control characters"}};
        return {{error, line, message}};
    }
    if (auto count = parse_status(body)) return {{status, line, {}, *count}};
    if (auto cp = parse_match(body)) return {{match, line}, *cp};
    return {{malformed, {}, "a line that is neither an answer, a status nor an error"}};
}

server_item answer_reader::next() {
    using enum server_item_kind;
    if (phase_ == phase::stopped) return stopped_;
    std::string_view rest = std::string_view(buffer_).substr(pos_);

    if (rest.empty()) {
        if (!eof_) return {};
        if (phase_ == phase::ended) {
            phase_ = phase::idle;
            return {answer_end, {}, {}, answer_count_, answer_failed_};
        }
        if (phase_ == phase::matching) return stop(truncated, "the server closed in the middle of an answer");
        return stop(closed, {});
    }

    auto [item, code_point] = recognize(rest);
    if (item.kind == need_more) return item;
    if (item.kind == truncated || item.kind == malformed) return stop(item.kind, item.text);

    switch (phase_) {
    case phase::start:
        if (item.kind == match || item.kind == status) return stop(malformed, "an answer before the first prompt");
        break;
    case phase::idle:
        break;
    case phase::matching:
        if (item.kind == prompt) return stop(malformed, "an answer without a status line");
        if (item.kind == error) return stop(malformed, "an error line inside an answer");
        break;
    case phase::ended:
        if (item.kind == match || item.kind == status) return stop(malformed, "a line after the end of an answer");
        phase_ = phase::idle;  // the prompt or error line stays for the next call
        return {answer_end, {}, {}, answer_count_, answer_failed_};
    case phase::stopped:
        break;
    }

    switch (item.kind) {
    case prompt:
        phase_ = phase::idle;
        break;
    case match:
        if (phase_ == phase::matching && code_point <= last_code_point_)
            return stop(malformed, "answer lines out of code point order");
        matches_ = phase_ == phase::matching ? matches_ + 1 : 1;
        last_code_point_ = code_point;
        phase_ = phase::matching;
        break;
    case status: {
        std::size_t had = phase_ == phase::matching ? matches_ : 0;
        if (item.count != had)
            return stop(malformed, fmt::format("a status line of {} found after {} answer lines", item.count, had));
        answer_count_ = item.count;
        answer_failed_ = false;
        phase_ = phase::ended;
        break;
    }
    case error:
        answer_count_ = 0;
        answer_failed_ = true;
        phase_ = phase::ended;
        break;
    default:
        break;
    }
    pos_ += item.line.size();
    return item;
}

server_item answer_reader::stop(server_item_kind kind, std::string_view reason) {
    reason_ = reason;
    phase_ = phase::stopped;
    stopped_ = {kind, {}, reason_};
    return stopped_;
}

}  // namespace mojifinder::protocol
