#include "server/components.hpp"

#include "server/jobs/job_service.hpp"
#include "server/auth_routes.hpp"
#include "server/automation/notification_routes.hpp"
#include "server/automation/schedule_routes.hpp"
#include "server/automation/webhook_routes.hpp"
#include "server/automation/workflow_routes.hpp"
#include "server/catalog_routes.hpp"
#include "server/host_facts_routes.hpp"
#include "server/host_jobs_routes.hpp"
#include "server/host_routes.hpp"
#include "server/project_files.hpp"
#include "server/system_routes.hpp"

namespace drover::server {

std::vector<Component> server_components() {
  return {
      {"system", add_system_routes, nullptr, nullptr},
      {"auth", add_auth_routes, nullptr, nullptr},
      {"users", add_user_routes, nullptr, nullptr},
      {"audit", add_audit_routes, nullptr, nullptr},
      {"hosts", add_host_routes, nullptr, nullptr},
      {"host jobs", add_host_job_routes, nullptr, nullptr},
      {"host facts", add_host_facts_routes, nullptr, nullptr},
      {"groups", add_group_routes, nullptr, nullptr},
      {"credentials", add_credential_routes, nullptr, nullptr},
      {"projects", add_project_routes, nullptr, nullptr},
      {"project files", add_project_file_routes, nullptr, nullptr},
      {"templates", add_template_routes, nullptr, nullptr},
      jobs_component(),
      schedules_component(),
      webhooks_component(),
      notifications_component(),
      workflows_component(),
  };
}

}  // namespace drover::server
