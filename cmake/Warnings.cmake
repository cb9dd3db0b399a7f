# Warnings are errors everywhere in this project.
add_compile_options(-Wall -Wextra -Werror -Wno-missing-field-initializers)
# GCC 12 reports false -Wrestrict positives inside libstdc++'s string concatenation at -O3
# (GCC bug 105329); they are not in our code.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  add_compile_options(-Wno-restrict)
endif()
if(MA_SANITIZE)
  # -g1: line tables for the sanitizers' stack traces, without full debug info (which costs
  # about a third of the sanitizer build's compile time).
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined -g1)
  add_link_options(-fsanitize=address,undefined)
  # Position-dependent executables: as PIE, these 100-190 MB binaries spend ~0.35 s in the
  # dynamic loader's relocation at every start, and the e2e tests start them hundreds of times.
  add_link_options(-no-pie)
endif()
find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM)
  set(CMAKE_CXX_COMPILER_LAUNCHER "${CCACHE_PROGRAM}")
  set(CMAKE_C_COMPILER_LAUNCHER "${CCACHE_PROGRAM}")
endif()
