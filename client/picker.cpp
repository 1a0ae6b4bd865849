// The picker's core (picker.hpp). Flow: key_decoder splits the terminal's
// bytes into keys; picker::on_key() edits the query or moves; next_request()
// hands the driver one line at a time (a /lang, a /limit, the newest query, a
// /more) and on_reply() takes its reply, dropping an answer to a query that
// was typed over meanwhile; render() lays out the frame (query line, status
// line, list or details); to_terminal() writes it as escape sequences.
#include "picker.hpp"

#include "index.hpp"
#include "words.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <fmt/format.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <charconv>

namespace mojifinder::client::picker {
namespace {

constexpr char escape_byte = '\x1b';
constexpr std::string_view replacement = "\xEF\xBF\xBD";    // U+FFFD
constexpr std::string_view dotted_circle = "\xE2\x97\x8C";  // U+25CC
constexpr std::string_view ellipsis = "\xE2\x80\xA6";       // U+2026

// The list's columns: the selection marker, the character (2 columns at
// most), a space, the name.
constexpr unsigned character_column = 2;
constexpr unsigned name_column = 5;
// The details view: labels, then their values.
constexpr unsigned label_column = 2;
constexpr unsigned value_column = 12;
// The query line and the status line above the list.
constexpr unsigned header_rows = 2;

bool is_regional_indicator(char32_t c) noexcept { return c >= 0x1F1E6 && c <= 0x1F1FF; }

// Calls f(code point, its bytes) for each code point; invalid bytes as U+FFFD.
template <class F>
void for_each_code_point(std::string_view s, F f) {
    auto n = static_cast<std::int32_t>(s.size());
    std::int32_t i = 0;
    while (i < n) {
        std::int32_t start = i;
        UChar32 c = 0;
        U8_NEXT(s.data(), i, n, c);
        if (c < 0) f(char32_t{0xFFFD}, replacement);
        else f(static_cast<char32_t>(c), s.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(i - start)));
    }
}

// The longest start of `text` that fits `columns`, with "…" when it was cut.
std::string clip(std::string_view text, unsigned columns) {
    if (static_cast<unsigned>(display_width(text)) <= columns) return std::string(text);
    std::string out;
    if (columns == 0) return out;
    unsigned used = 0;
    bool full = false;
    for_each_code_point(text, [&](char32_t c, std::string_view bytes) {
        if (full) return;
        auto w = static_cast<unsigned>(code_point_width(c));
        if (used + w + 1 > columns) {  // keep a column for the ellipsis
            full = true;
            return;
        }
        used += w;
        out.append(bytes);
    });
    out.append(ellipsis);
    return out;
}

// The end of `text` that fits `columns`, with "…" before it when it was cut.
std::string clip_front(std::string_view text, unsigned columns) {
    while (!text.empty() && static_cast<unsigned>(display_width(text)) + 1 > columns) {
        std::int32_t i = 0;
        U8_FWD_1(text.data(), i, static_cast<std::int32_t>(text.size()));
        text.remove_prefix(static_cast<std::size_t>(i));
    }
    return fmt::format("{}{}", ellipsis, text);
}

void pad_to(std::string& text, unsigned columns) {
    auto w = static_cast<unsigned>(display_width(text));
    if (w < columns) text.append(columns - w, ' ');
}

// Removes the last code point.
void pop_code_point(std::string& text) {
    if (text.empty()) return;
    auto i = static_cast<std::int32_t>(text.size());
    U8_BACK_1(reinterpret_cast<const std::uint8_t*>(text.data()), 0, i);
    text.resize(static_cast<std::size_t>(i));
}

std::string json_string(const boost::json::object& o, std::string_view key) {
    const boost::json::value* v = o.if_contains(key);
    if (v == nullptr || !v->is_string()) return {};
    return std::string(v->get_string());
}

std::vector<std::string> json_strings(const boost::json::object& o, std::string_view key) {
    std::vector<std::string> out;
    const boost::json::value* v = o.if_contains(key);
    if (v == nullptr || !v->is_array()) return out;
    for (const boost::json::value& e : v->get_array())
        if (e.is_string()) out.emplace_back(e.get_string());
    return out;
}

std::string join(const std::vector<std::string>& parts) { return fmt::format("{}", fmt::join(parts, ", ")); }

// `text` cut into lines of at most `columns`, between words where it can.
std::vector<std::string> wrap(std::string_view text, unsigned columns) {
    std::vector<std::string> lines;
    std::string line;
    while (!text.empty()) {
        std::size_t space = text.find(' ');
        std::string_view word = text.substr(0, space);
        text = space == std::string_view::npos ? std::string_view{} : text.substr(space + 1);
        std::string candidate = line.empty() ? std::string(word) : fmt::format("{} {}", line, word);
        if (!line.empty() && static_cast<unsigned>(display_width(candidate)) > columns) {
            lines.push_back(std::move(line));
            line = std::string(word);
        } else {
            line = std::move(candidate);
        }
    }
    if (!line.empty() || lines.empty()) lines.push_back(std::move(line));
    for (std::string& l : lines) l = clip(l, columns);
    return lines;
}

std::string_view sgr(style look, bool color) noexcept {
    switch (look) {
    case style::query: return "\x1b[1m";
    case style::selected: return "\x1b[7m";
    case style::dim: return color ? "\x1b[2m" : "";
    case style::status: return color ? "\x1b[36m" : "";
    case style::error: return color ? "\x1b[31m" : "\x1b[1m";
    case style::plain: break;
    }
    return "";
}

}  // namespace

// ---- keys ------------------------------------------------------------------

std::optional<key> key_decoder::next() {
    for (;;) {
        if (buffer_.empty()) {
            expired_ = false;
            return std::nullopt;
        }
        auto c = static_cast<unsigned char>(buffer_[0]);
        if (c == escape_byte) {
            if (buffer_.size() == 1) {
                if (!expired_) return std::nullopt;
                buffer_.clear();
                return key{key_kind::escape, {}};
            }
            char kind = buffer_[1];
            if (kind != '[' && kind != 'O') {  // Alt+key, or Esc typed before a key: Esc first
                buffer_.erase(0, 1);
                return key{key_kind::escape, {}};
            }
            // CSI: parameter and intermediate bytes, then a final byte 0x40-0x7E.
            // SS3 (ESC O): one final byte.
            std::size_t end = 2;
            if (kind == '[')
                while (end < buffer_.size() && (buffer_[end] < 0x40 || buffer_[end] > 0x7E)) ++end;
            if (end >= buffer_.size()) {
                if (!expired_) return std::nullopt;
                buffer_.clear();  // cut short: nothing to make of it
                continue;
            }
            std::string params = buffer_.substr(2, end - 2);
            char final_byte = buffer_[end];
            buffer_.erase(0, end + 1);
            if (final_byte == '~') {
                std::string_view number = std::string_view(params).substr(0, params.find(';'));
                if (number == "1" || number == "7") return key{key_kind::home, {}};
                if (number == "4" || number == "8") return key{key_kind::end, {}};
                if (number == "5") return key{key_kind::page_up, {}};
                if (number == "6") return key{key_kind::page_down, {}};
                continue;  // Insert, Delete, F5 and the like: nothing to do
            }
            switch (final_byte) {
            case 'A': return key{key_kind::up, {}};
            case 'B': return key{key_kind::down, {}};
            case 'H': return key{key_kind::home, {}};
            case 'F': return key{key_kind::end, {}};
            default: continue;  // left, right, function keys: nothing to do
            }
        }
        if (c < 0x20 || c == 0x7F) {
            buffer_.erase(0, 1);
            switch (c) {
            case 0x03: return key{key_kind::interrupt, {}};
            case '\r':
            case '\n': return key{key_kind::enter, {}};
            case '\t': return key{key_kind::tab, {}};
            case 0x7F:
            case 0x08: return key{key_kind::backspace, {}};
            case 0x15: return key{key_kind::clear_query, {}};
            case 0x17: return key{key_kind::delete_word, {}};
            case 0x0C: return key{key_kind::language, {}};
            case 0x12: return key{key_kind::redraw, {}};
            case 0x0E: return key{key_kind::down, {}};  // Ctrl-N
            case 0x10: return key{key_kind::up, {}};    // Ctrl-P
            default: continue;
            }
        }
        // UTF-8: as many bytes as the lead byte says.
        // (A byte that cannot start a character: 1, and U8_NEXT drops it.)
        std::size_t length = c < 0xC2 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : c < 0xF5 ? 4 : 1;
        if (buffer_.size() < length && !expired_) return std::nullopt;
        length = std::min(length, buffer_.size());
        std::string bytes = buffer_.substr(0, length);
        auto n = static_cast<std::int32_t>(length);
        std::int32_t i = 0;
        UChar32 cp = 0;
        U8_NEXT(bytes.data(), i, n, cp);
        buffer_.erase(0, static_cast<std::size_t>(i));
        if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) continue;  // invalid, or a C1 control
        bytes.resize(static_cast<std::size_t>(i));
        return key{key_kind::text, std::move(bytes)};
    }
}

void key_decoder::expire_escape() { expired_ = true; }

// ---- how characters are drawn ------------------------------------------------

int code_point_width(char32_t c) noexcept {
    auto cp = static_cast<UChar32>(c);
    auto type = static_cast<UCharCategory>(u_charType(cp));
    if (type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK || type == U_FORMAT_CHAR ||
        u_hasBinaryProperty(cp, UCHAR_VARIATION_SELECTOR))
        return 0;
    auto east_asian = static_cast<UEastAsianWidth>(u_getIntPropertyValue(cp, UCHAR_EAST_ASIAN_WIDTH));
    if (east_asian == U_EA_WIDE || east_asian == U_EA_FULLWIDTH || u_hasBinaryProperty(cp, UCHAR_EMOJI_PRESENTATION))
        return 2;
    return 1;
}

int display_width(std::string_view utf8) noexcept {
    int total = 0;
    int last = 0;             // the width of the last character that took columns
    bool last_emoji = false;  // it was an emoji (a skin tone after it joins it)
    bool after_zwj = false;
    bool flag_open = false;   // one regional indicator so far
    for_each_code_point(utf8, [&](char32_t c, std::string_view) {
        auto cp = static_cast<UChar32>(c);
        if (after_zwj) {  // joined into the glyph before the ZWJ
            after_zwj = false;
            return;
        }
        if (c == 0x200D) {
            after_zwj = true;
            return;
        }
        if (c == 0xFE0F) {
            if (last == 1) {
                ++total;
                last = 2;
            }
            return;
        }
        if (last_emoji && u_hasBinaryProperty(cp, UCHAR_EMOJI_MODIFIER)) return;
        if (is_regional_indicator(c)) {
            if (flag_open) {
                flag_open = false;
                return;
            }
            flag_open = true;
        } else {
            flag_open = false;
        }
        int w = code_point_width(c);
        total += w;
        if (w > 0) {
            last = w;
            last_emoji = u_hasBinaryProperty(cp, UCHAR_EMOJI);
        }
    });
    return total;
}

std::string printable(std::string_view utf8) {
    std::string out;
    out.reserve(utf8.size());
    for_each_code_point(utf8, [&](char32_t c, std::string_view bytes) {
        if (u_charType(static_cast<UChar32>(c)) == U_CONTROL_CHAR) out.append(replacement);
        else out.append(bytes);
    });
    return out;
}

std::string character_cell(std::string_view utf8) {
    std::string out = printable(utf8);
    if (display_width(out) == 0) out.insert(0, dotted_circle);
    return out;
}

// ---- what the server answers -------------------------------------------------

std::optional<item> parse_item(std::string_view json_line) {
    while (!json_line.empty() && (json_line.back() == '\n' || json_line.back() == '\r')) json_line.remove_suffix(1);
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(json_line, ec);
    if (ec || !v.is_object()) return std::nullopt;
    const boost::json::object& o = v.get_object();
    if (!o.contains("cp") || !o.contains("char")) return std::nullopt;
    item it;
    it.cp = json_string(o, "cp");
    it.character = json_string(o, "char");
    it.name = json_string(o, "name");
    it.block = json_string(o, "block");
    it.gc = json_string(o, "gc");
    it.age = json_string(o, "age");
    it.short_name = json_string(o, "short");
    it.aliases = json_strings(o, "aliases");
    it.keywords = json_strings(o, "keywords");
    it.json = std::string(json_line);
    return it;
}

std::string query_line(std::string_view typed) {
    std::string_view trimmed = trim_ascii_space(typed);
    if (trimmed.empty()) return {};
    std::string line(trimmed);
    // Still typing the last word: it counts as a prefix.
    std::size_t start = trimmed.find_last_of(" \t");
    std::string_view last = start == std::string_view::npos ? trimmed : trimmed.substr(start + 1);
    if (last.starts_with('-')) last.remove_prefix(1);
    bool word = !last.empty() && std::all_of(last.begin(), last.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    });
    // Inside an unclosed phrase the server's error ("close the phrase") says more.
    bool phrase_open = std::count(trimmed.begin(), trimmed.end(), '"') % 2 == 1;
    if (word && !phrase_open && !is_ascii_space(static_cast<unsigned char>(typed.back()))) line.push_back('*');
    if (line.starts_with('/')) line.insert(0, "/");  // "//x" is the query "/x", not a command
    return line;
}

// ---- the picker ---------------------------------------------------------------

std::string printed(const item& picked, print_field what) {
    switch (what) {
    case print_field::code: return picked.cp;
    case print_field::name: return picked.name;
    case print_field::line: {
        // The answer line as the index writes it (one writer of that
        // format), from the JSON's "cp" ("U+1F469 U+200D U+1F692"), without
        // its CR LF.
        std::u32string code_points;
        for (std::string_view rest = picked.cp; rest.starts_with("U+");) {
            rest.remove_prefix(2);
            std::uint32_t cp = 0;
            auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), cp, 16);
            if (ec != std::errc{}) break;
            code_points.push_back(static_cast<char32_t>(cp));
            rest.remove_prefix(static_cast<std::size_t>(end - rest.data()));
            if (rest.starts_with(' ')) rest.remove_prefix(1);
        }
        std::string line;
        mojifinder::append_answer_line(line, code_points, picked.name);
        line.resize(line.size() - 2);
        return line;
    }
    case print_field::character: break;
    }
    return picked.character;
}

std::string frame::text(unsigned r) const {
    std::string out;
    unsigned at = 0;
    for (const segment& s : rows.at(r)) {
        if (s.column > at) out.append(s.column - at, ' ');
        out.append(s.text);
        at = std::max(at, s.column) + static_cast<unsigned>(display_width(s.text));
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

std::string to_terminal(const frame& f, bool color) {
    std::string out = "\x1b[?25l";
    for (unsigned r = 0; r < f.rows.size(); ++r) {
        fmt::format_to(std::back_inserter(out), "\x1b[{};1H\x1b[2K", r + 1);
        for (const segment& s : f.rows[r]) {
            std::string_view on = sgr(s.look, color);
            fmt::format_to(std::back_inserter(out), "\x1b[{};{}H{}{}{}", r + 1, s.column + 1, on, s.text,
                           on.empty() ? "" : "\x1b[0m");
        }
    }
    fmt::format_to(std::back_inserter(out), "\x1b[{};{}H{}", f.cursor_row + 1, f.cursor_column + 1, frame_end);
    return out;
}

picker::picker(std::vector<item> recent, std::string language)
    : recent_(std::move(recent)), language_(std::move(language)) {}

void picker::resize(unsigned width, unsigned height) {
    width_ = std::max(width, 1u);
    height_ = std::max(height, 1u);
    move(0);  // keeps the selection on screen
}

unsigned picker::list_rows() const noexcept { return height_ > header_rows + 1 ? height_ - header_rows : 1; }

const std::vector<item>& picker::shown_items() const noexcept {
    return query_line(typed_).empty() ? recent_ : items_;
}

void picker::move(long by) {
    const std::vector<item>& list = shown_items();
    if (list.empty()) {
        selected_ = top_ = 0;
        return;
    }
    long target = static_cast<long>(selected_) + by;
    long last = static_cast<long>(list.size()) - 1;
    if (target > last && &list == &items_ && shown_ < found_ && answered_ == query_line(typed_)) {
        more_wanted_ = true;
        pending_move_ = target - last;
    }
    selected_ = static_cast<std::size_t>(std::clamp(target, 0L, last));
    unsigned rows = list_rows();
    if (selected_ < top_) top_ = selected_;
    if (selected_ >= top_ + rows) top_ = selected_ - rows + 1;
}

void picker::edit(const key& k, std::string& text) {
    switch (k.kind) {
    case key_kind::text: text += k.text; break;
    case key_kind::backspace: pop_code_point(text); break;
    case key_kind::clear_query: text.clear(); break;
    case key_kind::delete_word:
        while (!text.empty() && text.back() == ' ') text.pop_back();
        while (!text.empty() && text.back() != ' ') pop_code_point(text);
        break;
    default: break;
    }
}

void picker::on_key(const key& k) {
    if (state_ != outcome::running) return;
    if (input_ == input::language) {
        if (k.kind == key_kind::enter) {
            wanted_language_ = std::string(trim_ascii_space(language_typed_));
            input_ = input::query;
        } else if (k.kind == key_kind::escape || k.kind == key_kind::interrupt || k.kind == key_kind::language) {
            input_ = input::query;
        } else {
            edit(k, language_typed_);
        }
        return;
    }
    if (details_ && (k.kind == key_kind::tab || k.kind == key_kind::escape)) {
        details_ = false;
        return;
    }
    const std::vector<item>& list = shown_items();
    switch (k.kind) {
    case key_kind::text:
    case key_kind::backspace:
    case key_kind::clear_query:
    case key_kind::delete_word: {
        std::string before = typed_;
        edit(k, typed_);
        if (typed_ != before) {
            selected_ = top_ = 0;
            details_ = false;
            more_wanted_ = false;
            pending_move_ = 0;
        }
        break;
    }
    case key_kind::up: move(-1); break;
    case key_kind::down: move(1); break;
    case key_kind::page_up: move(-static_cast<long>(list_rows())); break;
    case key_kind::page_down: move(static_cast<long>(list_rows())); break;
    case key_kind::home: move(-static_cast<long>(selected_)); break;
    case key_kind::end: move(static_cast<long>(list.size()) - 1 - static_cast<long>(selected_)); break;
    case key_kind::enter:
        if (!list.empty()) {
            picked_ = list[selected_];
            state_ = outcome::picked;
        }
        break;
    case key_kind::escape:
    case key_kind::interrupt: state_ = outcome::left; break;
    case key_kind::tab: details_ = !list.empty(); break;
    case key_kind::language:
        input_ = input::language;
        language_typed_.clear();
        break;
    case key_kind::redraw: break;  // every frame is drawn whole: the driver draws it again
    }
}

void picker::reconnected() noexcept {
    in_flight_ = request::none;
    limit_sent_ = 0;
    answered_.reset();
    more_wanted_ = false;
    pending_move_ = 0;
}

std::optional<std::string> picker::next_request() {
    if (in_flight_ != request::none || state_ != outcome::running) return std::nullopt;
    if (!wanted_language_.empty()) {
        in_flight_ = request::lang;
        in_flight_line_ = fmt::format("/lang {}", wanted_language_);
        wanted_language_.clear();
        return in_flight_line_;
    }
    if (list_rows() != limit_sent_) {
        in_flight_ = request::limit;
        limit_sent_ = list_rows();
        in_flight_line_ = fmt::format("/limit {}", limit_sent_);
        return in_flight_line_;
    }
    std::string wanted = query_line(typed_);
    if (!wanted.empty() && (!answered_ || *answered_ != wanted)) {
        in_flight_ = request::query;
        in_flight_line_ = std::move(wanted);
        return in_flight_line_;
    }
    if (more_wanted_) {
        more_wanted_ = false;
        in_flight_ = request::more;
        in_flight_line_ = "/more";
        return in_flight_line_;
    }
    return std::nullopt;
}

void picker::on_reply(const reply& r) {
    request answered = std::exchange(in_flight_, request::none);
    switch (answered) {
    case request::lang:
        if (!r.error.empty()) {
            error_ = r.error;
            break;
        }
        // "lang de Deutsch": the tag is the second word.
        language_ = r.ok.substr(std::min(r.ok.size(), r.ok.find(' ') + 1));
        language_ = language_.substr(0, language_.find(' '));
        answered_.reset();  // keywords and short names change: ask again
        break;
    case request::limit: break;
    case request::query:
        if (in_flight_line_ != query_line(typed_)) break;  // typed over meanwhile: dropped
        answered_ = in_flight_line_;
        items_ = r.items;
        found_ = r.found;
        shown_ = r.shown;
        hint_ = r.hint;
        error_ = r.error;
        selected_ = top_ = 0;
        break;
    case request::more:
        if (!answered_ || *answered_ != query_line(typed_) || !r.error.empty()) break;
        items_.insert(items_.end(), r.items.begin(), r.items.end());
        shown_ = r.shown;
        found_ = r.found;
        move(std::exchange(pending_move_, 0));
        break;
    case request::none: break;
    }
}

frame picker::render() const {
    frame f;
    f.width = width_;
    f.height = height_;
    f.rows.resize(height_);
    // The query line: the language on the right when there is room.
    std::string tag = fmt::format("[{}]", language_.empty() ? "en" : language_);
    bool tag_fits = width_ > tag.size() + 12;
    unsigned room = width_ - (tag_fits ? static_cast<unsigned>(tag.size()) + 1 : 0);
    std::string prompt = input_ == input::language ? "language: " : "> ";
    const std::string& typing = input_ == input::language ? language_typed_ : typed_;
    std::string shown = printable(typing);
    auto prompt_width = static_cast<unsigned>(prompt.size());
    unsigned typing_room = room > prompt_width + 1 ? room - prompt_width - 1 : 1;
    if (static_cast<unsigned>(display_width(shown)) > typing_room) shown = clip_front(shown, typing_room);
    f.rows[0].push_back({0, prompt + shown, style::query});
    if (tag_fits) f.rows[0].push_back({width_ - static_cast<unsigned>(tag.size()), tag, style::dim});
    f.cursor_row = 0;
    f.cursor_column = std::min(width_ - 1, prompt_width + static_cast<unsigned>(display_width(shown)));
    if (height_ < 2) return f;

    // The status line.
    std::string wanted = query_line(typed_);
    std::string status;
    style look = style::status;
    if (input_ == input::language) {
        status = "a language tag (de, ja, pt_BR), Enter switches, Esc cancels";
    } else if (!error_.empty() && (wanted.empty() || answered_ == wanted || !answered_)) {
        status = fmt::format("error: {}", error_);
        look = style::error;
    } else if (wanted.empty()) {
        status = recent_.empty() ? "type to search; Esc leaves" : "recently picked";
    } else if (!answered_ || *answered_ != wanted) {
        status = "searching...";
    } else {
        status = shown_ < found_ ? fmt::format("{} found, {} shown", found_, shown_) : fmt::format("{} found", found_);
        if (relevance_ && found_ > 1) status += ", best first";
        if (!hint_.empty()) status += fmt::format("; did you mean: {}", hint_);
    }
    f.rows[1].push_back({0, clip(printable(status), width_), look});
    if (details_) render_details(f);
    else render_list(f);
    return f;
}

void picker::render_list(frame& f) const {
    const std::vector<item>& list = shown_items();
    unsigned rows = list_rows();
    for (std::size_t i = top_; i < list.size() && i < top_ + rows && header_rows + (i - top_) < height_; ++i) {
        const item& it = list[i];
        std::vector<segment>& row = f.rows[header_rows + (i - top_)];
        bool selected = i == selected_;
        style look = selected ? style::selected : style::plain;
        row.push_back({0, selected ? "> " : "  ", look});
        if (width_ <= name_column) continue;
        row.push_back({character_column, character_cell(it.character), look});
        // The code point on the right when the name leaves room for it.
        unsigned room = width_ - name_column;
        auto name_width = static_cast<unsigned>(display_width(it.name));
        bool cp_fits = name_width + 2 + it.cp.size() <= room;
        unsigned name_room = cp_fits ? room - static_cast<unsigned>(it.cp.size()) - 1 : room;
        std::string name = clip(printable(it.name), name_room);
        if (selected) pad_to(name, name_room);  // the selection bar runs to the code point
        row.push_back({name_column, std::move(name), look});
        if (cp_fits)
            row.push_back({width_ - static_cast<unsigned>(it.cp.size()), it.cp, selected ? look : style::dim});
    }
}

void picker::render_details(frame& f) const {
    const item& it = shown_items().at(selected_);
    unsigned row = header_rows;
    auto put = [&](std::string_view label, std::string_view value) {
        if (width_ <= value_column) return;
        std::vector<std::string> lines = wrap(printable(value.empty() ? "-" : value), width_ - value_column);
        for (std::size_t i = 0; i < lines.size() && row < height_; ++i, ++row) {
            if (i == 0) f.rows[row].push_back({label_column, std::string(label), style::dim});
            f.rows[row].push_back({value_column, std::move(lines[i]), style::plain});
        }
    };
    if (row < height_ && width_ > value_column) {
        f.rows[row].push_back({label_column, clip(it.cp, value_column - label_column - 1), style::query});
        f.rows[row++].push_back({value_column, character_cell(it.character), style::plain});
    }
    put("name", it.name);
    put("block", it.block);
    put("category", it.gc);
    put("age", it.age);
    put("aliases", join(it.aliases));
    put("short", it.short_name);
    put("keywords", join(it.keywords));
    if (row + 1 < height_)
        f.rows[row + 1].push_back(
            {label_column, clip(fmt::format("in {}; Tab or Esc: the list, Enter: pick", language_), width_ - label_column),
             style::dim});
}

}  // namespace mojifinder::client::picker
