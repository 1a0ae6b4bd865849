// Flow: the input is cut into chunks (each chunk's length comes from one byte
// of the input) that are fed to a session_core exactly as the server feeds
// it: next() until it asks to read, then the next chunk, then end of input.
// The first byte also picks a --classic server; the seeds in
// corpus/fuzz_session/ drive the session commands (/limit, /more, /sort, /why, /format
// json, /classic, /lang, /quit) and the query language, in several
// languages (lang_keywords switches among them mid-session). Each input
// runs twice: with no answer cache, and with one that lives across inputs
// (so answers kept for one input are reused by later ones): the bytes must
// be the same.
// Sanitizers catch memory errors; the checks below catch broken invariants.
#include "answer_cache.hpp"
#include "index.hpp"
#include "session_core.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>

namespace {

const mojifinder::index& shared_index() {
    static const mojifinder::index idx = mojifinder::index::open(mojifinder::index::build_tree_data_path());
    return idx;
}

void require(bool ok) {
    if (!ok) std::abort();
}

// Everything the session writes, for `data` after its first two bytes.
std::string transcript(const std::uint8_t* data, std::size_t size, mojifinder::protocol::answer_cache* cache) {
    using namespace mojifinder;
    const bool stop_midway = data[0] & 1;
    const bool classic_server = data[0] & 2;
    const std::size_t max_line = config::max_line_bounds.min + data[1] % 64;
    data += 2;
    size -= 2;

    const auto settings = protocol::session_settings::for_server(classic_server, shared_index().english());
    protocol::session_core core(shared_index(), max_line, settings, cache);
    std::string bytes;
    std::string input;
    std::size_t fed = 0;
    std::size_t steps = 0;
    protocol::step s = core.start();
    require(s.kind == protocol::step_kind::write && s.out.size() == 1 && s.out[0] == protocol::prompt);
    for (;;) {
        require(++steps < 10'000'000);
        std::size_t written = 0;
        for (auto piece : s.out) {
            written += piece.size();
            bytes += piece;
        }
        // An answer leaves in bounded chunks: a write never pins more than
        // write_chunk bytes of lines plus a short tail.
        require(written <= config::write_chunk + 512);
        if (s.kind == protocol::step_kind::close) break;
        bool eof = fed == size;
        if (s.kind == protocol::step_kind::read) {
            require(!eof);
            std::size_t chunk = 1 + data[fed] % 97;
            chunk = std::min(chunk, size - fed);
            input.append(reinterpret_cast<const char*>(data) + fed, chunk);
            fed += chunk;
            eof = fed == size;
            // What the server's bounded buffer can hold: no more.
            require(input.size() <= core.input_limit() + 97);
        }
        bool stopping = stop_midway && fed * 2 >= size;
        s = core.next(input, eof, stopping);
        require(core.consumed() <= input.size());
        // --classic never leaves version 1.
        require(!classic_server || core.settings() == settings);
        input.erase(0, core.consumed());
    }
    return bytes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    static mojifinder::protocol::answer_cache cache(64);
    require(transcript(data, size, nullptr) == transcript(data, size, &cache));
    return 0;
}
