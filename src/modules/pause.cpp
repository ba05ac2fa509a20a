// pause: wait a number of seconds or minutes, or for the user to press
// enter (ansible.builtin.pause). Without a terminal on stdin a prompt does
// not wait, as Ansible does when stdin is not interactive.
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <iostream>
#include <thread>

#include "core/pyrepr.hpp"
#include "modules/registry.hpp"
#include "modules/shell_script.hpp"

namespace drover {
namespace {

class PauseModule : public Module {
 public:
  PauseModule() {
    spec_.options = {opt("minutes", OptionType::integer), opt("seconds", OptionType::integer), opt("prompt"),
                     opt("echo", OptionType::boolean).def(true)};
    spec_.mutually_exclusive = {{"minutes", "seconds"}};
  }
  const ArgSpec& spec() const override { return spec_; }
  bool needs_connection() const override { return false; }

  Value run(const Value& args, ModuleContext& ctx) const override {
    bool echo = args["echo"] == true;
    std::string hidden = echo ? "" : " (output is hidden)";
    Value r = {{"changed", false}, {"rc", 0}, {"stderr", ""}, {"stdout", ""}, {"start", nullptr},
               {"stop", nullptr}, {"delta", nullptr}, {"echo", echo}};
    bool minutes = !args["minutes"].is_null();
    int64_t seconds = -1;
    if (minutes) seconds = args["minutes"].get<int64_t>() * 60;
    else if (!args["seconds"].is_null()) seconds = args["seconds"].get<int64_t>();
    auto say = [&](const std::string& s) {
      if (ctx.display) ctx.display(s);
    };
    auto start = std::chrono::system_clock::now();
    r["start"] = format_timestamp(start);
    std::string input;
    if (seconds >= 0) {
      if (seconds < 1) seconds = 1;
      say("Pausing for " + std::to_string(seconds) + " seconds" + hidden);
      say("(ctrl+C then 'C' = continue early, ctrl+C then 'A' = abort)\r");
      if (!args["prompt"].is_null()) say(args["prompt"].get<std::string>());
      wait_unless_cancelled(ctx.cancel, static_cast<double>(seconds));
    } else {
      std::string prompt = args["prompt"].is_null() ? "Press enter to continue, Ctrl+C to interrupt"
                                                    : args["prompt"].get<std::string>();
      say("[" + ctx.host + "]\n" + prompt + hidden + ":");
      if (isatty(STDIN_FILENO)) std::getline(std::cin, input);
    }
    auto stop = std::chrono::system_clock::now();
    double duration = std::chrono::duration<double>(stop - start).count();
    r["stop"] = format_timestamp(stop);
    r["delta"] = static_cast<int64_t>(duration);
    double shown = std::round((minutes ? duration / 60.0 : duration) * 100.0) / 100.0;
    r["stdout"] = "Paused for " + python_float_repr(shown) + (minutes ? " minutes" : " seconds");
    r["user_input"] = input;
    return r;
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration pause_registration({"pause"}, make_module<PauseModule>);

}  // namespace drover
