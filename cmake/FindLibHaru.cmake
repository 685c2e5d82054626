# FindLibHaru -- Debian's libhpdf-dev ships no pkg-config file and no CMake package.
find_path(LIBHARU_INCLUDE_DIR hpdf.h)
find_library(LIBHARU_LIBRARY NAMES hpdf libhpdf)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(LibHaru REQUIRED_VARS LIBHARU_LIBRARY LIBHARU_INCLUDE_DIR)
if(LibHaru_FOUND AND NOT TARGET Haru::hpdf)
  add_library(Haru::hpdf UNKNOWN IMPORTED)
  set_target_properties(Haru::hpdf PROPERTIES IMPORTED_LOCATION "${LIBHARU_LIBRARY}"
                        INTERFACE_INCLUDE_DIRECTORIES "${LIBHARU_INCLUDE_DIR}")
endif()
