# CUDA is optional: AUTO enables it when a CUDA compiler is found. Sanitizer and fuzzing
# builds leave it out under AUTO: nvcc takes neither -fsanitize nor libFuzzer's flags, the
# CUDA runtime does not run under ASan's default shadow layout, and those builds test the
# host code, all of which they still build (the *_nocuda stand-ins included).
set(QASIM_HAVE_CUDA OFF)
if(QASIM_CUDA STREQUAL "AUTO" AND (QASIM_SANITIZE OR QASIM_FUZZ))
  message(STATUS "qasim: CUDA left out of the sanitizer/fuzzing build (QASIM_CUDA=AUTO)")
elseif(NOT QASIM_CUDA STREQUAL "OFF")
  include(CheckLanguage)
  if(NOT CMAKE_CUDA_COMPILER AND EXISTS /usr/local/cuda/bin/nvcc)
    set(CMAKE_CUDA_COMPILER /usr/local/cuda/bin/nvcc)
  endif()
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    set(QASIM_HAVE_CUDA ON)
  elseif(QASIM_CUDA STREQUAL "ON")
    message(FATAL_ERROR "QASIM_CUDA=ON but no CUDA compiler was found")
  endif()
endif()
if(QASIM_HAVE_CUDA)
  # sm_90 code (H100/H200) plus compute_90 PTX, which the driver compiles for newer GPUs:
  # one real architecture keeps nvcc's time low on the 2-core CI.
  if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
    set(CMAKE_CUDA_ARCHITECTURES 90)
  endif()
  enable_language(CUDA)
  # The CUDA sources include the C++20 headers of kernels/ (CUDA_STANDARD follows
  # CXX_STANDARD). CMake 3.25 knows nvcc's dialects only up to C++17; nvcc 12+ has C++20.
  if(NOT CMAKE_CUDA20_STANDARD_COMPILE_OPTION AND CMAKE_CUDA_COMPILER_VERSION VERSION_GREATER_EQUAL 12.0)
    set(CMAKE_CUDA20_STANDARD_COMPILE_OPTION "-std=c++20")
    set(CMAKE_CUDA20_EXTENSION_COMPILE_OPTION "-std=c++20")
    set(CMAKE_CUDA20_COMPILE_FEATURES cuda_std_20)
    list(APPEND CMAKE_CUDA_COMPILE_FEATURES cuda_std_20)
  endif()
  find_package(CUDAToolkit REQUIRED)
endif()
message(STATUS "qasim: CUDA backend ${QASIM_HAVE_CUDA}")
