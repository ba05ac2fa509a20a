// synchronize: rsync between the controller and the host (ansible.posix's
// synchronize action and module, Debian 12's ansible 7). rsync runs on the
// controller; the host is reached by ssh with the host's address, port, user
// and key from its connection settings, and the same ssh options Ansible
// gives (`-S none`, `-o Port=`, no host key check unless verify_host). The
// command line is built as Ansible builds it, so `cmd` reads the same;
// changed is "did rsync itemize anything" (its --out-format marker). Push
// copies controller src to the host's dest, pull the other way. Relative
// controller paths are found as Ansible's (role files/, then the task's and
// playbook's directories). The result: changed, cmd, msg (rsync's itemized
// output), rc, stdout_lines; in diff mode diff.prepared.
//
// Not done here: delegate_to (rsync from one host to another), and
// docker/podman/buildah connections.
#include "core/strings.hpp"
#include "modules/answer_script.hpp"
#include "modules/command_steps.hpp"
#include "modules/file_attrs.hpp"
#include "modules/module_args.hpp"
#include "modules/registry.hpp"

namespace drover {
namespace {

// Where a local program is, as get_bin_path finds it (PATH, then the sbin
// directories); empty when it is nowhere.
constexpr const char* kWhichBody = R"SH(
_p=$PATH
for _d in /sbin /usr/sbin /usr/local/sbin; do case ":$_p:" in *":$_d:"*) ;; *) _p="$_p:$_d" ;; esac; done
for _n in "$@"; do printf '%s\n' "$(PATH=$_p command -v "$_n")"; done
printf '%s\n' "$_p"
)SH";

bool is_rsync_url(const std::string& s) { return s.starts_with("rsync://"); }
// Ansible's is_rsh_needed: a colon on either side, no rsync:// URL.
bool rsh_needed(const std::string& source, const std::string& dest) {
  if (is_rsync_url(source) || is_rsync_url(dest)) return false;
  return source.find(':') != std::string::npos || dest.find(':') != std::string::npos;
}

class SynchronizeModule : public Module {
 public:
  SynchronizeModule() {
    spec_.options = {
        opt("src").req(),
        opt("dest").req(),
        opt("dest_port", OptionType::integer),
        opt("delete", OptionType::boolean).def(false),
        opt("private_key", OptionType::path),
        opt("rsync_path"),
        opt("archive", OptionType::boolean).def(true),
        opt("checksum", OptionType::boolean).def(false),
        opt("compress", OptionType::boolean).def(true),
        opt("existing_only", OptionType::boolean).def(false),
        opt("dirs", OptionType::boolean).def(false),
        opt("recursive", OptionType::boolean),
        opt("links", OptionType::boolean),
        opt("copy_links", OptionType::boolean).def(false),
        opt("perms", OptionType::boolean),
        opt("times", OptionType::boolean),
        opt("owner", OptionType::boolean),
        opt("group", OptionType::boolean),
        opt("set_remote_user", OptionType::boolean).def(true),
        opt("rsync_timeout", OptionType::integer).def(0),
        opt("rsync_opts", OptionType::list).of(OptionType::str).def(Value::array()),
        opt("ssh_args"),
        opt("ssh_connection_multiplexing", OptionType::boolean).def(false),
        opt("partial", OptionType::boolean).def(false),
        opt("verify_host", OptionType::boolean).def(false),
        opt("delay_updates", OptionType::boolean).def(true),
        opt("mode").def("push").one_of({"pull", "push"}),
        opt("link_dest", OptionType::list).of(OptionType::str),
        opt("use_ssh_args", OptionType::boolean).def(false),
    };
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& validated, ModuleContext& ctx) const override {
    const ModuleArgs p(validated);
    const ConnectionSpec& conn = ctx.connection->spec();
    if (conn.type != "ssh" && conn.type != "local")
      return failed_result("synchronize uses rsync to function. rsync needs to connect to the remote host via ssh, "
                           "docker client or a direct filesystem copy. This remote host is being accessed via " +
                           conn.type + " instead so it cannot work.");
    const bool local = conn.type == "local";
    const bool pull = p.str("mode") == "pull";
    auto flag = [&](const char* k) { return p.flag(k); };
    auto is_false = [&](const char* k) { return p.optional_flag(k) == false; };

    // The action plugin's part: the host's side as user@host:path, the
    // controller's side found like Ansible's files.
    std::string user = (!local && flag("set_remote_user")) ? conn.user : "";
    auto host_side = [&](const std::string& path) {
      std::string host = conn.host.find(':') != std::string::npos ? "[" + conn.host + "]" : conn.host;
      return (user.empty() ? "" : user + "@") + host + ":" + path;
    };
    auto controller_side = [&](std::string path) {
      if (is_rsync_url(path) || path.starts_with("/")) return path;
      std::string found = files::find_controller_file(ctx.search_path, "files", path);
      if (found.empty()) found = (ctx.search_path.empty() ? std::string(".") : ctx.search_path.back()) + "/" + path;
      if (path.ends_with("/") && !found.ends_with("/")) found += "/";
      return found;
    };
    std::string source = p.str("src"), dest = p.str("dest");
    if (local) {
      source = controller_side(source), dest = controller_side(dest);
    } else if (pull) {
      source = host_side(source), dest = controller_side(dest);
    } else {
      source = controller_side(source), dest = host_side(dest);
    }
    Value dest_port = p.value("dest_port");
    if (dest_port.is_null() && conn.port != 0) dest_port = conn.port;
    std::string private_key = p.str("private_key");
    if (private_key.empty() && !local && !conn.identity_files.empty()) private_key = conn.identity_files.front();
    std::string rsync_path = p.str("rsync_path");
    if (!local && ctx.become && rsync_path.empty() && ctx.become->method == "sudo")
      rsync_path = ctx.become->user.empty() ? "sudo rsync" : "sudo -u " + ctx.become->user + " rsync";
    std::string ssh_args = p.str("ssh_args");
    // use_ssh_args: the host's ssh_common_args and ssh_extra_args (drover's
    // connection keeps no ansible.cfg ssh_args).
    if (flag("use_ssh_args") && !local) {
      std::vector<std::string> words;
      for (const auto& a : conn.ssh_args) words.push_back(python_shlex_quote(a));
      ssh_args = join(words, " ");
    }

    // The module's part, on the controller.
    ConnectionSpec here;
    here.name = "localhost";
    here.type = "local";
    auto controller = make_connection(here);
    std::string which_args = " rsync ssh sshpass";
    ExecResult which = controller->exec("set --" + which_args + "\n" + kWhichBody);
    auto found = split_lines(which.out);
    found.resize(4);
    if (found[0].empty())
      return failed_result("Failed to find required executable \"rsync\" in paths: " + found[3]);
    std::vector<std::string> cmd{found[0]};
    const bool password = !local && !conn.password.empty();
    if (password) {
      if (found[2].empty()) return failed_result("to use rsync connection with passwords, you must install the sshpass program");
      cmd.insert(cmd.begin(), {"sshpass", "-e"});
    }
    if (flag("delay_updates")) cmd.insert(cmd.end(), {"--delay-updates", "-F"});
    if (flag("compress")) cmd.push_back("--compress");
    if (p.integer("rsync_timeout") != 0) cmd.push_back("--timeout=" + std::to_string(p.integer("rsync_timeout")));
    if (ctx.check_mode) cmd.push_back("--dry-run");
    if (flag("delete")) cmd.push_back("--delete-after");
    if (flag("existing_only")) cmd.push_back("--existing");
    if (flag("checksum")) cmd.push_back("--checksum");
    if (flag("copy_links")) cmd.push_back("--copy-links");
    if (flag("archive")) {
      cmd.push_back("--archive");
      for (auto [k, no] : {std::pair<const char*, const char*>{"recursive", "--no-recursive"}, {"links", "--no-links"},
                           {"perms", "--no-perms"}, {"times", "--no-times"}, {"owner", "--no-owner"},
                           {"group", "--no-group"}})
        if (is_false(k)) cmd.push_back(no);
    } else {
      for (const char* k : {"recursive", "links", "perms", "times", "owner", "group"})
        if (flag(k)) cmd.push_back(std::string("--") + k);
    }
    if (flag("dirs")) cmd.push_back("--dirs");
    if (is_rsync_url(source) && is_rsync_url(dest)) {
      Value r = failed_result("either src or dest must be a localhost");
      r["rc"] = 1;
      return r;
    }
    const std::vector<std::string> rsync_opts = p.strings("rsync_opts");
    if (rsh_needed(source, dest)) {
      bool has_rsh = false;
      for (const auto& o : rsync_opts) has_rsh = has_rsh || o.find("--rsh") != std::string::npos;
      if (!has_rsh) {
        if (found[1].empty()) return failed_result("Failed to find required executable \"ssh\" in paths: " + found[3]);
        std::vector<std::string> ssh{found[1]};
        if (!flag("ssh_connection_multiplexing")) ssh.insert(ssh.end(), {"-S", "none"});
        if (!private_key.empty()) ssh.insert(ssh.end(), {"-i", private_key});
        if (!dest_port.is_null()) ssh.insert(ssh.end(), {"-o", "Port=" + to_display_string(dest_port)});
        if (!flag("verify_host"))
          ssh.insert(ssh.end(), {"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null"});
        std::string ssh_str;
        for (const auto& a : ssh) ssh_str += (ssh_str.empty() ? "" : " ") + python_shlex_quote(a);
        if (!ssh_args.empty()) ssh_str += " " + ssh_args;
        cmd.push_back("--rsh=" + python_shlex_quote(ssh_str));
      }
    }
    if (!rsync_path.empty()) cmd.push_back("--rsync-path=" + python_shlex_quote(rsync_path));
    cmd.insert(cmd.end(), rsync_opts.begin(), rsync_opts.end());
    if (flag("partial")) cmd.push_back("--partial");
    const bool link_dest = !p.strings("link_dest").empty();
    if (link_dest) {
      cmd.insert(cmd.end(), {"-H", "-vv"});
      for (const auto& x : p.strings("link_dest")) cmd.push_back("--link-dest=" + x);
    }
    const std::string marker = "<<CHANGED>>";
    cmd.push_back("--out-format=" + python_shlex_quote(marker + "%i %n%L"));
    cmd.push_back(python_shlex_quote(source));
    cmd.push_back(python_shlex_quote(dest));
    const std::string cmdstr = join(cmd, " ");

    // Ansible runs the string split as a shell would; the words are quoted
    // already, so /bin/sh reads them the same.
    ExecOptions opts;
    opts.timeout_s = ctx.timeout_s;
    std::string run = cmdstr;
    if (password) run = "SSHPASS=" + shell_quote(conn.password) + " " + run;
    ExecResult res = controller->exec(run, opts);
    if (res.exit_status != 0) {
      Value r = failed_result(res.err);
      r["rc"] = res.exit_status;
      r["cmd"] = cmdstr;
      return r;
    }
    const bool changed = link_dest ? res.out.find(marker + ".") == std::string::npos
                                   : res.out.find(marker) != std::string::npos;
    std::string clean = res.out;
    for (size_t i = clean.find(marker); i != std::string::npos; i = clean.find(marker, i)) clean.erase(i, marker.size());
    Value lines = Value::array();
    for (const auto& l : split(clean, '\n'))
      if (!l.empty()) lines.push_back(l);
    Value result{{"changed", changed}, {"msg", clean}, {"rc", 0}, {"cmd", cmdstr}, {"stdout_lines", lines}};
    if (ctx.diff_mode) result["diff"] = Value{{"prepared", clean}};
    return result;
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration synchronize_registration({"synchronize", "ansible.posix.synchronize"},
                                                  make_module<SynchronizeModule>);

}  // namespace drover
