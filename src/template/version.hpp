// Version comparison for Ansible's `version` test: LooseVersion and
// StrictVersion (distutils), SemanticVersion (semver 2.0) and PEP 440
// (packaging.version.Version's order), with the
// errors Python raises when two versions cannot be compared.
#pragma once

#include <string>

namespace drover::tmpl {

// -1, 0, 1; throws TemplateError("Version comparison failed: ...").
int compare_versions(const std::string& a, const std::string& b, const std::string& type);

}  // namespace drover::tmpl
