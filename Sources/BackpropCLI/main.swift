// The `backprop` command: everything it does is in the BackpropCommands library (so that tests
// and the argument fuzzer reach the same commands); this file only starts it.
import BackpropCommands

await BackpropCommand.start()
