// Demo teams and areas for the demo tenants (--load_demo_data): two district repair
// teams with their areas in Shanghai's coordinates, and a default dispatch-centre team.
#pragma once

#include "absl/status/status.h"
#include "services/dispatch/dispatch_store.h"

namespace qq::dispatch {

// Creates what is missing for "utility-demo" and "station-demo"; safe to run at every
// start and from several instances at once. UNAVAILABLE/INTERNAL from the store.
absl::Status LoadDemoData(DispatchStore& store, PgPool& pool);

}  // namespace qq::dispatch
