#ifndef BACKPROP_EARLY_INTERRUPT_H
#define BACKPROP_EARLY_INTERRUPT_H
/// 1: the constructor that makes an early Ctrl-C exit 130 is linked in.
int backprop_early_interrupt_installed(void);
#endif
