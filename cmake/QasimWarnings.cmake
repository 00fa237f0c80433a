# Warnings are errors for our own targets only (not for third-party headers).
function(qasim_target_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
  # GCC's -Wmaybe-uninitialized misfires inside libstdc++ (std::regex, std::function) once
  # ASan instruments the code; the release build keeps the warning as an error.
  if(QASIM_SANITIZE AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
  endif()
endfunction()
