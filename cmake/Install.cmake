# Install.cmake -- what `cmake --install build [--prefix P]` puts where (the library and the
# program install themselves in lib/ and cmd/; dist/ installs the man page, completions and
# examples):
#   lib/libfaktura.so.MAJOR, lib/libfaktura.a        (lib/CMakeLists.txt)
#   include/faktura/*.h, codes.def, version.h        the public API
#   lib/pkgconfig/faktura.pc                         pkg-config --cflags --libs faktura
#   lib/cmake/faktura/                               find_package(faktura): faktura::faktura
#   share/faktura/                                   the data files read at run time (fonts)
# "lib" is CMAKE_INSTALL_LIBDIR: lib/x86_64-linux-gnu on Debian with the prefix /usr.
include(CMakePackageConfigHelpers)

install(TARGETS faktura_shared EXPORT faktura-targets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS faktura ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})

file(GLOB _fk_headers "${PROJECT_SOURCE_DIR}/include/faktura/*.h")
install(FILES ${_fk_headers} "${PROJECT_SOURCE_DIR}/include/faktura/codes.def"
              "${PROJECT_BINARY_DIR}/include/faktura/version.h"
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/faktura)

# Data files: the build keeps them in build/share/faktura/ already (cmake/Fonts.cmake).
install(DIRECTORY "${FK_BUILD_DATADIR}/" DESTINATION ${FK_INSTALL_DATADIR})

# pkg-config
file(RELATIVE_PATH FK_PC_TO_PREFIX "${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig"
     "${CMAKE_INSTALL_PREFIX}")
string(REGEX REPLACE "/$" "" FK_PC_TO_PREFIX "${FK_PC_TO_PREFIX}")
configure_file("${PROJECT_SOURCE_DIR}/cmake/faktura.pc.in" "${PROJECT_BINARY_DIR}/faktura.pc"
               @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/faktura.pc"
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# CMake package
set(_fk_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/faktura)
install(EXPORT faktura-targets NAMESPACE faktura:: DESTINATION ${_fk_cmake_dir})
configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/faktura-config.cmake.in"
                              "${PROJECT_BINARY_DIR}/faktura-config.cmake"
                              INSTALL_DESTINATION ${_fk_cmake_dir})
# 0.x: a minor release may change the API, so only the same minor version is compatible.
write_basic_package_version_file("${PROJECT_BINARY_DIR}/faktura-config-version.cmake"
                                 COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/faktura-config.cmake"
              "${PROJECT_BINARY_DIR}/faktura-config-version.cmake"
        DESTINATION ${_fk_cmake_dir})
