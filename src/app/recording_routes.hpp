// REST for recordings (CONTRACT "Recordings"), added through
// net::ServerHooks::extraRoutes:
//   POST /api/v1/recordings            {"format":"wav|flac|opus","bundle":bool,"input":bool}
//                                       -> 201 {"id":..}
//   POST /api/v1/recordings/{id}/stop  -> 200 the recording
//   GET  /api/v1/recordings            -> 200 {"recordings":[..]}
//   GET  /api/v1/recordings/{id}       -> 200 the recording
//   GET  /api/v1/recordings/{id}/audio -> the file, with Range support (206/416)
// Errors: {"error":{"code","message","field"}} with 400 invalid_param/bad_json,
// 404 not_found, 409 busy/not_recording, 507 disk_full, 500 otherwise.
// Thread rules: the handler runs on the server's io threads.
#pragma once

#include "app/recording_service.hpp"
#include "net/router.hpp"

namespace auralis::app {

net::ExtraRoute recordingRoutes(RecordingService& service);

/// The HTTP status for an Error code of the recording/preset services.
int httpStatusFor(const Error& error);

}  // namespace auralis::app
