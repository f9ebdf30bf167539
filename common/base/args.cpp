// Command-line parsing on getopt_long.
#include "common/base/args.h"

#include <getopt.h>
#include <unistd.h>

#include <cstddef>

#include "common/base/io.h"

namespace peerlink {
namespace {

// getopt_long's codes for the built-in options and for long options without a short name (above
// every char, so they never meet a short option's code).
constexpr int kHelpCode = 'h';
constexpr int kVersionCode = 256;
constexpr int kFirstLongCode = 257;

// Where --help puts an option's text.
constexpr size_t kHelpColumn = 26;

// The option table getopt_long reads, and the way back from its codes to the spec.
class OptionTable {
 public:
  explicit OptionTable(const CommandLineSpec& spec) {
    // '-': positional arguments come back in order as code 1 (no permuting); ':' : a missing
    // value is ':', not '?', and getopt prints nothing.
    shorts_ = "-:h";
    longs_.push_back({"help", no_argument, nullptr, kHelpCode});
    longs_.push_back({"version", no_argument, nullptr, kVersionCode});
    for (size_t i = 0; i < spec.options.size(); ++i) {
      const OptionSpec& o = spec.options[i];
      const int has_arg = o.value_name.empty() ? no_argument : required_argument;
      int code = kFirstLongCode + static_cast<int>(i);
      if (o.short_name != 0) {
        code = static_cast<unsigned char>(o.short_name);
        shorts_ += o.short_name;
        if (has_arg == required_argument) shorts_ += ':';
      }
      longs_.push_back({o.name.c_str(), has_arg, nullptr, code});
    }
    longs_.push_back({nullptr, 0, nullptr, 0});
  }

  const char* shorts() const { return shorts_.c_str(); }
  const option* longs() const { return longs_.data(); }

  // The spec index of the option with getopt code `code`: -1 for none, -2 for --help, -3 for
  // --version.
  int index_of(int code) const {
    for (size_t i = 0; i + 1 < longs_.size(); ++i) {
      if (longs_[i].val != code) continue;
      if (i < 2) return i == 0 ? -2 : -3;
      return static_cast<int>(i) - 2;
    }
    return -1;
  }

  // "--port" (or "-p" when it was given short).
  std::string spelling(int code, bool as_short) const {
    if (as_short && code < 256) return std::string("-") + static_cast<char>(code);
    for (size_t i = 0; i + 1 < longs_.size(); ++i) {
      if (longs_[i].val == code) return std::string("--") + longs_[i].name;
    }
    return "?";
  }

 private:
  std::string shorts_;
  std::vector<option> longs_;
};

// One getopt_long step, with what it read.
struct Step {
  int code = -1;             // getopt_long's return
  std::string arg;           // its optarg (a value or a positional argument)
  std::string element;       // the argv element the step began in
  bool long_form = false;    // an option given as --name
  bool abbreviated = false;  // --name was a prefix of the option's name (refused)
};

// Walks argv with getopt_long. Copies argv first: getopt_long takes char* const[] and GNU's may
// reorder it.
class Walker {
 public:
  Walker(const OptionTable& table, const std::vector<std::string>& argv)
      : table_(table), storage_(argv) {
    for (std::string& s : storage_) pointers_.push_back(s.data());
    pointers_.push_back(nullptr);
    optind = 0;  // GNU: re-initialise, whatever an earlier parse left behind
    opterr = 0;
  }

  bool next(Step* step) {
    *step = Step();
    const int at = optind == 0 ? 1 : optind;
    int long_index = -1;
    step->code = getopt_long(static_cast<int>(storage_.size()), pointers_.data(), table_.shorts(),
                             table_.longs(), &long_index);
    if (step->code == -1) return false;
    if (at < static_cast<int>(storage_.size())) step->element = storage_[static_cast<size_t>(at)];
    if (optarg != nullptr) step->arg = optarg;
    if (long_index >= 0) {
      step->long_form = true;
      std::string_view given = std::string_view(step->element).substr(2);
      given = given.substr(0, given.find('='));
      step->abbreviated = given != table_.longs()[long_index].name;
    } else if (step->code == '?' || step->code == ':') {
      step->long_form = step->element.rfind("--", 0) == 0;
    }
    return true;
  }

  // The arguments after "--" (getopt stopped there).
  std::vector<std::string> rest() const {
    std::vector<std::string> r;
    for (size_t i = static_cast<size_t>(optind); i < storage_.size(); ++i) r.push_back(storage_[i]);
    return r;
  }

 private:
  const OptionTable& table_;
  std::vector<std::string> storage_;
  std::vector<char*> pointers_;
};

std::string option_word(const std::string& element) { return element.substr(0, element.find('=')); }

}  // namespace

int ArgsOutcome::report() const {
  (void)send_all(action_ == Action::kUsageError ? STDERR_FILENO : STDOUT_FILENO, text_);
  return exit_code();
}

ArgsOutcome parse_command_line(const CommandLineSpec& spec, const std::vector<std::string>& argv) {
  const OptionTable table(spec);
  auto fail = [&spec](const Result& problem) {
    std::string hint = spec.program;
    if (!spec.mode.empty()) hint += " " + spec.mode;
    return ArgsOutcome::usage_error(
        problem, spec.program + ": " + problem.message() + " (see " + hint + " --help)\n");
  };

  // First pass: --help and --version, wherever they are.
  {
    Walker walker(table, argv);
    Step step;
    while (walker.next(&step)) {
      if (step.abbreviated) continue;
      if (step.code == kHelpCode) return ArgsOutcome::help(usage_text(spec));
      if (step.code == kVersionCode) {
        return ArgsOutcome::version(spec.program + " (peerlink) " + PEERLINK_VERSION + "\n");
      }
    }
  }

  // Second pass: every option in order.
  std::vector<std::string> positional;
  Walker walker(table, argv);
  Step step;
  while (walker.next(&step)) {
    if (step.code == 1) {
      positional.push_back(step.arg);
      continue;
    }
    if (step.abbreviated) {
      return fail(Result::failure("unknown option " + option_word(step.element)));
    }
    // getopt_long accepts abbreviations; on its error returns it names the option it matched
    // only through optopt, so an abbreviation is caught by comparing the spelling.
    const bool abbreviation_of_optopt = step.long_form && optopt != 0 &&
                                        table.index_of(optopt) != -1 &&
                                        option_word(step.element) != table.spelling(optopt, false);
    if ((step.code == ':' || step.code == '?') && abbreviation_of_optopt) {
      return fail(Result::failure("unknown option " + option_word(step.element)));
    }
    if (step.code == ':') {
      return fail(Result::failure(table.spelling(optopt, !step.long_form) + " needs a value"));
    }
    if (step.code == '?') {
      if (optopt != 0 && table.index_of(optopt) != -1 && step.long_form) {
        return fail(Result::failure(table.spelling(optopt, false) + " takes no value"));
      }
      if (!step.long_form && optopt != 0) {
        return fail(Result::failure(std::string("unknown option -") + static_cast<char>(optopt)));
      }
      return fail(Result::failure("unknown option " + option_word(step.element)));
    }
    const int index = table.index_of(step.code);
    if (index < 0) continue;  // --help, --version: handled above
    const OptionSpec& o = spec.options[static_cast<size_t>(index)];
    const std::string spelled = step.long_form ? "--" + o.name : std::string("-") + o.short_name;
    if (o.set) {
      Result r = o.set(spelled, step.arg);
      if (!r.ok()) return fail(r);
    }
  }
  for (std::string& s : walker.rest()) positional.push_back(std::move(s));

  if (spec.positional) {
    Result r = spec.positional(positional);
    if (!r.ok()) return fail(r);
  } else if (!positional.empty()) {
    return fail(Result::failure("unexpected argument " + positional.front()));
  }
  if (spec.check) {
    Result r = spec.check();
    if (!r.ok()) return fail(r);
  }
  return ArgsOutcome::run();
}

ArgsOutcome parse_command_line(const CommandLineSpec& spec, int argc, const char* const* argv) {
  return parse_command_line(spec, std::vector<std::string>(argv, argv + argc));
}

std::string usage_text(const CommandLineSpec& spec) {
  std::string text = spec.synopsis;
  auto add = [&text](std::string label, std::string_view help) {
    text += "  " + label;
    if (help.empty()) {
      text += "\n";
      return;
    }
    size_t width = 2 + label.size();
    if (width + 1 > kHelpColumn) {
      text += "\n";
      width = 0;
    }
    bool first = true;
    while (first || !help.empty()) {
      const size_t end = help.find('\n');
      const std::string_view line = help.substr(0, end);
      if (!first) width = 0;
      text += std::string(kHelpColumn - width, ' ');
      text += line;
      text += "\n";
      help = end == std::string_view::npos ? std::string_view() : help.substr(end + 1);
      first = false;
    }
  };
  if (!text.empty() && !spec.options.empty()) text += "\n";
  for (const OptionSpec& o : spec.options) {
    if (o.hidden) continue;
    std::string label;
    if (o.short_name != 0) label += std::string("-") + o.short_name + ", ";
    label += "--" + o.name;
    if (!o.value_name.empty()) label += " " + o.value_name;
    add(label, o.help);
  }
  add("-h, --help", "print this help and exit");
  add("--version", "print the version and exit");
  if (!spec.epilogue.empty()) text += "\n" + spec.epilogue;
  return text;
}

// --- Setters.

OptionSetter set_flag(bool* out) {
  return [out](std::string_view, const std::string&) {
    *out = true;
    return Result();
  };
}

OptionSetter set_text(std::string* out) {
  return [out](std::string_view, const std::string& value) {
    *out = value;
    return Result();
  };
}

OptionSetter set_nonempty_text(std::string* out) {
  return [out](std::string_view option, const std::string& value) {
    if (value.empty()) return Result::failure(std::string(option) + ": needs a value");
    *out = value;
    return Result();
  };
}

OptionSetter set_port(uint16_t* out, bool allow_zero) {
  return [out, allow_zero](std::string_view option, const std::string& value) {
    uint16_t port = 0;
    if (!parse_decimal<uint16_t>(value, &port, allow_zero ? 0 : 1, 65535)) {
      return Result::failure(std::string(option) + ": not a port number: " + value);
    }
    *out = port;
    return Result();
  };
}

}  // namespace peerlink
