#include "modules/template_vars.hpp"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>

#include "modules/shell_script.hpp"

namespace drover {

Value ansible_template_vars(const std::string& as_given, const std::string& full_path, const Value& dest) {
  struct stat st {};
  ::stat(full_path.c_str(), &st);
  std::string uid_name = std::to_string(st.st_uid);
  if (const passwd* pw = ::getpwuid(st.st_uid)) uid_name = pw->pw_name;
  char host[256] = {0};
  ::gethostname(host, sizeof host - 1);
  // str(datetime) of the mtime: Ansible shows microseconds when the file
  // system has them, which drover does not match to the digit.
  return Value{{"template_host", host},
               {"template_path", as_given},
               {"template_mtime", format_timestamp(std::chrono::system_clock::from_time_t(st.st_mtime))},
               {"template_uid", uid_name},
               {"template_run_date", format_timestamp(std::chrono::system_clock::now())},
               {"template_fullpath", full_path},
               {"template_destpath", dest},
               {"ansible_managed", "Ansible managed"}};
}

}  // namespace drover
