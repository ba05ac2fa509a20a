#include "template/symbol.hpp"

#include <mutex>
#include <unordered_set>

namespace drover::tmpl {
namespace {

struct SymbolTable {
  std::mutex mu;
  std::unordered_set<std::string> names;  // node-based: element addresses are stable
};

const std::string* intern(std::string_view name) {
  static SymbolTable table;
  std::lock_guard<std::mutex> lock(table.mu);
  return &*table.names.emplace(name).first;
}

}  // namespace

Symbol::Symbol() {
  static const std::string* empty = intern("");
  p_ = empty;
}

Symbol::Symbol(std::string_view name) : p_(intern(name)) {}

}  // namespace drover::tmpl
