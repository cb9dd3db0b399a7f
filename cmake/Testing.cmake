# ma_add_library(NAME SOURCES... DEPS ...): one static library per libs/<name>, target ma_<name>.
# Sources named *_test.cpp in the same folder become the ma_<name>_tests executable.
include(GoogleTest)
enable_testing()

# Where the tests find their data: tests/data in this repository (real-world apks, indexes,
# keys, the SPDX schema; see tests/data/PROVENANCE), and the OCI image-spec JSON schemas from
# Debian's golang-github-opencontainers-image-spec-dev (scripts/install-deps.sh test).
set(MA_TEST_DATA_DIR "${CMAKE_SOURCE_DIR}/tests/data")
set(MA_OCI_SCHEMA_DIR "/usr/share/gocode/src/github.com/opencontainers/image-spec/schema")

# How ctest runs a unit test executable. By default one ctest test per executable, which writes
# GoogleTest's XML report to gtest-results/ (scripts/test-summary.py counts every test case from
# it): a process per test case cost ~0.15-0.3 s each under the sanitizers, minutes for the whole
# suite on two cores. -DMA_UNIT_PER_TEST=ON registers each test case with ctest instead
# (`ctest -R Suite.Name` while working on one).
option(MA_UNIT_PER_TEST "One ctest test per GoogleTest test case" OFF)
function(ma_add_unit_tests target)
  if(MA_UNIT_PER_TEST)
    gtest_discover_tests(${target} DISCOVERY_MODE PRE_TEST PROPERTIES LABELS unit TIMEOUT 600)
  else()
    add_test(NAME unit.${target} COMMAND ${target} --gtest_output=xml:${CMAKE_BINARY_DIR}/gtest-results/${target}.xml)
    set_tests_properties(unit.${target} PROPERTIES LABELS unit TIMEOUT 1200)
  endif()
endfunction()

function(ma_add_library name)
  cmake_parse_arguments(A "" "" "SOURCES;DEPS;TESTS;TEST_DEPS" ${ARGN})
  add_library(ma_${name} STATIC ${A_SOURCES})
  target_include_directories(ma_${name} PUBLIC "${CMAKE_SOURCE_DIR}/libs")
  target_link_libraries(ma_${name} PUBLIC ${A_DEPS})
  if(MA_BUILD_TESTS AND A_TESTS)
    add_executable(ma_${name}_tests ${A_TESTS})
    target_link_libraries(ma_${name}_tests PRIVATE ma_${name} ma_testutil ${A_TEST_DEPS} GTest::gtest_main GTest::gmock)
    target_compile_definitions(ma_${name}_tests PRIVATE
      MA_SOURCE_DIR="${CMAKE_SOURCE_DIR}" MA_TEST_DATA_DIR="${MA_TEST_DATA_DIR}"
      MA_OCI_SCHEMA_DIR="${MA_OCI_SCHEMA_DIR}"
      MA_BINARY_DIR="${CMAKE_BINARY_DIR}")
    if(MA_SANITIZE)
      # The sanitizers are there for the libraries' code, which stays instrumented (and the test
      # executables link their runtimes, so every allocation is still checked); the tests' own
      # code compiles plain: 40% less compile time for the test sources.
      target_compile_options(ma_${name}_tests PRIVATE -fno-sanitize=all)
    endif()
    set_property(GLOBAL APPEND PROPERTY MA_UNIT_TEST_TARGETS ma_${name}_tests)
    ma_add_unit_tests(ma_${name}_tests)
  endif()
endfunction()
