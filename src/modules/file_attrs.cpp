#include "modules/file_attrs.hpp"

#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "core/strings.hpp"

namespace drover::files {
namespace {

// The shell side of file_attrs.hpp. Kept short: it travels with every task.
// Symbolic modes are worked out by chmod itself on a scratch file of the
// same kind with the current mode, so that umask and X follow chmod's rules,
// which are the rules Ansible's _symbolic_mode_to_octal copies.
// Every process counts: a file task's target CPU is mostly the fork and
// exec of sshd's session, sh and each coreutil (~1.4 ms each here), so
// dirname is parameter expansion, the temporary file is made by the shell,
// _dr_attrs stats once for mode, owner and group, and _dr_after reuses that
// stat line when nothing changed since (bench/modules: 69 -> 46 processes
// per host on the changing run). A backup is named with the pid of the
// shell running the script (Ansible: the module's pid), read from
// /proc/self/stat because in a persistent shell $$ is the same for every
// task.
// The answer functions (_out, _dr_st, ...) come first (answer_script.hpp).
constexpr const char* kPrelude = R"SH(_dr_die() { _out failed "$1"; exit 1; }
_dr_dirname() {
  _dr_d=$1
  while :; do case $_dr_d in ?*/) _dr_d=${_dr_d%/} ;; *) break ;; esac; done
  case $_dr_d in */*) _dr_d=${_dr_d%/*} ;; *) _dr_d=.; return ;; esac
  while :; do case $_dr_d in ?*/) _dr_d=${_dr_d%/} ;; *) break ;; esac; done
  [ -n "$_dr_d" ] || _dr_d=/
}
_dr_after() {
  if [ "$1" = "$_dr_sp" ] && { [ "$2" = "$_dr_sL" ] || [ ! -L "$1" ]; }; then _out after "$_dr_sl"
  else _out after "$(stat $2 -c '%f %u %g %s %h %U %G' -- "$1" 2>/dev/null)"; fi
}
_dr_attrs() {
  _L=-L; _h=; [ "$6" = h ] && { _L=; _h=-h; }
  _dr_sp=; _dr_sl=${_dr_pre:-$(stat $_L -c '%f %u %g %s %h %U %G' -- "$1")} || return 1
  _f=${_dr_sl%% *}; _r=${_dr_sl#* }; _cu=${_r%% *}; _r=${_r#* }; _cg=${_r%% *}; _k=
  if [ -n "$2" ] && [ -z "$_h" -o ! -L "$1" ]; then
    _c=$((0x$_f & 07777))
    case $2 in
      [0-7]*) _w=$2 ;;
      *) _t=$(mktemp -d) || return 1
         if [ "$5" = d ]; then mkdir "$_t/x"; else : > "$_t/x"; fi
         chmod "$(printf %o "$_c")" "$_t/x" && chmod -- "$2" "$_t/x" && _w=$(stat -c %a "$_t/x"); _r=$?
         rm -rf "$_t"; [ "$_r" = 0 ] || return 1 ;;
    esac
    if [ "$_c" -ne $((0$_w)) ]; then
      printf '\036mode_before\n%o' "$_c"; _out mode_after "$_w"; _dr_changed=1; _k=1
      [ -n "$_dr_check" ] || chmod -- "$_w" "$1" || return 1
    fi
  fi
  if [ -n "$3" ]; then
    case $3 in
      *[!0-9]*) _u=$(id -u "$3" 2>/dev/null) || { _out failed "chown failed: failed to look up user $3"; return 1; } ;;
      *) _u=$3 ;;
    esac
    if [ "$_cu" != "$_u" ]; then
      _out owner_before "$_cu"; _out owner_after "$_u"; _dr_changed=1; _k=1
      [ -n "$_dr_check" ] || chown $_h -- "$_u" "$1" || return 1
    fi
  fi
  if [ -n "$4" ]; then
    case $4 in
      *[!0-9]*) _g=$( { getent group "$4" || grep "^$4:" /etc/group; } 2>/dev/null | head -n 1 | cut -d: -f3)
         [ -n "$_g" ] || { _out failed "chgrp failed: failed to look up group $4"; return 1; } ;;
      *) _g=$4 ;;
    esac
    if [ "$_cg" != "$_g" ]; then
      _out group_before "$_cg"; _out group_after "$_g"; _dr_changed=1; _k=1
      [ -n "$_dr_check" ] || chgrp $_h -- "$_g" "$1" || return 1
    fi
  fi
  if [ -z "$_k" ] || [ -n "$_dr_check" ]; then _dr_sp=$1; _dr_sL=$_L; fi
  return 0
}
_dr_backup() {
  read -r _pid _ 2>/dev/null < /proc/self/stat || _pid=$$
  _b="$1.$_pid.$(date +%Y-%m-%d@%H:%M:%S)~"
  cp -p -- "$1" "$_b" || return 1
  _out backup_file "$_b"
}
_dr_tmp() {
  _dr_t="$1/.drover_tmp.$$"
  if [ ! -e "$_dr_t" ] && [ ! -L "$_dr_t" ] && (umask 077; set -C; true > "$_dr_t") 2>/dev/null; then :
  else _dr_t=$(mktemp "$1/.drover_tmp.XXXXXX") || return 1; fi
}
_dr_new_perm() {
  if [ -e "$2" ]; then
    _s=$(stat -L -c '%a %u %g' -- "$2" "$1") || return 1
    set -- "$1" $_s
    [ "$2" = "$5" ] || chmod "$2" "$1" || return 1
    [ "$3:$4" = "$6:$7" ] || chown "$3:$4" "$1"
  else
    chmod "${3:-$(printf %o $((0666 & ~0$(umask))))}" "$1"
  fi
}
)SH";

std::string digest(std::string_view data, const EVP_MD* md) {
  unsigned char buf[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), buf, &len, md, nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += hex[buf[i] >> 4];
    out += hex[buf[i] & 15];
  }
  return out;
}

bool valid_symbolic_mode(const std::string& mode) {
  for (const auto& clause : split(mode, ',')) {
    size_t i = 0;
    while (i < clause.size() && std::string_view("ugoa").find(clause[i]) != std::string_view::npos) ++i;
    if (i == clause.size()) return false;  // needs an operator
    while (i < clause.size()) {
      if (std::string_view("+-=").find(clause[i]) == std::string_view::npos) return false;
      ++i;
      size_t start = i;
      while (i < clause.size() && std::string_view("+-=").find(clause[i]) == std::string_view::npos) ++i;
      std::string perms = clause.substr(start, i - start);
      bool copy = perms.size() == 1 && std::string_view("ugo").find(perms[0]) != std::string_view::npos;
      if (!copy && perms.find_first_not_of("rwxXst") != std::string::npos) return false;
    }
  }
  return true;
}

}  // namespace

std::string q(const std::string& s) { return shell_quote(s); }

std::string script_prelude(bool check) {
  return std::string(check ? "_dr_check=1\n" : "_dr_check=\n") + "_dr_changed=; _dr_sp=\n" + answer_functions() + kPrelude;
}

FileStat parse_stat(std::string_view line) {
  FileStat st;
  std::string s = trim(std::string(line));
  if (s.empty()) return st;
  auto parts = split(s, ' ');
  if (parts.size() < 4) return st;
  unsigned long raw = std::strtoul(parts[0].c_str(), nullptr, 16);
  st.exists = true;
  switch (raw & 0170000) {
    case 0100000: st.kind = 'f'; break;
    case 0040000: st.kind = 'd'; break;
    case 0120000: st.kind = 'l'; break;
    default: st.kind = 'o';
  }
  st.mode = raw & 07777;
  st.uid = std::strtoull(parts[1].c_str(), nullptr, 10);
  st.gid = std::strtoull(parts[2].c_str(), nullptr, 10);
  st.size = std::strtoull(parts[3].c_str(), nullptr, 10);
  if (parts.size() > 4) st.nlink = std::strtoull(parts[4].c_str(), nullptr, 10);
  if (parts.size() > 5 && parts[5] != "UNKNOWN") st.owner = parts[5];
  if (parts.size() > 6 && parts[6] != "UNKNOWN") st.group = parts[6];
  return st;
}

std::string mode_string(unsigned mode) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0%03o", mode);
  return buf;
}

std::string state_name(const FileStat& st) {
  if (!st.exists) return "absent";
  if (st.kind == 'd') return "directory";
  if (st.kind == 'l') return "link";
  return st.nlink > 1 ? "hard" : "file";
}

void add_path_info(Value& r, const FileStat& st) {
  if (!st.exists) {
    r["state"] = "absent";
    return;
  }
  r["uid"] = st.uid;
  r["gid"] = st.gid;
  if (!st.owner.empty()) r["owner"] = st.owner;
  if (!st.group.empty()) r["group"] = st.group;
  r["mode"] = mode_string(st.mode);
  r["state"] = state_name(st);
  r["size"] = st.size;
}

double stat_time(const std::string& t) {
  size_t dot = t.find('.');
  double sec = std::strtod(t.substr(0, dot).c_str(), nullptr);
  if (dot == std::string::npos) return sec;
  std::string ns = t.substr(dot + 1, 9);
  ns.resize(9, '0');
  return sec + static_cast<double>(std::strtoull(ns.c_str(), nullptr, 10)) * 1e-9;
}

Value stat_dict(std::string_view line, const std::string& path) {
  auto f = split(trim(std::string(line)), ' ');
  if (f.size() < 16) return Value();
  auto num = [&](size_t i, int base = 10) { return std::strtoull(f[i].c_str(), nullptr, base); };
  unsigned long long raw = num(0, 16), type = raw & 0170000, mode = raw & 07777;
  unsigned long long major = num(12, 16), minor = num(13, 16);
  Value st = Value::object();
  st["path"] = path;
  st["mode"] = mode_string(static_cast<unsigned>(mode));
  st["isdir"] = type == 0040000;
  st["ischr"] = type == 0020000;
  st["isblk"] = type == 0060000;
  st["isreg"] = type == 0100000;
  st["isfifo"] = type == 0010000;
  st["islnk"] = type == 0120000;
  st["issock"] = type == 0140000;
  st["uid"] = num(1);
  st["gid"] = num(2);
  st["size"] = num(3);
  st["inode"] = num(5);
  st["dev"] = num(6);
  st["nlink"] = num(4);
  st["atime"] = stat_time(f[9]);
  st["mtime"] = stat_time(f[10]);
  st["ctime"] = stat_time(f[11]);
  st["wusr"] = (mode & 0200) != 0;
  st["rusr"] = (mode & 0400) != 0;
  st["xusr"] = (mode & 0100) != 0;
  st["wgrp"] = (mode & 020) != 0;
  st["rgrp"] = (mode & 040) != 0;
  st["xgrp"] = (mode & 010) != 0;
  st["woth"] = (mode & 02) != 0;
  st["roth"] = (mode & 04) != 0;
  st["xoth"] = (mode & 01) != 0;
  st["isuid"] = (mode & 04000) != 0;
  st["isgid"] = (mode & 02000) != 0;
  st["blocks"] = num(7);
  st["block_size"] = num(8);
  st["device_type"] = (minor & 0xff) | ((major & 0xfff) << 8) | ((minor & ~0xffULL) << 12) | ((major & ~0xfffULL) << 32);
  if (f[14] != "UNKNOWN") st["pw_name"] = f[14];
  if (f[15] != "UNKNOWN") st["gr_name"] = f[15];
  return st;
}

Attrs attrs_from_args(const Value& args) {
  Attrs a;
  if (args.contains("owner") && args["owner"].is_string()) a.owner = args["owner"].get<std::string>();
  if (args.contains("group") && args["group"].is_string()) a.group = args["group"].get<std::string>();
  if (!args.contains("mode") || args["mode"].is_null()) return a;
  const Value& m = args["mode"];
  char buf[16];
  if (m.is_number_integer()) {
    // YAML's 0644 arrives as 420; Ansible takes an int as the mode's value.
    std::snprintf(buf, sizeof buf, "%04llo", static_cast<unsigned long long>(m.get<int64_t>()));
    a.mode = buf;
    return a;
  }
  std::string s = to_display_string(m);
  if (!s.empty() && s.find_first_not_of("01234567") == std::string::npos) {
    std::snprintf(buf, sizeof buf, "%04lo", std::strtoul(s.c_str(), nullptr, 8));
    a.mode = buf;
  } else if (s == "preserve") {
    a.mode = s;
  } else if (valid_symbolic_mode(s)) {
    a.mode = s;
  } else {
    throw Error("mode must be in octal or symbolic form");
  }
  return a;
}

std::string attrs_call(const Attrs& a, const std::string& path_var, const std::string& kind_expr, bool no_follow) {
  if (a.empty()) return ":";
  std::string mode = a.mode == "preserve" ? "" : a.mode;
  return "_dr_attrs \"$" + path_var + "\" " + q(mode) + " " + q(a.owner) + " " + q(a.group) + " " + kind_expr +
         (no_follow ? " h" : "");
}

void add_attr_diff(const AnswerFields& ans, Value& before, Value& after) {
  auto mode = [](const std::string& s) { return mode_string(static_cast<unsigned>(std::strtoul(s.c_str(), nullptr, 8))); };
  if (ans.count("mode_before")) {
    before["mode"] = mode(ans.at("mode_before"));
    after["mode"] = mode(ans.at("mode_after"));
  }
  for (const char* k : {"owner", "group"}) {
    std::string b = std::string(k) + "_before", a = std::string(k) + "_after";
    if (ans.count(b)) {
      before[k] = std::stoull(ans.at(b));
      after[k] = std::stoull(ans.at(a));
    }
  }
}

std::string find_controller_file(const std::vector<std::string>& search_path, const std::string& subdir,
                                 const std::string& name) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!name.empty() && name[0] == '/') return fs::exists(name, ec) ? name : std::string();
  for (const auto& dir : search_path) {
    for (const std::string& cand : {dir + "/" + subdir + "/" + name, dir + "/" + name})
      if (fs::exists(cand, ec)) return cand;
  }
  return {};
}

Value controller_file_missing(const std::vector<std::string>& search_path, const std::string& subdir,
                              const std::string& name) {
  std::string searched;
  if (name.empty() || name[0] != '/')
    for (const auto& dir : search_path) searched += "\n\t" + dir + "/" + subdir + "/" + name + "\n\t" + dir + "/" + name;
  std::string msg = "Could not find or access '" + name + "'" + (searched.empty() ? "" : "\nSearched in:" + searched) +
                    " on the Ansible Controller.\nIf you are using a module and expect the file to exist on the "
                    "remote, see the remote_src option";
  Value r = failed_result(msg);
  r["exception"] = msg;
  return r;
}

bool read_local_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

std::string sha1_hex(std::string_view data) { return digest(data, EVP_sha1()); }
std::string md5_hex(std::string_view data) { return digest(data, EVP_md5()); }

}  // namespace drover::files
