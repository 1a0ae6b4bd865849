// Flow: next() answers one thing per call. While an answer is being streamed
// it hands out the next chunk of it (runs of consecutive entries are one
// buffer, straight from the index; identified code points and JSON Lines are
// rendered into the core's buffer); otherwise it frames the next line of the
// input: a complete line is classified and answered (a query through the
// search engine, or from the answer cache when its reply was kept, see
// answer_cache.hpp; a line starting with `/` as a session command); an
// incomplete one is either hopeless (hang-up byte, over the limit: dropped
// until its LF, or the session closed at 1 MiB) or waits for more input. End
// of input answers what is left, then closes. An answer cut by /limit keeps
// its place in the engine's scratch, and /more resumes it from there (after
// a kept reply, /more searches again first: search_again()). The
// session's language (/lang) goes to the engine with each query, and to the
// JSON Lines of each entry (its short name and keywords).
#include "session_core.hpp"

#include "answer_cache.hpp"
#include "json_lines.hpp"
#include "mojifinder_version.hpp"
#include "words.hpp"

#include <fmt/compile.h>
#include <fmt/format.h>
#include <unicode/uversion.h>

#include <algorithm>
#include <string>
#include <vector>

namespace mojifinder::protocol {
namespace {

constexpr std::size_t rule_width = 66;
constexpr std::string_view crlf = "\r\n";
constexpr std::string_view error_prefix = "error: ";
constexpr std::string_view ok_prefix = "ok: ";
constexpr std::string_view help_prefix = "# ";

// Pieces a step may still need after the loop that hands out lines: the
// stretch of identified lines closed after it, the status line (the rule,
// the counts, the hint prefix, up to three hints and their separators, CR
// LF), the prompt or the shutdown line; and one to spare.
constexpr std::size_t tail_pieces = 12;

// What a query asks the engine under a session's settings. Relevance order
// with a /limit ranks the best `limit` entries; /more ranks the next ones
// (search::scratch::next()).
search::options options_of(const session_settings& s) noexcept {
    return {.m = s.mode, .language = s.language, .sort = s.sort, .top = s.limit, .bare_readings = s.readings};
}

std::string make_rule() {
    std::string rule;
    for (std::size_t i = 0; i < rule_width; ++i) rule += "\u2500";
    return rule;
}

template <class... Args>
std::string_view format_into(std::span<char> out, fmt::format_string<Args...> format, Args&&... args) {
    auto result = fmt::format_to_n(out.data(), out.size(), format, std::forward<Args>(args)...);
    return {out.data(), std::min(result.size, out.size())};
}

// The help of /help: the language and the commands, at most 24 lines with
// the final "ok: help".
constexpr std::string_view help[] = {
    "cat face          names with every word, any order and case; aliases too",
    "smil*             a word that starts with smil",
    "arrow -left       without a word (also -smil*, -\"...\")",
    "\"black chess\"     words next to each other, in this order",
    "U+1F600           a code point; U+2190..U+21FF a range",
    "block:emoticons   a property; also script:greek gc:Sm age:15.0 emoji:yes",
    "\xF0\x9F\x98\x80 caf\xC3\xA9           pasted text: each character identified, in text order",
    "\xF0\x9F\x98\x80 snowman        identified characters first, then the other terms' answer",
    "xyzzy             nothing found: the status line says did you mean",
    "//text            the query /text (a line starting with / is a command)",
    "/limit N          at most N answer lines (0: no limit, the default)",
    "/more             the next lines of the last answer",
    "/format json      JSON Lines; /format text goes back",
    "/classic on       version 1: words of names only; /classic off ends it",
    "/lang de          keywords and short names in German; /lang lists languages",
    "/sort relevance   best matches first; /sort code: code point order (the default)",
    "/why on           each line says where it matched; /why off (the default)",
    "/readings on      bare words match Unihan readings too (shui, mizu); off",
    "/version          the server's version and its data's",
    "/quit             end the session",
    "Status line: \xE2\x94\x80\xE2\x94\x80 N found[, M shown][; did you mean: a, b]",
};

// "error: idle timeout\r\n" -> "idle timeout": what JSON mode says of it.
constexpr std::string_view message_of(std::string_view error_line) noexcept {
    return error_line.substr(error_prefix.size(), error_line.size() - error_prefix.size() - crlf.size());
}

// The shutdown line in JSON mode: {"error":"server shutting down"} and LF.
std::string_view json_shutdown_line() {
    static const std::string line = [] {
        std::string s;
        json_lines::append_error(s, message_of(error_shutdown));
        return s;
    }();
    return line;
}

bool is_control_byte(char c) noexcept {
    auto b = static_cast<unsigned char>(c);
    return b < 0x20 || b == 0x7F;
}

bool ascii_iequal(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
               return lower(x) == lower(y);
           });
}

// "/limit  20 " -> "/limit", "20"; the argument is the rest, trimmed.
std::pair<std::string_view, std::string_view> split_command(std::string_view line) noexcept {
    std::size_t end = 0;
    while (end < line.size() && !is_ascii_space(static_cast<unsigned char>(line[end]))) ++end;
    return {line.substr(0, end), trim_ascii_space(line.substr(end))};
}

// A command name worth echoing in an error: short printable ASCII.
bool echoable(std::string_view name) noexcept {
    return name.size() <= 32 && std::all_of(name.begin(), name.end(), [](char c) { return c > 0x20 && c < 0x7F; });
}

// The session's switches: commands that take on or off and set a flag.
struct session_switch {
    std::string_view command;  // "/why"
    bool session_settings::*flag;
};
constexpr session_switch switches[] = {
    {"/why", &session_settings::why},
    {"/readings", &session_settings::readings},
};
const session_switch* find_switch(std::string_view name) noexcept {
    for (const session_switch& w : switches)
        if (ascii_iequal(name, w.command)) return &w;
    return nullptr;
}

// A reply's message is often built in buffer_, which the JSON object is then
// written into: a copy (this thread's, reused) outlives that.
std::string_view kept_message(std::string_view message) {
    thread_local std::string kept;
    kept.assign(message);
    return kept;
}

}  // namespace

std::string data_versions_text(const index::data_versions& data) {
    return fmt::format("Unicode {}, CLDR {}, ICU {}", data.unicode, data.cldr, data.icu);
}

std::string version_text(const index::data_versions* data) {
    if (data == nullptr) return fmt::format("mojifinderd {} (ICU {})", mojifinder::version, U_ICU_VERSION);
    return fmt::format("mojifinderd {} ({})", mojifinder::version, data_versions_text(*data));
}

std::string language_line(const index& idx, index::language_id language) {
    return fmt::format("{} {}", idx.language_tag(language), idx.language_name(language));
}

std::string_view status_rule() noexcept {
    static const std::string rule = make_rule();
    return rule;
}

// The counts of every answer's status line: compiled formats, parsed once
// at build time rather than on each answer (perf showed the parse).
std::string_view format_count(std::size_t count, std::span<char, 32> out) noexcept {
    auto result = fmt::format_to_n(out.data(), out.size(), FMT_COMPILE(" {} found\r\n"), count);
    return {out.data(), std::min(result.size, out.size())};
}

std::string_view format_counts(std::size_t found, std::size_t shown, std::span<char, 64> out) noexcept {
    auto result = shown == found
                      ? fmt::format_to_n(out.data(), out.size(), FMT_COMPILE(" {} found"), found)
                      : fmt::format_to_n(out.data(), out.size(), FMT_COMPILE(" {} found, {} shown"), found, shown);
    return {out.data(), std::min(result.size, out.size())};
}

std::span<const std::string_view> help_lines() noexcept { return help; }

session_core::session_core(const index& idx, std::size_t max_line, session_settings settings, answer_cache* cache)
    : index_(idx), engine_(idx), cache_(cache), max_line_(max_line), settings_(settings) {
    if (settings_.language == index::no_language) settings_.language = idx.english();
    too_long_ = format_into(too_long_buffer_, "error: line too long (limit {} bytes)\r\n", max_line);
}

step session_core::start() noexcept {
    out_[0] = prompt;
    return {step_kind::write, {out_.data(), 1}};
}

step session_core::next(std::string_view input, bool eof, bool stopping) {
    consumed_ = 0;
    // The last step's bytes are written: views into the scratch (hints, an
    // error message) are done with, and a finished answer needs it no more.
    if (!answering_ && !more_) scratch_.release();
    kept_reply_.reset();
    if (answering_) return continue_answer(stopping);
    buffer_.clear();
    if (stopping) return close_with(error_shutdown, event::shutdown);

    std::size_t lf = input.find('\n');
    if (lf == std::string_view::npos && eof && (!input.empty() || discarding_))
        lf = input.size();  // a last line without LF is answered too
    if (lf != std::string_view::npos) {
        // The bytes before this LF count too, so that whether a line reaches
        // 1 MiB does not depend on how the reads happened to split it.
        if (discarded_ + lf >= config::flood_limit) return close_with(error_flood, event::flood);
        consumed_ = std::min(lf + 1, input.size());
        std::string_view line = input.substr(0, lf);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (discarding_ || line.size() > max_line_) {
            discarding_ = false;
            discarded_ = 0;
            return reply_error(message_of(too_long_), stopping, event::too_long);
        }
        return answer_line(line, stopping);
    }
    if (eof) return close_with({}, event::client_done);

    if (!discarding_ && line_end(input.begin(), input.end()).second) {
        consumed_ = input.size();
        return close_with({}, event::hang_up);
    }
    if (discarding_ || input.size() >= input_limit()) {
        discarding_ = true;
        discarded_ += input.size();
        consumed_ = input.size();
        if (discarded_ >= config::flood_limit) return close_with(error_flood, event::flood);
    }
    return {};
}

step session_core::idle_timeout() { return close_with(error_idle, event::idle_timeout); }

step session_core::answer_line(std::string_view line, bool stopping) {
    classified_line c = classify(line);
    switch (c.kind) {
    case line_kind::blank: return end_reply(0, stopping, event::blank);
    case line_kind::hang_up: return close_with({}, event::hang_up);
    case line_kind::invalid_utf8:
        return reply_error(message_of(error_utf8), stopping, event::invalid_utf8);
    case line_kind::query: break;
    }
    std::string_view q = c.query;
    if (q.front() == '/' && !settings_.classic_server) {
        if (settings_.mode == search::mode::full)
            return q.starts_with("//") ? run_query(q.substr(1), stopping) : run_command(q, stopping);
        // Classic: only the way back is a command; anything else is a query, as in v1.
        auto [name, argument] = split_command(q);
        if (ascii_iequal(name, "/classic") && ascii_iequal(argument, "off")) return run_command(q, stopping);
    }
    return run_query(q, stopping);
}

step session_core::run_query(std::string_view query, bool stopping) {
    answering_ = false;
    more_ = false;
    have_run_ = false;
    more_needs_search_ = false;
    if (cache_ != nullptr) {
        if (std::optional<kept_reply> kept = cache_->find(settings_, query)) {
            step s = reuse_answer(query, *kept, stopping);
            s.query = query;
            s.found = found_;
            s.kept = true;
            return s;
        }
    }
    engine_.run(query, options_of(settings_), scratch_.get());
    if (!scratch_->error().empty()) {
        // The message may quote the query, and a query may hold control
        // bytes past its first: none of them reach the client's terminal.
        std::string_view message = scratch_->error();
        if (std::any_of(message.begin(), message.end(), is_control_byte)) {
            buffer_.clear();
            for (char c : message) buffer_ += is_control_byte(c) ? std::string_view("\uFFFD") : std::string_view(&c, 1);
            message = buffer_;
        }
        step s = reply_error(message, stopping, event::answered);
        s.query = query;
        s.query_error = true;
        return s;
    }
    found_ = scratch_->found();
    shown_ = 0;
    if (cache_ != nullptr && cache_->keeps(query)) keeping_ = query;
    step s = start_reply(stopping);
    keeping_ = {};
    s.what = event::answered;
    s.query = query;
    s.found = found_;
    return s;
}

// The bytes of a reply made before (answer_cache::find()), handed out as
// they are: kept_reply_ holds them until the step is written, even if the
// cache replaces them meanwhile. Not copied into buffer_, which would grow
// on the heap of every session that gets a kept reply (3.0 against 1.9 KiB
// per quiet connection in bench/run). A reply cut by /limit leaves its
// /more to search_again().
step session_core::reuse_answer(std::string_view query, const kept_reply& kept, bool stopping) {
    found_ = kept.found;
    shown_ = stop_at_ = kept.shown;
    more_ = kept.shown < kept.found;
    if (more_) {
        more_needs_search_ = true;
        again_query_.assign(query);
        again_settings_ = settings_;
    }
    kept_reply_ = kept.owner;
    out_[0] = kept.bytes;
    return end_reply(1, stopping, event::answered);
}

void session_core::keep_answer(std::size_t n) {
    if (!keeping_.empty()) cache_->store(settings_, keeping_, {out_.data(), n}, found_, shown_);
}

// /more after a kept reply cut by /limit: the search that reply came from,
// run again, then past the lines the reply showed (the engine hands out the
// same entries in the same order, relevance order's next ones included).
void session_core::search_again() {
    more_needs_search_ = false;
    engine_.run(again_query_, options_of(again_settings_), scratch_.get());
    have_run_ = false;
    for (std::size_t skipped = 0; skipped < shown_;) {
        if (!pull_run()) return;
        if (run_.identified()) {
            have_run_ = false;
            ++skipped;
            continue;
        }
        std::size_t skip = std::min<std::size_t>(run_.last - run_.first, shown_ - skipped);
        run_.first = static_cast<index::entry_id>(run_.first + skip);
        skipped += skip;
        have_run_ = run_.first != run_.last;
    }
}

step session_core::start_reply(bool stopping) {
    std::size_t left = found_ - shown_;
    stop_at_ = shown_ + (settings_.limit == 0 ? left : std::min<std::size_t>(left, settings_.limit));
    run_offset_ = 0;
    copy_lines_ = false;
    answering_ = true;
    return continue_answer(stopping);
}

step session_core::run_command(std::string_view line, bool stopping) {
    auto [name, argument] = split_command(line);
    step s;
    auto takes_no_argument = [&](std::string_view what) {
        buffer_.clear();
        fmt::format_to(std::back_inserter(buffer_), "{} takes no argument", what);
        return reply_error(buffer_, stopping, event::command);
    };
    if (ascii_iequal(name, "/help")) {
        s = argument.empty() ? reply_ok("help", stopping, help) : takes_no_argument("/help");
    } else if (ascii_iequal(name, "/lang")) {
        s = run_lang(argument, stopping);
    } else if (ascii_iequal(name, "/limit")) {
        std::optional<std::uint32_t> limit = whole_number<std::uint32_t>(argument);
        if (!limit || !config::answer_limit_bounds.contains(*limit)) {
            buffer_.clear();
            fmt::format_to(std::back_inserter(buffer_), "/limit takes a number from {} to {}",
                           config::answer_limit_bounds.min, config::answer_limit_bounds.max);
            s = reply_error(buffer_, stopping, event::command);
        } else {
            settings_.limit = *limit;
            // The message must outlive this call, until it is written.
            buffer_.clear();
            fmt::format_to(std::back_inserter(buffer_), "limit {}", *limit);
            s = reply_ok(buffer_, stopping);
        }
    } else if (ascii_iequal(name, "/more")) {
        if (!argument.empty()) s = takes_no_argument("/more");
        else if (!more_) s = reply_error("nothing more", stopping, event::command);
        else {
            more_ = false;
            if (more_needs_search_) search_again();
            s = start_reply(stopping);
        }
    } else if (ascii_iequal(name, "/format")) {
        if (ascii_iequal(argument, "json") || ascii_iequal(argument, "text")) {
            // The acknowledgement is already in the new format.
            settings_.format = ascii_iequal(argument, "json") ? output_format::json : output_format::text;
            s = reply_ok(json() ? "format json" : "format text", stopping);
        } else {
            s = reply_error("/format takes json or text", stopping, event::command);
        }
    } else if (ascii_iequal(name, "/sort")) {
        if (ascii_iequal(argument, "relevance") || ascii_iequal(argument, "code")) {
            bool relevance = ascii_iequal(argument, "relevance");
            settings_.sort = relevance ? search::order::relevance : search::order::code;
            s = reply_ok(relevance ? "sort relevance" : "sort code", stopping);
        } else {
            s = reply_error("/sort takes relevance or code", stopping, event::command);
        }
    } else if (const session_switch* w = find_switch(name)) {
        // "ok: why on"; "error: /readings takes on or off"
        buffer_.clear();
        if (ascii_iequal(argument, "on") || ascii_iequal(argument, "off")) {
            settings_.*(w->flag) = ascii_iequal(argument, "on");
            fmt::format_to(std::back_inserter(buffer_), "{} {}", w->command.substr(1), settings_.*(w->flag) ? "on" : "off");
            s = reply_ok(buffer_, stopping);
        } else {
            fmt::format_to(std::back_inserter(buffer_), "{} takes on or off", w->command);
            s = reply_error(buffer_, stopping, event::command);
        }
    } else if (ascii_iequal(name, "/classic")) {
        if (ascii_iequal(argument, "on") || ascii_iequal(argument, "off")) {
            // Either way the session starts afresh in text: classic is v1 exactly.
            // The language stays: version 1 has none, and back in version 2
            // the session's choice still holds.
            bool on = ascii_iequal(argument, "on");
            index::language_id language = settings_.language;
            settings_ = session_settings{};
            settings_.mode = on ? search::mode::classic : search::mode::full;
            settings_.language = language;
            more_ = false;
            s = reply_ok(on ? "classic on" : "classic off", stopping);
        } else {
            s = reply_error("/classic takes on or off", stopping, event::command);
        }
    } else if (ascii_iequal(name, "/version")) {
        if (argument.empty()) {
            index::data_versions data = index_.versions();
            buffer_ = version_text(&data);
            s = reply_ok(buffer_, stopping);
        } else {
            s = takes_no_argument("/version");
        }
    } else if (ascii_iequal(name, "/quit")) {
        if (!argument.empty()) {
            s = takes_no_argument("/quit");
        } else {
            buffer_.clear();
            if (json()) json_lines::append_ok(buffer_, "bye");
            else buffer_ = "ok: bye\r\n";
            s = close_with(buffer_, event::quit);
        }
    } else {
        buffer_.clear();
        if (echoable(name)) fmt::format_to(std::back_inserter(buffer_), "unknown command {}; try /help", name);
        else buffer_ = "unknown command; try /help";
        s = reply_error(buffer_, stopping, event::command);
    }
    if (s.what == event::none) s.what = event::command;
    if (s.what == event::command || s.what == event::quit) s.query = line;
    return s;
}

// /lang: every language, "# de Deutsch" in tag order, then the session's
// language as a switch acknowledges it; /lang de: the switch.
step session_core::run_lang(std::string_view argument, bool stopping) {
    if (argument.empty()) {
        std::vector<std::string> lines;
        lines.reserve(index_.language_count());
        for (std::size_t l = 0; l < index_.language_count(); ++l)
            lines.push_back(language_line(index_, static_cast<index::language_id>(l)));
        std::vector<std::string_view> views(lines.begin(), lines.end());
        std::string message = fmt::format("lang {}", language_line(index_, settings_.language));
        return reply_ok(message, stopping, views);
    }
    buffer_.clear();
    auto space = [](char c) { return is_ascii_space(static_cast<unsigned char>(c)); };
    if (std::any_of(argument.begin(), argument.end(), space)) {
        buffer_ = "/lang takes one language tag, e.g. /lang de; /lang alone lists them";
        return reply_error(buffer_, stopping, event::command);
    }
    index::language_id language = index_.find_language(argument);
    if (language == index::no_language) {
        if (echoable(argument))
            fmt::format_to(std::back_inserter(buffer_), "unknown language '{}'; /lang lists them", argument);
        else
            buffer_ = "unknown language; /lang lists them";
        return reply_error(buffer_, stopping, event::command);
    }
    settings_.language = language;
    fmt::format_to(std::back_inserter(buffer_), "lang {}", language_line(index_, language));
    return reply_ok(buffer_, stopping);
}

step session_core::continue_answer(bool stopping) {
    if (json()) return continue_json(stopping);
    return copy_lines_ || settings_.why ? copy_text(stopping) : continue_text(stopping);
}

// The run being sent, or the engine's next one; false (and the answer cut
// to what was sent) when the engine ends before the count it gave.
bool session_core::pull_run() {
    if (have_run_) return true;
    if (!scratch_->next(run_)) {
        stop_at_ = found_ = shown_;
        return false;
    }
    have_run_ = true;
    run_offset_ = 0;
    return true;
}

// Up to `budget` bytes more of the current run of entries' lines (never past
// stop_at_), straight from the index; counts the lines once all are taken.
std::string_view session_core::take_lines(std::size_t budget) {
    index::entry_id last = run_.last;
    if (stop_at_ - shown_ < last - run_.first) last = static_cast<index::entry_id>(run_.first + (stop_at_ - shown_));
    std::string_view lines = index_.lines(run_.first, last);
    std::string_view piece = lines.substr(run_offset_, budget);
    run_offset_ += piece.size();
    if (run_offset_ == lines.size()) {
        shown_ += last - run_.first;
        run_.first = last;
        run_offset_ = 0;
        have_run_ = run_.first != run_.last;
    }
    return piece;
}

step session_core::continue_text(bool stopping) {
    std::size_t n = 0;
    std::size_t budget = config::write_chunk;
    buffer_.clear();
    // Identified lines go to buffer_, which must not move once a piece points
    // into it: one stretch of them per step.
    bool identified_open = false;
    bool identified_done = false;
    auto close_identified = [&] {
        if (identified_open) out_[n++] = buffer_;
        identified_open = false;
        identified_done = true;
    };
    while (shown_ < stop_at_ && n + tail_pieces < out_.size() && budget > 0) {
        if (!pull_run()) break;
        if (run_.identified()) {
            if (identified_done) break;
            identified_open = true;
            std::size_t before = buffer_.size();
            search::append_identified_line(buffer_, index_, run_.code_point);
            budget -= std::min(budget, buffer_.size() - before);
            ++shown_;
            have_run_ = false;
            continue;
        }
        if (identified_open) close_identified();
        std::string_view piece = take_lines(budget);
        out_[n++] = piece;
        budget -= piece.size();
    }
    close_identified();
    // Out of pieces with bytes to spare: a scattered answer. Its next steps copy.
    if (shown_ < stop_at_ && n + tail_pieces >= out_.size()) copy_lines_ = true;
    if (shown_ < stop_at_) return {step_kind::write, {out_.data(), n}};
    return finish_answer(n, stopping);
}

// A scattered answer (a prefix, a property: many short runs) after its first
// step: the lines are copied into buffer_, up to write_chunk, and leave as
// one piece. With a piece per run, 64 pieces a write made `a*` (6,796 lines
// in ~3,000 runs) cost one sendmsg per ~2 KB: ~0.8 GB/s through the server
// against CJK's 1.4 (bench/notes.md). The view is taken after the appends,
// so buffer_ may grow as it likes.
// /why on: every answer is copied, each entry's line with a TAB and its
// weakest match, "field: text", before its CR LF (an entry no word matched,
// as one found by code point alone, keeps its line). Identified lines stay
// as they are: pasted text is identified, not matched.
step session_core::copy_text(bool stopping) {
    buffer_.clear();
    while (shown_ < stop_at_ && buffer_.size() < config::write_chunk) {
        if (!pull_run()) break;
        if (run_.identified()) {
            search::append_identified_line(buffer_, index_, run_.code_point);
            ++shown_;
            have_run_ = false;
            continue;
        }
        if (!settings_.why) {
            buffer_.append(take_lines(config::write_chunk - buffer_.size()));
            continue;
        }
        std::string_view line = index_.line(run_.first);
        line.remove_suffix(crlf.size());
        buffer_ += line;
        if (const search::match* m = search::weakest(scratch_->why(run_.first))) {
            buffer_ += '\t';
            buffer_ += search::field_label(m->where);
            buffer_ += ": ";
            buffer_ += m->text;
        }
        buffer_ += crlf;
        have_run_ = ++run_.first != run_.last;
        ++shown_;
    }
    std::size_t n = 0;
    if (!buffer_.empty()) out_[n++] = buffer_;
    if (shown_ < stop_at_) return {step_kind::write, {out_.data(), n}};
    return finish_answer(n, stopping);
}

step session_core::continue_json(bool stopping) {
    buffer_.clear();
    while (shown_ < stop_at_ && buffer_.size() < config::write_chunk) {
        if (!pull_run()) break;
        if (run_.identified()) {
            // A named code point is its entry, as in text; an unnamed one is described alone.
            index::entry_id e = index_.entry_of(run_.code_point);
            if (e == index::no_entry)
                json_lines::append_character(buffer_, index_, run_.code_point, settings_.why);
            else
                json_lines::append_entry(buffer_, index_, settings_.language, e,
                                         settings_.why ? json_lines::matches(std::span<const search::match>{})
                                                       : std::nullopt);
            have_run_ = false;
        } else {
            json_lines::append_entry(buffer_, index_, settings_.language, run_.first,
                                     settings_.why ? json_lines::matches(scratch_->why(run_.first)) : std::nullopt);
            have_run_ = ++run_.first != run_.last;
        }
        ++shown_;
    }
    if (shown_ < stop_at_) {
        out_[0] = buffer_;
        return {step_kind::write, {out_.data(), 1}};
    }
    return finish_answer(0, stopping);
}

step session_core::finish_answer(std::size_t n, bool stopping) {
    answering_ = false;
    more_ = shown_ < found_;
    std::span<const std::string_view> hints = found_ == 0 ? scratch_->hints() : std::span<const std::string_view>{};
    if (json()) {
        json_lines::append_status(buffer_, found_, shown_, hints);
        out_[0] = buffer_;
        keep_answer(1);
        return end_reply(1, stopping, event::none);
    }
    out_[n++] = status_rule();
    out_[n++] = format_counts(found_, shown_, counts_);
    for (std::size_t i = 0; i < hints.size() && i < 3; ++i) {
        out_[n++] = i == 0 ? hint_prefix : hint_separator;
        out_[n++] = hints[i];
    }
    out_[n++] = crlf;
    keep_answer(n);
    return end_reply(n, stopping, event::none);
}

step session_core::reply_error(std::string_view message, bool stopping, event what) {
    std::size_t n = 0;
    if (json()) {
        std::string_view kept = kept_message(message);
        buffer_.clear();
        json_lines::append_error(buffer_, kept);
        out_[n++] = buffer_;
    } else {
        out_[n++] = error_prefix;
        out_[n++] = message;
        out_[n++] = crlf;
    }
    return end_reply(n, stopping, what);
}

step session_core::reply_ok(std::string_view message, bool stopping, std::span<const std::string_view> text) {
    std::size_t n = 0;
    if (json()) {
        std::string_view kept = kept_message(message);
        buffer_.clear();
        json_lines::append_ok(buffer_, kept, text);
        out_[n++] = buffer_;
    } else if (!text.empty()) {
        // One piece: the lines and the ok line (`message` is not in buffer_ then).
        buffer_.clear();
        for (std::string_view line : text) {
            buffer_ += help_prefix;
            buffer_ += line;
            buffer_ += crlf;
        }
        buffer_ += ok_prefix;
        buffer_ += message;
        buffer_ += crlf;
        out_[n++] = buffer_;
    } else {
        out_[n++] = ok_prefix;
        out_[n++] = message;
        out_[n++] = crlf;
    }
    return end_reply(n, stopping, event::command);
}

step session_core::end_reply(std::size_t n, bool stopping, event what) {
    if (stopping) {
        out_[n++] = json() ? json_shutdown_line() : error_shutdown;
        return {step_kind::close, {out_.data(), n}, what == event::none ? event::shutdown : what};
    }
    if (!json()) out_[n++] = prompt;
    return {step_kind::write, {out_.data(), n}, what};
}

step session_core::close_with(std::string_view message, event what) {
    if (json() && !message.empty() && message.starts_with(error_prefix)) {
        buffer_.clear();
        json_lines::append_error(buffer_, message_of(message));
        message = buffer_;
    }
    out_[0] = message;
    return {step_kind::close, {out_.data(), message.empty() ? 0u : 1u}, what};
}

}  // namespace mojifinder::protocol
