// SshConnection: exec over channels of the one session.
//
// Which commands use an exec channel each and which the persistent shell,
// and why: see the comment on exec() below.
#include "transport/ssh_connection.hpp"

#include <libssh/callbacks.h>
#include <poll.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <string_view>

#include "core/strings.hpp"
#include "transport/become.hpp"
#include "transport/input_flow.hpp"
#include "transport/remote_groups.hpp"
#include "transport/shell_frame.hpp"
#include "transport/ssh_session.hpp"

namespace drover {

namespace {

using Clock = std::chrono::steady_clock;

// What the channel callbacks record. Output goes straight to `on_data`
// whenever libssh processes a packet, whichever call made it do so: reading
// from libssh's channel buffers instead can leave data there unnoticed (a
// poll of stderr pulls stdout packets in) and then sleep in poll(2) while the
// server waits for window space -- a deadlock seen with 10 MB of output.
struct ChannelState {
  int status = -1;
  std::string signal;
  bool exit_known = false;
  std::function<void(bool is_err, std::string_view data)> on_data;
  std::exception_ptr error;  // thrown by on_data: rethrown outside libssh
};

int on_data(ssh_session, ssh_channel, void* data, uint32_t len, int is_stderr, void* userdata) {
  auto* st = static_cast<ChannelState*>(userdata);
  // An exception must not unwind through libssh's C frames.
  try {
    if (!st->error) st->on_data(is_stderr != 0, std::string_view(static_cast<const char*>(data), len));
  } catch (...) {
    st->error = std::current_exception();
  }
  return static_cast<int>(len);  // all consumed: libssh grows the window
}

void on_exit_status(ssh_session, ssh_channel, int status, void* userdata) {
  auto* st = static_cast<ChannelState*>(userdata);
  st->status = status;
  st->exit_known = true;
}

void on_exit_signal(ssh_session, ssh_channel, const char* signal, int, const char*, const char*,
                    void* userdata) {
  auto* st = static_cast<ChannelState*>(userdata);
  st->signal = signal ? signal : "";
  st->exit_known = true;
}

// Owns one channel: its callbacks are detached and the channel freed
// (which sends CLOSE if still open) on every way out, and the session goes
// back to blocking mode.
class ChannelScope {
 public:
  ChannelScope(ssh_session ssh, ssh_channel ch, ChannelState& state) : ssh_(ssh), ch_(ch) {
    ssh_callbacks_init(&cb_);
    cb_.userdata = &state;
    cb_.channel_data_function = on_data;
    cb_.channel_exit_status_function = on_exit_status;
    cb_.channel_exit_signal_function = on_exit_signal;
    ssh_set_channel_callbacks(ch_, &cb_);
  }
  ~ChannelScope() {
    ssh_remove_channel_callbacks(ch_, &cb_);
    ssh_channel_free(ch_);
    ssh_set_blocking(ssh_, 1);
  }
  ChannelScope(const ChannelScope&) = delete;
  ChannelScope& operator=(const ChannelScope&) = delete;

 private:
  ssh_session ssh_;
  ssh_channel ch_;
  ssh_channel_callbacks_struct cb_{};
};

// The largest single write: bounds libssh's output buffer and keeps reads
// interleaved with writes for big uploads.
constexpr size_t kMaxWrite = 256 * 1024;

// A fired interrupt makes the session's poll return at once (its fd stays
// readable); the exec loops then kill the command.
struct InterruptWatch {
  ssh_event event;
  int fd;
  InterruptWatch(ssh_event e, const Interrupt* i) : event(e), fd(i ? i->fd() : -1) {
    if (fd >= 0 && ssh_event_add_fd(event, fd, POLLIN, [](socket_t, int, void*) { return 0; }, nullptr) != SSH_OK)
      fd = -1;
  }
  ~InterruptWatch() { release(); }
  // Stops watching: a fired interrupt would otherwise end every wait at once.
  void release() {
    if (fd >= 0) ssh_event_remove_fd(event, fd);
    fd = -1;
  }
  InterruptWatch(const InterruptWatch&) = delete;
  InterruptWatch& operator=(const InterruptWatch&) = delete;
};

// The first line of a remote shell's stderr, `echo $$ >&2` before it execs:
// the pid that sshd made a session and process group leader, killed on a
// timeout or a cancel.
struct LeadingPid {
  long pid = 0;
  bool known = false;
  std::string line;
  // Returns what follows the pid line in `data` (all of it once known).
  std::string_view take(std::string_view data) {
    if (known) return data;
    size_t had = line.size();
    line.append(data);
    size_t nl = line.find('\n');
    if (nl == std::string::npos) return {};
    pid = std::atol(line.c_str());
    known = true;
    return data.substr(nl + 1 - had);
  }
};

// How long a pid line that has not arrived is awaited: after a command on
// an exec channel was killed (SshConnection::run), and before a new
// persistent shell gets its first frame anyway (a login shell that is not
// POSIX may never print it). The line is the login shell's first output, so
// once the shell runs it comes within a round trip.
constexpr std::chrono::seconds kPidLineGrace{3};

// The command's remaining time: -1 (no limit) or milliseconds, 0 when spent.
int wait_budget_ms(Clock::time_point deadline) {
  if (deadline == Clock::time_point::max()) return -1;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(left, 0, 1 << 30));
}

// Sends what the peer's window, `flow` and kMaxWrite allow of `data`: the
// bytes written (maybe 0), or SSH_ERROR.
int send_input(ssh_channel ch, InputFlow& flow, std::string_view data) {
  if (data.empty()) return 0;
  size_t n = std::min({data.size(), flow.allowed(ssh_channel_window_size(ch), Clock::now()), kMaxWrite});
  if (n == 0) return 0;
  int w = ssh_channel_write(ch, data.data(), static_cast<uint32_t>(n));
  if (w > 0) flow.sent(static_cast<size_t>(w));
  return w;
}


}  // namespace

// The persistent shell: one session channel running `/bin/sh` that reads
// frames from its stdin. Its callbacks stay attached for its lifetime;
// state.on_data is pointed at the running command's scanners.
struct SshConnection::Shell {
  ChannelState state;
  ssh_channel ch;
  ChannelScope scope;  // frees the channel at the end: sh reads EOF and exits
  std::string token = random_shell_token();
  LeadingPid pid;
  Clock::time_point pid_due;  // set once the shell is asked to start
  std::string host;           // for note_remote_group
  bool noted = false;         // its group is on record as running

  Shell(ssh_session ssh, ssh_channel c) : ch(c), scope(ssh, c, state) { quiet(); }
  ~Shell() {
    if (noted) note_remote_group(host, pid.pid, false);
  }
  // Between commands only the pid line is expected (it may come while the
  // shell is being started); other output then is dropped.
  void quiet() {
    state.on_data = [this](bool is_err, std::string_view data) {
      if (is_err) pid.take(data);
    };
  }
  bool gone() const { return ssh_channel_is_closed(ch) || (ssh_channel_is_eof(ch) && state.exit_known); }
};

SshConnection::SshConnection(ConnectionSpec spec) : Connection(std::move(spec)) {}

SshConnection::~SshConnection() { close(); }

namespace {
std::atomic<int64_t> g_open_sessions{0};
}  // namespace

void note_ssh_session_opened() { g_open_sessions.fetch_add(1, std::memory_order_relaxed); }
int64_t ssh_connections_open() { return g_open_sessions.load(std::memory_order_relaxed); }

void SshConnection::close() {
  connected_ = false;
  shell_.reset();  // before the session that owns its channel
  if (s_) g_open_sessions.fetch_sub(1, std::memory_order_relaxed);
  s_.reset();
}

void SshConnection::fail_dropped(const std::string& doing) {
  std::string who = s_ ? s_->host + " port " + std::to_string(s_->port) : spec_.name;
  std::string detail = s_ && s_->ssh ? ssh_get_error(s_->ssh) : "";
  std::string msg = "Failed to connect to the host via ssh: Connection to " + who +
                    " closed by the remote host while " + doing + ".";
  if (!detail.empty()) msg += " (" + detail + ")";
  throw UnreachableError(msg);
}

void SshConnection::fail_request(const std::string& request, const std::string& doing) {
  if (!ssh_is_connected(s_->ssh)) fail_dropped(doing);
  // OpenSSH's client says "exec request failed on channel N" and exits 255,
  // which Ansible reports as unreachable; the session itself is still good.
  std::string detail = ssh_get_error(s_->ssh);
  throw UnreachableError("Failed to connect to the host via ssh: " + request + " request failed while " + doing +
                         " (the server refused it; the connection stays open)" +
                         (detail.empty() ? "" : ": " + detail));
}

void SshConnection::open_session(ssh_channel_struct* ch) {
  if (ssh_channel_open_session(ch) == SSH_OK) return;
  if (!ssh_is_connected(s_->ssh)) fail_dropped("opening a channel");
  throw UnreachableError(std::string("Failed to connect to the host via ssh: cannot open a session channel: ") +
                         ssh_get_error(s_->ssh));
}

// One exec channel per command, or the persistent shell for drover's own
// scripts. Measured on this machine (libssh 0.10.6 -> OpenSSH 9.2 on
// loopback, 2 shared cores, tests/transport/transport_bench), 100 sequential
// `true` on one connection:
//   exec channel per command                6-7 ms wall, 0.17-0.25 ms controller CPU,
//                                           ~6 ms target CPU (sshd forks a session,
//                                           bash starts, execs sh)
//   persistent `/bin/sh`, one frame each    0.8 ms wall, 0.05 ms controller CPU
//                                           (2026-11-25, load 6; exec channels
//                                           13 ms then); on the target a fork of
//                                           the shell, no exec
// No delayed-ACK stall appears (DESIGN.md saw ~85 ms with OpenSSH's client):
// with TCP_NODELAY and no waiting on our side, the cost per exec channel is
// the target's process start, not latency. User commands keep exec
// channels: they get real EOF on stdin, exit signals, a pty for su, and no
// process they leave behind can write into a later command's answer.
ExecResult SshConnection::exec(const std::string& command, const ExecOptions& opts) {
  throw_if_interrupted();
  if (!connected_) connect();
  bool in_shell = opts.own_script && !opts.become && !opts.stdin_source && fits_shell_frame(command, opts.stdin_data);
  long group = 0;
  // The command's group, on record since its pid line (run()), is over
  // when exec() returns, after any kill_group.
  struct GroupRecord {
    const std::string& host;
    long& group;
    ~GroupRecord() { note_remote_group(host, group, false); }
  } record{spec_.name, group};
  try {
    if (in_shell) return exec_in_shell(command, opts);
    ExecResult res = run(command, opts, &group, true);
    if (res.timed_out) kill_group(group);
    return res;
  } catch (const CancelledError&) {
    kill_group(group);
    throw;
  } catch (const UnreachableError&) {
    // The channel is gone by now; a dead session is closed so that the next
    // use reconnects.
    if (!s_ || !s_->ssh || !ssh_is_connected(s_->ssh)) close();
    throw;
  }
}

// The KILL signal request of a timeout or a cancel is not enough: OpenSSH
// (9.2, session_signal_req) makes it a killpg() of the session's group but
// refuses it in root's sessions, which run without privilege separation.
// So the group (sshd made the shell a session and group leader) is killed
// from another channel too, and no remote process outlives its command.
void SshConnection::kill_group(long group) {
  if (group <= 1 || !s_ || !s_->ssh || !ssh_is_connected(s_->ssh)) return;
  std::string g = std::to_string(group);
  ExecOptions quick;
  quick.timeout_s = 5;
  try {
    // `kill -KILL -- -G` is refused by dash ("Illegal number: -"), which
    // left every process of the group but its leader running.
    run("kill -KILL -" + g + " 2>/dev/null; kill -KILL " + g + " 2>/dev/null; true", quick, nullptr, false);
  } catch (const Error&) {
  }
}

ExecResult SshConnection::run(const std::string& command, const ExecOptions& opts, long* group, bool interruptible) {
  ssh_session ssh = s_->ssh;
  BecomePlan plan = plan_become(opts.become, command);
  BecomeDialog dialog(plan, opts.become ? opts.become->password : std::string(),
                      opts.become ? opts.become->method : std::string());
  int timeout_s = opts.timeout_s > 0 ? opts.timeout_s : spec_.command_timeout_s;
  auto deadline = timeout_s > 0 ? Clock::now() + std::chrono::seconds(timeout_s) : Clock::time_point::max();
  // The first line of stderr is the shell's pid: `exec` keeps the pid, so
  // it is the command's process group.
  LeadingPid pid;
  pid.known = group == nullptr;
  if (group) plan.command = "echo $$ >&2; exec /bin/sh -c " + shell_quote(plan.command);

  ExecResult res;
  auto pass = [&](bool is_err, std::string_view data) {
    std::string passed = is_err ? dialog.on_stderr(data) : dialog.on_stdout(data);
    if (passed.empty()) return;
    if (is_err) {
      res.err += passed;
      if (opts.on_stderr) opts.on_stderr(passed);
    } else {
      res.out += passed;
      if (opts.on_stdout) opts.on_stdout(passed);
    }
  };
  auto deliver = [&](bool is_err, std::string_view data) {
    if (!is_err || pid.known) return pass(is_err, data);
    data = pid.take(data);
    if (pid.known) {
      *group = pid.pid;
      if (interruptible) note_remote_group(spec_.name, pid.pid, true);
    }
    if (!data.empty()) pass(true, data);
  };

  InterruptWatch watch(s_->event, interruptible ? interrupt_.get() : nullptr);

  ChannelState state;
  state.on_data = deliver;  // output may come during any libssh call from here on
  ssh_channel ch = ssh_channel_new(ssh);
  if (!ch) fail_dropped("opening a channel");
  ChannelScope scope(ssh, ch, state);
  open_session(ch);
  if (plan.needs_pty && ssh_channel_request_pty(ch) != SSH_OK) fail_request("pty", "requesting a terminal");
  if (ssh_channel_request_exec(ch, plan.command.c_str()) != SSH_OK) fail_request("exec", "starting the command");
  ssh_set_blocking(ssh, 0);

  // stdin: the become password first (once asked), then the caller's data.
  std::string reply;
  std::string chunk;
  std::string_view pending;
  InputFlow flow;
  bool source_done = false;
  bool eof_sent = false;
  if (!opts.stdin_source) {
    pending = opts.stdin_data;
    source_done = true;
  }
  bool killed = false;
  bool cancelled = false;
  for (;;) {
    bool progress = false;
    if (state.error) std::rethrow_exception(state.error);
    if (interruptible && interrupted()) {
      killed = cancelled = true;
      break;
    }
    if (dialog.failed()) {
      killed = true;
      break;
    }
    if (reply.empty()) reply = dialog.take_reply();
    // Write what the peer's window and the flow limit allow, never
    // blocking: output keeps being read in between, so big data both ways
    // cannot deadlock.
    std::string_view out = !reply.empty() ? std::string_view(reply) : pending;
    bool may_write = !reply.empty() || dialog.running();
    if (may_write && !eof_sent) {
      if (out.empty() && reply.empty() && !source_done) {
        chunk.clear();
        if (!opts.stdin_source(chunk)) source_done = true;
        pending = chunk;
        out = pending;
        progress = true;
      }
      int w = send_input(ch, flow, out);
      if (w == SSH_ERROR) {
        // A command may end without reading all its input, as with
        // `ssh host cmd < file`: what is left is dropped.
        if (!ssh_is_connected(ssh) || !(ssh_channel_is_closed(ch) || ssh_channel_is_eof(ch)))
          fail_dropped("sending input to the command");
        pending = {};
        reply.clear();
        source_done = eof_sent = true;
      }
      if (w > 0) {
        if (!reply.empty()) reply.erase(0, static_cast<size_t>(w));
        else pending.remove_prefix(static_cast<size_t>(w));
        progress = true;
      }
      if (reply.empty() && pending.empty() && source_done && dialog.running()) {
        if (plan.needs_pty) {
          // A terminal has no EOF of its own: ^D at the start of a line is one.
          bool line_start = opts.stdin_data.empty() || opts.stdin_data.back() == '\n';
          ssh_channel_write(ch, "\x04\x04", line_start ? 1 : 2);
        } else {
          ssh_channel_send_eof(ch);
        }
        eof_sent = true;
      }
    }
    bool drained = ssh_channel_is_eof(ch) || ssh_channel_is_closed(ch);
    if (drained && !progress && (state.exit_known || ssh_channel_is_closed(ch))) break;
    if (!await_peer(progress, deadline, flow)) {
      res.timed_out = true;
      killed = true;
      break;
    }
  }
  if (killed && group && !pid.known) {
    // The shell's pid line may be on its way: the shell has printed it and
    // is running the command, whose children only a kill of the group
    // reaches (sshd refuses signal requests in root's sessions). Wait for
    // it, briefly. A shell that has not printed it yet dies of SIGPIPE when
    // it does, once the channel is closed below, and so never starts the
    // command.
    watch.release();
    auto until = Clock::now() + kPidLineGrace;
    int ms;
    while (!pid.known && !ssh_channel_is_eof(ch) && !ssh_channel_is_closed(ch) && ssh_is_connected(ssh) &&
           (ms = wait_budget_ms(until)) > 0)
      ssh_event_dopoll(s_->event, ms);
  }
  if (killed) {
    // OpenSSH kills the session's process group on a "signal" request,
    // except in root's sessions (see kill_group); closing the channel
    // closes the command's output pipes.
    ssh_channel_request_send_signal(ch, "KILL");
    ssh_channel_close(ch);
  }
  if (cancelled) throw_if_interrupted();
  res.exit_status = killed ? -1 : state.status;
  res.exit_signal = killed && res.timed_out ? "KILL" : state.signal;
  if (!res.exit_signal.empty()) res.exit_status = -1;
  res.become_error = dialog.finish(res.out, res.err, res.exit_status);
  if (!res.become_error.empty() && res.exit_status == 0) res.exit_status = 1;
  return res;
}

bool SshConnection::await_peer(bool progress, std::chrono::steady_clock::time_point deadline,
                               const InputFlow& flow) {
  if (!ssh_is_connected(s_->ssh)) fail_dropped("running the command");
  if (progress) return true;
  int wait_ms = wait_budget_ms(deadline);
  if (wait_ms == 0) return false;
  // The next packet (or an interrupt), sooner when `flow` holds input back.
  int flow_ms = flow.wait_ms(Clock::now());
  if (flow_ms >= 0 && (wait_ms < 0 || flow_ms < wait_ms)) wait_ms = flow_ms;
  if (ssh_event_dopoll(s_->event, wait_ms) == SSH_ERROR && !ssh_is_connected(s_->ssh))
    fail_dropped("running the command");
  return true;
}

void SshConnection::start_shell() {
  ssh_session ssh = s_->ssh;
  ssh_channel ch = ssh_channel_new(ssh);
  if (!ch) fail_dropped("opening a channel");
  auto shell = std::make_unique<Shell>(ssh, ch);
  open_session(ch);
  // The login shell prints its pid and becomes /bin/sh, as for an exec
  // channel; the pid line is read with the first command's output.
  if (ssh_channel_request_exec(ch, "echo $$ >&2; exec /bin/sh") != SSH_OK) fail_request("exec", "starting a shell");
  shell->pid_due = Clock::now() + kPidLineGrace;
  shell->host = spec_.name;
  shell_ = std::move(shell);
}

ExecResult SshConnection::exec_in_shell(const std::string& command, const ExecOptions& opts) {
  ssh_session ssh = s_->ssh;
  // A shell that died while idle (nothing polled the session since) is
  // noticed now, not reported as this command's death.
  if (shell_) ssh_event_dopoll(s_->event, 0);
  if (shell_ && shell_->gone()) shell_.reset();
  if (!shell_) start_shell();
  Shell& sh = *shell_;
  int timeout_s = opts.timeout_s > 0 ? opts.timeout_s : spec_.command_timeout_s;
  auto deadline = timeout_s > 0 ? Clock::now() + std::chrono::seconds(timeout_s) : Clock::time_point::max();

  ExecResult res;
  FrameEndScanner out_end(sh.token), err_end(sh.token);
  auto pass = [&](bool is_err, const std::string& passed) {
    if (passed.empty()) return;
    (is_err ? res.err : res.out) += passed;
    if (const auto& cb = is_err ? opts.on_stderr : opts.on_stdout) cb(passed);
  };
  sh.state.on_data = [&](bool is_err, std::string_view data) {
    if (is_err) data = sh.pid.take(data);
    pass(is_err, (is_err ? err_end : out_end).feed(data));
  };
  // Every way out leaves the shell quiet and the session blocking.
  struct Restore {
    SshConnection* conn;
    ssh_session ssh;
    ~Restore() {
      if (conn->shell_) conn->shell_->quiet();
      ssh_set_blocking(ssh, 1);
    }
  } restore{this, ssh};
  InterruptWatch watch(s_->event, interrupt_.get());
  ssh_set_blocking(ssh, 0);

  // Output held back as a possible token start is the command's own when
  // the frame cannot end normally.
  auto take_rest = [&] {
    pass(false, out_end.rest());
    pass(true, err_end.rest());
  };
  // Ends the command with everything it started, and the shell: the next
  // command starts a new one. Without a pid (within kPidLineGrace) no frame
  // was sent: the shell only has to go.
  auto kill_shell = [&] {
    long group = sh.pid.known ? sh.pid.pid : 0;
    ssh_channel_request_send_signal(sh.ch, "KILL");
    shell_.reset();
    kill_group(group);
  };
  std::string frame = shell_frame(command, opts.stdin_data, sh.token);
  std::string_view pending = frame;
  InputFlow flow;
  bool cancelled = false;
  for (;;) {
    if (sh.state.error) {
      // A callback threw mid-frame: the shell, its frame unfinished and its
      // error recorded, cannot serve another command.
      std::exception_ptr error = sh.state.error;
      kill_shell();
      std::rethrow_exception(error);
    }
    if (interrupted()) {
      cancelled = true;
      break;
    }
    bool progress = false;
    // The frame goes only to a shell whose pid is known: a command that
    // starts is then always one kill_group can end with its children.
    bool may_send = sh.pid.known || Clock::now() >= sh.pid_due;
    if (sh.pid.known && !sh.noted) {
      sh.noted = true;
      note_remote_group(sh.host, sh.pid.pid, true);
    }
    int w = may_send ? send_input(sh.ch, flow, pending) : 0;
    if (w == SSH_ERROR && !ssh_is_connected(ssh)) fail_dropped("sending a command");
    if (w > 0) {
      pending.remove_prefix(static_cast<size_t>(w));
      progress = true;
    }
    if (out_end.done() && err_end.done()) break;
    if (sh.gone()) {
      // The shell itself ended (killed from elsewhere, or the command killed
      // it): report as an exec channel would, then start afresh next time.
      take_rest();
      res.exit_status = sh.state.exit_known && sh.state.signal.empty() ? sh.state.status : -1;
      res.exit_signal = sh.state.signal;
      shell_.reset();
      return res;
    }
    auto until = may_send ? deadline : std::min(deadline, sh.pid_due);
    if (!await_peer(progress, until, flow) && until == deadline) {
      res.timed_out = true;
      break;
    }
  }
  if (cancelled || res.timed_out) {
    // Everything the command started is in the shell's process group.
    take_rest();
    kill_shell();
    if (cancelled) throw_if_interrupted();
    res.exit_signal = "KILL";
    return res;
  }
  res.exit_status = std::atoi(out_end.trailer().c_str() + (out_end.trailer().empty() ? 0 : 1));
  return res;
}

}  // namespace drover
