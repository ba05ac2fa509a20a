// The signing the webhook services use, both ways: verifying incoming
// deliveries (GitHub's X-Hub-Signature-256, Gitee's sign, drover's generic
// HMAC) and signing outgoing notifications (DingTalk, Feishu). libsodium.
#pragma once

#include <string>

namespace drover::server {

// HMAC-SHA256 of `data` under `key` (any length), as 32 raw bytes.
std::string hmac_sha256(const std::string& key, const std::string& data);
std::string to_hex(const std::string& bytes);     // lower case
std::string to_base64(const std::string& bytes);  // standard alphabet, padded
// Percent-encoding of everything but RFC 3986's unreserved characters.
std::string url_encode(const std::string& text);
// Equal contents, in time that depends only on the lengths.
bool constant_time_equal(const std::string& a, const std::string& b);

}  // namespace drover::server
