# Fonts.cmake -- the renderer's fonts, subset once at build time (issue 9).
#
# Embedding all of DejaVu Sans (two 700 KB files) costs every invoice ~25 ms and ~190 KB.
# lib/render/subset_fonts.py (fontTools, Debian's python3-fonttools) cuts each face once,
# at build time, into a wide Latin/Greek/Cyrillic subset (the default font) plus one small
# companion per single-byte code page (see render_encoding.c); the renderer finds the
# companions next to the font it is given. Output: ${FK_BUILD_DATADIR}/fonts/, that is
# build/share/faktura/fonts/: the build tree has the install tree's layout, so the library
# finds its data files the same way in both (lib/core/datadir.h), and `cmake --install`
# copies share/faktura/ as it is.
#
# Without fontTools the build still works: the full system fonts are copied there instead,
# and invoices are correct but slower and larger (a warning says so).
#
# Provides fk_use_fonts(target): the dependency on the generated files, libdeflate (the
# renderer compresses the fonts it embeds itself, lib/render/render_sfnt.h says why, with
# libdeflate, Debian's libdeflate-dev, which does it in less than half of zlib's time at
# the same size, docs/performance.md), and for the tests that link `target`
# FK_DEFAULT_FONT / FK_DEFAULT_FONT_BOLD (the build's font files) and FK_FONTS_SUBSET when
# the build makes the subsets and companions. Those are INTERFACE definitions: the library
# itself is never compiled with a path of the build tree.
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBDEFLATE REQUIRED IMPORTED_TARGET libdeflate)

set(FK_FONT_OUT_DIR "${FK_BUILD_DATADIR}/fonts")
set(FK_FONT_ENCODINGS winansi cp1250 cp1251 cp1253 cp1257 cp1254 iso8859-16 iso8859-3
    iso8859-10)
set(FK_FONT_SCRIPT "${PROJECT_SOURCE_DIR}/lib/render/subset_fonts.py")

# Debian's python3 first: fontTools is a Debian package, not in a pyenv/venv interpreter.
find_program(FK_FONT_PYTHON NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(NOT FK_FONT_PYTHON)
  find_program(FK_FONT_PYTHON NAMES python3)
endif()
set(FK_HAVE_FONTTOOLS OFF)
if(FK_FONT_PYTHON)
  execute_process(COMMAND "${FK_FONT_PYTHON}" -c "import fontTools.subset"
                  RESULT_VARIABLE _fk_ft_rc OUTPUT_QUIET ERROR_QUIET)
  if(_fk_ft_rc EQUAL 0)
    set(FK_HAVE_FONTTOOLS ON)
  endif()
endif()

set(_fk_font_outputs "")
if(FK_HAVE_FONTTOOLS AND EXISTS "${FK_FONT_DIR}/DejaVuSans.ttf")
  foreach(stem DejaVuSans DejaVuSans-Bold)
    set(_outs "${FK_FONT_OUT_DIR}/${stem}.ttf")
    foreach(tag ${FK_FONT_ENCODINGS})
      list(APPEND _outs "${FK_FONT_OUT_DIR}/${stem}.${tag}.ttf")
    endforeach()
    add_custom_command(
      OUTPUT ${_outs}
      COMMAND "${FK_FONT_PYTHON}" "${FK_FONT_SCRIPT}" "${FK_FONT_DIR}/${stem}.ttf"
              "${FK_FONT_OUT_DIR}" "${stem}"
      DEPENDS "${FK_FONT_SCRIPT}" "${FK_FONT_DIR}/${stem}.ttf"
      COMMENT "Subsetting ${stem} for the renderer (fontTools)"
      VERBATIM)
    list(APPEND _fk_font_outputs ${_outs})
  endforeach()
  add_custom_target(fk_fonts DEPENDS ${_fk_font_outputs})
  set(FK_DEFAULT_FONT_FILE "${FK_FONT_OUT_DIR}/DejaVuSans.ttf")
  set(FK_DEFAULT_FONT_BOLD_FILE "${FK_FONT_OUT_DIR}/DejaVuSans-Bold.ttf")
else()
  message(WARNING "fontTools (Debian: python3-fonttools) not found: invoices embed the full "
                  "DejaVu fonts (correct, but ~10x slower and larger). scripts/install-deps "
                  "installs it.")
  foreach(stem DejaVuSans DejaVuSans-Bold)
    if(EXISTS "${FK_FONT_DIR}/${stem}.ttf")
      configure_file("${FK_FONT_DIR}/${stem}.ttf" "${FK_FONT_OUT_DIR}/${stem}.ttf" COPYONLY)
    endif()
  endforeach()
  set(FK_DEFAULT_FONT_FILE "${FK_FONT_OUT_DIR}/DejaVuSans.ttf")
  set(FK_DEFAULT_FONT_BOLD_FILE "${FK_FONT_OUT_DIR}/DejaVuSans-Bold.ttf")
endif()

function(fk_use_fonts target)
  get_target_property(_type ${target} TYPE)
  if(NOT _type STREQUAL "OBJECT_LIBRARY")
    target_compile_definitions(${target} INTERFACE
      FK_DEFAULT_FONT="${FK_DEFAULT_FONT_FILE}"
      FK_DEFAULT_FONT_BOLD="${FK_DEFAULT_FONT_BOLD_FILE}")
  endif()
  if(TARGET fk_fonts)
    add_dependencies(${target} fk_fonts)
    # The build makes the companions: tests must find them (and fail, not skip, if not).
    if(NOT _type STREQUAL "OBJECT_LIBRARY")
      target_compile_definitions(${target} INTERFACE FK_FONTS_SUBSET=1)
    endif()
  endif()
  target_link_libraries(${target} PRIVATE PkgConfig::LIBDEFLATE)
endfunction()
