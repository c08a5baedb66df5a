// A fresh temporary directory for a test: the one helper every layer's
// tests share. Depends on nothing of hotline's.
#ifndef HOTLINE_TESTS_SUPPORT_TEMP_DIR_H_
#define HOTLINE_TESTS_SUPPORT_TEMP_DIR_H_

#include <string>

namespace hotline::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with its contents.
// Not thread-safe to destroy while another thread uses its files.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace hotline::testing

#endif  // HOTLINE_TESTS_SUPPORT_TEMP_DIR_H_
