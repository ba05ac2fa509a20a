// drover play against ansible-playbook on a project that keeps its secrets
// in Ansible Vault (files written by Debian's ansible-vault, the oracle):
// vaulted group_vars and host_vars files, an inline `!vault` value, vaulted
// vars_files, include_vars, role vars and defaults, a vaulted template and
// copy source, assemble fragments, a script, an archive, the unvault lookup and the vault/unvault filters give the same
// output; a missing, wrong or partial password and a tampered file fail as
// Ansible fails; secrets stay out of output unless printed on purpose.
#include <gtest/gtest.h>

#include "harness/playbook_output.hpp"
#include "harness/process.hpp"

namespace drover {
namespace {

const char* kSite = R"(- hosts: web
  gather_facts: false
  vars_files: [inc.yml]
  tasks:
    - debug: msg="{{ db_password }} {{ api_key }} {{ plain_var }} {{ host_token }} {{ included_secret }}"
    - include_vars: inc.yml
    - debug: var=included_secret
    - template: src=motd.j2 dest={{ playbook_dir }}/out/motd mode=0644
    - copy: src=blob.txt dest={{ playbook_dir }}/out/blob mode=0644
    - command: cat {{ playbook_dir }}/out/motd {{ playbook_dir }}/out/blob
      register: cat
    - debug: var=cat.stdout_lines
    - debug: msg="{{ lookup('unvault', 'unv.txt') }}"
    - debug: msg="{{ 'abc' | vault('k', salt='0123456789abcdef') }}"
    - debug: msg="{{ 'abc' | vault('k') | unvault('k') }}"
    - debug: msg="{{ db_password }}"
      no_log: true
    - assemble: src=frags dest={{ playbook_dir }}/out/assembled mode=0644
    - script: hello.sh
      register: sc
    - debug: var=sc.stdout
    - file: path={{ playbook_dir }}/out/x state=directory
    - unarchive: src=arch.tar.gz dest={{ playbook_dir }}/out/x
    - command: cat {{ playbook_dir }}/out/assembled {{ playbook_dir }}/out/x/inner.txt
      register: cat2
    - debug: var=cat2.stdout_lines
    - import_role: name=r1
)";

class VaultPlaybookCompat : public ::testing::Test {
 protected:
  void SetUp() override {
    d_.write("pw", "s3cret\n");
    d_.write("pw2", "other\n");
    d_.write("hosts", "[web]\nh1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n");
    d_.write("out/.keep", "");
    d_.write("group_vars/web/vault.yml", "db_password: group-secret\n");
    d_.write("host_vars/h1.yml", "host_token: host-secret\n");
    d_.write("roles/r1/vars/main.yml", "role_secret: from-role-vars\n");
    d_.write("roles/r1/defaults/main.yml", "role_default: from-role-defaults\n");
    d_.write("roles/r1/tasks/main.yml", "- debug: msg=\"{{ role_secret }} {{ role_default }}\"\n");
    d_.write("inc.yml", "included_secret: from-include-vars\n");
    d_.write("templates/motd.j2", "motd for {{ inventory_hostname }}: {{ db_password }}\n");
    d_.write("files/blob.txt", "copied secret file\n");
    d_.write("files/unv.txt", "unvaulted text\n");
    d_.write("frags/a", "fragment a (vaulted)\n");
    d_.write("frags/b", "fragment b\n");
    d_.write("files/hello.sh", "#!/bin/sh\necho script ran from a vaulted file\n");
    d_.write("arch/inner.txt", "inside the vaulted archive\n");
    d_.write("site.yml", kSite);
    po_.cwd = d_.path();
    po_.env = {{"ANSIBLE_NOCOLOR", "1"}, {"ANSIBLE_FORCE_COLOR", "0"}, {"ANSIBLE_RETRY_FILES_ENABLED", "0"},
               {"ANSIBLE_CONFIG", d_.path() + "/none.cfg"}};
    auto inline_value = vault({"encrypt_string", "--vault-password-file", "pw", "--name", "api_key", "inline-key"});
    d_.write("group_vars/web/plain.yml", inline_value.out + "\nplain_var: visible\n");
    test::run_shell("tar -czf files/arch.tar.gz -C arch inner.txt", po_);
    vault({"encrypt", "--vault-password-file", "pw", "group_vars/web/vault.yml", "roles/r1/vars/main.yml", "inc.yml",
           "templates/motd.j2", "files/blob.txt", "files/unv.txt", "frags/a", "files/hello.sh",
           "files/arch.tar.gz"});
    vault({"encrypt", "--vault-id", "prod@pw2", "host_vars/h1.yml", "roles/r1/defaults/main.yml"});
  }
  test::ProcessResult vault(std::vector<std::string> args) {
    args.insert(args.begin(), "/usr/bin/ansible-vault");
    auto r = test::run_process(args, po_);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r;
  }
  // Runs both on site.yml with `extra`; returns {ansible, drover}.
  std::pair<test::ProcessResult, test::ProcessResult> both(const std::vector<std::string>& extra,
                                                           const std::string& playbook = "site.yml") {
    std::vector<std::string> a{"/usr/bin/ansible-playbook", "-i", "hosts", playbook};
    a.insert(a.end(), extra.begin(), extra.end());
    auto theirs = test::run_process(a, po_);
    test::run_shell("rm -rf out/motd out/blob out/assembled out/x", po_);
    std::vector<std::string> d{"play", "-i", "hosts", playbook};
    d.insert(d.end(), extra.begin(), extra.end());
    auto ours = test::run_drover(d, po_);
    return {theirs, ours};
  }

  test::TempDir d_;
  test::ProcessOptions po_;
};

TEST_F(VaultPlaybookCompat, VaultedVarsTemplatesCopySourcesLookupsAndFiltersPrintTheSame) {
  auto [theirs, ours] = both({"--vault-id", "pw", "--vault-id", "prod@pw2"});
  ASSERT_EQ(theirs.exit_code, 0) << theirs.out << theirs.err;
  EXPECT_EQ(ours.exit_code, 0) << ours.err;
  EXPECT_EQ(test::playbook_sections(ours.out), test::playbook_sections(theirs.out))
      << "ansible:\n" << theirs.out << "\ndrover:\n" << ours.out << ours.err;
  EXPECT_EQ(test::read_file(d_.path() + "/out/motd"), "motd for h1: group-secret\n");
}

TEST_F(VaultPlaybookCompat, NoPasswordFailsAsAnsibleFails) {
  auto [theirs, ours] = both({});
  EXPECT_EQ(ours.exit_code, theirs.exit_code);
  EXPECT_EQ(ours.err, theirs.err);
  EXPECT_NE(ours.err.find("Attempting to decrypt but no vault secrets found"), std::string::npos) << ours.err;
}

TEST_F(VaultPlaybookCompat, AMissingVaultIdNamesTheFileItCouldNotDecrypt) {
  d_.write("vars_only.yml", "- hosts: web\n  gather_facts: false\n  tasks:\n    - debug: var=host_token\n");
  auto [theirs, ours] = both({"--vault-id", "dev@pw"}, "vars_only.yml");
  EXPECT_EQ(ours.exit_code, theirs.exit_code);
  EXPECT_EQ(ours.err, theirs.err);
}

TEST_F(VaultPlaybookCompat, AWrongPasswordFailsAsAnsibleFails) {
  d_.write("files_only.yml", "- hosts: web\n  gather_facts: false\n  vars_files: [inc.yml]\n  tasks: []\n");
  test::run_shell("rm -rf group_vars host_vars", po_);
  auto [theirs, ours] = both({"--vault-password-file", "pw2"}, "files_only.yml");
  EXPECT_EQ(ours.exit_code, theirs.exit_code);
  EXPECT_EQ(ours.err, theirs.err);
  EXPECT_NE(ours.err.find("Decryption failed (no vault secrets were found that could decrypt) on " + d_.path() +
                          "/inc.yml"),
            std::string::npos)
      << ours.err;
}

TEST_F(VaultPlaybookCompat, ATamperedVarsFileFailsAsAnsibleFails) {
  std::string v = test::read_file(d_.path() + "/inc.yml");
  size_t last = v.rfind('\n', v.size() - 2) + 1;
  v[last + 5] = v[last + 5] == '1' ? '2' : '1';  // still valid hex, another byte
  d_.write("inc.yml", v);
  auto [theirs, ours] = both({"--vault-id", "pw", "--vault-id", "prod@pw2"});
  EXPECT_EQ(ours.exit_code, theirs.exit_code);
  EXPECT_EQ(ours.err, theirs.err);
}

TEST_F(VaultPlaybookCompat, WithoutSecretsAnInlineValueStaysEncryptedForTheUnvaultFilter) {
  auto inline_value = vault({"encrypt_string", "--vault-password-file", "pw", "--name", "sealed", "opened"});
  std::string indented;
  for (char c : inline_value.out) indented += c == '\n' ? std::string("\n    ") : std::string(1, c);
  d_.write("lazy.yml", "- hosts: web\n  gather_facts: false\n  vars:\n    " + indented +
                           "\n  tasks:\n"
                           "    - debug: msg=\"{{ sealed | unvault('s3cret') }}\"\n"
                           "    - debug: msg=\"{{ sealed is vault_encrypted }}\"\n"
                           "    - debug: msg=\"{{ 'x' | vault('k', wrap_object=True) | type_debug }}\"\n");
  test::run_shell("rm -rf group_vars host_vars", po_);
  auto [theirs, ours] = both({}, "lazy.yml");
  ASSERT_EQ(theirs.exit_code, 0) << theirs.out << theirs.err;
  EXPECT_EQ(ours.exit_code, 0) << ours.err;
  EXPECT_EQ(test::playbook_sections(ours.out), test::playbook_sections(theirs.out))
      << "ansible:\n" << theirs.out << "\ndrover:\n" << ours.out << ours.err;
}

TEST_F(VaultPlaybookCompat, WithoutSecretsUsingAnInlineValueAsTextFailsTheTask) {
  auto inline_value = vault({"encrypt_string", "--vault-password-file", "pw", "--name", "sealed", "opened"});
  std::string indented;
  for (char c : inline_value.out) indented += c == '\n' ? std::string("\n    ") : std::string(1, c);
  d_.write("use.yml", "- hosts: web\n  gather_facts: false\n  vars:\n    " + indented +
                          "\n  tasks:\n    - debug: msg=\"value {{ sealed }}\"\n      ignore_errors: true\n"
                          "    - copy: content=\"{{ sealed }}\" dest={{ playbook_dir }}/out/sealed\n");
  test::run_shell("rm -rf group_vars host_vars", po_);
  auto [theirs, ours] = both({}, "use.yml");
  EXPECT_EQ(ours.exit_code, theirs.exit_code) << theirs.out << ours.out;
  EXPECT_NE(theirs.out.find("Attempting to decrypt but no vault secrets found"), std::string::npos) << theirs.out;
  EXPECT_NE(ours.out.find("Attempting to decrypt but no vault secrets found"), std::string::npos) << ours.out;
  EXPECT_EQ(ours.out.find("$ANSIBLE_VAULT"), std::string::npos) << ours.out;
  // The single-expression argument fails too: no ciphertext dict reaches a module.
  EXPECT_EQ(test::run_shell("test -e out/sealed", po_).exit_code, 1);
}

// Inline values are opened when first used, as Ansible's
// AnsibleVaultEncryptedUnicode: one that no password opens fails only the
// task that uses it, and an opened one is still `vault_encrypted`.
TEST_F(VaultPlaybookCompat, AnInlineValueIsOpenedOnlyWhenATaskUsesIt) {
  std::string unopened = vault({"encrypt_string", "--vault-id", "dev@pw2", "--name", "unopened", "never-used"}).out;
  std::string opened = vault({"encrypt_string", "--vault-password-file", "pw", "--name", "opened", "used-value"}).out;
  // Each line of `block` indented by `n` spaces.
  auto indent = [](const std::string& block, size_t n) {
    std::string out = std::string(n, ' ');
    for (char c : block) out += c == '\n' ? "\n" + std::string(n, ' ') : std::string(1, c);
    return out;
  };
  std::string kept = "kept" + opened.substr(opened.find(':'));
  d_.write("lazy_use.yml", "- hosts: web\n  gather_facts: false\n  vars:\n" + indent(unopened, 4) + "\n" +
                               indent(opened, 4) +
                               "\n  tasks:\n"
                               "    - debug: msg=\"{{ opened }} {{ opened is vault_encrypted }} {{ opened | type_debug }}\"\n"
                               "    - set_fact:\n" + indent(kept, 8) +
                               "\n    - debug: msg=\"{{ kept is vault_encrypted }} {{ kept | length }} {{ kept == 'used-value' }}\"\n"
                               "    - debug: msg=\"{{ unopened }}\"\n      ignore_errors: true\n"
                               "    - copy: content={{ opened }} dest={{ playbook_dir }}/out/blob mode=0644\n");
  test::run_shell("rm -rf group_vars host_vars", po_);
  auto [theirs, ours] = both({"--vault-password-file", "pw"}, "lazy_use.yml");
  ASSERT_EQ(theirs.exit_code, 0) << theirs.out << theirs.err;
  EXPECT_EQ(ours.exit_code, 0) << ours.out << ours.err;
  EXPECT_EQ(test::playbook_sections(ours.out), test::playbook_sections(theirs.out))
      << "ansible:\n" << theirs.out << "\ndrover:\n" << ours.out << ours.err;
  EXPECT_NE(ours.out.find("Decryption failed (no vault secrets were found that could decrypt)"), std::string::npos)
      << ours.out;
  EXPECT_EQ(test::read_file(d_.path() + "/out/blob"), "used-value");
}

// ansible-playbook asks the SSH and become passwords, then the vault
// password (the playbook is read after).
TEST_F(VaultPlaybookCompat, TheVaultPasswordIsAskedAfterTheSshAndBecomePasswords) {
  test::ProcessOptions in = po_;
  in.stdin_data = "ssh-pass\nbecome-pass\ns3cret\n";
  d_.write("asked.yml", "- hosts: web\n  gather_facts: false\n  tasks:\n    - debug: msg=\"{{ db_password }}\"\n");
  auto r = test::run_drover({"play", "-i", "hosts", "asked.yml", "-k", "-K", "-J", "--vault-id", "prod@pw2"}, in);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("group-secret"), std::string::npos) << r.out;
  size_t ssh = r.err.find("SSH password:"), become = r.err.find("BECOME password"), pass = r.err.find("Vault password:");
  ASSERT_NE(pass, std::string::npos) << r.err;
  EXPECT_LT(ssh, become) << r.err;
  EXPECT_LT(become, pass) << r.err;
}

TEST_F(VaultPlaybookCompat, SecretsStayOutOfJsonEventsAndVerboseOutputUnlessPrinted) {
  d_.write("quiet.yml",
           "- hosts: web\n  gather_facts: false\n  tasks:\n"
           "    - template: src=motd.j2 dest={{ playbook_dir }}/out/motd\n"
           "    - debug: msg=\"{{ db_password }}\"\n      no_log: true\n"
           "    - set_fact: copy_of={{ db_password }}\n      no_log: true\n");
  for (auto mode : {std::string("--json"), std::string("-vvv")}) {
    auto r = test::run_drover({"play", "-i", "hosts", "quiet.yml", "--vault-id", "pw", "--vault-id", "prod@pw2", mode},
                              po_);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out.find("group-secret"), std::string::npos) << mode << "\n" << r.out;
    EXPECT_EQ(r.err.find("group-secret"), std::string::npos) << mode << "\n" << r.err;
    EXPECT_EQ(r.out.find("s3cret"), std::string::npos) << mode << "\n" << r.out;
  }
}

}  // namespace
}  // namespace drover
