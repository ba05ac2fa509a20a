add_executable(server_automation_unit_test ${CMAKE_CURRENT_SOURCE_DIR}/automation_cron_test.cpp
                                          ${CMAKE_CURRENT_SOURCE_DIR}/automation_scheduler_test.cpp
                                          ${CMAKE_CURRENT_SOURCE_DIR}/automation_webhook_test.cpp
                                          ${CMAKE_CURRENT_SOURCE_DIR}/automation_notifier_test.cpp
                                          ${CMAKE_CURRENT_SOURCE_DIR}/automation_workflow_test.cpp
                                          ${CMAKE_CURRENT_SOURCE_DIR}/automation_sinks.cpp)
target_link_libraries(server_automation_unit_test PRIVATE drover_server GTest::gtest_main)
target_include_directories(server_automation_unit_test PRIVATE ${PROJECT_SOURCE_DIR}/tests)
drover_discover_tests(server_automation_unit_test LABELS unit)

# The same against the real server binary: schedules, webhooks with
# signed deliveries, notifications to local robot and SMTP sinks.
add_executable(server_automation_api_test ${CMAKE_CURRENT_SOURCE_DIR}/automation_api_test.cpp
                                          ${CMAKE_CURRENT_SOURCE_DIR}/automation_sinks.cpp)
target_link_libraries(server_automation_api_test PRIVATE drover_server drover_server_test_support GTest::gtest_main)
drover_discover_tests(server_automation_api_test LABELS unit DISCOVERY_TIMEOUT 30)

# Issue 19's end-to-end example: git push -> webhook -> deploy on sshd hosts
# -> DingTalk-style notification.
add_executable(server_automation_e2e_test ${CMAKE_CURRENT_SOURCE_DIR}/automation_e2e_test.cpp
                                          ${CMAKE_CURRENT_SOURCE_DIR}/automation_sinks.cpp)
target_link_libraries(server_automation_e2e_test PRIVATE drover_server drover_server_test_support GTest::gtest_main)
drover_discover_tests(server_automation_e2e_test LABELS ssh DISCOVERY_TIMEOUT 30)

# Launch forms and workflows against the real server on sshd hosts: a
# workflow that fails mid-way and rolls back (set_stats passed on), a rolling
# deploy whose circuit breaker trips, launch-form answers reaching the hosts,
# a push to a workflow's webhook deploying in batches and notifying DingTalk.
add_executable(server_workflow_ssh_test ${CMAKE_CURRENT_SOURCE_DIR}/automation_workflow_ssh_test.cpp
                                        ${CMAKE_CURRENT_SOURCE_DIR}/automation_sinks.cpp)
target_link_libraries(server_workflow_ssh_test PRIVATE drover_server drover_server_test_support GTest::gtest_main)
drover_discover_tests(server_workflow_ssh_test LABELS ssh DISCOVERY_TIMEOUT 30)
