# synack_component(<name> FOLDERS <layer>... [ONLY <stem>...] [EXCLUDE <stem>...]
#                  [DEPENDS <component>...] [PRIVATE_LIBS <target>...] [PC_REQUIRES <module>...])
#
# One library component: the static library synack_<name> (synack::<name>) built from the .cpp
# files of src/synack/<layer>/ (all of them, or the stems listed in ONLY, minus EXCLUDE), linked
# publicly to the synack components it DEPENDS on and privately to outside libraries. Installed
# with CMake install component <name>: the library, the matching headers, its CMake export
# (synack-<name>-targets.cmake) and a pkg-config file synack-<name>.pc whose Requires names the
# components and outside pkg-config modules (PC_REQUIRES) it needs, so that `pkg-config --libs`
# of a static library is complete.
function(synack_component name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "FOLDERS;ONLY;EXCLUDE;DEPENDS;PRIVATE_LIBS;PC_REQUIRES")
  set(sources)
  set(headers)
  foreach(folder ${arg_FOLDERS})
    file(GLOB folder_files CONFIGURE_DEPENDS RELATIVE ${PROJECT_SOURCE_DIR}/src
         ${PROJECT_SOURCE_DIR}/src/synack/${folder}/*.cpp ${PROJECT_SOURCE_DIR}/src/synack/${folder}/*.hpp)
    foreach(file ${folder_files})
      get_filename_component(stem ${file} NAME_WE)
      if(arg_ONLY AND NOT stem IN_LIST arg_ONLY)
        continue()
      endif()
      if(stem IN_LIST arg_EXCLUDE)
        continue()
      endif()
      if(file MATCHES "\\.cpp$")
        list(APPEND sources ${PROJECT_SOURCE_DIR}/src/${file})
      else()
        list(APPEND headers ${file})
      endif()
    endforeach()
  endforeach()

  set(target synack_${name})
  add_library(${target} STATIC ${sources})
  add_library(synack::${name} ALIAS ${target})
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${name})
  target_include_directories(${target} PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/src>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  target_compile_features(${target} PUBLIC cxx_std_20)
  set(public_deps)
  set(pc_requires ${arg_PC_REQUIRES})
  foreach(dep ${arg_DEPENDS})
    list(APPEND public_deps synack_${dep})
    string(REPLACE "_" "-" dep_pc ${dep})
    list(APPEND pc_requires synack-${dep_pc})
  endforeach()
  target_link_libraries(${target} PUBLIC ${public_deps} PRIVATE ${arg_PRIVATE_LIBS}
                        $<BUILD_INTERFACE:synack_warnings>)

  foreach(header ${headers})
    get_filename_component(dir ${header} DIRECTORY)
    install(FILES src/${header} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/${dir} COMPONENT ${name})
  endforeach()
  install(TARGETS ${target} EXPORT synack-${name}-targets
          ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT ${name})
  install(EXPORT synack-${name}-targets NAMESPACE synack::
          DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/synack COMPONENT ${name})

  string(REPLACE "_" "-" pc_name synack-${name})
  list(JOIN pc_requires " " SYNACK_PC_REQUIRES)
  set(SYNACK_PC_NAME ${pc_name})
  set(SYNACK_PC_LIBRARY ${target})
  set(SYNACK_PC_COMPONENT ${name})
  configure_file(${PROJECT_SOURCE_DIR}/cmake/synack-component.pc.in
                 ${PROJECT_BINARY_DIR}/pkgconfig/${pc_name}.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/pkgconfig/${pc_name}.pc
          DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT ${name})

  # For synackConfig.cmake: which components and outside packages this one needs.
  set_property(GLOBAL APPEND PROPERTY SYNACK_COMPONENTS ${name})
  set_property(GLOBAL APPEND_STRING PROPERTY SYNACK_COMPONENT_TABLE
    "set(_synack_needs_${name} ${arg_DEPENDS})\nset(_synack_outside_${name} ${arg_PC_REQUIRES})\n")
endfunction()
