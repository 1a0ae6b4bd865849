// Flow: the constructor connects and reads up to the first prompt. ask() first
// takes the prompt that followed the previous reply (if not taken yet; JSON
// mode has none), sends the line, then pulls items, reading the socket
// whenever the reader needs more bytes, until the reader says the reply is
// complete.
#include "connection.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <fmt/format.h>

namespace mojifinder::client {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using protocol::server_item;
using protocol::server_item_kind;

connection::connection(const std::string& host, std::uint16_t port)
    : peer_(host.find(':') == std::string::npos ? fmt::format("{}:{}", host, port)
                                                 : fmt::format("[{}]:{}", host, port)) {
    boost::system::error_code ec;
    tcp::resolver resolver(io_);
    auto endpoints = resolver.resolve(host, std::to_string(port), tcp::resolver::numeric_service, ec);
    if (!ec) asio::connect(socket_, endpoints, ec);
    if (ec) throw client_error(fmt::format("cannot connect to {}: {}", peer_, ec.message()));
    wait_for_prompt();
}

answer connection::ask(std::string_view query, answer_printer* out) {
    if (!ready_) wait_for_prompt();
    send(query);

    answer result;
    for (;;) {
        server_item item = next_item();
        switch (item.kind) {
        case server_item_kind::match:
            if (out != nullptr) out->match(item.line);
            break;
        case server_item_kind::status:
        case server_item_kind::help:
            if (out != nullptr) out->line(item.line);
            break;
        case server_item_kind::ok:
            if (out != nullptr) out->line(item.line);
            result.ok = item.text;
            break;
        case server_item_kind::error:
            if (out != nullptr && item.json) out->line(item.line);
            result.error = item.text;
            break;
        case server_item_kind::answer_end:
            result.found = item.count;
            result.shown = item.shown;
            result.acknowledged = item.acknowledged;
            ready_ = item.json;  // JSON mode writes no prompt
            return result;
        default: fail(item);
        }
    }
}

void connection::send(std::string_view query) {
    std::string line = fmt::format("{}\n", query);
    boost::system::error_code ec;
    asio::write(socket_, asio::buffer(line), ec);
    if (ec) throw client_error(fmt::format("connection to {} lost: {}", peer_, ec.message()));
    ready_ = false;
}

bool connection::ended_by_server() {
    // One read is enough: an ended session has sent one short error line at most.
    boost::system::error_code ec, ignored;
    socket_.non_blocking(true, ignored);
    std::size_t n = socket_.read_some(asio::buffer(buffer_), ec);
    socket_.non_blocking(false, ignored);
    if (!ec) reader_.feed({buffer_.data(), n});
    else if (ec != asio::error::would_block) reader_.finish();  // closed or reset

    for (;;) {
        server_item item = reader_.next();
        switch (item.kind) {
        case server_item_kind::need_more: return false;
        case server_item_kind::answer_end: break;
        case server_item_kind::prompt: ready_ = true; break;
        default: return true;  // an error line, the close, or garbage
        }
    }
}

server_item connection::next_item() {
    for (;;) {
        server_item item = reader_.next();
        if (item.kind != server_item_kind::need_more) return item;
        read_available();
    }
}

void connection::read_available() {
    boost::system::error_code ec;
    std::size_t n = socket_.read_some(asio::buffer(buffer_), ec);
    if (ec == asio::error::eof) reader_.finish();
    else if (ec) throw client_error(fmt::format("connection to {} lost: {}", peer_, ec.message()));
    else reader_.feed({buffer_.data(), n});
}

void connection::wait_for_prompt() {
    for (;;) {
        server_item item = next_item();
        if (item.kind == server_item_kind::prompt) {
            ready_ = true;
            return;
        }
        if (item.kind != server_item_kind::answer_end) fail(item);
    }
}

void connection::fail(const server_item& item) const {
    switch (item.kind) {
    case server_item_kind::error: throw client_error(fmt::format("{}: {}", peer_, item.text));
    case server_item_kind::closed:
        throw client_error(fmt::format("connection to {} lost: the server closed it", peer_));
    case server_item_kind::truncated: throw client_error(fmt::format("connection to {} lost: {}", peer_, item.text));
    case server_item_kind::malformed:
        throw client_error(fmt::format("unexpected output from {}: {}", peer_, item.text));
    default: throw client_error(fmt::format("unexpected output from {}: a prompt with no answer", peer_));
    }
}

}  // namespace mojifinder::client
