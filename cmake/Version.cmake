# The version and the git commit the tools are built from (printed by `melange version`, `apko version`).
execute_process(COMMAND git rev-parse HEAD WORKING_DIRECTORY "${CMAKE_SOURCE_DIR}"
  OUTPUT_VARIABLE MA_GIT_COMMIT OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE _git_rc)
if(NOT _git_rc EQUAL 0 OR MA_GIT_COMMIT STREQUAL "")
  set(MA_GIT_COMMIT "unknown")
endif()
execute_process(COMMAND git status --porcelain --untracked-files=no WORKING_DIRECTORY "${CMAKE_SOURCE_DIR}"
  OUTPUT_VARIABLE _git_dirty OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT _git_dirty STREQUAL "")
  set(MA_GIT_COMMIT "${MA_GIT_COMMIT}-dirty")
endif()
# Re-run configure when HEAD moves so the embedded commit stays right.
if(EXISTS "${CMAKE_SOURCE_DIR}/.git/HEAD")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${CMAKE_SOURCE_DIR}/.git/HEAD")
  file(READ "${CMAKE_SOURCE_DIR}/.git/HEAD" _head)
  if(_head MATCHES "^ref: ([^\n]+)" AND EXISTS "${CMAKE_SOURCE_DIR}/.git/${CMAKE_MATCH_1}")
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${CMAKE_SOURCE_DIR}/.git/${CMAKE_MATCH_1}")
  endif()
endif()
configure_file("${CMAKE_SOURCE_DIR}/cmake/version.hpp.in" "${CMAKE_BINARY_DIR}/generated/ma_version.hpp" @ONLY)
