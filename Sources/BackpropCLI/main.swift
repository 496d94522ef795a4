// The `backprop` command: everything it does is in the BackpropCommands library (so that tests
// and the argument fuzzer reach the same commands); this file only starts it.
import BackpropCommands
import CEarlyInterrupt

_ = backprop_early_interrupt_installed()          // keeps the early Ctrl-C handler linked in
await BackpropCommand.start()
