// The OpenAPI document the node implements (api/openapi.yaml, compiled in
// by CMake), served at GET /openapi.yaml.
#pragma once

#include <string_view>

namespace doorbuster::http {

std::string_view openapi_document();

} // namespace doorbuster::http
