#ifndef OFAB_FABRIC_APP_SERVE_COMMAND_H
#define OFAB_FABRIC_APP_SERVE_COMMAND_H

#include "ofab/fabric/app/run-command.h"

#include <string>

namespace ofab
{

struct ServeOptions
{
    RunOptions run; ///< the experiment and the options `ofab run` shares
    std::string listen = "127.0.0.1:7700";
    double realtime = 0;   ///< wall us per simulated us; 0: as fast as possible
    std::string tokenFile; ///< required to bind anything but loopback
    bool hold = false;     ///< keep serving after the run ends, until `stop`
    bool paused = false;   ///< start paused: the run begins at the first `resume`
    /// Wall seconds the simulation holds for an external controller's reply (policy external).
    double controllerWait = 10;
    double authTimeout = 10; ///< wall seconds a connection may take to authenticate (with a token)
};

/**
 * `ofab serve`: runs an experiment like `ofab run` while serving the control protocol
 * (docs/control-protocol.md) on `listen`. Prints "ofab serve: listening on HOST:PORT" on stderr once
 * bound. The run ends at its duration, on `stop` (the trace is complete either way), or on
 * SIGINT/SIGTERM (the trace is marked incomplete, exit 130). Without --hold the server then tells its
 * clients ({"type": "end", ...}) and exits; with --hold it keeps answering `status` until a client
 * sends `stop`. Returns the exit code; 2 for a bad --listen, --token-file or configuration.
 */
int ServeExperiment(const ServeOptions& options);

} // namespace ofab

#endif
