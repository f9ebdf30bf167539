// Command-line parsing for every program and mode, on getopt_long. A program lists its options
// (long name, optional short name, flag or value, help text, a setter that checks and stores the
// value) and gets the same behaviour as every other: --help (usage on stdout, exit 0), --version
// ("<program> (peerlink) <version>" on stdout, exit 0), and on bad usage one line on stderr that
// names the problem, with a hint, and exit status 2.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/numbers.h"
#include "common/base/result.h"

namespace peerlink {

// Checks and stores one option's value. `option` is how the option is spelled ("--port"), `value`
// what was given for it ("" for a flag). A failure's message is shown as it is, after the
// program's name: it should name the option and the value ("--port: not a port number: x").
using OptionSetter = std::function<Result(std::string_view option, const std::string& value)>;

struct OptionSpec {
  std::string name;     // without the dashes: "port" is --port. Spelled in full: no abbreviations
  char short_name = 0;  // 'q' for -q; 0 for none. -h is --help's.
  std::string value_name;  // "PORT": the option takes a value, shown as "--port PORT"; "": a flag
  std::string help;        // its --help text; a '\n' starts a continuation line
  OptionSetter set;
  bool hidden = false;  // left out of --help (test and diagnostic options)
};

struct CommandLineSpec {
  std::string program;   // "_s": starts every message and the --version line
  std::string mode;      // "--serve" when this is one mode of the program: the hint names it
  std::string synopsis;  // the start of --help: the "usage:" lines and what the program does
  std::vector<OptionSpec> options;
  std::string epilogue;  // the end of --help, after the options
  // Gets the positional arguments once every option is set; null: there may be none.
  std::function<Result(const std::vector<std::string>&)> positional;
  // Runs last, for what spans options ("missing --peer", "give one of --listen-fd and --port").
  std::function<Result()> check;
};

// What the command line says to do: run, or exit with a text to print.
class [[nodiscard]] ArgsOutcome {
 public:
  enum class Action { kRun, kHelp, kVersion, kUsageError };

  static ArgsOutcome run() { return ArgsOutcome(Action::kRun, "", Result()); }
  static ArgsOutcome help(std::string text) {
    return ArgsOutcome(Action::kHelp, std::move(text), Result());
  }
  static ArgsOutcome version(std::string text) {
    return ArgsOutcome(Action::kVersion, std::move(text), Result());
  }
  // `problem` says what is wrong; `text` is the whole message for stderr.
  static ArgsOutcome usage_error(Result problem, std::string text) {
    return ArgsOutcome(Action::kUsageError, std::move(text), std::move(problem));
  }

  Action action() const { return action_; }
  bool go_on() const { return action_ == Action::kRun; }
  int exit_code() const { return action_ == Action::kUsageError ? 2 : 0; }
  // --help's or --version's text (for stdout), or the usage error with its hint (for stderr).
  const std::string& text() const { return text_; }
  // For kUsageError what is wrong, without the program's name or the hint ("missing --peer").
  const Result& problem() const { return problem_; }

  // Prints text() to stdout (help, version) or stderr (usage error); returns exit_code().
  int report() const;

 private:
  ArgsOutcome(Action action, std::string text, Result problem)
      : action_(action), text_(std::move(text)), problem_(std::move(problem)) {}

  Action action_;
  std::string text_;
  Result problem_;
};

// Parses argv (argv[0], the program's path, is skipped) by `spec`. Options and positional
// arguments may come in any order; "--" ends the options. An option's value is the next argument
// (whatever it starts with) or follows '=' (--port=5). --help and --version win wherever they are,
// even after a mistake; otherwise the first mistake is the outcome: "unknown option --x",
// "--port needs a value", "--quiet takes no value", "unexpected argument x", or a setter's, a
// positional's or check's failure. Resets getopt's state first: it may be called any number of
// times in one process.
ArgsOutcome parse_command_line(const CommandLineSpec& spec, const std::vector<std::string>& argv);
ArgsOutcome parse_command_line(const CommandLineSpec& spec, int argc, const char* const* argv);

// The --help text: the synopsis, a line per option that is not hidden (and --help, --version),
// the epilogue.
std::string usage_text(const CommandLineSpec& spec);

// --- Setters for the usual kinds of values. Their failures read "--NAME: not a ...: VALUE".

// Sets *out to true (a flag).
OptionSetter set_flag(bool* out);
// Any text, empty included.
OptionSetter set_text(std::string* out);
// Any text but the empty one ("--log: needs a value").
OptionSetter set_nonempty_text(std::string* out);
// A TCP port; 0 (any free port) only with `allow_zero`.
OptionSetter set_port(uint16_t* out, bool allow_zero);

// A decimal integer in [min, max]: "--max-files: not a number in 0..1000000: x".
template <typename T, typename Stored = T>
OptionSetter set_number(Stored* out, T min, T max) {
  return [out, min, max](std::string_view option, const std::string& value) -> Result {
    T n{};
    if (!parse_decimal<T>(value, &n, min, max)) {
      return Result::failure(std::string(option) + ": not a number in " + std::to_string(min) +
                             ".." + std::to_string(max) + ": " + value);
    }
    *out = static_cast<Stored>(n);
    return Result();
  };
}

}  // namespace peerlink
