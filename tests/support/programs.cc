#include "tests/support/programs.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
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

// The socket a spawned server tells READY=1 on (systemd's notify protocol,
// which hotline-server speaks): an abstract Unix datagram socket of this
// process's own, so only the server it spawned writes to it. A health
// check alone could be answered by another test's server that took the
// port while this one was still starting.
class NotifySocket {
 public:
  NotifySocket() {
    static std::atomic<int> counter{0};
    name_ = absl::StrCat("@hotline-test-", getpid(), "-", counter++);
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    // Abstract: a leading NUL byte instead of the '@'.
    std::memcpy(address.sun_path + 1, name_.data() + 1, name_.size() - 1);
    const socklen_t length =
        static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name_.size());
    if (fd_ < 0 ||
        bind(fd_, reinterpret_cast<sockaddr*>(&address), length) != 0) {
      ADD_FAILURE() << "cannot open the notify socket " << name_ << ": "
                    << strerror(errno);
    }
  }
  ~NotifySocket() {
    if (fd_ >= 0) close(fd_);
  }
  // For the child's NOTIFY_SOCKET.
  const std::string& name() const { return name_; }
  // Waits up to `timeout` for a message; true when one says READY=1.
  bool ReadyWithin(absl::Duration timeout) {
    pollfd polled = {fd_, POLLIN, 0};
    if (poll(&polled, 1,
             static_cast<int>(absl::ToInt64Milliseconds(timeout))) <= 0) {
      return false;
    }
    char message[4096];
    const ssize_t n = recv(fd_, message, sizeof(message), 0);
    if (n <= 0) return false;
    for (absl::string_view line :
         absl::StrSplit(absl::string_view(message, n), '\n')) {
      if (line == "READY=1") return true;
    }
    return false;
  }

 private:
  std::string name_;
  int fd_ = -1;
};

// This process's environment with NOTIFY_SOCKET=`notify_socket`.
std::vector<std::string> EnvironmentWithNotifySocket(
    const std::string& notify_socket) {
  std::vector<std::string> environment;
  for (char** variable = environ; *variable != nullptr; ++variable) {
    if (!absl::StartsWith(*variable, "NOTIFY_SOCKET=")) {
      environment.push_back(*variable);
    }
  }
  environment.push_back("NOTIFY_SOCKET=" + notify_socket);
  return environment;
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
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  NotifySocket notify;
  std::vector<std::string> environment =
      EnvironmentWithNotifySocket(notify.name());
  std::vector<char*> envp;
  for (std::string& variable : environment) envp.push_back(variable.data());
  envp.push_back(nullptr);
  // posix_spawn, not fork: fork runs gRPC's atfork handlers, which disturb
  // this process's own gRPC polling.
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (!stderr_path.empty()) {
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO,
                                     stderr_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
  }
  const int spawned =
      posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    ADD_FAILURE() << "cannot start " << argv[0];
    return;
  }
  // Generous: a loaded machine (or a sanitized build) starts it slowly.
  const absl::Time give_up = absl::Now() + absl::Seconds(90);
  bool ready = false;
  while (!ready && absl::Now() < give_up) {
    ready = notify.ReadyWithin(absl::Milliseconds(100));
    int status = 0;
    if (!ready && waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      ADD_FAILURE() << "hotline-server on " << address_
                    << " ended before it was ready, with status " << status;
      return;
    }
  }
  if (!ready) {
    ADD_FAILURE() << "hotline-server on " << address_
                  << " did not tell READY=1 within 90 s";
    return;
  }
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
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

void ServerProcess::Signal(int signal) {
  if (pid_ > 0) kill(pid_, signal);
}

bool ServerProcess::Running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

int ServerProcess::Terminate() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return status;
}

}  // namespace hotline::testing
