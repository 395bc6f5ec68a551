# qq_embed_migrations(TARGET name DIR folder): compiles every NNNN_*.sql file of `folder`
# into the target as `qq::EmbeddedMigrations <name>_migrations()`, so a service binary
# carries its own schema and needs no files beside it at run time.
function(qq_embed_migrations)
  cmake_parse_arguments(ARG "" "TARGET;NAME;DIR" "" ${ARGN})
  file(GLOB sql_files CONFIGURE_DEPENDS ${ARG_DIR}/[0-9][0-9][0-9][0-9]_*.sql)
  list(SORT sql_files)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${ARG_NAME}_migrations.cc)
  # "|" instead of ";" so the list survives the shell of the build tool.
  string(REPLACE ";" "|" file_list "${sql_files}")
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DNAME=${ARG_NAME} "-DFILES=${file_list}"
            -P ${PROJECT_SOURCE_DIR}/cmake/EmbedSqlScript.cmake
    DEPENDS ${sql_files} ${PROJECT_SOURCE_DIR}/cmake/EmbedSqlScript.cmake
    COMMENT "embed migrations ${ARG_NAME}"
    VERBATIM)
  target_sources(${ARG_TARGET} PRIVATE ${out})
endfunction()
