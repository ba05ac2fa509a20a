#include "modules/file_write.hpp"

#include <cstdlib>

#include "core/error.hpp"
#include "core/strings.hpp"
#include "modules/shell_script.hpp"

namespace drover::files {
namespace {

// The target's side of write_file, for the variables write_script sets:
// $d dest, $want the content's sha1, $data set when the content is on
// stdin (left unread when not needed: the transport drops it), $force,
// $base (the file name to use when $d is a directory; empty: a directory
// dest fails), $create (empty: dest must exist), $parents (make missing
// parent directories), $diff and $maxdiff, $validate (a command line in
// shell syntax with "$t" for the new file), $backup, $temp_mode (the octal
// mode the temporary file gets, or empty), $has_attrs, $mode, $owner,
// $group. Records: dest, same, need_data, before / dst_binary / dst_larger
// (diff), validate_*, backup_file, after (stat), changed.
constexpr const char* kWriteBody = R"SH(if [ -d "$d" ]; then
  [ -n "$base" ] || _dr_die "Destination $d is a directory"
  d="${d%/}/$base"
fi
_out dest "$d"
[ -n "$create" ] || [ -e "$d" ] || _dr_die "Destination $d does not exist !"
sum=; [ -f "$d" ] && { sum=$(sha1sum < "$d") || _dr_die "cannot read $d"; sum=${sum%% *}; }
if [ "$sum" = "$want" ] || { [ -e "$d" ] && [ -z "$force" ]; }; then
  _out same 1
else
  [ -n "$data" ] || { _out need_data 1; exit 0; }
  _dr_dirname "$d"; dir=$_dr_d
  [ -z "$parents" ] || [ -d "$dir" ] || [ -n "$_dr_check" ] || mkdir -p -- "$dir" || _dr_die "Error creating $dir"
  # Check mode does not look further (Ansible's copy action answers changed).
  [ -d "$dir" ] || [ -z "$_dr_check" ] || { _out changed 1; _out dest "$d"; exit 0; }
  [ -d "$dir" ] || _dr_die "Destination directory $dir does not exist"
  if [ -n "$diff" ] && [ -f "$d" ]; then sz=$(stat -L -c %s -- "$d")
    if [ "$sz" -gt "$maxdiff" ]; then _out dst_larger 1
    elif [ "$(tr -d '\000\036' < "$d" | wc -c)" -ne "$sz" ]; then _out dst_binary 1
    else printf '\036before\n'; cat -- "$d"; fi
  fi
  if [ -n "$_dr_check" ]; then _dr_changed=1
  else
    _dr_tmp "$dir" || _dr_die "could not create a temporary file in $dir"; t=$_dr_t
    cat > "$t" || { rm -f "$t"; _dr_die "could not write $t"; }
    if [ -n "$validate" ]; then
      # The output goes through files: $(...) would drop its trailing newlines.
      ( eval "$validate" ) > "$t.out" 2> "$t.err"; vrc=$?
      if [ $vrc != 0 ]; then
        printf '\036validate_out\n'; cat -- "$t.out"; printf '\036validate_err\n'; cat -- "$t.err"
        _out validate_rc $vrc; rm -f -- "$t" "$t.out" "$t.err"; _dr_die "failed to validate"
      fi
      rm -f -- "$t.out" "$t.err"
    fi
    if [ -n "$backup" ] && [ -f "$d" ]; then _dr_backup "$d" || { rm -f "$t"; _dr_die "backup of $d failed"; }; fi
    _dr_new_perm "$t" "$d" $temp_mode; mv -f -- "$t" "$d" || { rm -f "$t"; _dr_die "could not move $t to $d"; }
    _dr_changed=1
  fi
fi
if [ -e "$d" ] && [ -n "$has_attrs" ]; then
  _dr_attrs "$d" "$mode" "$owner" "$group" f || _dr_die "could not set attributes of $d"
fi
_dr_after "$d" -L; _out changed "$_dr_changed"
)SH";

// $p: a file read whole, after a letter: F a regular file, O something
// else, A absent.
constexpr const char* kReadText =
    R"SH(if [ -f "$p" ]; then printf F; cat -- "$p"; elif [ -e "$p" ]; then printf O; else printf A; fi)SH";

std::string write_script(const WriteRequest& req, const std::string& checksum, bool check, bool diff,
                         bool with_data) {
  std::string validate = req.validate;
  if (auto p = validate.find("%s"); p != std::string::npos) validate.replace(p, 2, "\"$t\"");
  const bool temp_mode = req.mode_on_temp && req.attrs.octal_mode();
  return script_prelude(check) + shell_assign("d", req.dest) + shell_assign("want", checksum) +
         shell_assign("data", with_data) + shell_assign("force", req.force) +
         shell_assign("base", req.basename_in_dir) + shell_assign("create", req.create) +
         shell_assign("parents", req.create_parents) + shell_assign("diff", diff) +
         shell_assign("maxdiff", kMaxDiffSize) + shell_assign("validate", validate) +
         shell_assign("backup", req.backup) + shell_assign("temp_mode", temp_mode ? req.attrs.mode : "") +
         shell_assign("has_attrs", !req.attrs.empty()) +
         shell_assign("mode", req.attrs.mode == "preserve" ? "" : req.attrs.mode) +
         shell_assign("owner", req.attrs.owner) + shell_assign("group", req.attrs.group) + kWriteBody;
}

}  // namespace

WriteOutcome put_content(ModuleContext& ctx, const WriteRequest& req) {
  const Content& content = *req.content;
  bool inline_data = content.size() <= kInlineLimit;
  WriteOutcome out;
  const std::string& checksum = content.sha1();
  ExecResult res = inline_data
      ? run_own_script(ctx, write_script(req, checksum, ctx.check_mode, ctx.diff_mode, true), content.bytes())
      : run_own_script(ctx, write_script(req, checksum, ctx.check_mode, ctx.diff_mode, false));
  out.ans = parse_answer(res.out);
  if (res.exit_status == 0 && out.ans.count("need_data"))
    out.ans = parse_answer((res = run_script_streaming(
                                ctx, write_script(req, checksum, ctx.check_mode, ctx.diff_mode, true), content.bytes()))
                               .out);
  if (res.exit_status != 0 || out.ans.count("failed")) {
    out.failure = script_failure(out.ans, res);
    if (out.ans.count("validate_rc")) {
      // The copy module's own failure, with the lines its action adds.
      out.failure["stdout"] = out.ans["validate_out"];
      out.failure["stderr"] = out.ans["validate_err"];
      out.failure["exit_status"] = std::atoi(out.ans["validate_rc"].c_str());
      out.failure["checksum"] = checksum;
      add_output_lines(out.failure);
    }
  }
  return out;
}

RemoteText read_remote_file(ModuleContext& ctx, const std::string& path) {
  ExecResult res = run_own_script(ctx, shell_assign("p", path) + kReadText);
  RemoteText t;
  if (res.exit_status != 0 || res.out.empty()) {
    t.failure = failed_result(res.become_error.empty() ? "cannot read " + path + ": " + trim(res.err) : res.become_error);
    return t;
  }
  t.exists = res.out[0] != 'A';
  t.regular = res.out[0] == 'F';
  t.content = res.out.substr(1);
  return t;
}

EditOutcome apply_text_edit(ModuleContext& ctx, const Value& args, const TextEdit& edit) {
  EditOutcome out;
  out.changed = edit.changed;
  out.msg = edit.msg;
  out.attr_diff = Value::object();
  WriteRequest req;
  try {
    req.attrs = attrs_from_args(args);
  } catch (const Error& e) {
    out.failure = failed_result(e.message());
    return out;
  }
  if (edit.changed || !req.attrs.empty()) {
    req.dest = edit.path;
    req.content = make_content(edit.after);
    req.backup = edit.changed && args.contains("backup") && args["backup"] == true;
    req.create_parents = true;
    if (args.contains("validate") && args["validate"].is_string()) req.validate = args["validate"].get<std::string>();
    // The line-editing modules' write_changes (2.14) words validation
    // failures its own way, and only when it writes.
    if (edit.changed && !ctx.check_mode && !req.validate.empty() && req.validate.find("%s") == std::string::npos) {
      out.failure = failed_result("validate must contain %s: " + req.validate);
      return out;
    }
    ModuleContext quiet = ctx;
    quiet.diff_mode = false;  // the caller already knows the text before
    WriteOutcome w = put_content(quiet, req);
    if (!w.ok()) {
      out.failure = w.ans.count("validate_rc")
                        ? failed_result("failed to validate: rc:" + w.ans["validate_rc"] + " error:" + w.ans["validate_err"])
                        : w.failure;
      return out;
    }
    out.backup_file = w.ans["backup_file"];
    if (w.attrs_changed()) {
      Value before = Value::object(), after = Value::object();
      add_attr_diff(w.ans, before, after);
      out.attr_diff = Value{{"before", before}, {"after", after}};
      if (out.changed) out.msg += " and ";
      out.changed = true;
      out.msg += "ownership, perms or SE linux context changed";
    }
  }
  out.attr_diff["before_header"] = edit.path + " (file attributes)";
  out.attr_diff["after_header"] = edit.path + " (file attributes)";
  return out;
}

Value write_file(ModuleContext& ctx, const WriteRequest& request) {
  WriteRequest req = request;
  req.mode_on_temp = true;
  WriteOutcome out = put_content(ctx, req);
  if (!out.ok()) return out.failure;
  AnswerFields& ans = out.ans;
  const std::string dest = ans["dest"];
  const Content& content = *req.content;
  FileStat after = parse_stat(ans["after"]);
  bool changed = !ans["changed"].empty();
  bool same = !ans["same"].empty();
  Value r = Value::object();
  if (ctx.check_mode && !same) {
    r["changed"] = true;  // Ansible's copy says no more in check mode
  } else {
    if (!ans["backup_file"].empty()) r["backup_file"] = ans["backup_file"];
    r["changed"] = changed;
    r["checksum"] = content.sha1();
    r["dest"] = dest;
    if (!same) r["md5sum"] = content.md5();
    if (same) r["path"] = dest;
    if (!req.src_label.empty() && !same) r["src"] = req.src_label;
    if (after.exists) add_path_info(r, after);
  }
  if (ctx.diff_mode && changed) {
    if (same) {
      Value before{{"path", dest}}, aft{{"path", dest}};
      add_attr_diff(ans, before, aft);
      r["diff"] = Value{{"before", before}, {"after", aft}};
    } else {
      Value d = Value::object();
      if (ans.count("dst_binary")) d["dst_binary"] = 1;
      else if (ans.count("dst_larger")) d["dst_larger"] = kMaxDiffSize;
      else if (ans.count("before")) {
        d["before_header"] = dest;
        d["before"] = ans["before"];
      } else {
        d["before"] = "";
      }
      if (content.size() > kMaxDiffSize) d["src_larger"] = kMaxDiffSize;
      else if (content.bytes().find('\0') != std::string::npos) d["src_binary"] = 1;
      else {
        d["after_header"] = req.after_header;
        d["after"] = content.bytes();
      }
      r["diff"] = Value::array({d});
    }
  }
  return r;
}

}  // namespace drover::files
