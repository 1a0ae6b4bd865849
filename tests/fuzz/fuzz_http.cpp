// Flow: the input is cut into chunks (each chunk's length comes from one byte
// of the input; a zero byte is a read deadline passing instead) that are fed
// to an HTTP connection_core exactly as the server feeds it: next() until it
// asks to read, then the next chunk, then end of input. The first byte also
// picks a server that starts stopping half-way. Everything the core writes
// is parsed back with Boost.Beast's response parser: it must be a sequence
// of whole, well-formed responses (a head that ends its write exactly is a
// HEAD's, without a body: the core writes a GET's head with its body's first
// bytes), every piece bounded. The seeds in corpus/fuzz_http/ are requests
// of every route and limit, pipelined, split and malformed.
// Sanitizers catch memory errors; the checks below catch broken invariants.
#include "http_core.hpp"
#include "index.hpp"

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

namespace {

namespace beast = boost::beast;

const mojifinder::index& shared_index() {
    static const mojifinder::index idx = mojifinder::index::open(mojifinder::index::build_tree_data_path());
    return idx;
}

// Aborts, saying which check failed (the line of the call).
void require(bool ok, int line = __builtin_LINE()) {
    if (ok) return;
    std::fprintf(stderr, "fuzz_http.cpp:%d: check failed\n", line);
    std::abort();
}

// Parses the responses written so far, one action's bytes at a time; what
// is parsed is dropped.
class response_checker {
public:
    void written(std::string_view bytes) {
        pending_ += bytes;
        while (!pending_.empty()) {
            if (!parser_) {
                parser_.emplace();
                parser_->body_limit(boost::none);
                parser_->header_limit(1u << 16);
                std::size_t end = pending_.find("\r\n\r\n");
                if (end != std::string::npos && end + 4 == pending_.size()) parser_->skip(true);
            }
            beast::error_code ec;
            std::size_t used = parser_->put(boost::asio::buffer(pending_.data(), pending_.size()), ec);
            pending_.erase(0, used);
            if (ec == beast::http::error::need_more) return;
            require(!ec);
            if (parser_->is_done()) {
                unsigned status = parser_->get().result_int();
                require(status >= 200 && status < 600);
                require(parser_->get().version() == 11);
                parser_.reset();
            } else if (used == 0) {
                return;
            }
        }
    }
    // The connection ends: no response may be cut.
    void closed() const { require(pending_.empty() && !parser_); }

private:
    std::string pending_;
    std::optional<beast::http::response_parser<beast::http::string_body>> parser_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace mojifinder;
    namespace http = protocol::http;
    if (size < 1) return 0;
    const bool stop_midway = data[0] & 1;
    data += 1;
    size -= 1;

    static const config cfg;
    protocol::metrics counters;
    std::atomic<bool> stopping{false};
    http::context ctx{shared_index(), cfg, counters, shared_index().english(), &stopping};
    http::connection_core core(ctx);
    response_checker checker;
    std::string input;
    std::size_t fed = 0;
    std::size_t steps = 0;
    bool eof_passed = false;
    http::action a = core.start();
    require(a.what() == http::action::kind::read);
    for (;;) {
        require(++steps < 10'000'000);
        if (a.what() != http::action::kind::read) {
            std::string written;
            for (std::string_view piece : a.out()) {
                // A write never pins more than write_chunk bytes of a body.
                require(piece.size() <= config::write_chunk);
                written += piece;
            }
            require(written.size() <= config::write_chunk + 1024);
            checker.written(written);
        }
        if (a.what() == http::action::kind::close) {
            checker.closed();
            break;
        }
        bool eof = fed == size;
        if (a.what() == http::action::kind::read && !eof) {
            require(a.timeout().count() >= 0);
            std::size_t chunk = data[fed] % 131;
            if (chunk == 0) {
                ++fed;
                a = core.timed_out();
                continue;
            }
            chunk = std::min(chunk, size - fed);
            chunk = std::min(chunk, core.input_limit() - input.size());
            require(chunk > 0);  // a full buffer is always acted on
            input.append(reinterpret_cast<const char*>(data) + fed, chunk);
            fed += chunk;
            eof = fed == size;
        }
        if (a.what() == http::action::kind::read && eof) {
            // Told of the end of input once, the core must not ask to read again.
            require(!eof_passed);
            eof_passed = true;
        }
        bool stop = stop_midway && fed * 2 >= size;
        if (stop) stopping = true;
        a = core.next(input, eof, stop);
        require(core.consumed() <= input.size());
        input.erase(0, core.consumed());
        require(input.size() <= core.input_limit());
    }
    return 0;
}
