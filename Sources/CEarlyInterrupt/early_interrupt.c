// Ctrl-C before Swift's main runs (while the dynamic loader and the runtime start, which takes a
// moment for a debug build): exit 130 at once, as the command-line tool does at any later
// moment, instead of dying by the signal. Linked into the `backprop` executable only — never
// into the library, whose users own their process's signals. `Interrupt.listen()` takes over
// as soon as main starts.
#include <signal.h>
#include <unistd.h>
#include "early_interrupt.h"

static void backprop_early_interrupt(int signal_number) {
    (void)signal_number;
    static const char message[] = "\nbackprop: interrupted\n";
    (void)!write(2, message, sizeof message - 1);
    _exit(130);
}

__attribute__((constructor)) static void backprop_install_early_interrupt(void) {
    struct sigaction current;
    if (sigaction(SIGINT, 0, &current) == 0 && current.sa_handler == SIG_IGN) return;   // ignored by the parent: keep it so
    signal(SIGINT, backprop_early_interrupt);
}

int backprop_early_interrupt_installed(void) { return 1; }
