// getent: a database of the name service switch as facts
// (ansible.builtin.getent, ansible-core 2.14): `getent DATABASE [KEY]
// [-s SERVICE]` on the target, each line split (on `split`, ":" for passwd,
// shadow, group and gshadow, else on runs of whitespace) into
// ansible_facts.getent_DATABASE[first field] = the other fields; a key seen
// twice gets a list of records, as Ansible gives since 2.11. getent's exit
// status 1/2/3 reads as Ansible's messages; a missing key with
// fail_key=false is a null entry and no failure. Check mode changes
// nothing: the module only reads.
#include "core/strings.hpp"
#include "modules/answer_script.hpp"
#include "modules/registry.hpp"

namespace drover {
namespace {

constexpr const char* kGetentBody = R"SH(
command -v getent >/dev/null 2>&1 || _fail "Failed to find required executable \"getent\" in paths: $PATH"
set -- "$database"
[ -n "$has_key" ] && set -- "$@" "$key"
[ -n "$has_service" ] && set -- "$@" -s "$service"
_run getent "$@"
_outrun
)SH";

// Python's str.split(sep), or str.split() when `sep` is empty.
std::vector<std::string> python_split(const std::string& line, const std::string& sep) {
  if (sep.empty()) return split_whitespace(line);
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t at = line.find(sep); at != std::string::npos; at = line.find(sep, start)) {
    out.push_back(line.substr(start, at - start));
    start = at + sep.size();
  }
  out.push_back(line.substr(start));
  return out;
}

Value records(const std::string& out, const std::string& sep) {
  Value db = Value::object();
  std::map<std::string, int> seen;
  for (const auto& line : split_lines(out)) {
    std::vector<std::string> rec = python_split(line, sep);
    if (rec.empty()) continue;  // a blank line: Python's record[0] would fail; getent prints none
    Value rest = Value::array();
    for (size_t i = 1; i < rec.size(); ++i) rest.push_back(rec[i]);
    const std::string& k = rec[0];
    if (seen[k]++ == 0) {
      db[k] = rest;
      continue;
    }
    if (seen[k] == 2) db[k] = Value::array({db[k]});
    db[k].push_back(rest);
  }
  return db;
}

class GetentModule : public Module {
 public:
  GetentModule() {
    spec_.options = {
        opt("database").req(),
        opt("key"),
        opt("service"),
        opt("split"),
        opt("fail_key", OptionType::boolean).def(true),
    };
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& args, ModuleContext& ctx) const override {
    const std::string database = to_display_string(args["database"]);
    std::string sep = args["split"].is_null() ? "" : to_display_string(args["split"]);
    if (args["split"].is_null() && (database == "passwd" || database == "shadow" || database == "group" ||
                                    database == "gshadow"))
      sep = ":";
    ScriptAnswer a = run_answer_script(
        ctx, shell_assign("database", database) + shell_assign("has_key", !args["key"].is_null()) +
                 shell_assign("key", args["key"]) + shell_assign("has_service", !args["service"].is_null()) +
                 shell_assign("service", args["service"]) + kGetentBody);
    Value failure = script_failure(a);
    if (!failure.is_null()) return failure;
    const std::string tree = "getent_" + database;
    switch (a.get_int("rc", -1)) {
      case 0:
        return Value{{"changed", false}, {"ansible_facts", {{tree, records(a.get("stdout"), sep)}}}};
      case 1:
        return failed_result("Missing arguments, or database unknown.");
      case 2: {
        std::string msg = "One or more supplied key could not be found in the database.";
        if (args["fail_key"] == true) return failed_result(msg);
        Value db = Value::object();
        db[to_display_string(args["key"])] = Value();
        return Value{{"changed", false}, {"ansible_facts", {{tree, db}}}, {"msg", msg}};
      }
      case 3:
        return failed_result("Enumeration not supported on this database.");
      default:
        return failed_result("Unexpected failure!");
    }
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration getent_registration({"getent"}, make_module<GetentModule>);

}  // namespace drover
