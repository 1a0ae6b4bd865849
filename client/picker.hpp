#pragma once
// The picker without a terminal or a socket (mojifinder --pick): key bytes in,
// keys out (key_decoder); keys and the server's replies in, the lines to send
// and a frame out (picker); a frame turned into the escape sequences that
// draw it (to_terminal). client/picker_terminal.cpp owns the terminal and the
// connection and drives it; tests/picker_test.cpp drives it with no terminal.
// Flow (of a key): key_decoder::next() -> picker::on_key() (edits the query,
// moves the selection, picks or leaves) -> picker::next_request() (the line
// to send once the last one is answered) -> picker::on_reply() ->
// picker::render() -> to_terminal().
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mojifinder::client::picker {

// ---- keys ------------------------------------------------------------------

enum class key_kind {
    text,         // printable text typed or pasted: `text`
    up,
    down,
    page_up,
    page_down,
    home,
    end,
    enter,
    escape,       // Esc alone
    interrupt,    // Ctrl-C
    tab,
    backspace,
    clear_query,  // Ctrl-U
    delete_word,  // Ctrl-W
    language,     // Ctrl-L: type a language tag
    redraw,       // Ctrl-R
};

struct key {
    key_kind kind = key_kind::text;
    std::string text;
    bool operator==(const key&) const = default;
};

// The bytes a terminal sends for keys. An ESC may be the Escape key or the
// start of a sequence (arrows: ESC [ A); which one only time tells: the
// driver calls expire_escape() when no byte followed it within
// escape_timeout_ms.
class key_decoder {
public:
    void feed(std::string_view bytes) { buffer_.append(bytes); }
    // The next whole key; nullopt when the bytes so far end inside one.
    std::optional<key> next();
    // The buffered bytes are an ESC (or an unfinished sequence) waiting for more.
    bool waiting() const noexcept { return !buffer_.empty(); }
    // Nothing more came: a lone ESC is the Escape key, an unfinished
    // sequence is dropped.
    void expire_escape();

private:
    std::string buffer_;
    bool expired_ = false;
};

// ---- how characters are drawn ------------------------------------------------

// Columns a code point takes in a terminal: 2 for East_Asian_Width W and F
// and for Emoji_Presentation, 0 for combining marks, format characters (ZWJ)
// and variation selectors, else 1 (ICU's properties).
int code_point_width(char32_t c) noexcept;

// Columns of text as a terminal draws it: code_point_width() of each, except
// that what follows a ZWJ, a skin-tone modifier after another emoji and the
// second regional indicator of a flag add nothing, and U+FE0F makes a narrow
// character before it wide (emoji presentation).
int display_width(std::string_view utf8) noexcept;

// Text safe to write to a terminal: control characters (C0, DEL, C1) and
// invalid UTF-8 become U+FFFD, so no byte of the server's or the user's ever
// reaches the terminal as a command.
std::string printable(std::string_view utf8);

// A character field as the list shows it: printable(), and a combining mark
// (or another zero-width character) on its own carried by U+25CC, as
// Unicode's charts show it.
std::string character_cell(std::string_view utf8);

// ---- what the server answers -------------------------------------------------

// One answer object of JSON mode (docs/PROTOCOL.md "JSON mode").
struct item {
    std::string cp, character, name, block, gc, age, short_name;
    std::vector<std::string> aliases, keywords;
    std::string json;  // the object as the server sent it, without CR LF: the recent list keeps it
};

// An answer object read back; nullopt when `json_line` is not one.
std::optional<item> parse_item(std::string_view json_line);

// A complete reply to one line the picker sent.
struct reply {
    std::vector<item> items;
    std::size_t found = 0, shown = 0;
    std::string hint;   // "dizzy, zzy"
    std::string error;  // an error object's message
    std::string ok;     // a command's acknowledgement
};

// What is sent for the typed query: the last word, when it is still being
// typed (letters and digits, no space after it), becomes a prefix (`cat fa`
// -> `cat fa*`); a query starting with `/` is sent as `//...` (a query, not a
// command). Empty for a blank query.
std::string query_line(std::string_view typed);

// ---- the picker ---------------------------------------------------------------

// What Enter prints (--print).
enum class print_field { character, code, name, line };

// The text --print writes for a picked item (without the LF).
std::string printed(const item& picked, print_field what);

enum class outcome { running, picked, left };

enum class style { plain, query, selected, dim, status, error };

struct segment {
    unsigned column = 0;  // 0-based; the driver moves there first
    std::string text;     // printable; its display_width() fits the row
    style look = style::plain;
};

struct frame {
    unsigned width = 0, height = 0;
    std::vector<std::vector<segment>> rows;  // height rows
    unsigned cursor_row = 0, cursor_column = 0;
    // Row `r` as the terminal shows it, spaces between the segments and
    // trailing spaces dropped (for tests and the README).
    std::string text(unsigned r) const;
};

// The bytes that draw `f`: the cursor hidden, each row cleared and its
// segments written at their columns (absolute moves, so a character a
// terminal draws wider or narrower than display_width() says cannot shift
// what follows it), colours unless `color` is false (reverse video and bold
// stay), then the cursor moved to the query and shown: "\x1b[?25h" ends every
// frame (frame_end).
std::string to_terminal(const frame& f, bool color);
inline constexpr std::string_view frame_end = "\x1b[?25h";

class picker {
public:
    // `recent`: the recently picked items, newest first, shown while the query is empty.
    picker(std::vector<item> recent, std::string language);

    // The terminal's size; the list gets the rows below the query and status lines.
    void resize(unsigned width, unsigned height);
    void on_key(const key& k);

    // The next line to send, when the reply to the previous one has come:
    // /lang TAG after a switch, /limit N when the list's height changed, the
    // query when it changed, /more when the selection went past the lines
    // received. nullopt: nothing to ask. The reply goes to on_reply().
    std::optional<std::string> next_request();
    void on_reply(const reply& r);
    // Whether a line was sent and its reply has not come.
    bool waiting() const noexcept { return in_flight_ != request::none; }

    // Whether the server answers in relevance order (its reply to /sort
    // relevance, sent once per session by the driver): the status line says it.
    void set_relevance(bool on) noexcept { relevance_ = on; }

    // A new session replaced the old one (the server ended it for idling):
    // its /limit and the answer are asked again.
    void reconnected() noexcept;
    // The session's language, as the last /lang acknowledged.
    const std::string& language() const noexcept { return language_; }

    outcome state() const noexcept { return state_; }
    // The picked item (state() == picked).
    const item& picked() const { return picked_; }
    const std::vector<item>& recent() const noexcept { return recent_; }

    frame render() const;

    // Rows of the list: the /limit the picker asks for.
    unsigned list_rows() const noexcept;

private:
    enum class request { none, lang, limit, query, more };
    enum class input { query, language };

    const std::vector<item>& shown_items() const noexcept;
    void move(long by);
    void edit(const key& k, std::string& text);
    void render_list(frame& f) const;
    void render_details(frame& f) const;

    std::vector<item> recent_;
    std::string language_;          // the session's, as the last /lang acknowledged
    unsigned width_ = 80, height_ = 24;

    std::string typed_;             // the query line as typed
    std::string language_typed_;    // after Ctrl-L
    input input_ = input::query;
    std::string wanted_language_;   // a /lang to send

    // What the list shows: the answer to `answered_` (a query_line()); none
    // yet, or the language changed since.
    std::optional<std::string> answered_;
    std::vector<item> items_;
    std::size_t found_ = 0, shown_ = 0;
    std::string hint_, error_;
    std::size_t selected_ = 0, top_ = 0;
    bool details_ = false;
    bool more_wanted_ = false;      // the selection went past the lines received
    long pending_move_ = 0;         // the part of that move the next /more completes

    request in_flight_ = request::none;
    std::string in_flight_line_;    // the query or /limit sent
    unsigned limit_sent_ = 0;       // 0: none yet
    bool relevance_ = false;

    outcome state_ = outcome::running;
    item picked_;
};

}  // namespace mojifinder::client::picker
