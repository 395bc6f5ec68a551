# Writes OUT: a C++ file defining `std::string_view <NAME>()` returning the bytes of IN
# (e.g. a protobuf descriptor set), so a binary carries the file without reading it at run
# time.
file(READ ${IN} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
string(REGEX REPLACE "(([^,]*,){24})" "\\1\n    " bytes "${bytes}")
file(WRITE ${OUT} "// Generated from ${IN} by cmake/EmbedBytesScript.cmake. Do not edit.\n"
                  "#include <string_view>\n\n"
                  "namespace {\nconst char kBytes[] = {\n    ${bytes}};\n}  // namespace\n\n"
                  "std::string_view ${NAME}() { return {kBytes, sizeof kBytes}; }\n")
