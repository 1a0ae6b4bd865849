#include "process.hpp"

#include <catch2/catch.hpp>

using namespace mojifinder::testing;

TEST_CASE("cat face over a real socket", "[server]") {
    server_process server;
    connection c(server.port());
    CHECK(c.read_exact(3) == "?> ");
    c.send("cat face\n");
    std::string answer = c.read_until("?> ");
    CHECK(answer.ends_with(status_line(10) + "?> "));
    CHECK(answer.starts_with("U+1F431\t\U0001F431\tCAT FACE\r\n"));
}
