// pip: Python packages installed with the target's pip
// (ansible.builtin.pip, ansible-core 2.14). The command is Ansible's: the
// pip of the virtualenv (created first with virtualenv_command when its
// bin/activate is missing), or `executable`, or `PYTHON -m pip.__main__` for
// the target's python3 when it has pip, else pip3 on PATH; then `install`
// (-U for latest, --force-reinstall), or `uninstall -y`, extra_args, the
// names (split and rejoined as Ansible's _recover_package_name does, version
// added as ==VERSION) or -r requirements. pip itself decides: changed is
// "Successfully installed/uninstalled" in its output (a freeze before and
// after for requirements and VCS URLs) or a new virtualenv. Check mode
// compares `pip list --format=freeze` with the names' version specifiers.
// The result: changed, cmd, name, version, state, requirements,
// virtualenv, stdout, stderr.
//
// Two round trips: the virtualenv and which pip (and, in check mode, the
// installed list), then pip's run.
#include "core/strings.hpp"
#include "modules/answer_script.hpp"
#include "modules/module_args.hpp"
#include "modules/registry.hpp"
#include "modules/shell_script.hpp"
#include "template/regex.hpp"

namespace drover {
namespace {

// Fields: venv_* when a virtualenv was made (or would be), pip (the
// command's words, one per line), list (check mode).
constexpr const char* kPrepareBody = R"SH(
_p=$PATH
for _d in /sbin /usr/sbin /usr/local/sbin; do case ":$_p:" in *":$_d:"*) ;; *) _p="$_p:$_d" ;; esac; done
_exec() { "$@" >"$_rtmpo" 2>"$_rtmp"; _rrc=$?; }
if [ -n "$env" ] && [ ! -e "$env/bin/activate" ]; then
  _out venv_missing 1
  [ -n "$check_mode" ] && exit 0
  eval "set -- $venv_words"
  _c=$1; shift
  case $_c in
    */*) ;;
    *) _n=$_c; _c=$(PATH=$_p command -v "$_n") || _fail "Failed to find required executable \"$_n\" in paths: $_p" ;;
  esac
  if [ -z "$site_packages" ]; then
    _exec "$_c" --help
    [ "$_rrc" = 0 ] || _fail "Could not get output from $_c --help: $(cat "$_rtmpo" "$_rtmp")"
    tr -s ' \t' '\n\n' < "$_rtmpo" | grep -qx -- '--no-site-packages' && _nsp=--no-site-packages
  fi
  _out venv_path "$_c"
  _out venv_nsp "$_nsp"
  (cd "$chdir" && "$_c" "$@" $_nsp $venv_tail "$env") >"$_rtmpo" 2>"$_rtmp"; _rrc=$?
  _out venv_rc "$_rrc"
  printf '\036venv_out\n'; cat "$_rtmpo"; printf '\036venv_err\n'; cat "$_rtmp"
  [ "$_rrc" = 0 ] || exit 0
fi
if [ -n "$executable" ]; then
  case $executable in
    /*) _pip=$executable ;;
    *) _pip=$(PATH=$_p command -v "$executable") || _fail "Unable to find any of $executable to use.  pip needs to be installed." ;;
  esac
elif [ -n "$env" ]; then
  _pip=
  for _b in pip3 pip; do
    if [ -f "$env/bin/$_b" ] && [ -x "$env/bin/$_b" ]; then _pip=$env/bin/$_b; break; fi
  done
  [ -n "$_pip" ] || _fail "Unable to find pip in the virtualenv, $env, under any of these names: pip3, pip. Make sure pip is present in the virtualenv."
else
  _pip=
  for _py in /usr/bin/python3 $(PATH=$_p command -v python3); do
    if [ -x "$_py" ] && "$_py" -c 'import pip' >/dev/null 2>&1; then _pip="$_py
-m
pip.__main__"; break; fi
  done
  [ -n "$_pip" ] || _pip=$(PATH=$_p command -v pip3) || _fail "Unable to find any of pip3 to use.  pip needs to be installed."
fi
_out pip "$_pip"
exit 0
)SH";

// pip's run ($words), in chdir with the virtualenv's bin first on PATH;
// `pip list --format=freeze` (or `pip freeze`) before and after when asked.
constexpr const char* kRunBody = R"SH(
cd "$chdir" || _fail "[Errno 2] No such file or directory: '$chdir'"
[ -z "$env" ] || PATH="$env/bin:$PATH"
_list() {
  eval "set -- $pip_words"
  LANG=C LC_ALL=C LC_MESSAGES=C "$@" list --format=freeze >"$_rtmpo" 2>"$_rtmp"; _rrc=$?; _lcmd=list
  if [ "$_rrc" != 0 ]; then "$@" freeze >"$_rtmpo" 2>"$_rtmp"; _rrc=$?; _lcmd=freeze; fi
  _out "${_f}_cmd" "$_lcmd"
  _out "${_f}_rc" "$_rrc"
  printf '\036%s\n' "$_f"; cat "$_rtmpo"
  printf '\036%s_err\n' "$_f"; cat "$_rtmp"
}
if [ -n "$list_only" ]; then _f=list; _list; exit 0; fi
if [ -n "$freeze" ]; then _f=before; _list; fi
eval "set -- $words"
"$@" >"$_rtmpo" 2>"$_rtmp"; _rrc=$?
_out rc "$_rrc"; printf '\036stdout\n'; cat "$_rtmpo"; printf '\036stderr\n'; cat "$_rtmp"
if [ -n "$freeze" ]; then _f=after; _list; fi
exit 0
)SH";

bool is_package_name(const std::string& name) {
  std::string s = name;
  s.erase(0, s.find_first_not_of(" \t\n"));
  for (const char* op : {">=", "<=", ">", "<", "==", "!=", "~="})
    if (s.starts_with(op)) return false;
  return true;
}

// _recover_package_name: "django>1.11.1", "<1.11.3" -> "django>1.11.1,<1.11.3".
std::vector<std::string> recover_package_names(const std::vector<std::string>& raw) {
  std::vector<std::string> names;
  for (const auto& line : raw)
    for (const auto& part : split(line, ',')) names.push_back(part);
  std::vector<std::string> parts, packages;
  bool in_brackets = false;
  for (const auto& name : names) {
    if (is_package_name(name) && !in_brackets) {
      if (!parts.empty()) packages.push_back(join(parts, ","));
      parts.clear();
    }
    if (name.find('[') != std::string::npos) in_brackets = true;
    if (in_brackets && name.find(']') != std::string::npos) in_brackets = false;
    parts.push_back(name);
  }
  packages.push_back(join(parts, ","));
  return packages;
}

// A requirement "name[extras] (op version),..." as pkg_resources reads the
// plain ones; anything else (paths, URLs) is not plain and never "present".
struct Requirement {
  bool plain = false;
  std::string name;  // canonical (PEP 503)
  std::string text;  // as pip is given it
  std::vector<std::pair<std::string, std::string>> specs;
};

std::string canonical_name(const std::string& name) {
  static const auto re = tmpl::Regex::compile("[-_.]+");
  return to_lower(re->sub(name, "-"));
}

Requirement parse_requirement(const std::string& s) {
  static const auto re = tmpl::Regex::compile(R"(^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*?)\s*$)");
  static const auto spec_re = tmpl::Regex::compile(R"(^\s*(~=|===|==|!=|<=|>=|<|>)\s*([A-Za-z0-9.*+!_-]+)\s*$)");
  Requirement r;
  r.text = s;
  r.name = s;
  auto m = re->match(s);
  if (!m) return r;
  const std::string rest = m->group(s, 3);
  if (!rest.empty()) {
    for (const auto& part : split(rest, ',')) {
      auto sm = spec_re->match(part);
      if (!sm) return r;
      r.specs.emplace_back(sm->group(part, 1), sm->group(part, 2));
    }
  }
  r.plain = true;
  r.name = canonical_name(m->group(s, 1));
  std::string specs;
  for (const auto& [op, v] : r.specs) specs += (specs.empty() ? "" : ",") + op + v;
  r.text = m->group(s, 1) + (m->participated(2) ? m->group(s, 2) : "") + specs;
  return r;
}

// Release segments compared numerically; a pre-release suffix sorts before
// its release. Enough for the specifiers roles write (==1.2, >=2.0,<3).
int compare_versions(const std::string& a, const std::string& b) {
  auto parts = [](const std::string& v) {
    std::vector<long> nums;
    std::string suffix;
    size_t i = 0;
    while (i < v.size()) {
      if (!std::isdigit(static_cast<unsigned char>(v[i]))) {
        suffix = v.substr(i);
        break;
      }
      long n = 0;
      while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) n = n * 10 + (v[i++] - '0');
      nums.push_back(n);
      if (i < v.size() && v[i] == '.') ++i;
    }
    while (!nums.empty() && nums.back() == 0) nums.pop_back();
    return std::make_pair(nums, suffix);
  };
  auto [na, sa] = parts(a);
  auto [nb, sb] = parts(b);
  if (na != nb) return na < nb ? -1 : 1;
  if (sa == sb) return 0;
  if (sa.empty()) return 1;
  if (sb.empty()) return -1;
  return sa < sb ? -1 : 1;
}

bool satisfies(const Requirement& r, const std::string& version) {
  for (const auto& [op, want] : r.specs) {
    if (op == "==" || op == "===") {
      if (want.ends_with(".*")) {
        if (!(version + ".").starts_with(want.substr(0, want.size() - 1))) return false;
      } else if (compare_versions(version, want) != 0) {
        return false;
      }
    } else {
      int c = compare_versions(version, want);
      if ((op == "!=" && c == 0) || (op == ">=" && c < 0) || (op == "<=" && c > 0) || (op == ">" && c <= 0) ||
          (op == "<" && c >= 0) || (op == "~=" && c < 0))
        return false;
    }
  }
  return true;
}

class PipModule : public Module {
 public:
  PipModule() {
    spec_.options = {
        opt("state").def("present").one_of({"present", "absent", "latest", "forcereinstall"}),
        opt("name", OptionType::list).of(OptionType::str),
        opt("version"),
        opt("requirements"),
        opt("virtualenv", OptionType::path),
        opt("virtualenv_site_packages", OptionType::boolean).def(false),
        opt("virtualenv_command", OptionType::path).def("virtualenv"),
        opt("virtualenv_python"),
        opt("extra_args"),
        opt("editable", OptionType::boolean).def(false),
        opt("chdir", OptionType::path),
        opt("executable", OptionType::path),
        opt("umask"),
    };
    spec_.required_one_of = {{"name", "requirements"}};
    spec_.mutually_exclusive = {{"name", "requirements"}, {"executable", "virtualenv"}};
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& validated, ModuleContext& ctx) const override {
    const ModuleArgs p(validated);
    const std::string state = p.str("state"), version = p.str("version"), requirements = p.str("requirements");
    std::string env = p.str("virtualenv"), chdir = p.str("chdir"), extra_args = p.str("extra_args");
    if (!env.empty() && !chdir.empty() && !env.starts_with("/")) env = chdir + "/" + env;
    if (state == "latest" && p.has("version")) return failed_result("version is incompatible with state=latest");
    if (chdir.empty()) chdir = "/tmp";
    std::string umask_prefix;
    if (p.has("umask")) {
      const std::string u = p.str("umask");
      if (u.empty() || u.find_first_not_of("01234567") != std::string::npos) {
        Value r = failed_result("umask must be an octal integer");
        r["details"] = "invalid literal for int() with base 8: '" + u + "'";
        return r;
      }
      umask_prefix = "umask " + u + "\n";
    }

    // The virtualenv command: its words, then -p for virtualenv proper.
    const std::string venv_command = p.str("virtualenv_command");
    std::string venv_tail;
    if (venv_command.find("pyvenv") == std::string::npos && venv_command.find("-m venv") == std::string::npos) {
      venv_tail = p.has("virtualenv_python") ? "-p" + p.str("virtualenv_python") : "-p/usr/bin/python3";
    } else if (p.has("virtualenv_python")) {
      return failed_result("virtualenv_python should not be used when using the venv module or pyvenv as virtualenv_command");
    }
    std::vector<std::string> venv_words = shlex_split(venv_command);
    if (p.flag("virtualenv_site_packages")) venv_words.push_back("--system-site-packages");
    std::string venv_quoted;
    for (const auto& w : venv_words) venv_quoted += " " + shell_quote(w);

    std::vector<Requirement> packages;
    bool has_vcs = false;
    Value names = p.value("name");
    if (!names.is_null()) {
      static const auto vcs = tmpl::Regex::compile(R"((svn|git|hg|bzr)\+)");
      std::vector<std::string> raw = string_list(names);
      for (const auto& n : raw) has_vcs = has_vcs || (!n.empty() && vcs->match(n));
      for (const auto& n : recover_package_names(raw)) packages.push_back(parse_requirement(n));
      if (!version.empty()) {
        if (packages.size() > 1)
          return failed_result(
              "'version' argument is ambiguous when installing multiple package distributions. Please specify version "
              "restrictions next to each package in 'name' argument.");
        if (packages[0].plain && !packages[0].specs.empty())
          return failed_result(
              "The 'version' argument conflicts with any version specifier provided along with a package name. Please "
              "keep the version specifier, but remove the 'version' argument.");
        std::string v = version;
        v.erase(0, v.find_first_not_of(" \t"));
        packages[0] = parse_requirement(packages[0].text + (std::isdigit(static_cast<unsigned char>(v[0])) ? "==" : " ") + v);
      }
    }

    const bool names_given = !names.is_null();
    const bool list_needed = ctx.check_mode && extra_args.empty() && requirements.empty() && state != "latest" && names_given;
    std::string vars = shell_assign("env", Value(env)) + shell_assign("chdir", Value(chdir)) +
                       shell_assign("check_mode", Value(ctx.check_mode)) +
                       shell_assign("venv_words", Value(venv_quoted)) + shell_assign("venv_tail", Value(venv_tail)) +
                       shell_assign("site_packages", p.value("virtualenv_site_packages")) +
                       shell_assign("executable", Value(p.str("executable")));
    ScriptAnswer prep = run_answer_script(ctx, umask_prefix + vars + kPrepareBody);
    if (Value f = script_failure(prep); !f.is_null()) return f;
    const bool venv_created = prep.has("venv_missing");
    if (venv_created && ctx.check_mode) return Value{{"changed", true}};
    std::string out = prep.get("venv_out"), err = prep.get("venv_err");
    if (venv_created && prep.get_int("venv_rc") != 0) {
      Value cmd = Value::array();
      cmd.push_back(prep.get("venv_path"));
      for (size_t i = 1; i < venv_words.size(); ++i) cmd.push_back(venv_words[i]);
      if (!prep.get("venv_nsp").empty()) cmd.push_back(prep.get("venv_nsp"));
      if (!venv_tail.empty()) cmd.push_back(venv_tail);
      cmd.push_back(env);
      return pip_failure(cmd, out, err);
    }
    const std::vector<std::string> pip = split_lines(prep.get("pip"));

    std::vector<std::string> cmd = pip;
    if (state == "present") cmd.push_back("install");
    else if (state == "absent") cmd.insert(cmd.end(), {"uninstall", "-y"});
    else if (state == "latest") cmd.insert(cmd.end(), {"install", "-U"});
    else cmd.insert(cmd.end(), {"install", "-U", "--force-reinstall"});
    if (p.flag("editable")) {
      std::vector<std::string> args = extra_args.empty() ? std::vector<std::string>{} : split(extra_args, ' ');
      if (std::find(args.begin(), args.end(), "-e") == args.end()) args.push_back("-e"), extra_args = join(args, " ");
    }
    if (!extra_args.empty())
      for (const auto& w : shlex_split(extra_args)) cmd.push_back(w);
    if (names_given) {
      for (const auto& r : packages) cmd.push_back(r.text);
    } else if (!requirements.empty()) {
      cmd.insert(cmd.end(), {"-r", requirements});
    } else {
      return Value{{"changed", false}, {"warnings", Value::array({"No valid name or requirements file found."})}};
    }
    if (ctx.check_mode && !list_needed) return Value{{"changed", true}};

    auto quote_words = [](const std::vector<std::string>& words) {
      std::string q;
      for (const auto& w : words) q += " " + shell_quote(w);
      return q;
    };
    std::string run_vars = shell_assign("env", Value(env)) + shell_assign("chdir", Value(chdir)) +
                           shell_assign("pip_words", Value(quote_words(pip))) +
                           shell_assign("words", Value(quote_words(cmd))) +
                           shell_assign("list_only", Value(list_needed)) +
                           shell_assign("freeze", Value(!requirements.empty() || has_vcs));
    ScriptAnswer a = run_answer_script(ctx, umask_prefix + run_vars + kRunBody);
    if (Value f = script_failure(a); !f.is_null()) return f;
    auto list_command = [&](const std::string& which) {
      return join(pip, " ") + " " + (a.get(which + "_cmd") == "list" ? "list --format=freeze" : "freeze");
    };
    if (list_needed) {
      out += a.get("list");
      err += a.get("list_err");
      if (a.get_int("list_rc") != 0) return pip_failure(Value(list_command("list")), a.get("list"), a.get("list_err"));
      std::vector<std::string> installed;
      for (const auto& l : split(out, '\n'))
        if (!l.empty() && !l.starts_with("You are using") && !l.starts_with("You should consider")) installed.push_back(l);
      bool changed = false;
      for (const auto& r : packages) {
        bool present = false;
        for (const auto& l : installed) {
          size_t eq = l.find("==");
          if (eq == std::string::npos || l.find("==", eq + 2) != std::string::npos) continue;
          if (r.plain && canonical_name(l.substr(0, eq)) == r.name && satisfies(r, l.substr(eq + 2))) present = true;
        }
        if ((state == "present" && !present) || (state == "absent" && present)) {
          changed = true;
          break;
        }
      }
      Value listed{{"changed", changed}, {"cmd", list_command("list")}, {"stdout", out}, {"stderr", err}};
      add_output_lines(listed);
      return listed;
    }
    const std::string pip_out = a.get("stdout"), pip_err = a.get("stderr");
    out += pip_out;
    err += pip_err;
    Value cmd_value = Value::array();
    for (const auto& w : cmd) cmd_value.push_back(w);
    const long long rc = a.get_int("rc");
    const bool not_installed = pip_out.find("not installed") != std::string::npos ||
                               pip_err.find("not installed") != std::string::npos;
    if (rc != 0 && !(rc == 1 && state == "absent" && not_installed)) return pip_failure(cmd_value, out, err);
    bool changed;
    if (state == "absent") changed = pip_out.find("Successfully uninstalled") != std::string::npos;
    else if (a.has("before")) changed = a.get("before") != a.get("after");
    else changed = pip_out.find("Successfully installed") != std::string::npos;
    changed = changed || venv_created;
    Value result{{"changed", changed},
                 {"cmd", cmd_value},
                 {"name", names},
                 {"version", p.value("version")},
                 {"state", state},
                 {"requirements", p.value("requirements")},
                 {"virtualenv", env.empty() ? Value() : Value(env)},
                 {"stdout", out},
                 {"stderr", err}};
    add_output_lines(result);
    return result;
  }

 private:
  // Ansible's _fail: "stdout: OUT" and "\n:stderr: ERR", each when not empty.
  static Value pip_failure(const Value& cmd, const std::string& out, const std::string& err) {
    std::string msg;
    if (!out.empty()) msg += "stdout: " + out;
    if (!err.empty()) msg += "\n:stderr: " + err;
    Value r = failed_result(msg);
    r["cmd"] = cmd;
    return r;
  }

  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration pip_registration({"pip"}, make_module<PipModule>);

}  // namespace drover
