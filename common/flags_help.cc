#include "common/flags_help.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace hotline {
namespace {

constexpr size_t kLineLength = 80;

// Writes words, wrapping lines before they would reach kLineLength: the
// first line indented by `indent`, the next ones by `indent` + `hanging`.
class WrappingPrinter {
 public:
  WrappingPrinter(std::ostream& out, size_t indent, size_t hanging)
      : out_(out), indent_(indent), hanging_(hanging) {}

  // `text` as one unbreakable word, or (`wrap`) split at blanks, with its
  // line breaks kept.
  void Write(absl::string_view text, bool wrap = false) {
    if (text.empty()) return;
    std::vector<absl::string_view> words;
    if (wrap) {
      for (absl::string_view line :
           absl::StrSplit(text, absl::ByAnyChar("\n\r"))) {
        if (!words.empty()) words.push_back("\n");
        for (absl::string_view word :
             absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty())) {
          words.push_back(word);
        }
      }
    } else {
      words.push_back(text);
    }
    for (absl::string_view word : words) WriteWord(word);
  }

  void EndLine() {
    out_ << '\n';
    length_ = 0;
  }

 private:
  void WriteWord(absl::string_view word) {
    if (word == "\n") {
      EndLine();
      return;
    }
    bool new_line = length_ == 0;
    if (!new_line && length_ + word.size() >= kLineLength) {
      EndLine();
      new_line = true;
    }
    if (new_line) {
      length_ = first_line_ ? indent_ : indent_ + hanging_;
      first_line_ = false;
      out_ << std::string(length_, ' ');
    } else {
      out_ << ' ';
      ++length_;
    }
    out_ << word;
    length_ += word.size();
  }

  std::ostream& out_;
  const size_t indent_;
  const size_t hanging_;
  size_t length_ = 0;
  bool first_line_ = true;
};

void PrintFlag(std::ostream& out, const absl::CommandLineFlag& flag) {
  WrappingPrinter printer(out, 4, 2);
  printer.Write(absl::StrCat("--", flag.Name()));
  printer.Write(absl::StrCat("(", flag.Help(), ");"), /*wrap=*/true);
  const bool quoted = flag.IsOfType<std::string>();
  const std::string default_value = flag.DefaultValue();
  const std::string current_value = flag.CurrentValue();
  auto shown = [quoted](const std::string& value) {
    return quoted ? absl::StrCat("\"", value, "\"") : value;
  };
  printer.Write(absl::StrCat("default: ", shown(default_value), ";"));
  if (current_value != default_value) {
    printer.Write(absl::StrCat("currently: ", shown(current_value), ";"));
  }
  printer.EndLine();
}

}  // namespace

void PrintFlagsHelp(std::ostream& out, absl::string_view program,
                    absl::string_view usage,
                    const std::function<bool(absl::string_view)>& in_file) {
  out << program << ": " << usage << "\n\n";
  std::map<std::string, std::vector<const absl::CommandLineFlag*>> by_file;
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    const std::string file(flag->Filename());
    if (in_file(file)) by_file[file].push_back(flag);
  }
  absl::string_view separator;
  for (auto& [file, flags] : by_file) {
    out << separator << "  Flags from " << file << ":\n";
    separator = "\n";
    std::sort(
        flags.begin(), flags.end(),
        [](const absl::CommandLineFlag* a, const absl::CommandLineFlag* b) {
          return a->Name() < b->Name();
        });
    for (const absl::CommandLineFlag* flag : flags) PrintFlag(out, *flag);
  }
  WrappingPrinter printer(out, 0, 0);
  printer.EndLine();
  printer.Write(
      "Try --helpfull to get a list of all flags or --help=substring shows "
      "help for flags which include specified substring in either in the "
      "name, or description or path.\n",
      /*wrap=*/true);
}

}  // namespace hotline
