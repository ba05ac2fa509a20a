// `drover vault` against Debian's `ansible-vault` (ansible-core 2.14) as the
// oracle: each tool decrypts what the other wrote, with one and several
// vault ids and labels; the password sources (files, scripts, client
// scripts, environment, ansible.cfg) and the failures (wrong password, no
// secret, tampered text) read and exit the same.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include "harness/process.hpp"

namespace drover {
namespace {

const char* kAnsibleVault = "/usr/bin/ansible-vault";

class VaultCompat : public ::testing::Test {
 protected:
  void SetUp() override {
    pw_ = d_.write("pw", "s3cret\n");
    pw2_ = d_.write("pw2", "other\n");
    bad_ = d_.write("bad", "nope\n");
    po_.cwd = d_.path();
    po_.env = {{"ANSIBLE_CONFIG", d_.path() + "/none.cfg"}, {"ANSIBLE_NOCOLOR", "1"}};
  }
  test::ProcessResult ansible(std::vector<std::string> args, const test::ProcessOptions* o = nullptr) {
    args.insert(args.begin(), kAnsibleVault);
    return test::run_process(args, o ? *o : po_);
  }
  test::ProcessResult drover(std::vector<std::string> args, const test::ProcessOptions* o = nullptr) {
    args.insert(args.begin(), "vault");
    return test::run_drover(args, o ? *o : po_);
  }
  std::string file(const std::string& rel) { return test::read_file(d_.path() + "/" + rel); }

  test::TempDir d_;
  test::ProcessOptions po_;
  std::string pw_, pw2_, bad_;
};

TEST_F(VaultCompat, AnsibleVaultDecryptsFilesDroverEncryptedWithAndWithoutALabel) {
  d_.write("a.yml", "user: admin\npassword: hunter2\n");
  d_.write("b.yml", "x: [1, 2]\n");
  ASSERT_EQ(drover({"encrypt", "--vault-password-file", pw_, "a.yml"}).exit_code, 0);
  ASSERT_EQ(drover({"encrypt", "--vault-id", "prod@" + pw2_, "b.yml"}).exit_code, 0);
  EXPECT_EQ(file("a.yml").rfind("$ANSIBLE_VAULT;1.1;AES256\n", 0), 0u);
  EXPECT_EQ(file("b.yml").rfind("$ANSIBLE_VAULT;1.2;AES256;prod\n", 0), 0u);
  auto r = ansible({"view", "--vault-password-file", pw_, "a.yml"});
  EXPECT_EQ(r.out, "user: admin\npassword: hunter2\n") << r.err;
  r = ansible({"view", "--vault-id", "dev@" + pw_, "--vault-id", "prod@" + pw2_, "b.yml"});
  EXPECT_EQ(r.out, "x: [1, 2]\n") << r.err;
}

TEST_F(VaultCompat, DroverDecryptsFilesAnsibleVaultEncryptedWithSeveralVaultIds) {
  d_.write("a.yml", "one\n");
  d_.write("b.yml", "two\n");
  ASSERT_EQ(ansible({"encrypt", "--vault-id", "dev@" + pw_, "a.yml"}).exit_code, 0);
  ASSERT_EQ(ansible({"encrypt", "--vault-id", "prod@" + pw2_, "b.yml"}).exit_code, 0);
  for (const char* f : {"a.yml", "b.yml"}) {
    auto r = drover({"view", "--vault-id", "dev@" + pw_, "--vault-id", "prod@" + pw2_, f});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, std::string(f[0] == 'a' ? "one\n" : "two\n"));
  }
  auto r = drover({"decrypt", "--vault-id", "prod@" + pw2_, "--vault-id", "dev@" + pw_, "b.yml", "--output", "-"});
  EXPECT_EQ(r.out, "two\n") << r.err;
  ASSERT_EQ(drover({"decrypt", "--vault-id", "dev@" + pw_, "a.yml"}).exit_code, 0);
  EXPECT_EQ(file("a.yml"), "one\n");
}

TEST_F(VaultCompat, EncryptStringBlocksAreReadByTheOtherTool) {
  auto ours = drover({"encrypt_string", "--vault-id", "dev@" + pw_, "--name", "db_pass", "p@ss w0rd"});
  ASSERT_EQ(ours.exit_code, 0) << ours.err;
  EXPECT_EQ(ours.out.rfind("db_pass: !vault |\n          $ANSIBLE_VAULT;1.2;AES256;dev\n", 0), 0u) << ours.out;
  d_.write("ours.yml", ours.out + "\n");
  auto theirs = ansible({"encrypt_string", "--vault-id", "dev@" + pw_, "--name", "db_pass", "p@ss w0rd"});
  d_.write("theirs.yml", theirs.out + "\n");
  // Each tool's block, loaded as a vars file by the other side's playbook.
  d_.write("pb.yml",
           "- hosts: localhost\n  gather_facts: false\n  vars_files: [VARS]\n  tasks:\n"
           "    - debug: var=db_pass\n");
  for (auto [vars, runner] : {std::pair<std::string, std::string>{"ours.yml", "/usr/bin/ansible-playbook"},
                              std::pair<std::string, std::string>{"theirs.yml", "drover"}}) {
    std::string pb = file("pb.yml");
    d_.write("run.yml", pb.replace(pb.find("VARS"), 4, vars));
    std::vector<std::string> a{"-i", "localhost,", "-c", "local", "run.yml", "--vault-id", "dev@" + pw_};
    test::ProcessResult r;
    if (runner == "drover") {
      a.insert(a.begin(), "play");
      r = test::run_drover(a, po_);
    } else {
      a.insert(a.begin(), runner);
      r = test::run_process(a, po_);
    }
    EXPECT_NE(r.out.find("\"db_pass\": \"p@ss w0rd\""), std::string::npos) << runner << "\n" << r.out << r.err;
  }
}

TEST_F(VaultCompat, AWrongPasswordFailsWithAnsiblesMessageAndExitCode) {
  d_.write("a.yml", "x\n");
  ASSERT_EQ(ansible({"encrypt", "--vault-password-file", pw_, "a.yml"}).exit_code, 0);
  auto theirs = ansible({"view", "--vault-password-file", bad_, "a.yml"});
  auto ours = drover({"view", "--vault-password-file", bad_, "a.yml"});
  EXPECT_EQ(ours.exit_code, theirs.exit_code);
  EXPECT_EQ(ours.err, theirs.err);
  EXPECT_NE(ours.err.find("Decryption failed (no vault secrets were found that could decrypt) on a.yml for a.yml"),
            std::string::npos) << ours.err;
}

TEST_F(VaultCompat, ATamperedFileFailsTheHmacCheckInBothTools) {
  d_.write("a.yml", "important: value\n");
  ASSERT_EQ(ansible({"encrypt", "--vault-password-file", pw_, "a.yml"}).exit_code, 0);
  std::string v = file("a.yml");
  size_t last = v.rfind('\n', v.size() - 2) + 1;  // the last line: ciphertext digits
  v[last + 3] = v[last + 3] == '1' ? '2' : '1';  // still valid hex, another byte
  d_.write("a.yml", v);
  auto theirs = ansible({"view", "--vault-password-file", pw_, "a.yml"});
  auto ours = drover({"view", "--vault-password-file", pw_, "a.yml"});
  EXPECT_EQ(ours.exit_code, theirs.exit_code);
  EXPECT_NE(theirs.exit_code, 0);
  EXPECT_EQ(ours.err, theirs.err);
}

TEST_F(VaultCompat, ANonHexPayloadWarnsOfTheFormatErrorAndFailsAsAnsible) {
  d_.write("a.yml", "x\n");
  ASSERT_EQ(ansible({"encrypt", "--vault-password-file", pw_, "a.yml"}).exit_code, 0);
  std::string v = file("a.yml");
  v[v.find('\n') + 5] = 'z';
  d_.write("a.yml", v);
  for (const auto& pass : {std::vector<std::string>{"--vault-password-file", pw_}, std::vector<std::string>{}}) {
    std::vector<std::string> args{"view", "a.yml"};
    args.insert(args.end(), pass.begin(), pass.end());
    test::ProcessOptions no_tty = po_;
    no_tty.stdin_data = "\n";  // the prompt (no password given) reads an empty line
    auto theirs = ansible(args, &no_tty);
    auto ours = drover(args, &no_tty);
    EXPECT_EQ(ours.exit_code, theirs.exit_code);
    if (!pass.empty()) {
      EXPECT_EQ(ours.err, theirs.err);
    }
  }
}

TEST_F(VaultCompat, SeveralSecretsWithoutEncryptVaultIdIsAnOptionsError) {
  d_.write("a.yml", "x\n");
  auto theirs = ansible({"encrypt", "--vault-id", "a@" + pw_, "--vault-id", "b@" + pw2_, "a.yml"});
  auto ours = drover({"encrypt", "--vault-id", "a@" + pw_, "--vault-id", "b@" + pw2_, "a.yml"});
  EXPECT_EQ(ours.exit_code, 5);
  EXPECT_EQ(ours.exit_code, theirs.exit_code);
  EXPECT_NE(theirs.err.find(ours.err.substr(0, ours.err.size() - 1)), std::string::npos) << ours.err << theirs.err;
  ours = drover({"encrypt", "--vault-id", "a@" + pw_, "--vault-id", "b@" + pw2_, "--encrypt-vault-id", "b", "a.yml"});
  EXPECT_EQ(ours.exit_code, 0) << ours.err;
  EXPECT_EQ(ansible({"view", "--vault-id", "b@" + pw2_, "a.yml"}).out, "x\n");
}

TEST_F(VaultCompat, PasswordScriptsClientScriptsAndTheEnvironmentGiveTheSecret) {
  std::string script = d_.write("pass.sh", "#!/bin/sh\necho s3cret\n");
  std::string client = d_.write("keys-client.sh",
                                "#!/bin/sh\n[ \"$1\" = --vault-id ] || exit 3\n"
                                "case \"$2\" in prod) echo other;; *) echo unknown >&2; exit 2;; esac\n");
  chmod(script.c_str(), 0700);
  chmod(client.c_str(), 0700);
  d_.write("a.yml", "a\n");
  d_.write("b.yml", "b\n");
  ASSERT_EQ(ansible({"encrypt", "--vault-password-file", pw_, "a.yml"}).exit_code, 0);
  ASSERT_EQ(ansible({"encrypt", "--vault-id", "prod@" + pw2_, "b.yml"}).exit_code, 0);
  EXPECT_EQ(drover({"view", "--vault-id", script, "a.yml"}).out, "a\n");
  EXPECT_EQ(drover({"view", "--vault-id", "prod@" + client, "b.yml"}).out, "b\n");
  auto theirs = ansible({"view", "--vault-id", "dev@" + client, "b.yml"});
  auto ours = drover({"view", "--vault-id", "dev@" + client, "b.yml"});
  EXPECT_EQ(ours.exit_code, theirs.exit_code);
  EXPECT_EQ(ours.err, theirs.err);
  test::ProcessOptions env = po_;
  env.env["ANSIBLE_VAULT_PASSWORD_FILE"] = pw_;
  EXPECT_EQ(drover({"view", "a.yml"}, &env).out, "a\n");
  env.env.erase("ANSIBLE_VAULT_PASSWORD_FILE");
  env.env["ANSIBLE_VAULT_IDENTITY_LIST"] = "dev@" + pw_ + ",prod@" + pw2_;
  EXPECT_EQ(drover({"view", "b.yml"}, &env).out, "b\n");
  d_.write("vault.cfg", "[defaults]\nvault_identity_list = prod@" + pw2_ + "\nvault_id_match = true\n");
  env.env = {{"ANSIBLE_CONFIG", d_.path() + "/vault.cfg"}};
  EXPECT_EQ(drover({"view", "b.yml"}, &env).out, "b\n");
  // vault_id_match: the 1.1 file (id "default") is not tried with "prod".
  theirs = ansible({"view", "--vault-password-file", pw_, "b.yml"}, &env);
  ours = drover({"view", "--vault-password-file", pw_, "b.yml"}, &env);
  EXPECT_EQ(ours.exit_code, theirs.exit_code);
  EXPECT_EQ(ours.err, theirs.err);
}

TEST_F(VaultCompat, AMissingPasswordFileIsAnsiblesErrorAndWarning) {
  d_.write("a.yml", "a\n");
  auto theirs = ansible({"view", "--vault-id", "dev@" + d_.path() + "/missing", "a.yml"});
  auto ours = drover({"view", "--vault-id", "dev@" + d_.path() + "/missing", "a.yml"});
  EXPECT_EQ(ours.exit_code, theirs.exit_code);
  EXPECT_EQ(ours.err, theirs.err);
}

TEST_F(VaultCompat, RekeyAndEditKeepTheFileReadableByAnsibleVault) {
  d_.write("a.yml", "greeting: hello\n");
  ASSERT_EQ(ansible({"encrypt", "--vault-password-file", pw_, "a.yml"}).exit_code, 0);
  auto r = drover({"rekey", "--vault-password-file", pw_, "--new-vault-id", "new@" + pw2_, "a.yml"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "Rekey successful\n");
  EXPECT_EQ(ansible({"view", "--vault-password-file", pw2_, "a.yml"}).out, "greeting: hello\n");
  test::ProcessOptions ed = po_;
  ed.env["EDITOR"] = "sed -i s/hello/bonjour/";
  r = drover({"edit", "--vault-password-file", pw2_, "a.yml"}, &ed);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(file("a.yml").rfind("$ANSIBLE_VAULT;1.2;AES256;new\n", 0), 0u);
  EXPECT_EQ(ansible({"view", "--vault-password-file", pw2_, "a.yml"}).out, "greeting: bonjour\n");
  ed.env["EDITOR"] = "sh -c 'echo created > \"$0\"'";
  r = drover({"create", "--vault-password-file", pw_, "sub/new.yml"}, &ed);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ansible({"view", "--vault-password-file", pw_, "sub/new.yml"}).out, "created\n");
  struct stat st {};
  ASSERT_EQ(stat((d_.path() + "/sub/new.yml").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto theirs = ansible({"create", "--vault-password-file", pw_, "sub/new.yml"}, &ed);
  auto ours = drover({"create", "--vault-password-file", pw_, "sub/new.yml"}, &ed);
  EXPECT_EQ(ours.exit_code, theirs.exit_code);
  EXPECT_EQ(ours.err, theirs.err);
}

TEST_F(VaultCompat, AskVaultPassReadsThePasswordWhenThereIsNoTerminal) {
  d_.write("a.yml", "asked\n");
  ASSERT_EQ(ansible({"encrypt", "--vault-password-file", pw_, "a.yml"}).exit_code, 0);
  test::ProcessOptions in = po_;
  in.stdin_data = "s3cret\n";
  auto ours = drover({"view", "--ask-vault-pass", "a.yml"}, &in);
  EXPECT_EQ(ours.exit_code, 0) << ours.err;
  EXPECT_EQ(ours.out, "asked\n");
  EXPECT_EQ(ours.err.find("s3cret"), std::string::npos);
}

TEST_F(VaultCompat, AdhocRunReadsVaultedInventoryVarsAsAnsibleDoes) {
  d_.write("inv/hosts", "h1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n");
  d_.write("inv/host_vars/h1.yml", "token: from-vaulted-host-vars\n");
  ASSERT_EQ(ansible({"encrypt", "--vault-id", "dev@" + pw_, "inv/host_vars/h1.yml"}).exit_code, 0);
  std::vector<std::string> args{"h1", "-i", "inv/hosts", "-m", "debug", "-a", "msg={{ token }}",
                                "--vault-id", "dev@" + pw_};
  std::vector<std::string> a = args;
  a.insert(a.begin(), "/usr/bin/ansible");
  auto theirs = test::run_process(a, po_);
  args.insert(args.begin(), "run");
  auto ours = test::run_drover(args, po_);
  // -e @file may be vaulted too.
  d_.write("extra.yml", "extra_secret: from-vaulted-extra-vars\n");
  ASSERT_EQ(ansible({"encrypt", "--vault-password-file", pw_, "extra.yml"}).exit_code, 0);
  auto extra = test::run_drover({"run", "h1", "-i", "inv/hosts", "-m", "debug", "-a", "msg={{ extra_secret }}", "-e",
                                 "@extra.yml", "--vault-id", "dev@" + pw_},
                                po_);
  EXPECT_NE(extra.out.find("from-vaulted-extra-vars"), std::string::npos) << extra.out << extra.err;
  EXPECT_EQ(ours.exit_code, theirs.exit_code) << ours.err;
  // (drover's ad-hoc debug adds "changed": false, a difference outside vault)
  EXPECT_NE(theirs.out.find("\"msg\": \"from-vaulted-host-vars\""), std::string::npos) << theirs.out;
  EXPECT_NE(ours.out.find("\"msg\": \"from-vaulted-host-vars\""), std::string::npos) << ours.out << ours.err;
}

TEST_F(VaultCompat, InventoryListShowsInlineValuesEncryptedAndVaultedFilesDecrypted) {
  d_.write("inv/hosts", "h1\n");
  d_.write("inv/host_vars/h1/file.yml", "from_file: opened\n");
  ASSERT_EQ(ansible({"encrypt", "--vault-password-file", pw_, "inv/host_vars/h1/file.yml"}).exit_code, 0);
  auto inline_value = ansible({"encrypt_string", "--vault-password-file", pw_, "--name", "inline", "kept"});
  d_.write("inv/host_vars/h1/inline.yml", inline_value.out + "\n");
  std::vector<std::string> args{"-i", "inv/hosts", "--list", "--vault-password-file", pw_};
  std::vector<std::string> a = args;
  a.insert(a.begin(), "/usr/bin/ansible-inventory");
  auto theirs = test::run_process(a, po_);
  args.insert(args.begin(), "inventory");
  auto ours = test::run_drover(args, po_);
  ASSERT_EQ(theirs.exit_code, 0) << theirs.err;
  EXPECT_EQ(ours.exit_code, 0) << ours.err;
  EXPECT_EQ(ours.out, theirs.out);
  EXPECT_EQ(ours.out.find("kept"), std::string::npos);
}

}  // namespace
}  // namespace drover
