#include "tests/support/programs.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/support/test_support.h"

namespace hotline::testing {
namespace {

std::string ShellQuote(const std::string& arg) {
  std::string out = "'";
  for (char c : arg) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  return out + "'";
}

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

ProgramRun RunCli(const std::string& cli_binary, const std::string& address,
                  const std::string& token,
                  const std::vector<std::string>& args, const TempDir& dir) {
  std::vector<std::string> quoted;
  for (const std::string& arg : args) quoted.push_back(ShellQuote(arg));
  const std::string out = dir.File("cli.out"), err = dir.File("cli.err");
  const std::string command = absl::StrCat(
      "HOTLINE_SERVER=", address, " HOTLINE_TOKEN=", ShellQuote(token), " ",
      cli_binary, " ", absl::StrJoin(quoted, " "), " >", out, " 2>", err);
  const int status = std::system(command.c_str());
  ProgramRun run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.out = ReadWholeFile(out);
  run.err = ReadWholeFile(err);
  return run;
}

std::string ServerBinary() { return HOTLINE_SERVER_BINARY; }

ServerProcess::ServerProcess(const std::string& db_path,
                             const std::string& address,
                             std::vector<std::string> flags,
                             const ClientTlsOptions& tls,
                             const std::string& stderr_path)
    : address_(address.empty() ? absl::StrCat("127.0.0.1:", FreePort())
                               : address) {
  std::vector<std::string> args = {
      ServerBinary(), absl::StrCat("--db=", db_path),
      absl::StrCat("--listen=", address_), "--quiet"};
  args.insert(args.end(), flags.begin(), flags.end());
  // Generous: a loaded machine (or a sanitized build) starts it slowly.
  const absl::Time give_up = absl::Now() + absl::Seconds(90);
  absl::StatusOr<std::unique_ptr<ChildProcess>> started =
      ChildProcess::Start(std::move(args), stderr_path, absl::Seconds(90));
  if (!started.ok()) {
    ADD_FAILURE() << "hotline-server on " << address_ << ": "
                  << started.status();
    return;
  }
  process_ = *std::move(started);
  // Every listener is bound; its health answers over the client's
  // transport (TLS when given).
  ClientOptions options;
  options.target = address_;
  options.call_timeout = absl::Seconds(5);
  options.tls = tls;
  Client client(options);
  absl::Status health;
  while (absl::Now() < give_up) {
    client.WaitForConnected(absl::Milliseconds(50));
    health = client.CheckHealth();
    if (health.ok()) return;
  }
  ADD_FAILURE() << "hotline-server did not become healthy on " << address_
                << " within 90 s: " << health;
}

ServerProcess::~ServerProcess() { Kill(); }

void ServerProcess::Kill() {
  if (process_ != nullptr) process_->Kill();
}

void ServerProcess::Signal(int signal) {
  if (process_ != nullptr) process_->Signal(signal);
}

bool ServerProcess::Running() {
  return process_ != nullptr && process_->Running();
}

int ServerProcess::Terminate() {
  return process_ != nullptr ? process_->Terminate() : -1;
}

}  // namespace hotline::testing
