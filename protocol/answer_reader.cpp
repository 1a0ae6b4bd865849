// Flow: next() recognizes what starts at the first unconsumed byte (a prompt,
// a complete line, or not enough yet), then checks it against the phase of the
// session: start -> prompt -> idle -> answer lines -> status line -> ended
// (or help lines -> ok line, or an error or ok line alone). In `ended`, a
// prompt, an error line or the close first yields answer_end and stays
// unconsumed, so the next call yields it; after a JSON reply no prompt
// comes, so answer_end follows at once. Anything the protocol does not allow
// stops the reader for good.
//
// Order: classic answers are strictly ascending. Since version 2, pasted
// characters are answered first, in text order, and the reader cannot tell
// those lines from the ascending rest: order is not checked then.
#include "answer_reader.hpp"

#include "json_lines.hpp"
#include "session_core.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <fmt/format.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>

namespace mojifinder::protocol {
namespace {

constexpr std::string_view crlf = "\r\n";
constexpr std::string_view error_prefix = "error: ";
constexpr std::string_view ok_prefix = "ok: ";
constexpr std::string_view help_prefix = "# ";
constexpr std::string_view found_word = " found";
constexpr std::string_view shown_word = " shown";
constexpr std::string_view replacement = "\xEF\xBF\xBD";  // U+FFFD: a control's character field
constexpr std::string_view prompt_bytes = prompt;  // `prompt` is also an item kind below

bool is_upper_hex(char c) noexcept { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'); }
bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_control(std::uint32_t cp) noexcept { return cp < 0x20 || (cp >= 0x7F && cp < 0xA0); }

// Control bytes would reach the user's terminal; mojifinderd never sends them.
bool is_printable(std::string_view text) noexcept {
    return std::none_of(text.begin(), text.end(), [](char c) {
        auto b = static_cast<unsigned char>(c);
        return b < 0x20 || b == 0x7F;
    });
}

// "U+1F431": the code point, when canonical (upper-case, 4 to 6 digits, no
// leading zero past four) and a scalar value.
std::optional<char32_t> parse_code_point(std::string_view text) {
    if (!text.starts_with("U+")) return std::nullopt;
    std::string_view hex = text.substr(2);
    if (hex.size() < 4 || hex.size() > 6) return std::nullopt;
    if (!std::all_of(hex.begin(), hex.end(), is_upper_hex)) return std::nullopt;
    if (hex.size() > 4 && hex.front() == '0') return std::nullopt;
    std::uint32_t cp = 0;
    std::from_chars(hex.data(), hex.data() + hex.size(), cp, 16);
    if (cp > 0x10FFFF || U_IS_SURROGATE(cp)) return std::nullopt;
    return static_cast<char32_t>(cp);
}

// The character field: the code point's UTF-8, or U+FFFD for one never
// written raw: a control or an unassigned code point (which only identified
// pasted text can be, in version 2).
bool is_character_of(std::string_view field, char32_t cp, bool classic) {
    if (!classic && field == replacement) {
        auto type = u_charType(static_cast<UChar32>(cp));
        return type == U_CONTROL_CHAR || type == U_UNASSIGNED || cp == 0xFFFD;
    }
    if (is_control(cp)) return false;
    char utf8[U8_MAX_LENGTH];
    std::size_t length = 0;
    U8_APPEND_UNSAFE(utf8, length, cp);
    return field == std::string_view(utf8, length);
}

// An emoji sequence's fields: "U+1F469 U+200D U+1F692" and the sequence
// itself; its first code point. Never in version 1.
std::optional<char32_t> parse_sequence(std::string_view code_points, std::string_view field) {
    std::optional<char32_t> first;
    std::size_t count = 0;
    while (!code_points.empty()) {
        std::size_t space = code_points.find(' ');
        auto cp = parse_code_point(code_points.substr(0, space));
        if (!cp || is_control(*cp)) return std::nullopt;
        char utf8[U8_MAX_LENGTH];
        std::size_t length = 0;
        U8_APPEND_UNSAFE(utf8, length, *cp);
        if (!field.starts_with(std::string_view(utf8, length))) return std::nullopt;
        field.remove_prefix(length);
        if (!first) first = cp;
        ++count;
        if (space == std::string_view::npos) break;
        code_points.remove_prefix(space + 1);
        if (code_points.empty()) return std::nullopt;  // a space at the end
    }
    if (count < 2 || !field.empty()) return std::nullopt;
    return first;
}

// The code point (a sequence's first) of a match's first two fields.
std::optional<char32_t> parse_character(std::string_view code_points, std::string_view field, bool classic) {
    if (!classic && code_points.find(' ') != std::string_view::npos) return parse_sequence(code_points, field);
    auto cp = parse_code_point(code_points);
    if (!cp || !is_character_of(field, *cp, classic)) return std::nullopt;
    return cp;
}

// "U+1F431<TAB>🐱<TAB>CAT FACE", "U+1F469 U+200D U+1F692<TAB>👩‍🚒<TAB>WOMAN
// FIREFIGHTER": the (first) code point, when the line is exactly that shape
// (canonical hex, the character or sequence itself, a printable name).
std::optional<char32_t> parse_match(std::string_view body, bool classic) {
    std::size_t tab = body.find('\t');
    if (tab == std::string_view::npos) return std::nullopt;
    std::string_view code_points = body.substr(0, tab);
    body.remove_prefix(tab + 1);
    std::size_t second = body.find('\t');
    if (second == std::string_view::npos) return std::nullopt;
    auto cp = parse_character(code_points, body.substr(0, second), classic);
    if (!cp) return std::nullopt;
    std::string_view name = body.substr(second + 1);
    if (name.empty() || !is_printable(name)) return std::nullopt;
    return cp;
}

std::optional<std::size_t> parse_number(std::string_view digits) {
    if (digits.empty() || !std::all_of(digits.begin(), digits.end(), is_digit)) return std::nullopt;
    if (digits.size() > 1 && digits.front() == '0') return std::nullopt;
    std::size_t n = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (ec != std::errc{}) return std::nullopt;
    return n;
}

struct status_fields {
    std::size_t found = 0;
    std::size_t shown = 0;
    std::string_view hints;
};

// "──…── 564 found[, 20 shown][; did you mean: a, b, c]"
std::optional<status_fields> parse_status(std::string_view body, bool classic) {
    std::string_view rule = status_rule();
    if (!body.starts_with(rule)) return std::nullopt;
    body.remove_prefix(rule.size());
    if (!body.starts_with(' ')) return std::nullopt;
    body.remove_prefix(1);
    std::size_t found_at = body.find(found_word);
    if (found_at == std::string_view::npos) return std::nullopt;
    auto found = parse_number(body.substr(0, found_at));
    if (!found) return std::nullopt;
    status_fields f{*found, *found, {}};
    body.remove_prefix(found_at + found_word.size());
    if (!classic && body.starts_with(hint_separator)) {
        body.remove_prefix(hint_separator.size());
        std::size_t shown_at = body.find(shown_word);
        if (shown_at == std::string_view::npos) return std::nullopt;
        auto shown = parse_number(body.substr(0, shown_at));
        if (!shown || *shown >= f.found) return std::nullopt;  // all shown: no ", M shown"
        f.shown = *shown;
        body.remove_prefix(shown_at + shown_word.size());
    }
    if (!classic && body.starts_with(hint_prefix)) {
        f.hints = body.substr(hint_prefix.size());
        // Hints only say where nothing was found; words, comma-separated.
        if (f.found != 0 || f.hints.empty() || !is_printable(f.hints) || f.hints.ends_with(hint_separator))
            return std::nullopt;
        body = {};
    }
    if (!body.empty()) return std::nullopt;
    return f;
}

}  // namespace

void answer_reader::feed(std::string_view bytes) {
    buffer_.erase(0, pos_);
    pos_ = 0;
    buffer_.append(bytes);
}

answer_reader::recognized answer_reader::recognize_json(std::string_view line) {
    using enum server_item_kind;
    const recognized bad{{malformed, {}, "a JSON line that is not one of the protocol's objects"}};
    if (classic_) return bad;
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(line.substr(0, line.size() - crlf.size()), ec);
    if (ec || !v.is_object()) return bad;
    const boost::json::object& o = v.get_object();
    auto string_field = [&](std::string_view key) -> const boost::json::string* {
        const boost::json::value* f = o.if_contains(key);
        return f != nullptr && f->is_string() ? &f->get_string() : nullptr;
    };
    auto count_field = [&](std::string_view key) -> std::optional<std::size_t> {
        const boost::json::value* f = o.if_contains(key);
        if (f == nullptr) return std::nullopt;
        if (f->is_uint64()) return f->get_uint64();
        if (f->is_int64() && f->get_int64() >= 0) return static_cast<std::size_t>(f->get_int64());
        return std::nullopt;
    };
    recognized r;
    r.item.line = line;
    r.item.json = true;
    if (const auto* cp = string_field(json_lines::key::cp)) {
        const auto* ch = string_field(json_lines::key::character);
        const auto* name = string_field(json_lines::key::name);
        if (ch == nullptr || name == nullptr) return bad;
        auto code_point = parse_character(std::string_view(*cp), std::string_view(*ch), false);
        if (!code_point) return bad;
        r.item.kind = match;
        r.code_point = *code_point;
        return r;
    }
    if (auto found = count_field(json_lines::key::found)) {
        auto shown = count_field(json_lines::key::shown);
        if (!shown || *shown > *found) return bad;
        r.item.kind = status;
        r.item.count = *found;
        r.item.shown = *shown;
        message_.clear();
        if (const boost::json::value* hints = o.if_contains(json_lines::key::hint)) {
            if (!hints->is_array() || *found != 0) return bad;
            for (const auto& h : hints->get_array()) {
                if (!h.is_string()) return bad;
                if (!message_.empty()) message_ += hint_separator;
                message_ += std::string_view(h.get_string());
            }
        }
        r.item.text = message_;
        return r;
    }
    for (auto [key, kind] : {std::pair{json_lines::key::error, error}, std::pair{json_lines::key::ok, ok}}) {
        if (const auto* text = string_field(key)) {
            message_ = std::string_view(*text);
            r.item.kind = kind;
            r.item.text = message_;
            return r;
        }
    }
    return bad;
}

answer_reader::recognized answer_reader::recognize(std::string_view rest) {
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
    if (body.starts_with('{')) return recognize_json(line);
    for (auto [prefix, kind] : {std::pair{error_prefix, error}, std::pair{ok_prefix, ok},
                                std::pair{help_prefix, help}}) {
        if (!body.starts_with(prefix) || (classic_ && kind != error)) continue;
        std::string_view message = body.substr(prefix.size());
        if (!is_printable(message)) {
            return {{malformed, {},
                     kind == error ? "an error line with control characters" : "a line with control characters"}};
        }
        return {{kind, line, message}};
    }
    if (auto f = parse_status(body, classic_)) {
        server_item item{status, line, f->hints, f->found, f->shown};
        return {item};
    }
    if (auto cp = parse_match(body, classic_)) return {{match, line}, *cp};
    return {{malformed, {}, "a line that is neither an answer, a status nor an error"}};
}

server_item answer_reader::end_of_reply() noexcept {
    phase_ = phase::idle;
    return ended_;
}

server_item answer_reader::next() {
    using enum server_item_kind;
    if (phase_ == phase::stopped) return stopped_;
    // A JSON reply ends with its final object: no prompt comes after it.
    if (phase_ == phase::ended && json_) return end_of_reply();
    std::string_view rest = std::string_view(buffer_).substr(pos_);

    if (rest.empty()) {
        if (!eof_) return {};
        if (phase_ == phase::ended) return end_of_reply();
        if (phase_ == phase::matching) return stop(truncated, "the server closed in the middle of an answer");
        if (phase_ == phase::helping) return stop(truncated, "the server closed in the middle of a reply");
        return stop(closed, {});
    }

    auto [item, code_point] = recognize(rest);
    if (item.kind == need_more) return item;
    if (item.kind == truncated || item.kind == malformed) return stop(item.kind, item.text);
    const bool answer_part = item.kind == match || item.kind == status;

    switch (phase_) {
    case phase::start:
        if (answer_part || item.kind == help || item.kind == ok)
            return stop(malformed, "an answer before the first prompt");
        break;
    case phase::idle:
        break;
    case phase::matching:
        if (item.kind == prompt) return stop(malformed, "an answer without a status line");
        if (item.kind == error) return stop(malformed, "an error line inside an answer");
        if (item.kind == help || item.kind == ok) return stop(malformed, "an acknowledgement inside an answer");
        break;
    case phase::helping:
        if (item.kind != help && item.kind != ok) return stop(malformed, "help lines without their ok line");
        break;
    case phase::ended:
        if (answer_part || item.kind == help || item.kind == ok)
            return stop(malformed, "a line after the end of an answer");
        return end_of_reply();  // the prompt or error line stays for the next call
    case phase::stopped:
        break;
    }

    switch (item.kind) {
    case prompt:
        phase_ = phase::idle;
        break;
    case match:
        if (classic_ && phase_ == phase::matching && code_point <= last_code_point_)
            return stop(malformed, "answer lines out of code point order");
        matches_ = phase_ == phase::matching ? matches_ + 1 : 1;
        last_code_point_ = code_point;
        phase_ = phase::matching;
        break;
    case status: {
        std::size_t had = phase_ == phase::matching ? matches_ : 0;
        // The first reply of an answer sends `shown` lines; /more after a cut
        // sends the lines from the cut's shown on.
        bool first_reply = had == item.shown;
        bool more_reply = cut_ && item.count == cut_found_ && item.shown > cut_shown_ &&
                          had == item.shown - cut_shown_;
        if (!first_reply && !more_reply) {
            if (item.shown == item.count)
                return stop(malformed, fmt::format("a status line of {} found after {} answer lines", item.count, had));
            return stop(malformed, fmt::format("a status line of {} shown after {} answer lines", item.shown, had));
        }
        cut_ = item.shown < item.count;
        cut_found_ = item.count;
        cut_shown_ = item.shown;
        ended_ = {answer_end, {}, {}, item.count, item.shown};
        phase_ = phase::ended;
        break;
    }
    case error:
        ended_ = {answer_end, {}, {}, 0, 0, true};
        phase_ = phase::ended;
        break;
    case ok:
        ended_ = {answer_end, {}, {}, 0, 0, false, true};
        phase_ = phase::ended;
        break;
    case help:
        phase_ = phase::helping;
        break;
    default:
        break;
    }
    if (item.kind == status || item.kind == error || item.kind == ok) {
        json_ = item.json;
        ended_.json = item.json;
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
