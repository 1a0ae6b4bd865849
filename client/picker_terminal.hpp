#pragma once
// mojifinder --pick: the picker (picker.hpp) on the terminal and a session
// with mojifinderd. Flow: main.cpp fills picker_options from the command
// line and calls run_picker(), which returns the exit status; osc52() is
// the clipboard's escape sequence.
#include "picker.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace mojifinder::client {

struct picker_options {
    std::string host;
    std::uint16_t port = 0;
    std::optional<std::string> language;
    picker::print_field print = picker::print_field::character;
    bool copy = true;
};

// Runs the picker on the process's terminal (/dev/tty, so standard output
// can be a pipe: x=$(mojifinder --pick)). Returns 0 when something was
// picked (printed on standard output, copied unless !copy), 1 when the user
// left; throws client_error (the terminal already restored) when the session
// failed. A SIGINT, SIGTERM or SIGHUP restores the terminal, then ends the
// process by that signal.
int run_picker(const picker_options& opt);

// OSC 52: asks the terminal to put `text` on the clipboard ("c"), in base64.
std::string osc52(std::string_view text);

}  // namespace mojifinder::client
