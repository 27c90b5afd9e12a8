# mobility_embed_migrations(TARGET SCHEMA FUNCTION DIR): compiles DIR/*.sql into TARGET as
# `std::vector<mobility::Migration> FUNCTION()`.
function(mobility_embed_migrations target schema function dir)
  file(GLOB sql_files CONFIGURE_DEPENDS ${dir}/*.sql)
  list(SORT sql_files)
  set(output ${CMAKE_CURRENT_BINARY_DIR}/${schema}_migrations.cc)
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DSCHEMA=${schema} -DFUNCTION=${function} -DOUTPUT=${output}
            "-DFILES=${sql_files}" -P ${PROJECT_SOURCE_DIR}/cmake/EmbedMigrations.cmake
    DEPENDS ${sql_files} ${PROJECT_SOURCE_DIR}/cmake/EmbedMigrations.cmake
    COMMENT "Embedding ${schema} migrations"
    VERBATIM)
  target_sources(${target} PRIVATE ${output})
endfunction()

# mobility_test(NAME SOURCES... LIBS ...): a GoogleTest binary registered with CTest. Tests that need
# PostgreSQL read MOBILITY_TEST_DATABASE_URL, which deploy/test.sh sets.
function(mobility_test name)
  cmake_parse_arguments(ARG "" "LOCK" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  # Tests keep debug info for their own code, for a failure's backtrace.
  target_compile_options(${name} PRIVATE ${MOBILITY_WARNINGS} -g)
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main GTest::gmock)
  # LOCK: tests holding the same resource never run at once (ctest -j).
  set(lock "")
  if(ARG_LOCK)
    set(lock RESOURCE_LOCK ${ARG_LOCK})
  endif()
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 30 PROPERTIES TIMEOUT 300 ${lock})
  if(MOBILITY_TSAN)
    target_link_libraries(${name} PRIVATE mobility_tsan_annotations)
    add_dependencies(tsan_tests ${name})
  endif()
endfunction()

# mobility_library(NAME LAYER [SERVICE name] SOURCES... LIBS...): a static library of our code, its
# warnings errors, linking LIBS for those who link it, and held to LAYER's includes (mobility_layer).
function(mobility_library name layer)
  cmake_parse_arguments(ARG "" "SERVICE" "SOURCES;LIBS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_compile_options(${name} PRIVATE ${MOBILITY_WARNINGS})
  target_link_libraries(${name} PUBLIC ${ARG_LIBS})
  if(ARG_SERVICE)
    mobility_layer(${name} ${layer} SERVICE ${ARG_SERVICE})
  else()
    mobility_layer(${name} ${layer})
  endif()
endfunction()

# mobility_layer(TARGET LAYER [SERVICE name]): before TARGET compiles, checks that its sources
# include only what LAYER may (cmake/CheckLayer.cmake): core, rules and domain code no database
# and no gRPC, stores no gRPC, the serving path no database; a service's code reaches another
# service through its contract and client interface only. A wrong include fails the build.
function(mobility_layer target layer)
  cmake_parse_arguments(ARG "" "SERVICE" "" ${ARGN})
  get_target_property(sources ${target} SOURCES)
  get_target_property(source_dir ${target} SOURCE_DIR)
  set(paths)
  foreach(source ${sources})
    if(source MATCHES "\\.(cc|h)$" AND NOT IS_ABSOLUTE ${source})
      set(source ${source_dir}/${source})
    endif()
    if(source MATCHES "\\.(cc|h)$" AND source MATCHES "^${PROJECT_SOURCE_DIR}/")
      list(APPEND paths ${source})
    endif()
  endforeach()
  file(GLOB_RECURSE headers CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/common/*.h
       ${PROJECT_SOURCE_DIR}/services/*.h)
  set(stamp ${CMAKE_CURRENT_BINARY_DIR}/${target}.layer)
  add_custom_command(
    OUTPUT ${stamp}
    COMMAND ${CMAKE_COMMAND} -DROOT=${PROJECT_SOURCE_DIR} -DLAYER=${layer} -DSERVICE=${ARG_SERVICE}
            "-DSOURCES=${paths}" -DSTAMP=${stamp} -P ${PROJECT_SOURCE_DIR}/cmake/CheckLayer.cmake
    DEPENDS ${paths} ${headers} ${PROJECT_SOURCE_DIR}/cmake/CheckLayer.cmake
    COMMENT "Checking the includes of ${target} (${layer})"
    VERBATIM)
  add_custom_target(${target}_layer DEPENDS ${stamp})
  add_dependencies(${target} ${target}_layer)
endfunction()
