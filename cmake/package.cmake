# `cpack -G DEB` in the build folder: doorbuster_<version>_amd64.deb with
# the binaries, the default config (a conffile), a hardened systemd unit,
# maintainer scripts that create the service's user and its admin token,
# and dependencies found by dpkg-shlibdeps. Files in deploy/debian and
# deploy/systemd.
include(GNUInstallDirs)
# cpack (and the package test, while other tests run the binaries) must not
# rebuild anything: it packs what the build made.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)
set(DB_DEBIAN ${CMAKE_CURRENT_SOURCE_DIR}/deploy/debian)

install(TARGETS doorbuster doorbuster-console doorbuster-loadgen
  RUNTIME DESTINATION bin)
install(FILES config/doorbuster.conf DESTINATION /etc/doorbuster)
install(FILES deploy/systemd/doorbuster.service
  DESTINATION /lib/systemd/system)
install(FILES README.md docs/operations.md api/openapi.yaml
  DESTINATION share/doc/doorbuster)
install(FILES ${DB_DEBIAN}/copyright DESTINATION share/doc/doorbuster)

# Debian wants the changelog gzipped with -9n (no name, no time stamp).
string(TIMESTAMP DB_PACKAGE_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
execute_process(COMMAND git -C ${CMAKE_CURRENT_SOURCE_DIR} rev-parse --short=12 HEAD
  OUTPUT_VARIABLE DB_PACKAGE_COMMIT OUTPUT_STRIP_TRAILING_WHITESPACE
  ERROR_QUIET)
configure_file(${DB_DEBIAN}/changelog.in ${CMAKE_CURRENT_BINARY_DIR}/debian/changelog @ONLY)
add_custom_command(OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/debian/changelog.gz
  COMMAND gzip -9nf -k ${CMAKE_CURRENT_BINARY_DIR}/debian/changelog
  DEPENDS ${CMAKE_CURRENT_BINARY_DIR}/debian/changelog)
add_custom_target(db_changelog ALL
  DEPENDS ${CMAKE_CURRENT_BINARY_DIR}/debian/changelog.gz)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/debian/changelog.gz
  DESTINATION share/doc/doorbuster)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME doorbuster)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # doorbuster_<version>_amd64.deb
set(CPACK_DEBIAN_PACKAGE_MAINTAINER
  "Doorbuster developers <doorbuster@lists.doorbuster.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "inventory and catalog server for flash sales")
set(CPACK_PACKAGE_DESCRIPTION
"Doorbuster keeps a shop's inventory and catalog in memory, one actor
per product, so that sale-day spikes are served fast and never oversell.
Writes are durable in a journal and written behind to PostgreSQL; nodes
can form a cluster. Includes the node, its operators' console and a load
generator.")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://doorbuster.org")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${DB_DEBIAN}/conffiles ${DB_DEBIAN}/postinst ${DB_DEBIAN}/prerm
  ${DB_DEBIAN}/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
