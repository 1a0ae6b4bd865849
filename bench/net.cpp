#include "net.hpp"

#include <boost/asio/io_context.hpp>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/resource.h>

#include <fstream>
#include <stdexcept>

namespace mojifinder::bench {

tcp::endpoint resolve_server(const std::string& host, std::uint16_t port) {
    asio::io_context io(1);
    tcp::resolver resolver(io);
    boost::system::error_code ec;
    auto results = resolver.resolve(host, std::to_string(port), tcp::resolver::numeric_service, ec);
    if (ec) throw std::invalid_argument(fmt::format("cannot resolve {}: {}", host, ec.message()));
    if (results.size() == 1) return results.begin()->endpoint();
    for (const auto& entry : results) {
        tcp::socket probe(io);
        probe.connect(entry.endpoint(), ec);
        if (!ec) return entry.endpoint();
    }
    return results.begin()->endpoint();
}

std::size_t raise_descriptor_limit() {
    rlimit lim{};
    if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return 1024;
    if (lim.rlim_cur < lim.rlim_max) {
        rlimit raised = lim;
        raised.rlim_cur = lim.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0) lim = raised;
    }
    return lim.rlim_cur == RLIM_INFINITY ? std::size_t(1) << 20 : static_cast<std::size_t>(lim.rlim_cur);
}

source_addresses::source_addresses(const asio::ip::address& server, std::size_t connections) {
    if (server.is_v4() && server.is_loopback())
        count_ = std::min<std::size_t>(254, (connections + per_address - 1) / per_address);
    if (count_ == 0) count_ = 1;
}

void source_addresses::bind(tcp::socket& sock, std::size_t i) const {
    if (count_ <= 1) return;
    sock.open(tcp::v4());
    int one = 1;
    ::setsockopt(sock.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    auto host = static_cast<asio::ip::address_v4::uint_type>((127u << 24) | (1 + i % count_));
    sock.bind(tcp::endpoint(asio::ip::address_v4(host), 0));
}

std::string unescape(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\\') {
            out += text[i];
            continue;
        }
        if (++i == text.size()) throw std::invalid_argument("a lone backslash at the end");
        switch (text[i]) {
            case 'r': out += '\r'; break;
            case 'n': out += '\n'; break;
            case 't': out += '\t'; break;
            case '0': out += '\0'; break;
            case '\\': out += '\\'; break;
            case 'x': {
                auto hex = [&](std::size_t at) -> int {
                    if (at >= text.size()) return -1;
                    char c = text[at];
                    if (c >= '0' && c <= '9') return c - '0';
                    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
                    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
                    return -1;
                };
                int hi = hex(i + 1), lo = hex(i + 2);
                if (hi < 0 || lo < 0) throw std::invalid_argument("\\x needs two hex digits");
                out += static_cast<char>(hi * 16 + lo);
                i += 2;
                break;
            }
            default: throw std::invalid_argument(fmt::format("unknown escape \\{}", text[i]));
        }
    }
    return out;
}

long rss_kib(int pid) {
    std::ifstream status(fmt::format("/proc/{}/status", pid));
    std::string key;
    while (status >> key) {
        if (key == "VmRSS:") {
            long kib = -1;
            status >> kib;
            return kib;
        }
    }
    return -1;
}

}  // namespace mojifinder::bench
