// drover's side of the template benchmark: renders a template file N times
// through Engine::render_template_file (what the template module calls:
// stat + parse cache hit + render) and prints the wall and CPU seconds of
// the render loop, then the sha1 and size of the output.
#include <openssl/evp.h>

#include <chrono>
#include <ctime>
#include <cstdio>
#include <string>

#include "core/yaml.hpp"
#include "template/engine.hpp"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: template_bench TEMPLATE VARS.json N\n");
    return 2;
  }
  drover::Value vars = drover::load_yaml_value_file(argv[2]);
  long n = std::stol(argv[3]);
  drover::tmpl::Engine engine;
  drover::tmpl::ValueVariables source(vars);
  std::string out;
  auto start = std::chrono::steady_clock::now();
  std::clock_t cpu_start = std::clock();
  for (long i = 0; i < n; ++i) out = engine.render_template_file(argv[1], source);
  double cpu = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(out.data(), out.size(), md, &len, EVP_sha1(), nullptr);
  std::printf("%.6f %.6f ", secs, cpu);
  for (unsigned int i = 0; i < len; ++i) std::printf("%02x", md[i]);
  std::printf(" %zu\n", out.size());
  return 0;
}
