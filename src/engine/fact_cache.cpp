#include "engine/fact_cache.hpp"

#include <hiredis.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <regex>
#include <sstream>

#include "core/error.hpp"
#include "core/pyjson.hpp"
#include "core/strings.hpp"

namespace drover {
namespace {

namespace fs = std::filesystem;

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// What Ansible's cache plugins write: json.dumps(sort_keys=True, indent=4).
std::string dump_facts(const Value& facts) {
  JsonDumpOptions o;
  o.indent = 4;
  o.sort_keys = true;
  return python_json_dumps(facts, o);
}

class MemoryCache : public FactCache {
 public:
  std::optional<Value> get(const std::string& host) override {
    std::lock_guard lock(mu_);
    auto it = facts_.find(host);
    if (it == facts_.end()) return std::nullopt;
    return it->second;
  }
  void set(const std::string& host, const Value& facts) override {
    std::lock_guard lock(mu_);
    facts_[host] = facts;
  }
  void flush() override {
    std::lock_guard lock(mu_);
    facts_.clear();
  }
  std::vector<std::string> hosts() override {
    std::lock_guard lock(mu_);
    std::vector<std::string> out;
    for (const auto& [h, v] : facts_) out.push_back(h);
    return out;
  }

 private:
  std::mutex mu_;
  std::map<std::string, Value> facts_;
};

class JsonFileCache : public FactCache {
 public:
  JsonFileCache(std::string dir, int timeout_s, std::string prefix)
      : dir_(std::move(dir)), timeout_s_(timeout_s), prefix_(std::move(prefix)) {
    std::error_code ec;
    fs::create_directories(dir_, ec);
    if (ec && !fs::is_directory(dir_))
      throw Error("error in 'jsonfile' cache, configured path (" + dir_ + ") does not have necessary permissions "
                  "(rwx), disabling plugin: " + ec.message());
  }

  std::optional<Value> get(const std::string& host) override {
    std::lock_guard lock(mu_);
    // Like Ansible, facts read once stay for the run even if the file
    // expires meanwhile (a long play must not lose its facts halfway).
    auto it = loaded_.find(host);
    if (it != loaded_.end()) return it->second;
    if (host.empty() || expired(host)) return std::nullopt;
    std::ifstream in(path(host), std::ios::binary);
    if (!in) return std::nullopt;
    std::stringstream ss;
    ss << in.rdbuf();
    Value v;
    try {
      v = Value::parse(ss.str());
    } catch (const std::exception&) {
      // Ansible removes a corrupt cache file and fails; drover removes it
      // and gathers again.
      std::error_code ec;
      fs::remove(path(host), ec);
      return std::nullopt;
    }
    loaded_[host] = v;
    return v;
  }

  void set(const std::string& host, const Value& facts) override {
    std::lock_guard lock(mu_);
    loaded_[host] = facts;
    std::string tmpl = dir_ + "/.tmp" + prefix_ + host + ".XXXXXX";
    std::vector<char> name(tmpl.begin(), tmpl.end());
    name.push_back('\0');
    int fd = mkstemp(name.data());
    if (fd < 0) throw Error("error in 'jsonfile' cache plugin while trying to write to '" + dir_ + "': " + std::strerror(errno));
    std::string data = dump_facts(facts);
    size_t off = 0;
    while (off < data.size()) {
      ssize_t n = ::write(fd, data.data() + off, data.size() - off);
      if (n <= 0) break;
      off += static_cast<size_t>(n);
    }
    ::close(fd);
    if (off != data.size() || std::rename(name.data(), path(host).c_str()) != 0) {
      ::unlink(name.data());
      throw Error("error in 'jsonfile' cache plugin while trying to write '" + path(host) + "'");
    }
  }

  void flush() override {
    std::lock_guard lock(mu_);
    for (const auto& h : list_hosts()) {
      std::error_code ec;
      fs::remove(path(h), ec);
    }
    loaded_.clear();
  }

  std::vector<std::string> hosts() override {
    std::lock_guard lock(mu_);
    return list_hosts();
  }

 private:
  std::string path(const std::string& host) const { return dir_ + "/" + prefix_ + host; }

  bool expired(const std::string& host) const {
    if (timeout_s_ == 0) return false;
    struct stat st {};
    if (::stat(path(host).c_str(), &st) != 0) return false;
    return now_seconds() - static_cast<double>(st.st_mtime) > timeout_s_;
  }

  std::vector<std::string> list_hosts() const {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir_, ec)) {
      std::string name = e.path().filename().string();
      if (starts_with(name, ".") || !starts_with(name, prefix_)) continue;
      std::string host = name.substr(prefix_.size());
      if (!expired(host)) out.push_back(host);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  std::mutex mu_;
  std::string dir_;
  int timeout_s_;
  std::string prefix_;
  std::map<std::string, Value> loaded_;
};

struct ReplyFree {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyFree>;
struct ContextFree {
  void operator()(redisContext* c) const { redisFree(c); }
};

// community.general.redis's layout; see fact_cache.hpp.
class RedisCache : public FactCache {
 public:
  RedisCache(const std::string& connection, int timeout_s, std::string prefix)
      : timeout_s_(timeout_s), prefix_(std::move(prefix)) {
    // host:port[:db[:password]], host may be [v6]; the plugin's regex.
    static const std::regex re(R"(^([^:]+|\[[^\]]+\]):(\d+)(?::(\d+))?(?::(.*))?$)");
    std::string uri = connection.empty() ? "127.0.0.1:6379:0" : connection;
    std::smatch m;
    if (!std::regex_match(uri, m, re)) throw Error("Unable to parse connection string: " + uri);
    host_ = m[1];
    if (host_.size() > 2 && host_.front() == '[') host_ = host_.substr(1, host_.size() - 2);
    port_ = std::stoi(m[2]);
    db_ = m[3].matched ? m[3].str() : "0";
    password_ = m[4].matched ? m[4].str() : "";
  }

  std::optional<Value> get(const std::string& host) override {
    std::lock_guard lock(mu_);
    auto it = loaded_.find(host);
    if (it != loaded_.end()) return it->second;
    Reply r = command({"GET", prefix_ + host});
    if (r->type != REDIS_REPLY_STRING) {
      // Guard against a key set without its entry in the keyset (the
      // plugin deletes both).
      command({"ZREM", kKeyset, host});
      return std::nullopt;
    }
    try {
      Value v = Value::parse(std::string(r->str, r->len));
      loaded_[host] = v;
      return v;
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }

  void set(const std::string& host, const Value& facts) override {
    std::lock_guard lock(mu_);
    std::string data = dump_facts(facts);
    if (timeout_s_ > 0)
      command({"SETEX", prefix_ + host, std::to_string(timeout_s_), data});
    else
      command({"SET", prefix_ + host, data});
    char score[64];
    std::snprintf(score, sizeof score, "%.6f", now_seconds());
    command({"ZADD", kKeyset, score, host});
    loaded_[host] = facts;
  }

  void flush() override {
    std::lock_guard lock(mu_);
    for (const auto& h : list_hosts()) {
      command({"DEL", prefix_ + h});
      command({"ZREM", kKeyset, h});
    }
    loaded_.clear();
  }

  std::vector<std::string> hosts() override {
    std::lock_guard lock(mu_);
    return list_hosts();
  }

 private:
  static constexpr const char* kKeyset = "ansible_cache_keys";

  std::vector<std::string> list_hosts() {
    if (timeout_s_ > 0) {
      char max[64];
      std::snprintf(max, sizeof max, "%.6f", now_seconds() - timeout_s_);
      command({"ZREMRANGEBYSCORE", kKeyset, "0", max});
    }
    Reply r = command({"ZRANGE", kKeyset, "0", "-1"});
    std::vector<std::string> out;
    if (r->type == REDIS_REPLY_ARRAY)
      for (size_t i = 0; i < r->elements; ++i) out.emplace_back(r->element[i]->str, r->element[i]->len);
    return out;
  }

  void connect() {
    if (ctx_ && !ctx_->err) return;
    timeval tv{5, 0};
    ctx_.reset(redisConnectWithTimeout(host_.c_str(), port_, tv));
    if (!ctx_ || ctx_->err)
      throw Error("redis fact cache: cannot connect to " + host_ + ":" + std::to_string(port_) + ": " +
                  (ctx_ ? ctx_->errstr : "out of memory"));
    redisSetTimeout(ctx_.get(), tv);
    if (!password_.empty()) raw_command({"AUTH", password_});
    if (db_ != "0") raw_command({"SELECT", db_});
  }

  Reply raw_command(const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    for (const auto& a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    Reply r(static_cast<redisReply*>(
        redisCommandArgv(ctx_.get(), static_cast<int>(args.size()), argv.data(), lens.data())));
    if (!r) {
      std::string why = ctx_->errstr;
      ctx_.reset();
      throw Error("redis fact cache: " + args[0] + " failed: " + why);
    }
    if (r->type == REDIS_REPLY_ERROR) throw Error("redis fact cache: " + args[0] + ": " + std::string(r->str, r->len));
    return r;
  }

  Reply command(const std::vector<std::string>& args) {
    connect();
    return raw_command(args);
  }

  std::mutex mu_;
  std::unique_ptr<redisContext, ContextFree> ctx_;
  std::string host_;
  int port_ = 6379;
  std::string db_ = "0";
  std::string password_;
  int timeout_s_;
  std::string prefix_;
  std::map<std::string, Value> loaded_;
};

std::string plugin_short_name(const std::string& name) {
  for (const char* p : {"ansible.builtin.", "ansible.legacy.", "community.general."})
    if (starts_with(name, p)) return name.substr(std::string(p).size());
  return name;
}

}  // namespace

std::unique_ptr<FactCache> make_fact_cache(const FactCacheSettings& s) {
  std::string plugin = plugin_short_name(s.plugin.empty() ? "memory" : s.plugin);
  if (plugin == "memory") return std::make_unique<MemoryCache>();
  if (plugin == "jsonfile") {
    if (s.connection.empty())
      throw Error("error, 'jsonfile' cache plugin requires the 'fact_caching_connection' config option to be set "
                  "(to a writeable directory path)");
    return std::make_unique<JsonFileCache>(expand_user(s.connection), s.timeout_s, s.prefix);
  }
  if (plugin == "redis")
    return std::make_unique<RedisCache>(s.connection, s.timeout_s, s.prefix.empty() ? "ansible_facts" : s.prefix);
  throw Error("Unable to load the facts cache plugin (" + s.plugin + ").", {},
              "drover supports memory, jsonfile and redis");
}

std::unique_ptr<FactCache> make_fact_cache(const Config& config) {
  FactCacheSettings s;
  s.plugin = config.str("CACHE_PLUGIN");
  s.connection = config.is_set("CACHE_PLUGIN_CONNECTION") ? config.str("CACHE_PLUGIN_CONNECTION") : "";
  s.timeout_s = config.integer("CACHE_PLUGIN_TIMEOUT");
  std::string prefix = config.is_set("CACHE_PLUGIN_PREFIX") ? config.str("CACHE_PLUGIN_PREFIX") : "";
  bool jsonfile = plugin_short_name(s.plugin) == "jsonfile";
  s.prefix = jsonfile && prefix == "ansible_facts" ? "" : prefix;
  return make_fact_cache(s);
}

}  // namespace drover
