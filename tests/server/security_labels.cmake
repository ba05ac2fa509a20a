# Run by CTest (TEST_INCLUDE_FILES) after the discovered tests: the suites
# listed here also carry the label `security` (gtest_discover_tests cannot
# set two labels). Add a suite's <target>_TESTS variable to extend it.
foreach(test_name IN LISTS server_database_test_TESTS)
  set_tests_properties("${test_name}" PROPERTIES LABELS "unit;security")
endforeach()
