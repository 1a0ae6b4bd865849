// The built mojifinder client as a child process, its standard input and
// output on pipes (so batch mode, and the server's bytes unchanged), against
// the real server, or against a scripted one where the server must misbehave.
// The version 1 tests run against a --classic server (v1's bytes exactly);
// version 2's options and session commands against the default one.
#include "index.hpp"
#include "process.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

using namespace mojifinder::testing;

namespace {

// What the client prints for "cat face": the session's answer without the prompt after it.
const std::string cat_face_output = [] {
    std::string answer = cat_face_answer();
    answer.resize(answer.size() - 3);
    return answer;
}();

const std::string usage =
    "usage: mojifinder [--host ADDR] [--port N] [--lang TAG] [--limit N] [--json] [--classic] [QUERY...]\n";

struct run_result {
    int status;
    std::string out;
    std::string err;
};

run_result run_client(std::vector<std::string> args, std::string stdin_data = {}) {
    args.insert(args.begin(), client_path());
    child_process client(args, std::move(stdin_data));
    std::optional<int> status = client.wait(60s);
    REQUIRE(status);
    return {*status, client.out(), client.err()};
}

std::vector<std::string> with_port(unsigned short port, std::vector<std::string> args) {
    args.insert(args.begin(), {"--port", std::to_string(port)});
    return args;
}

// A TCP socket on 127.0.0.1 the test drives by hand: not listening, a port
// that refuses connections; listening, a server that says what the test wants.
class scripted_server {
public:
    explicit scripted_server(bool listening) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof addr;
        auto* sa = reinterpret_cast<sockaddr*>(&addr);
        if (fd_ < 0 || ::bind(fd_, sa, length) != 0 || ::getsockname(fd_, sa, &length) != 0 ||
            (listening && ::listen(fd_, 1) != 0))
            throw std::runtime_error("scripted_server: cannot set up a socket");
        port_ = ntohs(addr.sin_port);
    }
    ~scripted_server() {
        if (peer_ >= 0) ::close(peer_);
        ::close(fd_);
    }
    scripted_server(const scripted_server&) = delete;
    scripted_server& operator=(const scripted_server&) = delete;

    unsigned short port() const noexcept { return port_; }

    void accept() {
        pollfd p{fd_, POLLIN, 0};
        REQUIRE(::poll(&p, 1, 10'000) == 1);
        peer_ = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
        REQUIRE(peer_ >= 0);
    }
    void send(std::string_view bytes) {
        REQUIRE(::write(peer_, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
    }
    // Reads one line, LF included, so that closing leaves nothing unread.
    std::string read_line() {
        std::string line;
        char c = 0;
        while (line.size() < 4096 && !line.ends_with('\n')) {
            pollfd p{peer_, POLLIN, 0};
            REQUIRE(::poll(&p, 1, 10'000) == 1);
            if (::read(peer_, &c, 1) != 1) break;
            line += c;
        }
        return line;
    }
    void close_peer() {
        ::close(peer_);
        peer_ = -1;
    }

private:
    int fd_ = -1;
    int peer_ = -1;
    unsigned short port_ = 0;
};

// How many languages the data file the server maps has.
std::size_t data_languages() {
    static const std::size_t count =
        mojifinder::index::open(mojifinder::index::build_tree_data_path()).language_count();
    return count;
}

}  // namespace

TEST_CASE("client one-shot: exact output and exit status", "[server][client]") {
    server_process server({"--classic"});
    struct row {
        std::vector<std::string> words;
        std::string out;
        int status;
        std::string err;
    };
    auto r = GENERATE_COPY(values<row>({
        {{"cat", "face"}, cat_face_output, 0, ""},
        {{"CAT-FACE"}, cat_face_output, 0, ""},
        {{"  cat ", "face\t"}, cat_face_output, 0, ""},
        {{"xyzzy"}, status_line(0), 1, ""},
        {{"cat", "xyzzy"}, status_line(0), 1, ""},
        {{"caf\xE9"}, "", 2, "mojifinder: server error: query is not valid UTF-8\n"},
        {{std::string(5000, 'a')}, "", 2, "mojifinder: server error: line too long (limit 4096 bytes)\n"},
        {{""}, "", 2, "mojifinder: the query is empty\n"},
        {{"\x03"}, "", 2, "mojifinder: not sent: a query cannot start with a control character or byte 0xFF\n"},
        {{"cat\nface"}, "", 2, "mojifinder: not sent: a query is one line\n"},
    }));
    INFO(fmt::format("{:?}", fmt::join(r.words, " ")));
    run_result got = run_client(with_port(server.port(), r.words));
    CHECK(got.out == r.out);
    CHECK(got.err == r.err);
    CHECK(got.status == r.status);
}

TEST_CASE("client one-shot: a huge answer is the server's bytes unchanged", "[server][client]") {
    server_process server;
    auto query = GENERATE(as<std::string>{}, "CJK", "letter", "cat face");
    connection c(server.port());
    REQUIRE(c.read_exact(3) == "?> ");
    c.send(query + "\n");
    std::string expected = c.read_until(" found\r\n?> ", 60s);
    expected.resize(expected.size() - 3);  // the prompt
    run_result got = run_client(with_port(server.port(), {query}));
    CHECK(got.status == 0);
    CHECK(got.err == "");
    CHECK(got.out.size() == expected.size());
    CHECK(got.out == expected);
}

TEST_CASE("client batch: every line a query, answers in order", "[server][client]") {
    server_process server({"--classic"});
    struct row {
        const char* what;
        std::string in;
        std::string out;
        int status;
        std::string err;
    };
    auto r = GENERATE_COPY(values<row>({
        {"found, blank lines skipped, CR LF input", "cat face\n\n   \nxyzzy\r\nCAT-FACE\n",
         cat_face_output + status_line(0) + cat_face_output, 0, ""},
        {"a last line without LF", "xyzzy\ncat face", status_line(0) + cat_face_output, 0, ""},
        {"nothing found by any query", "xyzzy\nqwertyuiop\n", status_line(0) + status_line(0), 1, ""},
        {"no input", "", "", 1, ""},
        {"only blank lines", "\n \t \r\n", "", 1, ""},
        {"an error line: reported, the rest still asked", "caf\xE9\ncat face\nxyzzy\n",
         cat_face_output + status_line(0), 2, "mojifinder: server error: query is not valid UTF-8\n"},
        {"a line the server would hang up on is not sent", "\x01hi\ncat face\n", cat_face_output, 2,
         "mojifinder: not sent: a query cannot start with a control character or byte 0xFF\n"},
    }));
    INFO(r.what);
    run_result got = run_client(with_port(server.port(), {}), r.in);
    CHECK(got.out == r.out);
    CHECK(got.err == r.err);
    CHECK(got.status == r.status);
}

TEST_CASE("client: a server that cannot be reached", "[client]") {
    scripted_server refusing(false);  // bound, not listening: connecting is refused
    auto args = GENERATE(as<std::vector<std::string>>{}, std::vector<std::string>{"cat"},
                         std::vector<std::string>{});
    run_result got = run_client(with_port(refusing.port(), args), "cat\n");
    CHECK(got.status == 2);
    CHECK(got.out == "");
    CHECK(got.err == fmt::format("mojifinder: cannot connect to 127.0.0.1:{}: Connection refused\n",
                                 refusing.port()));
}

TEST_CASE("client: the server busy", "[server][client]") {
    server_process server({"--max-connections", "1"});
    connection first(server.port());
    REQUIRE(first.read_exact(3) == "?> ");
    run_result got = run_client(with_port(server.port(), {"cat"}));
    CHECK(got.status == 2);
    CHECK(got.out == "");
    CHECK(got.err ==
          fmt::format("mojifinder: 127.0.0.1:{}: server busy, try again later\n", server.port()));
}

TEST_CASE("client: the connection lost or garbled in the middle of an answer", "[client]") {
    struct row {
        const char* what;
        std::string reply;  // after the query line
        std::string out;
        std::string why;
    };
    const std::string letter_a = "U+0041\tA\tLATIN CAPITAL LETTER A\r\n";
    auto r = GENERATE_COPY(values<row>({
        {"closed after one line", letter_a, letter_a, "connection to {} lost: the server closed in the middle of an answer"},
        {"closed before answering", "", "", "connection to {} lost: the server closed it"},
        {"closed inside a line", "U+0041\tA\tLAT", "", "connection to {} lost: the server closed in the middle of a line"},
        {"not the protocol", "HTTP/1.1 400 Bad Request\r\n", "",
         "unexpected output from {}: a line that is neither an answer, a status nor an error"},
        {"a wrong count", letter_a + status_line(2) + "?> ", letter_a,
         "unexpected output from {}: a status line of 2 found after 1 answer lines"},
    }));
    INFO(r.what);
    scripted_server server(true);
    child_process client({client_path(), "--port", std::to_string(server.port()), "a"});
    server.accept();
    server.send("?> ");
    CHECK(server.read_line() == "a\n");
    server.send(r.reply);
    server.close_peer();
    REQUIRE(client.wait(20s) == 2);
    CHECK(client.out() == r.out);
    std::string peer = fmt::format("127.0.0.1:{}", server.port());
    std::string why = r.why;
    why.replace(why.find("{}"), 2, peer);
    CHECK(client.err() == "mojifinder: " + why + "\n");
}

TEST_CASE("client: a bad option", "[client]") {
    struct row {
        std::vector<std::string> args;
        std::string err;
    };
    auto r = GENERATE_COPY(values<row>({
        {{"--bogus"}, "mojifinder: The following argument was not expected: --bogus\n" + usage},
        {{"--port", "0"}, "mojifinder: --port: Value 0 not in range 1 to 65535\n" + usage},
        {{"--port", "65536"}, "mojifinder: --port: Value 65536 not in range 1 to 65535\n" + usage},
        {{"--port"}, "mojifinder: --port: 1 required UINT:INT in [1 - 65535] missing\n" + usage},
        {{"--host"}, "mojifinder: --host: 1 required TEXT missing\n" + usage},
    }));
    INFO(fmt::format("{}", fmt::join(r.args, " ")));
    run_result got = run_client(r.args);
    CHECK(got.status == 2);
    CHECK(got.out == "");
    CHECK(got.err == r.err);
}

TEST_CASE("client: --help and --version", "[client]") {
    SECTION("--help: the modes and exit statuses, on standard output") {
        run_result help = run_client({"--help"});
        CHECK(help.status == 0);
        CHECK(help.err == "");
        CHECK(help.out.find("Usage: mojifinder [OPTIONS] [QUERY...]\n") != std::string::npos);
        CHECK(help.out.find("batch: every line is a query or a session command (blank") != std::string::npos);
        for (std::string_view option : {"--limit", "--json", "--classic", "mojifinder -- arrow -left"})
            CHECK(help.out.find(option) != std::string::npos);
        CHECK(help.out.find("  2  an error: a bad option, cannot connect, connection lost") != std::string::npos);
    }
    SECTION("--version") {
        run_result version = run_client({"--version"});
        CHECK(version.status == 0);
        CHECK(version.err == "");
        CHECK(std::regex_match(version.out, std::regex("mojifinder [0-9]+\\.[0-9]+\\.[0-9]+\n")));
    }
}

TEST_CASE("client interactive: a terminal, driven through script(1)", "[server][client]") {
    // script gives the client a pseudo-terminal on standard input and output,
    // passes our bytes as typed keys, and sends Ctrl-D when they run out.
    if (!std::filesystem::exists("/usr/bin/script")) {
        WARN("no /usr/bin/script: interactive mode not tested");
        return;
    }
    server_process server({"--classic"});
    auto [no_color, cat_face_line] = GENERATE(table<std::string, std::string>({
        {"", "U+1F431\t\x1B[1m\U0001F431\x1B[0m\tCAT FACE\r\n"},
        {"1", "U+1F431\t\U0001F431\tCAT FACE\r\n"},
    }));
    INFO("NO_COLOR=" << no_color);
    auto dir = std::filesystem::temp_directory_path() / fmt::format("mojifinder-client-test-{}", ::getpid());
    std::filesystem::remove_all(dir);
    auto history = dir / "state" / "mojifinder" / "history";  // no directory of it exists yet

    auto run = [&](std::string keys) {
        child_process client({"/usr/bin/env", "XDG_STATE_HOME=" + (dir / "state").string(), "NO_COLOR=" + no_color,
                              "/usr/bin/script", "-qec",
                              fmt::format("'{}' --port {}", client_path(), server.port()), "/dev/null"},
                             std::move(keys));
        std::optional<int> status = client.wait(30s);
        REQUIRE(status);
        CHECK(*status == 0);  // Ctrl-D leaves with 0, even after a query that found nothing
        return client.out();
    };
    auto count = [](const std::string& text, std::string_view what) {
        std::size_t n = 0;
        for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
        return n;
    };

    // The terminal turns each LF into CR LF: the client prints LF alone.
    std::string first = run("cat face\n   \nxyzzy\nxyzzy\n");
    CHECK(count(first, cat_face_line) == 1);
    CHECK(count(first, "U+1F640\t") == 1);
    CHECK(count(first, status_line(10)) == 1);
    CHECK(count(first, status_line(0)) == 2);
    CHECK(count(first, "\r\r\n") == 0);
    std::ifstream saved(history);
    CHECK(std::string(std::istreambuf_iterator<char>(saved), {}) == "_HiStOrY_V2_\ncat\\040face\nxyzzy\n");

    // A new run finds the history: Up twice and Enter asks "cat face" again.
    std::string second = run("\x1B[A\x1B[A\n");
    CHECK(count(second, cat_face_line) == 1);
    CHECK(count(second, status_line(10)) == 1);
    std::ifstream again(history);
    CHECK(std::string(std::istreambuf_iterator<char>(again), {}) ==
          "_HiStOrY_V2_\ncat\\040face\nxyzzy\ncat\\040face\n");
    std::filesystem::remove_all(dir);
}

// ---------------------------------------------------------------------------
// Version 2: the query language, --limit, --json, --classic, session commands.

namespace {

// What the server itself sends for `line` on a fresh session (after the
// settings lines), up to the end of the reply, without the prompt.
std::string server_reply(unsigned short port, const std::vector<std::string>& setup, const std::string& line) {
    connection c(port);
    REQUIRE(c.read_exact(3) == "?> ");
    for (const auto& s : setup) {
        c.send(s + "\n");
        c.read_until(s == "/format json" ? "\r\n" : "?> ", 60s);
    }
    c.send(line + "\n");
    std::string reply;
    if (std::find(setup.begin(), setup.end(), "/format json") != setup.end()) {
        // JSON: up to the final object.
        for (;;) {
            reply += c.read_until("\r\n", 60s);
            std::size_t last = reply.rfind('\n', reply.size() - 2);
            last = last == std::string::npos ? 0 : last + 1;
            if (!std::string_view(reply).substr(last).starts_with("{\"cp\"")) break;
        }
        return reply;
    }
    reply = c.read_until("?> ", 60s);
    reply.resize(reply.size() - 3);
    return reply;
}

}  // namespace

TEST_CASE("client one-shot: the query language, the server's bytes unchanged", "[server][client]") {
    server_process server;
    struct row {
        std::vector<std::string> args;
        std::string line;  // what the server is asked
    };
    auto r = GENERATE_COPY(values<row>({
        {{"U+1F600"}, "U+1F600"},
        {{"\xF0\x9F\x98\x80"}, "\xF0\x9F\x98\x80"},
        {{"smil*"}, "smil*"},
        {{"--", "arrow", "-left"}, "arrow -left"},
        {{"cat", "face"}, "cat face"},
    }));
    INFO(r.line);
    std::string expected = server_reply(server.port(), {}, r.line);
    run_result got = run_client(with_port(server.port(), r.args));
    CHECK(got.out == expected);
    CHECK(got.err == "");
    CHECK(got.status == (expected.starts_with("U+") ? 0 : 1));
}

TEST_CASE("client one-shot: --limit, --json, --classic", "[server][client]") {
    server_process server;
    SECTION("--limit N: the first N lines and the cut status line") {
        run_result got = run_client(with_port(server.port(), {"--limit", "3", "cat", "face"}));
        CHECK(got.out == server_reply(server.port(), {"/limit 3"}, "cat face"));
        CHECK(got.out.ends_with(" 10 found, 3 shown\r\n"));
        CHECK(got.status == 0);
        CHECK(got.err == "");
    }
    SECTION("--json: JSON Lines, the final object last") {
        run_result got = run_client(with_port(server.port(), {"--json", "cat", "face"}));
        CHECK(got.out == server_reply(server.port(), {"/format json"}, "cat face"));
        CHECK(got.out.ends_with("{\"found\":10,\"shown\":10}\r\n"));
        CHECK(got.status == 0);
        run_result none = run_client(with_port(server.port(), {"--json", "cat", "snowman"}));
        CHECK(none.out == "{\"found\":0,\"shown\":0}\r\n");
        CHECK(none.status == 1);
    }
    SECTION("--json: an error is a JSON line too, and exit 2") {
        run_result got = run_client(with_port(server.port(), {"--json", "caf\xE9"}));
        CHECK(got.out == "{\"error\":\"query is not valid UTF-8\"}\r\n");
        CHECK(got.err == "mojifinder: server error: query is not valid UTF-8\n");
        CHECK(got.status == 2);
    }
    SECTION("--classic: version 1's answer, no hints") {
        run_result got = run_client(with_port(server.port(), {"--classic", "xyzzy"}));
        CHECK(got.out == status_line(0));
        CHECK(got.status == 1);
        run_result cat = run_client(with_port(server.port(), {"--classic", "cat", "face"}));
        CHECK(cat.out == cat_face_output);
        CHECK(cat.status == 0);
    }
    SECTION("--lang TAG: /lang TAG first") {
        REQUIRE(data_languages() == 146);
        std::vector<std::string> tags{"en", "de"};
        for (const auto& tag : tags) {
            INFO(tag);
            run_result got = run_client(with_port(server.port(), {"--lang", tag, "--json", "U+1F431"}));
            CHECK(got.out == server_reply(server.port(), {"/lang " + tag, "/format json"}, "U+1F431"));
            CHECK(got.out.starts_with("{\"cp\":\"U+1F431\","));
            CHECK(got.status == 0);
            CHECK(got.err == "");
            run_result text = run_client(with_port(server.port(), {"--lang", tag, "cat", "face"}));
            CHECK(text.out == server_reply(server.port(), {"/lang " + tag}, "cat face"));
            CHECK(text.status == 0);
        }
    }
    SECTION("--lang with a tag the server does not have: its error, exit 2") {
        run_result got = run_client(with_port(server.port(), {"--lang", "xx", "cat", "face"}));
        CHECK(got.status == 2);
        CHECK(got.out == "");
        CHECK(got.err == "mojifinder: /lang xx: server error: unknown language 'xx'; /lang lists them\n");
        run_result batch = run_client(with_port(server.port(), {"--lang", "xx"}), "cat face\n");
        CHECK(batch.status == 2);
        CHECK(batch.out == "");
        CHECK(batch.err == got.err);
    }
    SECTION("--classic excludes --json, --limit and --lang") {
        for (const auto& option :
             std::vector<std::vector<std::string>>{{"--json"}, {"--limit", "3"}, {"--lang", "en"}}) {
            std::vector<std::string> args{"--classic"};
            args.insert(args.end(), option.begin(), option.end());
            args.push_back("cat");
            run_result got = run_client(args);
            CHECK(got.status == 2);
            CHECK(got.out == "");
            CHECK(got.err.find("excludes") != std::string::npos);
        }
    }
}

TEST_CASE("client: options against a --classic server", "[server][client]") {
    server_process server({"--classic"});
    SECTION("--classic: already so") {
        run_result got = run_client(with_port(server.port(), {"--classic", "cat", "face"}));
        CHECK(got.out == cat_face_output);
        CHECK(got.status == 0);
    }
    SECTION("--limit: the server cannot, which is an error") {
        run_result got = run_client(with_port(server.port(), {"--limit", "3", "cat"}));
        CHECK(got.status == 2);
        CHECK(got.out == "");
        CHECK(got.err == "mojifinder: /limit 3: the server takes no session commands (version 1, or --classic)\n");
    }
    SECTION("--lang: the same") {
        run_result got = run_client(with_port(server.port(), {"--lang", "en", "cat"}));
        CHECK(got.status == 2);
        CHECK(got.out == "");
        CHECK(got.err == "mojifinder: /lang en: the server takes no session commands (version 1, or --classic)\n");
    }
}

TEST_CASE("client batch: session commands", "[server][client]") {
    server_process server;
    const auto cat = [] {
        std::vector<std::string> lines;
        std::string all = cat_face_output;
        for (std::size_t at = 0; at < all.size();) {
            std::size_t lf = all.find('\n', at);
            lines.push_back(all.substr(at, lf + 1 - at));
            at = lf + 1;
        }
        return lines;
    }();
    auto rule = status_line(10).substr(0, status_line(10).size() - 2);
    SECTION("/limit, /more, errors, /help") {
        run_result got = run_client(with_port(server.port(), {}), "/limit 4\ncat face\n/more\n/bogus\n");
        CHECK(got.out == "ok: limit 4\r\n" + cat[0] + cat[1] + cat[2] + cat[3] + rule + ", 4 shown\r\n" + cat[4] +
                             cat[5] + cat[6] + cat[7] + rule + ", 8 shown\r\n");
        CHECK(got.err == "mojifinder: server error: unknown command /bogus; try /help\n");
        CHECK(got.status == 2);
    }
    SECTION("/lang: the languages, then a switch; acknowledgements count as nothing found") {
        run_result got = run_client(with_port(server.port(), {}), "/lang\n/lang en\n");
        CHECK(got.out.starts_with("# af Afrikaans\r\n"));
        CHECK(got.out.find("\r\n# de Deutsch\r\n") != std::string::npos);
        CHECK(got.out.ends_with("# zu isiZulu\r\nok: lang en English\r\nok: lang en English\r\n"));
        CHECK(std::count(got.out.begin(), got.out.end(), '#') == 146);
        CHECK(got.err == "");
        CHECK(got.status == 1);
    }
    SECTION("/quit ends the batch") {
        run_result got = run_client(with_port(server.port(), {}), "cat face\n/quit\ncat face\n");
        CHECK(got.out == cat_face_output + "ok: bye\r\n");
        CHECK(got.status == 0);
    }
    SECTION("/format json in the middle") {
        run_result got = run_client(with_port(server.port(), {}), "/format json\ncat face\n/format text\nsnowman\n");
        CHECK(got.out.starts_with("{\"ok\":\"format json\"}\r\n{\"cp\":\"U+1F431\","));
        CHECK(got.out.find("{\"found\":10,\"shown\":10}\r\nok: format text\r\nU+2603\t") != std::string::npos);
        CHECK(got.status == 0);
    }
}

TEST_CASE("client interactive: a screenful, then /more", "[server][client]") {
    if (!std::filesystem::exists("/usr/bin/script")) {
        WARN("no /usr/bin/script: interactive mode not tested");
        return;
    }
    server_process server;
    auto dir = std::filesystem::temp_directory_path() / fmt::format("mojifinder-client-more-{}", ::getpid());
    child_process client({"/usr/bin/env", "XDG_STATE_HOME=" + dir.string(), "NO_COLOR=1", "/usr/bin/script", "-qec",
                          fmt::format("stty rows 12 cols 100; '{}' --port {}", client_path(), server.port()),
                          "/dev/null"},
                         "CJK\n/more\n/quit\n");
    std::optional<int> status = client.wait(30s);
    REQUIRE(status);
    CHECK(*status == 0);
    const std::string& out = client.out();
    // 12 rows: 9 answer lines, the status line, the client's note, the prompt.
    CHECK(out.find(" 98263 found, 9 shown\r\n(9 of 98263 shown: /more for the next)\r\n") != std::string::npos);
    CHECK(out.find(" 98263 found, 18 shown\r\n") != std::string::npos);
    CHECK(out.find("ok: bye") != std::string::npos);
    std::filesystem::remove_all(dir);
}
