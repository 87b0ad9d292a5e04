# Turns a data file into a C++ source defining `extern const std::string_view pathways::${NAME}`
# (in namespace ${NAMESPACE}), so the binary carries its defaults and works from any folder.
file(READ ${IN} CONTENT HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," BYTES "${CONTENT}")
file(WRITE ${OUT} "// Generated from ${IN}; do not edit.\n#include <string_view>\nnamespace ${NAMESPACE} {\nnamespace { const char kBytes[] = {${BYTES} 0}; }\nextern const std::string_view ${NAME}{kBytes, sizeof(kBytes) - 1};\n}\n")
