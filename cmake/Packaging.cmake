# Packaging.cmake -- `cpack -G DEB` in a build tree makes faktura_VERSION_ARCH.deb: the
# program, the libraries, headers, pkg-config and CMake files, the data files, the man
# page, completions and examples (everything `cmake --install` installs), under /usr.
#
# Depends comes from Debian's own shared-library dependencies: dpkg-shlibdeps (dpkg-dev)
# reads the binaries' NEEDED entries and the installed libraries' shlibs/symbols files.
# Build it from a tree configured for /usr (README.md "Install"; scripts/package does it):
#   cmake -S . -B build-deb -DCMAKE_INSTALL_PREFIX=/usr -DFK_BUILD_TESTS=OFF
#   cmake --build build-deb && (cd build-deb && cpack -G DEB)
set(CPACK_PACKAGE_NAME faktura)
set(CPACK_PACKAGE_VENDOR "faktura")
set(FK_PACKAGE_MAINTAINER "faktura maintainers <root@localhost>" CACHE STRING
    "The .deb's Maintainer field")
set(CPACK_PACKAGE_CONTACT "${FK_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "batch invoice generation and reconciliation")
set(CPACK_PACKAGE_DESCRIPTION "faktura takes the day's orders (CSV or XML), checks the \
billing details, renders a PDF invoice with a gapless number for each order that passes, \
records everything in SQLite so a rerun never invoices twice, and writes a report that \
accounts for every order.")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR DEB)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # faktura_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Data the program reads from other packages at run time (no NEEDED entry shows them):
# the sRGB ICC profile of Factur-X PDFs (render_facturx.c) and the tz database of
# `[invoice] timezone`. cpack adds the shared-library dependencies to these.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "icc-profiles-free, tzdata")
# The package's own libfaktura.so.0: a shlibs file, so dpkg-shlibdeps resolves it for the
# program inside the same package.
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
include(CPack)
