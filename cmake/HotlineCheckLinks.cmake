# Fails the configuration when `target` links, directly or through any
# library, a hotline library outside ALLOWED or anything whose name matches
# FORBIDDEN (a regex): the proof, on every configure, that a layer (app/,
# a layer's test suites) links only what lies below it. Call it after the
# target's last target_link_libraries.
function(hotline_check_links target)
  cmake_parse_arguments(PARSE_ARGV 1 CHECK "" "LAYER;FORBIDDEN" "ALLOWED")
  set(seen "")
  set(queue ${target})
  while(queue)
    list(POP_FRONT queue item)
    string(REGEX REPLACE "^\\$<LINK_ONLY:(.+)>$" "\\1" item "${item}")
    if(item MATCHES "\\$<" OR item IN_LIST seen)
      continue()
    endif()
    list(APPEND seen ${item})
    if(NOT item STREQUAL target)
      if(item MATCHES "^hotline_" AND NOT item IN_LIST CHECK_ALLOWED)
        message(FATAL_ERROR "${target} links ${item}: the ${CHECK_LAYER} layer"
          " may link only ${CHECK_ALLOWED}")
      endif()
      if(CHECK_FORBIDDEN AND item MATCHES "${CHECK_FORBIDDEN}")
        message(FATAL_ERROR "${target} links ${item}, which matches"
          " ${CHECK_FORBIDDEN}")
      endif()
    endif()
    if(TARGET ${item})
      get_target_property(direct ${item} LINK_LIBRARIES)
      get_target_property(interface ${item} INTERFACE_LINK_LIBRARIES)
      foreach(next IN LISTS direct interface)
        if(next)
          list(APPEND queue ${next})
        endif()
      endforeach()
    endif()
  endwhile()
endfunction()
