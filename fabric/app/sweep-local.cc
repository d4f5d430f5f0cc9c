// The local backend of `ofab sweep`: a pool of `ofab run` processes, each started through its point's run.sh.

#include "ofab/fabric/app/interrupt-scope.h"
#include "ofab/fabric/app/sweep-command.h"
#include "ofab/fabric/app/sweep-index.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <map>
#include <spawn.h>
#include <sys/wait.h>

extern char** environ;

namespace ofab
{

bool
RunLocalPool(const std::vector<PendingPoint>& points, unsigned jobs)
{
    using Clock = std::chrono::steady_clock;
    struct Running
    {
        const PendingPoint* point;
        Clock::time_point start;
    };
    InterruptScope interrupt;
    std::map<pid_t, Running> running;
    std::size_t next = 0;
    std::size_t done = 0;
    bool forwarded = false;
    while (done < points.size())
    {
        if (InterruptScope::Interrupted() && !forwarded)
        {
            // Each run is in its own process group (so bash and ofab both hear it): pass Ctrl-C or a
            // SIGTERM on as SIGINT, and each run marks its trace incomplete and exits 130.
            for (const auto& [pid, r] : running)
            {
                kill(-pid, SIGINT);
            }
            forwarded = true;
        }
        if (!InterruptScope::Interrupted() && next < points.size() && running.size() < jobs)
        {
            const PendingPoint& p = points[next++];
            const std::string script = p.dir + "/run.sh";
            char* argv[] = {const_cast<char*>("/bin/bash"), const_cast<char*>(script.c_str()), nullptr};
            pid_t pid = 0;
            // Its own process group: a signal for the sweep reaches the runs once, through the sweep.
            posix_spawnattr_t attr;
            posix_spawnattr_init(&attr);
            posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
            posix_spawnattr_setpgroup(&attr, 0);
            const int err = posix_spawn(&pid, "/bin/bash", nullptr, &attr, argv, environ);
            posix_spawnattr_destroy(&attr);
            if (err != 0)
            {
                std::FILE* code = std::fopen((p.dir + "/exit_code").c_str(), "w");
                if (code)
                {
                    std::fprintf(code, "127\n");
                    std::fclose(code);
                }
                ++done;
                std::fprintf(stderr, "ofab sweep: [%zu/%zu] failed %s: cannot start /bin/bash: %s\n", done,
                             points.size(), p.name.c_str(), std::strerror(err));
                continue;
            }
            running[pid] = {&p, Clock::now()};
            continue;
        }
        if (running.empty())
        {
            break; // interrupted before these points started: they stay pending
        }
        int status = 0;
        const pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0)
        {
            if (errno == EINTR)
            {
                continue;
            }
            break;
        }
        auto it = running.find(pid);
        if (it == running.end())
        {
            continue;
        }
        const Running r = it->second;
        running.erase(it);
        ++done;
        const double seconds = std::chrono::duration<double>(Clock::now() - r.start).count();
        const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        if (code == 0)
        {
            std::fprintf(stderr, "ofab sweep: [%zu/%zu] ok %s (%.1f s)\n", done, points.size(), r.point->name.c_str(),
                         seconds);
        }
        else
        {
            const PointRecord rec = ReadPoint(r.point->dir, r.point->name, {});
            std::fprintf(stderr, "ofab sweep: [%zu/%zu] %s %s (%.1f s): %s\n", done, points.size(),
                         code == 130 ? "interrupted" : "FAILED", r.point->name.c_str(), seconds,
                         rec.error.empty() ? ("exit " + std::to_string(code)).c_str() : rec.error.c_str());
        }
    }
    return !InterruptScope::Interrupted();
}

} // namespace ofab
