// The query language end to end: any line, in either mode, is an answer or
// an error, never a crash or a hang. The whole answer is pulled through
// next(): identified code points first, then entry runs, non-empty, strictly
// ascending and inside the index, adding up to found(); an error leaves
// nothing to pull; hints only come with an empty answer. In relevance order
// (full mode; the top from the input's length), the same identified lines,
// then the same entries, one per run, in an order whose first `top` a
// bounded run gives too; why() of each names only fields it can.
// The identified part may hold single sequence entries (a pasted cluster's
// sequence line, before its code points).
// Flow: the input is read as one query line (mode, or language, from its
// first bytes), the way session_core would pass it: trimmed, and valid
// UTF-8 only.
#include "search.hpp"
#include "words.hpp"

#include <unicode/utf8.h>

#include <algorithm>
#include <limits>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

void require(bool ok) {
    if (!ok) std::abort();
}

bool valid_utf8(std::string_view text) {
    for (int32_t i = 0, n = static_cast<int32_t>(text.size()); i < n;) {
        UChar32 c;
        U8_NEXT(text.data(), i, n, c);
        if (c < 0) return false;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace mojifinder;
    static const index idx = index::open(index::build_tree_data_path());
    static search::scratch scratch;
    static std::string line;
    std::string_view input(reinterpret_cast<const char*>(data), size);
    auto m = search::mode::full;
    index::language_id language = idx.english();
    if (!input.empty() && input.front() == '\x01') {  // a first byte of 0x01: classic mode
        m = search::mode::classic;
        input.remove_prefix(1);
    } else if (input.size() >= 2 && input.front() == '\x02') {  // 0x02, then the language's number
        language = static_cast<index::language_id>(static_cast<std::uint8_t>(input[1]) % idx.language_count());
        input.remove_prefix(2);
    }
    std::string_view query = trim_ascii_space(input);
    if (query.empty() || !valid_utf8(query)) return 0;

    search::engine engine(idx);
    engine.run(query, m, language, scratch);
    search::run r;
    if (!scratch.error().empty()) {
        require(m == search::mode::full);
        require(scratch.found() == 0 && !scratch.next(r));
        require(scratch.error().find('\n') == std::string_view::npos);
        return 0;
    }
    static std::vector<search::run> runs;
    runs.clear();
    while (scratch.next(r)) runs.push_back(r);
    std::size_t named_from = 0;  // after the last identified code point
    for (std::size_t i = 0; i < runs.size(); ++i)
        if (runs[i].identified()) named_from = i + 1;
    std::size_t lines = 0;
    index::entry_id after = 0;
    for (std::size_t i = 0; i < runs.size(); ++i) {
        r = runs[i];
        if (r.identified()) {
            require(m == search::mode::full);
            line.clear();
            search::append_identified_line(line, idx, r.code_point);
            require(line.size() > 4 && line.ends_with("\r\n"));
        } else if (i < named_from) {
            // A pasted sequence: one sequence entry, its code points after it.
            require(m == search::mode::full && r.last == r.first + 1 && r.last <= idx.size());
            require(idx.is_sequence(r.first) && i + 1 < runs.size() && runs[i + 1].identified());
        } else {
            require(r.first < r.last && r.last <= idx.size());
            require(i == named_from || r.first > after);
            after = r.last;
            require(!idx.lines(r.first, r.last).empty());
            // Classic mode is v1's: characters only.
            if (m == search::mode::classic)
                for (auto e = r.first; e < r.last; ++e) require(!idx.is_sequence(e));
        }
        lines += r.identified() ? 1 : r.last - r.first;
    }
    require(lines == scratch.found());
    require(scratch.hints().size() <= 3);
    require(scratch.hints().empty() || (scratch.found() == 0 && m == search::mode::full));
    if (m == search::mode::classic) {
        static search_scratch v1;
        require(idx.search(query, v1).size() == scratch.found());
    }
    if (m == search::mode::full && scratch.found() <= 20'000) {
        // The code order's entries, sorted, against the relevance order's.
        static std::vector<index::entry_id> code, ranked, bounded;
        code.clear();
        std::size_t identified = 0;
        for (std::size_t i = 0; i < runs.size(); ++i) {
            if (i < named_from) ++identified;
            else
                for (auto e = runs[i].first; e < runs[i].last; ++e) code.push_back(e);
        }
        // Each batch of `top` walks the whole answer again: a bounded top
        // is read for three batches of a large answer (a* with top 1 to the
        // end ran past libFuzzer's timeout), all of a small one.
        auto pull = [&](std::size_t top, std::size_t most, std::vector<index::entry_id>& out) {
            engine.run(query, search::options{.language = language, .sort = search::order::relevance, .top = top}, scratch);
            require(scratch.error().empty());
            out.clear();
            std::size_t seen = 0;
            while (out.size() < most && scratch.next(r)) {
                if (seen++ < identified) continue;
                require(!r.identified() && r.last == r.first + 1);
                out.push_back(r.first);
                for (const search::match& w : scratch.why(r.first)) require(!search::field_label(w.where).empty());
            }
            require(out.size() == most || seen == scratch.found());
        };
        pull(0, std::numeric_limits<std::size_t>::max(), ranked);
        std::size_t top = 1 + size % 37;
        std::size_t most = code.size() <= 1000 ? code.size() : 3 * top;
        pull(top, most, bounded);
        require(std::equal(bounded.begin(), bounded.end(), ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(bounded.size())));
        require(bounded.size() == std::min(most, ranked.size()));
        std::sort(ranked.begin(), ranked.end());
        require(ranked == code);
    }
    return 0;
}
