// make_connection and the file transfers every Connection gets for free:
// both are one exec round trip with the content on stdin or stdout.
#include "transport/connection.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <random>

#include "core/strings.hpp"
#include "transport/local_connection.hpp"
#include "transport/ssh_connection.hpp"

namespace drover {

namespace {

std::string random_suffix() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  static const char digits[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string s;
  for (int i = 0; i < 12; ++i) s += digits[rng() % 36];
  return s;
}

std::string octal(int mode) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04o", mode & 07777);
  return buf;
}

}  // namespace

std::unique_ptr<Connection> make_connection(const ConnectionSpec& spec) {
  if (spec.type == "ssh" || spec.type == "paramiko" || spec.type == "smart" || spec.type.empty())
    return std::make_unique<SshConnection>(spec);
  if (spec.type == "local") return std::make_unique<LocalConnection>(spec);
  throw Error("unknown connection type '" + spec.type + "' for host " + spec.name, {},
              "drover supports ansible_connection=ssh and ansible_connection=local");
}

void Connection::throw_if_interrupted() const {
  if (interrupted()) throw CancelledError("the run was cancelled while a command was running on " + spec_.name);
}

void Connection::put_file(const std::string& local_path, const std::string& remote_path, int mode) {
  struct stat st {};
  if (::stat(local_path.c_str(), &st) != 0)
    throw Error("cannot read " + local_path + ": no such file");
  if (mode < 0) mode = static_cast<int>(st.st_mode & 07777);
  std::ifstream in(local_path, std::ios::binary);
  if (!in) throw Error("cannot read " + local_path);
  // Written under a temporary name beside the target and renamed, so that
  // the target is never seen half-written.
  std::string tmp = remote_path + ".drover-tmp-" + random_suffix();
  std::string q = shell_quote(tmp);
  std::string cmd = "umask 077 && cat > " + q + " && chmod " + octal(mode) + " " + q + " && mv -f " +
                    q + " " + shell_quote(remote_path) + " || { rc=$?; rm -f " + q + "; exit $rc; }";
  ExecOptions opts;
  std::string buf(256 * 1024, '\0');
  opts.stdin_source = [&](std::string& chunk) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    std::streamsize got = in.gcount();
    if (got <= 0) return false;
    chunk.assign(buf.data(), static_cast<size_t>(got));
    return true;
  };
  ExecResult r = exec(cmd, opts);
  if (r.exit_status != 0)
    throw Error("cannot write " + remote_path + " on " + spec_.name + ": " + trim(r.err));
}

void Connection::fetch_file(const std::string& remote_path, const std::string& local_path) {
  // First line of stdout: the mode; the rest: the content.
  std::string q = shell_quote(remote_path);
  ExecResult r = exec("m=$(stat -c %a -- " + q + ") && printf '%s\\n' \"$m\" && exec cat -- " + q);
  if (r.exit_status != 0)
    throw Error("cannot read " + remote_path + " on " + spec_.name + ": " + trim(r.err));
  size_t nl = r.out.find('\n');
  if (nl == std::string::npos) throw Error("cannot read " + remote_path + " on " + spec_.name);
  int mode = static_cast<int>(std::stol(r.out.substr(0, nl), nullptr, 8));
  std::string tmp = local_path + ".drover-tmp-" + random_suffix();
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(r.out.data() + nl + 1, static_cast<std::streamsize>(r.out.size() - nl - 1));
    if (!out) {
      std::remove(tmp.c_str());
      throw Error("cannot write " + local_path);
    }
  }
  ::chmod(tmp.c_str(), static_cast<mode_t>(mode));
  if (std::rename(tmp.c_str(), local_path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw Error("cannot write " + local_path);
  }
}

}  // namespace drover
