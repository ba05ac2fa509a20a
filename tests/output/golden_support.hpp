// Replaying recorded ansible-playbook events (golden/NAME.events.jsonl,
// made by make_goldens.sh) through a callback and reading the goldens.
#pragma once

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace drover::test {

inline std::string golden_path(const std::string& name) { return std::string(OUTPUT_GOLDEN_DIR) + "/" + name; }

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// An in-memory FILE* whose text is read back after close.
class MemoryFile {
 public:
  MemoryFile() : f_(open_memstream(&buf_, &size_)) {}
  ~MemoryFile() {
    if (f_) std::fclose(f_);
    std::free(buf_);
  }
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;
  std::FILE* get() { return f_; }
  std::string text() {
    std::fflush(f_);
    return std::string(buf_, size_);
  }

 private:
  char* buf_ = nullptr;
  size_t size_ = 0;
  std::FILE* f_;
};

}  // namespace drover::test
