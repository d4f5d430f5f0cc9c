#include "ofab/fabric/app/interrupt-scope.h"

namespace ofab
{

namespace
{
// A signal handler can only reach file-level state: the first signal's number is all the scope
// keeps there.
volatile std::sig_atomic_t g_signal = 0;

void
OnSignal(int signal)
{
    if (g_signal == 0)
    {
        g_signal = signal;
    }
}
} // namespace

InterruptScope::InterruptScope()
{
    g_signal = 0;
    struct sigaction action = {};
    action.sa_handler = OnSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0; // no SA_RESTART: waits return with EINTR
    sigaction(SIGINT, &action, &m_previousInt);
    sigaction(SIGTERM, &action, &m_previousTerm);
    sigaction(SIGHUP, &action, &m_previousHup);
}

InterruptScope::~InterruptScope()
{
    sigaction(SIGINT, &m_previousInt, nullptr);
    sigaction(SIGTERM, &m_previousTerm, nullptr);
    sigaction(SIGHUP, &m_previousHup, nullptr);
}

bool
InterruptScope::Interrupted()
{
    return g_signal != 0;
}

const char*
InterruptScope::SignalName()
{
    switch (g_signal)
    {
    case SIGINT:
        return "SIGINT";
    case SIGTERM:
        return "SIGTERM";
    case SIGHUP:
        return "SIGHUP";
    default:
        return "";
    }
}

} // namespace ofab
