# All dependencies come from Debian packages; scripts/setup.sh installs them.
find_package(PkgConfig REQUIRED)
pkg_check_modules(SYSTEMC REQUIRED IMPORTED_TARGET systemc)
# Debian's libsystemc is built as C++17 and checks at link time that its users compiled its
# headers for the same standard; we are C++20, so say which one the library has.
set_property(TARGET PkgConfig::SYSTEMC APPEND PROPERTY INTERFACE_COMPILE_DEFINITIONS
             SC_CPLUSPLUS=201703L)
find_package(Boost 1.74 REQUIRED COMPONENTS program_options)
find_package(fmt REQUIRED)
find_package(Eigen3 REQUIRED NO_MODULE)
find_package(yaml-cpp REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(Protobuf REQUIRED)
find_package(ONNX REQUIRED CONFIG)
find_package(ZLIB REQUIRED)
find_package(Threads REQUIRED)
find_package(dnnl CONFIG)
if(dnnl_FOUND)
  message(STATUS "qasim: oneDNN found, int8 convolutions use it for accumulators")
else()
  message(STATUS "qasim: oneDNN not found, int8 convolutions use the built-in GEMM")
endif()
