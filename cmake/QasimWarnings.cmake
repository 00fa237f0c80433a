# Warnings are errors for our own targets only (not for third-party headers).
function(qasim_target_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
endfunction()
