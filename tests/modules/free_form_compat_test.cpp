// k=v parsing compared with ansible-core's own parse_kv (Debian's
// ansible-core under /usr/bin/python3) over inputs that real playbooks and
// ad-hoc commands use.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "harness/process.hpp"
#include "modules/free_form.hpp"

namespace drover {
namespace {

const std::vector<std::pair<std::string, bool>> kCases = {
    {"echo hello", true},
    {"chdir=/tmp ls -l", true},
    {"creates=/etc/x removes=/etc/y touch /etc/x", true},
    {"echo 'a b'   c", true},
    {"echo \"quoted = sign\"", true},
    {"a=b c=d", false},
    {"a='b c' d=\"e f\" g", false},
    {"msg='{{ x }}'", false},
    {"msg={{ x | default('a b') }}", false},
    {"line='a=b' path=/etc/hosts", false},
    {"cmd=ls stdin='a\\nb'", true},
    {"echo a\\=b", true},
    {"echo first\necho second", true},
    {"for i in 1 2 3; do echo $i; done", true},
    {"x=\\u00e9", false},
    {"echo {% if a %}b{% endif %}", true},
    {"path=/tmp/a  state=touch", false},
    {"k=v=w", false},
    {"executable=/bin/bash echo $0", true},
    {"  leading spaces=1", false},
    {"free words and key=val", false},
    {"warn=no echo x", true},
    {"echo \"it's\"", true},
    {"a='it''s'", false},
};

TEST(ParseKvCompat, MatchesAnsibleParseKv) {
  std::string script =
      "import json,sys\nfrom ansible.parsing.splitter import parse_kv\n"
      "for line in sys.stdin.read().split('\\x00')[:-1]:\n"
      "    raw, text = line[0] == '1', line[1:]\n"
      "    try:\n        print(json.dumps(parse_kv(text, check_raw=raw), sort_keys=True))\n"
      "    except Exception as e:\n        print(json.dumps('ERROR'))\n";
  std::string input;
  for (auto& [text, raw] : kCases) input += std::string(raw ? "1" : "0") + text + '\0';
  test::ProcessOptions po;
  po.stdin_data = input;
  auto res = test::run_process({test::kSystemPython, "-c", script}, po);
  ASSERT_EQ(res.exit_code, 0) << res.err;
  std::istringstream lines(res.out);
  for (auto& [text, raw] : kCases) {
    std::string line;
    ASSERT_TRUE(std::getline(lines, line));
    Value expected = Value::parse(line);
    Value got;
    try {
      got = parse_kv(text, raw);
    } catch (const Error&) {
      got = "ERROR";
    }
    // Compare as plain JSON objects, order-independent.
    EXPECT_EQ(nlohmann::json::parse(got.dump()), nlohmann::json::parse(expected.dump()))
        << "input: " << text << " check_raw=" << raw;
  }
}

}  // namespace
}  // namespace drover
