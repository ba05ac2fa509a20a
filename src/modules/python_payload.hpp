// Packing a module file that drover does not implement natively into what
// the target runs, as Ansible 2.14's module_common does: a new-style Python
// module (one that imports ansible.module_utils or a collection's
// module_utils) goes into one zip with every module_utils file it imports,
// transitively; other modules (old-style key=value, WANT_JSON, JSONARGS,
// binary) are sent as they are and get their arguments in a file.
//
// Pure functions of the controller's files: no connection, no threads. The
// imports are found by reading the source (Ansible walks the AST): every
// `import ansible.module_utils.x`, `from ansible.module_utils.x import y`,
// `from ansible_collections.ns.coll.plugins.module_utils.x import y` and
// relative import of a collection, wherever it appears (inside try: or a
// function too). A name that may be a module or an attribute is tried as a
// module first, then its parent, as Ansible's ModuleDepFinder does.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace drover {

// Ansible's module styles (module_common._find_module_utils).
enum class ModuleStyle {
  new_python,  // AnsiballZ-style: zipped with its module_utils
  jsonargs,    // <<INCLUDE_ANSIBLE_MODULE_JSON_ARGS>> replaced by the arguments
  want_json,   // WANT_JSON: a file of JSON arguments as argv[1]
  old_style,   // a file of key=value arguments as argv[1]
  binary,      // not text: run as it is, JSON arguments file as argv[1]
};

ModuleStyle module_style(std::string_view source);

// One import statement: `from <dots><module> import <names>` or
// `import <module>` (names empty, level 0).
struct PyImport {
  int level = 0;       // leading dots of a relative import
  std::string module;  // dotted; may be empty for `from . import x`
  std::vector<std::string> names;
};

std::vector<PyImport> scan_python_imports(std::string_view source);

// Where module_utils come from: the `ansible` package directory of the
// controller's Ansible (holding module_utils/), directories that add to
// ansible.module_utils (a role's or the playbook's module_utils/, searched
// first), and directories that hold ansible_collections/.
struct ModuleUtilsRoots {
  std::string ansible_dir;
  std::vector<std::string> module_utils_dirs;
  std::vector<std::string> collection_roots;
};

struct PythonPayload {
  std::string zip;                 // the archive the target unpacks
  std::string digest;              // sha1 of zip: the target's cache key
  std::string module_fqn;          // what runpy runs: ansible.modules.<name> or a collection's
  std::vector<std::string> files;  // archive member names, in order (for tests and -vvv)
};

// The module's dotted name inside the payload: `ansible.modules.<name>`
// for a module outside collections, `ansible_collections.<ns>.<coll>.
// plugins.modules.<name>` for a collection's (`fqcn` "ns.coll.name").
std::string payload_module_fqn(const std::string& short_name, const std::string& collection);

// Packs `source` (the module file's text) as `module_fqn`. Throws Error
// naming the module and the module_utils it could not find (Ansible's
// "Could not find imported module support code").
PythonPayload build_python_payload(const std::string& source, const std::string& module_fqn,
                                   const ModuleUtilsRoots& roots);

}  // namespace drover
