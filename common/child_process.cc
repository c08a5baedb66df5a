#include "common/child_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"

namespace hotline {
namespace {

// The socket the child tells READY=1 on: abstract (no file to remove),
// named after this process and a counter.
class NotifySocket {
 public:
  NotifySocket() {
    static std::atomic<int> counter{0};
    name_ = absl::StrCat("@hotline-child-", getpid(), "-", counter++);
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
      error_ = absl::StrCat("socket: ", std::strerror(errno));
      return;
    }
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    // Abstract: a leading NUL byte instead of the '@'.
    std::memcpy(address.sun_path + 1, name_.data() + 1, name_.size() - 1);
    const socklen_t length =
        static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name_.size());
    if (bind(fd_, reinterpret_cast<sockaddr*>(&address), length) != 0) {
      error_ = absl::StrCat("bind ", name_, ": ", std::strerror(errno));
    }
  }
  ~NotifySocket() {
    if (fd_ >= 0) close(fd_);
  }
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  // Empty when the socket is open.
  const std::string& error() const { return error_; }
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
  std::string error_;
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

// Waits for `pid` to end (a signal's interruption is not an end); its wait
// status.
int WaitFor(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

}  // namespace

int FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  socklen_t length = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  const int port = ntohs(address.sin_port);
  close(fd);
  return port;
}

absl::StatusOr<std::unique_ptr<ChildProcess>> ChildProcess::Start(
    std::vector<std::string> args, const std::string& stderr_path,
    absl::Duration timeout) {
  if (args.empty()) return absl::InvalidArgumentError("no program to start");
  NotifySocket notify;
  if (!notify.error().empty()) {
    return absl::InternalError(
        absl::StrCat("cannot open a notify socket: ", notify.error()));
  }
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
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
  pid_t pid = -1;
  const int spawned =
      posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    return absl::InternalError(
        absl::StrCat("cannot start ", args[0], ": ", std::strerror(spawned)));
  }
  std::unique_ptr<ChildProcess> child(new ChildProcess(pid));
  const absl::Time give_up = absl::Now() + timeout;
  while (absl::Now() < give_up) {
    if (notify.ReadyWithin(absl::Milliseconds(100))) return child;
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      child->pid_ = -1;
      return absl::FailedPreconditionError(absl::StrCat(
          args[0], " ended before it was ready, with status ", status));
    }
  }
  return absl::DeadlineExceededError(absl::StrCat(
      args[0], " did not tell READY=1 within ", absl::FormatDuration(timeout)));
}

ChildProcess::~ChildProcess() { Kill(); }

void ChildProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  WaitFor(pid_);
  pid_ = -1;
}

void ChildProcess::Signal(int signal) {
  if (pid_ > 0) kill(pid_, signal);
}

bool ChildProcess::Running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

int ChildProcess::Terminate() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  const int status = WaitFor(pid_);
  pid_ = -1;
  return status;
}

absl::StatusOr<absl::Duration> ChildProcess::CpuTime() const {
  if (pid_ <= 0) return absl::FailedPreconditionError("not running");
  std::ifstream in(absl::StrCat("/proc/", pid_, "/stat"));
  std::stringstream text;
  text << in.rdbuf();
  // "PID (COMM) STATE ...": the fields after the command's closing
  // parenthesis, from field 3; utime and stime are fields 14 and 15.
  const std::string stat = text.str();
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) {
    return absl::InternalError(
        absl::StrCat("cannot read /proc/", pid_, "/stat"));
  }
  std::vector<absl::string_view> fields = absl::StrSplit(
      absl::string_view(stat).substr(close + 2), ' ', absl::SkipEmpty());
  int64_t utime = 0, stime = 0;
  if (fields.size() < 13 || !absl::SimpleAtoi(fields[11], &utime) ||
      !absl::SimpleAtoi(fields[12], &stime)) {
    return absl::InternalError(
        absl::StrCat("cannot read the CPU times in /proc/", pid_, "/stat"));
  }
  const int64_t ticks = sysconf(_SC_CLK_TCK);
  return absl::Seconds(1) * (utime + stime) / ticks;
}

}  // namespace hotline
