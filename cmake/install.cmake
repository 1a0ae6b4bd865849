# What `cmake --install` puts beside the programs (each install() of a
# program is in its own folder: server/, client/, datagen/ for the data file).
# Flow: compress the man pages and the changelog at build time (gzip -9n: no
# name, no time stamp, as Debian wants them); install them, the systemd
# units, the bash completion and the copyright file, every destination
# relative to the prefix, so nothing lands outside it.
# Included from the top-level CMakeLists.txt.

# Under /usr (the package) they are /usr/lib/systemd/system, where systemd
# reads the units a package ships (systemd.unit(5); /lib is a link to it on
# merged-/usr systems, Debian 12's default).
set(MOJIFINDER_SYSTEMD_UNIT_DIR lib/systemd/system CACHE STRING
  "Where the systemd units go, relative to the install prefix")

set(mojifinder_compressed_dir ${PROJECT_BINARY_DIR}/compressed)
configure_file(${CMAKE_CURRENT_LIST_DIR}/debian/changelog.in ${mojifinder_compressed_dir}/changelog @ONLY)
set(mojifinder_compressed_files)
foreach(source IN ITEMS ${PROJECT_SOURCE_DIR}/man/mojifinderd.8 ${PROJECT_SOURCE_DIR}/man/mojifinder.1
                        ${mojifinder_compressed_dir}/changelog)
  get_filename_component(name ${source} NAME)
  add_custom_command(
    OUTPUT ${mojifinder_compressed_dir}/${name}.gz
    COMMAND gzip -9 -n -c ${source} > ${mojifinder_compressed_dir}/${name}.gz
    DEPENDS ${source}
    COMMENT "gzip ${name}"
    VERBATIM)
  list(APPEND mojifinder_compressed_files ${mojifinder_compressed_dir}/${name}.gz)
endforeach()
add_custom_target(mojifinder_compressed ALL DEPENDS ${mojifinder_compressed_files})

install(FILES ${mojifinder_compressed_dir}/mojifinderd.8.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)
install(FILES ${mojifinder_compressed_dir}/mojifinder.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${PROJECT_SOURCE_DIR}/deploy/systemd/mojifinderd.service
              ${PROJECT_SOURCE_DIR}/deploy/systemd/mojifinderd.socket
              ${PROJECT_SOURCE_DIR}/deploy/systemd/mojifinderd-http.socket
        DESTINATION ${MOJIFINDER_SYSTEMD_UNIT_DIR})
# completions/mojifinderd is a link to completions/mojifinder, installed as a link.
install(FILES ${PROJECT_SOURCE_DIR}/completions/mojifinder ${PROJECT_SOURCE_DIR}/completions/mojifinderd
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(FILES ${PROJECT_SOURCE_DIR}/cmake/debian/copyright ${mojifinder_compressed_dir}/changelog.gz
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
