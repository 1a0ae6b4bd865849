#pragma once
// One session with mojifinderd over a blocking socket: ask a query, stream its
// answer to the printer. The protocol itself is protocol::answer_reader's.
#include "answer_reader.hpp"
#include "terminal.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace mojifinder::client {

// The session cannot go on: its message is the one line the user sees.
struct client_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct answer {
    std::size_t found = 0;
    std::size_t shown = 0;     // lines sent so far: fewer than found when /limit cut it
    std::string error;         // the server's "error: " message; empty when it answered
    bool acknowledged = false; // an "ok: " line: a session command's reply
    std::string ok;            // its message
};

class connection {
public:
    // Connects and waits for the first prompt.
    connection(const std::string& host, std::uint16_t port);

    // Sends `query` (one line, without its LF: a query or a session command)
    // and prints the reply's lines as they arrive, so a huge answer never
    // sits in memory; with no printer, prints nothing (the client's own
    // set-up commands). Error lines are not printed, unless they are JSON.
    answer ask(std::string_view query, answer_printer* out);

    // From the next reply on, hold the server to version 1 exactly (after
    // "/classic on" was acknowledged, or against a --classic server).
    void expect_classic() { reader_.expect_classic(); }

    // Without blocking: whether the server has ended the session while we had
    // nothing to ask (idle timeout, shutdown). Only an ended session speaks
    // unasked, so an error line counts as ended too.
    bool ended_by_server();

    // For the picker, which waits on the socket with poll() and keeps one
    // line in flight: send() writes a line; when poll() says the socket is
    // readable, read_available() reads once, and take_item() hands out the
    // items complete so far (need_more when there are none).
    void send(std::string_view line);
    int native_handle() { return socket_.native_handle(); }
    void read_available();
    protocol::server_item take_item() { return reader_.next(); }
    // Throws the client_error that a closed, truncated or malformed item
    // (or an unexpected one) means.
    [[noreturn]] void fail(const protocol::server_item& item) const;

private:
    // The next item, reading from the socket while the reader needs more.
    protocol::server_item next_item();
    void wait_for_prompt();

    boost::asio::io_context io_;
    boost::asio::ip::tcp::socket socket_{io_};
    std::string peer_;  // "host:port", for messages
    protocol::answer_reader reader_;
    bool ready_ = false;  // the prompt came and no query has been sent since
    std::array<char, 64 * 1024> buffer_{};
};

}  // namespace mojifinder::client
