// A crontab's text as ansible.builtin.cron (ansible-core 2.14) edits it:
// jobs named by a "#Ansible: <name>" line above them, environment lines
// NAME=value, and the header lines that `crontab -l` of some crons prints
// (dropped as Ansible drops them). Pure text in, text out: the cron module
// reads the crontab on the target, edits it here and writes it back.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/value.hpp"

namespace drover {

class CronTab {
 public:
  // `text` as read; `is_file`: a cron.d file (job lines carry the user and
  // no header lines are dropped).
  CronTab(const std::string& text, bool is_file);

  // The text as read, minus dropped header lines (the diff's "before").
  const std::string& existing() const { return existing_; }
  // The lines joined, ending in one newline (empty when there are none).
  std::string render() const;
  // True when no line has anything but whitespace.
  bool empty() const;

  // "m h dom mon dow [user] job" or "@special [user] job", "#"-prefixed
  // when disabled; the job's leading/trailing newlines are dropped.
  std::string job_line(const std::string& minute, const std::string& hour, const std::string& day,
                       const std::string& month, const std::string& weekday, std::string job,
                       const std::string& special, bool disabled, const std::string& user) const;

  struct Found {
    bool found = false;
    std::string line;              // the job line under the marker
    bool inserted_header = false;  // an unnamed copy of `job` got its marker
  };
  // The job named `name`; failing that, a line equal to `job` (which then
  // gets a marker line, as Ansible adopts hand-written jobs).
  Found find_job(const std::string& name, const std::string& job);
  void add_job(const std::string& name, const std::string& job);
  void update_job(const std::string& name, const std::string& job);
  void remove_job(const std::string& name);

  // {index, line} of the first line starting with "name=".
  std::optional<std::pair<size_t, std::string>> find_env(const std::string& name) const;
  // Inserts at the top, or after/before another variable; returns an error
  // message when that variable is missing.
  std::string add_env(const std::string& decl, const std::string& insertafter, const std::string& insertbefore);
  void update_env(const std::string& name, const std::string& decl);
  void remove_env(const std::string& name);

  Value job_names() const;
  Value env_names() const;

 private:
  void rewrite_job(const std::string& name, const std::string* job);

  std::vector<std::string> lines_;
  std::string existing_;
  bool is_file_;
};

}  // namespace drover
