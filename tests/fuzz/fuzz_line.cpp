// Line classification and framing, checked against ICU's own UTF-8 decoder
// and against the table in PROTOCOL.md.
#include "line.hpp"

#include <unicode/ustring.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

void require(bool ok) {
    if (!ok) std::abort();
}

bool icu_says_valid(std::string_view text) {
    std::vector<UChar> out(text.size() + 1);
    int32_t length = 0;
    UErrorCode status = U_ZERO_ERROR;
    u_strFromUTF8(out.data(), static_cast<int32_t>(out.size()), &length, text.data(),
                  static_cast<int32_t>(text.size()), &status);
    return U_SUCCESS(status);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace mojifinder;
    std::string_view text(reinterpret_cast<const char*>(data), size);
    require(protocol::is_valid_utf8(text) == icu_says_valid(text));

    std::string_view line = text.substr(0, text.find('\n'));
    auto c = protocol::classify(line);
    std::string_view trimmed = trim_ascii_space(line);
    switch (c.kind) {
    case protocol::line_kind::blank: {
        // Empty once trimmed, or nothing but separators (NBSP, '-'): no words.
        std::string scratch;
        std::vector<std::string_view> words;
        if (!trimmed.empty()) {
            require(protocol::is_valid_utf8(trimmed));
            split_words(trimmed, scratch, words);
        }
        require(words.empty());
        break;
    }
    case protocol::line_kind::hang_up:
        require(!trimmed.empty() && protocol::is_hang_up_byte(static_cast<unsigned char>(trimmed[0])));
        break;
    case protocol::line_kind::invalid_utf8: require(!protocol::is_valid_utf8(trimmed)); break;
    case protocol::line_kind::query: require(c.query == trimmed && protocol::is_valid_utf8(trimmed)); break;
    }

    // Framing: a match ends right after the first LF, or right after a
    // leading hang-up byte, which classify() must agree is a hang-up.
    auto [end, matched] = protocol::line_end(text.begin(), text.end());
    if (!matched) {
        require(end == text.begin() && text.find('\n') == std::string_view::npos);
    } else if (*(end - 1) != '\n') {
        require(protocol::classify(std::string_view(text.begin(), end)).kind == protocol::line_kind::hang_up);
    }
    return 0;
}
