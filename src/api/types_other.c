#define CUBE_SCHEMA_TABLES
#include "api/internal.h"
const cube_schema_kind_t cube_schema_kinds_other[] = {{.kind = "X", .group = "x"}};
const size_t cube_schema_kinds_other_n = 0;
