// Facts about the login and the host's configuration: date_time, env, user,
// cmdline, loadavg, dns, ssh_pub_keys, local (facts.d), and the SAN
// initiator ids (fibre_channel_wwn, iscsi, nvme), as ansible-core 2.14's
// collectors of the same names produce them.
#include <cstdio>
#include <ctime>

#include "core/strings.hpp"
#include "modules/facts_collectors.hpp"

namespace drover {
namespace {

std::string strftime_utc(const char* fmt, long long t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[128];
  size_t n = std::strftime(buf, sizeof buf, fmt, &tm);
  return std::string(buf, n);
}

// "+0130" -> 5400
long long offset_seconds(const std::string& z) {
  if (z.size() < 5 || (z[0] != '+' && z[0] != '-')) return 0;
  long long h = std::atoi(z.substr(1, 2).c_str()), m = std::atoi(z.substr(3, 2).c_str());
  long long s = (h * 60 + m) * 60;
  return z[0] == '-' ? -s : s;
}

// glibc's tzname[1] from a POSIX TZ string: "CET-1CEST,M3.5.0,M10.5.0/3" ->
// "CEST"; "UTC0" -> "UTC" (no DST: both names are the standard one).
std::string posix_tz_dst(const std::string& tz, const std::string& fallback) {
  if (tz.empty() || tz[0] == ':' || tz[0] == '/') return fallback;
  size_t i = 0;
  auto name_at = [&](size_t& p) {
    std::string n;
    if (p < tz.size() && tz[p] == '<') {
      size_t e = tz.find('>', p);
      if (e == std::string::npos) return n;
      n = tz.substr(p + 1, e - p - 1);
      p = e + 1;
    } else {
      while (p < tz.size() && std::isalpha(static_cast<unsigned char>(tz[p]))) n += tz[p++];
    }
    return n;
  };
  std::string std_name = name_at(i);
  if (std_name.size() < 3) return fallback;
  while (i < tz.size() && (std::isdigit(static_cast<unsigned char>(tz[i])) || tz[i] == '+' || tz[i] == '-' ||
                           tz[i] == ':'))
    ++i;
  std::string dst = name_at(i);
  return dst.empty() ? std_name : dst;
}

// shlex.split(s, posix=False): whitespace-separated words, quotes kept and
// protecting their spaces.
std::vector<std::string> split_keeping_quotes(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  char quote = 0;
  bool in_word = false;
  for (char c : s) {
    if (quote) {
      cur += c;
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      cur += c;
      quote = c;
      in_word = true;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      if (in_word) out.push_back(cur);
      cur.clear();
      in_word = false;
    } else {
      cur += c;
      in_word = true;
    }
  }
  if (in_word) out.push_back(cur);
  return out;
}

// configparser's reading of a .fact file that is not JSON: sections of
// key = value / key: value; keys lower-cased. nullopt when it is not INI.
std::optional<Value> parse_ini_fact(const std::string& text) {
  Value out = Value::object();
  std::string section;
  for (const auto& raw : split_lines(text)) {
    std::string line = trim(raw);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      section = line.substr(1, line.size() - 2);
      if (!out.contains(section)) out[section] = Value::object();
      continue;
    }
    if (section.empty()) return std::nullopt;
    size_t sep = line.find_first_of("=:");
    if (sep == std::string::npos) return std::nullopt;
    out[section][to_lower(trim(line.substr(0, sep)))] = trim(line.substr(sep + 1));
  }
  return out;
}

}  // namespace

void collect_date_time(const FactsInput& in, Value& f, const FactsRequest&) {
  auto w = split_whitespace(in.section("date"));
  if (w.size() < 3) return;
  long long epoch = std::atoll(w[0].c_str());
  // busybox date has no %N: microseconds are then 0.
  std::string nanos = w[1];
  bool digits = !nanos.empty() && nanos.find_first_not_of("0123456789") == std::string::npos;
  char micro[24];
  long us = digits ? std::atol(nanos.substr(0, 9).c_str()) / 1000 : 0L;
  std::snprintf(micro, sizeof micro, "%06ld", us % 1000000);
  std::string z = digits ? w[2] : (w.size() > 2 ? w[w.size() - 2] : "+0000");
  std::string tz = digits ? (w.size() > 3 ? w[3] : "") : w.back();
  long long local = epoch + offset_seconds(z);
  Value d = Value::object();
  d["year"] = strftime_utc("%Y", local);
  d["month"] = strftime_utc("%m", local);
  d["weekday"] = strftime_utc("%A", local);
  d["weekday_number"] = strftime_utc("%w", local);
  d["weeknumber"] = strftime_utc("%W", local);
  d["day"] = strftime_utc("%d", local);
  d["hour"] = strftime_utc("%H", local);
  d["minute"] = strftime_utc("%M", local);
  d["second"] = strftime_utc("%S", local);
  d["epoch"] = std::to_string(epoch);
  d["epoch_int"] = std::to_string(epoch);
  d["date"] = strftime_utc("%Y-%m-%d", local);
  d["time"] = strftime_utc("%H:%M:%S", local);
  d["iso8601_micro"] = strftime_utc("%Y-%m-%dT%H:%M:%S.", epoch) + micro + "Z";
  d["iso8601"] = strftime_utc("%Y-%m-%dT%H:%M:%SZ", epoch);
  d["iso8601_basic"] = strftime_utc("%Y%m%dT%H%M%S", local) + micro;
  d["iso8601_basic_short"] = strftime_utc("%Y%m%dT%H%M%S", local);
  d["tz"] = tz;
  d["tz_dst"] = posix_tz_dst(trim(in.section("tz")), tz);
  d["tz_offset"] = z;
  f["date_time"] = d;
}

void collect_env(const FactsInput& in, Value& f, const FactsRequest&) {
  Value env = Value::object();
  if (in.has_section("env0")) {
    for (const auto& entry : split(in.section("env0"), '\0')) {
      size_t eq = entry.find('=');
      if (eq == std::string::npos || eq == 0) continue;
      env[entry.substr(0, eq)] = entry.substr(eq + 1);
    }
  } else {
    for (const auto& line : split_lines(in.section("env"))) {
      size_t eq = line.find('=');
      if (eq == std::string::npos || eq == 0) continue;
      env[line.substr(0, eq)] = line.substr(eq + 1);
    }
  }
  f["env"] = env;
}

void collect_user(const FactsInput& in, Value& f, const FactsRequest&) {
  // `id`: uid=1000(alice) gid=1000(alice) [euid=0(root)] [egid=...] groups=...
  std::map<std::string, std::string> ids, names;
  for (const auto& word : split_whitespace(in.section("id"))) {
    size_t eq = word.find('=');
    if (eq == std::string::npos) continue;
    std::string key = word.substr(0, eq), val = word.substr(eq + 1);
    size_t paren = val.find('(');
    ids[key] = val.substr(0, paren);
    if (paren != std::string::npos) names[key] = val.substr(paren + 1, val.find(')') - paren - 1);
  }
  // getpass.getuser(): LOGNAME, USER, LNAME, USERNAME, then the password
  // database's name for the real uid.
  std::string user;
  for (const auto& v : split(trim(in.section("user_env")), ':'))
    if (user.empty() && !v.empty()) user = v;
  if (user.empty()) user = names["uid"];
  f["user_id"] = user;
  std::vector<std::string> pw;
  std::vector<std::string> by_uid;
  for (const auto& line : split_lines(in.files.count("/etc/passwd") ? in.files.at("/etc/passwd") : "")) {
    auto fields = split(line, ':');
    if (fields.size() < 7) continue;
    if (fields[0] == user && pw.empty()) pw = fields;
    if (fields[2] == ids["uid"] && by_uid.empty()) by_uid = fields;
  }
  if (pw.empty()) pw = by_uid;
  int uid = std::atoi(ids["uid"].c_str()), gid = std::atoi(ids["gid"].c_str());
  int euid = ids.count("euid") ? std::atoi(ids["euid"].c_str()) : uid;
  if (!pw.empty()) {
    f["user_uid"] = std::atoi(pw[2].c_str());
    f["user_gid"] = std::atoi(pw[3].c_str());
    f["user_gecos"] = pw[4];
    f["user_dir"] = pw[5];
    f["user_shell"] = pw[6];
  }
  f["real_user_id"] = uid;
  f["effective_user_id"] = euid;
  f["real_group_id"] = gid;
  // ansible-core 2.14 reports os.getgid() for both (its own quirk).
  f["effective_group_id"] = gid;
}

void collect_cmdline(const FactsInput& in, Value& f, const FactsRequest&) {
  auto data = in.file("/proc/cmdline");
  if (!data) return;
  Value cmdline = Value::object(), proc = Value::object();
  for (const auto& piece : split_keeping_quotes(*data)) {
    size_t eq = piece.find('=');
    if (eq == std::string::npos) {
      cmdline[piece] = true;
      proc[piece] = true;
      continue;
    }
    std::string k = piece.substr(0, eq), v = piece.substr(eq + 1);
    cmdline[k] = v;
    if (proc.contains(k)) {
      if (!proc[k].is_array()) proc[k] = Value::array({proc[k]});
      proc[k].push_back(v);
    } else {
      proc[k] = v;
    }
  }
  f["cmdline"] = cmdline;
  f["proc_cmdline"] = proc;
}

// Python's os.getloadavg() returns the kernel's fixed-point values; the
// target's /proc/loadavg shows them rounded to 2 decimals, so do these.
void collect_loadavg(const FactsInput& in, Value& f, const FactsRequest&) {
  auto w = split_whitespace(in.file_or("/proc/loadavg", ""));
  if (w.size() < 3) return;
  f["loadavg"] = {{"1m", std::atof(w[0].c_str())}, {"5m", std::atof(w[1].c_str())}, {"15m", std::atof(w[2].c_str())}};
}

void collect_dns(const FactsInput& in, Value& f, const FactsRequest&) {
  Value dns = Value::object();
  for (const auto& line : split_lines(in.files.count("/etc/resolv.conf") ? in.files.at("/etc/resolv.conf") : "")) {
    if (starts_with(line, "#") || starts_with(line, ";") || trim(line).empty()) continue;
    auto t = split_whitespace(line);
    if (t.empty()) continue;
    if (t[0] == "nameserver") {
      if (!dns.contains("nameservers")) dns["nameservers"] = Value::array();
      for (size_t i = 1; i < t.size(); ++i) dns["nameservers"].push_back(t[i]);
    } else if (t[0] == "domain") {
      if (t.size() > 1) dns["domain"] = t[1];
    } else if (t[0] == "search" || t[0] == "sortlist") {
      Value list = Value::array();
      for (size_t i = 1; i < t.size(); ++i) list.push_back(t[i]);
      dns[t[0] == "search" ? "search" : "sortlist"] = list;
    } else if (t[0] == "options") {
      Value opts = Value::object();
      for (size_t i = 1; i < t.size(); ++i) {
        size_t colon = t[i].find(':');
        if (colon == std::string::npos || colon + 1 == t[i].size())
          opts[t[i].substr(0, colon)] = colon == std::string::npos ? Value(true) : Value(true);
        else
          opts[t[i].substr(0, colon)] = t[i].substr(colon + 1);
      }
      dns["options"] = opts;
    }
  }
  f["dns"] = dns;
}

void collect_ssh_pub_keys(const FactsInput& in, Value& f, const FactsRequest&) {
  for (const char* dir : {"/etc/ssh", "/etc/openssh", "/etc"}) {
    for (const char* algo : {"dsa", "rsa", "ecdsa", "ed25519"}) {
      std::string fact = std::string("ssh_host_key_") + algo + "_public";
      // A key found in an earlier directory ends the search (Ansible's).
      if (f.contains(fact)) return;
      auto data = in.file(std::string(dir) + "/ssh_host_" + algo + "_key.pub");
      if (!data) continue;
      auto w = split_whitespace(*data);
      if (w.size() < 2) continue;
      f[fact] = w[1];
      f[fact + "_keytype"] = w[0];
    }
  }
}

void collect_local(const FactsInput& in, Value& f, const FactsRequest&) {
  Value local = Value::object();
  for (const auto& [name, body] : in.sections) {
    bool run = starts_with(name, "local_run:"), file = starts_with(name, "local_file:");
    if (!run && !file) continue;
    std::string path = name.substr(name.find(':') + 1);
    std::string base = path.substr(path.rfind('/') + 1);
    base = base.substr(0, base.size() - 5);  // ".fact"
    if (run) {
      std::string rc = trim(in.section("local_rc:" + path));
      if (rc != "0") {
        local[base] = "Failure executing fact script (" + path + "), rc: " + rc + ", err: ";
        continue;
      }
    }
    try {
      local[base] = Value::parse(body);
      continue;
    } catch (const std::exception&) {
    }
    if (auto ini = parse_ini_fact(body))
      local[base] = *ini;
    else
      local[base] = "error loading facts as JSON or ini - please check content: " + path;
  }
  f["local"] = local;
}

void collect_san_ids(const FactsInput& in, Value& f, const FactsRequest&) {
  Value wwn = Value::array();
  for (const auto& path : in.files_matching("/sys/class/fc_host/*/port_name")) {
    std::string v = in.file_or(path, "");
    if (starts_with(v, "0x")) v = v.substr(2);
    wwn.push_back(v);
  }
  f["fibre_channel_wwn"] = wwn;
  std::string iqn;
  for (const auto& line : split_lines(in.files.count("/etc/iscsi/initiatorname.iscsi")
                                          ? in.files.at("/etc/iscsi/initiatorname.iscsi")
                                          : "")) {
    if (starts_with(line, "#") || starts_with(line, ";") || trim(line).empty()) continue;
    if (starts_with(line, "InitiatorName=")) iqn = trim(line.substr(14));
  }
  f["iscsi_iqn"] = iqn;
  f["hostnqn"] = in.file_or("/etc/nvme/hostnqn", "");
}

}  // namespace drover
