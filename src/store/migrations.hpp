// Schema migrations: a numbered list of SQL scripts. Migration N brings the
// schema from version N-1 to N; `PRAGMA user_version` records the version
// reached. Each migration runs in its own transaction together with the
// version bump, so a crash leaves the database at a whole version.
//
// Rules: never edit or reorder a migration that has shipped; add a new one.
// A database newer than this binary (user_version above the list) is refused.
#pragma once

#include <string>
#include <vector>

#include "core/result.hpp"
#include "store/database.hpp"

namespace auralis::store {

/// The migrations in order; element i is version i + 1.
const std::vector<std::string>& migrations();

/// Applies every missing migration. Control thread, at start.
Status migrate(Database& db);

}  // namespace auralis::store
