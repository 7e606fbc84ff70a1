// Exit statuses of the careerlink command (sysexits.h numbers where one fits), documented in
// README.md. Scripts and schedulers rely on these: change none without a release note.
#pragma once

namespace careerlink::exit_code {

inline constexpr int ok = 0;
inline constexpr int failure = 1;        // generic (e.g. no such pupil)
inline constexpr int some_rejected = 3;  // import: some records rejected, the rest imported
inline constexpr int usage = 64;         // EX_USAGE: bad command line
inline constexpr int data_error = 65;    // EX_DATAERR: a file was refused, nothing written
inline constexpr int io_error = 74;      // EX_IOERR: the store could not be opened or written
inline constexpr int temp_failure = 75;  // EX_TEMPFAIL: partly done; the rest will be retried
inline constexpr int config_error = 78;  // EX_CONFIG: the config file is invalid

}  // namespace careerlink::exit_code
