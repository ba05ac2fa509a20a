// `drover vault VERB`: the `ansible-vault` command (ansible-core 2.14): create,
// edit, encrypt, decrypt, view, rekey, encrypt_string, with its options,
// messages and exit codes (1 for errors, 5 for bad options). The format and
// the crypto are core/vault.hpp; where passwords come from is
// engine/vault_passwords.hpp.
//
// Files are replaced as ansible-vault replaces them: the old file removed
// and a new one created 0600 (rekey keeps the old mode). `edit` and `create`
// hand the plaintext to $EDITOR in a 0600 temporary file, which is
// overwritten with zeros before it is removed (Ansible runs shred(1)).
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/prompt.hpp"
#include "cli/vault_flags.hpp"
#include "core/error.hpp"
#include "core/strings.hpp"
#include "core/vault.hpp"

namespace drover::cli {
namespace {

namespace fs = std::filesystem;

struct VaultFlags {
  std::string verb;
  std::vector<std::string> args;
  VaultPasswordOptions vault;
  std::string encrypt_vault_id;
  std::string output;
  std::vector<std::string> names;
  std::string stdin_name;
  bool prompt = false, show_input = false;
  std::string new_vault_id, new_vault_password_file;
};

std::string real_path(const std::string& f) {
  if (f == "-") return f;
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::absolute(f), ec);
  return ec ? fs::absolute(f).lexically_normal().string() : p.string();
}

std::string read_data(const std::string& filename) {
  std::stringstream ss;
  if (filename == "-") {
    ss << std::cin.rdbuf();
    return ss.str();
  }
  std::ifstream in(filename, std::ios::binary);
  if (!in || fs::is_directory(filename)) {
    int e = fs::is_directory(filename) ? EISDIR : errno;
    throw Error("Unable to read source file (" + filename + "): [Errno " + std::to_string(e) + "] " +
                std::strerror(e) + ": '" + filename + "'");
  }
  ss << in.rdbuf();
  return ss.str();
}

// Overwrites a file's bytes with zeros before it is removed (the part of
// shred(1) that matters on a normal file system).
void shred_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd >= 0) {
    struct stat st {};
    if (fstat(fd, &st) == 0) {
      std::string zeros(4096, '\0');
      for (off_t done = 0; done < st.st_size;) {
        ssize_t n = write(fd, zeros.data(), static_cast<size_t>(std::min<off_t>(st.st_size - done, 4096)));
        if (n <= 0) break;
        done += n;
      }
      fsync(fd);
    }
    close(fd);
  }
  ::unlink(path.c_str());
}

// ansible-vault's write_data: '-' is stdout; a file is removed and created
// again with mode 0600.
void write_data(const std::string& data, const std::string& file, bool shred = true) {
  if (file == "-") {
    std::fwrite(data.data(), 1, data.size(), stdout);
    std::fflush(stdout);
    return;
  }
  fs::path dir = fs::path(file).parent_path();
  if (access(dir.empty() ? "." : dir.c_str(), W_OK) != 0)
    throw Error("Destination '" + dir.string() + "' not writable");
  if (fs::is_regular_file(file)) {
    if (shred) shred_file(file);
    else ::unlink(file.c_str());
  }
  int fd = ::open(file.c_str(), O_CREAT | O_EXCL | O_RDWR | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw Error("Unable to write " + file + ": " + std::strerror(errno));
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n <= 0) {
      close(fd);
      throw Error("Unable to write " + file + ": " + std::strerror(errno));
    }
    done += static_cast<size_t>(n);
  }
  close(fd);
}

// Ansible's match_encrypt_secret.
VaultSecret encrypt_secret(const VaultKeyring& ring, const std::string& id) {
  if (id.empty()) return ring.secrets.front();
  for (const auto& s : ring.secrets)
    if (s.vault_id == id) return s;
  std::string known;
  for (const auto& s : ring.secrets) known += (known.empty() ? "['" : "', '") + s.vault_id;
  throw Error("Did not find a match for --encrypt-vault-id=" + id + " in the known vault-ids " + known + "']");
}

std::string decrypt_for(const std::string& text, const VaultKeyring& ring, const std::string& filename,
                        std::string* used_id = nullptr) {
  try {
    auto p = vault_decrypt(text, ring, filename);
    if (used_id) *used_id = p.vault_id;
    return p.text;
  } catch (const Error& e) {
    throw Error(e.message() + " for " + filename);
  }
}

std::string encrypt_checked(const std::string& plain, const VaultSecret& s) {
  if (is_vault_encrypted(plain)) throw Error("input is already encrypted");
  return vault_encrypt(plain, s);
}

// Runs $EDITOR (default vi) on a 0600 temporary file holding `existing`;
// returns what the user saved.
std::string edit_in_editor(const std::string& filename, const std::string& existing) {
  std::string ext = fs::path(fs::weakly_canonical(fs::absolute(filename))).extension().string();
  const char* tmpdir = std::getenv("TMPDIR");
  std::string tmpl = std::string(tmpdir && *tmpdir ? tmpdir : "/tmp") + "/drover-vault-XXXXXX" + ext;
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  int fd = mkstemps(name.data(), static_cast<int>(ext.size()));
  if (fd < 0) throw Error(std::string("Unable to create a temporary file: ") + std::strerror(errno));
  std::string tmp = name.data();
  (void)!write(fd, existing.data(), existing.size());
  close(fd);
  const char* editor = std::getenv("EDITOR");
  std::vector<std::string> cmd = shlex_split(editor && *editor ? editor : "vi");
  cmd.push_back(tmp);
  pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> argv;
    for (auto& c : cmd) argv.push_back(c.data());
    argv.push_back(nullptr);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (pid < 0 || (WIFEXITED(status) && WEXITSTATUS(status) == 127)) {
    shred_file(tmp);
    std::string joined;
    for (const auto& c : cmd) joined += (joined.empty() ? "" : " ") + c;
    throw Error("Unable to execute the command \"" + joined + "\": [Errno 2] No such file or directory: '" + cmd[0] + "'");
  }
  std::string saved = read_data(tmp);
  shred_file(tmp);
  return saved;
}

void say(const std::string& msg) { std::cerr << msg << "\n"; }

int run(const VaultFlags& f) {
  for (const auto& id : f.vault.vault_ids)
    if (id.find(';') != std::string::npos)
      throw OptionsError("'" + id + "' is not a valid vault id. The character ';' is not allowed in vault ids");
  if (!f.output.empty() && f.args.size() > 1)
    throw OptionsError("At most one input file may be used with the --output option");
  const std::string& verb = f.verb;
  bool read_stdin = verb == "encrypt_string" &&
                    (f.args.empty() || !f.stdin_name.empty() ||
                     std::find(f.args.begin(), f.args.end(), "-") != f.args.end());
  if (verb == "encrypt_string" && f.prompt && read_stdin)
    throw OptionsError("The --prompt option is not supported if also reading input from stdin");

  Config config = Config::load();
  umask(077);
  bool writes = verb == "encrypt" || verb == "encrypt_string" || verb == "create";
  VaultPasswordOptions po = f.vault;
  po.auto_prompt = true;
  po.new_password = writes;
  VaultKeyring ring = open_vault(po, config);
  if (ring.secrets.empty()) throw OptionsError("A vault password is required to use Ansible's Vault");
  std::string encrypt_id =
      f.encrypt_vault_id.empty() ? config.str("DEFAULT_VAULT_ENCRYPT_IDENTITY") : f.encrypt_vault_id;
  VaultSecret enc;
  if (writes) {
    if (ring.secrets.size() > 1 && encrypt_id.empty()) {
      std::string ids;
      for (const auto& s : ring.secrets) ids += (ids.empty() ? "" : ",") + s.vault_id;
      throw OptionsError("The vault-ids " + ids +
                         " are available to encrypt. Specify the vault-id to encrypt with --encrypt-vault-id");
    }
    enc = encrypt_secret(ring, encrypt_id);
  }
  bool tty_out = isatty(STDOUT_FILENO) != 0, tty_in = isatty(STDIN_FILENO) != 0;

  if (verb == "encrypt") {
    if (f.args.empty() && tty_in) say("Reading plaintext input from stdin");
    for (const auto& a : f.args.empty() ? std::vector<std::string>{"-"} : f.args) {
      std::string file = real_path(a);
      write_data(encrypt_checked(read_data(file), enc), f.output.empty() ? file : f.output);
    }
    if (tty_out) say("Encryption successful");
  } else if (verb == "decrypt") {
    if (f.args.empty() && tty_in) say("Reading ciphertext input from stdin");
    for (const auto& a : f.args.empty() ? std::vector<std::string>{"-"} : f.args) {
      std::string file = real_path(a);
      write_data(decrypt_for(read_data(file), ring, file), f.output.empty() ? file : f.output, false);
    }
    if (tty_out) say("Decryption successful");
  } else if (verb == "view") {
    for (const auto& a : f.args) {
      std::string text = decrypt_for(read_data(a), ring, a);
      if (text.empty() || text.back() != '\n') text += '\n';
      std::fwrite(text.data(), 1, text.size(), stdout);
    }
  } else if (verb == "create") {
    if (f.args.size() != 1) throw OptionsError("ansible-vault create can take only one filename argument");
    const std::string& file = f.args[0];
    fs::path dir = fs::path(file).parent_path();
    if (!dir.empty() && !fs::exists(dir)) {
      std::cerr << "[WARNING]: " << dir.string() << " does not exist, creating...\n";
      fs::create_directories(dir);
    }
    if (fs::is_regular_file(file)) throw Error(file + " exists, please use 'edit' instead");
    std::string saved = edit_in_editor(file, "");
    if (!saved.empty()) write_data(vault_encrypt(saved, enc), file);
  } else if (verb == "edit") {
    for (const auto& a : f.args) {
      std::string file = real_path(a), id;
      std::string vaulted = read_data(file);
      std::string plain = decrypt_for(vaulted, ring, file, &id);
      std::string label = parse_vault_envelope(vaulted, file).vault_id;
      VaultSecret used;
      for (const auto& s : ring.secrets)
        if (s.vault_id == id) used = s;
      used.vault_id = label;
      std::string saved = edit_in_editor(file, plain);
      if (saved != plain) write_data(vault_encrypt(saved, used), file);
    }
  } else if (verb == "rekey") {
    VaultPasswordOptions np;
    if (!f.new_vault_id.empty()) np.vault_ids.push_back(f.new_vault_id);
    if (!f.new_vault_password_file.empty()) np.vault_password_files.push_back(f.new_vault_password_file);
    np.ask_vault_pass = f.vault.ask_vault_pass;
    np.auto_prompt = true;
    np.new_password = true;
    VaultKeyring fresh = load_vault_keyring(np, config, prompt_secret, print_vault_warning);
    if (fresh.secrets.empty()) throw OptionsError("A new vault password is required to use Ansible's Vault rekey");
    VaultSecret next = encrypt_secret(fresh, encrypt_id);
    for (const auto& a : f.args) {
      std::string file = real_path(a);
      struct stat prev {};
      ::stat(file.c_str(), &prev);
      std::string plain = decrypt_for(read_data(file), ring, file);
      write_data(vault_encrypt(plain, next), file);
      (void)!::chmod(file.c_str(), prev.st_mode & 07777);
    }
    say("Rekey successful");
  } else if (verb == "encrypt_string") {
    struct Item {
      std::string text, from, name;
    };
    std::vector<Item> items;
    std::vector<std::string> args;
    for (const auto& a : f.args)
      if (a != "-") args.push_back(a);
    if (f.prompt) {
      std::string name;
      std::cerr << "Variable name (enter for no name): " << std::flush;
      std::getline(std::cin, name);
      std::string text;
      if (f.show_input) {
        std::cerr << "String to encrypt:" << std::flush;
        std::getline(std::cin, text);
      } else {
        text = prompt_secret("String to encrypt (hidden): ");
      }
      if (text.empty()) throw OptionsError("The plaintext provided from the prompt was empty, not encrypting");
      items.push_back({text, "the interactive prompt", name});
    }
    if (read_stdin) {
      if (tty_out)
        say("Reading plaintext input from stdin. (ctrl-d to end input, twice if your content does not already have a "
            "newline)");
      std::string text = read_data("-");
      if (text.empty()) throw OptionsError("stdin was empty, not encrypting");
      items.push_back({text, "stdin", f.stdin_name});
    }
    if (!f.names.empty() && args.size() > f.names.size()) {
      say("The number of --name options do not match the number of args.");
      say("The last named variable will be \"" + f.names.back() + "\". The rest will not have names.");
    }
    for (size_t i = 0; i < args.size(); ++i) {
      if (args[i].empty())
        throw OptionsError("The plaintext provided from the command line args was empty, not encrypting");
      items.push_back({args[i], "the command line args", i < f.names.size() ? f.names[i] : ""});
    }
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) {
      const Item& it = items[i];
      if (items.size() > 1) {
        std::fflush(stdout);
        if (!it.name.empty())
          std::cerr << "# The encrypted version of variable (\"" << it.name << "\", the string #" << i + 1
                    << " from " << it.from << ").\n";
        else
          std::cerr << "# The encrypted version of the string #" << i + 1 << " from " << it.from << ".)\n";
      }
      std::string block = (it.name.empty() ? "" : it.name + ": ") + "!vault |";
      std::string v = vault_encrypt(it.text, enc);
      for (size_t s = 0; s < v.size();) {
        size_t e = v.find('\n', s);
        block += "\n          " + v.substr(s, e - s);
        s = e + 1;
      }
      out += (i ? "\n" : "") + block;
    }
    write_data(out, f.output.empty() ? "-" : f.output);
    if (tty_out) say("Encryption successful");
  }
  return 0;
}

}  // namespace

void add_vault_command(CLI::App& app, int& exit_code) {
  auto flags = std::make_shared<VaultFlags>();
  auto* cmd = app.add_subcommand("vault", "Encrypt and decrypt Ansible Vault files (like `ansible-vault`)");
  cmd->require_subcommand(1);
  struct Verb {
    const char* name;
    const char* help;
  };
  const Verb verbs[] = {{"create", "Create new vault encrypted file"},
                        {"decrypt", "Decrypt vault encrypted file"},
                        {"edit", "Edit vault encrypted file"},
                        {"view", "View vault encrypted file"},
                        {"encrypt", "Encrypt YAML file"},
                        {"encrypt_string", "Encrypt a string"},
                        {"rekey", "Re-key a vault encrypted file"}};
  for (const auto& v : verbs) {
    std::string verb = v.name;
    auto* sub = cmd->add_subcommand(verb, v.help);
    sub->add_option("args", flags->args, verb == "encrypt_string" ? "String to encrypt" : "Filename");
    add_vault_flags(*sub, flags->vault);
    if (verb == "encrypt" || verb == "decrypt" || verb == "encrypt_string")
      sub->add_option("--output", flags->output, "output file name for encrypt or decrypt; use - for stdout");
    if (verb == "encrypt" || verb == "encrypt_string" || verb == "create" || verb == "rekey")
      sub->add_option("--encrypt-vault-id", flags->encrypt_vault_id, "the vault id used to encrypt (required if more than one vault-id is provided)");
    if (verb == "encrypt_string") {
      sub->add_flag("-p,--prompt", flags->prompt, "Prompt for the string to encrypt");
      sub->add_flag("--show-input", flags->show_input, "Do not hide input when prompted for the string to encrypt");
      sub->add_option("-n,--name", flags->names, "Specify the variable name")->allow_extra_args(false);
      sub->add_option("--stdin-name", flags->stdin_name, "Specify the variable name for stdin");
    }
    if (verb == "rekey") {
      sub->add_option("--new-vault-password-file", flags->new_vault_password_file, "new vault password file for rekey");
      sub->add_option("--new-vault-id", flags->new_vault_id, "the new vault identity to use for rekey");
    }
    sub->callback([flags, verb, &exit_code] {
      flags->verb = verb;
      exit_code = run(*flags);
    });
  }
}

}  // namespace drover::cli
