// Putting bytes that the controller holds at a path on the target: the part
// of copy, template and the line-editing modules (lineinfile, blockinfile,
// replace) that writes. Ansible's copy module semantics (ansible-core 2.14):
// the sha1 decides whether to write; the write is atomic (temporary file in
// the destination's directory, validate, backup, then rename) and keeps an
// existing file's mode and owner (atomic_move); mode/owner/group apply
// afterwards; check mode writes nothing; --diff returns before/after text.
//
// One round trip: the content rides on the script's stdin. Content bigger
// than kInlineLimit is sent only when the checksums differ (a second trip),
// so an idempotent run of a big file costs no transfer. The content is a
// shared, immutable `Content` whose digests are computed once: a controller
// file copied to many hosts is one object (ControllerFiles).
#pragma once

#include <string>

#include "core/value.hpp"
#include "modules/controller_files.hpp"
#include "modules/file_attrs.hpp"
#include "modules/module.hpp"

namespace drover::files {

constexpr size_t kInlineLimit = 256 * 1024;

struct WriteRequest {
  std::string dest;
  ContentPtr content;  // never null when written
  // When dest is an existing directory the file goes inside it under this
  // name (copy's src basename); empty: a directory dest is an error.
  std::string basename_in_dir;
  bool force = true;          // false: an existing dest is left alone
  bool backup = false;
  std::string validate;       // command with %s for the temporary file
  Attrs attrs;
  std::string src_label;      // result "src"
  std::string after_header;   // diff's after_header ("dynamically generated")
  bool create = true;         // false: a missing dest is an error
  bool create_parents = false;  // mkdir -p the destination's directory
  // A new file's temporary copy gets an octal attrs.mode before the rename,
  // saving a chmod and a stat after it. Only where results show no
  // attribute diff for a file whose content changed (copy, template):
  // the line-editing modules report the mode change as Ansible does.
  bool mode_on_temp = false;
};

// The target's answer to a write: its records (dest, same, changed,
// backup_file, before, mode_before/..., after), or a failure result.
struct WriteOutcome {
  Value failure;  // null when the script succeeded
  AnswerFields ans;
  bool ok() const { return failure.is_null(); }
  bool attrs_changed() const { return ans.count("mode_before") || ans.count("owner_before") || ans.count("group_before"); }
};
WriteOutcome put_content(ModuleContext& ctx, const WriteRequest& req);

// A file on the target as the line-editing modules read it: one round trip.
struct RemoteText {
  bool exists = false;
  bool regular = false;
  std::string content;
  Value failure;  // set when the read failed
};
RemoteText read_remote_file(ModuleContext& ctx, const std::string& path);

// The write half of lineinfile, blockinfile and replace: `after` replaces
// the file when `changed` (with the task's backup / validate options and
// parent directories created), then mode/owner/group apply. The message
// gains Ansible's " and ownership, perms or SE linux context changed".
struct TextEdit {
  std::string path;
  std::string after;
  bool changed = false;
  std::string msg;
};
struct EditOutcome {
  Value failure;            // null on success
  bool changed = false;
  std::string msg;
  std::string backup_file;  // empty when none was made
  Value attr_diff;          // {before, after} when attributes changed, plus the headers
};
EditOutcome apply_text_edit(ModuleContext& ctx, const Value& args, const TextEdit& edit);

// Returns Ansible's copy result: changed, dest, checksum, md5sum (changed),
// src, backup_file, uid/gid/owner/group/mode/size/state, diff with --diff;
// or a failure with the target's stderr.
Value write_file(ModuleContext& ctx, const WriteRequest& req);

}  // namespace drover::files
