// What `--version` prints: the project's version (CMakeLists.txt's
// project(), the one place it is set) and the git commit built.
#pragma once

namespace doorbuster::config {

const char* version();
/// The short commit id, "-modified" when the tree had changes, or
/// "unknown" outside a git checkout.
const char* commit();

} // namespace doorbuster::config
