# The Debian package: `cpack -G DEB` in the build tree (or `cpack --config
# build/CPackConfig.cmake -B DIR`) writes mojifinder_<version>_<arch>.deb
# from what `cmake --install` installs (cmake/install.cmake), under /usr.
# Flow: the package's fields; its dependencies from dpkg-shlibdeps on the
# installed programs; the programs stripped (lintian: unstripped binaries
# are an error); the maintainer scripts of deploy/debian/, which enable
# nothing (enabling the socket is the administrator's step, docs/INSTALL.md)
# but stop and disable the units on removal, so that no enable link outlives
# the unit files. Included from the top-level CMakeLists.txt after every
# install().

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME mojifinder)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "mojifinder maintainers <maintainers@mojifinder.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "find Unicode characters by name: server and client")
# The long description; CPack puts the summary above it as its first line.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "mojifinderd keeps an index of every named character of Unicode 15.0,
the emoji sequences, and CLDR's keywords and short names in every
language, and answers searches over a line protocol (TCP 2323) and,
optionally, HTTP (a JSON API and a search page on 8080).
mojifinder is its command-line client.
.
systemd units are included: mojifinderd.socket starts the hardened
mojifinderd.service on the first connection; mojifinderd-http.socket
adds HTTP.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# postinst records the units' enable links, prerm stops and disables them,
# postrm reloads systemd and purges the records (debhelper's snippets,
# without debhelper); STRICT_PERMISSION makes them 0755.
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${PROJECT_SOURCE_DIR}/deploy/debian/postinst
  ${PROJECT_SOURCE_DIR}/deploy/debian/prerm
  ${PROJECT_SOURCE_DIR}/deploy/debian/postrm)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
set(CPACK_STRIP_FILES ON)
# One package of everything installed (no components).
set(CPACK_DEB_COMPONENT_INSTALL OFF)
include(CPack)
