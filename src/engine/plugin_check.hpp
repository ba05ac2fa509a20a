// The filters, tests and lookups a playbook names that drover does not
// implement natively but Ansible would find (in a collection, through
// ansible-core's routing, or in a filter_plugins/test_plugins/
// lookup_plugins directory): a load-time error that names the plugin and
// its collection, before any host is touched. Names nothing provides are
// left to the template engine's run-time error, as in Ansible.
#pragma once

#include "engine/playbook.hpp"

namespace drover {

// Throws ParserError at the first task (or play) using such a plugin.
void check_template_plugins(const Playbook& playbook);

}  // namespace drover
