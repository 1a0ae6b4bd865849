// Flow: STUB until the search layer lands: run() searches words only, through
// index::search, in both modes. Replaced by the real parser and engine.
#include "search.hpp"

#include <unicode/uchar.h>

#include <vector>

namespace mojifinder::search {

struct scratch::state {
    search_scratch words;
    std::span<const index::entry_id> matches;
    std::size_t cursor = 0;
    std::string error;
};

scratch::scratch() : state_(std::make_unique<state>()) {}
scratch::~scratch() = default;

std::string_view scratch::error() const noexcept { return state_->error; }
std::size_t scratch::found() const noexcept { return state_->matches.size(); }
std::span<const std::string_view> scratch::hints() const noexcept { return {}; }

bool scratch::next(run& r) {
    auto& st = *state_;
    if (st.cursor >= st.matches.size()) return false;
    std::size_t end = st.cursor + 1;
    while (end < st.matches.size() && st.matches[end] == st.matches[end - 1] + 1) ++end;
    r = run{st.matches[st.cursor], st.matches[end - 1] + 1, 0};
    st.cursor = end;
    return true;
}

void engine::run(std::string_view query, mode, scratch& s) const {
    auto& st = *s.state_;
    st.error.clear();
    st.cursor = 0;
    st.matches = index_.search(query, st.words);
}

character_info describe(const index& idx, char32_t cp) {
    (void)idx;
    character_info info;
    info.code_point = cp;
    return info;
}

void append_identified_line(std::string& out, const index& idx, char32_t cp) {
    (void)idx;
    append_answer_line(out, cp, "<stub>");
}

}  // namespace mojifinder::search
