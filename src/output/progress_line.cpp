#include "output/progress_line.hpp"

#include "output/text_width.hpp"

namespace drover {

ProgressLine::ProgressLine(std::FILE* out, int columns) : out_(out), columns_(columns) {}

void ProgressLine::start_task(const std::string& name, int total_hosts) {
  clear();
  active_ = true;
  task_ = name;
  total_ = total_hosts;
  done_ = changed_ = failed_ = 0;
  started_ = std::chrono::steady_clock::now();
  last_draw_ = {};
}

void ProgressLine::host_done(bool changed, bool failed) {
  ++done_;
  if (changed) ++changed_;
  if (failed) ++failed_;
}

void ProgressLine::stop() {
  clear();
  active_ = false;
}

void ProgressLine::clear() {
  if (!shown_) return;
  // Back to column 0, erase to the end of the line.
  std::fputs("\r\033[K", out_);
  shown_ = false;
}

std::string ProgressLine::text() const {
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_).count();
  std::string hosts = std::to_string(done_);
  if (total_ > 0) hosts += "/" + std::to_string(total_);
  std::string line = "[" + std::to_string(secs) + "s] " + task_ + "  hosts done " + hosts + "  changed " +
                     std::to_string(changed_) + "  failed " + std::to_string(failed_);
  // One terminal line, never wrapped: a wrapped line cannot be erased by \r.
  int max = columns_ > 1 ? columns_ - 1 : 1;
  while (text_width(line) > max) {
    // Drop the last character, never half of a UTF-8 sequence.
    size_t cut = line.size() - 1;
    while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xc0) == 0x80) --cut;
    line.erase(cut);
  }
  return line;
}

void ProgressLine::draw(bool force) {
  if (!active_) return;
  auto now = std::chrono::steady_clock::now();
  if (!force && shown_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  std::fputs(("\r\033[K" + text()).c_str(), out_);
  std::fflush(out_);
  shown_ = true;
}

}  // namespace drover
