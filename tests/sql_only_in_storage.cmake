# Fails when a server file outside the storage layer speaks SQL: a QSqlQuery or QSqlDatabase of
# its own, or a statement run through Database::exec() or Database::scalar(). Run by ctest as
# `cmake -DSOURCE_DIR=<project> -P sql_only_in_storage.cmake`.
#
# The storage layer: regular expressions over paths relative to the project's root. A file that
# matches one of them may hold SQL; every other file under server/ may not.
set(storage_patterns
    "^server/storage/[^/]*\\.(h|cpp)$"
)
# What SQL looks like in C++: the QtSql classes, or a statement handed to the Database helpers
# (`db.exec(`, `m_db.scalar(`, or the call on a line of its own after `m_db`).
set(sql_pattern "QSql(Query|Database)|(^|[^A-Za-z_])(exec|scalar)\\(u?\"|\\.(exec|scalar)\\(")

if(NOT SOURCE_DIR)
    message(FATAL_ERROR "pass -DSOURCE_DIR=<the project's root>")
endif()
file(GLOB_RECURSE sources RELATIVE "${SOURCE_DIR}"
     "${SOURCE_DIR}/server/*.cpp" "${SOURCE_DIR}/server/*.h")
list(SORT sources)

set(offences "")
foreach(source IN LISTS sources)
    set(is_storage FALSE)
    foreach(pattern IN LISTS storage_patterns)
        if(source MATCHES "${pattern}")
            set(is_storage TRUE)
            break()
        endif()
    endforeach()
    if(is_storage)
        continue()
    endif()
    file(STRINGS "${SOURCE_DIR}/${source}" lines)
    set(number 0)
    foreach(line IN LISTS lines)
        math(EXPR number "${number} + 1")
        if(line MATCHES "${sql_pattern}")
            string(STRIP "${line}" line)
            string(APPEND offences "  ${source}:${number}: ${line}\n")
        endif()
    endforeach()
endforeach()

if(offences)
    message(FATAL_ERROR "SQL outside the storage layer (move it into a repository):\n${offences}")
endif()
list(LENGTH sources count)
message(STATUS "${count} server files checked: SQL only in storage")
