// What `drover run` prints: the output of `ansible` (its "minimal" callback),
// the one-line form of `ansible -o` ("oneline" callback), or one JSON object
// per line (--json) for programs. Thread-safe: results are printed whole, in
// the order they arrive from the workers.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>

#include "output/host_result.hpp"

namespace drover {

enum class AdhocFormat { minimal, oneline, json_lines };

class AdhocPrinter {
 public:
  AdhocPrinter(AdhocFormat format, int verbosity, bool color, std::FILE* out = stdout,
               std::FILE* err = stderr);

  void result(const HostResult& r);
  // "[WARNING]: text" on stderr (or a JSON warning event).
  void warning(const std::string& text);
  // "[ERROR]: User interrupted execution" on stderr (or a JSON event).
  void interrupted();
  // At the end of the run (json_lines prints a stats event).
  void finish(int ok, int changed, int failed, int unreachable, int skipped);

 private:
  std::string minimal(const HostResult& r) const;
  std::string oneline(const HostResult& r) const;
  AdhocFormat format_;
  int verbosity_;
  bool color_;
  std::FILE* out_;
  std::FILE* err_;
  std::mutex mu_;
};

}  // namespace drover
