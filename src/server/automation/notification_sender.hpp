// Sends a notification over the network with libcurl: an HTTP POST or an
// SMTP mail. Each call blocks for at most kTimeout; only the notifier's own
// thread calls these, never a job or an HTTP worker.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "server/automation/notification_message.hpp"

namespace drover::server {

inline constexpr std::chrono::seconds kSendTimeout{15};

// "" when the service took it (answer_problem), else why not.
std::string post_notification(const std::string& kind, const OutgoingRequest& request);

// "" when the SMTP server accepted the message.
std::string send_mail(const std::string& url, const std::string& username, const std::string& password,
                      const std::string& from, const std::vector<std::string>& to, const std::string& message,
                      bool starttls);

}  // namespace drover::server
