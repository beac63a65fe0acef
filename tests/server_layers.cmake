# Fails when a file in one of server/'s layer folders includes a header from a layer above it.
# Run by ctest as `cmake -DSOURCE_DIR=<project> -P server_layers.cmake`.
#
# The layers, lowest first; each may include from itself and the ones before it. The files at
# server/'s top (local_server, services.h) sit over all of them; only route groups (a
# `*_routes.cpp` in sdk/ or routes/) include services.h, the handles they are registered with.
cmake_minimum_required(VERSION 3.20)
set(layers storage http services sdk routes)

if(NOT SOURCE_DIR)
    message(FATAL_ERROR "pass -DSOURCE_DIR=<the project's root>")
endif()

set(offences "")
set(allowed "")
set(checked 0)
foreach(layer IN LISTS layers)
    list(APPEND allowed ${layer})
    file(GLOB sources RELATIVE "${SOURCE_DIR}"
         "${SOURCE_DIR}/server/${layer}/*.cpp" "${SOURCE_DIR}/server/${layer}/*.h")
    if(NOT sources)
        message(FATAL_ERROR "server/${layer}/ has no sources: is the layer list out of date?")
    endif()
    list(SORT sources)
    foreach(source IN LISTS sources)
        math(EXPR checked "${checked} + 1")
        file(STRINGS "${SOURCE_DIR}/${source}" includes REGEX "^[ \t]*#[ \t]*include[ \t]+\"")
        foreach(line IN LISTS includes)
            string(REGEX REPLACE "^[^\"]*\"([^\"]*)\".*$" "\\1" header "${line}")
            if(header MATCHES "^([a-z_]+)/")
                # A header of a layer folder: it must be this layer's or one below.
                if(NOT CMAKE_MATCH_1 IN_LIST allowed)
                    string(APPEND offences "  ${source}: ${header} (${CMAKE_MATCH_1} is above ${layer})\n")
                endif()
            elseif(header STREQUAL "services.h" AND source MATCHES "_routes\\.cpp$")
                # A route group's registration: allowed, see above.
            elseif(EXISTS "${SOURCE_DIR}/server/${header}")
                # server/'s top (services.h, local_server.h) is above every layer.
                string(APPEND offences "  ${source}: ${header} (server/'s top is above ${layer})\n")
            endif()
        endforeach()
    endforeach()
endforeach()

if(offences)
    message(FATAL_ERROR "A server layer includes from a layer above it:\n${offences}")
endif()
string(REPLACE ";" ", " names "${layers}")
message(STATUS "${checked} files in server/ (${names}): each includes only from its layer or below")
