# The job side's suites (included by tests/server/CMakeLists.txt).
# jobs_queue_test: below HTTP, real SQLite, jobs run through the engine on
# local hosts.
add_executable(jobs_queue_test ${CMAKE_CURRENT_SOURCE_DIR}/jobs_queue_test.cpp)
target_link_libraries(jobs_queue_test PRIVATE drover_server drover_test_harness GTest::gtest_main)
gtest_discover_tests(jobs_queue_test PROPERTIES LABELS "unit")

# jobs_api_test: the real server binary, private sshd hosts, SSE.
add_executable(jobs_api_test ${CMAKE_CURRENT_SOURCE_DIR}/jobs_api_test.cpp ${CMAKE_CURRENT_SOURCE_DIR}/jobs_sse_client.cpp)
target_link_libraries(jobs_api_test PRIVATE drover_server_test_support GTest::gtest_main)
gtest_discover_tests(jobs_api_test PROPERTIES LABELS "ssh" DISCOVERY_TIMEOUT 30)

# jobs_isolation_test: jobs as sandboxed processes (bubblewrap), the real
# server binary, private sshd hosts.
add_executable(jobs_isolation_test ${CMAKE_CURRENT_SOURCE_DIR}/jobs_isolation_test.cpp)
target_link_libraries(jobs_isolation_test PRIVATE drover_server_test_support GTest::gtest_main)
drover_discover_tests(jobs_isolation_test LABELS ssh security DISCOVERY_TIMEOUT 30)

# jobs_vault_test: vault credentials, a vaulted project run through the API
# in the job sandbox, against ansible-playbook as the oracle.
add_executable(jobs_vault_test ${CMAKE_CURRENT_SOURCE_DIR}/jobs_vault_test.cpp)
target_link_libraries(jobs_vault_test PRIVATE drover_server_test_support GTest::gtest_main)
drover_discover_tests(jobs_vault_test LABELS compat security DISCOVERY_TIMEOUT 30)
