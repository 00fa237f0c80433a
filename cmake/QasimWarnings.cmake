# Warnings are errors for our own targets only (not for third-party headers).
function(qasim_target_warnings target)
  target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Werror>)
  # nvcc: its own warnings and the host compiler's, as errors too.
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:CUDA>:--Werror=all-warnings -Xcompiler=-Wall,-Wextra,-Werror>)
  # GCC's -Wmaybe-uninitialized misfires inside libstdc++ (std::regex, std::function) once
  # ASan instruments the code; the release build keeps the warning as an error.
  if(QASIM_SANITIZE AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-Wno-maybe-uninitialized>)
  endif()
endfunction()
