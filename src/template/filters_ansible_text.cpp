// Ansible's urlsplit filter, the win_* path filters and the vault/unvault
// filters (ansible-core 2.14 plugins/filter/encryption.py).
#include "core/vault.hpp"
#include "template/filter_support.hpp"
#include "template/regex.hpp"
#include "template/template_error.hpp"

namespace drover::tmpl {
namespace {

Val f_urlsplit(Renderer&, const Val& v, CallArgs& a) {
  std::string url = to_str(v);
  static auto re = Regex::compile(R"(^(?:([A-Za-z][A-Za-z0-9+.-]*):)?(?://([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$)");
  auto m = re->search(url);
  Value out = Value::object();
  std::string scheme = m ? m->group(url, 1) : "", netloc = m ? m->group(url, 2) : "";
  std::string host = netloc, user, pass;
  size_t at = host.rfind('@');
  if (at != std::string::npos) {
    std::string cred = host.substr(0, at);
    host = host.substr(at + 1);
    size_t c = cred.find(':');
    user = cred.substr(0, c);
    if (c != std::string::npos) pass = cred.substr(c + 1);
  }
  Value port = nullptr;
  size_t colon = host.rfind(':');
  if (colon != std::string::npos && host.find(']', colon) == std::string::npos) {
    std::string p = host.substr(colon + 1);
    host = host.substr(0, colon);
    if (!p.empty()) port = std::stoll(p);
  }
  for (auto& ch : host) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  for (auto& ch : scheme) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  out["fragment"] = m ? m->group(url, 5) : "";
  out["hostname"] = host.empty() ? Value(nullptr) : Value(host);
  out["netloc"] = netloc;
  out["password"] = pass.empty() ? Value(nullptr) : Value(pass);
  out["path"] = m ? m->group(url, 3) : url;
  out["port"] = port;
  out["query"] = m ? m->group(url, 4) : "";
  out["scheme"] = scheme;
  out["username"] = user.empty() ? Value(nullptr) : Value(user);
  Val q = a.get(0, "query", Val::empty_str());
  std::string query = to_str(q);
  if (!query.empty()) {
    if (!out.contains(query)) fail("urlsplit: unknown URL component: " + query);
    return Val::data(out[query]);
  }
  return Val::data(std::move(out));
}

Val f_win_basename(Renderer&, const Val& v, CallArgs&) {
  std::string p = to_str(v);
  size_t s = p.find_last_of("\\/");
  if (s == std::string::npos && p.size() >= 2 && p[1] == ':') return Val::str(p.substr(2));
  return Val::str(s == std::string::npos ? p : p.substr(s + 1));
}

Val f_win_dirname(Renderer&, const Val& v, CallArgs&) {
  std::string p = to_str(v);
  size_t s = p.find_last_of("\\/");
  if (s == std::string::npos) return Val::str(p.size() >= 2 && p[1] == ':' ? p.substr(0, 2) : "");
  std::string head = p.substr(0, s + 1);
  while (head.size() > 1 && (head.back() == '\\' || head.back() == '/') &&
         !(head.size() == 3 && head[1] == ':'))
    head.pop_back();
  return Val::str(head);
}

// vault(secret, salt=None, vaultid='filter_default'): a 1.2 vault text.
Val f_vault(Renderer&, const Val& v, CallArgs& a) {
  Val secret = a.need(0, "secret");
  if (!secret.is_str() && !secret.is_undefined())
    fail("Secret passed is required to be a string, instead we got: <class '" + type_name(secret) + "'>");
  if (!v.is_str() && !v.is_undefined()) fail("Can only vault strings, instead we got: <class '" + type_name(v) + "'>");
  Val salt = a.get(1, "salt", Val::none());
  std::string id = to_str(a.get(2, "vaultid", Val::str("filter_default")));
  std::string text = vault_encrypt(to_str(v), {id, to_str(secret)}, salt.is_none() ? "" : to_str(salt));
  // wrap_object=True: Ansible's AnsibleVaultEncryptedUnicode, a marker here.
  if (a.get(3, "wrap_object", Val::boolean(false)).truthy()) return Val::data(vault_marker(text));
  return Val::str(text);
}

// unvault(secret, vaultid='filter_default'): the plaintext; a string that is
// not vault text comes back as it is.
Val f_unvault(Renderer&, const Val& v, CallArgs& a) {
  Val secret = a.need(0, "secret");
  if (!secret.is_str() && !secret.is_undefined())
    fail("Secret passed is required to be as string, instead we got: <class '" + type_name(secret) + "'>");
  const std::string* marked = v.is_dict() ? vault_marker_text(v.as_data()) : nullptr;
  if (!v.is_str() && !v.is_undefined() && !marked)
    fail("Vault should be in the form of a string, instead we got: <class '" + type_name(v) + "'>");
  std::string text = marked ? *marked : to_str(v);
  if (!is_vault_encrypted(text)) return Val::str(text);
  std::string id = to_str(a.get(1, "vaultid", Val::str("filter_default")));
  try {
    VaultKeyring ring;
    ring.secrets.push_back({id, to_str(secret)});
    return Val::str(vault_decrypt(text, ring).text);
  } catch (const Error& e) {
    fail("Unable to decrypt: " + e.message());
  }
}

}  // namespace

void add_ansible_text_filters(FilterTable& t) {
  t["vault"] = f_vault;
  t["unvault"] = f_unvault;
  t["urlsplit"] = f_urlsplit;
  t["win_basename"] = f_win_basename;
  t["win_dirname"] = f_win_dirname;
}

}  // namespace drover::tmpl
