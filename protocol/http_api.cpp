// Flow: see http_api.hpp. Targets and parameters are read with Boost.URL
// (header-only here: its implementation is compiled in this file, once for
// the whole program); bodies are written with json_writer, each result
// object by json_lines (the line protocol's JSON mode writes the same). An
// answer holds a search scratch from start to release(), as a line session
// does.
#include "http_api.hpp"

#include "json_lines.hpp"
#include "json_writer.hpp"
#include "line.hpp"
#include "words.hpp"

#include <boost/url/src.hpp>
#include <fmt/format.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>

namespace mojifinder::protocol::http {
namespace {

namespace urls = boost::urls;

// A parameter's value or name worth quoting in an error: short, printable ASCII.
bool echoable(std::string_view text) noexcept {
    return text.size() <= 32 && std::all_of(text.begin(), text.end(), [](char c) { return c > 0x20 && c < 0x7F; });
}

struct fixed_route {
    std::string_view path;
    route where;
};
constexpr std::array<fixed_route, 5> fixed_routes{{
    {"/api/search", route::api_search},
    {"/api/languages", route::api_languages},
    {"/search", route::classic_search},
    {"/healthz", route::healthz},
    {"/metrics", route::metrics},
}};

// The parameters of a query string read_target() has checked, decoded as
// forms are ('+' is a space). Read as part of a whole target: with
// Boost.URL 1.81, the views made from a bare query string
// (params_view(string_view), parse_query()) decoded values with bytes past
// their end ("de" as "de/"; http_core_test's parameter table showed it).
struct form_params {
    explicit form_params(std::string_view query) : target(fmt::format("/?{}", query)) {}
    urls::params_view view() const { return urls::parse_origin_form(target).value().params(urls::encoding_opts(true)); }
    std::string target;
};

}  // namespace

std::optional<target> read_target(std::string_view request_target) {
    urls::result<urls::url_view> url = urls::parse_origin_form({request_target.data(), request_target.size()});
    if (!url) return std::nullopt;
    target t;
    urls::pct_string_view path = url->encoded_path();
    t.path = {path.data(), path.size()};
    urls::pct_string_view query = url->encoded_query();
    t.query = {query.data(), query.size()};
    t.where = route::asset;  // the core looks it up among the page's files
    for (const fixed_route& r : fixed_routes)
        if (r.path == t.path) t.where = r.where;
    return t;
}

std::variant<api_search_request, std::string> read_api_search(std::string_view query, const index& idx,
                                                               index::language_id default_language) {
    api_search_request request;
    request.language = default_language;
    bool seen_q = false, seen_lang = false, seen_limit = false, seen_offset = false, seen_sort = false,
         seen_why = false;
    std::optional<bool> why;
    form_params params(query);
    for (urls::param p : params.view()) {
        auto twice = [&](bool& seen) {
            bool again = seen;
            seen = true;
            return again;
        };
        bool again = false;
        if (p.key.empty() && p.value.empty()) continue;  // "q=cat&": an empty pair
        if (p.key == "q") {
            again = twice(seen_q);
            if (!is_valid_utf8(p.value)) return std::string("q is not valid UTF-8");
            request.query = trim_ascii_space(p.value);
        } else if (p.key == "lang") {
            again = twice(seen_lang);
            request.language = idx.find_language(p.value);
            if (request.language == index::no_language) {
                if (echoable(p.value)) return fmt::format("unknown language '{}'", p.value);
                return std::string("unknown language");
            }
        } else if (p.key == "limit") {
            again = twice(seen_limit);
            std::optional<std::uint32_t> limit = whole_number<std::uint32_t>(p.value);
            if (!limit || !config::http_limit_bounds.contains(*limit))
                return fmt::format("limit takes a number from {} to {}", config::http_limit_bounds.min,
                                   config::http_limit_bounds.max);
            request.limit = *limit;
        } else if (p.key == "offset") {
            again = twice(seen_offset);
            std::optional<std::uint64_t> offset = whole_number<std::uint64_t>(p.value);
            if (!offset) return std::string("offset takes a number from 0");
            request.offset = *offset;
        } else if (p.key == "sort") {
            again = twice(seen_sort);
            if (p.value != "relevance" && p.value != "code") return std::string("sort takes relevance or code");
            request.sort = p.value == "relevance" ? search::order::relevance : search::order::code;
        } else if (p.key == "why") {
            again = twice(seen_why);
            if (p.value != "on" && p.value != "off") return std::string("why takes on or off");
            why = p.value == "on";
        } else {
            if (echoable(p.key))
                return fmt::format("unknown parameter '{}'; try q, lang, limit, offset, sort, why", p.key);
            return std::string("unknown parameter; try q, lang, limit, offset, sort, why");
        }
        if (again) return fmt::format("parameter '{}' given twice", p.key);
    }
    request.why = why.value_or(request.sort == search::order::relevance);
    if (!seen_q) return std::string("missing parameter q");
    if (request.query.empty()) return std::string("empty query q");
    return request;
}

std::optional<std::string> read_classic_search(std::string_view query) {
    std::optional<std::string> q;
    // Starlette keeps the last value of a repeated parameter.
    form_params params(query);
    for (urls::param p : params.view())
        if (p.key == "q") q = std::move(p.value);
    return q;
}

void append_error(std::string& out, std::string_view message) { json_lines::append_error_object(out, message); }

void append_languages(std::string& out, const index& idx) {
    json_writer w(out);
    w.begin_array();
    for (std::size_t l = 0; l < idx.language_count(); ++l) {
        auto id = static_cast<index::language_id>(l);
        w.begin_object();
        w.member("tag", idx.language_tag(id));
        w.member("name", idx.language_name(id));
        w.end_object();
    }
    w.end_array();
}

bool answer::start_api(const api_search_request& request) {
    classic_ = false;
    empty_query_ = false;
    query_ = request.query;
    language_ = request.language;
    offset_ = request.offset;
    why_ = request.why;
    // Relevance order ranks only what the page shows: the best offset + limit.
    std::uint64_t wanted = request.offset + request.limit;
    search::options options{.m = search::mode::full, .language = language_, .sort = request.sort,
                            .top = wanted < request.offset ? 0 : static_cast<std::size_t>(wanted)};
    engine_.run(query_, options, scratch_.get());
    error_ = scratch_->error();
    if (!error_.empty()) {
        release();
        return false;
    }
    found_ = scratch_->found();
    std::size_t after_offset = offset_ < found_ ? found_ - static_cast<std::size_t>(offset_) : 0;
    left_ = std::min<std::size_t>(after_offset, request.limit);
    // Skip the first `offset` results: whole runs of entries at once.
    have_run_ = false;
    for (std::uint64_t skip = std::min<std::uint64_t>(offset_, found_); skip > 0;) {
        if (!scratch_->next(run_)) {
            left_ = 0;
            break;
        }
        if (run_.identified()) {
            --skip;
            continue;
        }
        std::uint64_t entries = run_.last - run_.first;
        if (entries > skip) {
            run_.first += static_cast<index::entry_id>(skip);
            have_run_ = true;
            skip = 0;
        } else {
            skip -= entries;
        }
    }
    rendered_ = 0;
    have_item_ = false;
    part_ = part::prefix;
    return true;
}

void answer::start_classic(std::string_view query) {
    classic_ = true;
    query_.clear();
    error_.clear();
    std::string_view trimmed = trim_ascii_space(query);
    // Nothing can match a blank or malformed q: the ancestor's answer is [].
    empty_query_ = trimmed.empty() || !is_valid_utf8(trimmed);
    found_ = 0;
    left_ = 0;
    have_run_ = false;
    if (!empty_query_) {
        engine_.run(trimmed, search::mode::classic, scratch_.get());
        found_ = scratch_->found();
        left_ = found_;
    }
    rendered_ = 0;
    have_item_ = false;
    part_ = part::prefix;
}


void answer::release() noexcept {
    scratch_.release();
    part_ = part::done;
    have_item_ = false;
}

void answer::append_prefix(std::string& out) const {
    if (classic_) {
        out += '[';
        return;
    }
    // The object stays open for its results (fill()) and the suffix.
    json_writer w(out);
    w.begin_object();
    w.member("query", query_);
    w.member("found", found_);
    w.member("offset", offset_);
    w.key("results");
    w.begin_array();
    w.flush();
}

void answer::append_suffix(std::string& out) {
    if (classic_) {
        out += ']';
        return;
    }
    // The results' array and the object append_prefix() left open; the
    // results between were written by fill(), so a new writer goes on.
    out += "],";
    json_writer w(out);
    w.key("hint");
    w.strings(found_ == 0 && scratch_.holds() ? scratch_->hints() : std::span<const std::string_view>{});
    out += '}';
}

// The next result's object into `item`; false when there is none.
bool answer::next_result(std::string& item) {
    if (left_ == 0 || empty_query_) return false;
    if (!have_run_) {
        if (!scratch_->next(run_)) return false;
        have_run_ = true;
    }
    item.clear();
    if (classic_) {
        // {"char":"🐱","name":"CAT FACE"}: the ancestor's CharName.
        index::entry_id e = run_.first;
        char32_t cp = index_.code_point(e);
        char utf8[U8_MAX_LENGTH];
        std::int32_t length = 0;
        U8_APPEND_UNSAFE(utf8, length, static_cast<UChar32>(cp));
        json_writer w(item);
        w.begin_object();
        w.member("char", {utf8, static_cast<std::size_t>(length)});
        w.member("name", index_.name(e));
        w.end_object();
        have_run_ = ++run_.first != run_.last;
    } else if (run_.identified()) {
        // A named code point is its entry, as in the line protocol's JSON mode.
        index::entry_id e = index_.entry_of(run_.code_point);
        if (e == index::no_entry)
            json_lines::append_character_object(item, index_, run_.code_point, why_);
        else
            json_lines::append_entry_object(item, index_, language_, e,
                                            why_ ? json_lines::matches(std::span<const search::match>{}) : std::nullopt);
        have_run_ = false;
    } else {
        json_lines::append_entry_object(item, index_, language_, run_.first,
                                        why_ ? json_lines::matches(scratch_->why(run_.first)) : std::nullopt);
        have_run_ = ++run_.first != run_.last;
    }
    --left_;
    return true;
}

bool answer::fill(std::string& out, std::size_t budget) {
    if (part_ == part::prefix) {
        append_prefix(out);
        part_ = part::results;
    }
    while (part_ == part::results) {
        if (!have_item_ && !next_result(item_)) {
            part_ = part::suffix;
            break;
        }
        have_item_ = true;
        std::size_t need = item_.size() + (rendered_ > 0 ? 1 : 0);
        if (!out.empty() && out.size() + need > budget) return false;
        if (rendered_ > 0) out += ',';
        out += item_;
        have_item_ = false;
        ++rendered_;
    }
    if (part_ == part::suffix) {
        // The suffix is small (three hints at most); it goes whole.
        append_suffix(out);
        part_ = part::done;
    }
    return true;
}

}  // namespace mojifinder::protocol::http
