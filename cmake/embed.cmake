# Turns a text file into a C++ source defining `pathways::kDefaultRulesJson`.
file(READ ${IN} CONTENT HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," BYTES "${CONTENT}")
file(WRITE ${OUT} "// Generated from data/rules.json; do not edit.\n#include <string_view>\nnamespace pathways {\nstatic const char kBytes[] = {${BYTES} 0};\nextern const std::string_view kDefaultRulesJson{kBytes, sizeof(kBytes) - 1};\n}\n")
